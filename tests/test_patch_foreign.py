"""patch_cells on packages other producers write (tests/support/crafted.py builds them).

Each case was a silent failure or a raw exception before the patcher located cells with a
real XML tokenizer: date-formatted style 0, case-colliding part names, backslash member
names, zip damage (CRC, Deflate64, encryption, truncation, broken deflate), legal XML that
fools a text search (comments, CDATA, processing instructions, ``>`` in attribute values) and
declared encodings other than UTF-8.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from support import crafted

from evaltool.io import Formula, PatchError, patch_cells

SHEET = crafted.SHEET


def cal(path: Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Sheet1").to_python(skip_empty_area=False)


def test_new_number_in_a_file_whose_default_style_is_a_date(tmp_path: Path) -> None:
    src = crafted.date_default_style(tmp_path / "in.xlsx")
    dst = tmp_path / "out.xlsx"
    patch_cells(src, dst, {("Sheet1", "C3"): 4242.25, ("Sheet1", "D3"): Formula("=C3*2", cached=8484.5)})
    ws = openpyxl.load_workbook(dst)["Sheet1"]
    assert ws["C3"].value == 4242.25 and ws["C3"].number_format == "General"
    assert ws["D3"].number_format == "General"
    assert ws["A1"].number_format == "mm-dd-yy"  # the existing cell keeps the style it had
    rows = cal(dst)
    assert rows[2][2] == 4242.25 and rows[2][3] == 8484.5  # numbers, not datetimes
    styles = zipfile.ZipFile(dst).read("xl/styles.xml").decode()
    assert re.search(r'<cellXfs count="2">', styles) and styles.count('numFmtId="0"') >= 2
    # a second patch reuses the General style it added
    again = tmp_path / "again.xlsx"
    patch_cells(dst, again, {("Sheet1", "E4"): 1.5})
    assert zipfile.ZipFile(again).read("xl/styles.xml").decode() == styles


def test_new_cell_takes_the_column_style_else_the_row_style(tmp_path: Path) -> None:
    styles = crafted.styles(0).replace(
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>',
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>',
    )
    body = '<row r="1"><c r="A1"><v>1</v></c></row><row r="2" s="2" customFormat="1"><c r="A2"><v>2</v></c></row>'
    src = crafted.minimal(tmp_path / "in.xlsx", styles_xml=styles,
                          sheet_xml=crafted.sheet(body, cols='<cols><col min="3" max="3" width="9" style="1" customWidth="1"/></cols>'))  # fmt: skip
    dst = tmp_path / "out.xlsx"
    patch_cells(src, dst, {("Sheet1", "C2"): 5, ("Sheet1", "D2"): 0.5, ("Sheet1", "D1"): 7})
    ws = openpyxl.load_workbook(dst)["Sheet1"]
    assert ws["C2"].number_format == "#,##0.00"  # column style wins
    assert ws["D2"].number_format == "0.00%"  # row style (customFormat)
    assert ws["D1"].number_format == "General"


def test_case_colliding_part_names_are_refused(tmp_path: Path) -> None:
    src = crafted.case_colliding(tmp_path / "in.xlsx")
    with pytest.raises(PatchError, match=r"in\.xlsx: .*differ only in case.*'xl/worksheets/sheet1\.xml' and 'xl/worksheets/Sheet1\.xml'") as info:
        patch_cells(src, tmp_path / "out.xlsx", {("Sheet1", "A1"): 5})
    assert info.value.part == "xl/worksheets/Sheet1.xml"
    assert not (tmp_path / "out.xlsx").exists()


def test_backslash_member_names_are_patched_in_place(tmp_path: Path) -> None:
    src = crafted.backslash_names(tmp_path / "in.xlsx")
    assert cal(src)[0][0] == 1  # calamine reads such files, so the patcher must too
    dst = tmp_path / "out.xlsx"
    patch_cells(src, dst, {("Sheet1", "A1"): 42, ("Sheet1", "C2"): "新"})
    rows = cal(dst)
    assert rows[0][0] == 42 and rows[1][2] == "新"
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        assert a.namelist() == b.namelist()  # same members, same names
        assert b.read("xl\\workbook.xml").count(b"fullCalcOnLoad") == 1


DAMAGE = {
    "bad_crc": r"part xl/worksheets/sheet1\.xml: .*CRC",
    "deflate64": r"part xl/worksheets/sheet1\.xml: compressed with Deflate64",
    "encrypted_member": r"part xl/worksheets/sheet1\.xml: the zip member is encrypted",
    "broken_deflate": r"part xl/worksheets/sheet1\.xml: .*(damaged compressed data|CRC)",
    "truncated_central_directory": r"not an xlsx/xlsm zip package",
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_zip_damage_is_one_patch_error(tmp_path: Path, kind: str) -> None:
    src = crafted.ALL[kind](tmp_path / f"{kind}.xlsx")
    with pytest.raises(PatchError, match=rf"{kind}\.xlsx: {DAMAGE[kind]}") as info:
        patch_cells(src, tmp_path / "out.xlsx", {("Sheet1", "A1"): 5})
    err = info.value
    assert err.file == str(src) and err.cause
    if kind != "truncated_central_directory":
        assert err.part == SHEET
    assert not (tmp_path / "out.xlsx").exists() and list(tmp_path.iterdir()) == [src]


def _patched_sheet(tmp_path: Path, sheet_xml: str | bytes, cells: dict[tuple[str, str], object]) -> bytes:
    src = crafted.minimal(tmp_path / "in.xlsx", sheet_xml=sheet_xml)
    dst = tmp_path / "out.xlsx"
    patch_cells(src, dst, cells)
    data = zipfile.ZipFile(dst).read(SHEET)
    if b"GBK" not in data[:60]:  # ElementTree does not read multi-byte legacy encodings
        ET.fromstring(data)  # well-formed
    return data


def test_sheet_data_inside_a_comment_is_not_edited(tmp_path: Path) -> None:
    xml = crafted.sheet(before='<!-- <sheetData><row r="1"><c r="A1"><v>7</v></c></row></sheetData> -->')
    data = _patched_sheet(tmp_path, xml, {("Sheet1", "A1"): 5, ("Sheet1", "A3"): 6})
    assert b'<!-- <sheetData><row r="1"><c r="A1"><v>7</v></c></row></sheetData> -->' in data
    rows = cal(tmp_path / "out.xlsx")
    assert rows[0][0] == 5 and rows[2][0] == 6


def test_cdata_that_looks_like_cells_stays_text(tmp_path: Path) -> None:
    body = ('<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[a</c><row r="2">b]]></t></is></c>'
            '<c r="B1"><v>1</v></c></row><?evaltool-test <row r="3"/>?>')  # fmt: skip
    data = _patched_sheet(tmp_path, crafted.sheet(body), {("Sheet1", "B1"): 2, ("Sheet1", "A2"): 3, ("Sheet1", "C1"): 4})
    assert b'<![CDATA[a</c><row r="2">b]]>' in data and b'<?evaltool-test <row r="3"/>?>' in data
    rows = cal(tmp_path / "out.xlsx")
    assert rows[0][0] == 'a</c><row r="2">b' and rows[0][1] == 2 and rows[0][2] == 4 and rows[1][0] == 3
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet1"]
    assert ws["A1"].value == 'a</c><row r="2">b' and ws["A2"].value == 3


def test_attribute_value_with_angle_bracket(tmp_path: Path) -> None:
    body = '<row r="1" x14ac:note="a>b" xmlns:x14ac="urn:x"><c r="A1" x14ac:t="&lt;c r=&quot;Z9&quot;>"><v>1</v></c></row>'
    data = _patched_sheet(tmp_path, crafted.sheet(body), {("Sheet1", "A1"): 9, ("Sheet1", "B1"): 8})
    assert b'x14ac:note="a>b"' in data
    rows = cal(tmp_path / "out.xlsx")
    assert rows[0][:2] == [9, 8]


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252", "UTF-16", "GBK"])
def test_declared_encoding_is_honoured(tmp_path: Path, encoding: str) -> None:
    """calamine reads UTF-8 parts only (it fails on these originals too), so openpyxl reads
    back; GBK, which neither reads, is checked by decoding it as declared."""
    decl = f'<?xml version="1.0" encoding="{encoding}" standalone="yes"?>\n'
    text = "café" if encoding != "GBK" else "预算"
    body = f'<row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c><c r="B1"><v>1</v></c></row>'
    raw = crafted.sheet(body, decl=decl).encode(encoding)
    data = _patched_sheet(tmp_path, raw, {("Sheet1", "B1"): "naïve €预", ("Sheet1", "C5"): 2.5})
    assert data.decode(encoding).startswith(decl.strip())  # still declared, still that encoding
    if encoding != "UTF-16":
        head = raw.split(b'<c r="B1"')[0]
        assert data.startswith(head)  # bytes before the patched cell are untouched
    if encoding == "GBK":
        root = ET.fromstring(data.decode("gbk").split("?>", 1)[1])
        cells = {c.get("r"): "".join(c.itertext()) for c in root.iter(f"{{{crafted.NS}}}c")}
        assert cells == {"A1": text, "B1": "naïve €预", "C5": "2.5"}
        return
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet1"]
    assert ws["B1"].value == "naïve €预" and ws["A1"].value == text and ws["C5"].value == 2.5


def test_dtd_in_a_sheet_is_refused(tmp_path: Path) -> None:
    xml = crafted.sheet(decl='<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>')
    src = crafted.minimal(tmp_path / "in.xlsx", sheet_xml=xml)
    with pytest.raises(PatchError, match=r"part xl/worksheets/sheet1\.xml: DTD"):
        patch_cells(src, tmp_path / "out.xlsx", {("Sheet1", "A1"): 1})
