"""LibreOffice headless as a value oracle and a PDF renderer.

Why: no Excel runs here, so every claim that a formula evaltool writes computes what Python
computed is checked by LibreOffice. LibreOffice does **not** recalculate xlsx on load with
its default profile (``OOXMLRecalcMode=1``, measurements.md §0.3), so every call here uses a
private, throw-away profile with ``OOXMLRecalcMode=0`` (always recalculate), and converts a
whole batch of files in **one** ``soffice`` call (start-up dominates: ~0.7 s a call).

Example::

    from evaltool.io import lo
    out = lo.recalculate([Path("scored.xlsx")], Path("/tmp/recalc"))
    # out[0] is an xlsx whose cached values are LibreOffice's own results
    pdfs = lo.convert([Path("template.xlsx")], Path("/tmp/pdf"), "pdf")
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from evaltool.model import EvaltoolError

__all__ = ["soffice_path", "recalculate", "convert", "LibreOfficeError"]

_PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeError(EvaltoolError, RuntimeError):
    """soffice is missing, failed, or did not write an expected output."""

    code = "libreoffice"


def soffice_path() -> str | None:
    """Path of the ``soffice`` binary, or None when LibreOffice is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(cmd: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run soffice in its own process group; on timeout kill the whole group.

    ``soffice`` is a launcher (oosplash) that starts ``soffice.bin``; killing only the launcher
    would leave ``soffice.bin`` running (and holding the profile) after a timeout.
    """
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                          start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise LibreOfficeError(f"LibreOffice did not finish within {timeout:.0f} s") from None
        return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _make_profile(root: Path) -> str:
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_PROFILE_XCU, encoding="utf-8")
    return root.resolve().as_uri()


def convert(
    paths: Sequence[Path], outdir: Path, target: str, *, timeout: float = 600
) -> list[Path]:
    """Convert ``paths`` with one soffice call; returns output paths in input order.

    ``target`` is a LibreOffice ``--convert-to`` spec such as ``"pdf"`` or
    ``"xlsx:Calc MS Excel 2007 XML"``. Inputs with the same file name are staged under
    unique names so outputs never collide. Recalculation on load is forced.
    """
    exe = soffice_path()
    if exe is None:
        raise LibreOfficeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    ext = target.split(":", 1)[0]
    if not paths:
        return []
    with tempfile.TemporaryDirectory(prefix="evaltool-lo-") as tmp:
        tmpdir = Path(tmp)
        profile = _make_profile(tmpdir / "profile")
        stage = tmpdir / "in"
        stage.mkdir()
        staged: list[Path] = []
        for i, p in enumerate(paths):
            dst = stage / f"{i:05d}_{Path(p).name}"
            shutil.copyfile(p, dst)
            staged.append(dst)
        convdir = tmpdir / "out"
        convdir.mkdir()
        cmd = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(convdir),
            *map(str, staged),
        ]
        env = dict(os.environ, HOME=str(tmpdir), SAL_USE_VCLPLUGIN="svp")
        proc = _run(cmd, env, timeout)
        results: list[Path] = []
        for p, s in zip(paths, staged, strict=True):
            produced = convdir / (s.stem + "." + ext)
            if not produced.exists():
                raise LibreOfficeError(
                    f"LibreOffice did not convert {p} (rc={proc.returncode}): "
                    f"{proc.stderr.strip()[-500:]}"
                )
            final = outdir / (Path(p).stem + "." + ext)
            n = 1
            while final in results or (final.exists() and final.resolve() == Path(p).resolve()):
                final = outdir / f"{Path(p).stem}.{n}.{ext}"
                n += 1
            shutil.move(str(produced), final)
            results.append(final)
        return results


def recalculate(paths: Sequence[Path], outdir: Path, *, timeout: float = 600) -> list[Path]:
    """Open each workbook in LibreOffice, recalculate everything, save as xlsx into ``outdir``.

    Read the results with ``openpyxl.load_workbook(p, data_only=True)`` or calamine: the
    cached values are then LibreOffice's. Returns output paths in input order.
    """
    return convert(paths, outdir, "xlsx:Calc MS Excel 2007 XML", timeout=timeout)
