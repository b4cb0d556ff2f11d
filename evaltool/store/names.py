"""Text that every database accepts, and file names that survive the trip in and out.

Why: a received file's name comes from a mail header, a zip member or the file system and
may not be valid UTF-8 (decoded by intake with surrogate escapes, ``'\\udce4'``), or may
hold a NUL. PostgreSQL refuses both in ``text`` columns and SQLite keeps them only by luck.
So every text column goes through :class:`SafeText` (lone surrogates and NUL become visible
``\\xNN`` escapes — readable, never an encoding error), and a name whose exact form matters
is stored a second time as raw bytes (:func:`name_bytes`), from which :func:`name_from_bytes`
gives back the very same ``str`` (surrogate escapes included).

Example::

    raw = name_bytes("报表\\udcff.xlsx")      # b'\\xe6\\x8a\\xa5\\xe8\\xa1\\xa8\\xff.xlsx'
    name_from_bytes(raw) == "报表\\udcff.xlsx"   # True
    safe_text("报表\\udcff.xlsx")             # '报表\\\\xff.xlsx'
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.types import Text, TypeDecorator

__all__ = ["SafeText", "safe_text", "name_bytes", "name_from_bytes"]

_BAD = re.compile("[\x00\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a surrogate-escaped byte: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}"


def safe_text(value: str) -> str:
    """``value`` with lone surrogates and NUL replaced by visible escapes (valid UTF-8)."""
    return _BAD.sub(_escape, value) if _BAD.search(value) else value


def name_bytes(name: str) -> bytes:
    """The raw bytes of a (possibly surrogate-escaped) name: UTF-8, escapes back to bytes."""
    return name.encode("utf-8", "surrogateescape")


def name_from_bytes(raw: bytes) -> str:
    """The inverse of :func:`name_bytes`."""
    return raw.decode("utf-8", "surrogateescape")


class SafeText(TypeDecorator[str]):
    """``Text`` that stores :func:`safe_text` of the value (never fails on odd characters)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return safe_text(value) if isinstance(value, str) else value
