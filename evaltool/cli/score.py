"""``evaltool score PATH``: validate and score a returned workbook, write results back.

Why: the everyday command of a finance officer. By default the input is never touched: the
scored copy goes to ``-o OUT`` or ``<name>.scored.xlsx`` beside the input. ``--in-place``
replaces the file atomically and keeps a timestamped backup beside it, and is refused while
the workbook is open in Excel/WPS/LibreOffice. A table of scores per 一级指标, the total and
the grade is printed, or (``--format json``) the same report ``evaltool check --format json``
gives for the file plus where it was written. The file is read once
(:func:`evaltool.engine.evaluate_file`) and written back from those bytes.

Exit codes (as every command): 0 scored and written, no errors found; 1 scored and written
but errors were found (they are listed), or the workbook cannot be read as a template; 2 could
not run (the path does not exist or is a folder, the output cannot be written, a bad option).
A repeated ``--in-place`` that changes nothing writes nothing and makes no new backup.

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

from evaltool.cli import LangOption, app, fail, lang_of, need_path
from evaltool.cli.check import Format
from evaltool.messages import error_text, render, severity_label, text
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
    "unchanged": ("{path} 已是最新的评分结果，未改动", "{path} is already scored as is; nothing changed"),
    "errors": ("发现的错误：", "Errors found:"),
    "unreadable": ("{path}：无法评分：{error}", "{path}: cannot be scored: {error}"),
    "write_failed": ("{path}：写回失败：{error}", "{path}: write-back failed: {error}"),
    "both": ("-o 与 --in-place 不能同时使用", "-o and --in-place cannot be combined"),
    "out_dir": ("输出位置 {path} 是文件夹，请给出文件名", "the output {path} is a folder; give a file name"),
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
    lang: LangOption = None,
) -> None:
    """校验并评分，把结果以活公式写回工作簿 / Validate, score and write results back."""
    lang = lang_of(lang)
    from evaltool.cli.check import report, screened_outcome
    from evaltool.io.atomic import is_locked
    from evaltool.io.writeback import WorkbookLocked, write_in_place, write_result

    console = Console()
    if output is not None and in_place:
        fail(lang, text(MSG, "both", lang))
    need_path(path, lang, "file")
    written = path if in_place else output or default_output(path)
    if not in_place and written.is_dir():
        fail(lang, text(MSG, "out_dir", lang, path=written))
    outcome = screened_outcome(path)  # the same gate and pipeline as check (and collect)
    result = outcome.result
    if result is None:  # not a readable template (an unexpected error goes to the CLI's guard)
        reason = (error_text(outcome.error, lang) if outcome.error
                  else "; ".join(render(f, lang) for f in outcome.findings))
        fail(lang, text(MSG, "unreadable", lang, path=path, error=reason), 1)
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
        fail(lang, str(exc))
    except (OSError, EvaltoolError) as exc:  # cannot write there, or the package cannot be patched
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else error_text(exc, lang)
        fail(lang, text(MSG, "write_failed", lang, path=written, error=detail))
    errors = [f for f in outcome.findings if f.severity == "error" and not f.explained]
    if fmt is Format.json:
        doc = {**report(outcome, lang), "output": str(written), "backup": str(backup) if backup else None,
               "subtotals": dict(result.subtotals)}
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
        raise typer.Exit(1 if errors else 0)
    console.print(text(MSG, "title", lang, name=path.name))
    console.print(_table(result, lang))
    console.print(text(MSG, "findings", lang, errors=result.errors, warnings=result.warnings))
    if errors:
        console.print(text(MSG, "errors", lang))
        for f in errors:
            where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else f.sheet or f.cell
            console.print(f"  {severity_label(f.severity, lang)} {f.rule} {where} {render(f, lang)}",
                          markup=False, highlight=False, soft_wrap=True)
    if in_place and backup is None:
        console.print(text(MSG, "unchanged", lang, path=written))
    else:
        console.print(text(MSG, "written", lang, path=written))
    if backup is not None:
        console.print(text(MSG, "backup", lang, path=backup))
    raise typer.Exit(1 if errors else 0)
