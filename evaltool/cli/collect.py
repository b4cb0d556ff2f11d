"""``evaltool collect INBOX -o OUTDIR``: process returned mails and files in one run.

Why: the bureau's intake door. Everything departments sent back (saved mails, zips,
workbooks) is read as untrusted input, checked, scored and answered: a summary workbook,
receipts with reply drafts, accepted/scored/superseded/rejected copies and ``collect.json``
(see :mod:`evaltool.intake.collect`). INBOX is only read. A progress bar goes to stderr when
it is a terminal (``--quiet`` turns it off).

Re-runs into the same OUTDIR process only inbox files not seen before (by content hash),
write reply drafts only for them and rebuild the summary from everything seen; with nothing
new nothing is written. ``--fresh`` starts over. Times are shown in ``--tz`` (default
Asia/Shanghai) and stored in UTC in ``collect.json``. With ``--campaign`` each file is claimed in
the campaign's store before it is evaluated: two staff running ``collect`` at once evaluate
each file once (the other run lists it as taken); ``--claim-lease`` (minutes, default 60) is
how long a claim of a run that died blocks the file. Only clean returns are ranked;
``--rank-with-errors`` also ranks returns with ordinary validation errors.

Exit codes (as every command): 0 done and every return accepted without errors; 1 done, but
some returns were rejected or have errors (listed in ``collect.json`` and the summary); 2
could not run (INBOX missing or not a folder, the output is a file, a bad option).

Example::

    evaltool collect 收件箱/ -o 2023汇总/ --passwords 密码.txt --workers 4
    evaltool collect 收件箱/ --campaign 2024部门整体            # into the campaign's store; OUT = 2024部门整体/collect
    evaltool collect INBOX -o out --scheduler tcp://10.0.0.5:8786 --lang en --created 2026-03-10
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from evaltool.cli import LangOption, app, fail, lang_of, need_path
from evaltool.messages import text

MSG = {
    "same": ("输出文件夹不能是收件文件夹本身：{path}", "the output folder must not be the INBOX itself: {path}"),
    "out_file": ("输出位置 {path} 是文件，需要一个文件夹", "the output {path} is a file; a folder is needed"),
    "problems": ("有问题的文件 {n} 个（未通过或有错误），详见 {manifest}",
                 "{n} files with problems (rejected or with errors); see {manifest}"),
    "bad_date": ("--created 不是有效的日期时间（ISO 格式，如 2026-03-10）：{value}",
                 "--created is not an ISO date/time (e.g. 2026-03-10): {value}"),
    "bad_scheduler": ("--scheduler 须形如 tcp://主机:端口", "--scheduler must look like tcp://host:port"),
    "no_passwords": ("密码文件不存在：{path}", "password file does not exist: {path}"),
    "progress": ("处理中", "processing"),
    "bad_tz": ("--tz 不是已知的时区（如 Asia/Shanghai、UTC）：{value}", "--tz is not a known time zone "
               "(e.g. Asia/Shanghai, UTC): {value}"),
    "nothing_new": ("没有新的文件：输出未改动（{path}）；--fresh 可全部重新处理",
                    "nothing new: outputs left unchanged ({path}); --fresh starts over"),
    "no_output": ("请用 -o 指定输出文件夹（或用 --campaign 指定评价活动）", "give an output folder with -o "
                  "(or a campaign with --campaign)"),
    "done": ("完成：共 {n} 个文件，接收 {accepted}，未通过 {rejected}，重复 {duplicate}，被替代 {superseded}（{secs:.1f} 秒）",
             "done: {n} files, {accepted} accepted, {rejected} rejected, {duplicate} duplicates, "
             "{superseded} superseded ({secs:.1f} s)"),
    "outputs": ("汇总：{summary}\n清单：{manifest}", "summary: {summary}\nmanifest: {manifest}"),
}


def _created(value: str | None, lang: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        fail(lang, text(MSG, "bad_date", lang, value=value))


@app.command()
def collect(
    inbox: Annotated[Path, typer.Argument(help="收件文件夹（邮件、压缩包、工作簿） / folder of returned mails and files")],
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="输出文件夹（有 --campaign 时默认为其中的 collect/） / output folder")] = None,
    campaign: Annotated[Path | None, typer.Option(
        "--campaign", "-c", help="评价活动文件夹：读写其结果库 / campaign folder (its store)")] = None,
    db: Annotated[str | None, typer.Option("--db", help="结果库 URL（覆盖 campaign.json） / store URL")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="并行进程数，默认为 CPU 核数 / processes")] = None,
    passwords: Annotated[Path | None, typer.Option(
        "--passwords", help="密码文件（每行一个），用于解密加密的工作簿 / password list file")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask 集群地址 tcp://主机:端口 / Dask scheduler address")] = None,
    lang: LangOption = None,
    created: Annotated[str | None, typer.Option(
        "--created", help="输出中的时间戳（ISO），便于复现 / fixed timestamp for reproducible output")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度 / no progress bar")] = False,
    tz: Annotated[str, typer.Option(
        "--tz", help="显示时间所用的时区（collect.json 存 UTC）/ time zone for displayed times")] = "Asia/Shanghai",
    fresh: Annotated[bool, typer.Option(
        "--fresh", help="清除上次的输出，全部重新处理 / discard the earlier run's outputs and start over")] = False,
    rank_with_errors: Annotated[bool, typer.Option(
        "--rank-with-errors", help="有校验错误的报送也参与排名与统计 / also rank returns with validation errors")] = False,
    claim_lease: Annotated[float, typer.Option(
        "--claim-lease", min=0.0, help="（--campaign）另一次收取中断后，其认领的文件多少分钟后可被接手，默认 60 / "
        "minutes after which a file claimed by a run that died may be taken over")] = 60.0,
) -> None:
    """收取并处理退回的邮件和工作簿 / Process returned mails and workbooks."""
    from evaltool.intake.collect import collect as run
    from evaltool.intake.crypto import read_passwords

    lang = lang_of(lang)
    need_path(inbox, lang, "dir")
    store = campaign_id = None
    if campaign is not None:
        from evaltool.campaign import CampaignFolderError, open_campaign

        try:
            handle = open_campaign(campaign, db)
        except CampaignFolderError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
        store, campaign_id = handle.store, handle.campaign.id
        output = output or handle.folder / "collect"
    if output is None:
        typer.echo(text(MSG, "no_output", lang), err=True)
        raise typer.Exit(2)
    if output.resolve() == inbox.resolve():
        fail(lang, text(MSG, "same", lang, path=inbox))
    if output.exists() and not output.is_dir():
        fail(lang, text(MSG, "out_file", lang, path=output))
    if scheduler and not scheduler.startswith(("tcp://", "tls://", "ws://", "wss://")):
        fail(lang, text(MSG, "bad_scheduler", lang))
    pw: list[str] = []
    if passwords is not None:
        need_path(passwords, lang, "file")
        pw = read_passwords(passwords)
    stamp = _created(created, lang)
    from evaltool.messages.times import zone

    try:
        zone(tz)
    except ValueError:
        typer.echo(text(MSG, "bad_tz", lang, value=tz), err=True)
        raise typer.Exit(2) from None
    options = {"workers": workers, "passwords": pw, "scheduler": scheduler, "lang": lang, "created": stamp,
               "tz": tz, "fresh": fresh, "rank_with_errors": rank_with_errors, "store": store,
               "campaign_id": campaign_id, "claim_lease": timedelta(minutes=claim_lease)}
    show = not quiet and sys.stderr.isatty()
    if show:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), TextColumn("{task.fields[last]}"),
                      console=Console(stderr=True), transient=False) as bar:
            task = bar.add_task(text(MSG, "progress", lang), total=None, last="")
            report = run(inbox, output, progress=lambda o: bar.update(task, advance=1, last=o.filename[:40]),
                         **options)  # type: ignore[arg-type]
    else:
        report = run(inbox, output, **options)  # type: ignore[arg-type]
    if report.new == 0 and not fresh and (output / "collect.json").is_file():
        typer.echo(text(MSG, "nothing_new", lang, path=report.manifest))
        return
    c = report.counts
    typer.echo(text(MSG, "done", lang, n=sum(c.values()), accepted=c.get("accepted", 0),
                    rejected=c.get("rejected", 0), duplicate=c.get("duplicate", 0),
                    superseded=c.get("superseded", 0), secs=report.elapsed))
    typer.echo(text(MSG, "outputs", lang, summary=report.summary, manifest=report.manifest))
    problems = report.counts.get("rejected", 0) + report.errors
    if problems:
        typer.echo(text(MSG, "problems", lang, n=problems, manifest=report.manifest), err=True)
    raise typer.Exit(1 if problems else 0)
