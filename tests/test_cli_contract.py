"""The command line as a bureau meets it, in real processes: one exit-code contract for every
command, precise messages for folder vs file, ``--lang`` global and ``EVALTOOL_LANG``, file
modes from the umask, and no pile of identical backups from repeated ``score --in-place``.

Exit codes: 0 ran, no errors; 1 ran, errors found (an unreadable or rejected file counts);
2 could not run (bad option, a path that does not exist, an output that cannot be written).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from evaltool.io import patch_cells

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample-xicheng-2023.xlsx"
CLEAN = {("封面", "B10"): "良"}  # a 自评等级 that agrees with the 良 total (the sample leaves it blank)


def evaltool(*args: str, cwd: Path, env: dict[str, str] | None = None,
             umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    """``evaltool ARGS`` in its own process (``python -m evaltool``) with the given umask."""
    full = {k: v for k, v in os.environ.items() if k not in ("EVALTOOL_LANG", "SOURCE_DATE_EPOCH")}
    full.update({"PYTHONPATH": str(ROOT), **(env or {})})
    return subprocess.run([sys.executable, "-m", "evaltool", *args], cwd=cwd, env=full, capture_output=True,
                          text=True, timeout=300, preexec_fn=lambda: os.umask(umask))


@pytest.fixture
def books(tmp_path: Path) -> dict[str, Path]:
    clean = tmp_path / "clean.xlsx"
    patch_cells(SAMPLE, clean, CLEAN)
    bad = tmp_path / "bad.xlsx"  # an amount pasted as text: an error the filler must fix
    patch_cells(clean, bad, {("预算执行", "B5"): "18,902,744.60"})
    empty = tmp_path / "emptydir"
    empty.mkdir()
    mail = tmp_path / "return.eml"
    mail.write_bytes(b"From: a@example.com\r\nSubject: x\r\n\r\nhello\r\n")
    return {"clean": clean, "bad": bad, "empty": empty, "mail": mail, "missing": tmp_path / "nope.xlsx"}


def test_exit_codes_are_the_same_for_every_command(books: dict[str, Path], tmp_path: Path) -> None:
    run = lambda *a: evaltool(*a, cwd=tmp_path)  # noqa: E731
    clean, bad, missing = str(books["clean"]), str(books["bad"]), str(books["missing"])
    assert run("check", clean).returncode == 0
    assert run("check", bad).returncode == 1
    assert run("check", missing).returncode == 2
    assert run("score", clean, "-o", str(tmp_path / "c.xlsx")).returncode == 0
    assert run("score", missing).returncode == 2
    assert run("summary", clean, "-o", str(tmp_path / "s1.xlsx")).returncode == 0
    assert run("summary", clean, bad, "-o", str(tmp_path / "s2.xlsx"), "--keep-duplicates").returncode == 1
    assert run("summary", missing, "-o", str(tmp_path / "s3.xlsx")).returncode == 2
    assert run("template", "-o", str(books["clean"] / "t.xlsx")).returncode == 2  # its folder is a file
    assert run("check", clean, "--lang", "fr").returncode == 2
    assert not (tmp_path / "s3.xlsx").exists()


def test_score_lists_the_errors_it_found(books: dict[str, Path], tmp_path: Path) -> None:
    res = evaltool("score", str(books["bad"]), "-o", str(tmp_path / "o.xlsx"), cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    assert "TYPE-1" in res.stdout and "预算执行!B5" in res.stdout and "18,902,744.60" in res.stdout
    assert (tmp_path / "o.xlsx").exists()  # scored and written all the same


def test_folder_and_file_are_told_apart(books: dict[str, Path], tmp_path: Path) -> None:
    res = evaltool("score", str(books["empty"]), cwd=tmp_path)
    assert res.returncode == 2 and "文件夹" in res.stderr and "不存在" not in res.stderr
    res = evaltool("collect", str(books["mail"]), "-o", str(tmp_path / "X"), cwd=tmp_path)
    assert res.returncode == 2 and "是文件" in res.stderr and "收件文件夹不存在" not in res.stderr
    assert not (tmp_path / "X").exists()
    res = evaltool("score", str(books["missing"]), cwd=tmp_path)
    assert "路径不存在" in res.stderr
    for r in (res,):
        assert r.stderr.strip().count("\n") == 0  # one line


def test_lang_is_global_and_from_the_environment(books: dict[str, Path], tmp_path: Path) -> None:
    missing = str(books["missing"])
    res = evaltool("--lang", "en", "check", missing, cwd=tmp_path)
    assert res.returncode == 2 and "path does not exist" in res.stderr
    res = evaltool("check", missing, cwd=tmp_path, env={"EVALTOOL_LANG": "en"})
    assert "path does not exist" in res.stderr
    res = evaltool("--lang", "en", "check", missing, "--lang", "zh", cwd=tmp_path)  # the command's own wins
    assert "路径不存在" in res.stderr
    listing = evaltool("--lang", "en", "frameworks", cwd=tmp_path)
    assert listing.returncode == 0 and "Frameworks" in listing.stdout and "bundled" in listing.stdout
    assert "评价框架" in evaltool("frameworks", cwd=tmp_path).stdout
    res = evaltool("--lang", "en", "score", str(books["empty"]), cwd=tmp_path)
    assert "is a folder" in res.stderr


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_files_are_written_with_the_umask_not_0600(books: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert evaltool("template", "-o", str(out / "t.xlsx"), "--unit", "甲", cwd=tmp_path).returncode == 0
    assert evaltool("summary", str(books["clean"]), "-o", str(out / "s.xlsx"), cwd=tmp_path).returncode == 0
    assert evaltool("score", str(books["clean"]), "-o", str(out / "c.xlsx"), cwd=tmp_path).returncode == 0
    work = out / "w.xlsx"
    patch_cells(SAMPLE, work, CLEAN)
    os.chmod(work, 0o640)
    assert evaltool("score", str(work), "--in-place", cwd=tmp_path).returncode == 0
    (backup,) = out.glob("w.bak-*.xlsx")
    assert {p.name: _mode(p) for p in (out / "t.xlsx", out / "s.xlsx", out / "c.xlsx")} == {
        "t.xlsx": 0o644, "s.xlsx": 0o644, "c.xlsx": 0o644}
    assert _mode(work) == 0o640 and _mode(backup) == 0o640  # a replaced file and its backup keep theirs
    assert evaltool("demo", "--dir", str(tmp_path / "demo"), cwd=tmp_path, umask=0o002).returncode == 0
    made = [p for p in (tmp_path / "demo").rglob("*") if p.is_file()]
    assert made and {_mode(p) for p in made} == {0o664}


def test_repeated_in_place_scoring_keeps_one_backup(books: dict[str, Path], tmp_path: Path) -> None:
    work = tmp_path / "w.xlsx"
    patch_cells(SAMPLE, work, CLEAN)
    original = work.read_bytes()
    env = {"SOURCE_DATE_EPOCH": "1719705600"}  # the status cell's time, so reruns are identical
    for _ in range(3):
        res = evaltool("score", str(work), "--in-place", cwd=tmp_path, env=env)
        assert res.returncode == 0, res.stderr
    backups = list(tmp_path.glob("w.bak-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert "未改动" in res.stdout
