"""``write_summary``: the bureau's one workbook across all returns (XlsxWriter).

Why: one file answers who returned what, who scored how and what is wrong where. Entries are
consumed as a stream (any iterable) and reduced at once to small rows
(:func:`~evaltool.summary.digest.digest`); rows are sorted so that the same inputs always give
the same bytes. The only timestamp in the file is the workbook's created date, taken from
``created`` or else from the inputs (latest file mtime / mail date), never from the clock;
with neither it is 2000-01-01.

Safety: the workbook is opened with ``strings_to_formulas=False`` and ``strings_to_urls=False``
and every text goes through ``write_string``: a unit called ``=HYPERLINK(...)`` stays text.
The only formulas are evaltool's own (RANK, COUNTIF, AVERAGE …), each with its cached value.

Example::

    write_summary((entry_from_result(r, p) for r, p in results), "汇总.xlsx", lang="zh")
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from xlsxwriter.workbook import Workbook

from evaltool.io.atomic import atomic_replace, atomic_write_bytes, temp_path_for
from evaltool.messages.times import DEFAULT_TZ, local, shown
from evaltool.store.status import UnitStatus
from evaltool.summary.collect import Collected, collect
from evaltool.summary.digest import Digest
from evaltool.summary.entries import REJECTED, SUPERSEDED, SummaryEntry
from evaltool.summary.labels import label
from evaltool.summary.sheet_lists import write_details, write_findings, write_others
from evaltool.summary.sheet_overview import OthersRef, write_overview
from evaltool.summary.sheet_status import write_status
from evaltool.summary.sheet_units import write_units
from evaltool.summary.styles import Styles

__all__ = ["write_summary", "FALLBACK_CREATED"]

FALLBACK_CREATED = datetime(2000, 1, 1)


@contextlib.contextmanager
def _constant_memory(wb: Workbook) -> Iterator[None]:
    """Sheets added inside are in XlsxWriter's constant-memory mode: each row goes to a temp
    file as soon as the next one starts, so a list of any length costs one row of memory. The
    mode is read per sheet when the sheet is added (``Workbook._add_sheet`` → ``Worksheet.
    _initialize``, XlsxWriter 3.x); the other sheets keep the in-memory mode their writers need
    (they write cells out of row order)."""
    before = wb.constant_memory
    wb.constant_memory = True
    try:
        yield
    finally:
        wb.constant_memory = before


def _naive_utc(d: datetime) -> datetime:
    return d.astimezone(timezone.utc).replace(tzinfo=None) if d.tzinfo is not None else d


def write_summary(
    entries: Iterable[SummaryEntry | Digest] | Collected,
    path: str | os.PathLike[str],
    *,
    lang: str = "zh",
    created: datetime | None = None,
    rank_with_errors: bool = False,
    tz: str | None = None,
    roster: Sequence[UnitStatus] | None = None,
) -> Path:
    """Write the summary workbook to ``path`` atomically; returns the path.

    ``entries`` may also be an already :func:`~evaltool.summary.collect.collect`-ed set of rows.
    ``created`` (the only timestamp in the file) defaults to the latest input mtime/mail date.
    Only clean returns are ranked and counted in the statistics and charts;
    ``rank_with_errors`` adds those with validation errors (:func:`~evaltool.summary.collect.collect`).
    Times are shown in ``tz`` (default Asia/Shanghai, :mod:`evaltool.messages.times`); the file's
    own ``created`` property stays UTC.
    ``roster`` (a campaign's :func:`~evaltool.store.status.campaign_status` rows) adds 报送情况.
    """
    collected = entries if isinstance(entries, Collected) else collect(entries, lang, rank_with_errors=rank_with_errors)
    c, root = collected.relative()
    stamp = _naive_utc(created or c.stamp or FALLBACK_CREATED).replace(microsecond=0)
    out = Path(path)
    # from the store the workbook is assembled on disk (parts in temp files beside the target):
    # in memory, packaging would hold each sheet's whole XML, which grows with the returns
    on_disk = c.streams is not None
    tmp = temp_path_for(out) if on_disk else None
    buf = io.BytesIO()
    wb = Workbook(str(tmp) if tmp is not None else buf, {
        "in_memory": not on_disk,
        "tmpdir": str(out.parent),
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "remove_timezone": True,
    })
    title = label("title", lang)
    wb.set_properties({"title": title, "author": "evaltool", "created": stamp})
    st = Styles(wb)
    n_files = len(c.units) + len(c.others)
    subtitle = label("subtitle", lang, created=shown(stamp, tz), zone=tz or DEFAULT_TZ, n=n_files)
    if root:
        subtitle += label("subtitle_root", lang, root=root)
    overview = wb.add_worksheet(label("sheet_overview", lang))
    layout = write_units(wb, st, c.units, c.level1, c.grade_colours, lang=lang,
                         title=f"{title} — {label('title_units', lang)}", subtitle=subtitle)
    if c.streams is not None:  # from the store: the two long lists stream, in constant memory
        details, findings = c.streams(root)
        with _constant_memory(wb):
            write_details(wb, st, details, lang=lang, title=title, subtitle=subtitle)
            write_findings(wb, st, findings, lang=lang, title=title, subtitle=subtitle)
    else:
        write_details(wb, st, c.indicators, lang=lang, title=title, subtitle=subtitle)
        write_findings(wb, st, c.findings, lang=lang, title=title, subtitle=subtitle)
    others_rows = [replace(o, mail_date=local(o.mail_date, tz).replace(tzinfo=None)) if o.mail_date else o
                   for o in c.others]  # 来信时间 in the bureau's zone
    sheet, first, last, status_col = write_others(wb, st, others_rows, lang=lang, title=title, subtitle=subtitle)
    col = chr(65 + status_col)
    others = OthersRef(
        status_range=f"'{sheet}'!${col}${first + 1}:${col}${last + 1}",
        n_rejected=sum(1 for o in c.others if o.status == REJECTED),
        n_superseded=sum(1 for o in c.others if o.status == SUPERSEDED),
    )
    if roster is not None:
        write_status(wb, st, roster, lang=lang, title=title, subtitle=subtitle)
    write_overview(overview, st, c.units, layout, others, c.grade_colours, lang=lang, title=title,
                   subtitle=subtitle)
    overview.activate()
    try:
        wb.close()
        if tmp is not None:
            atomic_replace(tmp, out)
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()
    if tmp is None:
        atomic_write_bytes(out, buf.getvalue())
    return out
