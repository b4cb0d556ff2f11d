"""Resize Excel tables (``xl/tables/tableN.xml``) for the package patcher.

Why: when evaltool appends result rows below a table, the table (and its autoFilter) must
grow with them or Excel shows the new rows outside the table. Only the table part's ``ref``
and its ``<autoFilter ref>`` change (by text surgery). Columns are fixed - adding or removing
columns would need new ``<tableColumn>`` entries matching header cells - and so is the header
row, so only the last row may move; anything else is a PatchError.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from evaltool.io.patch_package import Package
from evaltool.io.patch_types import PatchError, format_ref, parse_ref
from evaltool.io.patch_xml import get_attr, iter_elements, root_prefix, set_attr

__all__ = ["patch_tables", "table_parts"]


def table_parts(pkg: Package) -> dict[str, str]:
    """Table name (and display name), case-folded -> table part, for every table in the package."""
    out: dict[str, str] = {}
    for info in pkg.infos:
        name = info.filename
        if not re.match(r"(?i)xl/tables/[^/]+\.xml$", name) or not pkg.has(name):
            continue
        for depth, _tag, attrs in iter_elements(pkg.read(name)):
            if depth == 0:
                for key in ("name", "displayName"):
                    if attrs.get(key):
                        out[attrs[key].casefold()] = name
                break
    return out


def _bounds(ref: str) -> tuple[int, int, int, int]:
    a, _, b = ref.partition(":")
    (r1, c1), (r2, c2) = parse_ref(a), parse_ref(b or a)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def patch_tables(pkg: Package, table_refs: Mapping[str, str], label: str) -> None:
    """Set each named table's ``ref`` (and its autoFilter's) to the new range."""
    parts = table_parts(pkg)
    for table, new_ref in table_refs.items():
        part = parts.get(table.casefold())
        if part is None:
            raise PatchError(f"{label}: no table named {table!r}")
        xml = pkg.text(part)
        p = root_prefix(xml, "table")
        m = re.search(rf"<{p}table(?=[\s/>])[^>]*>", xml)
        assert m is not None
        old_ref = get_attr(m.group(), "ref") or ""
        try:
            r1, c1, r2, c2 = _bounds(old_ref)
            n1, d1, n2, d2 = _bounds(new_ref.replace("$", ""))
        except ValueError as exc:
            raise PatchError(f"{label}: table {table!r}: {exc}") from exc
        if (d1, d2) != (c1, c2):
            raise PatchError(f"{label}: table {table!r} {old_ref} -> {new_ref}: only rows may change, not columns")
        if n1 != r1:
            raise PatchError(f"{label}: table {table!r} {old_ref} -> {new_ref}: the header row cannot move")
        header = int(get_attr(m.group(), "headerRowCount") or 1)
        totals = int(get_attr(m.group(), "totalsRowCount") or 0)
        if n2 - n1 + 1 < header + totals + (1 if header or totals else 1):
            raise PatchError(f"{label}: table {table!r}: {new_ref} leaves no data row")
        ref = f"{format_ref(n1, d1)}:{format_ref(n2, d2)}"
        xml = xml[: m.start()] + set_attr(m.group(), "ref", ref) + xml[m.end() :]
        af = re.search(rf"<{p}autoFilter(?=[\s/>])[^>]*>", xml)
        if af is not None:
            af_ref = f"{format_ref(n1, d1)}:{format_ref(n2 - totals, d2)}"
            xml = xml[: af.start()] + set_attr(af.group(), "ref", af_ref) + xml[af.end() :]
        pkg.put(part, xml)
