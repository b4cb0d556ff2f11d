"""names: sanitising attachment/member names and making unique paths."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from evaltool.intake.names import safe_filename, unique_path, zip_member_name


@pytest.mark.parametrize(("raw", "expected"), [
    ("单位A_绩效评价表.xlsx", "单位A_绩效评价表.xlsx"),
    ("../../evil.xlsx", "evil.xlsx"),
    ("..\\..\\Windows\\evil.xlsx", "evil.xlsx"),
    ("C:\\Users\\a\\报表.xlsx", "报表.xlsx"),
    ("CON.xlsx", "_CON.xlsx"),
    ("nul", "_nul"),
    ("com1.tar.gz", "_com1.tar.gz"),
    ("LPT9", "_LPT9"),
    ("报表.xlsx. . ", "报表.xlsx"),
    ("a<b>c:d\"e|f?g*.xlsx", "a_b_c_d_e_f_g_.xlsx"),
    ("报表\u202excod.exe", "报表xcod.exe"),
    ("tab\tand\x00nul.xlsx", "tabandnul.xlsx"),
    ("..", "attachment"),
    ("", "attachment"),
    (".hidden.xlsx", "hidden.xlsx"),
])
def test_safe_filename(raw: str, expected: str) -> None:
    assert safe_filename(raw) == expected


def test_fallback_is_sanitised_too() -> None:
    assert safe_filename("///", fallback="附件.xlsx") == "附件.xlsx"
    assert safe_filename("", fallback="../CON") == "_CON"


def test_length_limit_keeps_extension_and_chinese() -> None:
    name = "预算绩效评价" * 40 + ".xlsx"
    out = safe_filename(name)
    assert out.endswith(".xlsx") and out.startswith("预算绩效评价")
    assert len(out.encode("utf-8")) <= 180
    out.encode("utf-8").decode("utf-8")  # no half characters


def test_safe_names_are_creatable(tmp_path: Path) -> None:
    for raw in ["../x", "a/b\\c", "CON", "报表\u202e.xlsx", "x" * 400, "  ..  "]:
        p = tmp_path / safe_filename(raw)
        p.write_bytes(b"1")
        assert p.parent == tmp_path


def test_unique_path(tmp_path: Path) -> None:
    first = unique_path(tmp_path, "报表.xlsx")
    assert first == tmp_path / "报表.xlsx"
    first.write_bytes(b"")
    second = unique_path(tmp_path, "报表.xlsx")
    assert second == tmp_path / "报表 (2).xlsx"
    second.write_bytes(b"")
    assert unique_path(tmp_path, "../报表.xlsx") == tmp_path / "报表 (3).xlsx"


def test_zip_member_name_gbk_and_utf8(tmp_path: Path) -> None:
    from support.hostile import good_zip

    with zipfile.ZipFile(good_zip(tmp_path)) as zf:
        names = sorted(zip_member_name(i) for i in zf.infolist())
    assert "单位C_报表.xlsx" in names  # stored as GBK without the UTF-8 flag
    assert "材料/单位G_绩效评价表.xlsx" in names  # stored as UTF-8 with the flag


def test_private_use_and_rare_cjk_are_kept() -> None:
    assert safe_filename("\ue5e5单位\U00031350.xlsx") == "\ue5e5单位\U00031350.xlsx"
