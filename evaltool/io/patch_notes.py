"""Excel notes (legacy comments) for the package patcher: commentsN.xml + a VML drawing.

Why: a finding is most useful right on the offending cell, as the red-triangle note users
know. A note needs two parts: the text in ``xl/commentsN.xml`` and a shape in the sheet's
legacy VML drawing (``xl/drawings/vmlDrawingN.vml``), wired by sheet relationships, a
``<legacyDrawing r:id>`` element and content types. When the sheet already has comments or a
VML drawing (often with form buttons bound to macros), evaltool appends to them by text
surgery - existing comments and shapes are kept byte for byte - and only creates what is
missing. VML is not reliably well-formed XML, so it is never parsed.

Rules: a note's author is ``evaltool``; setting a note on a cell that has one replaces its
text (the shape is kept); None removes the cell's comment and its Note shape (buttons and
other shapes are never touched). New shape ids continue after the largest id in the VML part
(a fresh VML part gets a new ``o:idmap`` block above every block used in the package).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from evaltool.io.patch_package import Package
from evaltool.io.patch_types import PatchError, format_ref, parse_ref
from evaltool.io.patch_xml import NS_R, escape_text, ooxml_escape, root_prefix, top_level_children

__all__ = ["patch_notes"]

AUTHOR = "evaltool"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
_NS = f'xmlns="{"http://schemas.openxmlformats.org/spreadsheetml/2006/main"}"'
_AFTER_LEGACY = {
    "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst",
}  # fmt: skip
_VML_NS = {
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "x": "urn:schemas-microsoft-com:office:excel",
}
_SHAPETYPE = (
    '<{v}shapetype id="_x0000_t202" coordsize="21600,21600" {o}spt="202"\n'
    '  path="m,l,21600r21600,l21600,xe">\n  <{v}stroke joinstyle="miter"/>\n'
    '  <{v}path gradientshapeok="t" {o}connecttype="rect"/>\n </{v}shapetype>'
)


def _note_shape(row0: int, col0: int, shape_id: int, z: int, px: dict[str, str]) -> str:
    v, o, x = px["v"], px["o"], px["x"]
    top = max(row0 - 1, 0)
    top_off, bottom, bottom_off = (10, top + 4, 4) if row0 else (2, 3, 16)
    left = (col0 + 1) * 48 + 11.25
    mtop = top * 15 + (7.5 if row0 else 1.5)
    return (
        f'<{v}shape id="_x0000_s{shape_id}" type="#_x0000_t202" style=\'position:absolute;\n'
        f"  margin-left:{left:g}pt;margin-top:{mtop:g}pt;width:96pt;height:55.5pt;z-index:{z};\n"
        f"  visibility:hidden' fillcolor=\"#ffffe1\" {o}insetmode=\"auto\">\n"
        f'  <{v}fill color2="#ffffe1"/>\n  <{v}shadow on="t" color="black" obscured="t"/>\n'
        f'  <{v}path {o}connecttype="none"/>\n  <{v}textbox style=\'mso-direction-alt:auto\'>\n'
        f"   <div style='text-align:left'></div>\n  </{v}textbox>\n"
        f'  <{x}ClientData ObjectType="Note">\n   <{x}MoveWithCells/>\n   <{x}SizeWithCells/>\n'
        f"   <{x}Anchor>\n    {col0 + 1}, 15, {top}, {top_off}, {col0 + 3}, 15, {bottom}, {bottom_off}</{x}Anchor>\n"
        f"   <{x}AutoFill>False</{x}AutoFill>\n   <{x}Row>{row0}</{x}Row>\n   <{x}Column>{col0}</{x}Column>\n"
        f"  </{x}ClientData>\n </{v}shape>"
    )


def _comment(ref: str, author: int, text: str, p: str) -> str:
    body = escape_text(ooxml_escape(text))
    return (
        f'<{p}comment ref="{ref}" authorId="{author}"><{p}text><{p}t xml:space="preserve">{body}'
        f"</{p}t></{p}text></{p}comment>"
    )


def _open_element(xml: str, p: str, local: str, parent: str) -> tuple[str, int, int]:
    """Ensure ``<local>`` exists (created empty before ``</parent>`` if absent) and is not
    self-closing; return (xml, body start, body end)."""
    m = re.search(rf"<{p}{local}(?=[\s/>])[^>]*?(/?)>", xml)
    if m is None:
        later = re.search(rf"<{p}commentList(?=[\s/>])", xml) if local == "authors" else None
        at = later.start() if later else xml.rindex(f"</{p}{parent}")  # authors precede commentList
        xml = xml[:at] + f"<{p}{local}></{p}{local}>" + xml[at:]
        m = re.search(rf"<{p}{local}(?=[\s/>])[^>]*?(/?)>", xml)
        assert m is not None
    if m.group(1) == "/":
        xml = xml[: m.start()] + m.group()[:-2].rstrip() + f"></{p}{local}>" + xml[m.end() :]
        m = re.search(rf"<{p}{local}(?=[\s/>])[^>]*?>", xml)
        assert m is not None
    return xml, m.end(), xml.index(f"</{p}{local}", m.end())


def _edit_comments(xml: str, notes: dict[tuple[int, int], str | None]) -> str:
    p = root_prefix(xml, "comments")
    if any(t is not None for t in notes.values()):
        xml, s, e = _open_element(xml, p, "authors", "comments")
        authors = re.findall(rf"<{p}author(?=[\s/>])[^>]*?(?:/>|>(.*?)</{p}author\s*>)", xml[s:e], re.S)
        if AUTHOR in authors:
            author = authors.index(AUTHOR)
        else:
            xml = xml[:e] + f"<{p}author>{AUTHOR}</{p}author>" + xml[e:]
            author = len(authors)
    else:
        author = 0
    xml, s, e = _open_element(xml, p, "commentList", "comments")
    for (r, c), text in notes.items():
        ref = format_ref(r, c)
        pat = re.compile(rf'<{p}comment(?=[\s/>])[^>]*?\sref="{ref}"[^>]*?(?:/>|>.*?</{p}comment\s*>)', re.S)
        new = "" if text is None else _comment(ref, author, text, p)
        m = pat.search(xml, s, e)
        if m is not None:
            xml = xml[: m.start()] + new + xml[m.end() :]
        else:
            xml = xml[:e] + new + xml[e:]
        e = xml.index(f"</{p}commentList", s)
    return xml


def _vml_prefixes(vml: str) -> tuple[str, dict[str, str]]:
    """Prefixes bound to the VML/office/excel namespaces, declaring any missing on ``<xml>``."""
    px: dict[str, str] = {}
    m = re.search(r"<xml\b[^>]*>", vml)
    if m is None:
        raise ValueError("VML drawing has no <xml> root")
    head = m.group()
    for key, uri in _VML_NS.items():
        d = re.search(r'xmlns:([\w.-]+)\s*=\s*["\']' + re.escape(uri) + r'["\']', vml)
        if d is None:
            head = head[:-1] + f' xmlns:{key}="{uri}">'
            px[key] = key + ":"
        else:
            px[key] = d.group(1) + ":"
    return vml[: m.start()] + head + vml[m.end() :], px


def _note_shapes(vml: str, px: dict[str, str]) -> dict[tuple[int, int], tuple[int, int]]:
    """(row0, col0) -> span of each Note shape in the VML text."""
    v, x = px["v"], px["x"]
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for m in re.finditer(rf"<{v}shape(?=[\s>])[^>]*>.*?</{v}shape\s*>", vml, re.S):
        shape = m.group()
        if not re.search(rf'<{x}ClientData\s+ObjectType\s*=\s*["\']Note["\']', shape):
            continue
        row = re.search(rf"<{x}Row>\s*(\d+)\s*</{x}Row>", shape)
        col = re.search(rf"<{x}Column>\s*(\d+)\s*</{x}Column>", shape)
        if row and col:
            out[(int(row.group(1)), int(col.group(1)))] = (m.start(), m.end())
    return out


def _new_block(pkg: Package) -> int:
    used = [0]
    for name in [i.filename for i in pkg.infos] + pkg.added:
        if name.lower().endswith(".vml") and pkg.has(name):
            text = pkg.read(name).decode("utf-8", "replace")
            for d in re.findall(r'idmap\b[^>]*\bdata\s*=\s*["\']([\d,\s]+)["\']', text):
                used += [int(n) for n in re.findall(r"\d+", d)]
    return max(used) + 1


def _edit_vml(vml: str, notes: dict[tuple[int, int], str | None]) -> str:
    vml, px = _vml_prefixes(vml)
    v, o = px["v"], px["o"]
    ids = [int(n) for n in re.findall(r'id\s*=\s*["\']_x0000_s(\d+)["\']', vml)]
    block = re.search(r'idmap\b[^>]*\bdata\s*=\s*["\'](\d+)', vml)
    next_id = max(ids + [int(block.group(1)) * 1024 if block else 1024]) + 1
    z = len(re.findall(rf"<{v}shape(?=[\s>])", vml))
    existing = _note_shapes(vml, px)
    for (r0, c0), text in sorted(notes.items(), key=lambda kv: kv[0], reverse=True):
        span = existing.get((r0, c0))
        if text is None and span is not None:
            vml = vml[: span[0]] + vml[span[1] :]
    adds = []
    for (r0, c0), text in sorted(notes.items(), key=lambda kv: kv[0]):
        if text is not None and (r0, c0) not in existing:
            z += 1
            adds.append(_note_shape(r0, c0, next_id, z, px))
            next_id += 1
    if adds:
        if "_x0000_t202" not in vml:
            adds.insert(0, _SHAPETYPE.format(v=v, o=o))
        end = vml.rindex("</xml")
        vml = vml[:end] + "".join(adds) + vml[end:]
    return vml


def _legacy_rid(sheet: str) -> str | None:
    m = re.search(r"<(?:[\w.-]+:)?legacyDrawing(?=[\s/>])[^>]*>", sheet)
    if m is None:
        return None
    rid = re.search(r'\s[\w.-]+:id\s*=\s*["\']([^"\']+)["\']', m.group())
    return rid.group(1) if rid else None


def _insert_legacy(sheet: str, rid: str) -> str:
    p = root_prefix(sheet, "worksheet")
    root = re.search(rf"<{p}worksheet(?=[\s>])[^>]*>", sheet)
    assert root is not None
    decl = re.search(r'xmlns:([\w.-]+)\s*=\s*["\']' + re.escape(NS_R) + r'["\']', root.group())
    if decl is not None:
        element = f'<{p}legacyDrawing {decl.group(1)}:id="{rid}"/>'
    else:
        element = f'<{p}legacyDrawing xmlns:r="{NS_R}" r:id="{rid}"/>'
    data = sheet.encode("utf-8")
    at = None
    for child in top_level_children(data):
        if child.local in _AFTER_LEGACY:
            at = child.start
            break
    if at is None:
        at = data.rindex(b"</")
    return (data[:at] + element.encode("utf-8") + data[at:]).decode("utf-8")


def patch_notes(pkg: Package, part: str, notes: Mapping[str, str | None], label: str) -> None:
    """Add, replace or remove the notes ``notes`` (``"B2" -> text``) of worksheet ``part``."""
    wanted: dict[tuple[int, int], str | None] = {}
    for ref, text in notes.items():
        try:
            wanted[parse_ref(ref)] = text
        except ValueError as exc:
            raise PatchError(f"{label}: {exc}") from exc
        if text is not None and not isinstance(text, str):
            raise PatchError(f"{label} cell {ref}: note text must be str or None")
    rels = pkg.rels(part)
    comments = next((r.target for r in rels if r.type == "comments" and not r.external), None)
    sheet = pkg.text(part)
    rid = _legacy_rid(sheet)
    vml = next((r.target for r in rels if r.id == rid), None) if rid else None
    if rid and (vml is None or not pkg.has(vml)):
        raise PatchError(f"{label}: <legacyDrawing r:id={rid!r}> points to no VML part")
    adding = any(t is not None for t in wanted.values())
    if comments is None and not adding:
        return
    if comments is None:
        comments = pkg.unused_name("xl/comments{n}.xml")
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<comments {_NS}><authors></authors><commentList></commentList></comments>"
        )
        pkg.put(comments, xml)
        pkg.add_rel(part, "comments", comments)
        pkg.ensure_override(comments, CT_COMMENTS)
    pkg.put(comments, _edit_comments(pkg.text(comments), wanted))
    if vml is None and not adding:
        return
    if vml is None:
        vml = pkg.unused_name("xl/drawings/vmlDrawing{n}.vml")
        block = _new_block(pkg)
        pkg.put(
            vml,
            '<xml xmlns:v="urn:schemas-microsoft-com:vml"\n xmlns:o="urn:schemas-microsoft-com:office:office"\n'
            ' xmlns:x="urn:schemas-microsoft-com:office:excel">\n <o:shapelayout v:ext="edit">\n'
            f'  <o:idmap v:ext="edit" data="{block}"/>\n </o:shapelayout></xml>',
        )
        new_rid = pkg.add_rel(part, "vmlDrawing", vml)
        pkg.ensure_default("vml", CT_VML)
        pkg.put(part, _insert_legacy(sheet, new_rid))
    try:
        text = pkg.read(vml).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PatchError(f"{label}: VML drawing {vml} is not UTF-8") from exc
    pkg.put(vml, _edit_vml(text, {(r - 1, c - 1): t for (r, c), t in wanted.items()}))

