"""Lossless write-back: patch cells, fills, notes and table ranges inside an xlsx/xlsm package.

Why: openpyxl load/save drops text boxes, sparklines, checkboxes, cached values and more
(measurements.md §5), so evaltool never round-trips a user's workbook through it. Instead the
zip package is patched: only the worksheet parts holding patched cells and the unavoidable
bookkeeping parts change; every other member is copied as its raw compressed bytes, in the
same order and under the same name. The result is written atomically (temp file beside
``dst``, fsync, ``os.replace``); ``src`` is only read, and ``src == dst`` is allowed.

Example::

    from evaltool.io import Formula, patch_cells
    patch_cells("in.xlsx", "out.xlsx", {
        ("指标", "E5"): 87.5,                                  # number
        ("指标", "F5"): "=不是公式",                            # always text (inline string)
        ("指标", "G5"): Formula("=E5/100", cached=0.875),       # formula + cached value
    }, fills={("指标", "E5"): "FFC7CE"}, notes={("指标", "E5"): "低于目标值"})

What is written, and the corpus quirks handled (see patch_sheet / patch_styles / patch_notes):

- numbers -> ``<v>``; ``str`` -> ``t="inlineStr"`` so ``sharedStrings.xml`` stays untouched
  (text starting with ``=``, ``+``, ``-``, ``@`` stays text); bool -> ``t="b"``; None clears the
  value but keeps the cell's style (a cell without style is removed); ``Formula`` -> ``<f>``
  plus its cached ``<v>`` (``t="str"``/``"b"``/``"e"`` as needed). A patched cell keeps ``s``;
  ``t``/``cm``/``vm`` of the old value are dropped.
- Whenever a value or formula changes: ``xl/calcChain.xml`` is removed with its relationship
  and content-type override, and ``<calcPr fullCalcOnLoad="1">`` is set in workbook.xml, so
  Excel/LibreOffice recalculate on open. ``<dimension ref>`` grows to cover new cells.
- Sheets are found through workbook.xml + its rels (Chinese names, absolute targets such as
  ``/xl/worksheets/sheet1.xml``, percent-encoded targets, ``xl\\workbook.xml`` member names
  written by some zip tools); chartsheets, dialog/macro sheets and missing sheets raise
  PatchError, as does a workbook without any worksheet, and a package holding two members
  whose names differ only in case (readers disagree on which one is meant).
- Parts are located by XML tokens, never by a text search: a worksheet is checked
  well-formed by expat (DTDs refused) and walked by a lexer that skips comments, CDATA and
  processing instructions whole (``patch_sheet_scan``); the declared encoding (ISO-8859-1,
  UTF-16, GBK …) is kept, new characters it cannot carry become character references.
- A new cell gets its column's style, else its row's, else style 0 - unless style 0 is not
  General (some producers make it a date), then a General clone of it is added to styles.xml
  once, so 4242.25 never shows as 1911-08-12.
- Every failure of the package - bad CRC, Deflate64/bzip2 members, encrypted members, a
  truncated central directory, broken deflate data - is a PatchError naming the file, the
  part (``.part``) and the cause (``.cause``).
- Shared formulas: changing the master rewrites its dependents as explicit formulas
  (translated relative references) so they keep working. Cells inside a multi-cell array or
  data-table range are refused. Rows/cells out of order, rows without ``r`` (refused only when
  a row would have to be inserted among them), ``x14ac:dyDescent``/``mc:Ignorable``, prefixed
  namespaces (``<x:worksheet>``), 1904 dates and inline vs shared strings are all left as they
  were. Big sheets are never parsed into a DOM.
- ``.xlsm``: content types untouched except for the calcChain/comments entries, so the file
  stays macro-enabled; ``vbaProject.bin`` is copied byte-identical.

Known limits: ``<row spans>`` hints are not widened; removing a sheet's last note leaves an
empty comments part and VML drawing (valid, harmless); Excel 365 threaded comments are not
touched (a legacy note on a cell with a thread is replaced, the thread stays); ZIP64 packages
(> 4 GiB or > 65,535 members) are re-compressed, so their members are identical only after
decompression; a fill of None can only revert fills that have an un-filled twin style.
"""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path

from evaltool.io.atomic import atomic_replace, temp_path_for
from evaltool.io.patch_notes import patch_notes
from evaltool.io.patch_package import ZIP_ERRORS, Package, PackageError
from evaltool.io.patch_scan import first_elements, splice
from evaltool.io.patch_sheet import UNSET, CellEdit, SheetEditError, patch_sheet
from evaltool.io.patch_styles import StyleBook, default_is_general
from evaltool.io.patch_tables import patch_tables
from evaltool.io.patch_types import NUMBER_TYPES, Formula, PatchError, parse_ref
from evaltool.io.patch_xml import UnsafeXml, set_attr
from evaltool.io.patch_zip import write_package

__all__ = ["Formula", "PatchError", "patch_cells"]

_CT_CALCCHAIN = "calcChain"


def _sheet_parts(pkg: Package, names: set[str], label: str) -> dict[str, str]:
    """Sheet name -> worksheet part for ``names``; PatchError for chartsheets/missing sheets."""
    sheets = pkg.sheets()
    if not any(s.kind == "worksheet" for s in sheets):
        raise PatchError(f"{label}: the workbook has no worksheet (only {len(sheets)} chart/other sheets)")
    found = {s.name: s for s in sheets}
    lower = {s.name.casefold(): s for s in sheets}
    out: dict[str, str] = {}
    for name in names:
        s = found.get(name) or lower.get(name.casefold())
        if s is None:
            raise PatchError(f"{label}: no sheet named {name!r} (sheets: {', '.join(found)})")
        if s.kind != "worksheet":
            raise PatchError(f"{label}: sheet {name!r} is a {s.kind.rsplit('/', 1)[-1]}, not a worksheet")
        if not pkg.has(s.part):
            raise PatchError(f"{label}: sheet {name!r} points to missing part {s.part!r}")
        out[name] = s.part
    return out


def _drop_calc_chain(pkg: Package, wb: str) -> None:
    for rel in pkg.rels(wb):
        if rel.type == _CT_CALCCHAIN:
            pkg.remove_rel(wb, rel.id)
            if pkg.has(rel.target):
                pkg.remove_override(rel.target)
                pkg.remove(rel.target)
    if pkg.has("xl/calcChain.xml"):
        pkg.remove_override("xl/calcChain.xml")
        pkg.remove("xl/calcChain.xml")


_WB_AFTER_CALCPR = (
    "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
    "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst",
)  # fmt: skip


def _full_calc_on_load(pkg: Package, wb: str) -> None:
    data = pkg.text(wb).encode("utf-8")
    found, root_end, root_qname = first_elements(data, {"calcPr", *_WB_AFTER_CALCPR})
    prefix = root_qname.rpartition(":")[0]
    p = prefix + ":" if prefix else ""
    calc = found.get("calcPr")
    if calc is not None:
        if calc.attrs.get("fullCalcOnLoad") in ("1", "true"):
            return
        tag = data[calc.start : calc.tag_end].decode("utf-8")
        data = splice(data, [(calc.start, calc.tag_end, set_attr(tag, "fullCalcOnLoad", "1").encode("utf-8"))])
    else:
        at = min((found[x].start for x in _WB_AFTER_CALCPR if x in found), default=root_end)
        if at < 0:
            raise PackageError("workbook part has no content", part=wb)
        data = splice(data, [(at, at, f'<{p}calcPr fullCalcOnLoad="1"/>'.encode())])
    pkg.put(wb, data.decode("utf-8"))


def _collect_edits(
    cells: Mapping[tuple[str, str], object],
    fills: Mapping[tuple[str, str], str | None],
    styles: StyleBook | None,
    label: str,
) -> dict[str, dict[tuple[int, int], CellEdit]]:
    edits: dict[str, dict[tuple[int, int], CellEdit]] = {}

    def edit_for(sheet: str, ref: str) -> CellEdit:
        try:
            rc = parse_ref(ref)
        except ValueError as exc:
            raise PatchError(f"{label}: sheet {sheet!r}: {exc}") from exc
        return edits.setdefault(sheet, {}).setdefault(rc, CellEdit())

    for (sheet, ref), value in cells.items():
        if not isinstance(value, (Formula, str, bool, type(None), *NUMBER_TYPES)):
            raise PatchError(f"{label}: sheet {sheet!r} cell {ref}: unsupported value type {type(value).__name__}")
        edit_for(sheet, ref).value = value  # type: ignore[assignment]
    for (sheet, ref), colour in fills.items():
        e = edit_for(sheet, ref)
        if styles is None:
            raise PatchError(f"{label}: the workbook has no styles part (or no <cellXfs>); cannot add fills", file=label)
        e.style_for = styles.styler(colour, f"{label}: sheet {sheet!r} cell {ref}")
    return edits


def patch_cells(
    src: str | os.PathLike[str] | bytes,
    dst: str | os.PathLike[str],
    cells: Mapping[tuple[str, str], object],
    *,
    fills: Mapping[tuple[str, str], str | None] | None = None,
    notes: Mapping[tuple[str, str], str | None] | None = None,
    table_refs: Mapping[str, str] | None = None,
    label: str | None = None,
) -> None:
    """Patch ``cells`` (``(sheet, "B2") -> value``) of ``src`` and write the result to ``dst``.

    ``fills`` maps cells to an RGB colour ``"FFC7CE"`` (solid fill; None = revert a fill this
    function added earlier, otherwise leave the cell as is). ``notes`` maps cells to note
    (legacy comment) text, None removes the cell's note. ``table_refs`` maps an Excel table
    name to its new ``ref`` (only the last row may change). Raises PatchError naming the file,
    sheet and cell for anything wrong with the workbook or the request, OSError for file-system
    failures (folder missing, disk full, ``dst`` locked on Windows); on any error ``dst`` is
    left untouched and no temp file remains. ``src`` may be the package's bytes already read
    (then ``label`` names it in errors): the source file is not opened again.
    """
    dst_p = Path(dst)
    source: Path | io.BytesIO = io.BytesIO(src) if isinstance(src, bytes) else Path(src)
    label = label or (str(source) if isinstance(source, Path) else str(dst_p))
    fills = dict(fills or {})
    notes = dict(notes or {})
    try:
        pkg = Package.open(source)
    except PackageError as exc:
        raise PatchError(f"{label}: {exc}", file=label, part=exc.part, cause=exc.cause) from exc
    except OSError as exc:
        raise PatchError(f"{label}: cannot read: {exc}", file=label, cause=f"cannot read: {exc}") from exc
    try:
        _apply(pkg, cells, fills, notes, dict(table_refs or {}), label)
        tmp = temp_path_for(dst_p)
        try:
            with open(tmp, "wb") as out, contextlib.ExitStack() as stack:
                fh = stack.enter_context(open(source, "rb")) if isinstance(source, Path) else source
                try:
                    write_package(pkg.zf, fh, out, pkg.replaced, pkg.added, pkg.removed)
                except PackageError as exc:
                    raise PatchError(f"{label}: {exc}", file=label, part=exc.part, cause=exc.cause) from exc
                except ZIP_ERRORS as exc:
                    if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
                        raise
                    raise PatchError(f"{label}: damaged zip package: {exc}", file=label, cause=f"damaged zip package: {exc}") from exc
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
    finally:
        pkg.close()
    atomic_replace(tmp, dst_p)


def _apply(
    pkg: Package,
    cells: Mapping[tuple[str, str], object],
    fills: dict[tuple[str, str], str | None],
    notes: dict[tuple[str, str], str | None],
    table_refs: dict[str, str],
    label: str,
) -> None:
    try:
        wb = pkg.workbook_part()
        names = {s for s, _ in cells} | {s for s, _ in fills} | {s for s, _ in notes}
        parts = _sheet_parts(pkg, names, label)  # also refuses a workbook without worksheets
        styles_box: list[StyleBook | None] = []

        def styles() -> StyleBook | None:
            if not styles_box:
                styles_box.append(StyleBook.load(pkg, wb))
            return styles_box[0]

        general: list[int] = []

        def base_style() -> int:
            if not general:
                # the common case - style 0 is General - is read off the first <xf> of
                # <cellXfs> without loading the style book (which only fills need)
                if not styles_box and default_is_general(pkg, wb):
                    general.append(0)
                else:
                    book = styles()
                    general.append(book.general() if book is not None else 0)
            return general[0]

        edits = _collect_edits(cells, fills, styles() if fills else None, label)
        for sheet, sheet_edits in edits.items():
            part = parts[sheet]
            try:
                data = patch_sheet(pkg.read(part), sheet_edits, base_style)
            except SheetEditError as exc:
                raise PatchError(f"{label}: sheet {sheet!r} cell {exc.ref}: {exc}", file=label, part=part) from exc
            except UnsafeXml as exc:
                raise PackageError(str(exc), part=part) from exc
            pkg.put(part, data)
        if styles_box and styles_box[0] is not None:
            styles_box[0].save()
        if notes:
            by_sheet: dict[str, dict[str, str | None]] = {}
            for (sheet, ref), text in notes.items():
                by_sheet.setdefault(sheet, {})[ref] = text
            for sheet, sheet_notes in by_sheet.items():
                patch_notes(pkg, parts[sheet], sheet_notes, f"{label}: sheet {sheet!r}")
        if table_refs:
            patch_tables(pkg, table_refs, label)
        if any(e.value is not UNSET for se in edits.values() for e in se.values()):
            _drop_calc_chain(pkg, wb)
            _full_calc_on_load(pkg, wb)
    except PackageError as exc:
        raise PatchError(f"{label}: {exc}", file=label, part=exc.part, cause=exc.cause) from exc
    except (UnsafeXml, UnicodeDecodeError, ValueError) as exc:
        raise PatchError(f"{label}: {exc}", file=label) from exc
