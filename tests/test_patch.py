"""patch_cells: values, formulas, sheet surgery, bookkeeping and errors on real workbooks."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from test_patch_helpers import (
    CORPUS,
    basic_book,
    member,
    names,
    prefix_namespace,
    raw_members,
    rewrite_member,
    sha,
    sheet_cells,
)

from evaltool.io import Formula, PatchError, patch_cells

SHEET = "xl/worksheets/sheet1.xml"


def test_values_of_every_kind_read_back(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    before = sha(src)
    patch_cells(src, dst, {
        ("Sheet1", "B2"): 12.5,
        ("Sheet1", "A2"): "=1+1",
        ("Sheet1", "A3"): "+SUM(A1)",
        ("Sheet1", "A4"): "@cmd",
        ("Sheet1", "A6"): "-2",
        ("Sheet1", "B6"): True,
        ("Sheet1", "C6"): Decimal("1234.56"),
        ("Sheet1", "D6"): 7,
        ("Sheet1", "E6"): " 前后空格 \n第二行 <&>",
        ("Sheet1", "F6"): "_x0041_ \x01",
        ("Sheet1", "B3"): None,
    })  # fmt: skip
    assert sha(src) == before
    ws = openpyxl.load_workbook(dst)["Sheet1"]
    assert ws["B2"].value == 12.5 and ws["B2"].number_format == "0.00" and ws["B2"].font.b
    for ref, text in {"A2": "=1+1", "A3": "+SUM(A1)", "A4": "@cmd", "A6": "-2"}.items():
        assert ws[ref].value == text and ws[ref].data_type == "s"
    assert ws["B6"].value is True and ws["C6"].value == 1234.56 and ws["D6"].value == 7
    assert ws["E6"].value == " 前后空格 \n第二行 <&>"
    assert ws["B3"].value is None
    rows = CalamineWorkbook.from_path(str(dst)).get_sheet_by_name("Sheet1").to_python()
    assert rows[1][0] == "=1+1" and rows[1][1] == 12.5 and rows[5][1] is True
    assert rows[5][5] == "_x0041_ \x01"  # OOXML _xHHHH_ escapes round-trip (calamine decodes them)
    assert "sharedStrings" not in str(set(names(dst)) ^ set(names(src)))
    assert member(dst, "xl/sharedStrings.xml") == member(src, "xl/sharedStrings.xml")


def test_clear_keeps_style_and_removes_unstyled(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    patch_cells(src, dst, {("Sheet1", "B2"): None, ("Sheet1", "B5"): None, ("Sheet1", "Z99"): None})
    cells = sheet_cells(member(dst, SHEET))
    assert cells["B2"] == '<c r="B2" s="1"/>'
    assert "B5" not in cells and "Z99" not in cells
    ws = openpyxl.load_workbook(dst)["Sheet1"]
    assert ws["B2"].value is None and ws["B2"].number_format == "0.00"


def test_formula_cached_values(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    patch_cells(src, dst, {
        ("Sheet1", "E1"): Formula("=B2*2", cached=20),
        ("Sheet1", "E2"): Formula('=IF(B2>5,"高","低")', cached="高"),
        ("Sheet1", "E3"): Formula("=B2>5", cached=True),
        ("Sheet1", "E4"): Formula("=1/0", cached="#DIV/0!"),
        ("Sheet1", "E5"): Formula("B2+1"),
    })  # fmt: skip
    cells = sheet_cells(member(dst, SHEET))
    assert cells["E1"] == '<c r="E1"><f>B2*2</f><v>20</v></c>'
    assert cells["E2"] == '<c r="E2" t="str"><f>IF(B2&gt;5,"高","低")</f><v>高</v></c>'
    assert cells["E3"] == '<c r="E3" t="b"><f>B2&gt;5</f><v>1</v></c>'
    assert cells["E4"] == '<c r="E4" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    assert cells["E5"] == '<c r="E5"><f>B2+1</f></c>'
    rows = CalamineWorkbook.from_path(str(dst)).get_sheet_by_name("Sheet1").to_python()
    assert [r[4] for r in rows[:3]] == [20, "高", True]
    ws = openpyxl.load_workbook(dst)["Sheet1"]
    assert ws["E1"].value == "=B2*2" and ws["E4"].value == "=1/0"
    assert 'fullCalcOnLoad="1"' in member(dst, "xl/workbook.xml")


def test_only_patched_cells_change_and_other_members_are_raw_identical(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    patch_cells(src, dst, {("Sheet1", "C2"): 1, ("Sheet1", "A5"): 2, ("Sheet1", "G4"): 3, ("Sheet1", "A9"): 4})
    old, new = member(src, SHEET), member(dst, SHEET)
    # new cells land in column order inside existing rows; new rows in row order
    assert '<row r="2" spans="1:4"><c r="B2" s="1"><v>10</v></c><c r="C2"><v>1</v></c></row>' in new
    assert '<row r="5" spans="1:4"><c r="A5"><v>2</v></c><c r="B5">' in new
    assert re.search(r'</row><row r="4"><c r="G4"><v>3</v></c></row><row r="5"', new)
    assert new.index('<row r="9">') > new.index('<row r="5"')
    assert '<dimension ref="A1:G9"/>' in new
    stripped = re.sub(r'<c r="(C2|A5|G4|A9)">.*?</c>|<dimension[^>]*>', "", new)
    stripped = re.sub(r'<row r="(4|9)"></row>', "", stripped)
    assert stripped == re.sub(r"<dimension[^>]*>", "", old)
    before, after = raw_members(src), raw_members(dst)
    assert list(after) == list(before)
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {SHEET}  # xlsxwriter already sets fullCalcOnLoad, so workbook.xml is kept


def test_out_of_order_rows_and_cells(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"

    def shuffle(xml: str) -> str:
        rows = re.findall(r"<row .*?</row>", xml)
        xml = xml.replace("".join(rows), "".join([rows[2], rows[0], rows[3], rows[1]]))
        return xml.replace('<c r="B3"><v>20</v></c><c r="C3">', '<c r="C3">').replace(
            "<v>30</v></c></row>", '<v>30</v></c><c r="B3"><v>20</v></c></row>'
        )

    rewrite_member(src, SHEET, shuffle)
    patch_cells(src, dst, {("Sheet1", "B3"): 21, ("Sheet1", "A3"): "x", ("Sheet1", "B4"): 4})
    ws = openpyxl.load_workbook(dst)["Sheet1"]
    assert (ws["B3"].value, ws["A3"].value, ws["B4"].value, ws["C3"].value) == (21, "x", 4, "=B2+B3")
    new = member(dst, SHEET)
    assert new.count('<row r="3"') == 1 and new.count('<c r="B3"') == 1


def test_prefixed_namespace_sheet(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    rewrite_member(src, SHEET, prefix_namespace)
    patch_cells(src, dst, {("Sheet1", "B2"): 3, ("Sheet1", "F7"): "文本", ("Sheet1", "F1"): Formula("=B2", 3)})
    xml = member(dst, SHEET)
    assert '<x:c r="B2" s="1"><x:v>3</x:v></x:c>' in xml
    assert '<x:row r="7"><x:c r="F7" t="inlineStr"><x:is><x:t>文本</x:t></x:is></x:c></x:row>' in xml
    assert '<x:c r="F1"><x:f>B2</x:f><x:v>3</x:v></x:c>' in xml
    rows = CalamineWorkbook.from_path(str(dst)).get_sheet_by_name("Sheet1").to_python()
    assert rows[6][5] == "文本" and rows[1][1] == 3


def test_chinese_sheet_name_and_absolute_target(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx", sheet="绩效指标"), tmp_path / "out.xlsx"
    rewrite_member(src, "xl/_rels/workbook.xml.rels", lambda x: x.replace('Target="worksheets/sheet1.xml"',
                                                                         'Target="/xl/worksheets/sheet1.xml"'))  # fmt: skip
    patch_cells(src, dst, {("绩效指标", "B2"): 99})
    assert openpyxl.load_workbook(dst)["绩效指标"]["B2"].value == 99


def test_src_equals_dst_is_atomic_and_leaves_no_temp(tmp_path: Path) -> None:
    src = basic_book(tmp_path / "in.xlsx")
    patch_cells(src, src, {("Sheet1", "B2"): 1})
    patch_cells(src, src, {("Sheet1", "B3"): 2})
    ws = openpyxl.load_workbook(src)["Sheet1"]
    assert (ws["B2"].value, ws["B3"].value) == (1, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xlsx"]


def test_shared_formula_master_converts_dependents(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"

    def share(xml: str) -> str:
        rows = (
            '<row r="10"><c r="A10"><v>1</v></c><c r="B10"><f t="shared" ref="B10:B12" si="0">A10*2</f><v>2</v></c></row>'
            '<row r="11"><c r="A11"><v>2</v></c><c r="B11"><f t="shared" si="0"/><v>4</v></c></row>'
            '<row r="12"><c r="A12"><v>3</v></c><c r="B12"><f t="shared" si="0"/><v>6</v></c></row>'
        )
        return xml.replace("</sheetData>", rows + "</sheetData>")

    rewrite_member(src, SHEET, share)
    patch_cells(src, dst, {("Sheet1", "B10"): 100})
    cells = sheet_cells(member(dst, SHEET))
    assert cells["B10"] == '<c r="B10"><v>100</v></c>'
    assert cells["B11"] == '<c r="B11"><f>A11*2</f><v>4</v></c>'
    assert cells["B12"] == '<c r="B12"><f>A12*2</f><v>6</v></c>'
    # patching a dependent leaves the master alone
    patch_cells(src, dst, {("Sheet1", "B11"): 5})
    cells = sheet_cells(member(dst, SHEET))
    assert 't="shared" ref="B10:B12" si="0">A10*2' in cells["B10"] and '<f t="shared" si="0"/>' in cells["B12"]


def test_array_formula_ranges_are_protected(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    wb = xlsxwriter.Workbook(src)
    ws = wb.add_worksheet()
    ws.write_column("A1", [1, 2, 3])
    ws.write_array_formula("B1:B3", "{=A1:A3*2}")
    wb.close()
    with pytest.raises(PatchError, match=r"in\.xlsx: sheet 'Sheet1' cell B2: .*array formula range B1:B3"):
        patch_cells(src, dst, {("Sheet1", "B2"): 1})
    with pytest.raises(PatchError, match="cell B1"):
        patch_cells(src, dst, {("Sheet1", "B1"): 1})
    assert not dst.exists()
    patch_cells(src, dst, {("Sheet1", "A2"): 5})
    assert openpyxl.load_workbook(dst)["Sheet1"]["A2"].value == 5


def test_rows_without_r(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    rewrite_member(src, SHEET, lambda x: re.sub(r'<row r="\d+" spans="1:4">', "<row>", x))
    # rows are now implicitly 1..4; patching an existing one works, inserting one is refused
    patch_cells(src, dst, {("Sheet1", "B2"): 7})
    assert openpyxl.load_workbook(dst)["Sheet1"]["B2"].value == 7
    with pytest.raises(PatchError, match="rows without r"):
        patch_cells(src, dst, {("Sheet1", "A9"): 1})


def test_calc_chain_removed_with_rel_and_override(tmp_path: Path) -> None:
    src = CORPUS / "array_formula01.xlsx"
    dst = tmp_path / "out.xlsx"
    patch_cells(src, dst, {("Sheet1", "B1"): 3})
    assert "xl/calcChain.xml" not in names(dst)
    assert "calcChain" not in member(dst, "xl/_rels/workbook.xml.rels")
    assert "calcChain" not in member(dst, "[Content_Types].xml")
    assert 'fullCalcOnLoad="1"' in member(dst, "xl/workbook.xml")


def test_calcpr_created_when_absent(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    rewrite_member(src, "xl/workbook.xml", lambda x: re.sub(r"<calcPr[^>]*/>", "", x))
    patch_cells(src, dst, {("Sheet1", "B2"): 1})
    assert re.search(r'<calcPr fullCalcOnLoad="1"/></workbook>', member(dst, "xl/workbook.xml"))


def test_errors_name_file_sheet_and_cell(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    with pytest.raises(PatchError, match=r"in\.xlsx: no sheet named 'Nope'"):
        patch_cells(src, dst, {("Nope", "A1"): 1})
    with pytest.raises(PatchError, match=r"in\.xlsx: sheet 'Sheet1'.*not a cell reference"):
        patch_cells(src, dst, {("Sheet1", "1A"): 1})
    with pytest.raises(PatchError, match=r"sheet 'Sheet1' cell B2: .*cannot be stored"):
        patch_cells(src, dst, {("Sheet1", "B2"): float("nan")})
    with pytest.raises(PatchError, match="cell B2: unsupported value type list"):
        patch_cells(src, dst, {("Sheet1", "B2"): [1]})
    text = tmp_path / "notes.xlsx"
    text.write_text("not a zip")
    with pytest.raises(PatchError, match=r"notes\.xlsx: not an xlsx"):
        patch_cells(text, dst, {})
    assert not dst.exists()


def test_xlsm_stays_macro_enabled(tmp_path: Path) -> None:
    src = CORPUS / "macro01.xlsm"
    dst = tmp_path / "out.xlsm"
    patch_cells(src, dst, {("Sheet1", "A1"): 1})
    assert member(dst, "[Content_Types].xml") == member(src, "[Content_Types].xml")
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        assert a.read("xl/vbaProject.bin") == b.read("xl/vbaProject.bin")
    assert raw_members(src)["xl/vbaProject.bin"] == raw_members(dst)["xl/vbaProject.bin"]


def test_large_sheet(tmp_path: Path) -> None:
    """A 60,000-row sheet is patched correctly (speed is measured in benchmarks/, not here)."""
    src, dst = tmp_path / "big.xlsx", tmp_path / "out.xlsx"
    wb = xlsxwriter.Workbook(src, {"constant_memory": True})
    ws = wb.add_worksheet()
    for r in range(60_000):
        ws.write_row(r, 0, [r, r * 2, r * 3, "x"])
    wb.close()
    patch_cells(src, dst, {("Sheet1", "B30000"): -1, ("Sheet1", "F60001"): Formula("=A60000", 59999)})
    rows = CalamineWorkbook.from_path(str(dst)).get_sheet_by_name("Sheet1").to_python()
    assert rows[29999][1] == -1 and rows[60000][5] == 59999


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40), min_size=1, max_size=4),
    numbers=st.lists(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**53), 2**53), min_size=1, max_size=4),
)
def test_any_text_and_number_round_trips(tmp_path: Path, texts: list[str], numbers: list[float]) -> None:
    src, dst = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    if not src.exists():
        basic_book(src)
    cells: dict[tuple[str, str], object] = {("Sheet1", f"H{i + 1}"): t for i, t in enumerate(texts)}
    cells.update({("Sheet1", f"I{i + 1}"): n for i, n in enumerate(numbers)})
    patch_cells(src, dst, cells)
    rows = CalamineWorkbook.from_path(str(dst)).get_sheet_by_name("Sheet1").to_python(skip_empty_area=False)
    for i, t in enumerate(texts):
        assert rows[i][7] == t
    for i, n in enumerate(numbers):
        assert rows[i][8] == float(n)


def test_numpy_numbers_are_numbers(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    patch_cells(src, dst, {("Sheet1", "G1"): np.int64(3), ("Sheet1", "G2"): Formula("=G1/2", np.float64(1.5))})
    cells = sheet_cells(member(dst, SHEET))
    assert cells["G1"] == '<c r="G1"><v>3</v></c>' and cells["G2"] == '<c r="G2"><f>G1/2</f><v>1.5</v></c>'


def test_members_with_data_descriptors_are_copied_raw(tmp_path: Path) -> None:
    """Streaming zip writers (WPS, Java, Python on a pipe) set flag bit 3; raw copy keeps it valid."""

    class NoSeek(io.RawIOBase):
        def __init__(self, fh: BinaryIO) -> None:
            self.fh = fh

        def writable(self) -> bool:
            return True

        def write(self, b: bytes) -> int:  # type: ignore[override]
            return self.fh.write(b)

    plain, src, dst = basic_book(tmp_path / "plain.xlsx"), tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    with zipfile.ZipFile(plain) as zi, open(src, "wb") as fh, zipfile.ZipFile(NoSeek(fh), "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            zo.writestr(info.filename, zi.read(info))
    assert all(i.flag_bits & 8 for i in zipfile.ZipFile(src).infolist())
    patch_cells(src, dst, {("Sheet1", "B2"): 2})
    with zipfile.ZipFile(dst) as z:
        assert z.testzip() is None
    before, after = raw_members(src), raw_members(dst)
    assert {n for n in before if before[n] != after[n]} == {SHEET}
    assert openpyxl.load_workbook(dst)["Sheet1"]["B2"].value == 2


def test_book_formula_is_the_patcher_formula(tmp_path: Path) -> None:
    """The engine's WritePlan uses the patcher's Formula; a plain str stays text."""
    from evaltool.io.book import Formula as BookFormula

    assert BookFormula is Formula
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    patch_cells(src, dst, {("Sheet1", "G1"): BookFormula("=B2*2", 20), ("Sheet1", "G2"): "=B2*2"})
    cells = sheet_cells(member(dst, SHEET))
    assert cells["G1"] == '<c r="G1"><f>B2*2</f><v>20</v></c>'
    assert cells["G2"] == '<c r="G2" t="inlineStr"><is><t>=B2*2</t></is></c>'
