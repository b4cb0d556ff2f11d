"""``evaltool lint-report 报告.docx --workbook x.xlsx``: check a written report against its workbook.

Why: a report written by hand from the workbook's numbers slips (a 万元 amount written as 元,
a 差异率 that is not the cells', a skipped section 三, the city's bureau named in a district's
report). Reads .docx, .doc (through LibreOffice) and a .pdf's text layer. Output like
``check``: a table, or JSON.

Exit codes: 0 no error-level finding; 1 at least one (or the report / workbook cannot be
read); 2 usage errors.

Example::

    evaltool lint-report 报告.docx --workbook sample.xlsx
    evaltool lint-report 报告.pdf --workbook sample.xlsx --format json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from evaltool.cli import LangOption, app, lang_of
from evaltool.cli.check import STYLE, Format
from evaltool.messages import severity_label, text

MSG = {
    "missing": ("路径不存在：{path}", "path does not exist: {path}"),
    "unreadable": ("无法读取：{error}", "cannot read: {error}"),
    "title": ("报告检查：{name}", "Report check: {name}"),
    "clean": ("{name}：未发现问题", "{name}: no problems found"),
    "counts": ("错误 {errors} 项，警告 {warnings} 项", "{errors} errors, {warnings} warnings"),
    "severity": ("级别", "Severity"), "code": ("规则", "Rule"), "where": ("位置", "Where"),
    "message": ("问题", "Problem"), "sentence": ("原文", "Sentence"),
    "para": ("第{n}段", "para {n}"),
}


@app.command("lint-report")
def lint_report_cmd(
    report: Annotated[Path, typer.Argument(help="报告 .docx / .doc / .pdf")],
    workbook: Annotated[Path, typer.Option("--workbook", help="对应的评价工作簿 / the workbook it reports")],
    fmt: Annotated[Format, typer.Option("--format", help="text | json")] = Format.text,
    lang: LangOption = None,
) -> None:
    """检查报告中的数字、编号和单位名称 / Check a report's figures, numbering and naming."""
    lang = lang_of(lang)
    from evaltool.io.lo import LibreOfficeError
    from evaltool.model import TemplateError
    from evaltool.report.lint import lint_report
    from evaltool.report.render import error_text

    err = Console(stderr=True)
    for p in (report, workbook):
        if not p.exists():
            err.print(text(MSG, "missing", lang, path=p))
            raise typer.Exit(2)
    try:
        findings = lint_report(report, workbook)
    except (TemplateError, LibreOfficeError, ValueError, OSError, KeyError) as exc:
        err.print(text(MSG, "unreadable", lang, error=error_text(exc, lang)))
        raise typer.Exit(1) from None
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    if fmt is Format.json:
        typer.echo(json.dumps({"report": str(report), "workbook": str(workbook), "errors": errors,
                               "warnings": warnings, "findings": [f.as_dict() for f in findings]},
                              ensure_ascii=False, indent=2))
    else:
        console = Console()
        if findings:
            t = Table(title=text(MSG, "title", lang, name=report), expand=True, show_lines=True)
            t.add_column(text(MSG, "severity", lang), no_wrap=True)
            t.add_column(text(MSG, "code", lang), no_wrap=True)
            t.add_column(text(MSG, "where", lang), no_wrap=True)
            t.add_column(text(MSG, "message", lang), ratio=1, overflow="fold")
            t.add_column(text(MSG, "sentence", lang), ratio=1, overflow="fold")
            for f in findings:
                t.add_row(f"[{STYLE[f.severity]}]{severity_label(f.severity, lang)}[/]", f.code,
                          text(MSG, "para", lang, n=f.paragraph), f.message, f.sentence)
            console.print(t)
        else:
            console.print(text(MSG, "clean", lang, name=report))
        console.print(text(MSG, "counts", lang, errors=errors, warnings=warnings))
    raise typer.Exit(1 if errors else 0)
