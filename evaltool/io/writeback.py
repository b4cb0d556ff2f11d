"""Write a Result back into its workbook: live formulas with cached values, Checks, marks.

Why: a department keeps working in the file it sent in; the scored workbook must show the
numbers without recalculation (cached values, for calamine/pandas and previewers), keep
recomputing when the filler edits (live formulas), and leave everything evaltool does not
own byte-identical (charts, images, comments, their own sheets). The plan is plain data
(:class:`~evaltool.io.book.WritePlan`); the lossless zip patcher (``evaltool.io.patch_cells``)
applies it; in-place writes are atomic with a timestamped backup and refused while the file
is open in Excel/WPS/LibreOffice.

What is written (template contract, "Write-back"): every :class:`~evaltool.model.Score` cell
as ``Formula(text, cached=value)``; the ``Checks`` table rows (结果 live or static, 出错说明
kept) resized through ``table_refs`` with leftover rows cleared; ``calc_status``; fills
(错误 ``FFC7CE``, 警告 ``FFEB9C``) and notes on the cells findings point at.

Example::

    result = evaluate(load("returned.xlsx"))
    write_result(result, "returned.xlsx", "returned.scored.xlsx")
    backup = write_in_place(result, "returned.xlsx")   # returned.bak-20261127-101500.xlsx
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from evaltool import contract as C
from evaltool.contract.a1 import column_letters, split_range
from evaltool.contract.cells import where
from evaltool.io import patch_cells
from evaltool.io.atomic import is_locked, replace_with_backup, temp_path_for
from evaltool.io.book import CellKey, Formula, WritePlan
from evaltool.messages import render, severity_label, text
from evaltool.model import CheckRow, EvaltoolError, Evaluation, Finding, Result

__all__ = ["build_plan", "write_result", "write_in_place", "WorkbookLocked", "FILL",
           "CHECK_COLUMNS"]

FILL = {"error": "FFC7CE", "warning": "FFEB9C"}
CHECK_SHEET = C.CHECKS
CHECK_COLUMNS = C.TABLE_HEADERS["Checks"]
MAX_MARKED_CELLS = 200  # a finding on a larger range marks its first cells only

MSG = {
    "status": ("已计算 {when}，错误 {errors} 项，警告 {warnings} 项",
               "calculated {when}, {errors} errors, {warnings} warnings"),
    "open_stamp": ("生成于 {when}：待处理问题 {n} 项（错误 {errors} 项，警告 {warnings} 项）。此后的修改不在本表中，请重新计算。",
                   "written {when}: {n} open findings ({errors} errors, {warnings} warnings); "
                   "edits after that are not in this list — recalculate."),
    "locked": ("{path} 正在被 Excel/WPS 或 LibreOffice 打开，请先关闭后再写回",
               "{path} is open in Excel/WPS or LibreOffice; close it first"),
}


class WorkbookLocked(EvaltoolError, RuntimeError):
    """The workbook is open elsewhere (an owner/lock file sits beside it)."""

    code = "workbook_locked"

    def __init__(self, path: Path, lang: str = "zh") -> None:
        super().__init__(text(MSG, "locked", lang, path=path))
        self.path = path


def _cells_of(ref: str) -> Iterator[str]:
    """``"B5"`` → B5; ``"A5:C6"`` → A5 B5 C5 A6 …; anything else → nothing."""
    try:
        r1, c1, r2, c2 = split_range(ref)
    except ValueError:
        return
    if r1 == 0:  # a whole column is not a cell to mark
        return
    count = 0
    for r in range(min(r1, r2), max(r1, r2) + 1):
        for c in range(min(c1, c2), max(c1, c2) + 1):
            if count >= MAX_MARKED_CELLS:
                return
            count += 1
            yield f"{column_letters(c)}{r}"


def _cached(v: object) -> float | int | str | bool | None:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (bool, int, float, str)):
        return v
    return str(v)


def _check_rows(ev: Evaluation, checks: tuple[CheckRow, ...],
                cells: dict[CellKey, object]) -> dict[str, str]:
    """Write the Checks rows into ``cells``; returns ``table_refs`` when the size changes."""
    info = ev.tables.get("Checks")
    sheet = info.sheet if info else CHECK_SHEET
    header_row = info.header_row if info else 4
    first = info.first_col if info else 1
    headers = info.headers if info else CHECK_COLUMNS
    idx = {h: first + i for i, h in enumerate(headers)}
    for i, h in enumerate(CHECK_COLUMNS):
        idx.setdefault(h, first + i)
    width = len(headers)
    old_rows = info.n_rows if info else 0
    for n, row in enumerate(checks):
        r = header_row + 1 + n
        explanation = ev.explanations.get((row.rule, row.sheet, row.cell), row.explanation)
        result: object = Formula(row.formula, cached=row.result) if row.formula else row.result
        values = {"规则编号": row.rule, "来源": row.source, "级别": severity_label(row.severity),
                  "工作表": row.sheet, "单元格": row.cell, "结果": result,
                  "提示信息": Formula(row.message_formula, cached=row.message) if row.message_formula else row.message,
                  "出错说明": explanation or None}
        for h, v in values.items():
            cells[(sheet, f"{column_letters(idx[h])}{r}")] = v
    new_rows = max(len(checks), 1)
    for r in range(header_row + 1 + len(checks), header_row + 1 + max(old_rows, new_rows)):
        for c in range(first, first + width):
            cells[(sheet, f"{column_letters(c)}{r}")] = None
    if info is None or new_rows == old_rows:
        return {}
    return {"Checks": f"{column_letters(first)}{header_row}:{column_letters(first + width - 1)}{header_row + new_rows}"}


def _marks(ev: Evaluation, findings: tuple[Finding, ...], lang: str
           ) -> tuple[dict[CellKey, str | None], dict[CellKey, str | None]]:
    """Fills (worst severity wins) and notes (messages joined) on the cells findings name."""
    rank = {"error": 2, "warning": 1}
    worst: dict[CellKey, str] = {}
    notes: dict[CellKey, list[str]] = {}
    for f in findings:
        if f.explained or f.severity not in rank or f.sheet not in ev.grids or not f.cell:
            continue
        for cell in _cells_of(f.cell):
            key = (f.sheet, cell)
            if rank[f.severity] > rank.get(worst.get(key, ""), 0):
                worst[key] = f.severity
            message = render(f, lang)
            if message not in notes.setdefault(key, []):
                notes[key].append(message)
    fills: dict[CellKey, str | None] = {k: FILL[v] for k, v in worst.items()}
    return fills, {k: "\n".join(v) for k, v in notes.items()}


def build_plan(result: Result, *, now: datetime | None = None, lang: str = "zh") -> WritePlan:
    """Everything evaltool writes for ``result``, as one bulk plan."""
    ev = result.evaluation
    cells: dict[CellKey, object] = {}
    for s in result.scores:
        key = (s.sheet, s.cell)
        # a Score without a formula is a plain value evaltool owns (计分值), None clears the cell
        cells[key] = Formula(s.formula, cached=_cached(s.value)) if s.formula else (
            None if s.value is None else _cached(s.value))
    table_refs = _check_rows(ev, result.checks, cells)
    when = (now or _now()).strftime("%Y-%m-%d %H:%M")
    cells[where(ev.names, "calc_status")] = text(
        MSG, "status", lang, when=when, errors=result.errors, warnings=result.warnings)
    _open_issues(result, when, cells, lang)
    fills, notes = _marks(ev, result.findings, lang)
    return WritePlan(cells=cells, fills=fills, notes=dict(notes), table_refs=table_refs)


def _open_issues(result: Result, when: str, cells: dict[CellKey, object], lang: str) -> None:
    """Rewrite the 待处理问题 list: the open findings, a stamp, and blanks over last run's leftovers."""
    ev = result.evaluation
    if C.OPEN_ISSUES not in ev.grids:  # a workbook of an earlier template version has no such sheet
        return
    sheet, first = C.OPEN_ISSUES, C.OPEN_ISSUES_HEADER_ROW + 1
    open_ = [f for f in result.findings if not f.explained]
    cells[(sheet, C.OPEN_ISSUES_STAMP)] = text(MSG, "open_stamp", lang, when=when, n=len(open_),
                                                  errors=result.errors, warnings=result.warnings)
    for i, f in enumerate(open_):
        row = first + i
        values = (i + 1, severity_label(f.severity, lang), f.sheet, f.cell, f.rule, render(f, lang))
        for c, v in enumerate(values):
            cells[(sheet, f"{column_letters(c + 1)}{row}")] = v
    last_old = len(ev.grids[sheet])
    for row in range(first + len(open_), max(last_old, first + len(open_) - 1) + 1):
        for c in range(len(C.OPEN_ISSUES_HEADERS)):
            cells[(sheet, f"{column_letters(c + 1)}{row}")] = None


def _now() -> datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (reproducible outputs, as build tools use it)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).replace(tzinfo=None)
    return datetime.now()


def write_result(result: Result, src: str | Path | bytes, dst: str | Path, *,
                 now: datetime | None = None, lang: str = "zh") -> WritePlan:
    """Write ``result`` into a copy of ``src`` at ``dst`` (atomic; ``src`` is only read).

    ``src`` may be the workbook's bytes as already read (:class:`evaltool.engine.Outcome`
    keeps them), so write-back does not open the file again. A new ``dst`` gets the
    permission bits the umask gives (the atomic writer sees to it); an existing one keeps its own.
    """
    plan = build_plan(result, now=now, lang=lang)
    patch_cells(src, Path(dst), plan.cells, fills=plan.fills, notes=plan.notes,
                table_refs=plan.table_refs, label=result.evaluation.path if isinstance(src, bytes) else None)
    return plan


def write_in_place(result: Result, path: str | Path, *, now: datetime | None = None,
                   lang: str = "zh", data: bytes | None = None) -> Path | None:
    """Replace ``path`` by its scored version, keeping a timestamped backup; returns it.

    Returns None when the scored version is byte-identical to ``path`` (nothing to write, no
    backup); an existing identical backup is reused rather than copied again. Raises
    :class:`WorkbookLocked` while the workbook is open elsewhere. If anything fails before
    the final rename the original is untouched and no temp file is left behind.
    ``data``: the file's bytes as read for ``result`` (then the file is not read again).
    """
    p = Path(path)
    if is_locked(p):
        raise WorkbookLocked(p, lang)
    tmp = temp_path_for(p)
    try:
        write_result(result, p if data is None else data, tmp, now=now, lang=lang)
        if tmp.read_bytes() == (p.read_bytes() if data is None else data):
            return None
        return replace_with_backup(tmp, p)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
