"""Detect and decrypt password-encrypted Office files with a known list of passwords.

Why: an .xlsx with an *open* password is an OLE container (EncryptionInfo +
EncryptedPackage), unreadable by openpyxl/calamine (excel-ecosystem.md §5.3). The bureau may
keep a list of passwords departments were told to use; we try each one with msoffcrypto-tool
and never guess beyond that list. Excel's built-in default ``VelvetSweatshop`` (used for .xls
files that only carry a *modify* password) is tried first for BIFF .xls.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import msoffcrypto
from msoffcrypto import exceptions as mexc

from evaltool.intake.reasons import IntakeRejected

__all__ = ["is_encrypted", "decrypt", "read_passwords", "DecryptError", "DEFAULT_PASSWORD"]

DEFAULT_PASSWORD = "VelvetSweatshop"


class DecryptError(IntakeRejected):
    """No password in the list opens the file (or the method is unsupported)."""

    code = "decrypt"


def _office_file(data: bytes) -> msoffcrypto.base.BaseOfficeFile | None:
    try:
        return msoffcrypto.OfficeFile(io.BytesIO(data))
    except Exception:  # not an Office container msoffcrypto understands
        return None


def is_encrypted(data: bytes) -> bool:
    """True when ``data`` is an Office file encrypted with an open password."""
    office = _office_file(data)
    if office is None:
        return False
    try:
        return bool(office.is_encrypted())
    except Exception:  # broken OLE/BIFF: not something we can decrypt either
        return False


def decrypt(data: bytes, passwords: Sequence[str]) -> bytes:
    """Decrypted bytes using the first password that works; ``DecryptError`` otherwise."""
    office = _office_file(data)
    if office is None:
        raise DecryptError.of("encrypted-unsupported", "not an Office container")
    candidates = [p for p in passwords if p != DEFAULT_PASSWORD]
    if getattr(office, "format", "") == "xls" or type(office).__name__.startswith("Xls"):
        candidates.insert(0, DEFAULT_PASSWORD)  # "password to modify" only: Excel's default key
    for password in candidates:
        out = io.BytesIO()
        try:
            office = _office_file(data)  # msoffcrypto objects are stateful: fresh one per try
            assert office is not None
            office.load_key(password=password)
            office.decrypt(out)
        except (mexc.InvalidKeyError, mexc.DecryptionError):
            continue
        except mexc.FileFormatError as exc:
            raise DecryptError.of("encrypted-unsupported", str(exc)) from exc
        except Exception as exc:  # msoffcrypto raises plain errors for odd files
            if "password" in str(exc).lower() or "key" in str(exc).lower():
                continue
            raise DecryptError.of("encrypted-unsupported", f"{type(exc).__name__}: {exc}") from exc
        result = out.getvalue()
        if result:
            return result
    if not passwords:
        raise DecryptError.of("encrypted-no-password")
    raise DecryptError.of("encrypted-wrong-password", str(len(passwords)))


def read_passwords(path: Path) -> list[str]:
    """Passwords from a UTF-8 text file: one per line; blank lines and ``#`` comments ignored.

    A BOM (Notepad) is accepted and surrounding whitespace is stripped; duplicates dropped.
    """
    out: list[str] = []
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        pw = line.strip()
        if pw and not pw.startswith("#") and pw not in out:
            out.append(pw)
    return out
