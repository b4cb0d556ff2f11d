"""The summary workbook read back with openpyxl: sheets, tables, values, formats, print setup.

Inputs are hand-built results (tests/test_summary_support.py); every expected figure below
is computed by hand from those inputs.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from test_summary_support import HYPERLINK_UNIT, four_units, make_result

from evaltool.summary import (
    SummaryEntry,
    digest,
    entry_from_result,
    entry_rejected,
    entry_superseded,
    write_summary,
)
from evaltool.summary.collect import collect, supersede_duplicates

CREATED = datetime(2026, 11, 27, 9, 0)
Book = tuple[Path, openpyxl.Workbook]


def _entries() -> list[SummaryEntry]:
    rs = four_units()
    entries = [entry_from_result(r, r.evaluation.path) for r in rs]
    entries.append(entry_rejected("/returns/坏文件.xlsx", "文件已损坏或不完整"))
    old = entry_from_result(rs[1], "/returns/东城区教育局-旧.xlsx")
    entries.append(entry_superseded(old, "/returns/东城区教育局.xlsx"))
    return entries


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, openpyxl.Workbook]:
    path = tmp_path_factory.mktemp("sum") / "汇总.xlsx"
    write_summary(iter(_entries()), path, created=CREATED)
    return path, openpyxl.load_workbook(path)


def _table_rows(ws: Worksheet, name: str) -> list[dict]:
    ref = ws.tables[name].ref
    rows = [[c.value for c in r] for r in ws[ref]]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_sheets_in_order(book: Book) -> None:
    _, wb = book
    assert wb.sheetnames == ["总览", "单位得分", "指标明细", "问题清单", "未通过"]


def test_unit_scores_rows_ranks_and_formats(book: Book) -> None:
    _, wb = book
    ws = wb["单位得分"]
    rows = _table_rows(ws, "UnitScores")
    # clean returns first, highest total first; the return with a validation error (有错误)
    # is listed with its scores but not ranked (only on request: --rank-with-errors)
    assert [r["单位名称"] for r in rows] == ["东城区教育局", HYPERLINK_UNIT, "朝阳区卫健委", "西城区财政局"]
    assert [r["总分"] for r in rows] == [92.0, 88.5, 55.25, 88.5]
    assert [r["等级"] for r in rows] == ["优", "良", "差", "良"]
    assert [(r["决策"], r["过程"], r["产出"], r["效益"]) for r in rows[:1]] == [(10, 20, 38, 24)]
    assert [r["状态"] for r in rows] == ["通过", "通过", "通过", "有错误"]
    assert [r["错误数"] for r in rows] == [0, 0, 0, 1]
    assert [r["警告数"] for r in rows] == [0, 0, 0, 1]
    # RANK is a live formula over the ranked totals (column I, rows 5..7)
    assert [r["排名"] for r in rows] == [f"=RANK(I{n},$I$5:$I$7)" for n in range(5, 8)] + [None]
    cached = openpyxl.load_workbook(book[0], data_only=True)["单位得分"]
    assert [cached.cell(n, 11).value for n in range(5, 9)] == [1, 2, 3, None]
    assert ws["L5"].value == -0.08 and ws["L5"].number_format == "0.00%"
    assert ws["O5"].number_format == "#,##0.00" and ws["O5"].value == 1000000
    assert ws["I5"].number_format == "0.00"
    assert ws.freeze_panes == "B5"
    assert ws.column_dimensions["A"].width >= 14  # '东城区教育局' is 12 display cells wide


def test_conditional_formats(book: Book) -> None:
    _, wb = book
    ws = wb["单位得分"]
    rules = {str(rng.sqref): [r for r in rng.rules] for rng in ws.conditional_formatting}
    grade_rules = rules["J5:J8"]
    assert sorted(r.formula[0] for r in grade_rules) == sorted(['"优"', '"良"', '"差"'])
    assert any(r.type == "dataBar" for r in rules["I5:I8"])
    assert any(r.type == "dataBar" for r in rules["E5:E8"])
    (variance,) = rules["L5:L8"]
    assert variance.formula == ["AND(ISNUMBER($L5),ABS($L5)>$M5)"]
    assert ws["M5"].value == 0.05  # the unit's own variance_warn_threshold


def test_details_findings_and_others(book: Book) -> None:
    _, wb = book
    details = _table_rows(wb["指标明细"], "IndicatorDetails")
    assert len(details) == 16  # 4 counted units x 4 indicators; the superseded return is not listed
    dong = [d for d in details if d["单位名称"] == "东城区教育局"]
    assert [d["得分"] for d in dong] == [10, 20, 38, 24]
    assert dong[2]["实际完成值"] == "三十余场次"  # text stays text
    assert dong[1]["完成率/偏差率"] == pytest.approx(1.0556)
    assert dong[0]["完成率/偏差率"] is None  # 定性: no rate
    findings = _table_rows(wb["问题清单"], "Findings")
    assert [(f["单元格"], f["规则编号"], f["级别"]) for f in findings] == [("B5", "R01", "错误"), ("C12", "R07", "警告")]
    assert findings[0]["单位名称"] == "西城区财政局"
    others = _table_rows(wb["未通过"], "NotAccepted")
    # paths are shown relative to the common folder, which the subtitle names once
    assert [(o["状态"], o["来源文件"]) for o in others] == [
        ("未通过", "坏文件.xlsx"), ("已被替代", "东城区教育局-旧.xlsx")]
    assert others[0]["原因"] == "文件已损坏或不完整"
    assert others[1]["替代文件"] == "东城区教育局.xlsx"
    assert wb["未通过"]["A2"].value.endswith("来源文件夹：/returns")


def test_overview_counts_and_stats(book: Book) -> None:
    wb = openpyxl.load_workbook(book[0], data_only=True)
    ws = wb["总览"]
    returns = {r["项目"]: r["数量"] for r in _table_rows(ws, "Returns")}
    assert returns == {"收到文件": 6, "通过": 3, "有错误": 1, "未通过": 1, "已被替代": 1}
    stats = {r["项目"]: r["数值"] for r in _table_rows(ws, "ScoreStats")}
    # the three clean returns only: the one with a validation error is not averaged
    assert stats["平均分"] == pytest.approx((92.0 + 88.5 + 55.25) / 3)
    assert stats == {"平均分": stats["平均分"], "中位数": 88.5, "最高分": 92.0, "最低分": 55.25}
    grades = [(r["等级"], r["单位数"], r["占比"]) for r in _table_rows(ws, "GradeDistribution")]
    assert grades == [("优", 1, pytest.approx(1 / 3)), ("良", 1, pytest.approx(1 / 3)), ("差", 1, pytest.approx(1 / 3))]
    assert len(ws._charts) == 3
    with zipfile.ZipFile(book[0]) as z:
        charts = [z.read(f"xl/charts/chart{i}.xml").decode() for i in (1, 2, 3)]
    assert ['<c:barDir val="col"/>' in c for c in charts] == [True, False, False]  # grades: columns
    assert all('<c:barDir val="bar"/>' in c for c in charts[1:])  # totals and variance: bars
    assert "<c:f>单位得分!$A$5:$A$7</c:f>" in charts[1] and "<c:f>单位得分!$I$5:$I$7</c:f>" in charts[1]
    assert "<c:f>单位得分!$L$5:$L$7</c:f>" in charts[2]


def test_rank_with_errors_ranks_and_counts_the_return_with_errors(tmp_path: Path) -> None:
    path = tmp_path / "ranked.xlsx"
    write_summary(_entries(), path, created=CREATED, rank_with_errors=True)
    wb = openpyxl.load_workbook(path, data_only=True)
    rows = _table_rows(wb["单位得分"], "UnitScores")
    assert [r["单位名称"] for r in rows] == ["东城区教育局", HYPERLINK_UNIT, "西城区财政局", "朝阳区卫健委"]
    assert [r["排名"] for r in rows] == [1, 2, 2, 4]  # RANK.EQ: ties share rank 2
    stats = {r["项目"]: r["数值"] for r in _table_rows(wb["总览"], "ScoreStats")}
    assert stats["平均分"] == pytest.approx(324.25 / 4)


def test_print_setup_everywhere(book: Book) -> None:
    _, wb = book
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9, ws.title  # A4
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页", ws.title
        assert ws.print_title_rows, ws.title
    assert wb["问题清单"].print_title_rows == "$4:$4"
    for ws in wb.worksheets[1:]:
        (table,) = ws.tables.values()
        assert table.autoFilter is not None, ws.title


def test_english_labels(tmp_path: Path) -> None:
    path = tmp_path / "summary.xlsx"
    write_summary(_entries(), path, lang="en", created=CREATED)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Overview", "Unit scores", "Indicator details", "Findings", "Not accepted"]
    assert wb["Unit scores"]["A4"].value == "Unit"
    assert wb["Findings"]["F5"].value == "Error"
    assert wb["Overview"].oddFooter.center.text == "Page &P of &N"


def test_created_date_comes_from_inputs_not_the_clock(tmp_path: Path) -> None:
    rs = four_units()
    entries = [entry_from_result(r, r.evaluation.path, mail_date=datetime(2024, 3, d)) for d, r in
               zip((5, 9, 7, 1), rs, strict=True)]
    path = tmp_path / "s.xlsx"
    write_summary(entries, path)
    core = zipfile.ZipFile(path).read("docProps/core.xml").decode()
    assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2024-03-09T00:00:00Z</dcterms:created>" in core


def test_older_return_of_the_same_unit_is_superseded() -> None:
    first = make_result("东城区教育局", code="002", total=70.0, grade="中")
    second = make_result("东城区教育局", code="002", total=92.0, grade="优")
    other_year = make_result("东城区教育局", code="002", year=2022, total=60.0, grade="中")
    entries = [
        entry_from_result(second, "/r/东城-修改.xlsx", mail_date=datetime(2024, 3, 9)),
        entry_from_result(first, "/r/东城.xlsx", mail_date=datetime(2024, 3, 1)),
        entry_from_result(other_year, "/r/东城-2022.xlsx", mail_date=datetime(2024, 3, 2)),
    ]
    c = collect(supersede_duplicates(digest(e) for e in entries))
    assert [(u.source, u.total) for u in c.units] == [("/r/东城-修改.xlsx", 92.0), ("/r/东城-2022.xlsx", 60.0)]
    assert [(o.source, o.status, o.superseded_by) for o in c.others] == [
        ("/r/东城.xlsx", "已被替代", "/r/东城-修改.xlsx")]


def test_empty_input_still_gives_a_complete_workbook(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_summary([], path)
    wb = openpyxl.load_workbook(path, data_only=True)
    assert wb.sheetnames == ["总览", "单位得分", "指标明细", "问题清单", "未通过"]
    for ws in wb.worksheets[1:]:
        assert ws["A5"].value == "（无）" and ws.max_row == 5  # a table needs one data row
    assert [r[1].value for r in wb["总览"].iter_rows(min_row=6, max_row=10)] == [0, 0, 0, 0, 0]
    core = zipfile.ZipFile(path).read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core  # no input time: the documented fallback, not the clock


def test_a_passed_entry_without_result_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="needs a Result"):
        digest(SummaryEntry(source="/r/x.xlsx", status="通过"))
