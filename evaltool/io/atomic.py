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
import glob
import os
import stat
import sys
import tempfile
from datetime import datetime
from pathlib import Path

__all__ = [
    "atomic_write_bytes",
    "atomic_replace",
    "backup_path",
    "backups_of",
    "default_mode",
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


def umask() -> int:
    """The process umask, read without changing it where the system tells (Linux), else by
    the classic set-and-restore."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def default_mode(dst: Path) -> int:
    """The permission bits a file written at ``dst`` should have: those of the file it replaces,
    else what ``open()`` would give a new file (0666 minus the umask) — never mkstemp's 0600,
    so colleagues on a shared drive can open templates, summaries and backups."""
    try:
        return stat.S_IMODE(Path(dst).stat().st_mode)
    except OSError:
        return 0o666 & ~umask()


def atomic_replace(tmp: Path, dst: Path, *, mode: int | None = None) -> None:
    """Atomically move the finished file ``tmp`` onto ``dst`` (same folder), fsyncing first.

    The result gets ``mode``, by default :func:`default_mode` of ``dst``. On failure ``tmp``
    is deleted and ``dst`` is left untouched, then the error propagates.
    """
    tmp, dst = Path(tmp), Path(dst)
    try:
        os.chmod(tmp, default_mode(dst) if mode is None else mode)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(dst.parent)


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically: temp file beside it, fsync, ``os.replace``
    (permission bits: ``mode``, else those of the file replaced, else from the umask)."""
    path = Path(path)
    tmp = temp_path_for(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    atomic_replace(tmp, path, mode=mode)


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


def backups_of(path: Path) -> list[Path]:
    """The timestamped backups :func:`replace_with_backup` made of ``path``, oldest first."""
    path = Path(path)
    return sorted(path.parent.glob(f"{glob.escape(path.stem)}.bak-*{glob.escape(path.suffix)}"),
                  key=lambda p: (p.stat().st_mtime_ns, p.name))


def replace_with_backup(src_new: Path, dst: Path) -> Path:
    """Copy the current ``dst`` to a timestamped backup, then atomically replace it by ``src_new``.

    ``src_new`` should live in ``dst``'s folder (it is renamed, not copied, when possible).
    Returns the backup path. If ``dst`` does not exist yet the backup is skipped and the
    returned path does not exist. A backup identical to the current ``dst`` already exists →
    that one is returned and no new copy is made (repeated in-place runs do not pile up
    identical backups); the backup keeps the original's permission bits.
    """
    src_new, dst = Path(src_new), Path(dst)
    backup = backup_path(dst)
    if dst.exists():
        current = dst.read_bytes()
        same = next((b for b in reversed(backups_of(dst)) if b.stat().st_size == len(current)
                     and b.read_bytes() == current), None)
        if same is not None:
            backup = same
        else:
            atomic_write_bytes(backup, current, mode=stat.S_IMODE(dst.stat().st_mode))
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
