"""Smoke tests for the benchmark harnesses: they run end to end on tiny N and print every figure.

Timings are never asserted (they depend on the machine and its load); what is asserted is that
the harnesses run as real subprocesses, exit 0 and print each figure's label, that the
generated returns are what the benchmark claims (filled, 18 projects, fuzzy and wrong values),
and that the naive openpyxl baseline reads the same workbook the same way as evaltool, so the
naive ÷ check ratio compares equal work.
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import ensure_corpus  # noqa: E402

INTAKE_LABELS = (
    "machine: nproc=", "floor (zip+ElementTree)", "evaltool check (serial)",
    "evaltool collect (1 worker)", "evaltool collect (2 workers)", "naive openpyxl (serial)",
    "patch_cells 3 cells (gen)", "patch_cells 3 cells (corpus)", "ms/wb", "wb/s", "peak RSS MiB",
    "ratio check / floor", "ratio collect / floor", "ratio naive / check", "ratio serial / workers",
    "patch ms/file (gen)", "patch ms/file (corpus)", "collect ran as:",
)
BUTTON_LABELS = ("imports (once per process)", "first press (cold", "read", "parse", "evaluate",
                 "plan", "patch", "(rules)", "(scoring)", "total", "button engine time (median of 2)",
                 "peak RSS")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench-cache")


def _run(args: list[str], cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EVALTOOL_BENCH_CACHE": str(cache)}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600, check=False)


def test_bench_intake_runs_and_prints_every_figure(cache: Path) -> None:
    proc = _run(["benchmarks/bench_intake.py", "--n", "3", "--repeat", "1", "--workers", "2",
                 "--corpus-limit", "3"], cache)
    assert proc.returncode == 0, proc.stderr
    for label in INTAKE_LABELS:
        assert label in proc.stdout, f"missing {label!r} in:\n{proc.stdout}"
    assert (cache / "n3.done").is_file()  # the generated set is cached for the next run
    assert sorted(p.name for p in (cache / "n3").iterdir()) == ["r00000.xlsx", "r00001.xlsx", "r00002.xlsx"]


def test_bench_two_runs_splits_the_inbox_and_prints_every_figure(cache: Path) -> None:
    proc = _run(["benchmarks/bench_two_runs.py", "--n", "4", "--repeat", "1"], cache)
    assert proc.returncode == 0, proc.stderr  # it asserts itself that each file was evaluated once
    for label in ("one run", "two at once", "two/one", "evaluated [[4]]"):
        assert label in proc.stdout, f"missing {label!r} in:\n{proc.stdout}"


def test_bench_button_runs_and_prints_every_stage(cache: Path) -> None:
    proc = _run(["benchmarks/bench_button.py", "--repeat", "2"], cache)
    assert proc.returncode == 0, proc.stderr
    for label in BUTTON_LABELS:
        assert label in proc.stdout, f"missing {label!r} in:\n{proc.stdout}"


def test_generated_returns_are_filled_with_fuzzy_and_wrong_values(cache: Path) -> None:
    from evaltool.io.reader import load

    paths = ensure_corpus(3, root=cache, workers=1)
    assert [p.name for p in paths] == ["r00000.xlsx", "r00001.xlsx", "r00002.xlsx"]
    clean, fuzzy, wrong = (load(p) for p in paths)
    assert clean.unit.name == "基准测试单位00000"
    assert len(clean.projects) == 18 and all(p.name for p in clean.projects)
    quantitative = [i for i in clean.indicator_rows if i.kind == "定量" and i.method == "M01"]
    assert quantitative and all(isinstance(i.actual, Decimal) for i in quantitative)
    # file 1 carries approximate quantities as text (近40, 30余, 千余 ...), file 0 none
    fuzzy_actuals = [i.actual for i in fuzzy.indicator_rows if isinstance(i.actual, str) and i.kind == "定量"]
    assert len(fuzzy_actuals) == 3
    assert all(any(w in a for w in ("近", "余", "约", "千")) for a in fuzzy_actuals)
    # file 2: wrong actuals, and 资金总额 is 1000.00 more than its three parts
    assert any(i.actual in ("不详", "见附件") or i.actual == Decimal(-5) for i in wrong.indicator_rows)
    total, *parts = wrong.budget
    assert total.initial is not None and all(p.initial is not None for p in parts)
    assert total.initial - sum(p.initial or Decimal(0) for p in parts) == Decimal("1000.00")


def test_naive_book_reads_what_filebook_reads(cache: Path) -> None:
    from benchmarks.naive import OpenpyxlBook
    from evaltool.io.filebook import FileBook
    from evaltool.io.parse import parse_book

    path = ensure_corpus(3, root=cache, workers=1)[1]
    fast, slow = parse_book(FileBook(path)), parse_book(OpenpyxlBook(path))
    assert slow.names == fast.names
    assert slow.tables == fast.tables
    assert slow.indicator_rows == fast.indicator_rows
    assert slow.projects == fast.projects
    assert slow.scalars == fast.scalars


FINGERPRINT = """
import hashlib, sys
sys.path.insert(0, {root!r})
if sys.argv[1] == "fixed":
    from benchmarks import speedups
    assert speedups.apply(), "no speed fix was installed"
import datetime, os, tempfile
from evaltool.engine import evaluate
from evaltool.io.reader import load
from evaltool.io.writeback import write_result
out = os.path.join(tempfile.mkdtemp(), "scored.xlsx")
for p in sys.argv[2:]:
    r = evaluate(load(p))
    write_result(r, p, out, now=datetime.datetime(2026, 3, 10))
    with open(out, "rb") as fh:
        data = fh.read()
    print(hashlib.sha256(repr((r.findings, r.scores, r.checks, r.total, r.grade, r.rates)).encode()).hexdigest(),
          hashlib.sha256(data).hexdigest())
"""


def test_speedups_change_no_result(cache: Path) -> None:
    """The proposed fixes (benchmarks.speedups) leave every finding, score and check, and every
    byte of the scored workbook, identical.

    Run in subprocesses: the fixes rebind module attributes and must not leak into this process.
    """
    files = [str(p) for p in ensure_corpus(3, root=cache, workers=1)]
    code = FINGERPRINT.format(root=str(ROOT))
    plain, fixed = (subprocess.run([sys.executable, "-c", code, mode, *files, *files], cwd=ROOT,
                                   capture_output=True, text=True, timeout=300, check=False)
                    for mode in ("plain", "fixed"))
    assert plain.returncode == 0, plain.stderr
    assert fixed.returncode == 0, fixed.stderr
    assert len(plain.stdout.split()) == 12
    assert fixed.stdout == plain.stdout


def test_replicated_returns_are_distinct_units_that_collect_accepts(cache: Path, tmp_path: Path) -> None:
    """``--replicate-from``: each replica is its own unit (cover and issued identity alike), so
    collect reads and counts every one — a replica failing ID-1 would measure refusals only."""
    from benchmarks.corpus import ensure_replicated
    from evaltool.intake.collect import collect

    paths = ensure_replicated(4, 2, root=cache, workers=1)
    inbox = tmp_path / "in"
    inbox.mkdir()
    for p in paths:
        (inbox / p.name).write_bytes(p.read_bytes())
    report = collect(inbox, tmp_path / "out", workers=1)
    assert report.counts == {"accepted": 4}
    doc = (tmp_path / "out" / "collect.json").read_text(encoding="utf-8")
    assert all(f"单位{i:05d}" in doc for i in range(4))
