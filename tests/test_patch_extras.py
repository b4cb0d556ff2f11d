"""patch_cells extras: fills, notes (with buttons and VBA beside them), table ranges, LibreOffice."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from conftest import requires_lo
from python_calamine import CalamineWorkbook
from test_patch_helpers import CORPUS, basic_book, member, names, raw_members, sha, sheet_cells

from evaltool.io import Formula, PatchError, lo, patch_cells

SHEET = "xl/worksheets/sheet1.xml"


def corpus(name: str) -> Path:
    path = CORPUS / name
    assert path.is_file(), f"corpus file {name} missing from tests/corpus/excel-made"
    return path


def test_fill_clones_style_and_is_reused(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    patch_cells(src, dst, {("Sheet1", "B2"): 1}, fills={
        ("Sheet1", "B2"): "FFC7CE", ("Sheet1", "B3"): "FFC7CE", ("Sheet1", "D5"): "#ffc7ce", ("Sheet1", "H8"): "C6EFCE",
    })  # fmt: skip
    ws = openpyxl.load_workbook(dst)["Sheet1"]
    for ref in ("B2", "B3", "D5"):
        assert ws[ref].fill.fill_type == "solid" and ws[ref].fill.fgColor.rgb == "FFFFC7CE", ref
    assert ws["H8"].fill.fgColor.rgb == "FFC6EFCE" and ws["H8"].value is None
    # B2 and D5 shared style 1 (0.00, bold): one clone keeps number format and font
    assert ws["B2"].number_format == "0.00" and ws["B2"].font.b and ws["B2"].value == 1
    cells = sheet_cells(member(dst, SHEET))
    s = {ref: re.search(r's="(\d+)"', cells[ref]).group(1) for ref in ("B2", "D5", "B3", "H8")}  # type: ignore[union-attr]
    assert s["B2"] == s["D5"] and len(set(s.values())) == 3
    styles = member(dst, "xl/styles.xml")
    assert styles.count('rgb="FFFFC7CE"') == 1 and re.search(r'<fills count="4">', styles)
    assert re.search(r'<cellXfs count="5">', styles)
    # patching again with the same colours adds nothing
    again = tmp_path / "again.xlsx"
    patch_cells(dst, again, {}, fills={("Sheet1", "B2"): "FFC7CE", ("Sheet1", "C3"): "FFC7CE"})
    assert member(again, "xl/styles.xml") == styles
    # only the sheet and styles changed
    before, after = raw_members(src), raw_members(dst)
    assert {n for n in before if before[n] != after[n]} == {SHEET, "xl/styles.xml"}


def test_fill_none_reverts_our_fill_only(tmp_path: Path) -> None:
    src, mid, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "mid.xlsx", tmp_path / "out.xlsx"
    patch_cells(src, mid, {}, fills={("Sheet1", "B2"): "FFC7CE", ("Sheet1", "B5"): "FFEB9C"})
    patch_cells(mid, dst, {}, fills={("Sheet1", "B2"): None, ("Sheet1", "B5"): None, ("Sheet1", "A1"): None,
                                     ("Sheet1", "Z50"): None})  # fmt: skip
    cells_src, cells_dst = sheet_cells(member(src, SHEET)), sheet_cells(member(dst, SHEET))
    assert "Z50" not in cells_dst and member(dst, SHEET).count("<row ") == member(src, SHEET).count("<row ")
    assert cells_dst["B2"] == cells_src["B2"] and cells_dst["A1"] == cells_src["A1"]
    assert openpyxl.load_workbook(dst)["Sheet1"]["B5"].fill.fill_type is None


def test_bad_fill_colour(tmp_path: Path) -> None:
    src = basic_book(tmp_path / "in.xlsx")
    with pytest.raises(PatchError, match="cell B2: fill colour"):
        patch_cells(src, tmp_path / "out.xlsx", {}, fills={("Sheet1", "B2"): "red"})


def test_notes_created_on_plain_sheet(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    patch_cells(src, dst, {("Sheet1", "B2"): 3}, notes={("Sheet1", "B2"): "低于目标值 <50%> & 需说明", ("Sheet1", "A1"): "x"})
    ws = openpyxl.load_workbook(dst)["Sheet1"]
    assert ws["B2"].comment.text == "低于目标值 <50%> & 需说明" and ws["A1"].comment.author == "evaltool"
    sheet = member(dst, SHEET)
    assert re.search(r'</sheetData><pageMargins [^>]*/><legacyDrawing r:id="rId\d"/></worksheet>', sheet)
    ct = member(dst, "[Content_Types].xml")
    assert 'PartName="/xl/comments1.xml"' in ct and 'Extension="vml"' in ct
    vml = member(dst, "xl/drawings/vmlDrawing1.vml")
    assert vml.count('ObjectType="Note"') == 2 and "<x:Row>1</x:Row>" in vml


def test_notes_extend_existing_comments_and_keep_buttons(tmp_path: Path) -> None:
    src, dst = corpus("button12.xlsx"), tmp_path / "out.xlsx"
    before_vml = member(src, "xl/drawings/vmlDrawing1.vml")
    patch_cells(src, dst, {}, notes={("Sheet1", "C5"): "新批注", ("Sheet1", "A1"): "替换"})
    vml = member(dst, "xl/drawings/vmlDrawing1.vml")
    assert vml.startswith(before_vml[: before_vml.rindex("</xml>")])  # every existing shape kept verbatim
    assert "[0]!Button1_Click" in vml and vml.count('ObjectType="Note"') == 2
    assert 'id="_x0000_s1027"' in vml
    comments = member(dst, "xl/comments1.xml")
    assert "<author>John</author><author>evaltool</author>" in comments
    ws = openpyxl.load_workbook(dst)["Sheet1"]
    assert ws["A1"].comment.text == "替换" and ws["C5"].comment.text == "新批注"
    assert names(dst) == names(src)


def test_notes_on_button_only_sheet_with_vba(tmp_path: Path) -> None:
    src, dst = corpus("button07.xlsm"), tmp_path / "out.xlsm"
    patch_cells(src, dst, {("Sheet1", "A1"): 1}, notes={("Sheet1", "B3"): "说明"})
    vml = member(dst, "xl/drawings/vmlDrawing1.vml")
    assert "[0]!say_hello" in vml and "_x0000_t201" in vml and "_x0000_t202" in vml
    assert member(dst, SHEET).count("<legacyDrawing") == 1
    assert "macroEnabled" in member(dst, "[Content_Types].xml")
    assert raw_members(dst)["xl/vbaProject.bin"] == raw_members(src)["xl/vbaProject.bin"]
    wb = openpyxl.load_workbook(dst, keep_vba=True)
    assert wb["Sheet1"]["B3"].comment.text == "说明"


def test_note_removed(tmp_path: Path) -> None:
    src, dst = corpus("comment01.xlsx"), tmp_path / "out.xlsx"
    patch_cells(src, dst, {}, notes={("Sheet1", "B2"): None, ("Sheet1", "C9"): None})
    assert 'ObjectType="Note"' not in member(dst, "xl/drawings/vmlDrawing1.vml")
    assert "<comment " not in member(dst, "xl/comments1.xml")
    assert member(dst, SHEET) == member(src, SHEET)


def test_table_ref_grows_with_autofilter(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    wb = xlsxwriter.Workbook(src)
    ws = wb.add_worksheet("数据")
    ws.add_table("B2:D5", {"name": "Budget", "columns": [{"header": h} for h in ("项目", "预算", "执行")]})
    ws.add_table("F2:G4", {"name": "WithTotals", "total_row": True, "columns": [{"header": "a"}, {"header": "b"}]})
    wb.close()
    patch_cells(src, dst, {("数据", "B6"): "新项目"}, table_refs={"budget": "B2:D6", "WithTotals": "F2:G9"})
    t1, t2 = member(dst, "xl/tables/table1.xml"), member(dst, "xl/tables/table2.xml")
    assert 'ref="B2:D6"' in t1 and '<autoFilter ref="B2:D6"/>' in t1
    assert 'ref="F2:G9"' in t2 and '<autoFilter ref="F2:G8"/>' in t2
    assert openpyxl.load_workbook(dst)["数据"].tables["Budget"].ref == "B2:D6"
    with pytest.raises(PatchError, match="only rows may change"):
        patch_cells(src, dst, {}, table_refs={"Budget": "B2:E6"})
    with pytest.raises(PatchError, match="header row cannot move"):
        patch_cells(src, dst, {}, table_refs={"Budget": "B3:D6"})
    with pytest.raises(PatchError, match="no table named 'Nope'"):
        patch_cells(src, dst, {}, table_refs={"Nope": "A1:A2"})


def test_src_untouched_by_rich_patch(tmp_path: Path) -> None:
    src = corpus("macro01.xlsm")
    before = sha(src)
    patch_cells(src, tmp_path / "o.xlsm", {("Sheet1", "C3"): 1}, fills={("Sheet1", "C3"): "FFC7CE"},
                notes={("Sheet1", "C3"): "n"})  # fmt: skip
    assert sha(src) == before


@pytest.fixture(scope="module")
def lo_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build several patched workbooks and recalculate them all with one soffice call."""
    d = tmp_path_factory.mktemp("lo_extra")
    out: dict[str, Path] = {}
    src = basic_book(d / "basic.xlsx", sheet="绩效指标")
    out["values"] = d / "values.xlsx"
    patch_cells(src, out["values"], {
        ("绩效指标", "B2"): 7,
        ("绩效指标", "E1"): Formula("=B2*3+B3", cached=41),
        ("绩效指标", "E2"): Formula('=IF(B2>5,"高","低")', cached="高"),
        ("绩效指标", "E3"): Formula("=B2>5", cached=True),
        ("绩效指标", "E4"): Formula("=1/0", cached="#DIV/0!"),
        ("绩效指标", "E5"): "=1+1",
        ("绩效指标", "E6"): "_x0041_",
    }, fills={("绩效指标", "B2"): "FFC7CE"}, notes={("绩效指标", "B2"): "备注"})  # fmt: skip
    for name in ("button12.xlsx", "button07.xlsm", "comment05.xlsx"):
        out[name] = d / f"n_{name}"
        patch_cells(corpus(name), out[name], {("Sheet1", "J20"): Formula("=2*21", 42)},
                    notes={("Sheet1", "J20"): "LibreOffice 能打开"}, fills={("Sheet1", "J20"): "C6EFCE"})  # fmt: skip
    out["removed"] = d / "removed.xlsx"
    patch_cells(corpus("comment01.xlsx"), out["removed"], {("Sheet1", "C3"): 1}, notes={("Sheet1", "B2"): None})
    tsrc = d / "table.xlsx"
    wb = xlsxwriter.Workbook(tsrc)
    ws = wb.add_worksheet("表")
    ws.write_column("A2", [1, 2, 3])
    ws.add_table("A1:A4", {"name": "T", "columns": [{"header": "值"}]})
    ws.conditional_format("A2:A4", {"type": "data_bar", "data_bar_2010": True})
    wb.close()
    out["table"] = d / "table_out.xlsx"
    patch_cells(tsrc, out["table"], {("表", "A5"): 4, ("表", "C1"): Formula("=SUM(T[值])", 10)},
                notes={("表", "A5"): "新增行"}, table_refs={"T": "A1:A5"})  # fmt: skip
    recalced = lo.recalculate(list(out.values()), d / "recalc")
    return dict(zip(out, recalced, strict=True))


@requires_lo
@pytest.mark.libreoffice
def test_libreoffice_recalculates_to_cached_values(lo_results: dict[str, Path]) -> None:
    rows = CalamineWorkbook.from_path(str(lo_results["values"])).get_sheet_by_name("绩效指标").to_python()
    assert [r[4] for r in rows[:6]] == [41, "高", True, "", "=1+1", "_x0041_"]  # calamine: errors -> ""
    assert openpyxl.load_workbook(lo_results["values"], data_only=True)["绩效指标"]["E4"].value == "#DIV/0!"
    ws = openpyxl.load_workbook(lo_results["values"])["绩效指标"]
    assert ws["B2"].comment is not None and "备注" in ws["B2"].comment.text
    assert ws["B2"].fill.fgColor.rgb == "FFFFC7CE"


@requires_lo
@pytest.mark.libreoffice
def test_libreoffice_opens_book_whose_last_note_was_removed(lo_results: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(lo_results["removed"])["Sheet1"]
    assert ws["B2"].comment is None and ws["C3"].value == 1


@requires_lo
@pytest.mark.libreoffice
def test_libreoffice_sees_grown_table_and_note(lo_results: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(lo_results["table"], data_only=True)["表"]
    assert ws["C1"].value == 10 and ws["A5"].comment is not None
    assert openpyxl.load_workbook(lo_results["table"])["表"].tables["T"].ref == "A1:A5"


@requires_lo
@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["button12.xlsx", "button07.xlsm", "comment05.xlsx"])
def test_libreoffice_opens_notes_on_rich_files(name: str, lo_results: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(lo_results[name]).worksheets[0]
    assert ws["J20"].value == "=2*21"
    assert ws["J20"].comment is not None and "LibreOffice 能打开" in ws["J20"].comment.text
    values = openpyxl.load_workbook(lo_results[name], data_only=True).worksheets[0]
    assert values["J20"].value == 42
    with zipfile.ZipFile(lo_results[name]) as z:
        assert any(n.startswith("xl/comments") for n in z.namelist())


def test_cm_vm_and_checkbox_cells(tmp_path: Path) -> None:
    """Dynamic-array (cm), in-cell image (vm) and checkbox (styled bool) cells patch cleanly."""
    dyn, img, box = corpus("dynamic_array01.xlsx"), corpus("embed_image01.xlsx"), corpus("checkbox01.xlsx")
    patch_cells(dyn, tmp_path / "d.xlsx", {("Sheet1", "A1"): Formula("=SUM(1,2)", 3)})
    assert sheet_cells(member(tmp_path / "d.xlsx", SHEET))["A1"] == '<c r="A1"><f>SUM(1,2)</f><v>3</v></c>'
    patch_cells(img, tmp_path / "i.xlsx", {("Sheet1", "A1"): 5})
    assert sheet_cells(member(tmp_path / "i.xlsx", SHEET))["A1"] == '<c r="A1"><v>5</v></c>'
    patch_cells(box, tmp_path / "b.xlsx", {("Sheet1", "E9"): True})
    assert sheet_cells(member(tmp_path / "b.xlsx", SHEET))["E9"] == '<c r="E9" s="1" t="b"><v>1</v></c>'
    assert member(tmp_path / "b.xlsx", "xl/styles.xml") == member(box, "xl/styles.xml")


def test_legacy_drawing_goes_before_table_parts_and_extlst(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    wb = xlsxwriter.Workbook(src)
    ws = wb.add_worksheet()
    ws.write_column("A2", [1, 2, 3])
    ws.add_table("A1:A4", {"columns": [{"header": "值"}]})
    ws.conditional_format("A2:A4", {"type": "data_bar", "data_bar_2010": True})
    wb.close()
    patch_cells(src, dst, {}, notes={("Sheet1", "A2"): "note"})
    sheet = member(dst, SHEET)
    assert re.search(r'<legacyDrawing r:id="rId\d"/><tableParts count="1">.*</tableParts><extLst>', sheet)
    assert openpyxl.load_workbook(dst)["Sheet1"]["A2"].comment.text == "note"


def test_notes_on_two_sheets_get_separate_parts_and_id_blocks(tmp_path: Path) -> None:
    src, dst = basic_book(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    patch_cells(src, dst, {}, notes={("Sheet1", "A1"): "一", ("Other", "A1"): "二"})
    v1, v2 = member(dst, "xl/drawings/vmlDrawing1.vml"), member(dst, "xl/drawings/vmlDrawing2.vml")
    assert 'data="1"' in v1 and 'id="_x0000_s1025"' in v1
    assert 'data="2"' in v2 and 'id="_x0000_s2049"' in v2
    wb = openpyxl.load_workbook(dst)
    assert wb["Sheet1"]["A1"].comment.text == "一" and wb["Other"]["A1"].comment.text == "二"


def _vml_books() -> list[str]:
    if not CORPUS.is_dir():
        return []
    out = []
    for p in sorted(CORPUS.glob("*.xls[xm]")):
        with zipfile.ZipFile(p) as z:
            if any(n.endswith(".vml") and "drawings/vml" in n for n in z.namelist()) and SHEET in z.namelist():
                out.append(p.name)
    return out


@pytest.mark.parametrize("name", _vml_books())
def test_notes_added_to_every_corpus_sheet_with_vml(name: str, tmp_path: Path) -> None:
    """Every Excel-made VML drawing (notes, buttons, header images) takes a new note intact."""
    src, dst = CORPUS / name, tmp_path / name
    wb = openpyxl.load_workbook(src, keep_vba=name.endswith(".xlsm"))
    sheet = wb.worksheets[0]
    before = sum(1 for c in sheet._cells.values() if c.comment)  # not iter_rows: some span XFD1048576
    patch_cells(src, dst, {}, notes={(sheet.title, "AB300"): "evaltool 批注"})
    after_wb = openpyxl.load_workbook(dst, keep_vba=name.endswith(".xlsm"))
    ws = after_wb[sheet.title]
    assert ws["AB300"].comment is not None and ws["AB300"].comment.text == "evaltool 批注"
    assert sum(1 for c in ws._cells.values() if c.comment) == before + 1
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        for n in a.namelist():
            if n.endswith(".vml"):
                old, new = a.read(n).decode(), b.read(n).decode()
                assert new.startswith(old[: old.rindex("</xml>")]), f"{n}: existing shapes changed"
            elif n not in (SHEET, "[Content_Types].xml") and not n.startswith(("xl/comments", "xl/worksheets/_rels/")):
                assert a.read(n) == b.read(n), n
