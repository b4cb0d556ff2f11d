"""The bureau key: a random 32-byte secret that signs template fingerprints (HMAC-SHA256).

Why: a fingerprint alone catches accidental edits of bureau-owned content (weights, methods,
rules, grades, rate formulas), but a filler who edits both the content and the stored
fingerprint would go unnoticed. An HMAC of the fingerprint with a key only the bureau holds
closes that gap: ``evaltool keygen`` writes the key once into the user's config folder
(mode 0600), ``evaltool template`` signs every template it writes (``signer()``), and the
intake's :func:`evaltool.integrity.verify` checks the signature.

Config folder: ``$EVALTOOL_CONFIG_DIR``, else ``%APPDATA%\\evaltool`` on Windows, else
``$XDG_CONFIG_HOME/evaltool``, else ``~/.config/evaltool``. The key file ``bureau.key``
holds 64 hex digits. The key id is the first 8 hex digits of SHA-256 of the raw key: it
tells which key signed a template without revealing the key.

Example::

    path, kid = generate_key()           # once, on the bureau's machine
    sign = signer()                      # None when no key exists
    signature, key_id = sign(fingerprint)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from evaltool.frameworks.locate import config_dir
from evaltool.model import EvaltoolError

__all__ = [
    "KEY_FILE",
    "KeyExists",
    "config_dir",
    "key_path",
    "key_id",
    "generate_key",
    "load_key",
    "sign",
    "signer",
]

KEY_FILE = "bureau.key"
KEY_BYTES = 32


class KeyExists(EvaltoolError, FileExistsError):
    """A key already exists and ``force`` was not given (replacing it orphans old signatures)."""

    code = "key_exists"


def key_path() -> Path:
    return config_dir() / KEY_FILE


def key_id(key: bytes) -> str:
    """First 8 hex digits of SHA-256 of the raw key."""
    return hashlib.sha256(key).hexdigest()[:8]


def generate_key(*, force: bool = False) -> tuple[Path, str]:
    """Write a new random key (hex) with 0600 permissions; returns ``(path, key id)``.

    Raises :class:`KeyExists` when a key is there and ``force`` is false. The file is created
    with restrictive permissions from the start (no window where it is world-readable) and
    replaced atomically.
    """
    path = key_path()
    if path.exists() and not force:
        raise KeyExists(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    _restrict(path.parent)
    key = secrets.token_bytes(KEY_BYTES)
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key.hex() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path, key_id(key)


def _restrict(folder: Path) -> None:
    """Best effort: the config folder readable by its owner only (ignored where unsupported)."""
    try:
        if folder.stat().st_mode & 0o077:
            os.chmod(folder, 0o700)
    except OSError:
        pass


def load_key(path: Path | None = None) -> bytes | None:
    """The bureau key, or None when there is none (or the file is not 64 hex digits)."""
    p = path or key_path()
    try:
        text = p.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        return None
    return key if len(key) == KEY_BYTES else None


def sign(fingerprint: str, key: bytes) -> str:
    """Hex HMAC-SHA256 of the fingerprint text with ``key``."""
    return hmac.new(key, fingerprint.encode("utf-8"), hashlib.sha256).hexdigest()


def signer(key: bytes | None = None) -> Callable[[str], tuple[str, str]] | None:
    """A ``fingerprint -> (signature, key id)`` function for ``write_template(signer=...)``.

    Uses ``key`` or the bureau key from the config folder; None when there is no key, so
    templates are then written unsigned (the fingerprint still catches accidental edits).
    """
    k = key if key is not None else load_key()
    if k is None:
        return None
    kid = key_id(k)

    def _sign(fingerprint: str) -> tuple[str, str]:
        return sign(fingerprint, k), kid

    return _sign
