"""Solid cell fills for the package patcher, added to ``xl/styles.xml`` by text surgery.

Why: evaltool highlights cells (errors red, warnings amber) without touching anything else of
the cell's look. A fill is appended to ``<fills>`` once per colour, and each styled cell's
``cellXfs`` entry is cloned with the new ``fillId`` (number format, font, border, alignment,
protection and extLst - e.g. a checkbox's featurePropertyBag - are kept), appended to
``<cellXfs>`` with ``count`` fixed. Identical fills and clones are reused, so patching the same
workbook twice does not grow styles.xml.

``None`` (remove the fill): Excel does not record "the style before the fill", so evaltool
reverts a cell whose fill is solid to the lowest-numbered ``cellXfs`` entry that is identical
apart from ``fillId``/``applyFill`` and has a non-solid fill (which is the case for every
cell evaltool filled itself). If no such twin exists the cell is left as is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from evaltool.io.patch_package import Package, PackageError
from evaltool.io.patch_types import PatchError
from evaltool.io.patch_xml import del_attr, get_attr, root_prefix, set_attr

__all__ = ["StyleBook"]

_COLOUR = re.compile(r"^(?:[0-9A-Fa-f]{2})?[0-9A-Fa-f]{6}$")


@dataclass
class _List:
    """A ``<fills>``/``<cellXfs>`` element: its children's texts and the text span they occupy."""

    head: str
    items: list[str]
    start: int
    end: int


@dataclass
class StyleBook:
    """styles.xml loaded for fill edits; ``save`` writes it back only if it changed."""

    pkg: Package
    part: str
    xml: str
    prefix: str
    fills_or_none: _List | None
    xfs: _List
    original: tuple[int, int] = (0, 0)
    clones: dict[tuple[int, int], int] = field(default_factory=dict)
    general_idx: int | None = None

    @classmethod
    def load(cls, pkg: Package, wb: str) -> StyleBook | None:
        """styles.xml of workbook part ``wb``; None when the workbook has no styles part."""
        part = next((r.target for r in pkg.rels(wb) if r.type == "styles"), "xl/styles.xml")
        if not pkg.has(part):
            return None
        xml = pkg.text(part)
        p = root_prefix(xml, "styleSheet")
        fills = _find_list(xml, p, "fills", "fill", required=False)
        xfs = _find_list(xml, p, "cellXfs", "xf", required=False)
        if xfs is None:  # no cell styles at all: every cell shows as General
            return None
        return cls(pkg, part, xml, p, fills, xfs, (len(fills.items) if fills else 0, len(xfs.items)))

    @property
    def fills(self) -> _List:
        if self.fills_or_none is None:
            raise PackageError("styles.xml has no <fills> entries; cannot add fills")
        return self.fills_or_none

    def general(self) -> int:
        """Style index for a new cell: 0 when style 0 shows numbers as General, else a clone of
        style 0 with the General number format (added once), so 4242.25 never shows as a date."""
        if self.general_idx is not None:
            return self.general_idx
        if not self.xfs.items:
            self.general_idx = 0
            return 0
        base = self.xfs.items[0]
        tag_end = base.find(">") + 1
        if int(get_attr(base[:tag_end], "numFmtId") or 0) == 0:
            self.general_idx = 0
            return 0
        tag = set_attr(set_attr(base[:tag_end], "numFmtId", "0"), "applyNumberFormat", "1")
        clone = tag + base[tag_end:]
        if clone in self.xfs.items:
            self.general_idx = self.xfs.items.index(clone)
        else:
            self.xfs.items.append(clone)
            self.general_idx = len(self.xfs.items) - 1
        return self.general_idx

    def _fill_xml(self, argb: str) -> str:
        p = self.prefix
        return (
            f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{argb}"/>'
            f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>'
        )

    def fill_id(self, colour: str) -> int:
        argb = (colour if len(colour) == 8 else "FF" + colour).upper()
        text = self._fill_xml(argb)
        if text in self.fills.items:
            return self.fills.items.index(text)
        self.fills.items.append(text)
        return len(self.fills.items) - 1

    def _is_solid(self, xf: str) -> bool:
        fid = int(get_attr(xf, "fillId") or 0)
        if fid >= len(self.fills.items):
            return False
        return 'patternType="solid"' in self.fills.items[fid]

    def with_fill(self, style: int, fill: int) -> int:
        key = (style, fill)
        if key in self.clones:
            return self.clones[key]
        if style >= len(self.xfs.items):
            style = 0
        base = self.xfs.items[style]
        tag_end = base.find(">") + 1
        tag = set_attr(set_attr(base[:tag_end], "fillId", str(fill)), "applyFill", "1")
        clone = tag + base[tag_end:]
        if clone == base:
            idx = style
        elif clone in self.xfs.items:
            idx = self.xfs.items.index(clone)
        else:
            self.xfs.items.append(clone)
            idx = len(self.xfs.items) - 1
        self.clones[key] = idx
        return idx

    def without_fill(self, style: int) -> int:
        if style >= len(self.xfs.items) or not self._is_solid(self.xfs.items[style]):
            return style
        want = _normal(self.xfs.items[style])
        for i, xf in enumerate(self.xfs.items[:style]):
            if _normal(xf) == want and not self._is_solid(xf):
                return i
        return style

    def styler(self, colour: str | None, label: str) -> Callable[[int], int]:
        """Function mapping a cell's current style index to its new one."""
        if colour is None:
            return self.without_fill
        if not isinstance(colour, str) or not _COLOUR.match(colour.lstrip("#")):
            raise PatchError(f"{label}: fill colour must be RGB hex like 'FFC7CE', got {colour!r}")
        fid = self.fill_id(colour.lstrip("#"))

        def style_for(cur: int) -> int:
            return self.with_fill(cur, fid)

        return style_for

    def save(self) -> None:
        lists = [x for x in (self.fills_or_none, self.xfs) if x is not None]
        if (len(self.fills_or_none.items) if self.fills_or_none else 0, len(self.xfs.items)) == self.original:
            return
        xml = self.xml
        for lst in sorted(lists, key=lambda x: -x.start):
            head = set_attr(lst.head, "count", str(len(lst.items))) if get_attr(lst.head, "count") else lst.head
            xml = xml[: lst.start] + head + "".join(lst.items) + xml[lst.end :]
        self.pkg.put(self.part, xml)


_CELL_XFS = re.compile(rb"<(?:!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>|((?:[\w.-]+:)?cellXfs)(?=[\s/>]))", re.S)
_FIRST_XF = re.compile(rb"<(?:!--.*?-->|\?.*?\?>|((?:[\w.-]+:)?xf)(?=[\s/>])([^>]*))", re.S)


def default_is_general(pkg: Package, wb: str) -> bool:
    """Whether style 0 of the workbook shows numbers as General (no styles part: yes).

    Read off the first ``<xf>`` inside ``<cellXfs>`` (comments and PIs skipped), so the
    common case costs no style-book parse. False when in doubt: the caller then loads the
    style book and decides there.
    """
    part = next((r.target for r in pkg.rels(wb) if r.type == "styles"), "xl/styles.xml")
    if not pkg.has(part):
        return True
    data = pkg.read(part)
    if not data.startswith((b"<?xml version=\"1.0\" encoding=\"UTF-8\"", b"<?xml version='1.0' encoding='UTF-8'", b"<styleSheet")):
        return False  # another encoding or an unusual prolog: let the style book decide
    at = next((m.end() for m in _CELL_XFS.finditer(data) if m.group(1)), -1)
    if at < 0:
        return True
    for m in _FIRST_XF.finditer(data, at):
        if m.group(1):
            num = re.search(rb"""\snumFmtId\s*=\s*["'](\d+)["']""", m.group(2))
            return num is None or num.group(1) == b"0"
    return True


def _normal(xf: str) -> str:
    tag_end = xf.find(">") + 1
    return del_attr(del_attr(xf[:tag_end], "fillId"), "applyFill") + xf[tag_end:]


def _find_list(xml: str, p: str, outer: str, inner: str, *, required: bool = True) -> _List | None:
    m = re.search(rf"<{p}{outer}(?=[\s/>])[^>]*?(/?)>", xml)
    if m is None or m.group(1) == "/":
        if not required:
            return None
        raise PackageError(f"styles.xml has no <{outer}> entries; cannot add fills")
    close = xml.index(f"</{p}{outer}", m.end())
    body = xml[m.end() : close]
    items = re.findall(rf"<{p}{inner}(?=[\s/>])[^>]*?(?:/>|>.*?</{p}{inner}\s*>)", body, re.S)
    if "".join(items) != re.sub(r">\s+<", "><", body).strip() and "".join(items) != body:
        raise PackageError(f"styles.xml <{outer}> has unexpected content")
    return _List(m.group(), items, m.start(), close)
