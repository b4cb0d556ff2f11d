"""Cell surgery on the XML text of one worksheet part.

Why: "inside the patched worksheet part nothing but the patched cells (and the dimension)
changed" must hold byte for byte, and sheets can be huge. So the part is never parsed into a
DOM and re-serialised: rows and cells are located with anchored regular expressions over the
text, and only the ``<c>`` elements being patched (plus their ``<row>`` when it has to be
created or opened, and ``<dimension ref>``) are rewritten. Everything else - attribute order,
namespace prefixes, ``x14ac:dyDescent``, ``spans``, whitespace - is copied as is.

Handled: rows/cells in any order (a new cell goes before the first cell with a larger column,
a new row before the first row with a larger number), implicit row numbers (rows without
``r``; inserting among them is refused because it would renumber them), a prefixed
SpreadsheetML namespace (``<x:worksheet>``), ``<sheetData/>``, ``cm``/``vm`` (dropped from a
cell whose value changes: they describe the old value's dynamic array / rich value),
shared formulas (patching the master turns its dependents into explicit formulas, translated
with openpyxl's Translator, so they keep computing the same thing), array/data-table formulas
(changing a cell inside a multi-cell array range is refused: Excel forbids it too).
``spans`` is left alone: it is an optimisation hint that Excel and LibreOffice do not require
to be exact.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from evaltool.io.patch_types import CellValue, format_ref, parse_ref, render_body
from evaltool.io.patch_xml import del_attr, get_attr, root_prefix, set_attr

__all__ = ["CellEdit", "SheetEditError", "patch_sheet_xml", "UNSET"]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


class SheetEditError(ValueError):
    """A cell edit cannot be applied; ``ref`` names the cell."""

    def __init__(self, ref: str, message: str) -> None:
        super().__init__(message)
        self.ref = ref


@dataclass
class CellEdit:
    """What to do to one cell: a new value (UNSET = keep) and/or a new style."""

    value: CellValue | _Unset = UNSET
    #: maps the cell's current style index (0 if none) to its new one (None = keep the style)
    style_for: Callable[[int], int] | None = None
    #: set by the patcher when the cell did not exist and an element was created for it
    created: bool = False

    @property
    def changes_value(self) -> bool:
        return not isinstance(self.value, _Unset)


def _cell_re(p: str) -> re.Pattern[str]:
    return re.compile(rf"<{p}c(?=[\s/>])[^>]*?(?:/>|>.*?</{p}c\s*>)", re.S)


_R_ATTR = re.compile(r"""\sr\s*=\s*["']([0-9]+)["']""")


def _row_re(p: str) -> re.Pattern[str]:
    return re.compile(rf"<{p}row(?=[\s/>])[^>]*?(/?)>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _array_ranges(xml: str, p: str) -> list[tuple[str, int, int, int, int]]:
    """Multi-cell array / data-table formula ranges: (ref, r1, c1, r2, c2)."""
    out = []
    for m in re.finditer(rf"<{p}f(?=[\s/>])[^>]*>", xml):
        tag = m.group()
        if get_attr(tag, "t") not in ("array", "dataTable"):
            continue
        ref = get_attr(tag, "ref")
        if not ref or ":" not in ref:
            continue
        a, b = ref.split(":", 1)
        try:
            (r1, c1), (r2, c2) = parse_ref(a), parse_ref(b)
        except ValueError:
            continue
        if (r1, c1) != (r2, c2):
            out.append((ref, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return out


def _expand_shared(xml: str, p: str, si: str, master: str, text: str) -> str:
    """Replace every dependent ``<f t="shared" si=si/>`` by an explicit translated formula.

    Only empty ``<f>`` elements are visited (dependents carry no text), so this stays fast on
    big sheets; the owning cell's ``r`` is found by looking back to its ``<c`` start tag.
    """
    formula = "=" + html.unescape(text)
    out: list[str] = []
    pos = 0
    for fm in re.finditer(rf"<{p}f(?=[\s/>])[^>]*?(?:/>|>\s*</{p}f\s*>)", xml):
        tag = fm.group()
        if get_attr(tag, "t") != "shared" or get_attr(tag, "si") != si:
            continue
        c_start = xml.rfind(f"<{p}c", 0, fm.start())
        ref = get_attr(xml[c_start : xml.index(">", c_start) + 1], "r") if c_start >= 0 else None
        if ref is None:
            raise SheetEditError(master, "shared formula dependent without a cell reference")
        from openpyxl.formula.translate import Translator  # rare path: keep openpyxl off start-up

        try:
            moved = Translator(formula, origin=master).translate_formula(ref)
        except Exception as exc:  # openpyxl's tokenizer raises plain Exceptions
            raise SheetEditError(master, f"cannot rewrite shared formula dependents of {master}: {exc}") from exc
        out.append(xml[pos : fm.start()] + f"<{p}f>{_escape(moved[1:])}</{p}f>")
        pos = fm.end()
    out.append(xml[pos:])
    return "".join(out)


def _shared_master(cell: str, p: str) -> tuple[str, str] | None:
    """(si, formula text) if ``cell`` is the master of a shared formula."""
    m = re.search(rf"<{p}f(?=[\s/>])([^>]*?)>(.*?)</{p}f\s*>", cell, re.S)
    if m is None:
        return None
    tag = "<f" + m.group(1) + ">"
    if get_attr(tag, "t") == "shared" and get_attr(tag, "ref") and m.group(2).strip():
        si = get_attr(tag, "si")
        return (si, m.group(2)) if si is not None else None
    return None


def _render_cell(ref: str, edit: CellEdit, old: str | None, p: str) -> str | None:
    """New text for a cell (``old`` = its current XML or None); None = remove the element."""
    if old is None:
        tag = f'<{p}c r="{ref}">'
        content = ""
    else:
        close = old.find(">")
        selfclosing = old[close - 1] == "/"
        tag = old[: close - 1].rstrip() + ">" if selfclosing else old[: close + 1]
        content = "" if selfclosing else old[close + 1 : old.rfind("<")]
    cur_style = int(get_attr(tag, "s") or 0)
    style = edit.style_for(cur_style) if edit.style_for is not None else cur_style
    if style != cur_style:
        tag = set_attr(tag, "s", str(style))
    if old is None and (edit.value is None or edit.value is UNSET) and style == 0:
        return None  # nothing to write into a cell that does not exist
    if edit.changes_value:
        for attr in ("t", "cm", "vm"):
            tag = del_attr(tag, attr)
        try:
            t, content = render_body(edit.value, p)  # type: ignore[arg-type]
        except ValueError as exc:
            raise SheetEditError(ref, str(exc)) from exc
        if t is not None:
            tag = set_attr(tag, "t", t)
        if not content and get_attr(tag, "s") is None and old is not None:
            return None
    edit.created = old is None
    if not content:
        return tag[:-1] + "/>"
    return f"{tag}{content}</{p}c>"


def _patch_row(row_xml: str, rownum: int, edits: dict[int, CellEdit], p: str) -> str:
    """Apply ``edits`` (column -> edit) to the text of one ``<row>`` element."""
    m = _row_re(p).match(row_xml)
    assert m is not None
    if m.group(1) == "/":
        head, body, tail = row_xml[: m.end() - 2].rstrip() + ">", "", f"</{p}row>"
    else:
        head = row_xml[: m.end()]
        close = row_xml.rfind("<")
        body, tail = row_xml[m.end() : close], row_xml[close:]
    ext = re.search(rf"<{p}extLst(?=[\s/>])", body)
    limit = ext.start() if ext else len(body)
    cells: list[tuple[int, re.Match[str], bool]] = []
    col = 0
    for cm in _cell_re(p).finditer(body, 0, limit):
        r = get_attr(cm.group()[: cm.group().find(">") + 1], "r")
        col = parse_ref(r)[1] if r else col + 1
        cells.append((col, cm, r is None))
    present = {c for c, _, _ in cells}
    pending = sorted(c for c in edits if c not in present)
    pieces: list[str] = []
    pos = 0
    done: set[int] = set()
    for col, cm, implicit in cells:
        while pending and pending[0] < col:
            c = pending.pop(0)
            if implicit or any(i for _, _, i in cells):
                raise SheetEditError(format_ref(rownum, c), "row has cells without r attributes")
            new = _render_cell(format_ref(rownum, c), edits[c], None, p)
            pieces.append(body[pos : cm.start()] + (new or ""))
            pos = cm.start()
        if col in edits and col not in done:
            new = _render_cell(format_ref(rownum, col), edits[col], cm.group(), p)
            pieces.append(body[pos : cm.start()] + (new or ""))
            pos = cm.end()
            done.add(col)
    pieces.append(body[pos:limit])
    if pending and any(i for _, _, i in cells):
        raise SheetEditError(format_ref(rownum, pending[0]), "row has cells without r attributes")
    for c in pending:
        pieces.append(_render_cell(format_ref(rownum, c), edits[c], None, p) or "")
    pieces.append(body[limit:])
    return head + "".join(pieces) + tail


def _new_row(rownum: int, edits: dict[int, CellEdit], p: str) -> str:
    cells = [_render_cell(format_ref(rownum, c), edits[c], None, p) or "" for c in sorted(edits)]
    if not any(cells):
        return ""
    return f'<{p}row r="{rownum}">' + "".join(cells) + f"</{p}row>"


def _union_dimension(xml: str, p: str, limit: int, refs: list[tuple[int, int]]) -> str:
    m = re.compile(rf"<{p}dimension(?=[\s/>])[^>]*>").search(xml, 0, limit)
    if m is None or not refs:
        return xml
    ref = get_attr(m.group(), "ref")
    if not ref:
        return xml
    try:
        parts = [parse_ref(x) for x in ref.split(":", 1)]
    except ValueError:
        return xml
    rows = [r for r, _ in parts] + [r for r, _ in refs]
    cols = [c for _, c in parts] + [c for _, c in refs]
    lo, hi = format_ref(min(rows), min(cols)), format_ref(max(rows), max(cols))
    new_ref = lo if lo == hi else f"{lo}:{hi}"
    if new_ref == ref:
        return xml
    return xml[: m.start()] + set_attr(m.group(), "ref", new_ref) + xml[m.end() :]


def _check_edits(xml: str, p: str, edits: dict[tuple[int, int], CellEdit]) -> None:
    ranges = _array_ranges(xml, p)
    for (r, c), e in edits.items():
        if not e.changes_value:
            continue
        for ref, r1, c1, r2, c2 in ranges:
            if r1 <= r <= r2 and c1 <= c <= c2:
                raise SheetEditError(
                    format_ref(r, c), f"cell is part of the array formula range {ref}; Excel forbids changing part of an array"
                )


def patch_sheet_xml(xml: str, edits: dict[tuple[int, int], CellEdit], *, _expanded: bool = False) -> str:
    """Return ``xml`` (a worksheet part) with ``edits`` ((row, col) -> CellEdit) applied."""
    p = root_prefix(xml, "worksheet")
    _check_edits(xml, p, edits)
    by_row: dict[int, dict[int, CellEdit]] = {}
    for (r, c), e in edits.items():
        by_row.setdefault(r, {})[c] = e
    sd = re.compile(rf"<{p}sheetData(?=[\s/>])[^>]*?(/?)>").search(xml)
    if sd is None:
        raise SheetEditError("", "worksheet has no <sheetData>")
    if sd.group(1) == "/":
        xml = xml[: sd.start()] + sd.group()[:-2].rstrip() + f"></{p}sheetData>" + xml[sd.end() :]
        sd = re.compile(rf"<{p}sheetData(?=[\s/>])[^>]*?>").search(xml)
        assert sd is not None
    body_start = sd.end()
    body_end = xml.index(f"</{p}sheetData", body_start)

    wanted = set(by_row)
    spans: dict[int, tuple[int, int]] = {}
    inserts: dict[int, int] = {}
    pending = sorted(wanted)
    implicit = False
    rownum = 0
    for m in _row_re(p).finditer(xml, body_start, body_end):
        rm = _R_ATTR.search(m.group(0))
        implicit = implicit or rm is None
        rownum = int(rm.group(1)) if rm else rownum + 1
        while pending and pending[0] < rownum:
            inserts.setdefault(pending.pop(0), m.start())
        if rownum in wanted and rownum not in spans:
            if m.group(1) == "/":
                end = m.end()
            else:
                end = xml.index(">", xml.index(f"</{p}row", m.end())) + 1
            spans[rownum] = (m.start(), end)
            if pending and pending[0] == rownum:
                pending.pop(0)
    for r in pending:
        inserts.setdefault(r, body_end)
    missing = [r for r in wanted if r not in spans]
    if implicit and missing:
        raise SheetEditError(format_ref(missing[0], min(by_row[missing[0]])), "sheet has rows without r attributes")

    if not _expanded and "shared" in xml:  # no shared formula in the part: nothing to expand
        masters = _find_masters(xml, p, spans, edits)
        if masters:
            body = xml[body_start:body_end]
            for si, ref, text in masters:
                body = _expand_shared(body, p, si, ref, text)
            return patch_sheet_xml(xml[:body_start] + body + xml[body_end:], edits, _expanded=True)
    return _finish(xml, p, by_row, spans, inserts, body_start, edits)


def _find_masters(
    xml: str, p: str, spans: dict[int, tuple[int, int]], edits: dict[tuple[int, int], CellEdit]
) -> list[tuple[str, str, str]]:
    """(si, master ref, formula text) of shared-formula masters whose value is being changed."""
    masters: list[tuple[str, str, str]] = []
    for r, (s, e) in spans.items():
        for cm in _cell_re(p).finditer(xml, s, e):
            ref = get_attr(cm.group()[: cm.group().find(">") + 1], "r")
            if not ref:
                continue
            rc = parse_ref(ref)
            if rc[0] == r and rc in edits and edits[rc].changes_value:
                sm = _shared_master(cm.group(), p)
                if sm:
                    masters.append((sm[0], ref, sm[1]))
    return masters


def _finish(
    xml: str,
    p: str,
    by_row: dict[int, dict[int, CellEdit]],
    spans: dict[int, tuple[int, int]],
    inserts: dict[int, int],
    body_start: int,
    edits: dict[tuple[int, int], CellEdit],
) -> str:
    ops: list[tuple[int, int, str]] = []  # (start, end, replacement)
    new_group: dict[int, list[int]] = {}
    for r, cols in by_row.items():
        if r in spans:
            s, e = spans[r]
            ops.append((s, e, _patch_row(xml[s:e], r, cols, p)))
        else:
            new_group.setdefault(inserts[r], []).append(r)
    for at, rows in new_group.items():
        ops.append((at, at, "".join(_new_row(r, by_row[r], p) for r in sorted(rows))))
    ops.sort(key=lambda o: (o[0], o[1]))
    out: list[str] = []
    pos = 0
    for s, e, text in ops:
        out.append(xml[pos:s])
        out.append(text)
        pos = e
    out.append(xml[pos:])
    result = "".join(out)
    created = [rc for rc, e in edits.items() if e.created]
    return _union_dimension(result, p, body_start, created)
