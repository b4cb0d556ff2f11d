"""``evaltool template``: write a template workbook for a unit and year.

Why: the bureau's everyday command to issue a template. ``--framework`` takes a bundled or
bureau framework id, or a path to the bureau's own framework file (``evaltool frameworks``).

Example::

    evaltool template --framework ./本局部门整体.yaml --unit 某局 --year 2024 -o 某局.xlsx
    evaltool template --framework dept-overall --unit 北京市西城区妇女联合会 --year 2023 -o out.xlsx
    evaltool template --targets 目标表.xlsx --unit-code 110102-FL --year 2024 -o 区妇联.xlsx

``--targets FILE`` (docs/targets.md) locks the bureau's approved targets and the unit's own
indicators into the template; ``--unit-code`` picks the unit's rows (the only unit of the file
when omitted) and ``--unit`` defaults to the file's 单位名称.
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
    targets: Annotated[Path | None, typer.Option("--targets", help="目标表 (.xlsx/.csv，见 docs/targets.md) / approved targets file")] = None,
) -> None:
    """生成评价模板工作簿 / Write a template workbook."""
    from evaltool.frameworks.targets import TargetsError, pick_unit
    from evaltool.integrity import keys
    from evaltool.io.targets import read_targets
    from evaltool.template import write_template

    lang = lang_of(lang)
    try:
        rows = None
        if targets is not None:
            rows = pick_unit(read_targets(targets), unit_code, targets.name)
            unit_code = unit_code or rows[0].unit_code
            unit = unit or next((r.unit_name for r in rows if r.unit_name), "")
        path = write_template(framework, output, unit_name=unit, unit_code=unit_code, year=year, lang=lang,
                              password=password, signer=keys.signer(),  # bureau key, if `evaltool keygen` ran
                              targets=rows, targets_source=targets.name if targets else "")
    except FrameworkError as exc:
        fail(lang, str(exc))
    except TargetsError as exc:
        fail(lang, exc.en if lang == "en" else exc.zh)
    except OSError as exc:  # the output cannot be written there
        fail(lang, text(MSG, "write_failed", lang, path=output, error=exc.strerror or exc))
    typer.echo(str(path))
