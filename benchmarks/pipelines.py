"""The measured pipelines, each run in a fresh child process that reports time and peak RSS.

Why: peak RSS is only per pipeline when each pipeline has a process of its own, and a fresh
interpreter keeps one pipeline's caches from flattering the next. The parent
(``bench_intake.py``) starts ``python -m benchmarks.pipelines <name> <list> <outdir> <workers>``
once per repeat; the child imports what the pipeline needs (timed apart as ``import_s``),
runs it over the files named in ``<list>`` and prints one JSON line: ``work_s`` (wall),
``cpu_s`` (user+sys of the process and its reaped workers: robust when the machine is shared), ``import_s``,
``rss_mb`` (its own peak), ``rss_workers_mb`` (largest reaped worker), ``failed`` and ``how``.

Pipelines:

- ``floor``: :func:`benchmarks._common.floor_parse` (zip + stdlib ElementTree) per file;
- ``check``: ``evaltool.io.reader.load`` → ``evaltool.engine.evaluate`` (no writing);
- ``collect``: ``evaltool.intake.collect.collect(inbox, outdir, workers=)`` (unpack/sniff/
  scan, evaluate, scored copies, receipts, summary, collect.json); before it landed: per file
  load → evaluate → ``write_result`` → digest in a fork pool, then ``write_summary``;
- ``naive``: openpyxl full load → the same parse/evaluate → openpyxl summary (benchmarks.naive);
- ``patch``: ``evaltool.io.patch_cells`` of 3 cells per file into ``<outdir>``.

Example::

    python -m benchmarks.pipelines check /tmp/files.txt /tmp/out 1 [--speedups]
    {"pipeline": "check", "files": 200, "work_s": 3.1, ...}
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import cpu_seconds, floor_parse, peak_rss_mb  # noqa: E402

Outcome = tuple[str, Any]  # (kind: "ok" | "failed", payload)


def chunksize_for(n: int, workers: int) -> int:
    """Big enough to amortise the pickling round trip, small enough to balance the tail."""
    return max(1, min(32, n // (workers * 8)))


def pool_map(fn: Callable[[str], Any], paths: Sequence[str], workers: int) -> Iterator[Any]:
    """``map(fn, paths)``, in ``workers`` forked processes when more than one (input order)."""
    if workers <= 1 or len(paths) <= 1:
        yield from map(fn, paths)
        return
    ctx = multiprocessing.get_context("fork")  # modules already imported: no re-import cost
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        yield from pool.map(fn, paths, chunksize=chunksize_for(len(paths), workers))


# -- per-file steps (module level so a pool can pickle them) ---------------------------------

def _floor_one(path: str) -> Outcome:
    return "ok", floor_parse(Path(path))


def _check_one(path: str) -> Outcome:
    from evaltool.engine import evaluate
    from evaltool.io.reader import load

    try:
        res = evaluate(load(path))
    except Exception as exc:  # counted and shown, never hidden
        return "failed", f"{type(exc).__name__}: {exc}"
    return "ok", (res.total, res.errors)


_OUTDIR = ""


def _batch_one(path: str) -> Outcome:
    from evaltool.engine import evaluate
    from evaltool.io.reader import load
    from evaltool.io.writeback import write_result
    from evaltool.summary import digest, entry_from_result, entry_rejected

    try:
        res = evaluate(load(path))
        write_result(res, path, os.path.join(_OUTDIR, Path(path).stem + ".scored.xlsx"))
        return "ok", digest(entry_from_result(res, path))
    except Exception as exc:
        return "failed", (f"{type(exc).__name__}: {exc}", digest(entry_rejected(path, str(exc))))


def _naive_one(path: str) -> Outcome:
    from benchmarks.naive import naive_check

    try:
        return "ok", (path, naive_check(path))
    except Exception as exc:
        return "failed", (f"{type(exc).__name__}: {exc}", (path, None))


def _patch_one(path: str) -> Outcome:
    from evaltool.io import Formula, patch_cells

    sheet = _first_sheet(path)
    dst = os.path.join(_OUTDIR, Path(path).stem + ".patched.xlsx")
    cells = {(sheet, "L5"): Formula("=1+1", cached=2), (sheet, "M5"): "补充说明", (sheet, "N5"): 3.25}
    try:
        patch_cells(path, dst, cells)
    except Exception as exc:
        return "failed", f"{type(exc).__name__}: {exc}"
    return "ok", dst


def _first_sheet(path: str) -> str:
    """绩效指标 for template workbooks, else the first worksheet (for the corpus)."""
    from evaltool.io.filebook import FileBook

    book = FileBook(path)
    try:
        names = book.sheet_names()
    finally:
        book.close()
    return "绩效指标" if "绩效指标" in names else names[0]


# -- pipelines ------------------------------------------------------------------------------

def _import_for(name: str) -> None:
    if name in ("check", "collect"):
        import evaltool.engine  # noqa: F401
        import evaltool.io.reader  # noqa: F401
    if name == "collect":
        import evaltool.io.writeback  # noqa: F401
        import evaltool.summary  # noqa: F401
    if name == "naive":
        import benchmarks.naive  # noqa: F401
        import evaltool.engine  # noqa: F401
    if name == "patch":
        import evaltool.io  # noqa: F401
        import evaltool.io.filebook  # noqa: F401


CREATED = datetime(2026, 3, 10)  # fixed timestamps: collect's output does not depend on the clock


def _inbox_of(paths: Sequence[str], scratch: str) -> str:
    """The folder holding exactly ``paths`` (their own folder, else hard links in ``scratch``)."""
    folder = Path(paths[0]).parent
    if {str(p) for p in folder.iterdir()} == {str(p) for p in paths}:
        return str(folder)
    inbox = Path(scratch) / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for p in paths:
        try:
            os.link(p, inbox / Path(p).name)
        except OSError:
            shutil.copyfile(p, inbox / Path(p).name)
    return str(inbox)


def _collect_api() -> Callable[..., Any] | None:
    try:
        from evaltool.intake.collect import collect  # type: ignore[import-not-found]
    except ImportError:
        return None
    return collect  # type: ignore[no-any-return]


def run(name: str, paths: Sequence[str], outdir: str, workers: int) -> dict[str, Any]:
    """Run pipeline ``name`` over ``paths``; returns counts and how it ran (no timing)."""
    global _OUTDIR
    _OUTDIR = outdir
    how = name
    outcomes: Iterable[Outcome]
    if name == "collect":
        api = _collect_api()
        if api is not None:
            report = api(_inbox_of(paths, outdir), os.path.join(outdir, "out"), workers=workers,
                         created=CREATED)
            counts = dict(report.counts)
            bad = {k: v for k, v in counts.items() if k != "accepted"}
            return {"failed": sum(bad.values()), "how": f"evaltool.intake.collect.collect {counts}",
                    "errors": [f"{k}: {v}" for k, v in bad.items()]}
        from evaltool.summary import write_summary

        how = "load→evaluate→write_result→digest, write_summary (collect not landed)"
        results = list(pool_map(_batch_one, paths, workers))
        write_summary([r[1] if r[0] == "ok" else r[1][1] for r in results],
                      os.path.join(outdir, "summary.xlsx"))
        outcomes = results
    elif name == "naive":
        from benchmarks.naive import write_naive_summary

        results = list(pool_map(_naive_one, paths, workers))
        write_naive_summary([r[1] if r[0] == "ok" else r[1][1] for r in results],
                            os.path.join(outdir, "naive-summary.xlsx"))
        how = "openpyxl load_workbook(data_only) → parse_book → evaluate → openpyxl summary"
        outcomes = results
    else:
        step = {"floor": _floor_one, "check": _check_one, "patch": _patch_one}[name]
        outcomes = list(pool_map(step, paths, workers))
    errors = [o[1] if isinstance(o[1], str) else o[1][0] for o in outcomes if o[0] == "failed"]
    return {"failed": len(errors), "how": how, "errors": sorted(set(errors))[:3]}


def main(argv: Sequence[str]) -> int:
    name, listfile, outdir, workers = argv[0], argv[1], argv[2], int(argv[3])
    with_speedups = "--speedups" in argv[4:]
    paths = [p for p in Path(listfile).read_text(encoding="utf-8").splitlines() if p]
    os.makedirs(outdir, exist_ok=True)
    t0 = time.perf_counter()
    _import_for(name)
    installed: list[str] = []
    if with_speedups and name != "floor":
        from benchmarks.speedups import apply

        installed = apply()
    t1, c1, p1 = time.perf_counter(), cpu_seconds(), cpu_seconds(children=False)
    try:
        info = run(name, paths, outdir, workers)
    except Exception:
        traceback.print_exc()
        return 2
    t2, c2, p2 = time.perf_counter(), cpu_seconds(), cpu_seconds(children=False)
    print(json.dumps({"pipeline": name, "files": len(paths), "workers": workers,
                      "import_s": t1 - t0, "work_s": t2 - t1, "cpu_s": c2 - c1, "cpu_parent_s": p2 - p1, "rss_mb": peak_rss_mb(),
                      "rss_workers_mb": peak_rss_mb(children=True), "speedups": installed, **info}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
