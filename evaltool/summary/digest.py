"""Reduce a :class:`SummaryEntry` to the few small rows the summary shows.

Why: a :class:`~evaltool.model.Result` carries the whole parsed workbook (every sheet's grid).
The summary writer and :func:`evaltool.api.summarize` need only a unit row, the indicator
lines, the findings and, for refused files, a reason. :func:`digest` extracts exactly that,
as plain picklable tuples, so worker processes can return digests and a stream of thousands
of entries stays small in memory.

Example::

    d = digest(entry_from_result(result, "西城区.xlsx"))
    d.unit.total, d.unit.level1          # 87.5, (('决策', 18.0), ('过程', 20.0), ...)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from evaltool import contract as C
from evaltool.contract.a1 import column_letters
from evaltool.messages import notes_text, render
from evaltool.model import CellValue, Evaluation, Result
from evaltool.summary.entries import REJECTED, SUPERSEDED, SummaryEntry

__all__ = ["UnitRow", "IndicatorLine", "FindingLine", "OtherRow", "Digest", "digest"]

DEFAULT_VARIANCE_THRESHOLD = 0.05


@dataclass(frozen=True)
class UnitRow:
    source: str
    unit: str
    code: str
    year: int | None
    framework: str
    level1: tuple[tuple[str, float | None], ...]  # 一级指标 -> subtotal, in indicator order
    total: float | None
    grade: str
    grade_order: int | None  # 0 = best band of the unit's own grade table
    variance_rate: float | None
    variance_threshold: float
    execution_rate: float | None
    budget_initial: Decimal | None
    final_expenditure: Decimal | None
    errors: int
    warnings: int
    status: str
    ranked: bool = True  # counts in the rank, the statistics and the charts (see Collected)


@dataclass(frozen=True)
class IndicatorLine:
    source: str
    unit: str
    level1: str
    level2: str
    level3: str
    kind: str
    weight: Decimal | None
    direction: str
    measure: str
    target: CellValue
    actual: CellValue
    rate: float | str | None
    score: float | str | None
    note: str


@dataclass(frozen=True)
class FindingLine:
    """One row of 问题清单: ``message`` rendered in the run's language; ``code`` + ``params``
    the finding as data (what the results store keeps, rendered late in any language)."""

    source: str
    unit: str
    sheet: str
    cell: str
    rule: str
    severity: str
    message: str
    explained: bool
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class OtherRow:
    """A file that is not counted: refused (未通过) or replaced by a newer return (已被替代)."""

    source: str
    unit: str
    status: str
    reason: str
    sender: str
    mail_date: datetime | None
    superseded_by: str


@dataclass(frozen=True)
class Digest:
    unit: UnitRow | None
    other: OtherRow | None
    indicators: tuple[IndicatorLine, ...]
    findings: tuple[FindingLine, ...]
    grades: tuple[str, ...]  # the unit's grade names, best first
    stamp: datetime | None  # latest of file mtime and mail date
    #: the return's 整改措施 (报告内容 措施建议), carried into next year's template by a campaign
    rectification: str = ""
    #: the return's 上年整改落实情况 (自评表), kept with the return in the store
    rectification_done: str = ""


def _to_float(v: object) -> float | None:
    if isinstance(v, bool) or v is None or v == "":
        return None
    if isinstance(v, (int, float, Decimal)):
        return float(v)
    try:
        return float(str(v))
    except ValueError:
        return None


def _to_decimal(v: object) -> Decimal | None:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, bool) or v is None or v == "":
        return None
    if isinstance(v, (int, float)):
        return Decimal(str(v))
    return None


def _scalar_text(v: object) -> str:
    return "" if v is None else str(v)


def _year(ev: Evaluation) -> int | None:
    y = ev.unit.year
    if y is None:
        f = _to_float(ev.scalar("eval_year"))
        return int(f) if f is not None else None
    return int(y)


def indicator_cells(ev: Evaluation) -> tuple[str, str]:
    """Column letters of ``Indicators[完成率/偏差率]`` and ``Indicators[得分]`` in this file."""
    info = ev.tables.get("Indicators")
    rate_col, score_col = "K", "L"
    if info is not None:
        headers = list(info.headers)
        if "完成率/偏差率" in headers:
            rate_col = column_letters(info.first_col + headers.index("完成率/偏差率"))
        if "得分" in headers:
            score_col = column_letters(info.first_col + headers.index("得分"))
    return rate_col, score_col


def _score_value(v: object) -> float | str | None:
    if v is None or v == "":
        return None
    if isinstance(v, (Decimal, int)) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, float):
        return v
    return str(v)


def _unit_row(entry: SummaryEntry, result: Result) -> UnitRow:
    ev = result.evaluation
    level1: list[str] = []
    for ind in ev.indicator_rows:
        if ind.level1 and ind.level1 not in level1:
            level1.append(ind.level1)
    for name in result.subtotals:
        if name not in level1:
            level1.append(name)
    bands = sorted(ev.grades, key=lambda g: (-g.lower, -g.upper))
    order = next((i for i, g in enumerate(bands) if g.name == result.grade), None)
    threshold = _to_float(ev.param("variance_warn_threshold"))
    return UnitRow(
        source=entry.source,
        unit=ev.unit.name or entry.unit_name,
        code=ev.unit.code,
        year=_year(ev),
        framework=_scalar_text(ev.scalar("framework_name")) or ev.framework_id,
        level1=tuple((n, _to_float(result.subtotals.get(n))) for n in level1),
        total=_to_float(result.total),
        grade=result.grade or "",
        grade_order=order,
        variance_rate=_to_float(result.rates.get("variance_rate")),
        variance_threshold=threshold if threshold is not None else DEFAULT_VARIANCE_THRESHOLD,
        execution_rate=_to_float(result.rates.get("execution_rate")),
        budget_initial=_to_decimal(ev.scalar("budget_initial")),
        final_expenditure=_to_decimal(ev.scalar("final_expenditure")),
        errors=result.errors,
        warnings=result.warnings,
        status=entry.status,
    )


def _indicator_lines(entry: SummaryEntry, result: Result, unit: str, lang: str) -> tuple[IndicatorLine, ...]:
    ev = result.evaluation
    rate_col, score_col = indicator_cells(ev)
    sheet = ev.tables["Indicators"].sheet if "Indicators" in ev.tables else C.INDICATORS
    by_cell = {(s.sheet, s.cell): s for s in result.scores}
    lines = []
    for ind in ev.indicator_rows:
        rate = by_cell.get((sheet, f"{rate_col}{ind.row}"))
        score = by_cell.get((sheet, f"{score_col}{ind.row}"))
        lines.append(
            IndicatorLine(
                source=entry.source,
                unit=unit,
                level1=ind.level1,
                level2=ind.level2,
                level3=ind.level3,
                kind=ind.kind,
                weight=ind.weight,
                direction=ind.direction,
                measure=ind.unit,
                target=ind.target,
                actual=ind.actual,
                rate=_score_value(rate.value) if rate else None,
                score=_score_value(score.value) if score else None,
                note=notes_text((score.notes if score else ()) or (rate.notes if rate else ()), lang),
            )
        )
    return tuple(lines)


def digest(entry: SummaryEntry, lang: str = "zh") -> Digest:
    """The summary rows of one entry (see the module docstring); messages in ``lang``."""
    result = entry.result
    if result is None and entry.status not in (REJECTED, SUPERSEDED):
        raise ValueError(f"{entry.source}: a {entry.status} entry needs a Result (use entry_rejected otherwise)")
    stamps = [d for d in (entry.modified, entry.mail_date) if d is not None]
    stamp = max(stamps) if stamps else None
    counted = result is not None and entry.status not in (REJECTED, SUPERSEDED)
    unit_row = _unit_row(entry, result) if counted and result is not None else None
    unit_name = (
        unit_row.unit if unit_row else (result.evaluation.unit.name if result else entry.unit_name)
    )
    findings = entry.findings or (tuple(result.findings) if result is not None else ())
    finding_lines = tuple(
        FindingLine(
            source=f.file or entry.source,
            unit=unit_name,
            sheet=f.sheet,
            cell=f.cell,
            rule=f.rule,
            severity=f.severity,
            message=render(f, lang),
            explained=f.explained,
            code=f.code,
            params=f.params,
        )
        for f in findings
    )
    other = None
    if not counted:
        other = OtherRow(
            source=entry.source,
            unit=unit_name,
            status=entry.status,
            reason=entry.reason,
            sender=entry.sender,
            mail_date=entry.mail_date,
            superseded_by=entry.superseded_by,
        )
    indicators = _indicator_lines(entry, result, unit_name, lang) if counted and result is not None else ()
    grades: tuple[str, ...] = ()
    if result is not None:
        grades = tuple(g.name for g in sorted(result.evaluation.grades, key=lambda g: (-g.lower, -g.upper)))
    rectification = done = ""
    if result is not None:
        rectification = result.evaluation.narrative.measures
        done = str(result.evaluation.scalars.get("prior_rectification_status") or "").strip()
    return Digest(unit_row, other, indicators, finding_lines, grades, stamp, rectification, done)
