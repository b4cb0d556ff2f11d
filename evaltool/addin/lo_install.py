"""``evaltool addin install --libreoffice``: install the LibreOffice extension and its configuration.

Why: the extension's macro runs in LibreOffice's Python and calls the engine in *this*
evaltool installation, so installing (1) writes ``libreoffice.json`` (this interpreter and the
folder evaltool is imported from) into the evaltool config folder, (2) builds ``evaltool.oxt``
with the same configuration embedded (what other users of a ``--shared`` install fall back
to) and (3) runs ``unopkg add``: per user by default, for all users with ``--shared``.
unopkg refuses a per-user install when run as root ("Cannot run unopkg as root without
--shared or --bundled option"), so as root ``--shared`` is required, and the extension's
command URLs then name ``share:uno_packages``.

``profile`` (a folder) installs into that LibreOffice user profile instead of the default one;
with ``--shared`` the shared extension cache goes there too (``UNO_SHARED_PACKAGES_CACHE``,
``SHARED_EXTENSIONS_USER``), so nothing outside the folder changes. Start soffice with
:func:`profile_args` to use it (tests and portable installations do).

Example::

    evaltool addin install --libreoffice                 # the current user
    sudo evaltool addin install --libreoffice --shared   # every user of this computer
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import evaltool
from evaltool.addin.oxt import OXT_FILE, build_oxt
from evaltool.integrity.keys import config_dir
from evaltool.messages import text

__all__ = ["CONFIG_FILE", "install_libreoffice", "profile_args", "unopkg_path", "engine_config"]

CONFIG_FILE = "libreoffice.json"

MSG: dict[str, tuple[str, str]] = {
    "installed": (
        "已安装 LibreOffice 扩展 {oxt}（{scope}）。配置已写入 {conf}。\n"
        "请重新启动 LibreOffice：Calc 的菜单栏出现“绩效评价”（计算评分、仅校验），工具栏“附加组件”里有同样两个按钮。",
        "Installed the LibreOffice extension {oxt} ({scope}); configuration written to {conf}.\n"
        "Restart LibreOffice: Calc shows the menu 绩效评价 (计算评分, 仅校验) and the same two buttons in the "
        "add-on toolbar.",
    ),
    "scope_user": ("当前用户", "current user"),
    "scope_shared": ("本机所有用户", "all users"),
    "no_unopkg": (
        "找不到 LibreOffice 的 unopkg。请先安装 LibreOffice，或用“工具 › 扩展管理器 › 添加”手动安装 {oxt}。",
        "LibreOffice's unopkg was not found. Install LibreOffice, or add {oxt} with Tools › Extension Manager › Add.",
    ),
    "root": (
        "以 root 身份运行时 unopkg 不能为单个用户安装扩展：请加 --shared（为本机所有用户安装），或以普通用户身份运行。",
        "unopkg cannot install for a single user when run as root: add --shared (all users) or run as an "
        "ordinary user.",
    ),
    "unopkg_failed": (
        "unopkg 安装扩展失败（退出码 {rc}）：{detail}\n可在 LibreOffice 中用“工具 › 扩展管理器 › 添加”手动安装 {oxt}。",
        "unopkg could not install the extension (exit code {rc}): {detail}\n"
        "Add {oxt} by hand with Tools › Extension Manager › Add.",
    ),
}


def unopkg_path() -> str | None:
    """LibreOffice's ``unopkg`` (``unopkg.com`` on Windows), on PATH or next to soffice."""
    for name in ("unopkg", "unopkg.com"):
        found = shutil.which(name)
        if found:
            return found
    soffice = shutil.which("soffice") or shutil.which("soffice.exe")
    if soffice:
        for name in ("unopkg", "unopkg.com", "unopkg.exe"):
            candidate = Path(soffice).resolve().with_name(name)
            if candidate.is_file():
                return str(candidate)
    if sys.platform == "win32":
        for base in (os.environ.get("ProgramFiles", ""), os.environ.get("ProgramFiles(x86)", "")):
            candidate = Path(base) / "LibreOffice" / "program" / "unopkg.com"
            if base and candidate.is_file():
                return str(candidate)
    return None


def profile_args(profile: Path | None, shared: bool = False) -> list[str]:
    """``-env:`` arguments that point unopkg/soffice at ``profile`` (and its shared cache)."""
    if profile is None:
        return []
    root = Path(profile).resolve()
    args = [f"-env:UserInstallation={root.as_uri()}"]
    if shared:
        args += [
            f"-env:UNO_SHARED_PACKAGES_CACHE={(root / 'shared' / 'cache').as_uri()}",
            f"-env:SHARED_EXTENSIONS_USER={(root / 'shared' / 'ext').as_uri()}",
        ]
    return args


def engine_config() -> dict[str, str]:
    """This installation as the macro calls it: interpreter and the folder evaltool lives in."""
    exe = Path(sys.executable)
    if sys.platform == "win32" and exe.name.lower() == "pythonw.exe":
        exe = exe.with_name("python.exe")  # the macro talks to it over stdin/stdout
    package_root = Path(evaltool.__file__).resolve().parents[1]
    return {"python": str(exe), "pythonpath": str(package_root), "version": evaltool.__version__}


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def install_libreoffice(
    lang: str = "zh", *, shared: bool = False, profile: Path | None = None, config_folder: Path | None = None
) -> tuple[int, str]:
    """Write the configuration, build the extension and add it with unopkg; ``(exit code, message)``."""
    if _is_root() and not shared:
        return 2, text(MSG, "root", lang)
    config = engine_config()
    folder = config_folder or config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / CONFIG_FILE
    conf.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    build_dir = Path(tempfile.mkdtemp(prefix="evaltool-oxt-"))
    oxt = build_oxt(build_dir / OXT_FILE, location="share" if shared else "user", config=config)
    unopkg = unopkg_path()
    if unopkg is None:
        return 1, text(MSG, "no_unopkg", lang, oxt=oxt)
    cmd = [unopkg, "add", "--force", "--suppress-license"]
    if shared:
        cmd.append("--shared")
    cmd += [*profile_args(profile, shared), str(oxt)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    out = (proc.stderr + proc.stdout).strip()
    if proc.returncode != 0 or "ERROR" in out:
        detail = next((ln for ln in out.splitlines() if "ERROR" in ln), out.splitlines()[-1] if out else "")
        return proc.returncode or 1, text(MSG, "unopkg_failed", lang, rc=proc.returncode, detail=detail, oxt=oxt)
    scope = text(MSG, "scope_shared" if shared else "scope_user", lang)
    return 0, text(MSG, "installed", lang, oxt=OXT_FILE, scope=scope, conf=conf)
