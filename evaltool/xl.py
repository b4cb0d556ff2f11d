"""The Excel button: ``recalculate()`` (计算评分) and ``check()`` (仅校验) for xlwings ``RunPython``.

Why: accountants press 计算评分 in the ribbon (add-in ``evaltool_xl.xlam``); the open workbook
— with its unsaved edits — is read through :class:`~evaltool.io.xlbook.XlBook`, checked and
scored by the same engine as the CLI, and the results are written straight back into it,
without saving or closing anything. Whatever happens, the user gets a message box: success
with the total, grade and counts, or a readable Chinese message (with the English text
under it) instead of a traceback; the traceback goes to ``%TEMP%/evaltool-xl.log``. The
``calc_status`` cell records the outcome too.

``xw.Book.caller()`` is called inside the entry points, never at import (xlwings docs:
"Place xw.Book.caller() within the function that is being called from Excel"). Tests and
debugging pass ``book=`` (a live ``xw.Book`` or the stand-in in tests/support).

Example::

    RunPython "import evaltool_xl;evaltool_xl.main()"     ' VBA: calls evaltool.xl.recalculate()
    evaltool.xl.recalculate(book=xw.Book("return.xlsx"))  # from Python, Excel open
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import tempfile
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from evaltool.formula.errors import FormulaSyntaxError
from evaltool.formula.values import ErrorSignal
from evaltool.io.book import BookSource, CellKey, WritePlan
from evaltool.io.patch_types import parse_ref
from evaltool.io.xlbook import SheetProtected, XlBook
from evaltool.messages import error_text, text
from evaltool.model import EvaltoolError, Location, TableInfo, TemplateError

__all__ = ["recalculate", "check", "prepare", "failure_message", "Outcome", "PartialWrite", "explain", "checks_only", "LOG_NAME"]

Mode = Literal["recalculate", "check"]
LOG_NAME = "evaltool-xl.log"
TITLE = ("预算绩效评价", "Budget performance evaluation")

MSG: dict[str, tuple[str, str]] = {
    "running": ("正在校验并计算评分……", "Checking and scoring…"),
    "checking": ("正在校验……", "Checking…"),
    "scored": (
        "计算评分完成。\n总分：{total}　评价等级：{grade}\n错误 {errors} 项，警告 {warnings} 项{hint}",
        "Scoring finished.\nTotal: {total}  Grade: {grade}\n{errors} error(s), {warnings} warning(s){hint}",
    ),
    "checked": (
        "校验完成：错误 {errors} 项，警告 {warnings} 项{hint}",
        "Check finished: {errors} error(s), {warnings} warning(s){hint}",
    ),
    "hint": ("，详见“校验结果”表。", "; see the sheet 校验结果."),
    "none": ("—", "—"),
    "status_checked": (
        "已校验 {when}：错误 {errors} 项，警告 {warnings} 项",
        "Checked {when}: {errors} error(s), {warnings} warning(s)",
    ),
    "status_failed": ("计算失败 {when}：{reason}", "Failed {when}: {reason}"),
    "action_recalculate": ("计算评分", "Scoring"),
    "action_check": ("校验", "The check"),
    "failed": (
        "{action}未完成：{reason}\n\n工作簿中的数据没有被修改。技术细节已记录在：{log}",
        "{action} did not finish: {reason}\n\nThe workbook's data was not changed. Details: {log}",
    ),
    "failed_partial": (
        "写入结果时出错：{reason}\n\n部分结果可能已写入。要放弃这些改动，请关闭工作簿并选择“不保存”。技术细节已记录在：{log}",
        "Writing the results failed: {reason}\n\nSome results may have been written; to discard them close "
        "the workbook without saving. Details: {log}",
    ),
    "sheet_protected": (
        "工作表“{detail}”设置了保护密码，按钮无法写入结果。请设置环境变量 EVALTOOL_SHEET_PASSWORD 后重启 Excel，"
        "或保存并关闭工作簿后在命令行运行 evaltool score 文件.xlsx。",
        "Sheet {detail} is protected with a password, so the button cannot write into it. Set the environment "
        "variable EVALTOOL_SHEET_PASSWORD and restart Excel, or save and close the workbook and run "
        "evaltool score FILE.xlsx.",
    ),
    "not_template": (
        "这个工作簿不是评价模板，或模板版本不受支持（{detail}）。请使用主管部门下发的模板填报。",
        "This workbook is not an evaluation template of a supported version ({detail}). "
        "Use the template issued by the bureau.",
    ),
    "formula": (
        "规则表或指标中的公式无法识别：{detail}",
        "A formula in the rule sheet or indicators cannot be read: {detail}",
    ),
    "missing_part": (
        "evaltool 安装不完整，缺少组件 {detail}。请重新运行离线安装包里的 install.bat（或用本单位下发的 wheel 重新安装）。",
        "evaltool is not fully installed ({detail} is missing). Run install.bat from the offline bundle again "
        "(or reinstall the wheel your bureau issued).",
    ),
    "no_caller": (
        "请在 Excel 中点击“绩效评价”选项卡上的按钮运行（{detail}）。",
        "Run this from the 绩效评价 tab in Excel ({detail}).",
    ),
    "sheet_missing": (
        "找不到工作表或表格 {detail}，模板结构可能被改动。",
        "Sheet or table {detail} not found; the template's structure may have been changed.",
    ),
    "unexpected": ("发生意外错误 {kind}：{detail}", "Unexpected error {kind}: {detail}"),
}


class PartialWrite(EvaltoolError, RuntimeError):
    """Writing into the live book failed part-way (some blocks may already be written)."""

    code = "partial_write"


@dataclass(frozen=True)
class Outcome:
    """What a button press did: ``ok``, the message shown, and the counts (0 on failure)."""

    ok: bool
    message: str
    errors: int = 0
    warnings: int = 0
    total: float | None = None
    grade: str | None = None


def recalculate(book: Any = None, lang: str = "zh") -> Outcome:
    """计算评分: check and score the calling workbook and write every result into it."""
    return _run(book, lang, "recalculate")


def check(book: Any = None, lang: str = "zh") -> Outcome:
    """仅校验: run the checks and write only the 校验结果 (Checks) table and ``calc_status``."""
    return _run(book, lang, "check")


def _caller() -> Any:
    import xlwings as xw  # only the door imports xlwings, and only when pressed

    return xw.Book.caller()


def _now() -> str:
    return _dt.datetime.now().strftime("%Y-%m-%d %H:%M")


def _fmt(value: float | None, lang: str) -> str:
    return text(MSG, "none", lang) if value is None else f"{value:.2f}"


def _run(book: Any, lang: str, mode: Mode) -> Outcome:
    status_set = False
    try:
        if book is None:
            book = _caller()
        app = book.app
        try:
            app.status_bar = text(MSG, "running" if mode == "recalculate" else "checking", lang)
            status_set = True
        except Exception as exc:  # noqa: BLE001 - a nicety some hosts refuse (COM/appscript errors); logged
            _log(exc)
        outcome = _evaluate_and_write(book, lang, mode)
    except Exception as exc:  # noqa: BLE001 - the door's guard: a message box, the traceback in the log
        outcome = _failure(book, exc, lang, mode)
    finally:
        if status_set:
            try:
                book.app.status_bar = False
            except Exception as exc:  # noqa: BLE001 - as above; logged
                _log(exc)
    _alert(book, outcome, lang)
    return outcome


def _evaluate_and_write(book: Any, lang: str, mode: Mode) -> Outcome:
    xbook = XlBook(book, password=os.environ.get("EVALTOOL_SHEET_PASSWORD", ""))
    plan, outcome = prepare(xbook, lang, mode)
    try:
        xbook.apply(plan)
    except SheetProtected:
        raise  # raised before anything is written
    except Exception as exc:  # noqa: BLE001 - re-raised with the fact that part may be written
        raise PartialWrite(str(exc)) from exc
    return outcome


def prepare(source: BookSource, lang: str = "zh", mode: Mode = "recalculate") -> tuple[WritePlan, Outcome]:
    """What one press computes, for any live book: the plan to write and the outcome to show.

    Shared by the Excel button (the xlwings book, in the user's Python through RunPython) and
    the LibreOffice button (a snapshot sent to ``python -m evaltool.addin.serve``)."""
    from evaltool.engine import evaluate
    from evaltool.io.parse import parse_book
    from evaltool.io.writeback import build_plan

    evaluation = parse_book(source)
    result = evaluate(evaluation)
    plan = build_plan(result, lang=lang)  # includes calc_status "已计算 …", as the CLI writes it
    errors, warnings = result.errors, result.warnings
    if mode == "check":
        status_at = evaluation.names.get("calc_status")
        plan = checks_only(plan, evaluation.tables.get("Checks"), status_at)
        if status_at is not None:
            status = text(MSG, "status_checked", lang, when=_now(), errors=errors, warnings=warnings)
            plan = replace(plan, cells={**plan.cells, (status_at.sheet, status_at.ref): status})
    hint = text(MSG, "hint", lang) if errors or warnings else "。" if lang != "en" else "."
    if mode == "check":
        message = text(MSG, "checked", lang, errors=errors, warnings=warnings, hint=hint)
    else:
        message = text(
            MSG, "scored", lang, total=_fmt(result.total, lang),
            grade=result.grade or text(MSG, "none", lang), errors=errors, warnings=warnings, hint=hint,
        )  # fmt: skip
    return plan, Outcome(True, message, errors, warnings, result.total, result.grade)


def failure_message(exc: BaseException, lang: str = "zh", mode: Mode = "recalculate") -> str:
    """The message a failed press shows (Chinese with the English under it); logs the traceback."""
    return _failure(None, exc, lang, mode).message


def checks_only(plan: WritePlan, checks: TableInfo | None, status_at: Location | None) -> WritePlan:
    """The part of ``plan`` that 仅校验 writes: cells in the Checks table's columns below its
    header (the table may grow), its new ref, and the status cell. Scores, rates, totals,
    fills and notes are left alone."""
    keep: dict[CellKey, object] = {}
    for key, value in plan.cells.items():
        sheet, ref = key
        if status_at is not None and (sheet, ref) == (status_at.sheet, status_at.ref):
            keep[key] = value
        elif checks is not None and sheet == checks.sheet:
            row, col = parse_ref(ref)
            if row > checks.header_row and checks.first_col <= col < checks.first_col + len(checks.headers):
                keep[key] = value
    refs = {k: v for k, v in plan.table_refs.items() if checks is not None and k == checks.name}
    return WritePlan(cells=keep, table_refs=refs)


def explain(exc: BaseException, lang: str = "zh") -> str:
    """A readable one-paragraph reason for ``exc`` (no traceback)."""
    if isinstance(exc, PartialWrite) and exc.__cause__ is not None:
        exc = exc.__cause__
    name = type(exc).__name__
    if isinstance(exc, SheetProtected):
        return text(MSG, "sheet_protected", lang, detail=exc.sheet)
    if isinstance(exc, TemplateError):
        return text(MSG, "not_template", lang, detail=error_text(exc, lang))
    if isinstance(exc, (FormulaSyntaxError, ErrorSignal)):
        return text(MSG, "formula", lang, detail=str(exc))
    if isinstance(exc, ModuleNotFoundError):
        return text(MSG, "missing_part", lang, detail=exc.name or str(exc))
    detail = str(exc)
    if _is_xlwings_error(exc) or "Book.caller()" in detail or (
        isinstance(exc, AttributeError) and ("_xlwindows" in detail or "'apps'" in detail)
    ):
        return text(MSG, "no_caller", lang, detail=str(exc))
    if isinstance(exc, KeyError):
        return text(MSG, "sheet_missing", lang, detail=str(exc))
    return text(MSG, "unexpected", lang, kind=name, detail=str(exc) or name)


def _is_xlwings_error(exc: BaseException) -> bool:
    try:
        from xlwings import XlwingsError
    except ImportError:  # pragma: no cover - xlwings is a dependency
        return False
    return isinstance(exc, XlwingsError)


def _log(exc: BaseException) -> Path:
    path = Path(tempfile.gettempdir()) / LOG_NAME
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {_dt.datetime.now().isoformat(timespec='seconds')}\n")
            fh.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    except OSError:
        pass
    return path


def _failure(book: Any, exc: BaseException, lang: str, mode: Mode = "recalculate") -> Outcome:
    log = _log(exc)
    reason = explain(exc, lang)
    code = "failed_partial" if isinstance(exc, PartialWrite) else "failed"
    message = text(MSG, code, lang, reason=reason, log=log, action=text(MSG, f"action_{mode}", lang))
    if lang != "en":
        en_action = text(MSG, f"action_{mode}", "en")
        message += "\n\n" + text(MSG, code, "en", reason=explain(exc, "en"), log=log, action=en_action)
    if book is not None:
        _write_failed_status(book, reason, lang)
    return Outcome(False, message)


def _write_failed_status(book: Any, reason: str, lang: str) -> None:
    """Best effort: put the short failure reason into ``calc_status`` (only that cell)."""
    try:
        xbook = XlBook(book, password=os.environ.get("EVALTOOL_SHEET_PASSWORD", ""))
        where = xbook.defined_names().get("calc_status")
        if where is not None:
            status = text(MSG, "status_failed", lang, when=_now(), reason=reason)[:250]
            xbook.apply(WritePlan(cells={(where.sheet, where.ref): status}))
    except Exception as exc:  # noqa: BLE001 - best effort after a failure; logged, the box still shows
        _log(exc)


def _alert(book: Any, outcome: Outcome, lang: str) -> None:
    title = TITLE[1] if lang == "en" else TITLE[0]
    try:
        book.app.alert(outcome.message, title=title, mode="info" if outcome.ok else "critical")
    except Exception as exc:  # noqa: BLE001 - no host to show it; logged, then stderr
        _log(exc)
        # No Excel to show it (e.g. Book.caller() failed). RunPython (Windows) shows the
        # interpreter's stderr in a message box only when the exit code is not 0.
        print(outcome.message, file=sys.stderr)
        if "--from_xl=1" in sys.argv:
            raise SystemExit(1) from None
