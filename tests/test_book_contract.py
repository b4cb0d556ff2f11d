"""One contract, three kinds of book: the file, the live LibreOffice document, the xlwings stand-in.

The same test functions run against ``FileBook(sample)``, the sample opened in a real headless
LibreOffice and read through UNO (:mod:`evaltool.io.unobook` in LibreOffice's Python →
:class:`~evaltool.io.snapbook.SnapshotBook`; written back with ``unobook.apply_plan``), and
``XlBook`` over the xlwings stand-in loaded from the same sample workbook — so the stand-in's
behaviour is anchored to a real spreadsheet application. Expected values come from the template
contract (docs/template.md) and from the figures ``workbooks/make_sample.py`` enters (the
西城区妇联 2023 report), never from the readers themselves. Then the whole button path is
compared with the file path: parse → engine → plan → write, both ways, must agree.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pytest
from conftest import requires_lo
from support.fake_xlwings import FakeBook

import evaltool.demo.samples
from evaltool.engine import evaluate
from evaltool.io import Formula as PatchFormula
from evaltool.io import lo, patch_cells
from evaltool.io.book import BookSink, BookSource, Formula, WritePlan
from evaltool.io.filebook import FileBook
from evaltool.io.parse import parse_book
from evaltool.io.snapbook import SnapshotBook, plan_to_json
from evaltool.io.writeback import build_plan, write_result
from evaltool.io.xlbook import XlBook, blocks
from evaltool.model import Location

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample-xicheng-2023.xlsx"
NOW = datetime(2026, 11, 27, 10, 0)
SHEETS = ["封面", "预算执行", "绩效指标", "项目清单", "自评表", "报告内容", "校验规则", "评分方法", "等级标准", "校验结果",
          "待处理问题", "得分汇总", "_meta"]
INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "指标类型", "评分方法", "分值", "计量单位", "指标方向",
                     "年度目标值", "实际完成值", "完成率/偏差率", "得分", "偏差原因", "备注",
                     "评定比例", "计分值")  # fmt: skip
CHECK_HEADERS = ("规则编号", "来源", "级别", "工作表", "单元格", "结果", "提示信息", "出错说明")


def _make_sample() -> ModuleType:
    return evaltool.demo.samples


@functools.lru_cache(maxsize=1)
def _shared_fake() -> FakeBook:
    """One stand-in for the read-only tests (loading it costs ~0.5 s); writers load their own."""
    return FakeBook.from_xlsx(SAMPLE)


_UNO_SNAPSHOT: dict[str, object] = {}


def _uno_book(office: object, tmp: Path) -> SnapshotBook:
    """The sample opened in LibreOffice, read through UNO (once per session)."""
    if "snap" not in _UNO_SNAPSHOT:
        copy = tmp / "sample-in-libreoffice.xlsx"
        shutil.copy(SAMPLE, copy)
        office.call("open", path=str(copy), hidden=True)  # type: ignore[attr-defined]
        try:
            _UNO_SNAPSHOT["snap"] = office.call("snapshot")  # type: ignore[attr-defined]
        finally:
            office.call("close")  # type: ignore[attr-defined]
    return SnapshotBook(_UNO_SNAPSHOT["snap"])  # type: ignore[arg-type]


@pytest.fixture(params=["file", "uno", "xl"])
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> BookSource:
    if request.param == "uno":
        return _uno_book(request.getfixturevalue("live_office"), tmp_path_factory.mktemp("uno"))
    return FileBook(SAMPLE) if request.param == "file" else XlBook(_shared_fake())


def test_all_are_book_sources() -> None:
    assert isinstance(FileBook(SAMPLE), BookSource)
    assert isinstance(SnapshotBook({"sheets": [], "label": "x"}), BookSource)
    xb = XlBook(_shared_fake())
    assert isinstance(xb, BookSource) and isinstance(xb, BookSink)


def test_sheet_names(book: BookSource) -> None:
    assert book.sheet_names() == SHEETS


def test_defined_names(book: BookSource) -> None:
    names = book.defined_names()
    for name, sheet, ref in [
        ("unit_name", "封面", "B3"), ("eval_year", "封面", "B5"), ("calc_status", "封面", "B13"),
        ("template_id", "封面", "B16"), ("template_version", "封面", "B17"),
        ("budget_initial", "预算执行", "B5"), ("budget_adjusted", "预算执行", "C5"),
        ("final_expenditure", "预算执行", "D5"), ("budget_adjustment", "预算执行", "B11"),
        ("projects_evaluated_amount", "预算执行", "B21"), ("variance_rate", "预算执行", "B24"),
        ("key_spend_rate", "预算执行", "B30"),
    ]:  # fmt: skip
        assert names[name] == Location(sheet, ref), name
    for p in ("round_digits", "overachieve_threshold", "fuzzy_epsilon", "variance_warn_threshold",
              "money_tolerance", "rate_tolerance", "variance_sign"):  # fmt: skip
        assert names[f"param_{p}"].sheet == "评分方法"
    assert not [n for n in names if n.startswith("_xlnm") or "!" in n]


def test_tables(book: BookSource) -> None:
    tables = book.tables()
    assert set(tables) == {"Indicators", "Projects", "Budget", "Rules", "Methods", "Params", "Grades", "Checks", "Narrative",
                           "ScoreSummary"}  # fmt: skip
    ind = tables["Indicators"]
    assert (ind.sheet, ind.header_row, ind.first_col, ind.headers) == ("绩效指标", 4, 1, INDICATOR_HEADERS)
    assert ind.ref == f"A4:P{4 + ind.n_rows}" and ind.n_rows >= 34  # 23 定量 + 10 定性 + 差异率 filled
    budget = tables["Budget"]
    assert (budget.ref, budget.n_rows) == ("A4:F8", 4)  # rows 5-8 资金总额, 财政拨款, 上年结转, 其他资金
    assert tables["Checks"].headers == CHECK_HEADERS and tables["Checks"].sheet == "校验结果"
    assert tables["Rules"].header_row == 3 and tables["Grades"].headers[:3] == ("等级", "下限", "上限")


def test_sheet_values(book: BookSource) -> None:
    cover = book.sheet_values("封面")
    assert cover[2][0:2] == ["单位名称", "北京市西城区妇女联合会"]
    assert cover[4][1] == 2023
    budget = book.sheet_values("预算执行")
    assert budget[3] == ["项目", "年初预算数", "全年预算数", "全年执行数", "执行率", "说明"]
    assert budget[4][:4] == ["资金总额", 18902744.60, None, 17088957.48]  # C5 全年预算数 left blank
    ind = book.sheet_values("绩效指标")
    sample = _make_sample()
    by_name = {row[2]: row for row in ind[4:] if len(row) > 2 and row[2]}
    for name, (target, actual, _note) in sample.ACTUALS.items():
        assert by_name[name][8] == target and by_name[name][9] == actual, name  # 年度目标值, 实际完成值
    for name, (tier, _note) in sample.QUALITATIVE.items():
        assert by_name[name][9] == tier, name


def test_parse_book_is_the_same_on_both_books() -> None:
    from_file = parse_book(FileBook(SAMPLE))
    from_xl = parse_book(XlBook(_shared_fake()))
    assert from_xl.path == str(SAMPLE)  # Book.fullname
    assert from_xl == from_file
    assert from_xl.scalar("budget_initial") == from_file.scalar("budget_initial") == Decimal("18902744.60")


def test_live_edits_are_what_the_button_sees() -> None:
    fake = FakeBook.from_xlsx(SAMPLE)
    fake.sheets["预算执行"].range("D5").value = 18000000  # typed, not saved
    ev = parse_book(XlBook(fake))
    assert str(ev.scalar("final_expenditure")) in ("18000000", "18000000.00")


def _cell_content(book: FakeBook, sheet: str, ref: str) -> object:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    assert m is not None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    cell = book.sheets[sheet].cells.get((int(m.group(2)), col))
    return None if cell is None else (cell.formula or cell.value)


def test_button_path_equals_file_path(tmp_path: Path) -> None:
    fake = FakeBook.from_xlsx(SAMPLE)
    result_xl = evaluate(parse_book(XlBook(fake)))
    result_file = evaluate(parse_book(FileBook(SAMPLE)))
    assert result_xl.findings == result_file.findings
    assert result_xl.scores == result_file.scores
    assert result_xl.checks == result_file.checks
    assert (result_xl.total, result_xl.grade, dict(result_xl.rates)) == (
        result_file.total, result_file.grade, dict(result_file.rates))  # fmt: skip
    variance = result_xl.rates["variance_rate"]  # (18902744.60 - 17088957.48) / 18902744.60
    assert variance == pytest.approx(1813787.12 / 18902744.60, abs=1e-12)

    plan = build_plan(result_xl, now=NOW)
    XlBook(fake).apply(plan)
    out = tmp_path / "scored.xlsx"
    assert build_plan(result_file, now=NOW) == plan
    write_result(result_file, SAMPLE, out, now=NOW)  # the file path: the lossless patcher
    wb = openpyxl.load_workbook(out)
    mismatches = []
    for (sheet, ref), planned in plan.cells.items():
        want = wb[sheet][ref].value
        got = _cell_content(fake, sheet, ref)
        if isinstance(want, float) and isinstance(got, (int, float)):
            ok = want == pytest.approx(got)
        else:
            ok = want == got
        if not ok:
            mismatches.append((sheet, ref, want, got))
        if isinstance(planned, Formula):
            assert isinstance(got, str) and got.startswith("="), (sheet, ref)
    assert mismatches == []
    for (sheet, ref), colour in plan.fills.items():
        fill = wb[sheet][ref].fill.fgColor.rgb
        assert fill[-6:] == colour and fake.sheets[sheet].range(ref).color == colour
    assert plan.notes
    for (sheet, ref), note in plan.notes.items():
        comment = wb[sheet][ref].comment
        assert comment is not None and comment.text == note == fake.sheets[sheet].range(ref).note.text
    tables = {t.name: t.ref for s in fake.sheets for t in s.tables}
    for name, ref in plan.table_refs.items():
        assert tables[name] == ref == wb[FileBook(out).tables()[name].sheet].tables[name].ref

    calls = fake.app.calls
    writes = calls["range.value.set"] + calls["range.formula.set"]
    assert calls["cells.written"] == len(plan.cells) > 100
    assert writes == len(blocks(plan.cells)) and writes * 10 < len(plan.cells)
    assert fake.app.calculation == "automatic" and fake.app.screen_updating is True


@requires_lo
def test_what_the_button_wrote_computes_pythons_values_in_libreoffice(tmp_path: Path) -> None:
    """Export the stand-in's cells after the button ran (formula text only, no cached value)
    into a copy of the sample, let LibreOffice compute it, and compare with Python's values."""
    fake = FakeBook.from_xlsx(SAMPLE)
    plan = build_plan(evaluate(parse_book(XlBook(fake))), now=NOW)
    XlBook(fake).apply(plan)
    exported: dict[tuple[str, str], object] = {}
    for sheet, ref in plan.cells:
        got = _cell_content(fake, sheet, ref)
        exported[(sheet, ref)] = PatchFormula(got) if isinstance(got, str) and got.startswith("=") else got
    src = tmp_path / "button.xlsx"
    patch_cells(SAMPLE, src, exported, table_refs={t.name: t.ref for s in fake.sheets for t in s.tables})
    (recalculated,) = lo.recalculate([src], tmp_path / "lo")
    values = FileBook(recalculated)
    grids = {s: values.sheet_values(s) for s in {k[0] for k in plan.cells}}
    checked, wrong = 0, []
    for (sheet, ref), planned in plan.cells.items():
        if not isinstance(planned, Formula):
            continue
        m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
        assert m is not None
        col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(m.group(1))))
        row = grids[sheet][int(m.group(2)) - 1] if int(m.group(2)) <= len(grids[sheet]) else []
        lo_value = row[col - 1] if col <= len(row) else None
        want = None if planned.cached == "" else planned.cached
        same = lo_value == pytest.approx(want, abs=1e-9) if isinstance(want, float) else lo_value == want
        checked += 1
        if not same:
            wrong.append((sheet, ref, planned.text, want, lo_value))
    assert checked > 50 and wrong == []


def test_parse_book_is_the_same_in_libreoffice(live_office: object, tmp_path: Path) -> None:
    from_file = parse_book(FileBook(SAMPLE))
    from_uno = parse_book(_uno_book(live_office, tmp_path))
    assert from_uno.path.endswith("sample-in-libreoffice.xlsx")  # the document's own path
    # LibreOffice computes the formula cells the file carries without cached values; every
    # cell the file has a value in reads the same, and everything parsed from them is equal
    for sheet, grid in from_file.grids.items():
        live = from_uno.grids[sheet]
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is not None:
                    assert live[r][c] == value, (sheet, r + 1, c + 1)
    assert dataclasses.replace(from_uno, path=from_file.path, grids=from_file.grids) == from_file
    result_uno, result_file = evaluate(from_uno), evaluate(from_file)
    assert [dataclasses.replace(f, file=from_file.path) for f in result_uno.findings] == list(result_file.findings)
    assert (result_uno.scores, result_uno.checks, result_uno.total, result_uno.grade) == (
        result_file.scores, result_file.checks, result_file.total, result_file.grade)  # fmt: skip


def test_button_path_in_libreoffice_equals_file_path(live_office: Any, tmp_path: Path) -> None:
    """The UNO sink: the same plan applied in LibreOffice reads back as the file path wrote it —
    formulas as live formulas whose values LibreOffice computes equal to Python's, text as
    text, fills, notes, the resized Checks table, sheets protected again."""
    copy = tmp_path / "apply.xlsx"
    shutil.copy(SAMPLE, copy)
    plan = build_plan(evaluate(parse_book(FileBook(SAMPLE))), now=NOW)
    office = live_office
    office.call("open", path=str(copy), hidden=True)
    try:
        assert office.call("apply", plan=plan_to_json(plan)) is None
        grids = {sheet: office.call("grid", sheet=sheet) for sheet in {k[0] for k in plan.cells}}
        wrong = []
        for (sheet, ref), planned in plan.cells.items():
            m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
            assert m is not None
            r, c = int(m.group(2)) - 1, sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(m.group(1)))) - 1
            inside = r < len(grids[sheet]["data"]) and c < len(grids[sheet]["data"][r])
            formula, value = (grids[sheet]["formulas"][r][c], grids[sheet]["data"][r][c]) if inside else ("", "")
            if isinstance(planned, Formula):
                cached = planned.cached
                ok = formula.startswith("=") and (
                    abs(value - cached) <= 1e-9 if isinstance(cached, float) and not isinstance(cached, bool)
                    else value == ("" if cached is None else cached)
                )  # fmt: skip
            elif planned is None or planned == "":  # LibreOffice has no empty text constant: an empty cell
                ok = formula == "" and value == ""
            else:
                ok = not formula.startswith("=") and value == planned
            if not ok:
                wrong.append(((sheet, ref), planned, formula, value))
        assert wrong == []
        fills = [(k, c) for k, c in plan.fills.items()]
        for ((sheet, ref), colour), cell in zip(fills, [office.call("read", sheet=k[0], refs=[k[1]])[0] for k, _ in fills],
                                                strict=True):  # fmt: skip
            assert cell["color"] == int(colour, 16), (sheet, ref)
        for (sheet, ref), note in plan.notes.items():
            assert office.call("read", sheet=sheet, refs=[ref])[0]["note"] == note
        after = SnapshotBook(office.call("snapshot"))
        assert after.tables()["Checks"].ref == plan.table_refs["Checks"]
        for sheet in {k[0] for k in plan.cells}:
            assert office.call("protected", sheet=sheet) is True, sheet
    finally:
        office.call("close")


@pytest.mark.parametrize("kind", ["file", "uno", "xl"])
def test_text_is_never_a_formula(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Strings from a filled workbook that look like formulas or numbers are written as text by
    every sink (GUIDE: never turn untrusted text into a formula)."""
    hostile = {("封面", "B7"): "=1+1", ("封面", "B8"): "@SUM(A1)", ("封面", "B9"): "-5", ("封面", "B10"): "+1"}
    plan = WritePlan(cells=hostile)
    if kind == "file":
        out = tmp_path / "out.xlsx"
        patch_cells(SAMPLE, out, dict(hostile))
        wb = openpyxl.load_workbook(out)
        got = {k: (wb[k[0]][k[1]].data_type, wb[k[0]][k[1]].value) for k in hostile}
        assert got == {k: ("s", v) for k, v in hostile.items()}
    elif kind == "xl":
        fake = FakeBook.from_xlsx(SAMPLE)
        XlBook(fake).apply(plan)
        for (sheet, ref), text in hostile.items():
            cell = fake.sheets[sheet].range(ref)
            assert cell.value == text and _cell_content(fake, sheet, ref) == text
    else:
        office = request.getfixturevalue("live_office")
        copy = tmp_path / "hostile.xlsx"
        shutil.copy(SAMPLE, copy)
        office.call("open", path=str(copy), hidden=True)
        try:
            office.call("apply", plan=plan_to_json(plan))
            for (sheet, ref), text in hostile.items():
                (cell,) = office.call("read", sheet=sheet, refs=[ref])
                assert (cell["type"], cell["string"]) == ("TEXT", text), (sheet, ref, cell)
        finally:
            office.call("close")
