"""``evaltool check PATH...``: validate returned workbooks against their rule sheets.

Why: before scoring (or before accepting a submission) a finance officer wants the list of
problems: figures that do not add up, text where numbers belong, fuzzy actuals, 万元 typed
into a 元 template. Nothing is written. PATH may be files or folders (searched for
``.xlsx``/``.xlsm``, :func:`evaltool.engine.workbook_paths`). Each file goes through the one
per-file pipeline (:func:`evaltool.engine.evaluate_file`), so the findings are those
``evaltool score``, ``summary``, ``collect`` and the button report, in the same order
(integrity, validation, scoring notes). Output is a readable table per file, or JSON.

Exit codes: 0 no error-level finding in any file; 1 at least one (an unreadable or
non-template file counts as an error naming the file); 2 usage errors (bad option,
nonexistent path, nothing to check).

Example::

    evaltool check returns/ --format json --lang en
    evaltool check 西城妇联.xlsx
"""

from __future__ import annotations

import json
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from evaltool.cli import LangOption, app, fail, lang_of, need_path
from evaltool.messages import finding_dict, severity_label, text

if TYPE_CHECKING:  # pragma: no cover
    from evaltool.engine import Outcome

MSG = {
    "title": ("校验结果：{name}", "Checks: {name}"),
    "severity": ("级别", "Severity"),
    "rule": ("规则", "Rule"),
    "sheet": ("工作表", "Sheet"),
    "cell": ("单元格", "Cell"),
    "message": ("提示信息", "Message"),
    "clean": ("{name}：未发现问题", "{name}: no problems found"),
    "counts": ("错误 {errors} 项，警告 {warnings} 项，提示 {infos} 项{explained}",
               "{errors} errors, {warnings} warnings, {infos} notes{explained}"),
    "explained": ("（另有 {n} 项已说明）", " ({n} more explained)"),
    "score": ("计算总分 {total}，评价等级 {grade}；自评等级 {self_grade}",
              "computed total {total}, grade {grade}; self-reported {self_grade}"),
    "none": ("没有找到要校验的工作簿（.xlsx/.xlsm）：{path}", "no workbooks (.xlsx/.xlsm) to check in: {path}"),
    "all": ("共 {files} 个文件：{bad} 个有错误", "{files} files: {bad} with errors"),
}
STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class Format(str, Enum):
    text = "text"
    json = "json"


def report(outcome: Outcome, lang: str = "zh") -> dict[str, Any]:
    """One file's JSON-ready report: path, status, findings (the pipeline's order, each with its
    code, params and message in ``lang``), total/grade."""
    result = outcome.result
    return {
        "path": outcome.path,
        "status": outcome.status,
        "findings": [finding_dict(f, lang) for f in outcome.findings],
        "total": result.total if result else None,
        "grade": result.grade if result else None,
        "self_grade": (result.evaluation.unit.self_grade or None) if result else None,
    }


def screened_outcome(path: Path) -> Outcome:
    """One file through the same gate as ``collect`` (foreign formats, damage, limits; macros,
    DDE and external links become intake findings, first, as in collect), then
    :func:`evaltool.engine.evaluate_file`. ``check`` and ``score`` both use it, so they report
    the same findings in the same order."""
    from evaltool.engine import Outcome, evaluate_file
    from evaltool.intake.manifest import flag_findings
    from evaltool.intake.names import shown
    from evaltool.intake.unpack import screen_file
    from evaltool.model import Finding

    name = shown(str(path))
    screen = screen_file(path)
    if screen.rejection is not None:
        rejection = screen.rejection
        params = {"message": rejection.message_zh, "message_en": rejection.message_en}
        finding = Finding("FILE-1", "error", "", "", "file.rejected", params, None, name, "intake")
        return Outcome(name, (finding,))
    outcome = evaluate_file(path, label=name)
    flags = tuple(replace(f, file=name) for f in flag_findings(screen.flags))
    return replace(outcome, findings=(*flags, *outcome.findings)) if flags else outcome


def check_file(path: Path, lang: str) -> dict[str, Any]:
    """:func:`report` of one file through :func:`screened_outcome`."""
    return report(screened_outcome(path), lang)


def _print(console: Console, report: dict[str, Any], lang: str) -> None:
    name = report["path"]
    findings = report["findings"]
    if report["status"] == "unreadable":  # one line: the file and what to do about it
        console.print(f"{name}: {findings[0]['message']}", markup=False, highlight=False, soft_wrap=True)
        return
    shown = [f for f in findings if not f["explained"]]
    if shown:
        t = Table(title=text(MSG, "title", lang, name=name), show_lines=False, expand=True)
        for col, kw in (("severity", {"no_wrap": True}), ("rule", {"no_wrap": True}),
                        ("sheet", {"no_wrap": True}), ("cell", {"no_wrap": True}), ("message", {"ratio": 1, "overflow": "fold"})):
            t.add_column(text(MSG, col, lang), **kw)
        order = {"error": 0, "warning": 1, "info": 2}
        for f in sorted(shown, key=lambda f: order.get(f["severity"], 3)):
            sev = f["severity"]
            t.add_row(f"[{STYLE.get(sev, '')}]{severity_label(sev, lang)}[/]", f["rule"], f["sheet"],
                      f["cell"], f["message"])
        console.print(t)
    else:
        console.print(text(MSG, "clean", lang, name=name))
    counts = {s: sum(1 for f in shown if f["severity"] == s) for s in ("error", "warning", "info")}
    n_explained = len(findings) - len(shown)
    console.print(text(MSG, "counts", lang, errors=counts["error"], warnings=counts["warning"],
                       infos=counts["info"],
                       explained=text(MSG, "explained", lang, n=n_explained) if n_explained else ""))
    if report.get("total") is not None:
        console.print(text(MSG, "score", lang, total=f"{report['total']:.2f}", grade=report.get("grade") or "—",
                           self_grade=report.get("self_grade") or "—"))


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="工作簿文件或文件夹 / workbook files or folders")],
    fmt: Annotated[Format, typer.Option("--format", help="text | json")] = Format.text,
    lang: LangOption = None,
) -> None:
    """校验工作簿（规则表与内置检查），不修改文件 / Validate workbooks; nothing is written."""
    from evaltool.engine import workbook_paths

    lg = lang_of(lang)
    for p in paths:
        need_path(p, lg)
    files = workbook_paths(paths)
    if not files:
        fail(lg, text(MSG, "none", lg, path=", ".join(map(str, paths))))
    reports = [check_file(f, lg) for f in files]  # each through collect's gate, then the pipeline
    bad = sum(1 for r in reports if any(f["severity"] == "error" and not f["explained"] for f in r["findings"]))
    if fmt is Format.json:
        typer.echo(json.dumps({"files": reports, "errors": bad}, ensure_ascii=False, indent=2, default=str))
    else:
        console = Console()
        for r in reports:
            _print(console, r, lg)
        if len(reports) > 1:
            console.print(text(MSG, "all", lg, files=len(reports), bad=bad))
    raise typer.Exit(1 if bad else 0)
