"""``evaltool demo``: run the whole job on the bundled sample and say where the outputs are."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from evaltool.cli import LangOption, app, lang_of
from evaltool.messages import render, severity_label, text

MSG = {
    "start": ("evaltool 演示：输出目录 {folder}", "evaltool demo: output folder {folder}"),
    "template": ("1. 财政部门下发的空白模板：{path}", "1. The bureau's blank template: {path}"),
    "sample": ("2. 部门填报的样例（北京市西城区妇女联合会 2023，数字按报告原文录入）：{path}",
               "2. A department's filled return (Xicheng Women's Federation 2023, figures as its report states them): {path}"),
    "budget": ("   年初预算 {initial} 元，决算 {final} 元，预决算差异率 {rate}",
               "   initial budget {initial} yuan, final {final} yuan, budget/final variance {rate}"),
    "checks": ("3. 校验：错误 {errors} 项，警告 {warnings} 项，提示 {infos} 项（前 {n} 条如下）",
               "3. Checks: {errors} errors, {warnings} warnings, {infos} notes (first {n} below)"),
    "scored": ("4. 评分并以活公式写回（原文件不变）：{path}", "4. Scored and written back as live formulas (input untouched): {path}"),
    "units": ("5. 另生成 {n} 个单位的演示数据（虚构数字）：{folder}", "5. {n} more units with invented demo figures: {folder}"),
    "summary": ("6. 汇总工作簿：{path}", "6. Summary workbook: {path}"),
    "report": ("7. 绩效评价报告（据工作簿生成，可用 evaltool lint-report 检查）：{path}",
               "7. Evaluation report (written from the workbook; check one with evaltool lint-report): {path}"),
    "next": ("用 Excel、WPS 或 LibreOffice 打开以上文件查看；命令行用法见 evaltool --help。",
             "Open these files in Excel, WPS or LibreOffice; see evaltool --help for the commands."),
    "level1": ("一级指标", "Level-1 indicator"),
    "score": ("得分", "Score"),
    "total": ("总分", "Total"),
    "grade": ("等级", "Grade"),
    "sev": ("级别", "Severity"),
    "rule": ("规则", "Rule"),
    "where": ("位置", "Cell"),
    "message": ("说明", "Message"),
}


def _money(value: object) -> str:
    try:
        return f"{value:,.2f}"  # type: ignore[str-format]
    except (TypeError, ValueError):
        return "—"


@app.command()
def demo(
    folder: Annotated[Path, typer.Option("--dir", help="输出目录 / output folder")] = Path("evaltool-demo"),
    lang: LangOption = None,
    show: Annotated[int, typer.Option("--show", help="列出的问题条数 / findings to list")] = 8,
) -> None:
    """演示：模板 → 填报样例 → 校验 → 评分写回 → 汇总 / The whole job on the bundled sample."""
    lang = lang_of(lang)
    from evaltool.demo import run

    console = Console()
    console.print(text(MSG, "start", lang, folder=folder.resolve()))
    out = run(folder, lang=lang)
    res = out.result
    ev = res.evaluation
    console.print(text(MSG, "template", lang, path=out.template))
    console.print(text(MSG, "sample", lang, path=out.sample))
    rate = res.rates.get("variance_rate")
    console.print(text(MSG, "budget", lang, initial=_money(ev.scalar("budget_initial")),
                       final=_money(ev.scalar("final_expenditure")),
                       rate="—" if rate is None else f"{rate:.2%}"))
    for f in res.findings:  # the report's own 9.60% against the computed rate (RATE-5)
        if f.rule == "RATE-5":
            console.print(f"   {f.rule}：{render(f, lang)}" if lang == "zh" else f"   {f.rule}: {render(f, lang)}")

    shown = [f for f in res.findings if not f.explained]
    order = {"error": 0, "warning": 1, "info": 2}
    shown.sort(key=lambda f: order.get(f.severity, 3))
    counts = {s: sum(1 for f in shown if f.severity == s) for s in order}
    console.print(text(MSG, "checks", lang, errors=counts["error"], warnings=counts["warning"],
                       infos=counts["info"], n=min(show, len(shown))))
    if shown and show > 0:
        t = Table(expand=True)
        for col in ("sev", "rule", "where", "message"):
            t.add_column(text(MSG, col, lang), overflow="fold", ratio=1 if col == "message" else None)
        for f in shown[:show]:
            t.add_row(severity_label(f.severity, lang), f.rule, f"{f.sheet}!{f.cell}", render(f, lang))
        console.print(t)

    console.print(text(MSG, "scored", lang, path=out.scored))
    t = Table()
    t.add_column(text(MSG, "level1", lang))
    t.add_column(text(MSG, "score", lang), justify="right")
    for level1, value in res.subtotals.items():
        t.add_row(level1, f"{value:.2f}")
    t.add_row(f"[bold]{text(MSG, 'total', lang)}[/bold]", f"[bold]{res.total or 0:.2f}[/bold]")
    t.add_row(text(MSG, "grade", lang), res.grade or "—")
    console.print(t)
    console.print(text(MSG, "units", lang, n=len(out.units), folder=out.sample.parent))
    console.print(text(MSG, "summary", lang, path=out.summary))
    if out.report is not None:
        console.print(text(MSG, "report", lang, path=out.report))
    console.print(text(MSG, "next", lang))
