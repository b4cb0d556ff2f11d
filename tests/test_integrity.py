"""Tamper evidence on real workbooks: each kind of locked edit is named, honest re-saves are not.

Edits are made with the lossless patcher on a real template return, as a filler's Excel
would; the expected old values come from the framework file (dept-overall.yaml), e.g. the
third indicator 专场招聘会场次 weighs 2 and the first grade band 优 starts at 90.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
from pathlib import Path

import pytest
from conftest import requires_lo
from support.inbox import TAMPER_CELL, shared_inbox, values_for

from evaltool import contract as C
from evaltool.demo.samples import targets_for
from evaltool.engine import evaluate
from evaltool.integrity import keys
from evaltool.integrity.locked import (
    CHUNK_CHARS,
    LOCKED_KEY,
    locked_cells_of_evaluation,
    meta_entries,
    stored_locked_cells,
    verify,
)
from evaltool.io import patch_cells
from evaltool.io.reader import load
from evaltool.messages import render
from evaltool.template import write_template
from evaltool.template.writer import build_context

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("integrity") / "signed.xlsx"
    write_template("dept-overall", p, unit_name="甲单位", unit_code="A001", year=2023,
                   values=values_for("甲单位", "A001"), created_at="2026-02-01T00:00:00+00:00",
                   signer=keys.signer(KEY), targets=targets_for())
    return p


def _patched(src: Path, tmp: Path, cells: dict[tuple[str, str], object]) -> Path:
    dst = tmp / "edited.xlsx"
    patch_cells(src, dst, cells)
    return dst


def test_the_issued_template_verifies_clean(signed: Path) -> None:
    ev = load(signed)
    assert verify(ev, key=b"") == []
    assert verify(ev, key=KEY) == []
    assert ev.meta["key_id"] == hashlib.sha256(KEY).hexdigest()[:8]
    signed_text = "\n".join([ev.meta["fingerprint"], *(f"{k}={ev.meta[k]}" for k in C.IDENTITY_KEYS)])
    expected = hmac.new(KEY, signed_text.encode(), hashlib.sha256).hexdigest()
    assert ev.meta["signature"] == expected


@pytest.mark.parametrize(("cell", "value", "label", "old", "new"), [
    (TAMPER_CELL, 5, "分值", "2", "5"),  # weight of 专场招聘会场次
    (("等级标准", "B4"), 85, "下限", "90", "85"),  # grade 优 from 90 down to 85
    (("校验规则", "E4"), "提示", "级别", "错误", "提示"),  # SUM-1 demoted from error
    (("评分方法", "C4"), "qualitative", "类型", "ratio", "qualitative"),  # method M01: ratio → qualitative
    (("绩效指标", "C5"), "别的指标", "三级指标", "执委领办项目数", "别的指标"),
])
def test_each_locked_edit_is_named_with_old_and_new(signed: Path, tmp_path: Path, cell: tuple[str, str],
                                                    value: object, label: str, old: str | None, new: str) -> None:
    findings = verify(load(_patched(signed, tmp_path, {cell: value})), key=b"")
    named = [f for f in findings if f.rule == "INT-1"]
    assert len(named) == 1, findings
    f = named[0]
    assert (f.severity, f.sheet, f.cell, f.source) == ("error", cell[0], cell[1], "integrity")
    assert f"{cell[0]}!{cell[1]} {label} " in render(f) and f"→ {new}" in render(f)
    if old is not None:
        assert f"{label} {old} → {new}" in render(f)
        assert f.value == {"old": old, "new": new}


def test_a_changed_rate_formula_is_named(signed: Path, tmp_path: Path) -> None:
    ev = load(signed)
    row = int(ev.names["variance_rate"].ref.strip("$").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ$"))
    findings = verify(load(_patched(signed, tmp_path, {("预算执行", f"C{row}"): "0"})), key=b"")
    assert [(f.sheet, f.cell) for f in findings] == [("预算执行", f"C{row}")]
    assert "variance_rate" in render(findings[0]) and "→ 0" in render(findings[0])


def test_input_cells_are_free_to_change(signed: Path, tmp_path: Path) -> None:
    edited = _patched(signed, tmp_path, {("封面", "B7"): "张三", ("预算执行", "B5"): 1.5, ("绩效指标", "J5"): 999})
    assert verify(load(edited), key=KEY) == []


def test_the_cover_must_name_the_unit_and_year_the_template_was_issued_to(signed: Path, tmp_path: Path) -> None:
    ev = load(signed)
    assert (ev.meta["unit_name"], ev.meta["unit_code"], ev.meta["eval_year"]) == ("甲单位", "A001", "2023")
    other = verify(load(_patched(signed, tmp_path, {("封面", "B3"): "乙单位", ("封面", "B4"): "B002"})), key=b"")
    assert [(f.rule, f.severity, f.cell) for f in other] == [("ID-1", "error", "B3"), ("ID-1", "error", "B4")]
    assert "乙单位" in render(other[0]) and "甲单位" in render(other[0])
    year = verify(load(_patched(signed, tmp_path, {("封面", "B5"): 2024})), key=b"")
    assert [(f.rule, f.cell) for f in year] == [("ID-1", "B5")] and "2024" in render(year[0])
    assert "2023" in render(year[0])
    assert verify(load(_patched(signed, tmp_path, {("封面", "B3"): ""})), key=b"") == []  # blank: other rules


def test_the_issued_identity_is_inside_the_signature(signed: Path, tmp_path: Path) -> None:
    # a filler re-issues the template to itself by editing _meta: the fingerprint still
    # matches (locked content unchanged) but the signature no longer does
    meta_unit = ("_meta", f"B{C.META_KEYS.index('unit_name') + 1}")
    forged = load(_patched(signed, tmp_path, {meta_unit: "乙单位", ("封面", "B3"): "乙单位"}))
    assert verify(forged, key=b"") == []  # without a key there is nothing to hold it to
    assert [(f.rule, f.severity) for f in verify(forged, key=KEY)] == [("INT-3", "error")]
    dropped = ("_meta", f"B{C.META_KEYS.index('signed') + 1}")  # claim only the fingerprint is signed
    assert [f.rule for f in verify(load(_patched(signed, tmp_path, {dropped: ""})), key=KEY)] == ["INT-3"]


def test_signature_checks(signed: Path, tmp_path: Path) -> None:
    ev = load(signed)
    other = verify(ev, key=OTHER_KEY)
    assert [(f.rule, f.severity) for f in other] == [("INT-4", "error")]  # with a key: only its own templates
    assert "密钥不同" in render(other[0])
    unsigned = load(_patched(signed, tmp_path, {("_meta", "B8"): "", ("_meta", "B9"): ""}))
    assert [(f.rule, f.severity) for f in verify(unsigned, key=KEY)] == [("INT-3", "error")]
    assert verify(unsigned, key=b"") == []  # without a key a missing signature is not an error


def test_an_edited_fingerprint_is_caught(signed: Path, tmp_path: Path) -> None:
    # the filler changes a weight AND writes the matching fingerprint into _meta
    tampered = load(_patched(signed, tmp_path, {TAMPER_CELL: 5}))
    forged_fp = hashlib.sha256(b"anything").hexdigest()
    forged = load(_patched(signed, tmp_path, {TAMPER_CELL: 5, ("_meta", "B7"): forged_fp}))
    assert [f.rule for f in verify(tampered, key=b"")] == ["INT-1"]
    no_key = verify(forged, key=b"")
    assert [f.rule for f in no_key] == ["INT-2"] and "_meta" in render(no_key[0])
    with_key = verify(forged, key=KEY)
    assert {f.rule for f in with_key} == {"INT-2", "INT-3"}


def test_integrity_reaches_the_engine(signed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVALTOOL_CONFIG_DIR", str(tmp_path / "cfg"))  # no bureau key on this "machine"
    edited = _patched(signed, tmp_path, {TAMPER_CELL: 5})
    result = evaluate(load(edited))
    found = [f for f in result.findings if f.source == "integrity"]
    assert [(f.sheet, f.cell) for f in found] == [TAMPER_CELL]
    assert "绩效指标!F7 分值 2 → 5" in render(found[0])
    keys.generate_key()  # now the bureau key exists: a workbook signed with another key is an error
    assert [f.rule for f in evaluate(load(signed)).findings if f.source == "integrity"] == ["INT-4"]


def test_locked_content_is_chunked_below_the_cell_limit() -> None:
    ctx = build_context("dept-overall", None, None, None, "zh")
    ctx.rules = tuple(ctx.rules) * 4  # a framework with many long rules
    entries = meta_entries(ctx, {"fingerprint": "f" * 64})
    assert len(entries) >= 2 and entries[0][0] == LOCKED_KEY and entries[1][0] == f"{LOCKED_KEY}.2"
    assert all(len(v) <= CHUNK_CHARS for _, v in entries)
    cells, fp = stored_locked_cells(dict(entries)) or ([], "")
    assert fp == "f" * 64 and len(cells) == len(json.loads("".join(v for _, v in entries))["cells"])


@requires_lo
def test_libreoffice_resave_is_not_an_alarm(tmp_path_factory: pytest.TempPathFactory) -> None:
    inbox, cases = shared_inbox(tmp_path_factory.getbasetemp(), lo=shutil.which("soffice") is not None)
    ev = load(cases["lo_resaved"])
    assert ev.meta.get(LOCKED_KEY)  # the re-saved file still carries the stored cells ...
    stored = stored_locked_cells(ev.meta)
    assert stored is not None and len(stored[0]) == len(locked_cells_of_evaluation(ev))
    assert verify(ev, key=b"") == []  # ... and every locked value is unchanged
