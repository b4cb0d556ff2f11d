"""``FileBook``: a BookSource over an .xlsx file (calamine values + names/tables from the XML).

Why: calamine is the fastest value reader (~3 ms a file) but knows no defined names or
table→sheet mapping, so those come from ``xl/workbook.xml``, the relationship parts and
``xl/tables/*.xml``, parsed with defusedxml. The zip is opened once and calamine's workbook
is kept for all sheets.

Example::

    book = FileBook("returned.xlsx")
    book.defined_names()["budget_initial"]     # Location(sheet='预算执行', ref='B5')
    book.tables()["Indicators"].headers[:3]     # ('一级指标', '二级指标', '三级指标')
    book.sheet_values("预算执行")[4][1]          # 18902744.6
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterable
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import cast
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as ET
from python_calamine import CalamineWorkbook

from evaltool.contract.a1 import split_cell
from evaltool.contract.cells import parse_location
from evaltool.model import CellValue, Location, TableInfo

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_CORE = "docProps/core.xml"
_MODIFIED = "{http://purl.org/dc/terms/}modified"
R_ID = f"{{{NS['r']}}}id"


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


class FileBook:
    """Read side of an .xlsx package (BookSource)."""

    def __init__(self, path: str | Path, data: bytes | None = None) -> None:
        """Open ``path`` (read once), or wrap ``data`` already read from it (no file access)."""
        self.path = Path(path)
        self.label = str(path)
        if data is None:
            data = self.path.read_bytes()
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._parts = set(self._zip.namelist())
        self._wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        self._grids: dict[str, list[list[CellValue]]] = {}

    def _xml(self, part: str) -> Element:
        return ET.fromstring(self._zip.read(part))

    def _rels(self, part: str) -> dict[str, str]:
        rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        if rels not in self._parts:
            return {}
        return {r.get("Id", ""): _resolve(part, r.get("Target", ""))
                for r in self._xml(rels).findall("pr:Relationship", NS)}

    @cached_property
    def _workbook(self) -> Element:
        return self._xml("xl/workbook.xml")

    @cached_property
    def _sheet_parts(self) -> dict[str, str]:
        """sheet name -> worksheet part path."""
        rels = self._rels("xl/workbook.xml")
        return {s.get("name", ""): rels.get(s.get(R_ID, ""), "")
                for s in self._workbook.findall("m:sheets/m:sheet", NS)}

    def sheet_names(self) -> list[str]:
        return list(self._wb.sheet_names)

    def defined_names(self) -> dict[str, Location]:
        out: dict[str, Location] = {}
        for dn in self._workbook.findall("m:definedNames/m:definedName", NS):
            name = dn.get("name", "")
            if name.startswith("_xlnm.") or dn.get("localSheetId") is not None:
                continue
            loc = parse_location(dn.text or "")
            if loc is not None:
                out[name] = loc
        return out

    def tables(self) -> dict[str, TableInfo]:
        out: dict[str, TableInfo] = {}
        for sheet, part in self._sheet_parts.items():
            for target in self._rels(part).values():
                if not target.startswith("xl/tables/") or target not in self._parts:
                    continue
                t = self._xml(target)
                name = t.get("displayName") or t.get("name") or ""
                ref = t.get("ref", "")
                first, _, last = ref.partition(":")
                r0, c0 = split_cell(first)
                r1, _ = split_cell(last or first)
                header_rows = int(t.get("headerRowCount", "1"))
                totals = int(t.get("totalsRowCount", "0"))
                headers = tuple(c.get("name", "") for c in t.findall("m:tableColumns/m:tableColumn", NS))
                out[name] = TableInfo(name=name, sheet=sheet, ref=ref, headers=headers, header_row=r0,
                                      first_col=c0, n_rows=r1 - r0 + 1 - header_rows - totals)
        return out

    def sheet_values(self, sheet: str) -> list[list[CellValue]]:
        """A1-anchored grid (blank -> None) from calamine, cached per sheet."""
        if sheet not in self._grids:
            sh = self._wb.get_sheet_by_name(sheet)
            rows = sh.to_python()
            r0, c0 = (sh.start or (0, 0)) if rows else (0, 0)
            pad = [None] * c0
            grid: list[list[CellValue]] = [[] for _ in range(r0)]
            for row in rows:
                # calamine also yields date/time/timedelta for date-formatted cells; passed on as is
                grid.append(pad + cast("list[CellValue]", [None if v == "" else v for v in row]))
            self._grids[sheet] = grid
        return self._grids[sheet]

    def formulas(self, sheet: str, cells: Iterable[str]) -> dict[str, str]:
        """The formula text (``=…``) of those ``cells`` of ``sheet`` that hold a formula."""
        wanted = {c.replace("$", "").upper() for c in cells}
        part = self._sheet_parts.get(sheet, "")
        if not wanted or part not in self._parts:
            return {}
        out: dict[str, str] = {}
        for c in self._xml(part).iterfind("m:sheetData/m:row/m:c", NS):
            ref = c.get("r", "")
            f = c.find("m:f", NS)
            if ref in wanted and f is not None:
                out[ref] = "=" + (f.text or "")
        return out

    def modified(self) -> datetime | None:
        """``dcterms:modified`` of ``docProps/core.xml`` (UTC): the package's own save time,
        written by Excel, WPS and LibreOffice on every save; None when absent or unreadable."""
        if _CORE not in self._parts:
            return None
        try:
            node = ET.fromstring(self._zip.read(_CORE)).find(_MODIFIED)
        except (KeyError, ValueError, SyntaxError, zipfile.BadZipFile, OSError, EOFError):  # damaged: no time
            return None
        raw = (node.text or "").strip() if node is not None else ""
        try:
            d = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return None
        return d.astimezone(timezone.utc) if d.tzinfo else d.replace(tzinfo=timezone.utc)

    def close(self) -> None:
        self._zip.close()
        self._wb.close()
