"""Install the add-in and write its configuration (interpreter, PYTHONPATH) for the button.

Why: the add-in's VBA (xlwings' ``RunPython``) starts the interpreter named in its config and
imports ``evaltool_xl`` from ``PYTHONPATH``. Its VBA project is xlwings' template with
``PROJECT_NAME = "myaddin"``, so the config it reads is the add-in's ``myaddin.conf`` sheet or
the *user file* ``%USERPROFILE%\\.myaddin\\myaddin.conf`` (Windows) /
``~/Library/Containers/com.microsoft.Excel/Data/myaddin.conf`` (macOS) — not
``~/.xlwings/xlwings.conf``. Installing therefore (1) copies the .xlam into Excel's XLSTART
with ``xlwings addin install -f``, (2) copies ``evaltool_xl.py`` alone into ``~/.evaltool/xl``
and (3) writes that user file with this interpreter, ``PYTHONPATH`` = ``~/.evaltool/xl``, and
``ADD_WORKBOOK_TO_PYTHONPATH=false`` so a stray ``evaltool_xl.py`` next to a received workbook
is never imported. On Linux there is no Excel: the steps are printed instead.

File format (read by the VBA ``Input #`` statement): one ``"KEY","value"`` line per key.

Example::

    write_config(config_path("win32", home), {"INTERPRETER_WIN": r"C:\\Py\\pythonw.exe"})
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path, PureWindowsPath

from evaltool.addin.build import ADDIN_FILE, ADDIN_NAME, PROJECT_NAME, build_addin, module_source
from evaltool.messages import text

MSG: dict[str, tuple[str, str]] = {
    "linux": (
        "此电脑是 Linux，没有 Excel，加载项无法在这里安装。请在装有 Excel 的 Windows 或 macOS 电脑上：\n"
        "  1. 安装 Python 3.11+（python.org 的安装包，经本单位软件渠道获取），然后运行离线安装包里的 install.bat\n"
        "     （主管部门用 evaltool addin bundle 生成；或安装本仓库生成的 yusuan_jixiao-….whl，xlwings=={xlwings}）。\n"
        "     注意：软件包索引上名为 evaltool 的是另一个无关的项目，不要从索引安装。\n"
        "  2. 运行：evaltool addin install（复制 {addin} 到 Excel 启动文件夹并写入配置 {conf}）\n"
        "  3. 重新打开 Excel，功能区出现“绩效评价”选项卡，打开填好的模板，点“计算评分”。\n"
        "加载项文件：{path}\n"
        "LibreOffice 用户：evaltool addin install --libreoffice（root 时加 --shared）安装 Calc 的“计算评分”扩展。\n"
        "WPS 用户：xlwings 不支持 WPS；工作簿里已写入的公式（得分、比率、校验结果）在 WPS 中照常计算，"
        "完整校验请运行：evaltool check 文件.xlsx\n"
        "详见 macros/README.md。",
        "This is Linux: there is no Excel here, so the add-in cannot be installed. On a Windows or "
        "macOS computer with Excel:\n"
        "  1. Install Python 3.11+ (python.org's installer, from your office's software channel), then run\n"
        "     install.bat from the offline bundle (built by the bureau with evaltool addin bundle; or install the\n"
        "     yusuan_jixiao-….whl built from this repository, xlwings=={xlwings}). The package named evaltool on\n"
        "     the public index is an unrelated project: never install it.\n"
        "  2. Run: evaltool addin install (copies {addin} into Excel's startup folder and writes the "
        "config {conf})\n"
        "  3. Restart Excel; the ribbon shows the tab 绩效评价; open a filled template and press 计算评分.\n"
        "Add-in file: {path}\n"
        "LibreOffice users: evaltool addin install --libreoffice (--shared as root) installs the Calc extension.\n"
        "WPS users: xlwings does not drive WPS; the formulas already in the workbook (scores, rates, "
        "checks) keep working there; for the full check run: evaltool check FILE.xlsx\n"
        "See macros/README.md.",
    ),
    "installed": (
        "已安装加载项 {addin}，配置已写入 {conf}。请重新启动 Excel。",
        "Installed the add-in {addin}; configuration written to {conf}. Please restart Excel.",
    ),
    "xlwings_failed": (
        "xlwings 安装加载项失败（退出码 {rc}）：{detail}\n可手动把 {path} 复制到 Excel 的 XLSTART 文件夹。",
        "xlwings could not install the add-in (exit code {rc}): {detail}\n"
        "Copy {path} into Excel's XLSTART folder by hand.",
    ),
}


def config_path(platform: str = sys.platform, home: Path | None = None) -> Path:
    """Where the add-in's VBA looks for the user config file (``GetConfigFilePath``)."""
    home = home or Path.home()
    if platform == "darwin":
        return home / "Library/Containers/com.microsoft.Excel/Data" / f"{PROJECT_NAME}.conf"
    return home / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"


def module_dir(home: Path | None = None) -> Path:
    """A folder holding only ``evaltool_xl.py``: what goes on the button's PYTHONPATH (putting
    ``evaltool/addin`` there would also expose its ``build``/``install`` as top-level modules)."""
    return (home or Path.home()) / ".evaltool" / "xl"


def install_module(home: Path | None = None) -> Path:
    """Copy ``evaltool_xl.py`` into :func:`module_dir` (re-run after upgrading evaltool)."""
    target = module_dir(home) / module_source().name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(module_source().read_bytes())
    return target


def default_settings(
    platform: str = sys.platform, executable: str = sys.executable, home: Path | None = None
) -> dict[str, str]:
    """Interpreter + PYTHONPATH for the button, for the Python running this code."""
    exe = Path(executable)
    settings = {"PYTHONPATH": str(module_dir(home)), "ADD_WORKBOOK_TO_PYTHONPATH": "false"}
    if platform.startswith("win"):
        pythonw = exe.with_name("pythonw.exe")
        settings["INTERPRETER_WIN"] = str(pythonw if pythonw.exists() else exe)
    else:
        settings["INTERPRETER_MAC"] = str(exe)
    return settings


def read_config(path: Path) -> dict[str, str]:
    """Parse ``"KEY","value"`` lines (keys upper-cased, as the VBA compares case-insensitively)."""
    out: dict[str, str] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition(",")
        if sep:
            out[key.strip().strip('"').upper()] = value.strip().strip('"')
    return out


def write_config(path: Path, settings: Mapping[str, str]) -> Path:
    """Merge ``settings`` into the config file at ``path`` (other keys are kept)."""
    for key, value in settings.items():
        if '"' in value or '"' in key or "\n" in value:
            raise ValueError(f"config value for {key} must not contain quotes or newlines")
    merged = read_config(path)
    merged.update({k.upper(): v for k, v in settings.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'"{k}","{v}"\n' for k, v in merged.items()), encoding="utf-8")
    return path


def manual_steps(lang: str = "zh", addin: Path | None = None) -> str:
    """The steps to print where Excel is not available."""
    try:
        from importlib.metadata import version

        xlwings_version = version("xlwings")
    except Exception:  # pragma: no cover - xlwings is a dependency
        xlwings_version = "0.37.8"
    shipped = Path(__file__).resolve().parents[2] / "macros" / ADDIN_FILE  # in a source checkout
    path = addin or (shipped if shipped.is_file() else "evaltool addin build <目录/dir>")
    conf = PureWindowsPath("%USERPROFILE%", f".{PROJECT_NAME}", f"{PROJECT_NAME}.conf")
    return text(MSG, "linux", lang, xlwings=xlwings_version, addin=ADDIN_FILE, conf=conf, path=path)


def install(lang: str = "zh", *, platform: str = sys.platform, addin: Path | None = None) -> tuple[int, str]:
    """Install on Windows/macOS (``xlwings addin install -f``) and write the config.

    Returns ``(exit code, message)``; never raises for the expected failures."""
    if not (platform.startswith("win") or platform == "darwin"):
        return 0, manual_steps(lang, addin)
    if addin is None:
        addin = build_addin(Path(tempfile.gettempdir()) / "evaltool-addin" / ADDIN_FILE)
    proc = subprocess.run(
        [sys.executable, "-m", "xlwings.cli", "addin", "install", "-f", str(addin)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        return proc.returncode, text(MSG, "xlwings_failed", lang, rc=proc.returncode, detail=detail[0], path=addin)
    install_module()
    conf = write_config(config_path(platform), default_settings(platform))
    return 0, text(MSG, "installed", lang, addin=f"{ADDIN_NAME}.xlam", conf=conf)
