"""Shared helpers for the benchmark harnesses: timing, medians, peak RSS, the XML floor.

Why: speed is measured, not assumed. Every harness prints ratios against baselines measured
in the same run on the same files, so the numbers mean something on any machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from xml.etree import ElementTree as ET

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def median_seconds(fn: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    """Run ``fn`` ``repeat`` times; return the median wall time and all times."""
    times: list[float] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident set size of this process (or the largest reaped child) in MiB.

    For this process it reads ``VmHWM`` from /proc/self/status: Linux carries ``ru_maxrss``
    over ``execve``, so a child started by a big parent would report the parent's size.
    """
    if not children:
        with contextlib.suppress(OSError, ValueError):
            for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024.0


def cpu_seconds(children: bool = True) -> float:
    """User + system CPU seconds of this process (and its reaped children: pool workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    if children:
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        total += kids.ru_utime + kids.ru_stime
    return total


def floor_parse(path: Path) -> int:
    """The floor: open the zip, parse every worksheet and the shared strings, nothing else.

    Uses the stdlib C ElementTree (measured fastest here, measurements.md §3). Returns the
    number of cells seen so the work cannot be optimised away.
    """
    n = 0
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet") or name == "xl/sharedStrings.xml":
                root = ET.fromstring(zf.read(name))
                for _ in root.iter(NS_MAIN + "c"):
                    n += 1
                for _ in root.iter(NS_MAIN + "si"):
                    n += 1
    return n


def floor_all(paths: Sequence[Path]) -> int:
    return sum(floor_parse(p) for p in paths)


def fmt_row(cells: Sequence[object], widths: Sequence[int]) -> str:
    return "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))


# -- added for the harnesses (bench_intake / bench_button) -------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def run_child(args: Sequence[str], *, timeout: float | None = None) -> dict[str, object]:
    """Run ``python -m benchmarks.pipelines <args>`` in a fresh interpreter; its JSON line.

    The dict also carries ``wall_s`` (parent-side, interpreter start-up included). A child that
    fails raises RuntimeError with its stderr, so a broken pipeline is never reported as fast.
    """
    cmd = [sys.executable, "-m", "benchmarks.pipelines", *args]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    wall = time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(args[:1])} failed (rc={proc.returncode}):\n{proc.stderr[-3000:]}")
    out: dict[str, object] = json.loads(lines[-1])
    out["wall_s"] = wall
    return out


def machine() -> dict[str, str]:
    """nproc, CPU model, Python version, date: the header every result table carries."""
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"nproc": str(os.cpu_count()), "cpu": model, "python": platform.python_version(),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")
