"""``evaltool frameworks``: list, copy and export evaluation frameworks.

Why: a bureau adapts evaltool with its own framework files, kept in its own folder
(``$EVALTOOL_HOME/frameworks`` or the config folder's ``frameworks``) or anywhere on disk —
never by editing the installed package. These commands show which frameworks exist and where
each comes from, start a new one from a bundled one, and turn a workbook's rule sheets back
into a framework file.

Example::

    evaltool frameworks                                   # list: id, name, weights, file
    evaltool frameworks --explain dept-2013               # every indicator: formula, source, standing
    evaltool frameworks new --from dept-overall -o 本局部门整体.yaml
    evaltool frameworks export 某局.xlsx -o 本局部门整体.yaml
    evaltool template --framework 本局部门整体.yaml --unit 某局 --year 2024 -o 某局.xlsx
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from evaltool.cli import LangOption, app, fail, lang_of, need_path
from evaltool.frameworks import FrameworkError, load_framework
from evaltool.frameworks.locate import BUNDLED, list_framework_files
from evaltool.messages import error_text, text

COLUMNS = (("编号", "名称", "版本", "一级指标分值", "三级指标数", "规则集", "文件"),
           ("id", "name", "version", "weights per level 1", "indicators", "rule sets", "file"))
MSG = {
    "title": ("评价框架", "Frameworks"),
    "bundled": ("内置", "bundled"),
    "unreadable": ("无法读取", "unreadable"),
    "missing_sets": ("（缺少 {sets}）", " (missing {sets})"),
    "exists": ("{path} 已存在（--force 覆盖）", "{path} exists (use --force)"),
    "not_yaml": ("输出文件须为 .yaml：{path}", "the output must be a .yaml file: {path}"),
    "not_loading": ("写出的框架未通过检查：{error}", "the written framework does not load: {error}"),
}

frameworks_app = typer.Typer(help="评价框架：列出、新建、导出 / frameworks: list, new, export",
                             invoke_without_command=True, no_args_is_help=False)
app.add_typer(frameworks_app, name="frameworks")


@frameworks_app.callback()
def frameworks(
    ctx: typer.Context,
    lang: LangOption = None,
    explain: Annotated[str | None, typer.Option(
        "--explain", help="逐项说明一个框架（编号或 .yaml 文件）：公式、依据与效力 / explain one framework: "
                          "formula, source and standing of every indicator, method and rate")] = None,
) -> None:
    """列出评价框架及一级指标分值 / List frameworks with their weights per 一级指标."""
    lg = lang_of(lang)
    ctx.obj = lg
    if ctx.invoked_subcommand is not None:
        return
    if explain is not None:
        from evaltool.frameworks.explain import explain as explain_text

        try:
            fw = load_framework(explain)
        except FrameworkError as exc:
            typer.echo(f"错误 / error: {exc}", err=True)
            raise typer.Exit(2) from exc
        typer.echo(explain_text(fw))
        return
    li = 1 if lg == "en" else 0
    table = Table(title=text(MSG, "title", lg))
    for col in COLUMNS[li]:
        table.add_column(col)
    for fid, path in list_framework_files().items():
        where = text(MSG, "bundled", lg) if path.parent == BUNDLED else str(path)
        try:
            fw = load_framework(path)
        except FrameworkError as exc:
            table.add_row(fid, f"[red]{text(MSG, 'unreadable', lg)}[/red]", "", str(exc), "", "", where)
            continue
        weights = ("、" if li == 0 else ", ").join(f"{lv.name} {lv.weight}" for lv in fw.levels)
        sets = ", ".join(fw.rule_sets) + (text(MSG, "missing_sets", lg, sets=", ".join(fw.missing_rule_sets))
                                          if fw.missing_rule_sets else "")
        table.add_row(fw.id, fw.name, fw.version, weights, str(len(fw.indicators)), sets, where)
    Console(width=200).print(table)


def _write(doc: dict[str, Any], rules: list[dict[str, Any]], output: Path, force: bool, lang: str) -> None:
    """Write ``output`` and its rule set ``rules/<stem>.yaml`` beside it; check it loads."""
    from evaltool.frameworks.export import dump
    from evaltool.io.atomic import atomic_write_bytes

    rules_path = output.parent / "rules" / f"{output.stem}.yaml"
    for p in (output, rules_path):
        if p.exists() and not force:
            fail(lang, text(MSG, "exists", lang, path=p))
    doc = {**doc, "id": output.stem, "rule_sets": [output.stem]}
    rules_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(rules_path, ("# 校验规则（每条写入模板的“校验规则”表）。\n" + dump(rules)).encode("utf-8"))
    header = (f"# 评价框架 {output.stem}：一级/二级/三级指标、评分方法、等级标准、参数。\n"
              "# 编辑后用 `evaltool template --framework 本文件` 出模板；规则集在 rules/ 下同名文件。\n")
    atomic_write_bytes(output, (header + dump(doc)).encode("utf-8"))
    try:
        load_framework(output, strict=True)
    except FrameworkError as exc:
        fail(lang, text(MSG, "not_loading", lang, error=exc), 1)
    typer.echo(f"{output}\n{rules_path}")


def _checked(ctx: typer.Context, output: Path) -> str:
    """The chosen language, after refusing an output that is not a ``.yaml`` file."""
    lang = str(ctx.obj or lang_of())
    if output.suffix not in (".yaml", ".yml"):
        fail(lang, text(MSG, "not_yaml", lang, path=output))
    return lang


@frameworks_app.command("new")
def new(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="新框架文件 <编号>.yaml / new file")],
    source: Annotated[str, typer.Option("--from", help="复制的框架（编号或文件） / framework to copy")] = "dept-overall",
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件 / overwrite")] = False,
) -> None:
    """从已有框架新建一个可编辑的框架文件 / Start a framework file from an existing one."""
    from evaltool.frameworks.export import framework_document

    lang = _checked(ctx, output)
    try:
        doc, rules = framework_document(source, new_id=output.stem)
    except FrameworkError as exc:
        fail(lang, str(exc))
    _write(doc, rules, output, force, lang)


@frameworks_app.command("export")
def export(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="框架编号，或工作簿 .xlsx / framework id or workbook")],
    output: Annotated[Path, typer.Option("--output", "-o", help="框架文件 <编号>.yaml / output file")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件 / overwrite")] = False,
) -> None:
    """导出框架（或工作簿的规则表）为框架文件 / Export a framework, or a workbook's rule sheets."""
    from evaltool.frameworks.export import framework_document, workbook_document
    from evaltool.model import TemplateError

    lang = _checked(ctx, output)
    try:
        if source.lower().endswith((".xlsx", ".xlsm")):
            from evaltool.io.reader import load

            need_path(Path(source), lang, "file")
            doc, rules = workbook_document(load(source), output.stem)
        else:
            doc, rules = framework_document(source, new_id=output.stem)
    except (FrameworkError, TemplateError) as exc:
        fail(lang, error_text(exc, lang))
    _write(doc, rules, output, force, lang)
