"""Safe file names for anything written out of the intake, and readable zip member names.

Why: attachment and zip member names come from the sender. They may carry path separators,
``..``, control or bidi-override characters (``报表\u202excod.exe``), Windows reserved
device names (``CON``, ``COM1``…), trailing dots/spaces, or be hundreds of bytes long —
and zip archives made by Chinese Windows tools store names in GBK without the UTF-8 flag, so
Python shows them as cp437 mojibake. Chinese characters are kept.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

__all__ = ["safe_filename", "shown", "unique_path", "zip_member_name"]

_INVALID = re.compile(r'[<>:"/\\|?*]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
_RESERVED |= {f"{p}{i}" for p in ("COM", "LPT") for i in [*"123456789", "¹", "²", "³"]}
# Co/Cn are kept on purpose: GB18030 maps some rare characters (生僻字) to private use, and
# newer CJK extensions may be unassigned in this Python's Unicode tables.
_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}
_MAX_EXT = 16


def shown(name: str) -> str:
    r"""``name`` as text that can be written anywhere (JSON, xlsx, mail, a terminal).

    File names on Linux are bytes; Python decodes the ones that are not UTF-8 with surrogate
    escapes (``bad_\udcff.xlsx``), which no UTF-8 writer accepts. They are shown with the
    undecodable bytes as ``\xNN`` (``bad_\xff.xlsx``); any other lone surrogate as ``\udNNN``.
    Valid names are returned unchanged.

    Example::

        shown(os.fsdecode(b"bad_\xff.xlsx"))   # 'bad_\\xff.xlsx'
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def _truncate_utf8(s: str, max_bytes: int) -> str:
    out = s.encode("utf-8")[:max_bytes]
    return out.decode("utf-8", errors="ignore")


def safe_filename(name: str, fallback: str = "attachment", *, max_bytes: int = 180) -> str:
    """A name safe to create on Windows, macOS and Linux, keeping Chinese and the extension.

    Only the last path component survives; control/format characters are dropped; characters
    Windows forbids become ``_``; reserved device names get a leading ``_``; the result is at
    most ``max_bytes`` UTF-8 bytes, cut in the stem so the extension stays. An empty result
    becomes ``fallback`` (itself sanitised).
    """
    s = unicodedata.normalize("NFC", name or "")
    s = s.replace("\\", "/").rsplit("/", 1)[-1]
    s = shown(s)  # undecodable bytes: bad_\xff.xlsx -> bad__xff.xlsx below
    s = "".join(ch for ch in s if unicodedata.category(ch) not in _DROP_CATEGORIES)
    s = _INVALID.sub("_", s)
    s = s.strip().rstrip(". ").lstrip(". ")
    if not s:
        return safe_filename(fallback, "attachment", max_bytes=max_bytes) if fallback != name else "attachment"
    stem, dot, ext = s.rpartition(".")
    if not dot or not stem or len(ext) > _MAX_EXT:
        stem, ext = s, ""
    if stem.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        stem = "_" + stem
    suffix = "." + ext if ext else ""
    stem = _truncate_utf8(stem, max(1, max_bytes - len(suffix.encode("utf-8")))).rstrip(". ")
    return (stem or "_") + suffix


def unique_path(directory: Path, name: str) -> Path:
    """``directory/name`` if free, else ``stem (2).ext``, ``stem (3).ext``… (name sanitised)."""
    name = safe_filename(name)
    candidate = directory / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while candidate.exists():
        candidate = directory / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member name as the sender saw it: undo cp437 decoding of GBK/UTF-8 names."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return name
