"""Where each table of a template will be, before it is written (``TableInfo`` per table).

Why: live check formulas (``evaltool.rules.live.template_checks``) translate structured
references to A1 ranges and need every table's sheet, header row and size while the
workbook is still being written. The writer and this layout agree (a test reads the written
tables back and compares).

Example::

    table_layout(ctx)["Indicators"].ref     # 'A4:N48'
"""

from __future__ import annotations

from evaltool import contract as C
from evaltool.contract.a1 import column_letters
from evaltool.model import TableInfo
from evaltool.template.context import Ctx
from evaltool.template.rulesheets import params_header_row
from evaltool.template.summary import summary_rows


def _info(name: str, header_row: int, n_rows: int) -> TableInfo:
    headers = C.TABLE_HEADERS[name]
    ref = f"A{header_row}:{column_letters(len(headers))}{header_row + n_rows}"
    return TableInfo(name=name, sheet=C.TABLE_SHEETS[name], ref=ref, headers=headers, header_row=header_row,
                     first_col=1, n_rows=n_rows)


def table_layout(ctx: Ctx) -> dict[str, TableInfo]:
    """Every table except ``Checks`` (whose size depends on the checks themselves)."""
    hr = C.TABLE_HEADER_ROWS
    n_extra = len(ctx.values.get("extra_indicators", []) or [])
    n_projects = len(ctx.values.get("projects", []) or [])
    return {
        "Budget": _info("Budget", hr["Budget"], len(C.BUDGET_LINES)),
        "Indicators": _info("Indicators", hr["Indicators"],
                            len(ctx.indicators) + max(C.SPARE_INDICATOR_ROWS, n_extra)),
        "Projects": _info("Projects", hr["Projects"], max(C.PROJECT_ROWS, n_projects)),
        "Rules": _info("Rules", hr["Rules"], max(1, len(ctx.rules))),
        "Methods": _info("Methods", hr["Methods"], max(1, len(ctx.methods))),
        "Params": _info("Params", params_header_row(len(ctx.methods)), max(1, len(ctx.params))),
        "Grades": _info("Grades", hr["Grades"], max(1, len(ctx.grades))),
        "ScoreSummary": _info("ScoreSummary", hr["ScoreSummary"], len(summary_rows(ctx))),
    }
