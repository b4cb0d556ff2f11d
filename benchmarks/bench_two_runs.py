"""Two staff at once: one ``collect --campaign`` run over N returns vs two runs started together.

Why: the claim (:mod:`evaltool.intake.stored`) lets two runs on one campaign split the inbox
instead of each evaluating every file. This measures it, in the same run on the same files:
one run alone on a fresh campaign, then two runs at once on another fresh campaign — wall
time until both are done, CPU of both together (user + system of each child, from
``wait4``), and how many files each run evaluated (from its ``collect.json``). Without the
claim two runs would spend about twice the CPU of one; with it the two together spend about
what one does, and on two free cores finish in about half the wall time.

    python benchmarks/bench_two_runs.py --n 60 [--repeat 3] [--pg postgresql://evaltool@127.0.0.1:54329/postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import machine, median, ratio  # noqa: E402
from benchmarks.corpus import ensure_corpus  # noqa: E402

CLAIMED = ("claimed", "held")


def _fresh_db(pg: str | None) -> str | None:
    if not pg:
        return None
    from sqlalchemy import create_engine, text

    name = "bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return pg.rsplit("/", 1)[0] + "/" + name


def _drop_db(pg: str | None, url: str | None) -> None:
    if not pg or not url:
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def _campaign(tmp: Path, pg: str | None) -> tuple[Path, str | None]:
    from evaltool.campaign import init_campaign

    folder = tmp / f"c-{uuid.uuid4().hex[:6]}"
    url = _fresh_db(pg)
    init_campaign(folder, name=folder.name, year=2023, framework="dept-overall", roster=[], db=url).store.close()
    return folder, url


def _start(inbox: Path, folder: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "evaltool", "collect", str(inbox), "--campaign", str(folder),
                             "-o", str(out), "--workers", "1", "--quiet"], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _wait(procs: list[subprocess.Popen[bytes]]) -> float:
    """Reap the children; their user + system CPU seconds together."""
    cpu = 0.0
    for p in procs:
        _pid, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
    return cpu


def _evaluated(out: Path) -> int:
    files = json.loads((out / "collect.json").read_text(encoding="utf-8"))["files"]
    return sum(1 for f in files if f.get("reason_code") not in CLAIMED)


def measure(inbox: Path, tmp: Path, runs: int, pg: str | None) -> tuple[float, float, list[int]]:
    folder, url = _campaign(tmp, pg)
    outs = [tmp / f"out-{uuid.uuid4().hex[:6]}" for _ in range(runs)]
    try:
        t0 = time.perf_counter()
        procs = [_start(inbox, folder, o) for o in outs]
        cpu = _wait(procs)
        wall = time.perf_counter() - t0
        return wall, cpu, [_evaluated(o) for o in outs]
    finally:
        _drop_db(pg, url)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pg", help="a PostgreSQL server URL (a fresh database per measurement); default SQLite")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="evaltool-two-runs-"))
    try:
        inbox = tmp / "INBOX"
        inbox.mkdir()
        for i, p in enumerate(ensure_corpus(a.n)):
            shutil.copyfile(p, inbox / f"{i:05d}.xlsx")
        one: list[tuple[float, float, list[int]]] = []
        two: list[tuple[float, float, list[int]]] = []
        for _ in range(a.repeat):  # interleaved: machine load hits both alike
            one.append(measure(inbox, tmp, 1, a.pg))
            two.append(measure(inbox, tmp, 2, a.pg))
        print(json.dumps(machine(), ensure_ascii=False))
        print(f"store: {'PostgreSQL' if a.pg else 'SQLite'}, N={a.n}, repeat={a.repeat}, --workers 1 per run")
        w1, c1 = median([m[0] for m in one]), median([m[1] for m in one])
        w2, c2 = median([m[0] for m in two]), median([m[1] for m in two])
        print(f"one run    : wall {w1:7.1f} s  cpu {c1:7.1f} s  evaluated {[m[2] for m in one]}")
        print(f"two at once: wall {w2:7.1f} s  cpu {c2:7.1f} s  evaluated {[m[2] for m in two]}")
        print(f"two/one    : wall {ratio(w2, w1):.2f}x  cpu {ratio(c2, c1):.2f}x  "
              f"(without the claim each run would evaluate all {a.n}: cpu ~2x)")
        assert all(sum(m[2]) == a.n for m in one + two), "a file evaluated twice or not at all"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
