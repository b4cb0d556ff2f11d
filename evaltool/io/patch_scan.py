"""Locate elements of a package part by tokenizing it as XML (expat), as byte offsets.

Why: the patcher splices bytes so everything it does not mean to change stays as the producer
wrote it, but *where* to splice must come from the XML itself, not from regular expressions
over text: a ``<sheetData>`` inside a comment, a CDATA block holding ``</c><row r="2">``, a
processing instruction or an attribute value containing ``>`` are all legal and fool a text
search. expat reads the part (DTDs and entities refused, the declared encoding honoured) and
reports where each element starts and ends; only the small start tag at a known offset is
re-read to find its closing ``>`` (quote-aware).

Parts in an encoding expat cannot give byte offsets for directly (UTF-16/32, multi-byte
legacy encodings such as GBK) are worked on as a UTF-8 copy (``to_utf8``) and turned back
into their own encoding afterwards (``from_utf8``), which is exact for everything that was
there; new characters the encoding cannot carry become character references.

Example::

    work, enc = to_utf8(data)
    spans = first_elements(work, {"calcPr"})      # depth-1 children of the root
"""

from __future__ import annotations

import codecs
import re
import xml.parsers.expat
from collections.abc import Callable
from dataclasses import dataclass, field

from evaltool.io.patch_xml import UnsafeXml
from evaltool.io.patch_xml import parser as xml_parser

__all__ = [
    "Encoding",
    "Span",
    "to_utf8",
    "from_utf8",
    "start_tag_end",
    "parser",
    "parse",
    "first_elements",
    "local_name",
]

_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")
_DECL = re.compile(rb"""^(\xef\xbb\xbf)?<\?xml\s[^?]*?encoding\s*=\s*(["'])([A-Za-z0-9._-]+)\2""")
_DECL_TEXT = re.compile(r"""^(\ufeff)?<\?xml\s[^?]*?encoding\s*=\s*(["'])([A-Za-z0-9._-]+)\2""")
_NATIVE = {"utf-8", "utf_8", "utf8", "us-ascii", "ascii"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class Encoding:
    """How a part was encoded: codec name, BOM bytes, and the declared name (None = native)."""

    codec: str
    bom: bytes = b""
    declared: str | None = None

    @property
    def native(self) -> bool:
        return self.declared is None and not self.bom


UTF8 = Encoding("utf-8")


def to_utf8(data: bytes) -> tuple[bytes, Encoding]:
    """A UTF-8 working copy of part ``data`` (``data`` itself when it already is UTF-8/ASCII)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(codec)
            dm = _DECL_TEXT.match(text)
            declared = dm.group(3) if dm else None
            if dm:
                text = text[: dm.start(3)] + "UTF-8" + text[dm.end(3) :]
            return text.encode("utf-8"), Encoding(codec, bom, declared)
    m = _DECL.match(data)
    if m is None:
        return data, UTF8
    name = m.group(3).decode("ascii")
    if name.lower() in _NATIVE:
        return data, UTF8
    try:
        codec = codecs.lookup(name).name
    except LookupError as exc:
        raise UnsafeXml(f"unknown encoding {name!r} declared") from exc
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UnsafeXml(f"not valid {name}: {exc}") from exc
    tm = _DECL_TEXT.match(text)
    if tm is None:  # an ASCII-incompatible codec without BOM (UTF-16 declared, no BOM)
        raise UnsafeXml(f"cannot read the {name} declaration")
    text = text[: tm.start(3)] + "UTF-8" + text[tm.end(3) :]
    return text.encode("utf-8"), Encoding(codec, b"", name)


def from_utf8(work: bytes, enc: Encoding) -> bytes:
    """Inverse of ``to_utf8``: the patched working copy in the part's own encoding."""
    if enc.native:
        return work
    text = work.decode("utf-8")
    if enc.declared is not None:
        m = _DECL_TEXT.match(text)
        if m is not None:
            text = text[: m.start(3)] + enc.declared + text[m.end(3) :]
    return enc.bom + text.encode(enc.codec, "xmlcharrefreplace")


def start_tag_end(data: bytes, at: int) -> int:
    """Offset just past the start tag beginning at ``at`` (attribute values may hold ``>``)."""
    m = _START_TAG.match(data, at)
    if m is None:
        raise UnsafeXml(f"cannot read the start tag at byte {at}")
    return m.end()


def parser() -> xml.parsers.expat.XMLParserType:
    """patch_xml's hardened expat parser (no DTDs or entities), with character data buffered."""
    return xml_parser(buffer_text=True)


def parse(p: xml.parsers.expat.XMLParserType, data: bytes) -> None:
    try:
        p.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise UnsafeXml(f"not well-formed XML: {exc}") from exc


def local_name(name: str) -> str:
    return name.rpartition(" ")[2]


@dataclass
class Span:
    """One element: ``start`` (its ``<``), ``tag_end`` (after its start tag), ``end`` (after it)."""

    start: int
    tag_end: int
    end: int = -1
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.tag_end == self.end


def end_of(data: bytes, p: xml.parsers.expat.XMLParserType, start: int, tag_end: int) -> int:
    """Offset after the element whose end event is being handled (``p`` at the end tag)."""
    if data[tag_end - 2 : tag_end] == b"/>":
        return tag_end  # <x/>: an empty-element tag is the whole element
    return data.index(b">", p.CurrentByteIndex) + 1


def first_elements(data: bytes, locals_: set[str]) -> tuple[dict[str, Span], int, str]:
    """First depth-1 element of each local name in ``locals_``, the offset of the root's end
    tag, and the root's raw qualified name (for its prefix). ``data`` must be UTF-8."""
    found: dict[str, Span] = {}
    open_: list[Span | None] = []
    root_end = -1
    root_qname = ""
    p = parser()

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal root_qname
        at = p.CurrentByteIndex
        if not open_:
            end = start_tag_end(data, at)
            root_qname = re.split(rb"[\s/>]", data[at + 1 : end], maxsplit=1)[0].decode()
        if len(open_) == 1 and local_name(name) in locals_ and local_name(name) not in found:
            span = Span(at, start_tag_end(data, at), attrs=attrs)
            found[local_name(name)] = span
            open_.append(span)
        else:
            open_.append(None)

    def end(_name: str) -> None:
        nonlocal root_end
        span = open_.pop()
        if span is not None:
            span.end = end_of(data, p, span.start, span.tag_end)
        elif not open_:
            root_end = p.CurrentByteIndex

    p.StartElementHandler = start
    p.EndElementHandler = end
    parse(p, data)
    return found, root_end, root_qname


def splice(data: bytes, ops: list[tuple[int, int, bytes]]) -> bytes:
    """``data`` with each ``(start, end, replacement)`` applied (ops must not overlap)."""
    out: list[bytes] = []
    pos = 0
    ops.sort()
    for s, e, text in ops:
        if s < pos:
            raise ValueError("overlapping edits")
        out.append(data[pos:s])
        out.append(text)
        pos = e
    out.append(data[pos:])
    return b"".join(out)


Handler = Callable[..., None]
