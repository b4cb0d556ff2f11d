"""Where a worksheet part's rows, cells and formulas are, as byte offsets, found by tokens.

Why: ``patch_sheet`` splices bytes and needs exact offsets that no comment, CDATA section,
processing instruction or odd attribute value can fool, on sheets of millions of cells.
Two steps:

1. expat reads the whole part once without callbacks (C speed): it must be well-formed XML
   without DTD/entities, or it is refused;
2. an XML lexer then walks only the markup that matters. In well-formed XML a ``<`` is always
   the start of markup except inside comments, CDATA sections and processing instructions,
   so a lexer that recognises exactly those three (and skips them whole) and reads start tags
   attribute by attribute (quoted values may hold ``>``) finds every ``<row>``/``<c>``/``<f>``
   of the SpreadsheetML namespace prefix and nothing else. It records the ``<sheetData>`` and
   ``<dimension>`` spans, column styles, every row's number and start, the cells of the rows
   being edited, multi-cell array ranges and shared formulas.

Example::

    scan = scan_sheet(utf8_bytes, wanted_rows={5, 7})
    scan.rows[5].cells[0].start    # byte offset of the first <c> of row 5
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from dataclasses import dataclass, field

from evaltool.io.patch_scan import Span, parse, parser
from evaltool.io.patch_types import parse_ref
from evaltool.io.patch_xml import NS_MAIN, NS_MAIN_STRICT, UnsafeXml

__all__ = ["Cell", "Row", "SharedFormula", "SheetScan", "scan_sheet"]


@dataclass(slots=True)
class Cell:
    col: int
    start: int
    tag_end: int
    end: int = -1
    has_r: bool = True


@dataclass(slots=True)
class Row:
    num: int
    start: int
    tag_end: int
    end: int = -1
    style: int | None = None
    cells: list[Cell] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.tag_end == self.end


@dataclass
class SharedFormula:
    si: str
    master: bool
    start: int
    tag_end: int
    end: int = -1
    text: str = ""


@dataclass
class SheetScan:
    prefix: str
    sheet_data: Span
    dimension: Span | None
    cols: list[tuple[int, int, int]]
    rows: dict[int, Row]
    row_starts: list[tuple[int, int]]  # (row number, offset) in document order
    implicit_rows: bool
    arrays: list[tuple[str, int, int, int, int]]
    shared: list[SharedFormula]

    @property
    def sheet_data_empty(self) -> bool:
        return self.sheet_data.empty

    def col_style(self, col: int) -> int | None:
        for lo, hi, style in self.cols:
            if lo <= col <= hi:
                return style
        return None

    def cell_of(self, data: bytes, pos: int) -> str | None:
        """The ``r`` of the cell holding offset ``pos`` (a formula inside it)."""
        i = bisect.bisect_right(self.row_positions, pos) - 1
        if i < 0:
            return None
        owner: str | None = None
        for m in _lexer(self.prefix.encode(), _CELL_NAMES).finditer(data, self.row_positions[i], pos):
            if m.group(2) == b"c":
                owner = _get(m.group(3), b"r")
        return owner

    def insert_row_at(self, num: int) -> int:
        """Offset where a new row ``num`` goes: before the first row with a larger number."""
        for r, at in self.row_starts:
            if r > num:
                return at
        if self.sheet_data.empty:
            return self.sheet_data.tag_end
        return self.sheet_data_end

    sheet_data_end: int = -1
    row_positions: list[int] = field(default_factory=list)


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


_HAZARDS = rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
_HAZARD_TAILS = rb"!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>"  # the same after a factored-out "<"
_ATTR_LIST = rb"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(/?)>"""
_ATTR = re.compile(rb"""\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ROOT = re.compile(_HAZARDS + rb"|<!DOCTYPE|<([^\s/>!?]+)" + _ATTR_LIST, re.S)
_MAIN_NAMES = (b"sheetData", b"dimension", b"col", b"row", b"f")
_CELL_NAMES = (b"c",)


@functools.lru_cache(maxsize=32)
def _lexer(prefix: bytes, names: tuple[bytes, ...]) -> re.Pattern[bytes]:
    """Tokens: a comment/CDATA/PI (skipped whole, no groups), an end tag ``</p:name>``
    (group 1 = name) or a start tag ``<p:name ...>`` (2 = name, 3 = attributes, 4 = "/" if empty)."""
    p = re.escape(prefix)
    alt = b"|".join(names)
    # one literal "<" first: the regex engine then jumps from "<" to "<" in C
    return re.compile(
        rb"<(?:" + _HAZARD_TAILS + rb"|/" + p + rb"(" + alt + rb")\s*>|" + p + rb"(" + alt + rb")(?=[\s/>])" + _ATTR_LIST + rb")",
        re.S,
    )


def _attrs(raw: bytes) -> dict[str, str]:
    return {
        m.group(1).decode(): html.unescape((m.group(2) if m.group(2) is not None else m.group(3)).decode())
        for m in _ATTR.finditer(raw)
    }


@functools.lru_cache(maxsize=16)
def _one_attr(name: bytes) -> re.Pattern[bytes]:
    # consumes whole name="value" pairs until ``name``: a value holding ' r="1"' cannot fool it
    other = rb"""\s+(?!""" + re.escape(name) + rb"""\s*=)[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*')"""
    return re.compile(rb"(?:" + other + rb")*\s+" + re.escape(name) + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""")


_R_ATTR = _one_attr(b"r")


def _get(raw: bytes, name: bytes) -> str | None:
    """Value of attribute ``name`` in a tokenized attribute list (no entity in it expected)."""
    m = _one_attr(name).match(raw)
    if m is None:
        return None
    value = m.group(1) if m.group(1) is not None else m.group(2)
    return html.unescape(value.decode()) if b"&" in value else value.decode()


def _close(data: bytes, prefix: bytes, name: bytes, pos: int) -> int:
    """Offset after the end tag ``</name>`` of the element whose content starts at ``pos``
    (elements of the same name are not nested in SpreadsheetML)."""
    for m in _lexer(prefix, (name,)).finditer(data, pos):
        if m.group(1) is not None:
            return m.end()
    raise UnsafeXml(f"no end tag for <{name.decode()}>")


def _validate(data: bytes) -> None:
    p = parser()
    parse(p, data)


def _root(data: bytes) -> tuple[bytes, dict[str, str]]:
    for m in _ROOT.finditer(data):
        if m.group(0).startswith(b"<!DOCTYPE"):
            raise UnsafeXml("DTD/entity declarations are not allowed in workbook parts")
        if m.group(1) is not None:
            qname = m.group(1)
            prefix, _, local = qname.rpartition(b":")
            attrs = _attrs(m.group(2))
            uri = attrs.get("xmlns:" + prefix.decode() if prefix else "xmlns")
            if local != b"worksheet" or uri not in (NS_MAIN, NS_MAIN_STRICT):
                raise UnsafeXml(f"root element is not a SpreadsheetML <worksheet> ({qname.decode()!r}, {uri!r})")
            return (prefix + b":" if prefix else b""), attrs
    raise UnsafeXml("no root element")


def scan_sheet(data: bytes, wanted: set[int]) -> SheetScan:
    """Tokenize UTF-8 worksheet part ``data``; record the cells of rows in ``wanted``."""
    _validate(data)
    prefix, _ = _root(data)
    # <f> tokens matter only for shared and array/data-table formulas; most parts have none
    formulas = b"shared" in data or b"array" in data or b"dataTable" in data
    lex = _lexer(prefix, _MAIN_NAMES if formulas else _MAIN_NAMES[:-1])
    sheet_data: Span | None = None
    sheet_data_end = -1
    dimension: Span | None = None
    cols: list[tuple[int, int, int]] = []
    rows: dict[int, Row] = {}
    row_starts: list[tuple[int, int]] = []
    implicit = False
    arrays: list[tuple[str, int, int, int, int]] = []
    shared: list[SharedFormula] = []
    row_num = 0
    for m in lex.finditer(data):
        name = m.group(2)
        if name is None:
            if m.group(1) == b"sheetData":
                sheet_data_end = m.start()
                if sheet_data is not None:
                    sheet_data.end = m.end()
            continue
        if name == b"row":
            if sheet_data is None:
                continue
            raw = m.group(3)
            if raw.startswith(b' r="'):
                r = _int(raw[4 : raw.index(b'"', 4)].decode())
            else:
                r = _int(_get(raw, b"r")) if raw else None
            if r is None:
                implicit = True
                r = row_num + 1
            row_num = r
            row_starts.append((r, m.start()))
            if r in wanted and r not in rows:
                attrs = _attrs(raw)
                style = _int(attrs.get("s")) if attrs.get("customFormat") in ("1", "true") else None
                row = Row(r, m.start(), m.end(), style=style)
                row.end = m.end() if m.group(4) else _close(data, prefix, b"row", m.end())
                row.cells = _cells(data, prefix, row)
                rows[r] = row
        elif name == b"f":
            attrs = _attrs(m.group(3))
            t = attrs.get("t")
            if t == "shared" and attrs.get("si") is not None:
                end = m.end() if m.group(4) else _close(data, prefix, b"f", m.end())
                f = SharedFormula(attrs["si"], bool(attrs.get("ref")), m.start(), m.end(), end)
                if f.master and end > m.end():
                    f.text = _text(data[m.end() : data.rindex(b"<", m.end(), end)])
                shared.append(f)
            elif t in ("array", "dataTable"):
                _array(attrs.get("ref", ""), arrays)
        elif name == b"col":
            attrs = _attrs(m.group(3))
            lo, hi, style = _int(attrs.get("min")), _int(attrs.get("max")), _int(attrs.get("style"))
            if lo is not None and style is not None:
                cols.append((lo, hi if hi is not None else lo, style))
        elif name == b"sheetData":
            if sheet_data is None:
                sheet_data = Span(m.start(), m.end())
                if m.group(4):
                    sheet_data.end = m.end()
                    sheet_data_end = m.end()
        elif name == b"dimension" and dimension is None and sheet_data is None:
            dimension = Span(m.start(), m.end(), m.end(), attrs=_attrs(m.group(3)))
    if sheet_data is None:
        raise UnsafeXml("worksheet has no <sheetData>")
    scan = SheetScan(prefix.decode(), sheet_data, dimension, cols, rows, row_starts, implicit, arrays, shared)
    scan.sheet_data_end = sheet_data_end
    scan.row_positions = [at for _, at in row_starts]
    return scan


@functools.lru_cache(maxsize=8)
def _cell_lexer(prefix: bytes) -> re.Pattern[bytes]:
    """A whole ``<c>`` element in one match (or a comment/CDATA/PI between cells, no groups):
    group 1 = its attributes, group 2 = "/" when empty. The content is matched by the
    grammar of element content - text, CDATA, comments, PIs, start tags (attribute values
    may hold ``>``), end tags other than ``</c>`` - so nothing inside it can end it early."""
    p = re.escape(prefix)
    attrs = rb"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*"""
    inner_attrs = rb"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*"""
    content = (
        rb"(?:[^<]+|<!\[CDATA\[.*?\]\]>|<!--.*?-->|<\?.*?\?>|<[^\s/>!?]+" + inner_attrs + rb"/?>"
        rb"|</(?!" + p + rb"c\s*>)[^\s>]+\s*>)*"
    )
    return re.compile(
        rb"<(?:" + _HAZARD_TAILS + rb"|" + p + rb"c(?=[\s/>])" + attrs + rb"(?:(/)>|>" + content + rb"</" + p + rb"c\s*>))",
        re.S,
    )


def _cells(data: bytes, prefix: bytes, row: Row) -> list[Cell]:
    cells: list[Cell] = []
    if row.empty:
        return cells
    col = 0
    r_attr = _R_ATTR.match
    for m in _cell_lexer(prefix).finditer(data, row.tag_end, row.end):
        raw, empty = m.group(1, 2)
        if raw is None:
            continue  # a comment, CDATA section or PI between cells
        has_r = True
        if raw.startswith(b' r="'):  # how every producer writes it: r first, double quotes
            ref = raw[4 : raw.index(b'"', 4)].decode()
        else:
            rm = r_attr(raw)
            has_r = rm is not None
            ref = "" if rm is None else (rm.group(1) if rm.group(1) is not None else rm.group(2)).decode()
        if has_r:
            try:
                col = parse_ref(ref)[1]
            except ValueError as exc:
                raise UnsafeXml(f"bad cell reference {ref!r}") from exc
        else:
            col += 1
        end = m.end()
        cells.append(Cell(col, m.start(), end if empty else -1, end, has_r))
    return cells


def _text(raw: bytes) -> str:
    """Character data of an element body: entity references resolved, CDATA unwrapped."""
    out: list[str] = []
    pos = 0
    for m in re.finditer(rb"<!\[CDATA\[(.*?)\]\]>|<!--.*?-->|<\?.*?\?>", raw, re.S):
        out.append(html.unescape(raw[pos : m.start()].decode("utf-8")))
        if m.group(1) is not None:
            out.append(m.group(1).decode("utf-8"))
        pos = m.end()
    out.append(html.unescape(raw[pos:].decode("utf-8")))
    return "".join(out)


def _array(ref: str, arrays: list[tuple[str, int, int, int, int]]) -> None:
    if ":" not in ref:
        return
    a, b = ref.split(":", 1)
    try:
        (r1, c1), (r2, c2) = parse_ref(a), parse_ref(b)
    except ValueError:
        return
    if (r1, c1) != (r2, c2):
        arrays.append((ref, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
