"""``evaltool campaign init | issue | status | remind``: a year's evaluation over a roster.

Why: the bureau's campaign in four commands around ``collect`` (docs/campaign.md):

    evaltool campaign init 2024部门整体 --year 2024 --framework dept-overall --roster units.xlsx
    evaltool campaign issue  --campaign 2024部门整体          # templates + one draft per unit
    evaltool collect 收件箱/ --campaign 2024部门整体          # intake into the campaign's store
    evaltool campaign status --campaign 2024部门整体          # 通过 / 有错误 / 未通过 / 未报送
    evaltool campaign remind --campaign 2024部门整体          # drafts for who must act

``--campaign`` defaults to the current folder. ``init --db postgresql://…`` puts the store on
a shared server (the URL may also come from ``EVALTOOL_DB``).

Exit codes: 0 done; 1 ``status`` with units still to act (for scripts); 2 usage errors.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.console import Console
from rich.table import Table

from evaltool.cli import app
from evaltool.messages import text

campaign_app = typer.Typer(help="评价活动：名单、下发、报送情况、催报 / campaigns", no_args_is_help=True)
app.add_typer(campaign_app, name="campaign")

MSG = {
    "created": ("已创建评价活动“{name}”（{year} 年，{framework}，{n} 个单位）：{folder}",
                "campaign '{name}' created ({year}, {framework}, {n} units): {folder}"),
    "store": ("结果库：{url}", "store: {url}"),
    "issued": ("已下发 {n} 个单位：模板在 {templates}，邮件草稿在 {drafts}",
               "issued to {n} units: templates in {templates}, drafts in {drafts}"),
    "warning": ("警告：{w}", "warning: {w}"),
    "off_roster": ("目标表中的单位代码 {codes} 不在单位名单中：这些行不会下发", "unit codes {codes} of the targets "
                   "file are not on the roster: their rows are issued to no one"),
    "reminded": ("已写出 {n} 封催报邮件草稿：{folder}", "{n} reminder drafts written: {folder}"),
    "nothing": ("所有单位均已报送且通过，无需催报", "every unit has returned and passed; no reminders"),
    "bad_tz": ("未知时区：{tz}", "unknown time zone: {tz}"),
    "bad_fw": ("未知评价框架：{fw}", "unknown framework: {fw}"),
    "counts": ("共 {n} 个单位：通过 {passed}，有错误 {errors}，未通过 {refused}，待确认 {pending}，未报送 {missing}",
               "{n} units: {passed} passed, {errors} with errors, {refused} refused, {pending} to confirm, "
               "{missing} not returned"),
    "outside": ("名单外的报送 {n} 份：{names}", "{n} returns from units not on the roster: {names}"),
    "issue_warnings": ("下发时的警告（单位尚未报送）：", "warnings given at issue (units not yet returned):"),
    "errors_head": ("须修改的错误：", "errors to correct:"),
    "more": ("  …… 另有 {n} 项，见 汇总 问题清单", "  … {n} more, see the summary's findings sheet"),
}
#: errors listed per unit on screen by ``campaign status`` (all of them with --format json)
SHOWN_ERRORS = 5
CampaignOpt = Annotated[Path, typer.Option("--campaign", "-c", help="评价活动文件夹 / campaign folder")]
LangOpt = Annotated[str, typer.Option("--lang", help="zh | en")]


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(f"错误 / error: {exc}", err=True)
    return typer.Exit(2)


@campaign_app.command("init")
def init(
    name: Annotated[str, typer.Argument(help="评价活动名称（也是文件夹名） / campaign name (and folder)")],
    year: Annotated[int, typer.Option("--year", "-y", help="评价年度 / evaluation year")],
    roster: Annotated[Path, typer.Option("--roster", help="单位名单 .xlsx/.csv / roster")],
    framework: Annotated[str, typer.Option("--framework", "-f", help="评价框架编号 / framework id")] = "dept-overall",
    targets: Annotated[Path | None, typer.Option("--targets", help="绩效目标文件 / targets file")] = None,
    tz: Annotated[str, typer.Option("--tz", help="时区 / time zone")] = "Asia/Shanghai",
    db: Annotated[str | None, typer.Option("--db", help="结果库 URL（默认文件夹内 SQLite） / store URL")] = None,
    folder: Annotated[Path | None, typer.Option("--dir", help="文件夹（默认 ./NAME） / folder")] = None,
    lang: LangOpt = "zh",
) -> None:
    """创建评价活动 / Create a campaign."""
    from evaltool.campaign import RosterError, TargetsError, init_campaign, read_roster, read_targets
    from evaltool.campaign.folder import CampaignFolderError
    from evaltool.frameworks import FrameworkError, list_frameworks
    from evaltool.store import CampaignExists

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _fail(ValueError(text(MSG, "bad_tz", lang, tz=tz))) from exc
    if framework not in list_frameworks():
        raise _fail(ValueError(text(MSG, "bad_fw", lang, fw=framework)))
    try:
        units = read_roster(roster)
        rows = read_targets(targets) if targets else []
        h = init_campaign(folder or Path(name), name=name, year=year, framework=framework, roster=units,
                          targets=rows, targets_file=str(targets.resolve()) if targets else "", tz=tz, db=db)
    except (RosterError, TargetsError, CampaignFolderError, CampaignExists, FrameworkError) as exc:
        raise _fail(exc) from exc
    typer.echo(text(MSG, "created", lang, name=name, year=year, framework=framework, n=len(units), folder=h.folder))
    off = [c for c in dict.fromkeys(r.unit_code for r in rows) if c not in {u.code for u in units}]
    if off:
        typer.echo(text(MSG, "warning", lang, w=text(MSG, "off_roster", lang, codes="、".join(off))), err=True)
    typer.echo(text(MSG, "store", lang, url=h.store.engine.url.render_as_string(hide_password=True)))


def _open(campaign: Path, db: str | None = None):  # type: ignore[no-untyped-def]
    from evaltool.campaign import CampaignFolderError, open_campaign

    try:
        return open_campaign(campaign, db)
    except CampaignFolderError as exc:
        raise _fail(exc) from exc


@campaign_app.command("issue")
def issue(
    campaign: CampaignOpt = Path("."),
    unit: Annotated[list[str] | None, typer.Option("--unit", help="只下发这些单位代码 / only these codes")] = None,
    deadline: Annotated[str | None, typer.Option("--deadline", help="报送截止日期 / deadline")] = None,
    sender: Annotated[str | None, typer.Option("--from", help="发件人 / From address")] = None,
    lang: LangOpt = "zh",
) -> None:
    """为名单中的每个单位生成签名模板和邮件草稿 / One signed template and draft per unit."""
    from evaltool.campaign import TargetsError, issue_all
    from evaltool.frameworks import FrameworkError
    from evaltool.integrity import keys

    h = _open(campaign)
    try:
        done = issue_all(h, signer=keys.signer(), lang=lang, deadline=deadline, sender=sender,
                         only=set(unit) if unit else None)
    except (TargetsError, FrameworkError) as exc:
        raise _fail(exc) from exc
    for d in done:
        for w in d.warnings:
            typer.echo(text(MSG, "warning", lang, w=w), err=True)
    typer.echo(text(MSG, "issued", lang, n=len(done), templates=h.folder / "issued", drafts=h.folder / "outbox" / "issue"))


@campaign_app.command("status")
def status(
    campaign: CampaignOpt = Path("."),
    fmt: Annotated[str, typer.Option("--format", help="text | json")] = "text",
    lang: LangOpt = "zh",
) -> None:
    """报送情况：通过、有错误、未通过、未报送 / Who returned, passed, has errors, has not returned."""
    from evaltool.messages.stored import stored_message
    from evaltool.store import campaign_status, needs_reminder
    from evaltool.store.status import ERRORS, NOT_RETURNED, PASSED, PENDING, REFUSED, UnitStatus, findings_of

    h = _open(campaign)
    rows, outside = campaign_status(h.store, h.campaign.id)
    zone = ZoneInfo(h.campaign.tz)
    errors = findings_of(h.store, (r.file_id for r in rows + outside if r.state in (ERRORS, REFUSED)))

    def said(r: UnitStatus) -> list[dict[str, str]]:  # the deciding file's errors, in the chosen language
        return [{"rule": x.rule, "sheet": x.sheet, "cell": x.cell,
                 "message": stored_message(x.code, x.params, x.message, lang)}
                for x in (errors.get(r.file_id, []) if r.file_id is not None else [])]

    def warned(r: UnitStatus) -> list[str]:  # issue-time warnings, in the chosen language
        return [stored_message(w.code, w.params, w.message, lang) for w in r.issue_warnings]

    def when(d: datetime | None) -> str:
        return d.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).strftime("%Y-%m-%d %H:%M") if d else ""

    if fmt == "json":
        doc = [{"code": r.code, "name": r.name, "department": r.department, "email": r.email, "state": r.state,
                "state_label": r.state_label(lang), "file": r.label, "total": r.total, "grade": r.grade,
                "errors": r.errors, "warnings": r.warnings, "received": when(r.received), "on_roster": r.on_roster,
                "error_findings": said(r), "issue_warnings": warned(r)}
               for r in rows + outside]
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        en = lang == "en"
        table = Table(title=f"{h.campaign.name} — {'status' if en else '报送情况'}")
        for col in (("单位代码", "code"), ("单位名称", "unit"), ("主管部门", "department"), ("状态", "state"),
                    ("总分", "total"), ("错误", "errors"), ("警告", "warnings"), ("报送时间", "received"),
                    ("文件", "file")):
            table.add_column(col[1] if en else col[0])
        for r in rows + outside:
            table.add_row(r.code, r.name, r.department, r.state_label(lang),
                          "" if r.total is None else f"{r.total:.2f}", str(r.errors) if r.label else "",
                          str(r.warnings) if r.label else "", when(r.received), r.label)
        Console(width=200).print(table)
        count = {s: sum(1 for r in rows if r.state == s) for s in (PASSED, ERRORS, REFUSED, PENDING, NOT_RETURNED)}
        typer.echo(text(MSG, "counts", lang, n=len(rows), passed=count[PASSED], errors=count[ERRORS],
                        refused=count[REFUSED], pending=count[PENDING], missing=count[NOT_RETURNED]))
        if outside:
            typer.echo(text(MSG, "outside", lang, n=len(outside), names="、".join(r.name or r.label for r in outside)))
        listed = [(r, said(r)) for r in rows + outside if said(r)]
        if listed:
            typer.echo(text(MSG, "errors_head", lang))
            for r, found in listed:
                for x in found[:SHOWN_ERRORS]:
                    where = f"{x['sheet']}!{x['cell']}" if x["cell"] else x["sheet"]
                    typer.echo(f"  {r.code} {r.name}  {where}  {x['message']}")
                if len(found) > SHOWN_ERRORS:
                    typer.echo(text(MSG, "more", lang, n=len(found) - SHOWN_ERRORS))
        notes = [(r, warned(r)) for r in rows if r.issue_warnings]
        if notes:
            typer.echo(text(MSG, "issue_warnings", lang))
            for r, lines in notes:
                for line in lines:
                    typer.echo(f"  {r.name}：{line}" if lang != "en" else f"  {r.name}: {line}")
    if needs_reminder(rows):
        raise typer.Exit(1)


@campaign_app.command("remind")
def remind(
    campaign: CampaignOpt = Path("."),
    deadline: Annotated[str | None, typer.Option("--deadline", help="报送截止日期 / deadline")] = None,
    sender: Annotated[str | None, typer.Option("--from", help="发件人 / From address")] = None,
    today: Annotated[str | None, typer.Option("--date", help="日期（默认今天） / date (default today)")] = None,
    lang: LangOpt = "zh",
) -> None:
    """给未报送或须修改的单位写催报邮件草稿 / Reminder drafts for units that must act."""
    from evaltool.campaign import remind_all

    h = _open(campaign)
    day = date.fromisoformat(today) if today else datetime.now(ZoneInfo(h.campaign.tz)).date()
    done = remind_all(h, today=day, lang=lang, deadline=deadline, sender=sender)
    if not done:
        typer.echo(text(MSG, "nothing", lang))
        return
    typer.echo(text(MSG, "reminded", lang, n=len(done), folder=done[0][1].parent))
    for row, path in done:
        typer.echo(f"  {row.code} {row.name}（{row.state_label(lang)}）→ {path.name}")
