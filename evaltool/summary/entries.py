"""What the summary is built from: one :class:`SummaryEntry` per returned file.

Why: the summary must not care where an outcome came from — ``evaltool summary`` reading
files, or the intake (``evaltool collect``) unpacking mail. Each producer makes entries with
the builders below and feeds them, one at a time, to :func:`evaltool.summary.write_summary`.
An entry may hold a full :class:`~evaltool.model.Result`; the writer reduces it at once to
small rows (:mod:`evaltool.summary.digest`), so a long stream of entries never keeps the
workbooks' grids in memory.

Example::

    entry = entry_from_result(engine.evaluate(ev), "returns/西城区.xlsx")
    entry.status                               # '通过' or '有错误'
    bad = entry_rejected("returns/x.xlsx", "不是评价模板工作簿")
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Literal

from evaltool.messages import render, text
from evaltool.model import Finding, Result, disqualifying

__all__ = [
    "Status",
    "PASSED",
    "ERRORS",
    "REJECTED",
    "SUPERSEDED",
    "PENDING",
    "SummaryEntry",
    "disqualified_reason",
    "entry_from_result",
    "entry_rejected",
    "entry_superseded",
    "file_mtime",
]

Status = Literal["通过", "有错误", "未通过", "已被替代", "待确认"]
PASSED: Status = "通过"
ERRORS: Status = "有错误"
REJECTED: Status = "未通过"
SUPERSEDED: Status = "已被替代"
PENDING: Status = "待确认"  # two different returns of one unit and year that no rule orders
MSG = {
    "disqualified": ("未计入排名与统计：{what}", "Not counted in the ranking or statistics: {what}"),
    "more": ("等 {n} 项", " and {n} more"),
}


@dataclass(frozen=True)
class SummaryEntry:
    """The outcome for one returned file.

    ``status``: 通过 (read and scored, no unexplained error), 有错误 (scored, with errors),
    未通过 (could not be read or was rejected: see ``reason``), 已被替代 (an older return
    replaced by ``superseded_by``). ``findings`` defaults to the result's findings.
    ``modified`` (file mtime) and ``mail_date`` feed the summary's deterministic timestamp.
    """

    source: str
    status: Status
    result: Result | None = None
    reason: str = ""
    findings: tuple[Finding, ...] = ()
    sender: str = ""
    mail_date: datetime | None = None
    superseded_by: str = ""
    modified: datetime | None = None
    unit_name: str = ""  # known unit of a rejected file, when the intake could tell


def file_mtime(path: str | os.PathLike[str]) -> datetime | None:
    """The file's modification time as naive UTC (seconds), or None if it cannot be read."""
    try:
        ts = os.stat(path).st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(int(ts), tz=timezone.utc).replace(tzinfo=None)


def disqualified_reason(findings: Iterable[Finding], lang: str = "zh", *, limit: int = 3) -> str:
    """Why a return may not count anywhere (identity, integrity or plausibility errors:
    :func:`evaltool.model.disqualifying`), naming what was changed; "" when it may count."""
    bad = disqualifying(findings)
    if not bad:
        return ""
    what = ("；" if lang != "en" else "; ").join(render(f, lang) for f in bad[:limit])
    if len(bad) > limit:
        what += text(MSG, "more", lang, n=len(bad) - limit)
    return text(MSG, "disqualified", lang, what=what)


def entry_from_result(
    result: Result,
    path: str | os.PathLike[str],
    *,
    sender: str = "",
    mail_date: datetime | None = None,
    lang: str = "zh",
) -> SummaryEntry:
    """An entry for a workbook the engine scored: 有错误 when it has unexplained errors,
    未通过 (with the reason) when it fails identity, integrity or plausibility checks."""
    status: Status = ERRORS if result.errors > 0 else PASSED
    reason = disqualified_reason(result.findings, lang)
    findings = tuple(result.findings)
    if reason:  # listed with why only: its other findings quote figures that mean nothing
        status, findings = REJECTED, disqualifying(findings)
    return SummaryEntry(
        source=str(path),
        status=status,
        reason=reason,
        result=result,
        findings=findings,
        sender=sender,
        mail_date=mail_date,
        modified=file_mtime(path),
        unit_name=result.evaluation.unit.name,
    )


def entry_rejected(
    path: str | os.PathLike[str],
    reason: str,
    *,
    findings: tuple[Finding, ...] = (),
    sender: str = "",
    mail_date: datetime | None = None,
    unit_name: str = "",
) -> SummaryEntry:
    """An entry for a file that could not be read or was refused, with the reason text."""
    return SummaryEntry(
        source=str(path),
        status=REJECTED,
        reason=reason,
        findings=findings,
        sender=sender,
        mail_date=mail_date,
        modified=file_mtime(path),
        unit_name=unit_name,
    )


def entry_superseded(entry: SummaryEntry, by: str | os.PathLike[str]) -> SummaryEntry:
    """``entry`` marked as replaced by the newer return ``by`` (its scores are not counted)."""
    return replace(entry, status=SUPERSEDED, superseded_by=str(by))
