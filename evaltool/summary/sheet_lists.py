"""The three long lists: 指标明细, 问题清单 and 未通过 (refused and superseded files).

Why: after "who scored how" come "why" and "what is wrong where". These sheets are plain,
filterable tables — every indicator of every unit, every finding with its file/sheet/cell,
every file that was not counted with the reason — so the evaluator can filter by unit, rule
or severity in Excel. Values from returned workbooks (targets, actuals typed as text, names,
messages) are written as strings or numbers, never as formulas.

Example::

    write_details(wb, st, lines, lang="zh", title="…", subtitle="…")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from xlsxwriter.workbook import Workbook

from evaltool.messages import severity_label
from evaltool.summary.digest import FindingLine, IndicatorLine, OtherRow
from evaltool.summary.labels import label, status_label
from evaltool.summary.sheet_units import excel_text_literal
from evaltool.summary.styles import Styles, setup_print
from evaltool.summary.table import Column, RowSource, write_table

__all__ = ["write_details", "write_findings", "write_others", "HEADER_ROW"]

HEADER_ROW = 3




def _rows(lines: Sequence[Any] | RowSource, row: Callable[[Any], list[object]]
          ) -> list[list[object]] | RowSource:
    """Table rows of ``lines``: a list, or for a :class:`RowSource` of lines a source of rows."""
    if isinstance(lines, RowSource):
        src = lines
        return RowSource(lambda: (row(x) for x in src.rows()))
    return [row(x) for x in lines]


def _start(wb: Workbook, st: Styles, sheet: str, title: str, subtitle: str, width: int):  # type: ignore[no-untyped-def]
    ws = wb.add_worksheet(sheet)
    ws.merge_range(0, 0, 0, width, title, st.title())
    ws.set_row(0, 28)
    ws.write_string(1, 0, subtitle, st.subtitle())
    return ws


def write_details(
    wb: Workbook, st: Styles, lines: Sequence[IndicatorLine] | RowSource, *, lang: str, title: str, subtitle: str
) -> None:
    """Add 指标明细: one row per indicator of every counted unit, in the units' own order."""
    L = lambda code: label(code, lang)  # noqa: E731
    columns = [
        Column(L("col_unit"), "text", max_width=24),
        Column(L("col_l1"), "text", max_width=16),
        Column(L("col_l2"), "text", max_width=20),
        Column(L("col_l3"), "text", max_width=36, wrap=True),
        Column(L("col_kind"), "text", center=True),
        Column(L("col_weight"), "score"),
        Column(L("col_direction"), "text", center=True),
        Column(L("col_measure"), "text", max_width=10),
        Column(L("col_target"), "mixed", max_width=20, wrap=True),
        Column(L("col_actual"), "mixed", max_width=20, wrap=True),
        Column(L("col_rate"), "rate"),
        Column(L("col_score"), "score"),
        Column(L("col_score_note"), "text", max_width=30, wrap=True),
        Column(L("col_file"), "text", max_width=40),
    ]
    def row(x: IndicatorLine) -> list[object]:
        return [x.unit, x.level1, x.level2, x.level3, x.kind, x.weight, x.direction, x.measure,
                x.target, x.actual, x.rate, x.score, x.note, x.source]

    rows = _rows(lines, row)
    ws = _start(wb, st, L("sheet_details"), f"{title} — {L('title_details')}", subtitle, 7)
    write_table(ws, st, name="IndicatorDetails", header_row=HEADER_ROW, columns=columns, rows=rows,
                none_text=L("none"))
    setup_print(ws, header_row=HEADER_ROW, title=title, lang=lang)


def write_findings(
    wb: Workbook, st: Styles, lines: Sequence[FindingLine] | RowSource, *, lang: str, title: str, subtitle: str
) -> None:
    """Add 问题清单: every finding with file, sheet, cell, rule, severity and message."""
    L = lambda code: label(code, lang)  # noqa: E731
    columns = [
        Column(L("col_file"), "text", max_width=36),
        Column(L("col_unit"), "text", max_width=24),
        Column(L("col_sheet"), "text", max_width=14),
        Column(L("col_cell"), "text", center=True),
        Column(L("col_rule"), "text", max_width=14),
        Column(L("col_severity"), "text", center=True),
        Column(L("col_message"), "text", max_width=72, wrap=True),
        Column(L("col_explained"), "text", center=True),
    ]
    def row(f: FindingLine) -> list[object]:
        return [f.source, f.unit, f.sheet, f.cell, f.rule, severity_label(f.severity, lang), f.message,
                L("yes") if f.explained else ""]

    rows = _rows(lines, row)
    ws = _start(wb, st, L("sheet_findings"), f"{title} — {L('title_findings')}", subtitle, 6)
    first, last = write_table(ws, st, name="Findings", header_row=HEADER_ROW, columns=columns, rows=rows,
                              none_text=L("none"))
    for sev, fill, font in (("error", "#FFC7CE", "#9C0006"), ("warning", "#FFEB9C", "#9C5700")):
        literal = excel_text_literal(severity_label(sev, lang))
        ws.conditional_format(first, 5, last, 5, {
            "type": "cell", "criteria": "==", "value": literal, "format": st.conditional(fill, font),
        })
    setup_print(ws, header_row=HEADER_ROW, title=title, lang=lang)


def write_others(
    wb: Workbook, st: Styles, rows_in: Sequence[OtherRow], *, lang: str, title: str, subtitle: str
) -> tuple[str, int, int, int]:
    """Add 未通过 (refused and superseded files); returns (sheet, first, last, status column)."""
    L = lambda code: label(code, lang)  # noqa: E731
    columns = [
        Column(L("col_file"), "text", max_width=40),
        Column(L("col_unit"), "text", max_width=24),
        Column(L("col_status"), "text", center=True),
        Column(L("col_reason"), "text", max_width=72, wrap=True),
        Column(L("col_sender"), "text", max_width=30),
        Column(L("col_mail_date"), "date", center=True),
        Column(L("col_superseded_by"), "text", max_width=40),
    ]
    rows = [
        [o.source, o.unit, status_label(o.status, lang), o.reason, o.sender, o.mail_date, o.superseded_by]
        for o in rows_in
    ]
    sheet = L("sheet_rejected")
    ws = _start(wb, st, sheet, f"{title} — {L('title_rejected')}", subtitle, 5)
    first, last = write_table(ws, st, name="NotAccepted", header_row=HEADER_ROW, columns=columns, rows=rows,
                              none_text=L("none"))
    setup_print(ws, header_row=HEADER_ROW, title=title, lang=lang)
    return sheet, first, last, 2
