"""Button benchmark: the engine time behind one press of 计算评分 on one workbook, with a breakdown.

Why: an accountant presses the button and waits; the engine's share must stay well under
300 ms. Without Excel the button's path is measured on the file itself: ``FileBook`` read →
``parse_book`` → ``engine.evaluate`` (rules + scoring) → ``writeback.build_plan`` →
``patch_cells`` into a scratch copy (what the live book gets through xlwings instead). The first
press in a fresh process (lazy imports, rule-set compilation) is shown apart from the warm
median. ``rules`` and ``scoring`` are also timed on their own (they are inside ``evaluate``).

Example::

    python benchmarks/bench_button.py --repeat 20
    python benchmarks/bench_button.py --file workbooks/sample-xicheng-2023.xlsx --speedups
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import ROOT, machine, median, peak_rss_mb  # noqa: E402

SAMPLE = ROOT / "workbooks" / "sample-xicheng-2023.xlsx"
STAGES = ("read", "parse", "evaluate", "plan", "patch")
INSIDE = ("rules", "scoring")
TARGET_MS = 300.0


def press(path: Path, dst: Path) -> dict[str, float]:
    """One button press; seconds per stage (plus the rules/scoring parts of ``evaluate``)."""
    from evaltool.engine import evaluate
    from evaltool.io import patch_cells
    from evaltool.io.filebook import FileBook
    from evaltool.io.parse import parse_book
    from evaltool.io.writeback import build_plan
    from evaltool.rules.engine import check
    from evaltool.scoring import score

    t: dict[str, float] = {}

    def timed(stage: str, fn: Callable[[], Any]) -> Any:
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        t[stage] = time.perf_counter() - t0
        t["cpu:" + stage] = time.process_time() - c0
        return out

    def read() -> Any:
        book = FileBook(path)
        for sheet in book.sheet_names():
            book.sheet_values(sheet)
        book.defined_names()
        book.tables()
        return book

    book = timed("read", read)
    ev = timed("parse", lambda: parse_book(book))
    book.close()
    result = timed("evaluate", lambda: evaluate(ev))
    plan = timed("plan", lambda: build_plan(result))
    # what writeback.write_result does with the plan (public API only)
    timed("patch", lambda: patch_cells(path, dst, dict(plan.cells), fills=plan.fills, notes=plan.notes,
                                       table_refs=plan.table_refs))
    computed = score(ev).computed
    timed("rules", lambda: check(ev, computed))
    timed("scoring", lambda: getattr(score, "__wrapped__", score)(ev))  # unmemoised
    return t


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--file", type=Path, default=SAMPLE, help="the workbook (default: the seed sample)")
    ap.add_argument("--repeat", type=int, default=20, help="warm presses (median)")
    ap.add_argument("--speedups", action="store_true", help="install benchmarks.speedups first")
    args = ap.parse_args(argv)
    info = machine()
    print(f"evaltool button benchmark  file={args.file}  repeat={args.repeat}")
    print(f"machine: nproc={info['nproc']}  cpu={info['cpu']}  python={info['python']}  date={info['date']}")
    t0 = time.perf_counter()
    import evaltool.engine  # noqa: F401
    import evaltool.io.filebook  # noqa: F401
    import evaltool.io.parse  # noqa: F401
    import evaltool.io.writeback  # noqa: F401
    import_s = time.perf_counter() - t0
    if args.speedups:
        from benchmarks.speedups import apply

        print(f"speedups installed: {', '.join(apply()) or 'none needed'}")
    with tempfile.TemporaryDirectory(prefix="evaltool-button-") as tmp:
        dst = Path(tmp) / "scored.xlsx"
        cold = press(args.file, dst)
        warm = [press(args.file, dst) for _ in range(args.repeat)]
    print(f"imports (once per process)       {import_s * 1000:8.1f} ms")
    print(f"first press (cold, after imports){sum(cold[s] for s in STAGES) * 1000:8.1f} ms")
    print()
    print(f"{'stage':<16}{'median ms':>10}{'min ms':>10}{'cpu ms':>10}{'cold ms':>10}")
    for stage in STAGES + INSIDE:
        vals = [w[stage] * 1000 for w in warm]
        cpu = median([w["cpu:" + stage] * 1000 for w in warm])
        name = stage if stage in STAGES else f"  ({stage})"
        print(f"{name:<16}{median(vals):>10.2f}{min(vals):>10.2f}{cpu:>10.2f}{cold[stage] * 1000:>10.2f}")
    totals = [sum(w[s] for s in STAGES) * 1000 for w in warm]
    cpus = [sum(w["cpu:" + s] for s in STAGES) * 1000 for w in warm]
    total = median(totals)
    print(f"{'total':<16}{total:>10.2f}{min(totals):>10.2f}{median(cpus):>10.2f}"
          f"{sum(cold[s] for s in STAGES) * 1000:>10.2f}")
    print()
    print(f"button engine time (median of {args.repeat}): {total:.1f} ms   target <= {TARGET_MS:.0f} ms"
          f"   {'OK' if total <= TARGET_MS else 'OVER'}   (cpu {median(cpus):.1f} ms, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"peak RSS: {peak_rss_mb():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
