"""``evaltool collect`` on an inbox of things nobody here made, as a real process.

The inbox holds a return whose file name is not valid UTF-8, a symlinked folder and a
symlinked file, a fan-out zip (200 zips of 200 files), an .ods, an .xlsb, an Apple Numbers
file, a damaged xlsx and a multipart mail without boundary. collect must exit 0/1, list each
top-level file once with one clear outcome, keep its peak RSS and output size bounded, and
show the bad name safely (``bad_\\xff.xlsx``) in collect.json, the reason files and the
summary. ``check`` on the same odd files gives one line each, in the chosen language.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from support import crafted

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbooks" / "sample-xicheng-2023.xlsx"
BAD = os.fsdecode(b"bad_\xff.xlsx")
NO_BOUNDARY = (
    b"From: dept@example.cn\r\nTo: bureau@example.cn\r\nSubject: return\r\nDate: Mon, 2 Mar 2026 09:00:00 +0800\r\n"
    b"Message-ID: <x1@example.cn>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n"
    b"--zzz\r\nContent-Type: text/plain\r\n\r\nhello\r\n--zzz--\r\n"
)


def fan_out_zip() -> bytes:
    """200 zips of 200 tiny files each: 40,000 payloads from one small attachment."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(200):
            z.writestr(f"f{i:03d}.txt", b"x")
    blob = inner.getvalue()
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(200):
            z.writestr(f"z{i:03d}.zip", blob)
    return outer.getvalue()


def make_inbox(root: Path) -> Path:
    inbox = root / "in"
    inbox.mkdir()
    shutil.copyfile(SAMPLE, inbox / BAD)
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    shutil.copyfile(SAMPLE, elsewhere / "hidden-return.xlsx")
    (inbox / "linked-folder").symlink_to(elsewhere, target_is_directory=True)
    (inbox / "linked-file.xlsx").symlink_to(elsewhere / "hidden-return.xlsx")
    (inbox / "fanout.zip").write_bytes(fan_out_zip())
    crafted.ods(inbox / "report.ods")
    crafted.xlsb(inbox / "binary.xlsb")
    crafted.numbers(inbox / "apple.numbers")
    crafted.broken_xlsx(inbox / "damaged.xlsx")
    (inbox / "no-boundary.eml").write_bytes(NO_BOUNDARY)
    return inbox


def run_measured(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``python -m evaltool ARGS`` under a small parent that reports the peak RSS (KiB) of
    the process tree it waited for (RUSAGE_CHILDREN includes reaped grandchildren)."""
    probe = (
        "import resource, subprocess, sys; "
        "p = subprocess.run([sys.executable, '-m', 'evaltool', *sys.argv[1:]]); "
        "print('PEAK_RSS_KIB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
        "sys.exit(p.returncode)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", probe, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900)  # fmt: skip
    peak = int(proc.stderr.rsplit("PEAK_RSS_KIB", 1)[1].split()[0])
    return proc, peak


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("foreign")
    inbox = make_inbox(root)
    proc, peak = run_measured(["collect", str(inbox), "-o", str(root / "out"), "--workers", "1"], root)
    out = root / "out"
    manifest = json.loads((out / "collect.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return {"proc": proc, "peak_kib": peak, "out": out, "manifest": manifest, "size": size, "files": files}


def _by_source(manifest: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for o in manifest["files"]:
        out.setdefault(o["path"], []).append(o)
    return out


def test_collect_exits_and_accounts_for_everything(collected: dict[str, Any]) -> None:
    proc = collected["proc"]
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    by = _by_source(collected["manifest"])
    expected = {
        "bad_\\xff.xlsx": None,  # a real return: accepted
        "linked-folder": "not-regular-file",
        "linked-file.xlsx": "not-regular-file",
        "fanout.zip": "inbox-file-budget",
        "report.ods": "foreign-ods",
        "binary.xlsb": "foreign-xlsb",
        "apple.numbers": "foreign-numbers",
        "damaged.xlsx": "broken-xlsx",
        "no-boundary.eml": "mail-no-boundary",
    }
    assert set(by) == set(expected), sorted(by)
    for source, code in expected.items():
        assert len(by[source]) == 1, (source, len(by[source]))  # one clear outcome each
        o = by[source][0]
        if code is None:
            assert o["status"] == "accepted", o
        else:
            assert o["status"] == "rejected" and o["reason_code"] == code, o
            assert o["reason"] and "\\u" not in o["reason"]
    assert "symbolic link to a folder" in by["linked-folder"][0]["reason"] or "符号链接" in by["linked-folder"][0]["reason"]


def test_collect_stays_within_budget(collected: dict[str, Any]) -> None:
    # before budgets per INBOX file: 40,000 outcomes, 120,002 files, 681 MB, 659 MB RSS
    assert collected["files"] < 60, collected["files"]
    assert collected["size"] < 5 * 1024 * 1024, collected["size"]
    assert collected["peak_kib"] < 400 * 1024, collected["peak_kib"]


def test_bad_name_is_shown_safely_everywhere(collected: dict[str, Any]) -> None:
    out: Path = collected["out"]
    raw = (out / "collect.json").read_bytes()
    raw.decode("utf-8")  # valid UTF-8 throughout
    assert b"bad_\\\\xff.xlsx" in raw  # JSON-escaped backslash: the text bad_\xff.xlsx
    summary = next(out.glob("*.xlsx"))
    seen = [str(c.value) for ws in openpyxl.load_workbook(summary) for row in ws.iter_rows() for c in row if c.value]
    assert any("bad_\\xff.xlsx" in v for v in seen)
    for path in out.rglob("*"):
        os.fsencode(path.name).decode("utf-8")  # every output name is valid UTF-8
    for reason in out.rglob("*.reason.txt"):
        reason.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_on_odd_files_is_one_line_each(tmp_path: Path, lang: str) -> None:
    files = [crafted.ods(tmp_path / "a.ods"), crafted.xlsb(tmp_path / "b.xlsb"), crafted.bad_crc(tmp_path / "c.xlsx"),
             crafted.broken_xlsx(tmp_path / "d.xlsx"), crafted.numbers(tmp_path / "e.numbers")]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="60")
    proc = subprocess.run([sys.executable, "-m", "evaltool", "check", *map(str, files), "--lang", lang],
                          capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    lines = [x for x in proc.stdout.splitlines() if x.strip()]
    assert len(lines) == len(files) + 1, proc.stdout  # one per file and the total
    for f, line in zip(files, lines, strict=False):
        assert line.startswith(str(f) + ": ")
        assert "There is no item named" not in line and "Cannot detect" not in line
        has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in line)
        assert has_cjk == (lang == "zh"), line
    assert ".xlsx" in lines[0]  # what to do: save as .xlsx


def test_check_and_collect_agree_on_dde(tmp_path: Path) -> None:
    """A return carrying a DDE formula: check reports the same error collect does."""
    from evaltool.io import Formula, patch_cells

    src = tmp_path / "dde.xlsx"
    patch_cells(SAMPLE, src, {("封面", "Z40"): Formula("cmd|' /C calc'!A0", cached=0)})
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    check = subprocess.run([sys.executable, "-m", "evaltool", "check", str(src), "--format", "json"],
                           capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    rules = {f["rule"] for f in json.loads(check.stdout)["files"][0]["findings"] if f["severity"] == "error"}
    assert "dde-formula" in rules, check.stdout[-2000:]
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copyfile(src, inbox / "dde.xlsx")
    subprocess.run([sys.executable, "-m", "evaltool", "collect", str(inbox), "-o", str(tmp_path / "out"), "--workers", "1"],
                   capture_output=True, text=True, env=env, timeout=600, check=False)  # fmt: skip
    manifest = json.loads((tmp_path / "out" / "collect.json").read_text(encoding="utf-8"))
    flags = {f["code"] for o in manifest["files"] for f in o.get("flags", [])}
    assert "dde-formula" in flags, manifest["files"]


def test_a_failure_writing_one_files_outputs_is_that_files_outcome(tmp_path: Path) -> None:
    """OUT/rejected is a regular file (a real file-system refusal): the refused inputs cannot
    get their reason files, the accepted return still gets everything, and collect finishes."""
    from evaltool.intake.collect import collect

    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copyfile(SAMPLE, inbox / "good.xlsx")
    crafted.ods(inbox / "report.ods")
    out = tmp_path / "out"
    out.mkdir()
    (out / "rejected").write_text("not a folder", encoding="utf-8")
    report = collect(inbox, out, workers=1)
    doc = json.loads(report.manifest.read_text(encoding="utf-8"))
    by = {f["path"]: f for f in doc["files"]}
    assert by["good.xlsx"]["status"] == "accepted" and list((out / "scored").glob("*.xlsx"))
    assert by["report.ods"]["status"] == "rejected" and by["report.ods"]["reason_code"] == "output-failed"
    assert "FileExistsError" in by["report.ods"]["reason"] or "NotADirectoryError" in by["report.ods"]["reason"]
    assert report.summary.exists()
