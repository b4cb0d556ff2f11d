"""``evaltool collect`` over the generated inbox: decisions, outputs, safety, INBOX untouched.

The inbox (tests/support/inbox.py) holds real template returns mailed as .eml (RFC 2231 and
GBK names), zipped, resubmitted, tampered with, macro-enabled, encrypted, re-saved by
LibreOffice and converted to .xls/.et, plus every hostile case. The expected decisions are
written by hand from how each case was built (``EXPECTED``), never read from collect.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import os
import shutil
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import requires_lo
from support.inbox import EXPECTED, INJECTION, PASSWORD, shared_inbox
from typer.testing import CliRunner

from evaltool.cli import app

HAS_LO = shutil.which("soffice") is not None
CREATED = "2026-03-10T08:00:00"
# Anything that would be dangerous as a formula in an output file.
DANGEROUS = ("HYPERLINK", "EXAMPLE.COM", "CMD|", "WEBSERVICE", "CALL(", "EXEC(")


def _snapshot(root: Path) -> dict[str, tuple[str, int, int]]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            st = p.stat()
            out[str(p.relative_to(root))] = (hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_size)
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("collect")
    inbox, cases = shared_inbox(tmp_path_factory.getbasetemp(), lo=HAS_LO)
    before = _snapshot(inbox)
    pw = base / "密码.txt"
    pw.write_text(f"# 各单位加密密码\n{PASSWORD}\n", encoding="utf-8")
    out = base / "out"
    res = CliRunner().invoke(app, ["collect", str(inbox), "-o", str(out), "--passwords", str(pw),
                                   "--workers", "2", "--created", CREATED])
    assert res.exit_code == 1, res.output + repr(res.exception)  # ran; some returns are rejected
    doc = json.loads((out / "collect.json").read_text(encoding="utf-8"))
    by_path: dict[str, list[dict[str, Any]]] = {}
    for f in doc["files"]:
        by_path.setdefault(f["path"], []).append(f)
    return {"inbox": inbox, "cases": cases, "before": before, "out": out, "doc": doc, "by_path": by_path,
            "stdout": res.output}


def _files(run: dict[str, Any], case: str) -> list[dict[str, Any]]:
    rel = run["cases"][case].relative_to(run["inbox"]).as_posix()
    return run["by_path"][rel]


def _one(run: dict[str, Any], case: str) -> dict[str, Any]:
    (f,) = _files(run, case)
    return f


def test_inbox_is_never_modified(run: dict[str, Any]) -> None:
    assert _snapshot(run["inbox"]) == run["before"]
    assert not any(p.name.startswith(".work-") for p in run["out"].iterdir())  # work folder removed


def test_template_cases_get_the_expected_decision(run: dict[str, Any]) -> None:
    for case, (status, summary_status) in EXPECTED.items():
        if case not in run["cases"]:
            continue  # the LibreOffice cases need soffice
        f = _one(run, case)
        assert (f["status"], f["summary_status"]) == (status, summary_status), (case, f["reason"])


def test_every_hostile_case_is_refused_with_a_reason_and_the_batch_goes_on(run: dict[str, Any]) -> None:
    hostile = [c for c in run["cases"] if c.startswith("hostile:")]
    assert len(hostile) >= 28
    for case in hostile:
        for f in _files(run, case):
            assert f["status"] in ("rejected", "duplicate"), (case, f["status"])
            assert f["reason"], case
            if f["status"] == "rejected":
                note = run["out"] / f["outputs"]["reason"]
                assert f["reason"] in note.read_text(encoding="utf-8-sig")
                assert note.parent.name == "rejected"
    # specific reasons, from how each file was made
    codes = {c: _files(run, c)[0]["reason_code"] for c in hostile}
    assert codes["hostile:zip_bomb"] in ("zip-ratio", "zip-too-large", "zip-member-too-large")
    assert codes["hostile:entity_bomb"] == "xml-dtd"
    assert codes["hostile:empty"] == "empty"
    assert codes["hostile:truncated"] == "corrupt"
    assert codes["hostile:huge_sheet"] == "sheet-too-large"
    assert codes["hostile:encrypted"] == "encrypted-wrong-password"  # 'secret' is not in the list
    assert codes["hostile:eml_no_attachment"] == "mail-no-attachment"
    assert codes["hostile:traversal_zip"] == "zip-bad-name"
    assert codes["hostile:good_xlsx"] == "not-template"  # a workbook of another template
    assert _one(run, "hostile:dup2")["status"] == "duplicate"
    assert _one(run, "hostile:dup2")["duplicate_of"] == _one(run, "hostile:dup1")["label"]
    assert not list((run["out"] / "rejected").glob("evil*"))  # traversal never escaped


def test_flags_of_active_content_are_reported(run: dict[str, Any]) -> None:
    flags = {fl["code"] for fl in _one(run, "hostile:external_link")["flags"]}
    assert {"external-link", "dde-link"} <= flags
    assert "dde-formula" in {fl["code"] for fl in _one(run, "hostile:dde")["flags"]}
    xlsm = _one(run, "xlsm")
    assert xlsm["kind"] == "xlsm" and xlsm["status"] == "accepted"
    assert [fl["code"] for fl in xlsm["flags"]] == ["vba-project"]
    assert xlsm["flags"][0]["severity"] == "warning"


def test_outputs_of_accepted_returns(run: dict[str, Any]) -> None:
    out = run["out"]
    f = _one(run, "good_a")
    assert f["sender"] == "a@dept-a.gov.cn" and f["unit"] == "北京市甲单位" and f["unit_code"] == "A001"
    assert f["year"] == 2023 and f["framework"] == "dept-overall" and f["date"] == "2026-03-02T09:00:00+00:00"
    original = out / f["outputs"]["original"]
    assert original.parent.name == "accepted"
    assert hashlib.sha256(original.read_bytes()).hexdigest() == f["sha256"]  # the bytes as returned
    scored = out / f["outputs"]["scored"]
    assert scored.parent.name == "scored" and scored.name.endswith(".scored.xlsx")
    ws = openpyxl.load_workbook(scored)["封面"]
    assert str(ws["B11"].value).startswith("=")  # total_score: a live formula in the scored copy
    assert _one(run, "good_c_gbk")["filename"] == "丙单位_指标表.xlsx"  # GBK encoded-word name
    assert _one(run, "good_a")["filename"] == "甲单位_绩效评价表.xlsx"  # RFC 2231 name
    assert _one(run, "encrypted_ok")["decrypted"] is True


def test_resubmission_supersedes_the_older_return(run: dict[str, Any]) -> None:
    old, new = _one(run, "good_b_v1"), _one(run, "good_b_v2")
    assert old["superseded_by"] == new["label"] and new["superseded_by"] is None
    assert (run["out"] / old["outputs"]["original"]).parent.name == "superseded"
    assert "scored" not in old["outputs"]
    wb = openpyxl.load_workbook(run["out"] / "汇总.xlsx")
    listed = [[c for c in row if c is not None] for row in wb.worksheets[-1].iter_rows(values_only=True)]
    assert any(old["label"] in row and new["label"] in row for row in listed)


def test_tampered_return_is_caught_naming_the_cell(run: dict[str, Any]) -> None:
    f = _one(run, "tampered")
    assert f["status"] == "rejected" and f["summary_status"] == "未通过" and "scored" not in f["outputs"]
    assert f["reason_code"] == "integrity" and "绩效指标!F7 分值 2 → 5" in f["reason"]
    assert f["total"] is None  # a total computed from changed weights is never quoted
    receipt = openpyxl.load_workbook(run["out"] / f["outputs"]["receipt"]).active
    texts = [str(c) for row in receipt.iter_rows(values_only=True) for c in row if c is not None]
    assert any("绩效指标!F7" in t and "分值 2 → 5" in t for t in texts), texts
    assert not any(t.startswith(("总分", "计算总分")) for t in texts), texts


@requires_lo
def test_libreoffice_resave_raises_no_integrity_finding(run: dict[str, Any]) -> None:
    f = _one(run, "lo_resaved")
    assert f["status"] == "accepted" and f["summary_status"] == "通过"
    receipt = openpyxl.load_workbook(run["out"] / f["outputs"]["receipt"]).active
    rules = [row[3] for row in receipt.iter_rows(values_only=True)]
    assert not [r for r in rules if isinstance(r, str) and r.startswith("INT-")]


@requires_lo
def test_legacy_biff_returns_are_refused_with_the_template_hint(run: dict[str, Any]) -> None:
    for case in ("biff_xls", "biff_et"):
        f = _one(run, case)
        assert f["kind"] == "xls" and f["reason_code"] == "biff"
        assert "请使用下发的 .xlsx 模板填报" in f["reason"]


def _formulas(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_injection_text_stays_literal_everywhere(run: dict[str, Any]) -> None:
    out = run["out"]
    f = _one(run, "injection")
    assert f["unit"] == INJECTION  # manifest: literal
    summary = openpyxl.load_workbook(out / "汇总.xlsx")
    cells = [c for ws in summary.worksheets for row in ws.iter_rows() for c in row if c.value == INJECTION]
    assert cells and all(c.data_type == "s" for c in cells)
    receipt = openpyxl.load_workbook(out / f["outputs"]["receipt"]).active
    assert any(c.value == INJECTION and c.data_type == "s" for row in receipt.iter_rows() for c in row)
    outputs = [out / "汇总.xlsx", *out.glob("receipts/*.xlsx"), *out.glob("scored/*")]
    for p in outputs:
        for formula in _formulas(p):
            assert not any(d in formula.upper() for d in DANGEROUS), (p.name, formula)
    for p in out.glob("receipts/*.xlsx"):
        assert _formulas(p) == []  # receipts hold no formula at all


def test_reply_drafts_answer_the_sender_with_the_receipt(run: dict[str, Any]) -> None:
    f = _one(run, "good_a")
    msg = email.message_from_bytes((run["out"] / f["outputs"]["draft"]).read_bytes(), policy=email.policy.default)
    assert "a@dept-a.gov.cn" in str(msg["To"]) and msg["X-Unsent"] == "1"
    assert msg["In-Reply-To"] == f["message_id"]
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == Path(f["outputs"]["receipt"]).name
    assert att.get_content() == (run["out"] / f["outputs"]["receipt"]).read_bytes()
    loose = _one(run, "good_d_loose")
    assert "draft" not in loose["outputs"] and "receipt" in loose["outputs"]  # nobody to reply to
    assert "mail-no-attachment" == _one(run, "hostile:eml_no_attachment")["reason_code"]
    assert "draft" in _one(run, "hostile:eml_no_attachment")["outputs"]  # "you forgot the attachment"


def test_every_input_has_a_receipt_and_a_summary_row(run: dict[str, Any]) -> None:
    files = run["doc"]["files"]
    receipts = {f["outputs"]["receipt"] for f in files}
    assert len(receipts) == len(files) == len(list((run["out"] / "receipts").glob("*.xlsx")))
    wb = openpyxl.load_workbook(run["out"] / "汇总.xlsx")
    seen = {str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}
    for f in files:
        name = Path(f["label"]).name
        assert f["label"] in seen or name in seen, f["label"]
    assert run["doc"]["counts"] == {k: sum(1 for f in files if f["status"] == k) for k in run["doc"]["counts"]}
    assert sum(run["doc"]["counts"].values()) == len(files)


def test_scored_copies_keep_the_returned_bytes_outside_engine_cells(run: dict[str, Any]) -> None:
    f = _one(run, "good_e_zip")
    original, scored = run["out"] / f["outputs"]["original"], run["out"] / f["outputs"]["scored"]
    from evaltool.io.filebook import FileBook

    book = FileBook(original)
    part = book._sheet_parts["校验规则"]  # found by name: the sheet order grows with the contract
    book.close()
    with zipfile.ZipFile(original) as a, zipfile.ZipFile(scored) as b:
        assert a.read(part) == b.read(part)  # 校验规则 untouched
    assert os.path.getsize(scored) > 0
    assert datetime.fromisoformat(run["doc"]["created"]) == datetime.fromisoformat(CREATED)
