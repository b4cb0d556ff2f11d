"""The 绩效评价报告 (docx): a department's report from its workbook, the bureau's overview
across returns, and ``lint-report``, which checks a report written by hand against its workbook.

Why: the end product of an evaluation is a report. Written from the cells, its figures cannot
slip (a 万元 figure written as 元, a wrong 差异率); written by hand, it can be checked.

Example::

    from evaltool.report import write_report, write_summary_report
    write_report("sample.xlsx", "报告.docx", pdf=True)
    write_summary_report(["returns/"], "汇总分析报告.docx")
"""

from __future__ import annotations

from evaltool.report.department import write_report
from evaltool.report.render import ReportTemplateError
from evaltool.report.summary import write_summary_report

__all__ = ["write_report", "write_summary_report", "ReportTemplateError"]
