"""Read a written workbook back for comparison: every sheet's values, every table's ref.

Why: tests that show two ways of building one workbook give the same result (the 汇总 streamed
from the store against the in-memory one) compare what a reader sees, not the bytes.

Example::

    assert sheets(streamed) == sheets(in_memory) and tables(streamed) == tables(in_memory)
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook


def sheets(path: Path) -> dict[str, list[list[object]]]:
    """Sheet name -> its rows of values (as python-calamine reads them)."""
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def tables(path: Path) -> dict[str, str]:
    """Excel table display name -> its ref (``A4:P49``)."""
    with zipfile.ZipFile(path) as z:
        return {m.group(1): m.group(2) for n in z.namelist() if n.startswith("xl/tables/")
                for m in [re.search(r'displayName="([^"]+)" ref="([^"]+)"', z.read(n).decode())] if m}
