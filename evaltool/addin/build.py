"""Build ``evaltool_xl.xlam`` from xlwings' ribbon add-in template, without hand-authoring VBA.

Why: a VBA project cannot be written reliably without Excel (reference/excel-ecosystem.md
§1.9), but xlwings ships a compiled ribbon add-in (``quickstart_addin_ribbon.xlam``, what
``xlwings quickstart NAME --addin --ribbon`` copies) whose VBA does exactly what the button
needs: ``RibbonMyAddin.RunMain`` runs ``RunPython "import <m>;<m>.main()"`` where ``<m>`` is
the add-in's own file name without extension. So the build copies that package member by
member, replaces only the ribbon XML (tab 绩效评价, button 计算评分, same ``onAction``), and
names the file ``evaltool_xl.xlam`` so the VBA imports :mod:`evaltool.addin.evaltool_xl`.
Members keep their timestamps and order, so the build is byte-reproducible.

Left as shipped (changing them needs the VBA editor): the VBA project name ``PROJECT_NAME =
"myaddin"``, hence the config sheet name ``myaddin.conf`` and the user config file
``~/.myaddin/myaddin.conf``; the VBA project password ``xlwings``.

Example::

    python -m evaltool.addin.build macros/evaltool_xl.xlam
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

from evaltool.model import EvaltoolError

ADDIN_NAME = "evaltool_xl"
ADDIN_FILE = ADDIN_NAME + ".xlam"
TEMPLATE_FILE = "quickstart_addin_ribbon.xlam"
RUN_CALLBACK = "RibbonMyAddin.RunMain"  # the VBA Sub the shipped ribbon button calls
CHECK_CALLBACK = "RibbonEvaltool.RunCheck"  # only after importing macros/RibbonEvaltool.bas
PROJECT_NAME = "myaddin"  # xlwings' PROJECT_NAME constant inside the add-in's VBA
CUSTOM_UI = ("customUI/customUI.xml", "customUI/customUI14.xml")
NS_2006 = "http://schemas.microsoft.com/office/2006/01/customui"
NS_2009 = "http://schemas.microsoft.com/office/2009/07/customui"

TAB_LABEL = "绩效评价"
RUN_LABEL = "计算评分"
CHECK_LABEL = "仅校验"


class AddinBuildError(EvaltoolError, RuntimeError):
    """The xlwings template is missing or no longer has the expected ribbon callback."""

    code = "addin_build"


def template_path() -> Path:
    """Where the installed xlwings keeps its ribbon add-in template (no xlwings import)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise AddinBuildError("xlwings 未安装，无法生成加载项 / xlwings is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / TEMPLATE_FILE
    if not path.is_file():
        raise AddinBuildError(f"xlwings 缺少 {TEMPLATE_FILE} / xlwings lacks {path}")
    return path


def ribbon_xml(namespace: str = NS_2006, *, check_button: bool = False) -> str:
    """The add-in's ribbon: tab 绩效评价 with the 计算评分 button (and optionally 仅校验)."""

    def button(bid: str, label: str, action: str, image: str, tip: str) -> str:
        return (
            f'        <button id="{bid}" label={quoteattr(label)} size="large" onAction="{action}" '
            f'imageMso="{image}" screentip={quoteattr(label)} supertip={quoteattr(tip)} />\n'
        )

    buttons = button(
        "evaltoolRun", RUN_LABEL, RUN_CALLBACK, "MacroPlay",
        "校验并评分当前工作簿，结果直接写入工作簿（不保存、不关闭）。Check and score this workbook.",
    )  # fmt: skip
    if check_button:
        buttons += button(
            "evaltoolCheck", CHECK_LABEL, CHECK_CALLBACK, "MacroPlay",
            "只运行校验，刷新“校验结果”表和计算状态。Run the checks only.",
        )  # fmt: skip
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<customUI xmlns="{namespace}">\n'
        "  <ribbon>\n    <tabs>\n"
        f'      <tab id="evaltoolTab" label={quoteattr(TAB_LABEL)}>\n'
        '       <group id="evaltoolGroup" label="预算绩效评价">\n'
        f"{buttons}"
        "       </group>\n      </tab>\n    </tabs>\n  </ribbon>\n</customUI>\n"
    )


def build_addin(
    dest: str | os.PathLike[str], *, source: str | os.PathLike[str] | None = None, check_button: bool = False
) -> Path:
    """Write the add-in to ``dest`` (a directory or a path ending ``evaltool_xl.xlam``).

    The file name must stay ``evaltool_xl.xlam``: the VBA derives the Python module from it.
    ``check_button`` adds 仅校验, which works only after ``macros/RibbonEvaltool.bas`` has been
    imported into the add-in in Excel (see macros/README.md)."""
    target = Path(dest)
    if target.is_dir() or target.suffix == "":
        target = target / ADDIN_FILE
    if target.name != ADDIN_FILE:
        raise AddinBuildError(f"加载项文件名必须是 {ADDIN_FILE} / the add-in must be named {ADDIN_FILE}")
    src = Path(source) if source is not None else template_path()
    with zipfile.ZipFile(src) as zin:
        names = zin.namelist()
        if "customUI/customUI.xml" not in names or "xl/vbaProject.bin" not in names:
            raise AddinBuildError(f"{src} 不是带功能区的 xlwings 加载项 / not an xlwings ribbon add-in")
        original = zin.read("customUI/customUI.xml").decode("utf-8")
        if f'onAction="{RUN_CALLBACK}"' not in original:
            raise AddinBuildError(f"{src}: ribbon callback {RUN_CALLBACK} not found; xlwings changed its template")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".xlam", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w") as zout:
                for info in zin.infolist():
                    data = zin.read(info.filename)
                    if info.filename in CUSTOM_UI:
                        ns = NS_2006 if info.filename.endswith("customUI.xml") else NS_2009
                        data = ribbon_xml(ns, check_button=check_button).encode("utf-8")
                    out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                    out.compress_type = zipfile.ZIP_DEFLATED
                    out.external_attr = info.external_attr
                    zout.writestr(out, data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)  # mkstemp creates 0600; an add-in is an ordinary file
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return target


def module_source() -> Path:
    """The ``evaltool_xl.py`` shipped next to the add-in (this package's copy)."""
    return Path(__file__).with_name(ADDIN_NAME + ".py")


def main(argv: list[str] | None = None) -> int:
    """``python -m evaltool.addin.build [DEST] [--check-button]``: build and copy the module."""
    args = list(sys.argv[1:] if argv is None else argv)
    check_button = "--check-button" in args
    args = [a for a in args if a != "--check-button"]
    dest = Path(args[0]) if args else Path.cwd() / ADDIN_FILE
    path = build_addin(dest, check_button=check_button)
    module = path.with_name(ADDIN_NAME + ".py")
    if module.resolve() != module_source().resolve():
        module.write_bytes(module_source().read_bytes())
    print(f"已生成 {path} 和 {module}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
