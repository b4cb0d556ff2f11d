"""unpack: a whole hostile INBOX → candidates with the right reason codes; INBOX untouched."""

from __future__ import annotations

import hashlib
import inspect
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import requires_lo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import hostile

from evaltool.intake import Kind, Limits, Submission, unpack

EXPECTED_REJECTIONS = {
    "空文件.xlsx": "empty", "截断.xlsx": "corrupt", "截图.xlsx": "not-a-workbook",
    "报告.xlsx": "not-a-workbook", "说明.xlsx": "not-a-workbook", "材料.rar": "unsupported-archive",
    "炸弹.zip": "zip-ratio", "很多文件.zip": "zip-too-many-members", "实体炸弹.xlsx": "xml-dtd",
    "穿越.zip": "zip-bad-name", "超大表.xlsx": "sheet-too-large", "无附件.eml": "mail-no-attachment",
    "回复.msg": "msg-needs-extra", "旧文档.xls": "not-a-workbook",
}


def _digest(root: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("INBOX")
    hostile.make_all(root)
    (root / "~$单位A_绩效评价表.xlsx").write_bytes(b"lock")  # Excel owner file: skipped
    (root / ".DS_Store").write_bytes(b"junk")
    return root


@pytest.fixture(scope="module")
def results(inbox: Path) -> tuple[list[Submission], dict[str, tuple[str, int]], dict[str, tuple[str, int]]]:
    before = _digest(inbox)
    subs = list(unpack(inbox, passwords=["secret"]))
    return subs, before, _digest(inbox)


def _by_label(subs: list[Submission]) -> dict[str, Submission]:
    return {s.label: s for s in subs}


def test_is_a_generator(inbox: Path) -> None:
    gen = unpack(inbox)
    assert inspect.isgenerator(gen)
    assert isinstance(next(gen), Submission)
    gen.close()


def test_inbox_unchanged(results, inbox: Path) -> None:  # type: ignore[no-untyped-def]
    _, before, after = results
    assert before == after  # same files, same bytes, same mtimes: nothing written into INBOX


def test_every_hostile_case_has_its_reason(results) -> None:  # type: ignore[no-untyped-def]
    subs = _by_label(results[0])
    for label, code in EXPECTED_REJECTIONS.items():
        sub = subs[label]
        assert sub.rejection is not None, label
        assert sub.rejection.reason_code == code, (label, sub.rejection)
        assert sub.rejection.message("zh") and sub.rejection.message("en")
        assert sub.source_sha256 == hashlib.sha256(sub.source_path.read_bytes()).hexdigest()


def test_skipped_junk(results) -> None:  # type: ignore[no-untyped-def]
    labels = {s.label for s in results[0]}
    assert not any(lbl.startswith(("~$", ".DS_Store")) or "__MACOSX" in lbl for lbl in labels)


def test_good_files_pass_with_names_and_mail_metadata(results) -> None:  # type: ignore[no-untyped-def]
    subs = _by_label(results[0])
    good = {
        "单位A_绩效评价表.xlsx": ("单位A_绩效评价表.xlsx", None, None),
        "rfc2231.eml/单位B_指标表.xlsx": ("单位B_指标表.xlsx", "lisi@dept-b.gov.cn", "单位B 绩效评价表"),
        "gbk.eml/单位C_指标表.xlsx": ("单位C_指标表.xlsx", "wangwu@dept-c.gov.cn", "单位C 绩效评价表"),
        "rawgbk.eml/单位D_指标表.xlsx": ("单位D_指标表.xlsx", "wangwu@dept-c.gov.cn", "单位D 绩效评价表"),
        "forward.eml/单位F.xlsx": ("单位F.xlsx", "office@dept-f.gov.cn", "转发：单位F 绩效评价表"),
        "单位G_材料.zip/材料/单位G_绩效评价表.xlsx": ("单位G_绩效评价表.xlsx", None, None),
        "单位G_材料.zip/单位C_报表.xlsx": ("单位C_报表.xlsx", None, None),
    }
    for label, (filename, sender, subject) in good.items():
        sub = subs[label]
        assert sub.ok and sub.kind is Kind.XLSX and sub.flags == (), label
        assert (sub.filename, sub.sender, sub.mail_subject) == (filename, sender, subject)
        assert sub.sha256 == hashlib.sha256(sub.data).hexdigest()
    mailed = subs["rfc2231.eml/单位B_指标表.xlsx"]
    assert mailed.mail_date is not None and mailed.message_id and mailed.member == "单位B_指标表.xlsx"


def test_hostile_attachment_name_is_sanitised(results) -> None:  # type: ignore[no-untyped-def]
    (sub,) = [s for s in results[0] if s.source_path.name == "badname.eml"]
    assert sub.ok and sub.filename == "_CON.xlsx"


def test_encrypted_is_decrypted_with_password(results, inbox: Path) -> None:  # type: ignore[no-untyped-def]
    sub = _by_label(results[0])["加密.xlsx"]
    assert sub.ok and sub.decrypted and sub.kind is Kind.XLSX
    (nopw,) = [s for s in unpack(inbox) if s.label == "加密.xlsx"]
    assert nopw.rejection is not None and nopw.rejection.reason_code == "encrypted-no-password"


def test_flags_travel_with_candidates(results) -> None:  # type: ignore[no-untyped-def]
    subs = _by_label(results[0])
    codes = {label: {f.code for f in subs[label].flags} for label in
             ("宏.xlsm", "DDE公式.xlsx", "外部链接.xlsx", "嵌入对象.xlsx", "超链接公式.xlsx")}
    assert subs["宏.xlsm"].kind is Kind.XLSM and "vba-project" in codes["宏.xlsm"]
    assert "dde-formula" in codes["DDE公式.xlsx"]
    assert {"external-link", "dde-link"} <= codes["外部链接.xlsx"]
    assert {"ole-embedding", "activex", "data-connection"} <= codes["嵌入对象.xlsx"]
    assert codes["超链接公式.xlsx"] == {"hyperlink-formula"}


def test_duplicates_marked(results) -> None:  # type: ignore[no-untyped-def]
    subs = _by_label(results[0])
    first, second = subs["dup1.eml/单位S.xlsx"], subs["dup2.eml/单位S.xlsx"]
    assert first.duplicate_of is None and second.duplicate_of == "dup1.eml/单位S.xlsx"
    assert first.sha256 == second.sha256 and second.ok  # marked, not rejected


def test_no_exception_escapes_for_symlinks_and_fifos(tmp_path: Path) -> None:
    inbox = tmp_path / "INBOX"
    inbox.mkdir()
    hostile.good_xlsx(inbox)
    (inbox / "link.xlsx").symlink_to(inbox / "单位A_绩效评价表.xlsx")
    (inbox / "outside.xlsx").symlink_to("/etc/passwd")
    os.mkfifo(inbox / "pipe.xlsx")
    subs = _by_label(list(unpack(inbox)))
    assert subs["单位A_绩效评价表.xlsx"].ok
    for name in ("link.xlsx", "outside.xlsx", "pipe.xlsx"):
        rejection = subs[name].rejection
        assert rejection is not None and rejection.reason_code == "not-regular-file"


def test_file_size_and_nesting_limits(tmp_path: Path) -> None:
    inbox = tmp_path / "INBOX"
    inner = hostile.workbook_bytes("单位N")
    for level in range(5):  # wrap the workbook in 5 zips
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(f"level{level}.{'xlsx' if level == 0 else 'zip'}", inner)
        inner = buf.getvalue()
    inbox.mkdir()
    (inbox / "套娃.zip").write_bytes(inner)
    (sub,) = list(unpack(inbox))
    assert sub.rejection is not None and sub.rejection.reason_code == "nesting-too-deep"
    (ok,) = list(unpack(inbox, limits=Limits(max_depth=5)))
    assert ok.ok and ok.member and ok.member.endswith("level0.xlsx") and ok.filename == "level0.xlsx"
    (big,) = list(unpack(inbox, limits=Limits(max_file_bytes=100)))
    assert big.rejection is not None and big.rejection.reason_code == "file-too-large"


def test_exclude_output_folder(tmp_path: Path) -> None:
    inbox = tmp_path / "INBOX"
    hostile.good_xlsx(inbox)
    hostile.good_xlsx(inbox / "out")
    assert len(list(unpack(inbox))) == 2
    assert [s.label for s in unpack(inbox, exclude=[inbox / "out"])] == ["单位A_绩效评价表.xlsx"]


@requires_lo
def test_real_xls_and_et_pass(tmp_path: Path) -> None:
    from evaltool.io import lo

    src = tmp_path / "单位X.xlsx"
    src.write_bytes(hostile.workbook_bytes("单位X"))
    (xls,) = lo.convert([src], tmp_path / "conv", "xls")
    inbox = tmp_path / "INBOX"
    inbox.mkdir()
    shutil.copy(xls, inbox / "单位X.xls")
    shutil.copy(xls, inbox / "单位Y.et")
    subs = _by_label(list(unpack(inbox)))
    assert subs["单位X.xls"].ok and subs["单位X.xls"].kind is Kind.XLS
    assert subs["单位Y.et"].kind is Kind.XLS and subs["单位Y.et"].duplicate_of == "单位X.xls"


_SEEDS = [hostile.workbook_bytes("单位H"), hostile.BILLION_LAUGHS]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(_SEEDS), cut=st.integers(0, 5000), flips=st.lists(
    st.tuples(st.integers(0, 5000), st.integers(0, 255)), max_size=8))
def test_mangled_bytes_never_escape(tmp_path: Path, seed: bytes, cut: int,
                                    flips: list[tuple[int, int]]) -> None:
    data = bytearray(seed[: max(1, len(seed) - cut)])
    for pos, val in flips:
        data[pos % len(data)] = val
    inbox = tmp_path / "fz"
    shutil.rmtree(inbox, ignore_errors=True)
    inbox.mkdir()
    (inbox / "x.xlsx").write_bytes(bytes(data))
    subs = list(unpack(inbox))
    assert len(subs) == 1
    assert subs[0].ok or subs[0].rejection is not None
