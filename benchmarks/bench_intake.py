"""Intake benchmark: N generated returns through evaltool, the XML floor and the naive openpyxl
pipeline, measured in the same run, with ratios against the targets.

Why: a bureau collects hundreds to thousands of returns at once. "Fast" must be a number next
to a floor (what merely parsing the XML costs) and a baseline (the obvious openpyxl script), on
the same files, on this machine. Every pipeline runs in a fresh child process per repeat
(benchmarks.pipelines), so peak RSS is per pipeline; times exclude interpreter start-up and
imports (shown apart). Medians over ``--repeat``.

Example::

    python benchmarks/bench_intake.py --n 200 --repeat 3
    python benchmarks/bench_intake.py --n 2000 --repeat 1 --workers 2 --skip naive
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, median, ratio, run_child  # noqa: E402
from benchmarks.corpus import ensure_corpus, ensure_replicated, is_stale  # noqa: E402

CORPUS = Path(os.environ.get("EVALTOOL_CORPUS") or Path(__file__).resolve().parents[1] / "tests/corpus/excel-made")


Job = tuple[str, str, Sequence[Path], int, bool]  # key, pipeline, files, workers, speedups


def run_jobs(jobs: Sequence[Job], repeat: int, scratch: Path) -> dict[str, dict[str, Any]]:
    """``repeat`` rounds over all jobs, interleaved (machine load hits every pipeline alike);
    each run is a fresh child process; medians per job."""
    runs: dict[str, list[dict[str, Any]]] = {key: [] for key, *_ in jobs}
    for k in range(repeat):
        for key, name, files, workers, fixes in jobs:
            listfile = scratch / f"{key}.txt"
            listfile.write_text("\n".join(str(p) for p in files), encoding="utf-8")
            args = [name, str(listfile), str(scratch / f"out-{key}-{k}"), str(workers)]
            runs[key].append(run_child([*args, "--speedups"] if fixes else args))
            shutil.rmtree(scratch / f"out-{key}-{k}", ignore_errors=True)
    return {key: summarise(key, r) for key, r in runs.items()}


def summarise(key: str, runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    work = median([float(r["work_s"]) for r in runs])
    last = runs[-1]
    n = max(int(last["files"]), 1)
    return {"name": key, "workers": int(last["workers"]), "n": int(last["files"]), "work_s": work,
            "ms_per_wb": work * 1000 / n, "wb_per_s": n / work if work else float("nan"),
            "cpu_ms_per_wb": median([float(r.get("cpu_s", "nan")) for r in runs]) * 1000 / n,
            "cpu_parent_ms_per_wb": median([float(r.get("cpu_parent_s", "nan")) for r in runs]) * 1000 / n,
            "import_s": median([float(r["import_s"]) for r in runs]),
            "rss_mb": max(float(r["rss_mb"]) for r in runs),
            "rss_workers_mb": max(float(r["rss_workers_mb"]) for r in runs),
            "failed": last["failed"], "how": last["how"], "errors": last["errors"],
            "speedups": last.get("speedups", []), "runs": len(runs)}


def _row(label: str, m: dict[str, Any]) -> str:
    rss = f"{m['rss_mb']:.0f}" + (f" / {m['rss_workers_mb']:.0f}" if m["workers"] > 1 else "")
    fail = f"  failed {m['failed']}/{m['n']}" if m["failed"] else ""
    return (f"{label:<34}{m['n']:>6}{m['ms_per_wb']:>10.2f}{m['cpu_ms_per_wb']:>10.2f}{m['wb_per_s']:>9.1f}"
            f"{m['work_s']:>9.2f}{m['import_s']:>8.2f}{rss:>14}{fail}")


def corpus_files(limit: int) -> list[Path]:
    files = sorted(p for p in CORPUS.glob("*.xlsx") if p.is_file())
    return files[:limit] if limit else files


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200, help="number of generated returns")
    ap.add_argument("--repeat", type=int, default=3, help="fresh-process runs per pipeline (median)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="pool size for the parallel runs")
    ap.add_argument("--skip", action="append", default=[], help="job to skip: floor check collect collect_par naive patch_gen patch_corpus patch (both)")
    ap.add_argument("--naive-n", type=int, default=0, help="run the naive baseline on the first K files only (0 = all)")
    ap.add_argument("--regen", action="store_true", help="regenerate the cached returns")
    ap.add_argument("--replicate-from", type=int, default=0, metavar="K",
                    help="build the N returns from the K generated ones, each with its own unit name/code "
                         "patched in (fast; for memory runs at large N)")
    ap.add_argument("--markdown", action="store_true", help="also print the results as a Markdown table")
    ap.add_argument("--speedups", action="store_true",
                    help="also run check/collect/naive with benchmarks.speedups installed")
    ap.add_argument("--corpus-limit", type=int, default=0, help="patch only the first K corpus files (0 = all)")
    args = ap.parse_args(argv)

    info = machine()
    print(f"evaltool intake benchmark  N={args.n}  repeat={args.repeat}  workers={args.workers}")
    print(f"machine: nproc={info['nproc']}  cpu={info['cpu']}  python={info['python']}  date={info['date']}")
    if args.replicate_from:
        paths = ensure_replicated(args.n, args.replicate_from)
    else:
        paths = ensure_corpus(args.n, regenerate=args.regen)
    if not args.replicate_from and is_stale(args.n):
        print(f"note: the cached N={args.n} set was written by an older template writer (--regen to refresh)")
    print(f"returns: {paths[0].parent} ({sum(p.stat().st_size for p in paths) / len(paths) / 1024:.0f} KiB/file)")
    corpus = corpus_files(args.corpus_limit)
    naive_files = paths[: args.naive_n] if args.naive_n else paths
    jobs: list[Job] = []
    for fixes in (False, True) if args.speedups else (False,):
        tag = "+fix" if fixes else ""
        jobs += [("floor", "floor", paths, 1, False)] if not fixes else []
        jobs += [(f"check{tag}", "check", paths, 1, fixes), (f"collect{tag}", "collect", paths, 1, fixes),
                 (f"collect_par{tag}", "collect", paths, args.workers, fixes),
                 (f"naive{tag}", "naive", naive_files, 1, fixes)]
    jobs += [("patch_gen", "patch", paths, 1, False)]
    if corpus:
        jobs.append(("patch_corpus", "patch", corpus, 1, False))
    skip = set(args.skip)
    jobs = [j for j in jobs if j[0] not in skip and j[0].removesuffix("+fix") not in skip
            and not (j[1] == "patch" and "patch" in skip)]
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="evaltool-bench-") as tmp:
        res = run_jobs(jobs, args.repeat, Path(tmp))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print()
    print(f"{'pipeline':<34}{'files':>6}{'ms/wb':>10}{'cpu ms/wb':>10}{'wb/s':>9}{'total s':>9}{'import':>8}{'peak RSS MiB':>14}")
    labels = {"floor": "floor (zip+ElementTree)", "check": "evaltool check (serial)",
              "collect": "evaltool collect (1 worker)", "collect_par": f"evaltool collect ({args.workers} workers)",
              "naive": "naive openpyxl (serial)", "patch_gen": "patch_cells 3 cells (gen)",
              "patch_corpus": "patch_cells 3 cells (corpus)"}
    labels.update({k + "+fix": v.replace("evaltool ", "evaltool+fix ").replace("naive ", "naive+fix ")
                   for k, v in labels.items()})
    for key, m in res.items():
        print(_row(labels[key], m))
    print()
    for key, m in res.items():
        if m["failed"]:
            print(f"failures in {key}: {m['errors']}")
    for key in ("collect", "collect_par", "collect_par+fix"):
        if key in res:
            print(f"{key} ran as: {res[key]['how']}")
    for key in ("collect_par", "collect_par+fix"):
        if key in res:  # what the parent does alone bounds the speed-up (Amdahl)
            m = res[key]
            print(f"{key}: parent CPU {m['cpu_parent_ms_per_wb']:.1f} of {m['cpu_ms_per_wb']:.1f} ms/wb")
    installed: list[str] = next((m["speedups"] for m in res.values() if m["speedups"]), [])
    if installed:
        print(f"+fix rows: benchmarks.speedups installed {', '.join(installed)}")
    print()
    print_ratios(res, "")
    if args.speedups:
        print_ratios(res, "+fix")
    if args.markdown:
        print()
        print(markdown(res, labels))
    return 0


def markdown(res: dict[str, dict[str, Any]], labels: dict[str, str]) -> str:
    """The results as a Markdown table (for benchmarks/README.md)."""
    out = ["| pipeline | files | ms/wb (wall) | cpu ms/wb | wb/s | peak RSS MiB (parent / worker) | failed |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for key, m in res.items():
        rss = f"{m['rss_mb']:.0f}" + (f" / {m['rss_workers_mb']:.0f}" if m["workers"] > 1 else "")
        out.append(f"| {labels[key]} | {m['n']} | {m['ms_per_wb']:.1f} | {m['cpu_ms_per_wb']:.1f} | "
                   f"{m['wb_per_s']:.1f} | {rss} | {m['failed']} |")
    return "\n".join(out)


def print_ratios(res: dict[str, dict[str, Any]], tag: str) -> None:
    """The ratios against the targets (README); nan where a side did not run."""
    def ms(key: str, field: str = "ms_per_wb") -> float:
        key = key if key == "floor" else key + tag
        return float(res[key][field]) if key in res else float("nan")

    def both(a: str, b: str) -> tuple[float, float]:
        return ratio(ms(a), ms(b)), ratio(ms(a, "cpu_ms_per_wb"), ms(b, "cpu_ms_per_wb"))

    rows = (("ratio check / floor", both("check", "floor"), "<= 2"),
            ("ratio collect / floor", both("collect", "floor"), "<= 4"),
            ("ratio naive / check", both("naive", "check"), ">= 10"),
            ("ratio serial / workers", (ratio(ms("collect"), ms("collect_par")), float("nan")), ">= 1.7"))
    for label, (wall, cpu) in ((r[0], r[1]) for r in rows):
        target = dict((r[0], r[2]) for r in rows)[label]
        cpu_text = f"   (cpu {cpu:.2f})" if cpu == cpu else ""
        print(f"{(tag + ' ' if tag else '') + label:<30}{wall:>8.2f}   target {target}{cpu_text}")
    if tag:
        return
    if "patch_gen" in res:
        print(f"{'patch ms/file (gen)':<26}{res['patch_gen']['ms_per_wb']:>8.2f}")
    if "patch_corpus" in res:
        print(f"{'patch ms/file (corpus)':<26}{res['patch_corpus']['ms_per_wb']:>8.2f}")


if __name__ == "__main__":
    sys.exit(main())
