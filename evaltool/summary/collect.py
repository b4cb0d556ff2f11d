"""Gather a stream of digests into the sorted rows every summary view shares.

Why: the workbook writer and the DataFrame API must show the same rows in the same order,
and the same inputs in any order must give the same output (byte-identical workbooks). What
counts in the ranking is decided here once (:func:`counts_in_ranking`): clean returns only,
unless the bureau also ranks returns with validation errors.
:func:`collect` consumes digests (or entries) one at a time, keeps only their small rows and
sorts them: units by total (highest first; ties by name, year, file), indicators by unit,
findings by file, severity, sheet and cell, other files by status and path.

Example::

    c = collect(digest(e) for e in entries)
    c.units[0].total, c.level1, c.grade_colours["优"]
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from evaltool.contract.a1 import parse_part
from evaltool.summary.digest import Digest, FindingLine, IndicatorLine, OtherRow, UnitRow, digest
from evaltool.summary.entries import ERRORS, PASSED, SUPERSEDED, SummaryEntry
from evaltool.summary.labels import SEVERITY_ORDER, STATUSES
from evaltool.summary.table import RowSource

__all__ = ["Collected", "collect", "sort_units", "finding_sort_key", "supersede_duplicates", "counts_in_ranking"]


def _cell_key(cell: str) -> tuple[int, int, str]:
    """Row-major order of a finding's cell (its first cell for a range); text cells first."""
    rc = parse_part((cell or "").split(":")[0])
    if rc is None or 0 in rc:
        return (0, 0, cell or "")
    return (rc[0], rc[1], cell)



def finding_sort_key(f: FindingLine) -> tuple[object, ...]:
    """File, then errors before warnings before info, then sheet, cell (row-major), rule."""
    return (f.source, SEVERITY_ORDER.get(f.severity, 9), f.sheet, _cell_key(f.cell), f.rule, f.message)

def sort_units(units: Sequence[UnitRow]) -> list[UnitRow]:
    """Ranked units first, highest total first; then unranked ones (有错误 unless ranked on
    request, 待确认), then unscored; ties by unit name, year, file (deterministic)."""
    return sorted(
        units,
        key=lambda u: (u.total is None, not u.ranked, -(u.total or 0.0), u.unit, u.year or 0, u.source),
    )


def counts_in_ranking(status: str, rank_with_errors: bool = False) -> bool:
    """Whether a unit row of ``status`` is ranked, averaged and charted: 通过 always, 有错误
    only when the bureau asks (``--rank-with-errors``), 待确认 never (no rule decided which
    return counts). 未通过 and 已被替代 never reach the unit rows."""
    return status == PASSED or (status == ERRORS and rank_with_errors)


class Collected:
    """The small rows of a whole stream of entries, sorted deterministically."""

    def __init__(self, rank_with_errors: bool = False) -> None:
        self.rank_with_errors = rank_with_errors
        self._units: list[tuple[UnitRow, tuple[IndicatorLine, ...]]] = []
        self.others: list[OtherRow] = []
        self._findings: list[FindingLine] = []
        self.grade_colours: dict[str, int] = {}
        self._grade_orders: list[tuple[str, tuple[str, ...]]] = []
        self.stamp: datetime | None = None
        #: set by a store-backed summary: ``streams(root)`` -> (indicator lines, finding lines) as
        #: RowSources read from the store, instead of ``indicators``/``findings`` in memory
        self.streams: Callable[[str], tuple[RowSource, RowSource]] | None = None

    def add(self, d: Digest) -> None:
        if d.unit is not None:
            ranked = counts_in_ranking(d.unit.status, self.rank_with_errors) and d.unit.total is not None
            self._units.append((replace(d.unit, ranked=ranked), d.indicators))
            self._grade_orders.append((d.unit.source, d.grades))
        if d.other is not None:
            self.others.append(d.other)
        self._findings.extend(d.findings)
        if d.stamp is not None and (self.stamp is None or d.stamp > self.stamp):
            self.stamp = d.stamp

    def finish(self) -> None:
        self._units.sort(key=lambda x: (x[0].unit, x[0].year or 0, x[0].source))
        self.units = sort_units([u for u, _ in self._units])
        lines_of = {u.source: lines for u, lines in self._units}
        self.indicators = [line for u in self.units for line in lines_of[u.source]]  # in rank order
        self.findings = sorted(self._findings, key=finding_sort_key)
        self.others.sort(key=lambda o: (STATUSES.index(o.status) if o.status in STATUSES else 9, o.source))
        self.level1: list[str] = []
        for u, _ in self._units:
            for name, _v in u.level1:
                if name not in self.level1:
                    self.level1.append(name)
        for _src, names in sorted(self._grade_orders):
            for i, g in enumerate(names):
                pos = 0 if i == 0 else 3 if i == len(names) - 1 else min(i, 2)
                self.grade_colours.setdefault(g, pos)


    def relative(self) -> tuple[Collected, str]:
        """A copy whose file paths are relative to their common folder, and that folder.

        The summary shows ``东城区.xlsx`` (or ``late/东城区.xlsx``) under a subtitle naming the
        folder once, instead of repeating a long path on every row.
        """
        sources = [u.source for u in self.units] + [o.source for o in self.others]
        try:
            root = os.path.commonpath([os.path.dirname(p) for p in sources]) if sources else ""
        except ValueError:  # mixed absolute and relative paths, or different drives
            return self, ""
        if not root:
            return self, ""

        def rel(p: str) -> str:
            return os.path.relpath(p, root) if p else p

        out = copy.copy(self)
        out.units = [replace(u, source=rel(u.source)) for u in self.units]
        out.indicators = [replace(x, source=rel(x.source)) for x in self.indicators]
        out.findings = [replace(f, source=rel(f.source)) for f in self.findings]
        out.others = [replace(o, source=rel(o.source), superseded_by=rel(o.superseded_by)) for o in self.others]
        return out, root


def collect(items: Iterable[SummaryEntry | Digest], lang: str = "zh", *, rank_with_errors: bool = False) -> Collected:
    """Digest a stream of entries (or ready digests, e.g. from worker processes).

    Only clean returns (通过) are ranked, averaged and charted; ``rank_with_errors`` adds
    returns with ordinary validation errors (有错误). Returns that fail identity, integrity or
    plausibility checks are 未通过 and never reach the unit rows.
    """
    c = Collected(rank_with_errors)
    for item in items:
        c.add(item if isinstance(item, Digest) else digest(item, lang))
    c.finish()
    return c


def _unit_key(d: Digest) -> tuple[str, int | None, str] | None:
    u = d.unit
    if u is None:
        return None
    who = u.code.strip() or u.unit.strip()
    return (who, u.year, u.framework) if who else None


def supersede_duplicates(digests: Iterable[Digest]) -> list[Digest]:
    """Mark older returns of the same unit, year and framework as 已被替代.

    Units are matched by 单位编码 (or 单位名称 when the code is blank). The newest return wins
    (latest file time / mail date, then the later path); the others keep their findings out
    of 问题清单 and appear in 未通过 as superseded by the winner.
    """
    items = list(digests)
    groups: dict[tuple[str, int | None, str], list[int]] = {}
    for i, d in enumerate(items):
        key = _unit_key(d)
        if key is not None:
            groups.setdefault(key, []).append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        order = sorted(members, key=lambda i: (items[i].stamp or datetime.min, items[i].unit.source))  # type: ignore[union-attr]
        winner = items[order[-1]].unit
        assert winner is not None
        for i in order[:-1]:
            u = items[i].unit
            assert u is not None
            other = OtherRow(u.source, u.unit, SUPERSEDED, "", "", None, winner.source)
            items[i] = Digest(None, other, (), (), items[i].grades, items[i].stamp)
    return items
