"""``evaltool addin build|install``: the Excel add-in with the 计算评分 button.

Why: accountants press a ribbon button inside Excel; the add-in is generated from xlwings'
ribbon template (:mod:`evaltool.addin.build`) and installed with its configuration
(:mod:`evaltool.addin.install`). On Linux ``install`` prints the manual steps and exits 0.

Example::

    evaltool addin build macros/
    evaltool addin install --lang en
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evaltool.addin.build import ADDIN_FILE, build_addin, module_source
from evaltool.addin.install import install as do_install
from evaltool.cli import LangOption, app, lang_of

addin_app = typer.Typer(help="Excel 加载项（功能区“计算评分”按钮）/ the Excel add-in", no_args_is_help=True)
app.add_typer(addin_app, name="addin")


@addin_app.command("build")
def build(
    dest: Annotated[Path, typer.Argument(help="输出目录或 evaltool_xl.xlam 路径 / output dir or path")] = Path("."),
    check_button: Annotated[bool, typer.Option("--check-button", help="加上“仅校验”按钮（需导入 .bas）")] = False,
) -> None:
    """生成加载项 evaltool_xl.xlam 及其 Python 模块 / Build the add-in and its module."""
    path = build_addin(dest, check_button=check_button)
    module = path.with_name(module_source().name)
    if module.resolve() != module_source().resolve():
        module.write_bytes(module_source().read_bytes())
    typer.echo(f"{path}\n{module}")


@addin_app.command("install")
def install(
    addin: Annotated[Path | None, typer.Option("--file", "-f", help=f"已生成的 {ADDIN_FILE}（默认现生成）")] = None,
    lang: LangOption = None,
    libreoffice: Annotated[
        bool, typer.Option("--libreoffice", help="安装 LibreOffice 扩展 evaltool.oxt / the LibreOffice extension")
    ] = False,
    shared: Annotated[
        bool, typer.Option("--shared", help="为本机所有用户安装（root 时必须）/ for all users (required as root)")
    ] = False,
    profile: Annotated[
        Path | None, typer.Option("--profile", help="LibreOffice 用户配置目录（默认为当前用户的）/ LibreOffice profile dir")
    ] = None,
) -> None:
    """安装加载项并写入配置；Linux 上打印手动步骤 / Install the add-in (prints steps on Linux).

    --libreoffice 安装 LibreOffice Calc 的扩展（菜单与工具栏“计算评分”“仅校验”）。"""
    lang = lang_of(lang)
    if libreoffice:
        from evaltool.addin.lo_install import install_libreoffice

        code, message = install_libreoffice(lang, shared=shared, profile=profile)
        typer.echo(message)
        raise typer.Exit(code)
    code, message = do_install(lang, addin=addin)
    typer.echo(message)
    raise typer.Exit(code)


@addin_app.command("bundle")
def bundle(
    out: Annotated[Path, typer.Option("--out", "-o", help="输出的 zip 文件 / output zip")] = Path(
        "evaltool-offline-win64.zip"
    ),
    python: Annotated[
        list[str] | None, typer.Option("--python", help="Python 版本（可多次给出；默认 3.11–3.14）/ Python versions")
    ] = None,
    wheel: Annotated[Path | None, typer.Option("--wheel", help="已构建的 evaltool wheel（默认从源代码构建）")] = None,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help="pip 下载缓存目录 / pip cache")] = None,
) -> None:
    """生成 Windows 离线安装包（wheel、加载项、install.bat）/ Build the offline bundle for Windows."""
    from evaltool.addin.bundle import PYTHONS, BundleError, build_bundle

    try:
        path = build_bundle(out, pythons=tuple(python or PYTHONS), wheel=wheel, cache_dir=cache_dir)
    except BundleError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{path}（{path.stat().st_size / 1e6:.1f} MB）：解压后双击 install.bat。/ Unzip and run install.bat.")
