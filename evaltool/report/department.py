"""``evaltool report WORKBOOK -o 报告.docx``: one department's 绩效评价报告 from its workbook.

Why: accountants write the report by hand in Word from the same numbers, and the slips show
(涉及金额604.91元 meant 万元, 市妇联 in a district report, a skipped section 三). Written from
the scored workbook, every figure is the cell's; the prose comes from the 报告内容 sheet and
open findings are listed under 存在的问题 as a draft for the author.

Example::

    docx, pdf = write_report("sample.xlsx", "报告.docx", pdf=True)
    write_report("sample.xlsx", "报告.docx", template="我局模板.docx")
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from evaltool.model import Result
from evaltool.report.builder import REPORT_TEMPLATE
from evaltool.report.chart import score_chart
from evaltool.report.context import report_context
from evaltool.report.render import render_docx, to_pdf


def result_of(workbook: str | Path) -> Result:
    """Read, check and score ``workbook`` through the one per-file pipeline
    (:func:`evaltool.engine.evaluate_file`); raises its TemplateError when it is not a template."""
    from evaltool.engine import evaluate_file

    outcome = evaluate_file(workbook)
    if outcome.result is None:
        assert outcome.error is not None
        raise outcome.error
    return outcome.result


def chart_rows(ctx: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(一级, 分值, 得分) for the chart, from the score table's 小计 rows."""
    return [(r["level1"], float(r["weight"] or 0), float(r["score"] or 0))
            for r in ctx["score_rows"] if r["level2"] == "小计"]


def write_report(workbook: str | Path, out: str | Path, *, template: str | Path | None = None,
                 pdf: bool = False, today: dt.date | None = None) -> tuple[Path, Path | None]:
    """Write the report of ``workbook`` to ``out`` (.docx); with ``pdf`` also ``out`` as .pdf."""
    from docx.shared import Mm
    from docxtpl import InlineImage  # type: ignore[import-untyped]

    out = Path(out)
    result = result_of(workbook)
    ctx = report_context(result, today=today)
    with tempfile.TemporaryDirectory() as tmp:
        rows = chart_rows(ctx)
        png = score_chart(rows, Path(tmp) / "chart.png") if rows else None
        ctx["chart"] = None

        def images(tpl: Any) -> dict[str, Any]:
            return {"chart": InlineImage(tpl, str(png), width=Mm(150)) if png else None}

        render_docx(Path(template) if template else REPORT_TEMPLATE, ctx, out, images)
    return out, (to_pdf(out) if pdf else None)
