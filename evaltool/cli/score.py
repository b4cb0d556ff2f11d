"""``evaltool score PATH``: validate and score a returned workbook, write results back.

Why: the everyday command of a finance officer. By default the input is never touched: the
scored copy goes to ``-o OUT`` or ``<name>.scored.xlsx`` beside the input. ``--in-place``
replaces the file atomically and keeps a timestamped backup beside it, and is refused while
the workbook is open in Excel/WPS/LibreOffice. A table of scores per 一级指标, the total and
the grade is printed, or (``--format json``) the same report ``evaltool check --format json``
gives for the file plus where it was written. The file is read once
(:func:`evaltool.engine.evaluate_file`) and written back from those bytes.

Exit codes: 0 scored and written; 1 the workbook could not be scored or written (the message
names the file); 2 usage errors (typer's own).

Example::

    evaltool score 西城妇联.xlsx -o 西城妇联.scored.xlsx
    evaltool score 西城妇联.xlsx --in-place --lang en
    evaltool score 西城妇联.xlsx -o out.xlsx --format json   # findings as ``evaltool check --format json``
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from evaltool.cli import app
from evaltool.cli.check import Format
from evaltool.messages import error_text, text
from evaltool.model import EvaltoolError, Result

MSG = {
    "title": ("评分结果：{name}", "Scores: {name}"),
    "level1": ("一级指标", "Level-1 indicator"),
    "score": ("得分", "Score"),
    "weight": ("分值", "Weight"),
    "total": ("总分", "Total"),
    "grade": ("评价等级", "Grade"),
    "findings": ("错误 {errors} 项，警告 {warnings} 项", "{errors} errors, {warnings} warnings"),
    "written": ("已写入 {path}", "written to {path}"),
    "backup": ("原文件已备份为 {path}", "original backed up as {path}"),
    "missing": ("{path}：文件不存在", "{path}: file not found"),
    "unreadable": ("{path}：无法评分：{error}", "{path}: cannot be scored: {error}"),
    "write_failed": ("{path}：写回失败：{error}", "{path}: write-back failed: {error}"),
    "both": ("-o 与 --in-place 不能同时使用", "-o and --in-place cannot be combined"),
}


def default_output(path: Path) -> Path:
    """``a.xlsx`` → ``a.scored.xlsx`` beside it (``.xlsm`` stays ``.xlsm``)."""
    return path.with_name(f"{path.stem}.scored{path.suffix or '.xlsx'}")


def _table(result: Result, lang: str) -> Table:
    weights: dict[str, float] = {}
    for ind in result.evaluation.indicator_rows:
        if ind.level1 and isinstance(ind.weight, (int, float, Decimal)):
            weights[ind.level1] = weights.get(ind.level1, 0.0) + float(ind.weight)
    t = Table()
    t.add_column(text(MSG, "level1", lang))
    t.add_column(text(MSG, "weight", lang), justify="right")
    t.add_column(text(MSG, "score", lang), justify="right")
    for level1, value in result.subtotals.items():
        t.add_row(level1, f"{weights.get(level1, 0.0):g}", f"{value:.2f}")
    total = "" if result.total is None else f"{result.total:.2f}"
    t.add_row(f"[bold]{text(MSG, 'total', lang)}[/bold]", f"{sum(weights.values()):g}",
              f"[bold]{total}[/bold]")
    t.add_row(text(MSG, "grade", lang), "", result.grade or "")
    return t


@app.command()
def score(
    path: Annotated[Path, typer.Argument(help="已填报的评价工作簿 / the filled workbook")],
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="输出文件（默认 <名称>.scored.xlsx）/ output file")] = None,
    in_place: Annotated[bool, typer.Option(
        "--in-place", help="原地写回并保留带时间戳的备份 / write back in place, keep a backup")] = False,
    fmt: Annotated[Format, typer.Option("--format", help="text | json")] = Format.text,
    lang: Annotated[str, typer.Option("--lang", help="zh | en")] = "zh",
) -> None:
    """校验并评分，把结果以活公式写回工作簿 / Validate, score and write results back."""
    from evaltool.cli.check import report
    from evaltool.engine import evaluate_file
    from evaltool.io.atomic import is_locked
    from evaltool.io.writeback import WorkbookLocked, write_in_place, write_result

    console = Console()
    err = Console(stderr=True)
    if output is not None and in_place:
        err.print(text(MSG, "both", lang))
        raise typer.Exit(2)
    if not path.is_file():
        err.print(text(MSG, "missing", lang, path=path))
        raise typer.Exit(1)
    outcome = evaluate_file(path)  # the same pipeline as check, summary, collect
    result = outcome.result
    if result is None:  # not a readable template (an unexpected error goes to the CLI's guard)
        reason = error_text(outcome.error, lang) if outcome.error else ""
        err.print(text(MSG, "unreadable", lang, path=path, error=reason))
        raise typer.Exit(1)
    try:
        if in_place:
            backup = write_in_place(result, path, lang=lang, data=outcome.data)
            written = path
        else:
            written = output or default_output(path)
            if is_locked(written):  # an earlier output still open in Excel/WPS
                raise WorkbookLocked(written, lang)
            write_result(result, outcome.data, written, lang=lang)
            backup = None
    except WorkbookLocked as exc:
        err.print(str(exc))
        raise typer.Exit(1) from None
    except (OSError, EvaltoolError) as exc:  # cannot write there, or the package cannot be patched
        err.print(text(MSG, "write_failed", lang, path=path, error=error_text(exc, lang)))
        raise typer.Exit(1) from None
    if fmt is Format.json:
        doc = {**report(outcome, lang), "output": str(written), "backup": str(backup) if backup else None,
               "subtotals": dict(result.subtotals)}
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
        return
    console.print(text(MSG, "title", lang, name=path.name))
    console.print(_table(result, lang))
    console.print(text(MSG, "findings", lang, errors=result.errors, warnings=result.warnings))
    console.print(text(MSG, "written", lang, path=written))
    if backup is not None:
        console.print(text(MSG, "backup", lang, path=backup))
