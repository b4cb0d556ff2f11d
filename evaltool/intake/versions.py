"""Which return counts when a unit sent several: the latest one; the others are superseded.

Why: departments resend corrected workbooks, often several times, and the bureau must score
each unit once per year and framework. Returns are grouped by unit (``unit_code``, else the
unit name), year and framework; in each group the latest wins: by mail ``Date``, then the
workbook's own save time (``docProps/core.xml`` ``dcterms:modified``, written by Excel, WPS
and LibreOffice on every save; read by :meth:`evaltool.io.filebook.FileBook.modified`), then file name, then the inbox label — a total order, so the
same inbox always gives the same answer. A return without a mail date (a loose file) counts
as older than any mailed one of the same unit.

Example::

    winners = supersede([Candidate(0, ("A001", 2023, "dept-overall"), d1, m1, "a.xlsx", "1.eml/a.xlsx"),
                         Candidate(1, ("A001", 2023, "dept-overall"), d2, m2, "a.xlsx", "2.eml/a.xlsx")])
    winners            # {0: 1}: return 0 is superseded by return 1
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

__all__ = ["Candidate", "unit_key", "supersede"]

UnitKey = tuple[str, int | None, str]
_OLDEST = datetime(1900, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Candidate:
    seq: int
    unit: UnitKey | None  # None: no unit named, never grouped
    mail_date: datetime | None
    modified: datetime | None
    filename: str
    label: str


def unit_key(code: str, name: str, year: int | None, framework: str) -> UnitKey | None:
    """``(unit code or name, year, framework)``; None when the return names no unit."""
    who = " ".join((code or "").split()) or " ".join((name or "").split())
    return (who, year, framework) if who else None


def _utc(d: datetime | None) -> datetime:
    if d is None:
        return _OLDEST
    return d.astimezone(timezone.utc) if d.tzinfo else d.replace(tzinfo=timezone.utc)


def _order(c: Candidate) -> tuple[datetime, datetime, str, str]:
    return (_utc(c.mail_date), _utc(c.modified), c.filename, c.label)


def supersede(candidates: Iterable[Candidate]) -> dict[int, int]:
    """``{superseded seq: winning seq}`` over all groups with more than one return."""
    groups: dict[UnitKey, list[Candidate]] = {}
    for c in candidates:
        if c.unit is not None:
            groups.setdefault(c.unit, []).append(c)
    out: dict[int, int] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        ranked = sorted(members, key=_order)
        winner = ranked[-1]
        for c in ranked[:-1]:
            out[c.seq] = winner.seq
    return out
