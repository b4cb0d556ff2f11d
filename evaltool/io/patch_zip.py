"""Write a patched zip package, copying untouched members as their raw compressed bytes.

Why: the promise of write-back is that every part evaltool does not edit is byte-identical,
not merely equivalent after decompression. Python's ``zipfile`` can only re-compress, so this
module copies each untouched member's local header + compressed data (+ data descriptor)
verbatim and its central-directory record with only the offset fixed. Replaced members keep
their name, position, timestamp and compression method; new members are appended, deflated.
Archives needing ZIP64 (over 4 GiB or 65,535 members) fall back to ``zipfile``, which keeps
the decompressed bytes identical.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import BinaryIO

from evaltool.io.patch_package import PackageError

__all__ = ["write_package"]

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_EOCD = struct.Struct("<4s4H2LH")
_LIMIT = 0xFFFFFFFF


def _dos_time(dt: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    y, mo, d, h, mi, s = dt
    y = max(1980, y)
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def _compress(data: bytes, method: int) -> bytes:
    if method == zipfile.ZIP_STORED:
        return data
    co = zlib.compressobj(6 if len(data) < 1 << 20 else 1, zlib.DEFLATED, -15)  # big sheets: speed
    return co.compress(data) + co.flush()


def _central_records(fh: BinaryIO, zf: zipfile.ZipFile) -> list[bytes] | None:
    """Raw central-directory records in zipfile's infolist order, or None if unusable."""
    fh.seek(0, 2)
    size = fh.tell()
    tail_len = min(size, 65557)
    fh.seek(size - tail_len)
    tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0:
        return None
    _sig, _d, _dcd, _n1, count, cd_size, cd_offset, _clen = _EOCD.unpack_from(tail, at)
    if count == 0xFFFF or cd_offset == _LIMIT or cd_size == _LIMIT:
        return None
    concat = (size - tail_len + at) - cd_size - cd_offset
    fh.seek(cd_offset + concat)
    cd = fh.read(cd_size)
    out: list[bytes] = []
    pos = 0
    while pos + 46 <= len(cd) and cd[pos : pos + 4] == b"PK\x01\x02":
        nlen, elen, clen = struct.unpack_from("<3H", cd, pos + 28)
        end = pos + 46 + nlen + elen + clen
        out.append(cd[pos:end])
        pos = end
    if len(out) != len(zf.infolist()):
        return None
    return out


def _raw_member(fh: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    fh.seek(info.header_offset)
    head = fh.read(30)
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise PackageError("the zip has no local header where its directory says (damaged or truncated)", part=info.filename)
    nlen, elen = struct.unpack_from("<2H", head, 26)
    length = 30 + nlen + elen + info.compress_size
    fh.seek(info.header_offset)
    raw = fh.read(length)
    if len(raw) < length:
        raise PackageError("the zip member is truncated", part=info.filename)
    if info.flag_bits & 0x08:
        sig = fh.read(4)
        raw += sig + fh.read(12 if sig == b"PK\x07\x08" else 8)
    return raw


def _new_member(name: str, data: bytes, method: int, dt: tuple[int, int, int, int, int, int]) -> tuple[bytes, list[int | bytes]]:
    enc = name.encode("utf-8")
    flags = 0x800 if not name.isascii() else 0
    comp = _compress(data, method)
    crc = zlib.crc32(data) & _LIMIT
    t, d = _dos_time(dt)
    local = _LOCAL.pack(b"PK\x03\x04", 20, 0, flags, method, t, d, crc, len(comp), len(data), len(enc), 0)
    fields: list[int | bytes] = [flags, method, t, d, crc, len(comp), len(data), len(enc), enc]
    return local + enc + comp, fields


def _central_new(fields: list[int | bytes], offset: int) -> bytes:
    flags, method, t, d, crc, csize, usize, nlen, enc = fields
    assert isinstance(enc, bytes)
    return (
        _CENTRAL.pack(
            b"PK\x01\x02", 20, 0, 20, 0, flags, method, t, d, crc, csize, usize, nlen, 0, 0, 0, 0, 0, offset
        )
        + enc
    )


def _fallback(
    zf: zipfile.ZipFile, out: BinaryIO, replaced: dict[str, bytes], added: list[str], removed: set[str]
) -> None:
    with zipfile.ZipFile(out, "w", allowZip64=True) as zo:
        for info in zf.infolist():
            if info.filename in removed:
                continue
            data = replaced[info.filename] if info.filename in replaced else zf.read(info)
            zi = zipfile.ZipInfo(info.filename, info.date_time)
            zi.compress_type, zi.external_attr, zi.create_system = info.compress_type, info.external_attr, info.create_system
            zo.writestr(zi, data)
        for name in added:
            zo.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), replaced[name], zipfile.ZIP_DEFLATED)


def write_package(
    zf: zipfile.ZipFile,
    src: BinaryIO,
    out: BinaryIO,
    replaced: dict[str, bytes],
    added: list[str],
    removed: set[str],
) -> None:
    """Write the package to ``out``: ``zf``/``src`` is the source archive (same file)."""
    records = _central_records(src, zf)
    total = sum(len(v) for v in replaced.values()) + sum(i.compress_size for i in zf.infolist())
    if records is None or total > _LIMIT // 2 or len(records) + len(added) >= 0xFFFF:
        _fallback(zf, out, replaced, added, removed)
        return
    central: list[bytes] = []
    offset = 0
    for info, rec in zip(zf.infolist(), records, strict=True):
        if info.filename in removed:
            continue
        if info.filename in replaced:
            method = zipfile.ZIP_STORED if info.compress_type == zipfile.ZIP_STORED else zipfile.ZIP_DEFLATED
            blob, fields = _new_member(info.filename, replaced[info.filename], method, info.date_time)
            central.append(_central_new(fields, offset))
        else:
            blob = _raw_member(src, info)
            central.append(rec[:42] + struct.pack("<L", offset) + rec[46:])
        out.write(blob)
        offset += len(blob)
    for name in added:
        blob, fields = _new_member(name, replaced[name], zipfile.ZIP_DEFLATED, (1980, 1, 1, 0, 0, 0))
        central.append(_central_new(fields, offset))
        out.write(blob)
        offset += len(blob)
    cd = b"".join(central)
    out.write(cd)
    comment = zf.comment[:0xFFFF]
    out.write(_EOCD.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(cd), offset, len(comment)) + comment)
