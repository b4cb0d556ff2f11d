"""Reading: FileBook (names, tables, A1 grids), parse_book/load, errors, fingerprints."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from evaltool import contract as C
from evaltool.contract.fingerprint import fingerprint_of_evaluation
from evaltool.frameworks import list_frameworks
from evaltool.io.book import BookSource
from evaltool.io.filebook import FileBook, parse_location
from evaltool.io.reader import load
from evaltool.messages import error_text
from evaltool.model import Location, TemplateError
from evaltool.template import template_fingerprint, write_template

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample-xicheng-2023.xlsx"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    d = tmp_path_factory.mktemp("rd")
    return {fid: write_template(fid, d / f"{fid}.xlsx", unit_name="单位", year=2024) for fid in list_frameworks()}


def test_filebook_is_a_booksource():
    book = FileBook(SAMPLE)
    assert isinstance(book, BookSource)
    names = book.defined_names()
    assert names["budget_initial"] == Location("预算执行", "B5")
    assert names["param_round_digits"].sheet == "评分方法"
    assert not any(n.startswith("_xlnm") for n in names)
    tables = book.tables()
    assert tables["Indicators"].sheet == "绩效指标" and tables["Indicators"].header_row == 4
    assert tables["Indicators"].n_rows == 34 + C.SPARE_INDICATOR_ROWS
    grid = book.sheet_values("预算执行")
    assert grid[4][1] == pytest.approx(18902744.6) and grid[4][0] == "资金总额"
    assert grid[2][0] is None or isinstance(grid[2][0], str)


def test_grid_is_a1_anchored(tmp_path):
    p = tmp_path / "offset.xlsx"
    wb = xlsxwriter.Workbook(p)
    ws = wb.add_worksheet("S")
    ws.write_string(2, 2, "x")
    ws.write_number(4, 3, 5)
    wb.close()
    grid = FileBook(p).sheet_values("S")
    assert grid[2][2] == "x" and grid[4][3] == 5 and grid[0] == [] or grid[0][0] is None


def test_parse_location():
    assert parse_location("'预算执行'!$B$5") == Location("预算执行", "B5")
    assert parse_location("封面!$A$1:$C$3") == Location("封面", "A1:C3")
    assert parse_location("0.05") is None


@pytest.mark.parametrize("fid", list_frameworks())
def test_fingerprint_template_equals_read(templates, fid):
    ev = load(templates[fid])
    assert fingerprint_of_evaluation(ev) == ev.meta["fingerprint"] == template_fingerprint(fid)
    assert ev.framework_id == fid and all(i.locked for i in ev.indicator_rows)


def test_sample_fingerprint_ignores_filled_values():
    ev = load(SAMPLE)
    assert fingerprint_of_evaluation(ev) == ev.meta["fingerprint"]


def test_fingerprint_detects_tampering(templates, tmp_path):
    wb = openpyxl.load_workbook(templates["dept-overall"])
    wb["绩效指标"]["F5"] = 7  # a department raises a weight
    wb["评分方法"]["D4"] = "cap=2"
    p = tmp_path / "tampered.xlsx"
    wb.save(p)
    ev = load(p)
    assert ev.indicator_rows[0].weight == Decimal(7)
    assert fingerprint_of_evaluation(ev) != ev.meta["fingerprint"]


def test_filler_rows_are_unlocked_and_counted(tmp_path):
    p = write_template("project-self", tmp_path / "x.xlsx", values={"extra_indicators": [
        {"一级指标": "产出", "二级指标": "数量指标", "三级指标": "新增指标", "指标类型": "定量", "评分方法": "M01",
         "分值": 0, "年度目标值": 5, "实际完成值": 4}]})
    ev = load(p)
    extra = ev.indicator_rows[-1]
    assert extra.level3 == "新增指标" and not extra.locked and extra.actual == 4
    assert fingerprint_of_evaluation(ev) == ev.meta["fingerprint"]


def test_cached_formula_values_are_not_scalars():
    ev = load(SAMPLE)
    for name in C.COMPUTED_NAMES:
        assert name not in ev.scalars
    assert ev.names["variance_rate"] == Location("预算执行", "B24")
    assert ev.param("round_digits") == 2 and ev.param("variance_sign") == "(年初预算-决算)/年初预算"
    assert [g.name for g in ev.grades] == ["优", "良", "中", "差"] and ev.grades[2].aliases == ("一般", "合格", "中等")
    assert {r.id for r in ev.rules} >= {"SUM-1", "WGT-1"} and ev.rules[0].severity == "error"
    assert ev.method("M05").params["source"] == "variance_rate"


def _expect_error(path, *fragments):
    with pytest.raises(TemplateError) as ei:
        load(path)
    assert ei.value.path == str(path)
    both = error_text(ei.value, "zh") + " / " + error_text(ei.value, "en")
    for f in fragments:
        assert f in both


def test_errors_on_wrong_files(tmp_path):
    png = tmp_path / "photo.xlsx"
    png.write_bytes(PNG)
    _expect_error(png, "不是 Excel", "not an .xlsx")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    _expect_error(empty, "文件为空")
    _expect_error(tmp_path / "missing.xlsx", "文件不存在")
    ole = tmp_path / "enc.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    _expect_error(ole, "加密")
    z = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("hello.txt", "hi")
    _expect_error(z, "无法读取工作簿")
    plain = tmp_path / "plain.xlsx"
    wb = xlsxwriter.Workbook(plain)
    wb.add_worksheet("Sheet1").write_string(0, 0, "hello")
    wb.close()
    _expect_error(plain, "不是评价模板工作簿", "_meta")


def test_error_on_other_version(templates, tmp_path):
    wb = openpyxl.load_workbook(templates["project-self"])
    wb["_meta"]["B2"] = "3.0"  # a future major: 1.x (previous, flagged) and 2.x are read
    p = tmp_path / "v3.xlsx"
    wb.save(p)
    _expect_error(p, "模板版本 3.0 不受支持", "template version 3.0 is not supported")


def test_error_on_missing_table_or_name(templates, tmp_path):
    wb = openpyxl.load_workbook(templates["project-self"])
    del wb["项目清单"].tables["Projects"]
    p = tmp_path / "notable.xlsx"
    wb.save(p)
    _expect_error(p, "缺少表格 Projects")
    wb = openpyxl.load_workbook(templates["project-self"])
    del wb.defined_names["budget_initial"]
    p = tmp_path / "noname.xlsx"
    wb.save(p)
    _expect_error(p, "缺少定义名称", "budget_initial")


def test_filled_values_round_trip(tmp_path):
    import datetime as dt

    p = write_template("dept-2013", tmp_path / "f.xlsx", unit_name="某局", unit_code="A01", year=2023, values={
        "fill_date": dt.date(2024, 3, 1), "preparer": "张三", "budget_adjusted": Decimal("1000.5"),
        "budget_lines": {"其中：财政拨款": {"年初预算数": Decimal("800"), "说明": "一般公共预算"}},
        "staff_actual": 12, "staff_authorized": 10,
        "projects": [{"序号": 1, "项目名称": "妇女儿童服务", "年初预算数": Decimal("12.34"), "是否评价": "是",
                      "自评等级": "优秀"}],
        "indicators": {"预决算信息公开性": {"实际完成值": "部分达成", "评定比例": Decimal("0.65")}}})
    ev = load(p)
    assert ev.unit.code == "A01" and ev.unit.preparer == "张三"
    assert ev.unit.fill_date.date() == dt.date(2024, 3, 1)
    assert ev.scalar("budget_adjusted") == Decimal("1000.50") and ev.scalar("staff_actual") == 12
    assert ev.budget[1].label == "其中：财政拨款" and ev.budget[1].initial == Decimal("800.00")
    assert ev.budget[1].note == "一般公共预算"
    (proj,) = ev.projects
    assert (proj.name, proj.budget_initial, proj.evaluated, proj.self_grade) == ("妇女儿童服务", Decimal("12.34"),
                                                                                 "是", "优秀")
    row = next(i for i in ev.indicator_rows if i.level3 == "预决算信息公开性")
    assert row.actual == "部分达成" and row.kind == "定性" and row.share == Decimal("0.65")
