"""报送情况: one row per roster unit — returned or not, passed, with errors, refused (催报名单).

Why: in a campaign, the first thing the bureau prints is who has not answered and who must
correct. Units come in roster order, then returns from units not on the roster; a unit not yet
returned shows what ``campaign issue`` warned about it (in the summary's language). Written only
when the campaign has a roster (``collect --campaign``).

Example::

    write_status(wb, st, rows, lang="zh", title="…", subtitle="…")
"""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.workbook import Workbook

from evaltool.messages.stored import stored_message
from evaltool.store.status import ERRORS, NOT_RETURNED, REFUSED, UnitStatus
from evaltool.summary.labels import label
from evaltool.summary.sheet_units import excel_text_literal
from evaltool.summary.styles import Styles, setup_print
from evaltool.summary.table import Column, write_table

__all__ = ["write_status", "LABELS"]

HEADER_ROW = 3
LABELS = {
    "sheet": ("报送情况", "Returns status"),
    "title": ("报送情况（催报名单）", "Who has returned"),
    "code": ("单位代码", "Code"),
    "department": ("主管部门", "Department"),
    "contact": ("联系人", "Contact"),
    "email": ("电子邮箱", "E-mail"),
    "state": ("状态", "State"),
    "errors": ("错误", "Errors"),
    "warnings": ("警告", "Warnings"),
    "received": ("报送时间", "Received"),
    "roster": ("名单外", "Not on roster"),
    "yes": ("是", "yes"),
    "issue_warnings": ("下发警告（未报送）", "Warned at issue (not returned)"),
}


def _l(code: str, lang: str) -> str:
    zh, en = LABELS[code]
    return en if lang == "en" else zh


def write_status(wb: Workbook, st: Styles, rows_in: Sequence[UnitStatus], *, lang: str, title: str,
                 subtitle: str) -> None:
    """Add the 报送情况 sheet."""
    L = lambda code: label(code, lang)  # noqa: E731
    columns = [
        Column(_l("code", lang), "text", max_width=14),
        Column(L("col_unit"), "text", max_width=24),
        Column(_l("department", lang), "text", max_width=20),
        Column(_l("state", lang), "text", center=True),
        Column(L("col_total"), "score"),
        Column(_l("errors", lang), "int"),
        Column(_l("warnings", lang), "int"),
        Column(_l("received", lang), "date", center=True),
        Column(_l("contact", lang), "text", max_width=12),
        Column(_l("email", lang), "text", max_width=28),
        Column(L("col_file"), "text", max_width=40),
        Column(_l("roster", lang), "text", center=True),
        Column(_l("issue_warnings", lang), "text", max_width=60, min_width=30, wrap=True),
    ]
    rows = [[r.code, r.name, r.department, r.state_label(lang), r.total, r.errors if r.label else None,
             r.warnings if r.label else None, r.received, r.contact, r.email, r.label,
             "" if r.on_roster else _l("yes", lang),
             "\n".join(stored_message(w.code, w.params, w.message, lang) for w in r.issue_warnings)]
            for r in rows_in]
    ws = wb.add_worksheet(_l("sheet", lang))
    ws.merge_range(0, 0, 0, 8, f"{title} — {_l('title', lang)}", st.title())
    ws.set_row(0, 28)
    ws.write_string(1, 0, subtitle, st.subtitle())
    first, last = write_table(ws, st, name="ReturnsStatus", header_row=HEADER_ROW, columns=columns, rows=rows,
                              none_text=L("none"))
    for state, fill, font in ((NOT_RETURNED, "#FFC7CE", "#9C0006"), (REFUSED, "#FFC7CE", "#9C0006"),
                              (ERRORS, "#FFEB9C", "#9C5700")):
        literal = excel_text_literal(UnitStatus("", "", "", "", "", state).state_label(lang))
        ws.conditional_format(first, 3, last, 3, {"type": "cell", "criteria": "==", "value": literal,
                                                  "format": st.conditional(fill, font)})
    setup_print(ws, header_row=HEADER_ROW, title=title, lang=lang)

