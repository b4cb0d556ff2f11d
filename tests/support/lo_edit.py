"""Edit a workbook the way a filler does it in a spreadsheet: through LibreOffice itself.

Why: deleting a row in Excel/WPS/LibreOffice shifts every cell below it, shrinks the table
and moves the defined names — nothing a cell patcher can imitate faithfully. This helper
starts a headless LibreOffice, deletes the rows through its API (UNO) and saves as .xlsx.
It runs under the system Python, which has the ``uno`` module (python3-uno).

Example::

    delete_rows(src, dst, "绩效指标", 20)          # the filler deletes sheet row 20
    insert_rows(src, dst, "绩效指标", 20, [["产出", "数量", "新增指标", …]])  # inserts row 20, types it
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

_SCRIPT = textwrap.dedent('''
    import sys, time, uno
    from com.sun.star.beans import PropertyValue

    def pv(name, value):
        p = PropertyValue(); p.Name = name; p.Value = value; return p

    pipe, src, dst, sheet_name, row, count = sys.argv[1:7]
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(600):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.1)
    else:
        sys.exit("LibreOffice did not answer")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = None
    for _ in range(50):  # the first load after start may come back empty while the office settles
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (pv("Hidden", True),))
        if doc is not None:
            break
        time.sleep(0.2)
    if doc is None:
        sys.exit("LibreOffice could not open " + src)
    sheet = doc.Sheets.getByName(sheet_name)
    if sheet.isProtected():
        sheet.unprotect("")  # the template protects without a password: 审阅 > 撤消工作表保护
    if int(count) < 0:  # a negative count inserts rows above ``row``; the values follow as extra args
        sheet.Rows.insertByIndex(int(row) - 1, -int(count))
        for offset, values in enumerate(sys.argv[7:]):
            for col, value in enumerate(values.split("\t")):
                if value == "":
                    continue
                cell = sheet.getCellByPosition(col, int(row) - 1 + offset)
                try:
                    cell.setValue(float(value))
                except ValueError:
                    cell.setString(value)
    else:
        sheet.Rows.removeByIndex(int(row) - 1, int(count))
    doc.calculateAll()
    doc.storeToURL(uno.systemPathToFileUrl(dst), (pv("FilterName", "Calc MS Excel 2007 XML"),))
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
''')


def insert_rows(src: Path, dst: Path, sheet: str, row: int, values: list[list[object]], *,
                timeout: float = 180, attempts: int = 2) -> Path:
    """Save ``src`` as ``dst`` after inserting ``len(values)`` sheet rows above 1-based ``row``
    (Insert > Rows Above, as a filler does it) and typing ``values`` into them from column A
    (numbers as numbers, text as text, ``None`` left blank)."""
    lines = ["\t".join("" if v is None else str(v) for v in vals) for vals in values]
    return _edit(src, dst, sheet, row, -len(values), lines, timeout, attempts)


def delete_rows(src: Path, dst: Path, sheet: str, row: int, count: int = 1, *, timeout: float = 180,
                attempts: int = 2) -> Path:
    """Save ``src`` as ``dst`` after deleting ``count`` sheet rows from 1-based ``row``.

    A headless LibreOffice now and then dies while it starts or loads (seen once in a CI run:
    the UNO client exited without a word); such a run is retried with a fresh office and
    profile, and the error names the exit status when every attempt fails.
    """
    return _edit(src, dst, sheet, row, count, [], timeout, attempts)


def _edit(src: Path, dst: Path, sheet: str, row: int, count: int, lines: list[str], timeout: float,
          attempts: int) -> Path:
    errors: list[str] = []
    for _ in range(attempts):
        error = _edit_once(src, dst, sheet, row, count, lines, timeout)
        if error is None:
            return Path(dst)
        errors.append(error)
    raise RuntimeError(f"LibreOffice could not edit {src}: " + " | ".join(errors))


def _edit_once(src: Path, dst: Path, sheet: str, row: int, count: int, lines: list[str],
               timeout: float) -> str | None:
    soffice = shutil.which("soffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="evaltool-uno-") as tmp:
        pipe = "evaltool" + "".join(ch for ch in Path(tmp).name if ch.isalnum())
        profile = (Path(tmp) / "profile").as_uri()
        env = dict(os.environ, HOME=tmp, SAL_USE_VCLPLUGIN="svp")
        office = subprocess.Popen([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                                   "--nolockcheck", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        work = Path(tmp) / "in.xlsx"  # LibreOffice leaves lock files beside what it opens
        shutil.copyfile(src, work)
        try:
            done = subprocess.run(["/usr/bin/python3", "-c", _SCRIPT, pipe, str(work),
                                   str(Path(tmp) / "out.xlsx"), sheet, str(row), str(count), *lines],
                                  env=env, check=False, timeout=timeout, capture_output=True, text=True)
            if done.returncode != 0 or not (Path(tmp) / "out.xlsx").is_file():
                return f"exit {done.returncode}: {done.stderr.strip()[-800:]}"
            shutil.copyfile(Path(tmp) / "out.xlsx", dst)
            return None
        finally:
            try:
                office.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(office.pid, 9)
                office.wait()
