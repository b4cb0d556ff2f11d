"""The offline bundle for Windows and the distribution name.

The bundle is built for real (``evaltool addin bundle``: our wheel from this repository, the
win_amd64 wheels downloaded from the index) and must resolve **offline** for win_amd64:
``pip install --dry-run --no-index --find-links wheels --platform win_amd64 --only-binary=:all:``
(``--isolated``, so no pip configuration or local wheel folder of this machine helps), and
every Windows-only requirement (pywin32 for xlwings, colorama for click …), which pip's
resolution on Linux skips, must be in it too. CI builds one Python version (3.11); the
others are built by the same code path with only ``--python-version`` changed. ``install.bat``
cannot run here: it is checked as text.

Also: no document or message in the repository tells anyone to ``pip install evaltool``
(on the public index that name is an unrelated project).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from evaltool.addin.build import module_source
from evaltool.addin.bundle import DIST_NAME, install_bat, missing_for_windows

ROOT = Path(__file__).resolve().parents[1]
PYTHON = "3.11"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "evaltool-offline-win64.zip"
    proc = subprocess.run(
        [sys.executable, "-m", "evaltool", "addin", "bundle", "-o", str(out), "--python", PYTHON],
        capture_output=True, text=True, cwd=ROOT, timeout=1500,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "install.bat" in proc.stdout
    return out


@pytest.fixture(scope="module")
def unpacked(bundle: Path) -> Path:
    target = bundle.parent / "unpacked"
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(target)
    return target


def test_the_bundle_holds_what_install_bat_needs(unpacked: Path) -> None:
    names = {p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file()}
    for name in ("install.bat", "说明.txt", "evaltool_xl.xlam", "evaltool_xl.py", "evaltool.oxt"):
        assert name in names, name
    assert (unpacked / "evaltool_xl.py").read_bytes() == module_source().read_bytes()
    (own,) = (unpacked / "wheels").glob("yusuan_jixiao-*-py3-none-any.whl")
    with zipfile.ZipFile(own) as zf:
        members = set(zf.namelist())
        meta = zf.read(next(n for n in members if n.endswith(".dist-info/METADATA"))).decode()
        entry = zf.read(next(n for n in members if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert re.search(r"^Name: yusuan-jixiao$", meta, re.M)
    assert "evaltool = evaltool.cli:app" in entry  # the command stays evaltool
    for member in ("evaltool/__init__.py", "evaltool/addin/libreoffice/evaltool_lo.py", "evaltool/io/unobook.py",
                   "evaltool/frameworks/dept-overall.yaml"):  # fmt: skip
        assert member in members, member
    with zipfile.ZipFile(unpacked / "evaltool.oxt") as zf:
        assert "python/evaltool_lo.py" in zf.namelist() and "Addons.xcu" in zf.namelist()


def test_the_wheels_resolve_offline_for_windows(unpacked: Path, tmp_path: Path) -> None:
    wheels = unpacked / "wheels"
    report = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--isolated", "--dry-run", "--no-index", "--find-links", str(wheels),
         "--platform", "win_amd64", "--only-binary=:all:", "--python-version", PYTHON, "--implementation", "cp",
         "--target", str(tmp_path / "target"), "--report", str(report), DIST_NAME],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    installed = {item["metadata"]["name"].lower() for item in json.loads(report.read_text())["install"]}
    assert {DIST_NAME, "xlwings", "pandas", "numpy", "openpyxl", "python-calamine", "typer"} <= installed
    # pip evaluated sys_platform/platform_system markers for this Linux machine above; the
    # Windows-only requirements must be in the bundle as well
    assert missing_for_windows(wheels, PYTHON) == []
    assert list(wheels.glob("pywin32-*-cp311-cp311-win_amd64.whl")), "xlwings needs pywin32 on Windows"


def test_missing_for_windows_finds_what_is_not_there(unpacked: Path, tmp_path: Path) -> None:
    import shutil

    partial = tmp_path / "partial"
    shutil.copytree(unpacked / "wheels", partial)
    for wheel in partial.glob("pywin32-*.whl"):
        wheel.unlink()
    assert missing_for_windows(partial, PYTHON) == ["pywin32>=224"]
    assert "pandas>=2.2" in missing_for_windows(partial, "3.9")  # no cp39 wheels in the bundle


def test_install_bat_as_text(unpacked: Path) -> None:
    raw = (unpacked / "install.bat").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # a BOM would break "@echo off"
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF everywhere (cmd.exe)
    text = raw.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == "@echo off"
    first_non_ascii = next(i for i, line in enumerate(lines) if not line.isascii())
    assert any(line.startswith("chcp 65001") for line in lines[:first_non_ascii])
    assert text == install_bat((PYTHON,)).replace("\n", "\r\n")
    # offline, per user, from the wheels next to it; never from the index, never as admin
    install = [ln for ln in lines if " -m pip install " in ln]
    assert install == [f'%PY% -m pip install --no-index --find-links "%HERE%wheels" --upgrade {DIST_NAME}']
    assert "http" not in text.lower() and "runas" not in text.lower() and "--user" not in text
    assert '%PY% -m evaltool addin install --file "%HERE%evaltool_xl.xlam"' in lines
    for ref in re.findall(r"%HERE%([\w.]+)", text):
        assert (unpacked / ref).exists(), ref
    labels = {ln[1:] for ln in lines if ln.startswith(":")}
    gotos = set(re.findall(r"goto (\w+)", text))
    assert gotos and gotos <= labels
    assert "software channel" in text and "软件渠道" in text  # where Python comes from
    for line in lines:  # parentheses only around the one if-block
        if line.startswith("echo ") and line.count("(") != line.count(")"):
            raise AssertionError(line)
    assert text.count("(\r\n") == text.count("\r\n)\r\n")
    assert "(3, 11) <= sys.version_info[:2] <= (3, 11)" in text


_INDEX_INSTALL = re.compile(r"pip3?\s+install\s+(?:-\S+\s+)*evaltool(?![\w.-])", re.I)


def test_no_document_or_message_sends_anyone_to_the_index_for_evaltool() -> None:
    offenders = []
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT).as_posix()
        if not path.is_file() or rel.startswith((".git/", ".venv/", "tests/corpus/")) or "/." in "/" + rel:
            continue
        if path.suffix.lower() not in {".md", ".py", ".txt", ".bat", ".toml", ".yaml", ".yml", ".bas", ".cfg", ".rst",
                                       ".xcu", ".html", ""}:  # fmt: skip
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in _INDEX_INSTALL.finditer(text):
            if rel == "tests/test_bundle.py":
                continue
            offenders.append((rel, m.group(0)))
    assert offenders == []
    assert _INDEX_INSTALL.search("运行 `pip install evaltool`") and _INDEX_INSTALL.search("pip3 install -U evaltool")
    assert not _INDEX_INSTALL.search("pip install yusuan_jixiao-0.1.0-py3-none-any.whl")
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(rf'^name = "{DIST_NAME}"$', project, re.M)
    assert 'evaltool = "evaltool.cli:app"' in project
