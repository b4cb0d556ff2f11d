"""Which return counts when a unit sent several: the newest one; the others are superseded.

Why: departments resend corrected workbooks, often several times, and the bureau must score
each unit once per year and framework. Returns are grouped by unit (``unit_code``, else the
unit name), year and framework; in each group the newest wins, decided by the first of these
rules that tells two returns apart:

1. ``mail_date`` — the mail's ``Date`` header (a loose file, without one, is older than any
   mailed return);
2. ``fill_date`` — 填报日期 on the cover (a filler who corrects a return updates it);
3. ``modified`` — the workbook's own save time (``docProps/core.xml`` ``dcterms:modified``,
   written by Excel, WPS and LibreOffice on every save; read by
   :meth:`evaltool.io.filebook.FileBook.modified`).

File names and file-system times are never used: "save all attachments" gives every file the
same time, and ``民政局.xlsx`` sorts after ``民政局(更正版).xlsx``. When two *different* returns
(different content) still tie on all three, no rule can pick one: both are **pending**
(待确认) and neither counts until the bureau asks the unit. Each supersession names the rule
that decided it, so the summary can say why.

Example::

    d = decide([Candidate(0, ("A001", 2023, "dept-overall"), d1, None, m1, "aa…"),
                Candidate(1, ("A001", 2023, "dept-overall"), d2, None, m2, "bb…")])
    d.superseded      # {0: (1, 'mail_date')}: return 0 is superseded by 1, decided by the mail date
    d.pending         # {}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

__all__ = ["Candidate", "Decisions", "unit_key", "decide", "RULES"]

UnitKey = tuple[str, int | None, str]
_OLDEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
#: The rules in the order they are tried (names as stored in collect.json); "same" when
#: identical content was sent twice with the same dates.
RULES = ("mail_date", "fill_date", "modified")


@dataclass(frozen=True)
class Candidate:
    seq: int
    unit: UnitKey | None  # None: no unit named, never grouped
    mail_date: datetime | None
    fill_date: datetime | None
    modified: datetime | None
    sha256: str


@dataclass(frozen=True)
class Decisions:
    """``superseded``: seq → (winning seq, rule that decided); ``pending``: seq → the other
    seqs it ties with (待确认)."""

    superseded: dict[int, tuple[int, str]] = field(default_factory=dict)
    pending: dict[int, tuple[int, ...]] = field(default_factory=dict)


def unit_key(code: str, name: str, year: int | None, framework: str) -> UnitKey | None:
    """``(unit code or name, year, framework)``; None when the return names no unit."""
    who = " ".join((code or "").split()) or " ".join((name or "").split())
    return (who, year, framework) if who else None


def _utc(d: datetime | None) -> datetime:
    if d is None:
        return _OLDEST
    return d.astimezone(timezone.utc) if d.tzinfo else d.replace(tzinfo=timezone.utc)


def _order(c: Candidate) -> tuple[datetime, datetime, datetime]:
    return (_utc(c.mail_date), _utc(c.fill_date), _utc(c.modified))


def _rule(older: Candidate, newer: Candidate) -> str:
    """The first rule that tells ``older`` from ``newer``."""
    for name, a, b in zip(RULES, _order(older), _order(newer), strict=True):
        if a != b:
            return name
    return "same"  # the same content sent twice: the later input stands


def decide(candidates: Iterable[Candidate]) -> Decisions:
    """Supersessions and ties over all groups with more than one return."""
    groups: dict[UnitKey, list[Candidate]] = {}
    for c in candidates:
        if c.unit is not None:
            groups.setdefault(c.unit, []).append(c)
    out = Decisions()
    for members in groups.values():
        if len(members) < 2:
            continue
        ranked = sorted(members, key=lambda c: (_order(c), c.seq))
        top = _order(ranked[-1])
        newest = [c for c in ranked if _order(c) == top]
        distinct = {c.sha256 for c in newest}
        winner = newest[-1]
        if len(distinct) > 1:  # different returns that no rule orders: the bureau must ask
            for c in newest:
                out.pending[c.seq] = tuple(o.seq for o in newest if o.seq != c.seq)
            winner = newest[0]
        else:
            for c in newest[:-1]:  # the same content twice: the later input stands
                out.superseded[c.seq] = (winner.seq, _rule(c, winner))
        for c in ranked:
            if _order(c) != top:
                out.superseded[c.seq] = (winner.seq, _rule(c, winner))
    return out
