"""Atomic file replacement, timestamped backups and "is someone editing this?" checks.

Why: evaltool writes results back into workbooks that users keep open in Excel/WPS or
LibreOffice. A crash, a full disk or a killed process half-way through a write must never
leave a truncated workbook behind. Every write therefore goes to a temp file in the *same*
folder (so ``os.replace`` is an atomic rename on one file system), is fsynced, and only then
replaces the destination. If anything fails before the rename, the temp file is removed and
the destination is exactly what it was.

Example::

    from evaltool.io.atomic import atomic_write_bytes, is_locked, replace_with_backup
    if is_locked(path):
        raise SystemExit("请先在 Excel 中关闭该工作簿")
    atomic_write_bytes(path, data)
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

__all__ = [
    "atomic_write_bytes",
    "atomic_replace",
    "backup_path",
    "replace_with_backup",
    "is_locked",
    "temp_path_for",
]


def temp_path_for(dst: Path) -> Path:
    """Create (and return) an empty, uniquely named temp file beside ``dst``.

    The name starts with ``.~evaltool-`` so a stray file is recognisable and never looks like
    a workbook to a folder scan (it does not end in ``.xlsx``).
    """
    fd, name = tempfile.mkstemp(prefix=f".~evaltool-{dst.name}.", suffix=".tmp", dir=dst.parent)
    os.close(fd)
    return Path(name)


def _fsync_dir(folder: Path) -> None:
    """Flush the directory entry of a rename to disk (POSIX only; a no-op on Windows)."""
    if sys.platform.startswith("win"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_replace(tmp: Path, dst: Path) -> None:
    """Atomically move the finished file ``tmp`` onto ``dst`` (same folder), fsyncing first.

    On failure ``tmp`` is deleted and ``dst`` is left untouched, then the error propagates.
    """
    tmp, dst = Path(tmp), Path(dst)
    try:
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(dst.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: temp file beside it, fsync, ``os.replace``."""
    path = Path(path)
    tmp = temp_path_for(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    atomic_replace(tmp, path)


def backup_path(path: Path, *, now: datetime | None = None) -> Path:
    """A free timestamped sibling name: ``name.xlsx`` -> ``name.bak-20261127-093512.xlsx``.

    A counter is added (``.bak-20261127-093512-2.xlsx``) if that name is already taken.
    """
    path = Path(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    stem, suffix = path.stem, path.suffix
    candidate = path.with_name(f"{stem}.bak-{stamp}{suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{stem}.bak-{stamp}-{n}{suffix}")
        n += 1
    return candidate


def replace_with_backup(src_new: Path, dst: Path) -> Path:
    """Copy the current ``dst`` to a timestamped backup, then atomically replace it by ``src_new``.

    ``src_new`` should live in ``dst``'s folder (it is renamed, not copied, when possible).
    Returns the backup path. If ``dst`` does not exist yet the backup is skipped and the
    returned path does not exist.
    """
    src_new, dst = Path(src_new), Path(dst)
    backup = backup_path(dst)
    if dst.exists():
        atomic_write_bytes(backup, dst.read_bytes())
    if src_new.parent.resolve() != dst.parent.resolve():
        tmp = temp_path_for(dst)
        try:
            tmp.write_bytes(src_new.read_bytes())
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        atomic_replace(tmp, dst)
        src_new.unlink()
    else:
        atomic_replace(src_new, dst)
    return backup


def is_locked(path: Path) -> bool:
    """True when the workbook appears to be open in Excel/WPS or LibreOffice.

    Checks for an Office owner file ``~$name.xlsx`` (Office abbreviates long names by
    dropping the first two characters, both forms are checked), a LibreOffice lock file
    ``.~lock.name.xlsx#``, and on Windows whether an exclusive open of the file fails.
    """
    path = Path(path)
    folder, name = path.parent, path.name
    owners = {f"~${name}"}
    if len(name) > 2:
        owners.add(f"~${name[2:]}")
    if any((folder / o).exists() for o in owners):
        return True
    if (folder / f".~lock.{name}#").exists():
        return True
    if sys.platform.startswith("win") and path.exists():
        try:
            fd = os.open(path, os.O_RDWR | getattr(os, "O_EXCL", 0))
        except PermissionError:
            return True
        except OSError:
            return False
        os.close(fd)
    return False
