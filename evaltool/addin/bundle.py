"""``evaltool addin bundle``: the offline installer for Windows accountants (a zip).

Why: government office PCs often have no internet access, or only an approved software
channel, so ``pip install`` from the package index is not a way in (and "evaltool" on the
public index is an unrelated project: never install that). The bundle holds everything
else: the wheels for win_amd64 and every supported Python version (``pip download
--platform win_amd64 --only-binary=:all:``), this repository's own wheel (distribution
``yusuan-jixiao``, import package ``evaltool``), the Excel add-in and the module behind its
button, the LibreOffice extension, and ``install.bat``, which installs into the user's own
Python without administrator rights and without network (``pip install --no-index
--find-links wheels``), installs and configures the add-in (interpreter, PYTHONPATH) and
prints what to do in Excel. Python itself cannot be bundled here: the user gets python.org's
per-user installer through the office's software channel (install.bat says so when no
suitable Python is found).

xlwings is pinned to the version this bundle's add-in was built from, so the add-in's VBA and
the Python side match.

Layout of the zip::

    install.bat   说明.txt   evaltool_xl.xlam   evaltool_xl.py   evaltool.oxt
    wheels/yusuan_jixiao-0.1.0-py3-none-any.whl  wheels/pandas-…-cp311-cp311-win_amd64.whl …

Example::

    evaltool addin bundle -o evaltool-offline-win64.zip
    evaltool addin bundle -o b.zip --python 3.11 --cache-dir ~/.cache/evaltool-bundle
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from importlib.metadata import version as dist_version
from pathlib import Path

import evaltool
from evaltool.addin.build import build_addin, module_source
from evaltool.addin.oxt import build_oxt
from evaltool.model import EvaltoolError

__all__ = ["DIST_NAME", "PYTHONS", "BundleError", "build_bundle", "install_bat", "readme_text", "own_wheel"]

DIST_NAME = "yusuan-jixiao"  # pyproject [project].name; "evaltool" on the index is someone else's
PYTHONS = ("3.11", "3.12", "3.13", "3.14")  # xlwings 0.37.8 (the add-in bundled) needs Python >= 3.11
PLATFORM = "win_amd64"


class BundleError(EvaltoolError, RuntimeError):
    """The bundle could not be built (no source tree, pip failed)."""

    code = "addin_bundle"


def _source_root() -> Path:
    root = Path(evaltool.__file__).resolve().parents[1]
    project = root / "pyproject.toml"
    if not project.is_file() or f'name = "{DIST_NAME}"' not in project.read_text(encoding="utf-8"):
        raise BundleError(
            "需要在 evaltool 源代码目录（含 pyproject.toml）中运行，或用 --wheel 指定已构建的 wheel。"
            " / Run from a clone of the repository, or pass --wheel."
        )
    return root


def _pip(args: Sequence[str], what: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
        raise BundleError(f"{what} failed (pip exit code {proc.returncode}):\n{tail}")


def own_wheel(dest: Path) -> Path:
    """Build this repository's wheel into ``dest`` from a clean copy of the sources (nothing
    is written into the clone: no build/ or egg-info)."""
    root = _source_root()
    with tempfile.TemporaryDirectory(prefix="evaltool-wheel-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(root / "evaltool", src / "evaltool", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(root / name, src / name)
        _pip(["wheel", "--no-deps", "-q", "-w", str(dest), str(src)], "building the evaltool wheel")
    wheels = sorted(dest.glob(f"{DIST_NAME.replace('-', '_')}-*.whl"))
    if not wheels:
        raise BundleError(f"no {DIST_NAME} wheel was built in {dest}")
    return wheels[-1]


def windows_environment(python: str) -> dict[str, str]:
    """PEP 508 marker values of 64-bit CPython ``python`` on Windows."""
    return {
        "implementation_name": "cpython", "implementation_version": f"{python}.0", "os_name": "nt",
        "platform_machine": "AMD64", "platform_python_implementation": "CPython", "platform_release": "10",
        "platform_system": "Windows", "platform_version": "10.0", "python_full_version": f"{python}.0",
        "python_version": python, "sys_platform": "win32", "extra": "",
    }  # fmt: skip


def _fits(wheel_name: str, python: str) -> bool:
    from packaging.utils import parse_wheel_filename

    _name, _version, _build, tags = parse_wheel_filename(wheel_name)
    cp = "cp" + python.replace(".", "")
    for tag in tags:
        if tag.platform not in ("any", PLATFORM):
            continue
        if tag.interpreter in (cp, "py3", "py2.py3") or (tag.abi == "abi3" and tag.interpreter.startswith("cp3")
                                                          and int(tag.interpreter[3:]) <= int(cp[3:])):  # fmt: skip
            return True
    return False


def missing_for_windows(folder: Path, python: str, root: str = DIST_NAME) -> list[str]:
    """Requirements of ``root`` (recursively, with markers evaluated for Windows — which ``pip
    download --platform`` does not do: it evaluates ``sys_platform``/``platform_system`` markers
    for the machine it runs on) that no wheel in ``folder`` satisfies for ``python``."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name, parse_wheel_filename

    available: dict[str, list[tuple[object, Path]]] = {}
    for path in folder.glob("*.whl"):
        if _fits(path.name, python):
            name, version, _build, _tags = parse_wheel_filename(path.name)
            available.setdefault(name, []).append((version, path))
    env = windows_environment(python)
    missing: list[str] = []
    todo, seen = [Requirement(root)], set()
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        choices = [(v, p) for v, p in available.get(name, []) if req.specifier.contains(str(v), prereleases=True)]
        if not choices:  # without its marker: pip would evaluate it for this machine again
            extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
            missing.append(f"{req.name}{extras}{req.specifier}")
            continue
        _version, path = max(choices, key=lambda vp: vp[0])  # type: ignore[arg-type,return-value]
        if path in seen:
            continue
        seen.add(path)
        with zipfile.ZipFile(path) as zf:
            meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
            for line in zf.read(meta).decode("utf-8").splitlines():
                if line.startswith("Requires-Dist:"):
                    todo.append(Requirement(line.split(":", 1)[1].strip()))
    return sorted(set(missing))


def download_wheels(wheel: Path, dest: Path, pythons: Sequence[str], cache_dir: Path | None = None) -> None:
    """Every dependency of ``wheel`` as win_amd64 binary wheels, for each Python version, including
    the Windows-only ones (pywin32 for xlwings, colorama …) that pip's own resolution skips here."""
    pins = [f"xlwings=={dist_version('xlwings')}"]  # the add-in in the bundle is built from this xlwings
    for py in pythons:
        wanted = [str(wheel), *pins]
        for _round in range(6):
            args = ["download", "-q", "--dest", str(dest), "--only-binary=:all:", "--platform", PLATFORM,
                    "--python-version", py, "--implementation", "cp", *wanted]  # fmt: skip
            if cache_dir is not None:
                args += ["--cache-dir", str(cache_dir)]
            _pip(args, f"downloading the wheels for Python {py} ({PLATFORM})")
            wanted = missing_for_windows(dest, py)
            if not wanted:
                break
        else:
            raise BundleError(f"Python {py}: still missing for Windows: {', '.join(wanted)}")


def install_bat(pythons: Sequence[str] = PYTHONS) -> str:
    """The installer script (Windows line endings are added when written)."""
    low, high = pythons[0], pythons[-1]
    lo_t = ", ".join(low.split("."))
    hi_t = ", ".join(high.split("."))
    return f"""@echo off
rem evaltool offline installer: for the current user, no administrator rights, no network.
rem Installs {DIST_NAME} (import package evaltool) from the wheels folder next to this file,
rem then installs the Excel add-in and writes its configuration.
chcp 65001 >nul
setlocal EnableExtensions
set "HERE=%~dp0"
set "PY="
where py >nul 2>nul && set "PY=py -3"
if not defined PY (where python >nul 2>nul && set "PY=python")
if not defined PY goto nopython
%PY% -c "import sys; raise SystemExit(0 if ({lo_t}) <= sys.version_info[:2] <= ({hi_t}) and sys.maxsize > 2**32 else 1)"
if errorlevel 1 goto nopython

echo [1/3] 正在安装 evaltool（离线安装，不访问网络）……
%PY% -m pip install --no-index --find-links "%HERE%wheels" --upgrade {DIST_NAME}
if errorlevel 1 goto pipfailed

echo [2/3] 正在安装 Excel 加载项并写入配置……
%PY% -m evaltool addin install --file "%HERE%evaltool_xl.xlam"
if errorlevel 1 goto addinfailed

if exist "%ProgramFiles%\\LibreOffice\\program\\unopkg.com" (
  echo        检测到 LibreOffice，正在安装 LibreOffice 扩展（请先关闭 LibreOffice）……
  %PY% -m evaltool addin install --libreoffice
)

echo [3/3] 安装完成。接下来：
echo   1. 关闭所有 Excel 窗口，然后重新打开 Excel。
echo   2. 功能区出现“绩效评价”选项卡。打开填好的评价模板，点“计算评分”。
echo   3. 结果直接写入工作簿（不自动保存）；确认后按 Ctrl+S 保存，再按要求报送。
echo   命令行也可用：%PY% -m evaltool check 文件.xlsx
echo.
echo Installed. Restart Excel; the ribbon shows the tab 绩效评价 with the button 计算评分.
pause
exit /b 0

:nopython
echo 没有找到 64 位的 Python {low}–{high}。
echo 请通过本单位的软件渠道（软件中心或信息化运维）获取 python.org 的 Windows 安装包（64 位，{low}–{high}），
echo 安装时选择“Install Now”（只为当前用户安装，不需要管理员权限）并勾选“Add python.exe to PATH”，
echo 然后重新运行本文件。本安装包不含 Python 本身。
echo No 64-bit Python {low}-{high} found: get python.org's installer through your office's software channel,
echo install it for the current user ("Install Now", tick "Add python.exe to PATH"), then run this file again.
pause
exit /b 1

:pipfailed
echo 安装 evaltool 失败（见上方 pip 的信息）。请确认本文件与 wheels 文件夹在同一目录，且 Python 版本为 {low}–{high}。
echo Installing evaltool failed (see pip's message above).
pause
exit /b 2

:addinfailed
echo 加载项安装失败（见上方信息）。可手动安装：把 evaltool_xl.xlam 复制到 %%APPDATA%%\\Microsoft\\Excel\\XLSTART，
echo 详见 说明.txt。 / Installing the add-in failed; see 说明.txt for the manual steps.
pause
exit /b 3
"""


def readme_text(pythons: Sequence[str] = PYTHONS) -> str:
    return f"""evaltool 离线安装包（Windows 64 位）
=====================================

内容：
  install.bat        安装程序（当前用户，无需管理员权限，不联网）
  wheels\\            evaltool（发行名 {DIST_NAME}）及其依赖，适用于 64 位 Python {', '.join(pythons)}
  evaltool_xl.xlam   Excel 加载项（功能区“绩效评价 › 计算评分”）
  evaltool_xl.py     按钮调用的 Python 模块
  evaltool.oxt       LibreOffice 扩展（菜单“绩效评价 › 计算评分 / 仅校验”）

步骤：
  1. 先安装 Python（本包不含）：通过本单位的软件渠道获取 python.org 的 Windows 64 位安装包，
     选择“Install Now”（只为当前用户安装，不需要管理员权限），勾选“Add python.exe to PATH”。
  2. 把本压缩包完整解压到一个文件夹（不要在压缩包里直接运行）。
  3. 双击 install.bat。窗口依次显示 [1/3] 安装 evaltool、[2/3] 安装加载项、[3/3] 安装完成，按任意键关闭。
  4. 重新打开 Excel，功能区出现“绩效评价”选项卡；打开填好的模板，点“计算评分”。

注意：软件包索引（PyPI）上名为 “evaltool” 的是另一个无关的项目，不要从索引安装它。
evaltool 只从本安装包或主管部门下发的 wheel 文件安装。
"""


def build_bundle(
    out: str | os.PathLike[str], *, pythons: Sequence[str] = PYTHONS, wheel: Path | None = None,
    cache_dir: Path | None = None,
) -> Path:  # fmt: skip
    """Build the offline zip at ``out``; returns its path."""
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="evaltool-bundle-") as tmp:
        stage = Path(tmp) / "bundle"
        wheels = stage / "wheels"
        wheels.mkdir(parents=True)
        if wheel is None:
            wheel = own_wheel(wheels)
        else:
            wheel = Path(shutil.copy2(wheel, wheels / Path(wheel).name))
        download_wheels(wheel, wheels, pythons, cache_dir)
        build_addin(stage)
        shutil.copy2(module_source(), stage / module_source().name)
        build_oxt(stage, location="user")
        (stage / "install.bat").write_bytes(install_bat(pythons).replace("\n", "\r\n").encode("utf-8"))
        (stage / "说明.txt").write_bytes(readme_text(pythons).replace("\n", "\r\n").encode("utf-8-sig"))
        out.parent.mkdir(parents=True, exist_ok=True)
        part = out.with_name(out.name + ".part")
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(stage.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(stage).as_posix())
        os.replace(part, out)
    return out
