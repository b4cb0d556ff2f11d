"""Atomic writes, backups and lock detection on real files in tmp_path."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest
from test_patch_helpers import basic_book, sha

from evaltool.io import patch_cells
from evaltool.io.atomic import atomic_replace, atomic_write_bytes, backup_path, is_locked, replace_with_backup


def _crash(*_args: object, **_kwargs: object) -> None:
    raise OSError("simulated crash between temp write and replace")


def test_atomic_write_bytes(tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_crash_before_replace_keeps_original_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"original")
    monkeypatch.setattr(os, "replace", _crash)
    with pytest.raises(OSError, match="simulated crash"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"original"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_patch_cells_crash_leaves_workbook_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = basic_book(tmp_path / "in.xlsx")
    before = sha(book)
    monkeypatch.setattr(os, "replace", _crash)
    with pytest.raises(OSError, match="simulated crash"):
        patch_cells(book, book, {("Sheet1", "B2"): 1})
    assert sha(book) == before
    assert [p.name for p in tmp_path.iterdir()] == ["in.xlsx"]


def test_atomic_replace_moves_and_cleans(tmp_path: Path) -> None:
    tmp, dst = tmp_path / "t.tmp", tmp_path / "d.xlsx"
    tmp.write_bytes(b"x")
    atomic_replace(tmp, dst)
    assert dst.read_bytes() == b"x" and not tmp.exists()


def test_backup_path_is_timestamped_and_free(tmp_path: Path) -> None:
    path = tmp_path / "评价表.xlsx"
    when = datetime(2026, 11, 27, 9, 35, 12)
    first = backup_path(path, now=when)
    assert first.name == "评价表.bak-20261127-093512.xlsx"
    first.write_bytes(b"")
    assert backup_path(path, now=when).name == "评价表.bak-20261127-093512-2.xlsx"
    assert re.fullmatch(r"评价表\.bak-\d{8}-\d{6}\.xlsx", backup_path(path).name)


def test_replace_with_backup(tmp_path: Path) -> None:
    dst = tmp_path / "book.xlsx"
    dst.write_bytes(b"old")
    new = tmp_path / "new.tmp"
    new.write_bytes(b"new")
    backup = replace_with_backup(new, dst)
    assert dst.read_bytes() == b"new" and backup.read_bytes() == b"old" and not new.exists()
    assert backup.parent == tmp_path and backup.name.startswith("book.bak-")
    other = tmp_path / "sub"
    other.mkdir()
    (other / "n.tmp").write_bytes(b"newer")
    replace_with_backup(other / "n.tmp", dst)
    assert dst.read_bytes() == b"newer" and not (other / "n.tmp").exists()


def test_replace_with_backup_crash_keeps_original_and_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dst = tmp_path / "book.xlsx"
    dst.write_bytes(b"old")
    new = tmp_path / "new.tmp"
    new.write_bytes(b"new")
    real_replace = os.replace

    def crash_on_book(src: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        if Path(target) == dst:
            raise OSError("simulated crash")
        real_replace(src, target)

    monkeypatch.setattr(os, "replace", crash_on_book)
    with pytest.raises(OSError):
        replace_with_backup(new, dst)
    assert dst.read_bytes() == b"old"
    backups = list(tmp_path.glob("book.bak-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == b"old"
    assert not list(tmp_path.glob(".~evaltool-*"))


def test_is_locked(tmp_path: Path) -> None:
    book = tmp_path / "预算绩效.xlsx"
    book.write_bytes(b"x")
    assert not is_locked(book)
    owner = tmp_path / "~$预算绩效.xlsx"
    owner.write_bytes(b"")
    assert is_locked(book)
    owner.unlink()
    (tmp_path / "~$绩效.xlsx").write_bytes(b"")  # Office replaces the first two characters of long names
    assert is_locked(book)
    (tmp_path / "~$绩效.xlsx").unlink()
    lock = tmp_path / ".~lock.预算绩效.xlsx#"
    lock.write_text("LibreOffice lock")
    assert is_locked(book)
    lock.unlink()
    assert not is_locked(book)
