"""Run bench_button and bench_intake for two commits side by side, in one run, interleaved.

Why: "no slower than before" must be a ratio measured on the same machine at the same time
(this machine is shared, its load swings 5-10x). The baseline commit is exported with
``git archive`` into a temporary folder; each round runs every harness once per side
(base, then this tree), and the medians of the CPU figures are compared.

Example::

    python benchmarks/compare_commits.py --base 894bbd2 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def export(commit: str, dest: Path) -> Path:
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def run(tree: Path, args: list[str]) -> str:
    env = dict(os.environ, PYTHONPATH=str(tree), EVALTOOL_CORPUS=str(ROOT / "tests/corpus/excel-made"))
    out = subprocess.run([sys.executable, *args], cwd=tree, env=env, capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        raise SystemExit(f"{args} failed in {tree}:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    return out.stdout


def button(text: str) -> dict[str, float]:
    """cpu ms of each stage and the total from bench_button's table."""
    got: dict[str, float] = {}
    for m in re.finditer(r"^(patch|total|read|evaluate)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", text, re.M):
        got[f"button {m.group(1)} cpu ms"] = float(m.group(4))
        got[f"button {m.group(1)} median ms"] = float(m.group(2))
    return got


def intake(text: str) -> dict[str, float]:
    """cpu ms/wb of each pipeline from bench_intake's --markdown table."""
    got: dict[str, float] = {}
    for m in re.finditer(r"^\| ([^|]+) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|", text, re.M):
        got[f"intake {m.group(1).strip()} cpu ms/wb"] = float(m.group(4))
    return got


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="894bbd2", help="baseline commit (default: before the tokenizing patcher)")
    ap.add_argument("--head", default="", help="commit to compare (default: the working tree as it is)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--n", type=int, default=50, help="generated returns for bench_intake")
    ap.add_argument("--intake-skip", action="append", default=["naive"], help="bench_intake jobs to skip")
    args = ap.parse_args(argv)
    results: dict[str, dict[str, list[float]]] = {"base": {}, "head": {}}
    with tempfile.TemporaryDirectory(prefix="evaltool-compare-") as tmp:
        base = export(args.base, Path(tmp) / "base")
        head = export(args.head, Path(tmp) / "head") if args.head else ROOT
        trees = {"base": base, "head": head}
        skip = [a for s in args.intake_skip for a in ("--skip", s)]
        for r in range(args.rounds):
            for side, tree in trees.items():
                figures = button(run(tree, ["benchmarks/bench_button.py", "--repeat", "20"]))
                figures |= intake(run(tree, ["benchmarks/bench_intake.py", "--n", str(args.n), "--repeat", "1", "--workers", "1",
                                             "--markdown", *skip]))  # fmt: skip
                for k, v in figures.items():
                    results[side].setdefault(k, []).append(v)
                print(f"round {r + 1} {side} done (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
    print(f"base={args.base}  head={args.head or 'working tree'}  rounds={args.rounds}  n={args.n}  load={os.getloadavg()[0]:.1f}")
    print(f"{'figure':<52}{'base':>10}{'head':>10}{'head/base':>11}")
    for key in results["base"]:
        b, h = statistics.median(results["base"][key]), statistics.median(results["head"].get(key, [float("nan")]))
        print(f"{key:<52}{b:>10.2f}{h:>10.2f}{h / b if b else float('nan'):>11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
