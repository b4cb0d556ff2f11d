"""The button's entry points (evaltool.xl) without the engine: failure handling and 仅校验's plan.

The end-to-end runs over the sample workbook are in tests/test_book_contract.py.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from support.fake_xlwings import FakeBook

from evaltool import xl
from evaltool.io.book import Formula, WritePlan
from evaltool.model import Location, TableInfo, TemplateError


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="xlwings has no interactive mode only on Linux")
def test_pressed_outside_excel_explains_instead_of_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    out = xl.recalculate()  # real xlwings: Book.caller() cannot work on Linux
    assert not out.ok
    err = capsys.readouterr().err
    assert "请在 Excel 中点击“绩效评价”选项卡上的按钮运行" in err
    assert "Run this from the 绩效评价 tab in Excel" in err
    assert "Traceback" not in err


def test_explain_is_readable() -> None:
    assert xl.explain(TemplateError("a.xlsx", "template.no_meta")) == (
        "这个工作簿不是评价模板，或模板版本不受支持（不是评价模板工作簿（缺少 _meta 表的 template_id））。"
        "请使用主管部门下发的模板填报。"
    )
    assert xl.explain(ModuleNotFoundError("No module named 'evaltool.engine'", name="evaltool.engine"), "en") == (
        "evaltool is not fully installed (evaltool.engine is missing). Run install.bat from the offline bundle again "
        "(or reinstall the wheel your bureau issued)."
    )
    assert xl.explain(ZeroDivisionError("division by zero")) == "发生意外错误 ZeroDivisionError：division by zero"
    partial = xl.PartialWrite("COM error")
    partial.__cause__ = PermissionError("磁盘已满")
    assert xl.explain(partial) == "发生意外错误 PermissionError：磁盘已满"
    failed = xl._failure(None, partial, "zh")
    assert failed.message.startswith("写入结果时出错：发生意外错误 PermissionError：磁盘已满\n\n部分结果可能已写入。")


def test_checks_only_keeps_checks_table_and_status() -> None:
    checks = TableInfo("Checks", "校验结果", "A4:H6", ("规则编号", "来源", "级别", "工作表", "单元格", "结果", "提示信息", "出错说明"), 4, 1, 2)
    status = Location("封面", "B13")
    plan = WritePlan(
        cells={
            ("校验结果", "A5"): "R01",
            ("校验结果", "F9"): Formula('IF(B5>0,"通过","不通过")'),  # a grown row
            ("校验结果", "I5"): "outside the table",
            ("校验结果", "A4"): "header",
            ("绩效指标", "L5"): Formula("=1+1", 2),
            ("封面", "B13"): "old status",
            ("封面", "B11"): Formula("=SUM(Indicators[得分])", 90),
        },
        fills={("绩效指标", "J5"): "FFC7CE"},
        notes={("绩效指标", "J5"): "超出"},
        table_refs={"Checks": "A4:H9", "Indicators": "A4:N40"},
    )
    got = xl.checks_only(plan, checks, status)
    assert dict(got.cells) == {
        ("校验结果", "A5"): "R01",
        ("校验结果", "F9"): Formula('IF(B5>0,"通过","不通过")'),
        ("封面", "B13"): "old status",
    }
    assert dict(got.table_refs) == {"Checks": "A4:H9"} and not got.fills and not got.notes


def test_failure_on_a_book_that_is_not_a_template(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Sheet1").write("A1", "随便写点")
    wb.close()
    book = FakeBook.from_xlsx(path)
    out = xl.recalculate(book=book)
    assert not out.ok
    assert book.app.alerts and book.app.alerts[-1]["mode"] == "critical"
    prompt = book.app.alerts[-1]["prompt"]
    assert prompt.startswith("计算评分未完成：这个工作簿不是评价模板") and "Scoring did not finish:" in prompt
    assert "not an evaluation template" in prompt and "Traceback" not in prompt
    assert xl.LOG_NAME in prompt
    assert book.sheets["Sheet1"].cells[(1, 1)].value == "随便写点"  # nothing written
    assert book.app.calls["range.value.set"] == book.app.calls["range.formula.set"] == 0
    assert book.app.status_bar is False  # handed back to Excel


SAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "sample-xicheng-2023.xlsx"


def _file_result() -> Any:
    from evaltool.engine import evaluate
    from evaltool.io.filebook import FileBook
    from evaltool.io.parse import parse_book

    return evaluate(parse_book(FileBook(SAMPLE)))


def test_recalculate_scores_the_open_book() -> None:
    book = FakeBook.from_xlsx(SAMPLE)
    expected = _file_result()  # the same workbook through the file path
    out = xl.recalculate(book=book)
    assert out.ok, out.message
    assert (out.total, out.grade, out.errors, out.warnings) == (
        expected.total, expected.grade, expected.errors, expected.warnings)  # fmt: skip
    alert = book.app.alerts[-1]
    assert alert["mode"] == "info" and alert["title"] == "预算绩效评价"
    assert alert["prompt"].startswith("计算评分完成。\n总分：") and f"评价等级：{expected.grade}" in alert["prompt"]
    assert f"错误 {expected.errors} 项，警告 {expected.warnings} 项" in alert["prompt"]
    cover = book.sheets["封面"].cells
    assert cover[(13, 2)].value.startswith("已计算 ")  # calc_status
    assert "SUM(Indicators[得分])" in cover[(11, 2)].formula  # total_score stays a live formula
    assert book.app.status_bar is False and book.app.history[0] == ("status_bar", "正在校验并计算评分……")
    assert book.app.calculation == "automatic" and book.app.screen_updating is True
    assert all(s.api.ProtectContents for s in book.sheets)  # protected again after writing


def test_recalculate_in_english() -> None:
    book = FakeBook.from_xlsx(SAMPLE)
    out = xl.recalculate(book=book, lang="en")
    assert out.ok and out.message.startswith("Scoring finished.\nTotal: ")
    assert book.app.alerts[-1]["title"] == "Budget performance evaluation"


def test_check_writes_only_checks_and_status() -> None:
    book = FakeBook.from_xlsx(SAMPLE)
    before = {s.name: {rc: (c.value, c.formula, c.color, c.note) for rc, c in s.cells.items()} for s in book.sheets}
    out = xl.check(book=book)
    assert out.ok and out.message.startswith("校验完成：错误 ")
    for sheet in book.sheets:
        now = {rc: (c.value, c.formula, c.color, c.note) for rc, c in sheet.cells.items()}
        old = before[sheet.name]
        blank = (None, None, None, None)
        changed = {rc for rc in set(now) | set(old) if now.get(rc, blank) != old.get(rc, blank)}
        if sheet.name == "封面":
            assert changed == {(13, 2)} and sheet.cells[(13, 2)].value.startswith("已校验 ")
        elif sheet.name == "校验结果":
            assert changed and all(r > 4 and 1 <= c <= 8 for r, c in changed)
        else:
            assert not changed, sheet.name


def test_password_protected_sheet_gives_a_readable_message() -> None:
    book = FakeBook.from_xlsx(SAMPLE)
    book.sheets["绩效指标"].api.password = "局里的密码"
    before = {rc: (c.value, c.formula) for rc, c in book.sheets["绩效指标"].cells.items()}
    out = xl.recalculate(book=book)
    assert not out.ok
    assert out.message.startswith("计算评分未完成：工作表“绩效指标”设置了保护密码，按钮无法写入结果。")
    assert "工作簿中的数据没有被修改" in out.message and "Sheet 绩效指标 is protected with a password" in out.message
    assert {rc: (c.value, c.formula) for rc, c in book.sheets["绩效指标"].cells.items()} == before
    assert book.sheets["封面"].cells[(13, 2)].value.startswith("计算失败 ")  # only the status cell
    assert all(s.api.ProtectContents for s in book.sheets)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="xlwings has no interactive mode only on Linux")
def test_started_by_runpython_without_excel_exits_1_so_vba_shows_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # RunPython passes these arguments (xlwings.bas ExecuteWindows); Book.caller() parses them
    # and, on Linux, cannot attach to any Excel.
    monkeypatch.setattr(sys, "argv", ["-c", "--wb=return.xlsx", "--from_xl=1", "--hwnd=1"])
    with pytest.raises(SystemExit) as info:
        xl.check()
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("校验未完成：请在 Excel 中点击“绩效评价”选项卡上的按钮运行") and "The check did not finish" in err
