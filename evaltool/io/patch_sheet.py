"""Cell surgery on one worksheet part: locate by XML tokens, splice bytes.

Why: "inside the patched worksheet part nothing but the patched cells (and the dimension)
changed" must hold byte for byte, and sheets can be huge and come from any producer. The
part is tokenized once with expat (``patch_sheet_scan``), which gives the byte offsets of the
rows and cells involved; only those ``<c>`` elements (plus their ``<row>`` when it has to be
created or opened, and ``<dimension ref>``) are rewritten. Everything else - attribute order,
namespace prefixes, comments, CDATA, processing instructions, the declared encoding - is
copied as is; a ``<sheetData>`` inside a comment is just a comment.

Handled: rows/cells in any order (a new cell goes before the first cell with a larger column,
a new row before the first row with a larger number), implicit row numbers (rows without
``r``; inserting among them is refused because it would renumber them), a prefixed
SpreadsheetML namespace (``<x:worksheet>``), ``<sheetData/>``, ``cm``/``vm`` (dropped from a
cell whose value changes), shared formulas (patching the master turns its dependents into
explicit formulas, translated with openpyxl's Translator), array/data-table formulas
(changing a cell inside a multi-cell array range is refused: Excel forbids it too).

A new cell gets the column's style (``<col style>``), else the row's (``<row s customFormat>``),
else ``base_style()`` - the patcher's General number style, so a number never shows as a date
because style 0 of the file happens to be a date format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from evaltool.io.patch_scan import from_utf8, splice, start_tag_end, to_utf8
from evaltool.io.patch_sheet_scan import Cell, SheetScan, scan_sheet
from evaltool.io.patch_types import CellValue, format_ref, parse_ref, render_body
from evaltool.io.patch_xml import UnsafeXml, del_attr, escape_text, get_attr, set_attr
from evaltool.model import EvaltoolError

__all__ = ["CellEdit", "SheetEditError", "patch_sheet", "UNSET"]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


class SheetEditError(EvaltoolError, ValueError):
    """A cell edit cannot be applied; ``ref`` names the cell."""

    code = "sheet_edit"

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


def _render_cell(ref: str, edit: CellEdit, old: tuple[str, str] | None, p: str, base: Callable[[], int]) -> str | None:
    """New text for a cell (``old`` = its (start tag, content) or None); None = remove it."""
    if old is None:
        tag = f'<{p}c r="{ref}">'
        content = ""
        if not edit.changes_value or edit.value is None:
            if edit.style_for is None:
                return None
            cur_style = base()
            if edit.style_for(cur_style) == cur_style:
                return None  # nothing to write into a cell that does not exist
        else:
            cur_style = base()
        if cur_style:
            tag = set_attr(tag, "s", str(cur_style))
    else:
        tag, content = old
        if tag.endswith("/>"):
            tag = tag[:-2].rstrip() + ">"
        cur_style = int(get_attr(tag, "s") or 0)
    style = edit.style_for(cur_style) if edit.style_for is not None else cur_style
    if style != cur_style:
        tag = set_attr(tag, "s", str(style))
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


def _no_base() -> int:  # an existing cell keeps its own style
    raise AssertionError("unreachable")


_NO_BASE = _no_base


def _old_cell(data: bytes, cell: Cell) -> tuple[str, str]:
    tag_end = cell.tag_end if cell.tag_end >= 0 else start_tag_end(data, cell.start)
    tag = data[cell.start : tag_end].decode("utf-8")
    if tag_end == cell.end:
        return tag, ""
    close = data.rindex(b"<", tag_end, cell.end)
    return tag, data[tag_end : close].decode("utf-8")


def _check_arrays(scan: SheetScan, edits: dict[tuple[int, int], CellEdit]) -> None:
    for (r, c), e in edits.items():
        if not e.changes_value:
            continue
        for ref, r1, c1, r2, c2 in scan.arrays:
            if r1 <= r <= r2 and c1 <= c <= c2:
                raise SheetEditError(
                    format_ref(r, c), f"cell is part of the array formula range {ref}; Excel forbids changing part of an array"
                )


def _expand_shared(data: bytes, scan: SheetScan, edits: dict[tuple[int, int], CellEdit]) -> bytes | None:
    """Dependents of shared formulas whose master changes value, rewritten as explicit formulas."""
    masters: dict[str, tuple[str, str]] = {}
    for f in scan.shared:
        if f.master and f.text.strip():
            cell = scan.cell_of(data, f.start)
            try:
                rc = parse_ref(cell or "")
            except ValueError:
                continue
            if rc in edits and edits[rc].changes_value:
                masters[f.si] = (cell or "", f.text)
    if not masters:
        return None
    from openpyxl.formula.translate import Translator  # rare path: keep openpyxl off start-up

    ops: list[tuple[int, int, bytes]] = []
    p = scan.prefix
    for f in scan.shared:
        if f.si not in masters or f.master:
            continue
        master, text = masters[f.si]
        cell = scan.cell_of(data, f.start)
        if not cell:
            raise SheetEditError(master, "shared formula dependent without a cell reference")
        try:
            moved = Translator("=" + text, origin=master).translate_formula(cell)
        except Exception as exc:  # openpyxl's tokenizer raises plain Exceptions
            raise SheetEditError(master, f"cannot rewrite shared formula dependents of {master}: {exc}") from exc
        ops.append((f.start, f.end, f"<{p}f>{escape_text(moved[1:])}</{p}f>".encode()))
    return splice(data, ops)


def patch_sheet(data: bytes, edits: dict[tuple[int, int], CellEdit], base_style: Callable[[], int]) -> bytes:
    """Return worksheet part ``data`` with ``edits`` ((row, col) -> CellEdit) applied.

    ``base_style()`` gives the style index for a new cell that has no column or row style.
    Raises SheetEditError for a cell that cannot be patched, UnsafeXml for a part that is not
    well-formed (or declares a DTD).
    """
    work, enc = to_utf8(data)
    wanted = {r for r, _ in edits}
    scan = scan_sheet(work, wanted)
    _check_arrays(scan, edits)
    if scan.shared:
        expanded = _expand_shared(work, scan, edits)
        if expanded is not None:
            work = expanded
            scan = scan_sheet(work, wanted)
    return from_utf8(_apply(work, scan, edits, base_style), enc)


def _apply(
    data: bytes, scan: SheetScan, edits: dict[tuple[int, int], CellEdit], base_style: Callable[[], int]
) -> bytes:
    p = scan.prefix
    by_row: dict[int, dict[int, CellEdit]] = {}
    for (r, c), e in edits.items():
        by_row.setdefault(r, {})[c] = e
    inserts: dict[int, list[tuple[tuple[int, int], str]]] = {}  # offset -> [(sort key, text)]
    ops: list[tuple[int, int, bytes]] = []

    def new_style_for(r: int, c: int, row_style: int | None) -> Callable[[], int]:
        def base() -> int:
            col = scan.col_style(c)
            if col is not None:
                return col
            return row_style if row_style is not None else base_style()

        return base

    for r in sorted(by_row):
        cols = by_row[r]
        row = scan.rows.get(r)
        if row is None:
            if scan.implicit_rows:
                raise SheetEditError(format_ref(r, min(cols)), "sheet has rows without r attributes")
            cells = [_render_cell(format_ref(r, c), cols[c], None, p, new_style_for(r, c, None)) for c in sorted(cols)]
            if any(cells):
                at = scan.insert_row_at(r)
                inserts.setdefault(at, []).append(((r, 0), f'<{p}row r="{r}">' + "".join(x or "" for x in cells) + f"</{p}row>"))
            continue
        present: dict[int, Cell] = {}
        implicit = False
        for cell in row.cells:
            if cell.col not in present:
                present[cell.col] = cell
            if not cell.has_r:
                implicit = True
        row_inserts: list[tuple[int, str]] = []
        for c in sorted(cols):
            ref = format_ref(r, c)
            old = present.get(c)
            if old is not None:
                new = _render_cell(ref, cols[c], _old_cell(data, old), p, _NO_BASE)
                ops.append((old.start, old.end, (new or "").encode("utf-8")))
                continue
            new = _render_cell(ref, cols[c], None, p, new_style_for(r, c, row.style))
            if new is None:
                continue
            if implicit:
                raise SheetEditError(ref, "row has cells without r attributes")
            after = next((x for x in row.cells if x.col > c), None)
            if after is not None:
                inserts.setdefault(after.start, []).append(((r, c), new))
            else:
                row_inserts.append((c, new))
        if row_inserts:
            text = "".join(t for _, t in row_inserts)
            if row.empty:
                head = data[row.start : row.tag_end].decode("utf-8")
                ops.append((row.start, row.end, (head[:-2].rstrip() + ">" + text + f"</{p}row>").encode("utf-8")))
            else:
                at = row.cells[-1].end if row.cells else row.tag_end
                inserts.setdefault(at, []).append(((r, row_inserts[0][0]), text))
    if scan.sheet_data_empty and inserts:
        sd = scan.sheet_data
        head = data[sd.start : sd.tag_end].decode("utf-8")
        body = "".join(t for _, t in sorted(inserts.pop(sd.tag_end, [])))
        ops.append((sd.start, sd.end, (head[:-2].rstrip() + ">" + body + f"</{p}sheetData>").encode("utf-8")))
    for at, items in inserts.items():
        ops.append((at, at, "".join(t for _, t in sorted(items)).encode("utf-8")))
    created = [rc for rc, e in edits.items() if e.created]
    dim = _dimension_op(data, scan, created)
    if dim is not None:
        ops.append(dim)
    try:
        return splice(data, ops)
    except ValueError as exc:
        raise UnsafeXml(f"cannot apply the edits: {exc}") from exc


def _dimension_op(data: bytes, scan: SheetScan, refs: list[tuple[int, int]]) -> tuple[int, int, bytes] | None:
    d = scan.dimension
    if d is None or not refs:
        return None
    ref = d.attrs.get("ref")
    if not ref:
        return None
    try:
        parts = [parse_ref(x) for x in ref.split(":", 1)]
    except ValueError:
        return None
    rows = [r for r, _ in parts] + [r for r, _ in refs]
    cols = [c for _, c in parts] + [c for _, c in refs]
    lo, hi = format_ref(min(rows), min(cols)), format_ref(max(rows), max(cols))
    new_ref = lo if lo == hi else f"{lo}:{hi}"
    if new_ref == ref:
        return None
    tag = data[d.start : d.tag_end].decode("utf-8")
    return d.start, d.tag_end, set_attr(tag, "ref", new_ref).encode("utf-8")
