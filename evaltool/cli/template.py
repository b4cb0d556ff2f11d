"""``evaltool template`` (write a template workbook) and ``evaltool frameworks`` (list them).

Why: the bureau's two everyday commands: see which frameworks exist with their weights per
一级指标, and issue a template for a unit and year.

Example::

    evaltool frameworks
    evaltool template --framework dept-overall --unit 北京市西城区妇女联合会 --year 2023 -o out.xlsx
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from evaltool.cli import app
from evaltool.frameworks import FrameworkError, list_frameworks, load_framework


@app.command()
def template(
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件 (.xlsx) / output path")],
    framework: Annotated[str, typer.Option("--framework", "-f", help="评价框架编号 / framework id")] = "dept-overall",
    unit: Annotated[str, typer.Option("--unit", "-u", help="单位名称 / unit name")] = "",
    unit_code: Annotated[str, typer.Option("--unit-code", help="单位编码 / unit code")] = "",
    year: Annotated[int | None, typer.Option("--year", "-y", help="评价年度 / evaluation year")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh | en")] = "zh",
    password: Annotated[str | None, typer.Option("--password", help="工作表保护密码 / protection password")] = None,
) -> None:
    """生成评价模板工作簿 / Write a template workbook."""
    from evaltool.integrity import keys
    from evaltool.template import write_template

    if lang not in ("zh", "en"):
        raise typer.BadParameter("--lang 须为 zh 或 en / must be zh or en")
    try:
        path = write_template(framework, output, unit_name=unit, unit_code=unit_code, year=year, lang=lang,
                              password=password, signer=keys.signer())  # bureau key, if `evaltool keygen` ran
    except FrameworkError as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(str(path))


@app.command()
def frameworks() -> None:
    """列出评价框架及一级指标分值 / List frameworks with their weights per 一级指标."""
    table = Table(title="评价框架 / frameworks")
    for col in ("编号 id", "名称 name", "版本", "一级指标分值 weights", "三级指标数", "规则集"):
        table.add_column(col)
    for fid in list_frameworks():
        fw = load_framework(fid)
        weights = "、".join(f"{lv.name} {lv.weight}" for lv in fw.levels)
        sets = ", ".join(fw.rule_sets) + (f"（缺少 {', '.join(fw.missing_rule_sets)}）" if fw.missing_rule_sets else "")
        table.add_row(fw.id, fw.name, fw.version, weights, str(len(fw.indicators)), sets)
    Console().print(table)
