"""Small XML-text helpers for the package patcher: escaping, attributes, safe parsing.

Why: the patcher edits package parts as *text* (so every byte it does not mean to change stays
as Excel wrote it) and only parses small parts, always through expat with DTDs and entities
refused (the defusedxml rules), never through a full DOM of a big sheet.
"""

from __future__ import annotations

import functools
import re
import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass

from evaltool.model import EvaltoolError

__all__ = [
    "NS_MAIN",
    "NS_MAIN_STRICT",
    "NS_R",
    "UnsafeXml",
    "escape_text",
    "escape_attr",
    "ooxml_escape",
    "get_attr",
    "set_attr",
    "del_attr",
    "root_prefix",
    "TopChild",
    "top_level_children",
    "iter_elements",
]

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_MAIN_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x0d\ufffe\uffff]")
_ESCAPED_LOOKALIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")


class UnsafeXml(EvaltoolError, ValueError):
    """A part declared a DTD/entity (XML bomb guard) or is not well-formed."""

    code = "unsafe_xml"


def ooxml_escape(text: str) -> str:
    """Encode characters XML cannot carry as OOXML ``_xHHHH_`` escapes (ECMA-376 ST_Xstring).

    A literal ``_x0041_`` in the text is protected as ``_x005F_x0041_`` so Excel reads it
    back verbatim. Carriage returns are escaped too (XML parsers would fold them).
    """
    text = _ESCAPED_LOOKALIKE.sub(r"_x005F_\1", text)
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def escape_text(text: str) -> str:
    """Escape character data for an element body (``&``, ``<``, ``>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    """Escape a value for a double-quoted attribute."""
    return escape_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


@functools.lru_cache(maxsize=256)
def _attr_re(name: str) -> re.Pattern[str]:
    return re.compile(r"(\s)" + re.escape(name) + r"""\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def get_attr(tag: str, name: str) -> str | None:
    """Raw (still escaped) value of attribute ``name`` in start tag text ``tag``, or None."""
    m = _attr_re(name).search(tag)
    if m is None:
        return None
    return m.group(2) if m.group(2) is not None else m.group(3)


def set_attr(tag: str, name: str, value: str) -> str:
    """Start tag ``tag`` with attribute ``name`` set to ``value`` (already escaped).

    An existing attribute keeps its position; a new one is appended before ``>``/``/>``.
    """
    pat = _attr_re(name)
    if pat.search(tag):
        return pat.sub(lambda m: f'{m.group(1)}{name}="{value}"', tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    while end > 0 and tag[end - 1].isspace():
        end -= 1
    return f'{tag[:end]} {name}="{value}"{tag[end:]}'


@functools.lru_cache(maxsize=256)
def _del_re(name: str) -> re.Pattern[str]:
    return re.compile(r"\s" + re.escape(name) + r"""\s*=\s*(?:"[^"]*"|'[^']*')""")


def del_attr(tag: str, name: str) -> str:
    """Start tag ``tag`` without attribute ``name`` (unchanged, cheaply, when it has none)."""
    if name not in tag:
        return tag
    return _del_re(name).sub("", tag, count=1)


def root_prefix(xml: str, local: str, namespaces: tuple[str, ...] = (NS_MAIN, NS_MAIN_STRICT)) -> str:
    """Prefix (``""`` or ``"x:"``) the root element ``local`` uses, checked against its namespace.

    Raises UnsafeXml when the root element is missing or bound to another namespace.
    """
    m = re.search(r"<(?:([A-Za-z_][\w.-]*):)?" + re.escape(local) + r"[\s/>]", xml)
    if m is None:
        raise UnsafeXml(f"no <{local}> root element")
    prefix = m.group(1)
    start = xml.find(">", m.start())
    head = xml[m.start() : start]
    decl = "xmlns" if prefix is None else f"xmlns:{prefix}"
    uri = get_attr(" " + head[1:], decl)
    if uri not in namespaces:
        raise UnsafeXml(f"<{local}> is not in the SpreadsheetML namespace ({uri!r})")
    return "" if prefix is None else prefix + ":"


def _forbid(*_args: object) -> None:
    raise UnsafeXml("DTD/entity declarations are not allowed in workbook parts")


def parser(*, buffer_text: bool = False) -> xml.parsers.expat.XMLParserType:
    """An expat parser with namespaces (``"uri local"``) that refuses DTDs and entities."""
    p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    p.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.StartDoctypeDeclHandler = _forbid
    p.EntityDeclHandler = _forbid
    p.UnparsedEntityDeclHandler = _forbid
    p.ExternalEntityRefHandler = _forbid  # type: ignore[assignment]
    p.buffer_text = buffer_text
    return p


@dataclass(frozen=True)
class TopChild:
    """A direct child of the root: namespace URI, local name and its byte span."""

    ns: str
    local: str
    start: int
    end: int


def top_level_children(data: bytes) -> list[TopChild]:
    """Direct children of the root element of ``data`` with their byte offsets (expat, safe)."""
    p = parser()
    depth = 0
    out: list[TopChild] = []
    open_at: list[tuple[str, str, int]] = []

    def start(name: str, _attrs: object) -> None:
        nonlocal depth
        depth += 1
        if depth == 2:
            ns, _, local = name.rpartition(" ")
            open_at.append((ns, local, p.CurrentByteIndex))

    def end(_name: str) -> None:
        nonlocal depth
        if depth == 2:
            ns, local, s = open_at.pop()
            idx = p.CurrentByteIndex
            # CurrentByteIndex points at the end tag (or at the start tag if self-closing).
            close = data.index(b">", idx) + 1
            out.append(TopChild(ns, local, s, close))
        depth -= 1

    p.StartElementHandler = start
    p.EndElementHandler = end
    try:
        p.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise UnsafeXml(f"not well-formed XML: {exc}") from exc
    return out


def iter_elements(data: bytes) -> Iterator[tuple[int, str, dict[str, str]]]:
    """Yield ``(depth, "{ns}local", attrs)`` for every start tag of ``data`` (expat, safe).

    For small parts only (workbook, rels, content types, tables, styles).
    """
    p = parser()
    events: list[tuple[int, str, dict[str, str]]] = []
    depth = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        ns, _, local = name.rpartition(" ")
        events.append((depth, f"{{{ns}}}{local}" if ns else local, attrs))
        depth += 1

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    p.StartElementHandler = start
    p.EndElementHandler = end
    try:
        p.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise UnsafeXml(f"not well-formed XML: {exc}") from exc
    yield from events
