"""``evaltool summary PATH... -o 汇总.xlsx``: one summary workbook across all returns.

Why: the bureau's evaluator points evaltool at the folder of returned workbooks and gets one
formatted workbook (总览, 单位得分, 指标明细, 问题清单, 未通过). Files that cannot be read are
listed in 未通过 with the reason; they never stop the run. ``--created`` fixes the workbook's
timestamp (otherwise the latest input file time is used), so re-running on the same inputs
gives a byte-identical file. ``--workers N`` reads and scores in N processes. When a unit
returned more than one workbook for the same year and framework, only the newest counts and
the older ones are listed as 已被替代 (``--keep-duplicates`` counts them all).

Exit codes (as every command): 0 written and no errors; 1 written, but some returns have
errors or were not accepted; 2 could not run (a path that does not exist, no workbook found,
an output that cannot be written — open in Excel/WPS, or an I/O error — or a bad option).

Example::

    evaltool summary returns/ late/东城区.xlsx -o 汇总.xlsx
    evaltool summary returns/ -o summary.xlsx --lang en --created 2024-07-01 --workers 2
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evaltool.cli import LangOption, app, fail, lang_of, need_path
from evaltool.messages import text

MSG = {
    "none": ("没有找到工作簿（.xlsx/.xlsm）：{paths}", "No workbook (.xlsx/.xlsm) found in: {paths}"),
    "out_dir": ("输出位置 {path} 是文件夹，请给出汇总工作簿的文件名", "the output {path} is a folder; give a file name"),
    "locked": ("{path} 正在被 Excel/WPS 打开，请先关闭", "{path} is open in Excel/WPS; close it first"),
    "bad_date": ("--created 不是有效的日期时间（ISO 格式，如 2024-07-01）：{value}",
                 "--created is not an ISO date/time (e.g. 2024-07-01): {value}"),
    "write_failed": ("{path}：写入失败：{error}", "{path}: cannot write: {error}"),
    "done": ("已写入 {path}：收到 {n} 个文件，通过 {passed}，有错误 {errors}，未通过 {rejected}，已被替代 {superseded}",
             "Wrote {path}: {n} files, {passed} passed, {errors} with errors, {rejected} rejected, "
             "{superseded} superseded"),
    "rejected": ("未通过：{path}：{reason}", "Rejected: {path}: {reason}"),
    "superseded": ("已被替代：{path}（以 {by} 为准）", "Superseded: {path} (by {by})"),
}


def _created(value: str | None, lang: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        fail(lang, text(MSG, "bad_date", lang, value=value))


@app.command()
def summary(
    paths: Annotated[list[Path], typer.Argument(help="工作簿文件或文件夹 / workbook files or folders")],
    output: Annotated[Path, typer.Option("-o", "--output", help="汇总工作簿 / the summary workbook")] = Path(
        "汇总.xlsx"),
    lang: LangOption = None,
    created: Annotated[str | None, typer.Option(
        "--created", help="工作簿时间戳（ISO 日期）；默认取输入文件的最新时间 / timestamp, ISO date")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="并行进程数 / worker processes")] = 1,
    rank_with_errors: Annotated[bool, typer.Option(
        "--rank-with-errors", help="有错误的报送也参与排名与统计（默认只计校验通过的）/ also rank returns with errors")
    ] = False,
    tz: Annotated[str, typer.Option("--tz", help="显示时间所用的时区 / time zone for displayed times")] = "Asia/Shanghai",
    keep_duplicates: Annotated[bool, typer.Option(
        "--keep-duplicates", help="同一单位同一年度的多份报送都计入（默认只计最新一份）/ count every return of a unit")
    ] = False,
) -> None:
    """汇总所有回收的工作簿 / Build the summary workbook across all returns."""
    from evaltool.io.atomic import is_locked
    from evaltool.summary.collect import collect, supersede_duplicates
    from evaltool.summary.sources import expand_paths, iter_digests
    from evaltool.summary.writer import write_summary

    lang = lang_of(lang)
    err = Console(stderr=True)
    stamp = _created(created, lang)
    for p in paths:
        need_path(p, lang)
    if output.is_dir():
        fail(lang, text(MSG, "out_dir", lang, path=output))
    from evaltool.messages.times import zone

    try:
        zone(tz)
    except ValueError as exc:
        err.print(str(exc))
        raise typer.Exit(2) from None
    files = [f for f in expand_paths(paths) if f.resolve() != output.resolve()]  # not a previous summary
    if not files:
        fail(lang, text(MSG, "none", lang, paths=", ".join(map(str, paths))))
    if output.exists() and is_locked(output):
        fail(lang, text(MSG, "locked", lang, path=output))
    digests = iter_digests(files, workers=workers, lang=lang)
    c = collect(digests if keep_duplicates else supersede_duplicates(digests), rank_with_errors=rank_with_errors)
    for o in c.others:
        msg = (text(MSG, "superseded", lang, path=o.source, by=o.superseded_by) if o.status == "已被替代"
               else text(MSG, "rejected", lang, path=o.source, reason=o.reason))
        err.print(msg, markup=False, highlight=False, soft_wrap=True)
    try:
        write_summary(c, output, lang=lang, created=stamp, tz=tz)
    except OSError as exc:
        fail(lang, text(MSG, "write_failed", lang, path=output, error=exc.strerror or exc))
    passed = sum(1 for u in c.units if u.status == "通过")
    superseded = sum(1 for o in c.others if o.status == "已被替代")
    Console().print(text(MSG, "done", lang, path=output, n=len(files), passed=passed,
                         errors=len(c.units) - passed, rejected=len(c.others) - superseded,
                         superseded=superseded), markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1 if len(c.units) - passed or len(c.others) - superseded else 0)
