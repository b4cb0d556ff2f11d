"""``evaltool template``: write a template workbook for a unit and year.

Why: the bureau's everyday command to issue a template. ``--framework`` takes a bundled or
bureau framework id, or a path to the bureau's own framework file (``evaltool frameworks``).

Example::

    evaltool template --framework ./本局部门整体.yaml --unit 某局 --year 2024 -o 某局.xlsx
    evaltool template --framework dept-overall --unit 北京市西城区妇女联合会 --year 2023 -o out.xlsx
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evaltool.cli import LangOption, app, fail, lang_of
from evaltool.frameworks import FrameworkError
from evaltool.messages import text

MSG = {
    "write_failed": ("{path}：无法写入：{error}", "{path}: cannot write: {error}"),
}


@app.command()
def template(
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件 (.xlsx) / output path")],
    framework: Annotated[str, typer.Option("--framework", "-f", help="评价框架编号或 .yaml 文件 / framework id or file")] = "dept-overall",
    unit: Annotated[str, typer.Option("--unit", "-u", help="单位名称 / unit name")] = "",
    unit_code: Annotated[str, typer.Option("--unit-code", help="单位编码 / unit code")] = "",
    year: Annotated[int | None, typer.Option("--year", "-y", help="评价年度 / evaluation year")] = None,
    lang: LangOption = None,
    password: Annotated[str | None, typer.Option("--password", help="工作表保护密码 / protection password")] = None,
) -> None:
    """生成评价模板工作簿 / Write a template workbook."""
    from evaltool.integrity import keys
    from evaltool.template import write_template

    lang = lang_of(lang)
    try:
        path = write_template(framework, output, unit_name=unit, unit_code=unit_code, year=year, lang=lang,
                              password=password, signer=keys.signer())  # bureau key, if `evaltool keygen` ran
    except FrameworkError as exc:
        fail(lang, str(exc))
    except OSError as exc:  # the output cannot be written there
        fail(lang, text(MSG, "write_failed", lang, path=output, error=exc.strerror or exc))
    typer.echo(str(path))
