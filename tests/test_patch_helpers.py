"""Helpers shared by the patch tests (no tests here): build small workbooks, look inside packages.

Workbooks are made with xlsxwriter in tmp_path; ``rewrite_member`` then edits one part of a
package to produce the odd shapes Excel and other writers emit (shared formulas, prefixed
namespaces, rows without ``r``, absolute relationship targets).
"""

from __future__ import annotations

import hashlib
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

CORPUS = Path(__file__).resolve().parent / "corpus/excel-made"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def member(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return z.namelist()


def raw_members(path: Path) -> dict[str, bytes]:
    """Member -> CRC/sizes + raw compressed bytes (what a byte-identical copy must keep)."""
    out: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as z, open(path, "rb") as fh:
        for info in z.infolist():
            fh.seek(info.header_offset)
            nlen, elen = struct.unpack_from("<2H", fh.read(30), 26)
            fh.seek(info.header_offset + 30 + nlen + elen)
            out[info.filename] = struct.pack("<3L", info.CRC, info.compress_size, info.file_size) + fh.read(
                info.compress_size
            )
    return out


def rewrite_member(path: Path, name: str, edit: Callable[[str], str]) -> None:
    """Rewrite one text member of the zip at ``path`` in place (test fixtures only)."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == name:
                data = edit(data.decode("utf-8")).encode("utf-8")
            z.writestr(info, data)


def basic_book(path: Path, sheet: str = "Sheet1") -> Path:
    """A1 'name', B2 = 10 (number format 0.00, bold), B3 = 20, C3 = formula =B2+B3, B5 = 5."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet(sheet)
    fmt = wb.add_format({"num_format": "0.00", "bold": True})
    ws.write_string("A1", "name")
    ws.write_number("B2", 10, fmt)
    ws.write_number("B3", 20)
    ws.write_formula("C3", "=B2+B3", None, 30)
    ws.write_number("B5", 5)
    ws.write_blank("D5", None, fmt)
    wb.add_worksheet("Other").write_number("A1", 1)
    wb.close()
    return path


def prefix_namespace(xml: str) -> str:
    """``<worksheet xmlns=main>`` -> ``<x:worksheet xmlns:x=main>`` with every element prefixed."""
    xml = xml.replace('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                      'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')  # fmt: skip
    return re.sub(r"<(/?)([A-Za-z]+)(?=[\s/>])", r"<\1x:\2", xml)


def sheet_cells(xml: str) -> dict[str, str]:
    """Cell ref -> full ``<c>`` element text (any namespace prefix)."""
    return {
        m.group(2): m.group(0)
        for m in re.finditer(r'<(\w+:)?c r="([A-Z]+\d+)"(?:[^>]*/>|[^>]*>.*?</\1?c>)', xml, re.S)
    }
