"""``evaltool report``: the 绩效评价报告 (.docx, optionally .pdf) from a workbook, or the bureau's
汇总分析报告 across returns.

Why: the end product of an evaluation is a report; written from the cells its figures cannot
slip. ``--template`` takes the bureau's own Word template (Jinja tags, see
docs/report.md); a broken tag is reported by name and nothing is written.

Exit codes: 0 written; 1 the workbook or template cannot be used, or LibreOffice failed for
``--pdf``; 2 usage errors.

Example::

    evaltool report sample.xlsx -o 报告.docx --pdf
    evaltool report sample.xlsx -o 报告.docx --template 我局模板.docx
    evaltool report --summary returns/ -o 汇总分析报告.docx
    evaltool report --summary 汇总.xlsx -o 汇总分析报告.docx
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evaltool.cli import LangOption, app, lang_of
from evaltool.messages import text

MSG = {
    "usage": ("请给出一个工作簿，或用 --summary 给出汇总表/回收文件夹", "give a workbook, or --summary with a summary/folder"),
    "missing": ("路径不存在：{path}", "path does not exist: {path}"),
    "done": ("已写入 {path}", "Wrote {path}"),
    "failed": ("无法生成报告：{error}", "cannot write the report: {error}"),
}


@app.command()
def report(
    workbook: Annotated[Path | None, typer.Argument(help="评价工作簿 / the workbook")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="输出 .docx / output .docx")] = Path("报告.docx"),
    pdf: Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 转为 PDF / also write a PDF")] = False,
    template: Annotated[Path | None, typer.Option(
        "--template", help="财政部门自己的 Word 模板 / the bureau's own Word template")] = None,
    summary: Annotated[list[Path] | None, typer.Option(
        "--summary", help="汇总.xlsx 或回收文件夹：生成汇总分析报告 / 汇总.xlsx or a returns folder")] = None,
    lang: LangOption = None,
) -> None:
    """生成绩效评价报告（Word，可选 PDF）/ Write the evaluation report (Word, optionally PDF)."""
    lang = lang_of(lang)
    from evaltool.io.lo import LibreOfficeError
    from evaltool.model import TemplateError
    from evaltool.report import ReportTemplateError, write_report, write_summary_report
    from evaltool.report.render import error_text

    err = Console(stderr=True)
    sources = list(summary or []) or ([workbook] if workbook else [])
    if not sources or (summary and workbook):
        err.print(text(MSG, "usage", lang))
        raise typer.Exit(2)
    for p in sources + ([template] if template else []):
        if not p.exists():
            err.print(text(MSG, "missing", lang, path=p))
            raise typer.Exit(2)
    try:
        if summary:
            docx, made_pdf = write_summary_report(sources, output, template=template, pdf=pdf)
        else:
            docx, made_pdf = write_report(sources[0], output, template=template, pdf=pdf)
    except (ReportTemplateError, TemplateError, LibreOfficeError, ValueError, OSError) as exc:
        err.print(text(MSG, "failed", lang, error=error_text(exc, lang)))
        raise typer.Exit(1) from None
    out = Console()
    out.print(text(MSG, "done", lang, path=docx))
    if made_pdf:
        out.print(text(MSG, "done", lang, path=made_pdf))
