"""Read a plain list (a roster, a targets file) from .xlsx or .csv: header row + data rows.

Why: the bureau keeps lists in Excel or exports them as CSV (UTF-8 with or without BOM, or
GBK from older tools). Values come back as text or numbers, rows with their 1-based row
number so a refusal can name the row.

Example::

    header, rows = read_table("units.xlsx")          # ('单位名称', '单位代码', …), [(2, ['某局', '110001', …]), …]
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from evaltool.model import EvaltoolError

__all__ = ["read_table", "read_table_at", "TableFileError"]


class TableFileError(EvaltoolError, ValueError):
    """The file cannot be read as a list (bilingual message)."""

    code = "table_file"


def _cell(v: object) -> object:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        return v.strip()
    return v


def read_table(path: str | os.PathLike[str], sheet: str | None = None
               ) -> tuple[list[str], list[tuple[int, list[object]]]]:
    """(header texts, [(row number, values)]) of the first (or named) sheet; blank rows skipped.

    The header is the first row with at least two non-blank cells (a title row above is allowed).
    """
    _, header, rows = read_table_at(path, sheet)
    return header, rows


def read_table_at(path: str | os.PathLike[str], sheet: str | None = None
                  ) -> tuple[int, list[str], list[tuple[int, list[object]]]]:
    """:func:`read_table` with the header's own (1-based) row number first, for messages."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        raw = p.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                content = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes any byte string
            raise TableFileError(f"{p.name}: 无法识别编码 / unknown encoding")
        grid: list[list[object]] = [[_cell(c) for c in r] for r in csv.reader(io.StringIO(content))]
    elif suffix in (".xlsx", ".xlsm"):
        from python_calamine import CalamineWorkbook

        try:
            wb = CalamineWorkbook.from_path(str(p))
            grid = [[_cell(c) for c in r] for r in wb.get_sheet_by_name(sheet or wb.sheet_names[0]).to_python()]
        except Exception as exc:
            raise TableFileError(f"{p.name}: 无法读取（{exc}） / cannot read ({exc})") from exc
    else:
        raise TableFileError(f"{p.name}: 须为 .xlsx 或 .csv / must be .xlsx or .csv")
    header_at = next((i for i, r in enumerate(grid) if sum(1 for c in r if c not in ("", None)) >= 2), None)
    if header_at is None:
        raise TableFileError(f"{p.name}: 没有表头行 / no header row")
    header = [str(c or "").strip() for c in grid[header_at]]
    rows = [(i + 1, list(r) + [""] * (len(header) - len(r))) for i, r in enumerate(grid)
            if i > header_at and any(c not in ("", None) for c in r)]
    return header_at + 1, header, rows
