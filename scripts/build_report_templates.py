"""Rebuild the Word templates shipped in evaltool/report/templates/ (report.docx, summary.docx).

Example::

    python scripts/build_report_templates.py
"""

from __future__ import annotations

from evaltool.report.builder import build_report_template, build_summary_template

if __name__ == "__main__":
    print(build_report_template())
    print(build_summary_template())
