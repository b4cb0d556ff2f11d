"""XlBook (live xlwings book adapter) over the in-memory xlwings stand-in.

The workbook is a real .xlsx written by xlsxwriter (with cached formula values, a table,
workbook- and sheet-scoped names, a fill and a note); expected values are read off the
writer calls below, not from the adapter.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st
from support.fake_xlwings import ALLOW_ATTR, FakeBook, FakeComError

from evaltool.io.book import Formula, WritePlan
from evaltool.io.patch_types import Formula as PatchFormula
from evaltool.io.xlbook import SheetProtected, XlBook, blocks, parse_refers_to
from evaltool.model import Location, TableInfo


@pytest.fixture()
def xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "small.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    cover = wb.add_worksheet("封面")
    cover.write("A3", "单位名称")
    cover.write("B3", "西城区财政局")
    cover.write("B5", 2023)
    cover.write_formula("B11", "=B5*2", None, 4046)
    cover.write_formula("B12", "=1/0", None, "#DIV/0!")
    cover.write_comment("B3", "旧批注")
    wb.define_name("unit_name", "=封面!$B$3")
    wb.define_name("eval_year", "=封面!$B$5")
    wb.define_name("pi", "=3.14159")
    wb.define_name("封面!local_x", "=封面!$B$5")
    ind = wb.add_worksheet("绩效 指标")  # a space: refers_to quotes the sheet name
    ind.add_table("A4:C7", {"name": "Indicators", "columns": [{"header": "三级指标"}, {"header": "分值"}, {"header": "得分"}]})
    ind.write_row("A5", ["指标甲", 10, 8.5])
    ind.write_row("A6", ["指标乙", 20, 19])
    red = wb.add_format({"bg_color": "#FFC7CE"})
    ind.write("A7", "指标丙", red)
    wb.define_name("weight_a", "='绩效 指标'!$B$5")
    wb.close()
    return path


def test_parse_refers_to() -> None:
    assert parse_refers_to("=封面!$B$3") == Location("封面", "B3")
    assert parse_refers_to("='O''Neil 表'!$A$1:$C$2") == Location("O'Neil 表", "A1:C2")
    assert parse_refers_to("=3.14159") is None
    assert parse_refers_to("=#REF!") is None
    assert parse_refers_to("=SUM(封面!$B$3)") is None
    assert parse_refers_to(None) is None


def test_read_side(xlsx: Path) -> None:
    fake = FakeBook.from_xlsx(xlsx)
    book = XlBook(fake)
    assert book.label == str(xlsx)  # Book.fullname
    assert book.sheet_names() == ["封面", "绩效 指标"]
    assert book.defined_names() == {
        "unit_name": Location("封面", "B3"),
        "eval_year": Location("封面", "B5"),
        "weight_a": Location("绩效 指标", "B5"),
    }
    assert book.tables() == {
        "Indicators": TableInfo(
            name="Indicators", sheet="绩效 指标", ref="A4:C7", headers=("三级指标", "分值", "得分"),
            header_row=4, first_col=1, n_rows=3,
        )
    }
    # the user's unsaved edit in the live book is what is read, not the file
    fake.sheets["封面"].range("B5").value = 2024
    before = fake.app.calls["range.value.get"]
    grid = book.sheet_values("封面")
    assert fake.app.calls["range.value.get"] == before + 1  # one read for the whole sheet
    assert len(grid) == 12 and all(len(r) == 2 for r in grid)
    assert grid[2] == ["单位名称", "西城区财政局"]
    assert grid[4][1] == 2024.0 and isinstance(grid[4][1], float)  # Excel numbers are doubles
    assert grid[10][1] == 4046  # a formula reads as its value
    assert grid[11][1] == "#DIV/0!"  # errors as text, not None
    assert grid[0] == [None, None]
    assert book.sheet_values("封面") is grid and fake.app.calls["range.value.get"] == before + 1  # kept
    book.apply(WritePlan(cells={("封面", "B5"): 2025}))  # writing forgets what was read
    assert book.sheet_values("封面")[4][1] == 2025.0 and fake.app.calls["range.value.get"] == before + 2


def test_apply_writes_ranges_not_cells(xlsx: Path) -> None:
    fake = FakeBook.from_xlsx(xlsx)
    book = XlBook(fake)
    sheet = "绩效 指标"
    cells: dict[tuple[str, str], object] = {}
    for r in range(5, 45):  # 40 rows x 3 columns, one of them formulas
        cells[(sheet, f"A{r}")] = f"指标{r}"
        cells[(sheet, f"B{r}")] = r
        cells[(sheet, f"C{r}")] = Formula(f"B{r}*0.5", cached=r * 0.5)
    cells[("封面", "B13")] = "=HYPERLINK(\"http://evil.example\",\"点击\")"
    cells[("封面", "B14")] = "-1+2"
    cells[("封面", "B15")] = "1月2日"
    cells[("封面", "B16")] = PatchFormula("=B5+1", cached=2024)
    cells[("封面", "B3")] = None
    plan = WritePlan(
        cells=cells,
        fills={(sheet, "A7"): None, (sheet, "C5"): "FFC7CE", (sheet, "C6"): "#ffc7ce"},
        notes={("封面", "B3"): "请填写单位名称", ("封面", "B5"): "年度", (sheet, "C5"): None},
        table_refs={"Indicators": "A4:C44"},
    )
    fake.app.calculation = "semiautomatic"
    fake.app.history.clear()
    book.apply(plan)
    calls = fake.app.calls
    writes = calls["range.value.set"] + calls["range.formula.set"]
    assert calls["cells.written"] == 125
    assert writes == 3  # 绩效 指标!A5:C44, 封面!B3, 封面!B13:B16
    ind = fake.sheets[sheet]
    assert ind.cells[(44, 1)].value == "指标44" and ind.cells[(44, 1)].formula is None
    assert ind.cells[(44, 2)].value == 44
    assert ind.cells[(44, 3)].formula == "=B44*0.5"
    cover = fake.sheets["封面"]
    assert cover.cells[(13, 2)].value == "=HYPERLINK(\"http://evil.example\",\"点击\")"
    assert cover.cells[(13, 2)].formula is None
    assert cover.cells[(14, 2)].value == "-1+2" and cover.cells[(14, 2)].formula is None
    assert cover.cells[(15, 2)].value == "1月2日"
    assert cover.cells[(16, 2)].formula == "=B5+1"
    assert cover.cells[(3, 2)].value is None
    assert ind.cells[(5, 3)].color == "FFC7CE" and ind.cells[(6, 3)].color == "FFC7CE"
    assert ind.cells[(7, 1)].color is None
    assert calls["range.color.set"] == 2  # C5:C6 in one call, A7 cleared in another
    assert cover.cells[(3, 2)].note == "请填写单位名称"  # existing note updated
    assert cover.cells[(5, 2)].note == "年度"  # new note
    assert calls["note.text.set"] == 1 and calls["range.add_note"] == 1
    assert ind.tables[0].ref == "A4:C44"
    assert fake.app.history[:2] == [("screen_updating", False), ("calculation", "manual")]
    autocorrect = fake.app.api.AutoCorrect
    assert autocorrect.seen_during_writes == [False] * writes  # no calculated columns while writing
    assert autocorrect.AutoFillFormulasInLists is True  # the user's setting is back
    assert fake.app.calculation == "semiautomatic" and fake.app.screen_updating is True


def test_apply_restores_app_state_on_error(xlsx: Path) -> None:
    fake = FakeBook.from_xlsx(xlsx)
    with pytest.raises(KeyError, match="NoSuchTable"):
        XlBook(fake).apply(WritePlan(table_refs={"NoSuchTable": "A1:B2"}))
    assert fake.app.screen_updating is True and fake.app.calculation == "automatic"
    assert ("calculation", "manual") in fake.app.history


def test_apply_refuses_unknown_types(xlsx: Path) -> None:
    fake = FakeBook.from_xlsx(xlsx)
    with pytest.raises(TypeError, match="object"):
        XlBook(fake).apply(WritePlan(cells={("封面", "A1"): object()}))


@given(st.sets(st.tuples(st.integers(1, 12), st.integers(1, 6)), min_size=1, max_size=60))
def test_blocks_partition_the_cells(coords: set[tuple[int, int]]) -> None:
    cells = {("S", f"{'ABCDEF'[c - 1]}{r}"): (r, c) for r, c in coords}
    seen: list[tuple[int, int]] = []
    for b in blocks(cells):
        for i, row in enumerate(b.rows):
            for j, v in enumerate(row):
                assert v == (b.row + i, b.col + j)  # the block is a full rectangle of plan cells
                seen.append((b.row + i, b.col + j))
    assert sorted(seen) == sorted(coords)


@pytest.fixture()
def protected_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "protected.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("绩效指标")
    unlocked = wb.add_format({"locked": False})
    ws.write("A1", "得分")
    ws.write("B1", None, unlocked)
    ws.protect("", {"format_cells": True, "sort": True, "autofilter": True, "objects": True})
    wb.close()
    return path


def test_protected_sheets_are_unprotected_for_the_write_and_restored(protected_xlsx: Path) -> None:
    fake = FakeBook.from_xlsx(protected_xlsx)
    api = fake.sheets["绩效指标"].api
    flags = {k: getattr(api.Protection, k) for k in ALLOW_ATTR}
    assert api.ProtectContents and flags["AllowFormattingCells"] and flags["AllowSorting"]
    assert not flags["AllowInsertingRows"]
    with pytest.raises(FakeComError):  # Excel refuses writes into locked cells of a protected sheet
        fake.sheets["绩效指标"].range("A2").value = 1
    XlBook(fake).apply(WritePlan(cells={("绩效指标", "A2"): Formula("=1+1", 2)}, notes={("绩效指标", "A2"): "说明"}))
    assert fake.sheets["绩效指标"].cells[(2, 1)].formula == "=1+1"
    assert fake.sheets["绩效指标"].cells[(2, 1)].note == "说明"
    assert api.ProtectContents and {k: getattr(api.Protection, k) for k in ALLOW_ATTR} == flags
    assert (api.ProtectDrawingObjects, api.ProtectScenarios, api.password) == (False, True, "")
    assert fake.app.calls["sheet.unprotect"] == fake.app.calls["sheet.protect"] == 1


def test_password_protected_sheet_is_reported_and_left_alone(protected_xlsx: Path) -> None:
    fake = FakeBook.from_xlsx(protected_xlsx)
    api = fake.sheets["绩效指标"].api
    api.password = "局里的密码"
    with pytest.raises(SheetProtected) as info:
        XlBook(fake).apply(WritePlan(cells={("绩效指标", "A2"): 1}))
    assert info.value.sheet == "绩效指标"
    assert (2, 1) not in fake.sheets["绩效指标"].cells and api.ProtectContents
    XlBook(fake, password="局里的密码").apply(WritePlan(cells={("绩效指标", "A2"): 1}))
    assert fake.sheets["绩效指标"].cells[(2, 1)].value == 1
    assert api.ProtectContents and api.password == "局里的密码"
