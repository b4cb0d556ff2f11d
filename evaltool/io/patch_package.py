"""The OPC package seen by the patcher: members, relationships, content types, sheet lookup.

Why: write-back must leave every part it does not edit exactly as Excel wrote it. This module
reads the zip once, lets the patcher replace/add/remove a handful of parts, and resolves sheet
names to worksheet parts through ``workbook.xml`` + its relationships (never by guessing
``sheetN.xml``). Part names are matched case-insensitively, as OPC requires.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote

from evaltool.io.patch_scan import UTF8, Encoding, from_utf8, to_utf8
from evaltool.io.patch_xml import NS_R, UnsafeXml, escape_attr, iter_elements
from evaltool.model import EvaltoolError

__all__ = ["Package", "Rel", "SheetRef", "PackageError", "rels_path", "REL_BASE"]

REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_REL_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


class PackageError(EvaltoolError, ValueError):
    """The package is not a usable workbook (message is user-facing; file name added by caller).

    ``part`` names the zip member concerned, when there is one.
    """

    code = "package"

    def __init__(self, message: str, *, part: str | None = None) -> None:
        super().__init__(f"part {part}: {message}" if part else message)
        self.part = part
        self.cause = message


#: what zipfile/zlib raise for a damaged, encrypted or unsupported archive or member
ZIP_ERRORS = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError,
    ValueError, struct.error, OSError,
)  # fmt: skip


def _cause(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, zipfile.BadZipFile) and "CRC" in text:
        return f"damaged (CRC check failed: {text})"
    if isinstance(exc, zlib.error):
        return f"damaged compressed data ({text})"
    if isinstance(exc, RuntimeError) and "encrypted" in text:
        return "the zip member is encrypted"
    return text


def _norm(name: str) -> str:
    """Part name as OPC spells it: forward slashes, no leading slash."""
    return name.replace("\\", "/").lstrip("/")


@dataclass(frozen=True)
class Rel:
    """One relationship: id, short type (``worksheet``, ``comments`` ...), resolved part name."""

    id: str
    type: str
    target: str
    external: bool


@dataclass(frozen=True)
class SheetRef:
    """A sheet listed in workbook.xml: its name, relationship type and part name."""

    name: str
    kind: str
    part: str


def rels_path(part: str) -> str:
    """``xl/worksheets/sheet1.xml`` -> ``xl/worksheets/_rels/sheet1.xml.rels``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _short_type(uri: str) -> str:
    for base in (REL_BASE, _REL_STRICT):
        if uri.startswith(base):
            return uri[len(base) :]
    return uri


@dataclass
class Package:
    """An xlsx/xlsm zip opened for patching. Edits are kept in memory until ``write``."""

    path: Path | BinaryIO
    zf: zipfile.ZipFile
    infos: list[zipfile.ZipInfo]
    by_lower: dict[str, str]
    replaced: dict[str, bytes] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)
    encodings: dict[str, Encoding] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path | BinaryIO) -> Package:
        try:
            zf = zipfile.ZipFile(path)
        except OSError:
            raise  # the file cannot be read at all: the caller says so
        except ZIP_ERRORS as exc:
            raise PackageError(f"not an xlsx/xlsm zip package: {_cause(exc)}") from exc
        infos = [i for i in zf.infolist() if not i.is_dir()]
        by_lower: dict[str, str] = {}
        for i in infos:
            key = _norm(i.filename).lower()
            other = by_lower.get(key)
            if other is not None:
                zf.close()
                raise PackageError(
                    f"the package holds parts whose names differ only in case or slash direction: {other!r} and "
                    f"{i.filename!r}; readers disagree on which one the workbook uses, so it is not patched",
                    part=i.filename,
                )
            by_lower[key] = i.filename
        return cls(path, zf, infos, by_lower)

    def close(self) -> None:
        self.zf.close()

    # -- members -------------------------------------------------------------------------
    def find(self, part: str) -> str | None:
        """Actual member name of ``part`` (case-insensitive, ``\\`` = ``/``), or None (also if removed).

        Names colliding that way are refused by ``open``, so the lookup is unambiguous; a
        percent-encoded relationship target (``sheet%201.xml``) finds ``sheet 1.xml``.
        """
        key = _norm(part).lower()
        name = self.by_lower.get(key)
        if name is None and "%" in key:
            name = self.by_lower.get(unquote(key))
        if name is None or name in self.removed:
            return None
        return name

    def has(self, part: str) -> bool:
        return self.find(part) is not None

    def read(self, part: str) -> bytes:
        name = self.find(part)
        if name is None:
            raise PackageError(f"package part {part!r} is missing", part=_norm(part))
        if name in self.replaced:
            return self.replaced[name]
        info = self.zf.getinfo(name)
        if info.file_size > 512 * 1024 * 1024:
            raise PackageError("larger than 512 MB uncompressed", part=name)
        if info.flag_bits & 0x1:
            raise PackageError("the zip member is encrypted", part=name)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            method = {9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard"}.get(info.compress_type, str(info.compress_type))
            raise PackageError(f"compressed with {method}, which workbook readers do not support; save the file again", part=name)
        try:
            return self.zf.read(name)
        except ZIP_ERRORS as exc:
            raise PackageError(f"cannot be read from the zip: {_cause(exc)}", part=name) from exc

    def text(self, part: str) -> str:
        """The part as text, decoded as its XML declaration says (``put`` encodes it back so)."""
        data = self.read(part)
        try:
            work, enc = to_utf8(data)
            text = work.decode("utf-8")
        except (UnsafeXml, UnicodeDecodeError) as exc:
            raise PackageError(f"not readable text: {exc}", part=_norm(part)) from exc
        self.encodings[_norm(part).lower()] = enc
        return text

    def put(self, part: str, data: bytes | str) -> str:
        """Replace an existing part or add a new one (appended at the end of the zip).

        Text goes back in the encoding the part declared when ``text`` read it.
        """
        if isinstance(data, str):
            data = from_utf8(data.encode("utf-8"), self.encodings.get(_norm(part).lower(), UTF8))
        name = self.find(part)
        if name is None:
            name = _norm(part)
            self.by_lower[name.lower()] = name
            self.removed.discard(name)
            if name not in self.added:
                self.added.append(name)
        self.replaced[name] = data
        return name

    def remove(self, part: str) -> None:
        name = self.find(part)
        if name is not None:
            self.removed.add(name)
            self.replaced.pop(name, None)

    def unused_name(self, pattern: str) -> str:
        """First free part name for ``pattern`` with ``{n}`` = 1, 2, ... (e.g. comments{n}.xml)."""
        n = 1
        while self.by_lower.get(pattern.format(n=n).lower()) is not None:
            n += 1
        return pattern.format(n=n)

    # -- relationships -------------------------------------------------------------------
    def rels(self, source: str) -> list[Rel]:
        """Relationships of part ``source`` ("" = package root), targets resolved to part names."""
        rp = "_rels/.rels" if source == "" else rels_path(source)
        if not self.has(rp):
            return []
        base = posixpath.dirname(source)
        out: list[Rel] = []
        for _depth, tag, attrs in iter_elements(self.read(rp)):
            if tag != f"{{{_NS_PKG_REL}}}Relationship":
                continue
            target = attrs.get("Target", "")
            external = attrs.get("TargetMode") == "External"
            if not external:
                if target.startswith("/"):
                    target = target[1:]
                else:
                    target = posixpath.normpath(posixpath.join(base, target))
            out.append(Rel(attrs.get("Id", ""), _short_type(attrs.get("Type", "")), target, external))
        return out

    def add_rel(self, source: str, rel_type: str, target_part: str) -> str:
        """Add a relationship from ``source`` to ``target_part``; returns the new rId."""
        rp = rels_path(source)
        if self.has(rp):
            xml = self.text(rp)
        else:
            xml = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<Relationships xmlns="{_NS_PKG_REL}"></Relationships>'
            )
        ids = set(re.findall(r'\sId="([^"]*)"', xml))
        n = 1
        while f"rId{n}" in ids:
            n += 1
        rid = f"rId{n}"
        target = posixpath.relpath(target_part, posixpath.dirname(source) or ".")
        rel = f'<Relationship Id="{rid}" Type="{REL_BASE}{rel_type}" Target="{escape_attr(target)}"/>'
        m = re.search(r"</(?:\w+:)?Relationships\s*>", xml)
        if m is None:
            xml = re.sub(r"<((?:\w+:)?Relationships\b[^>]*?)/>", r"<\1>" + rel + "</Relationships>", xml, count=1)
        else:
            xml = xml[: m.start()] + rel + xml[m.start() :]
        self.put(rp, xml)
        return rid

    def remove_rel(self, source: str, rid: str) -> None:
        rp = rels_path(source) if source else "_rels/.rels"
        xml = self.text(rp)
        pat = re.compile(r"<(?:\w+:)?Relationship\b[^>]*\sId=\"" + re.escape(rid) + r"\"[^>]*?(?:/>|>\s*</(?:\w+:)?Relationship>)")
        new = pat.sub("", xml, count=1)
        if new != xml:
            self.put(rp, new)

    # -- content types -------------------------------------------------------------------
    def ensure_override(self, part: str, content_type: str) -> None:
        xml = self.text("[Content_Types].xml")
        if re.search(r'PartName="/' + re.escape(part) + '"', xml, re.IGNORECASE):
            return
        entry = f'<Override PartName="/{escape_attr(part)}" ContentType="{content_type}"/>'
        self.put("[Content_Types].xml", _append_child(xml, "Types", entry))

    def ensure_default(self, ext: str, content_type: str) -> None:
        xml = self.text("[Content_Types].xml")
        if re.search(r'<(?:\w+:)?Default\b[^>]*Extension="' + re.escape(ext) + '"', xml, re.IGNORECASE):
            return
        entry = f'<Default Extension="{ext}" ContentType="{content_type}"/>'
        self.put("[Content_Types].xml", _append_child(xml, "Types", entry))

    def remove_override(self, part: str) -> None:
        xml = self.text("[Content_Types].xml")
        pat = re.compile(r'<(?:\w+:)?Override\b[^>]*PartName="/' + re.escape(part) + r'"[^>]*?/>', re.IGNORECASE)
        new = pat.sub("", xml, count=1)
        if new != xml:
            self.put("[Content_Types].xml", new)

    # -- workbook ------------------------------------------------------------------------
    def workbook_part(self) -> str:
        for rel in self.rels(""):
            if rel.type.endswith("/officeDocument") or rel.type == "officeDocument":
                if self.has(rel.target):
                    return _norm(self.find(rel.target) or rel.target)
        if self.has("xl/workbook.xml"):
            return _norm(self.find("xl/workbook.xml") or "xl/workbook.xml")
        if self.has("content.xml") or self.has("Index/Document.iwa") or self.has("xl/workbook.bin"):
            raise PackageError("not an Excel workbook (.xlsx/.xlsm): it looks like an ODS, Numbers or XLSB file")
        raise PackageError("no workbook part (xl/workbook.xml) in the package")

    def sheets(self) -> list[SheetRef]:
        """Sheets in workbook order with their kind (worksheet, chartsheet, ...) and part."""
        wb = self.workbook_part()
        rels = {r.id: r for r in self.rels(wb)}
        out: list[SheetRef] = []
        try:
            events = list(iter_elements(self.read(wb)))
        except UnsafeXml as exc:
            raise PackageError(f"workbook.xml: {exc}") from exc
        for _depth, tag, attrs in events:
            if not tag.endswith("}sheet"):
                continue
            rid = attrs.get(f"{NS_R} id") or attrs.get("http://purl.oclc.org/ooxml/officeDocument/relationships id")
            rel = rels.get(rid or "")
            kind = rel.type if rel else "missing"
            part = rel.target if rel else ""
            out.append(SheetRef(attrs.get("name", ""), kind, _norm(self.find(part) or part)))
        return out


def _append_child(xml: str, root_local: str, entry: str) -> str:
    m = re.search(r"</(?:\w+:)?" + root_local + r"\s*>", xml)
    if m is None:
        raise PackageError(f"malformed <{root_local}> part")
    return xml[: m.start()] + entry + xml[m.start() :]
