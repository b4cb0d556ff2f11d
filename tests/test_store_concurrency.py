"""Two staff run ``collect`` on one campaign at the same moment (two processes, PostgreSQL):
the campaign's store loses no return, holds none twice, and records one decision per return."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support.inbox import Returns, mail
from support.pg import pg_database

from evaltool.campaign import init_campaign, open_campaign
from evaltool.store import RosterUnit
from evaltool.store.schema import File, Return, Sighting
from evaltool.summary.stored import stored_digests

ROOT = Path(__file__).resolve().parents[1]
N_UNITS = 16
RUNNER = """
import sys, time
from pathlib import Path
from evaltool.cli import app  # imports done before the start signal: both runs start together
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.01)
app(sys.argv[2:])
"""


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from pg_database()


def _inbox(tmp: Path) -> tuple[Path, list[str]]:
    inbox = tmp / "INBOX"
    inbox.mkdir()
    ret = Returns(tmp)
    labels = []
    for i in range(N_UNITS):
        name = f"单位{i:02d}"
        (inbox / f"{i:02d}.eml").write_bytes(mail(f"u{i} <u{i}@x.gov.cn>", name, datetime(2026, 3, 2, 8, i),
                                                  [(f"{name}.xlsx", ret.make(name, f"U{i:02d}", i % 4))]))
        labels.append(f"{i:02d}.eml/{name}.xlsx")
    # one unit sends a correction later: whichever run processes which, the later one counts
    (inbox / "v1.eml").write_bytes(mail("乙 <b@x.gov.cn>", "乙", datetime(2026, 3, 3), [("乙.xlsx", ret.make("乙单位", "B2", 0))]))
    (inbox / "v2.eml").write_bytes(mail("乙 <b@x.gov.cn>", "乙更正", datetime(2026, 3, 5), [("乙.xlsx", ret.make("乙单位", "B2", 1))]))
    return inbox, [*labels, "v1.eml/乙.xlsx", "v2.eml/乙.xlsx"]


def test_two_collect_runs_at_once_never_lose_or_duplicate_a_return(tmp_path: Path, pg_url: str) -> None:
    inbox, labels = _inbox(tmp_path)
    units = [RosterUnit(f"U{i:02d}", f"单位{i:02d}") for i in range(N_UNITS)] + [RosterUnit("B2", "乙单位")]
    init_campaign(tmp_path / "campaign", name="2023", year=2023, framework="dept-overall", roster=units, db=pg_url)
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", RUNNER, str(go), "collect", str(inbox), "-o", str(tmp_path / f"out{k}"),
                               "--campaign", str(tmp_path / "campaign"), "--workers", "1", "--quiet"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for k in (1, 2)]
    time.sleep(3)  # both have imported evaltool and wait for the signal
    go.touch()
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err.decode()

    done = [{f["label"] for f in json.loads((tmp_path / f"out{k}" / "collect.json").read_text())["files"]}
            for k in (1, 2)]
    assert done[0] == done[1] == set(labels)  # each run saw every return (its own OUT, its own replies)

    h = open_campaign(tmp_path / "campaign")
    with h.store.session() as s:
        rows = s.execute(select(File.label, File.decision, File.sha256).where(File.campaign_id == h.campaign.id)).all()
        assert sorted(r.label for r in rows) == sorted(labels)
        assert len({r.sha256 for r in rows}) == len(labels)
        decision = {r.label: r.decision for r in rows}
        assert s.scalar(select(func.count()).select_from(Return)) == len(labels)
        assert s.scalar(select(func.count()).select_from(Sighting)) == 2 * len(labels)  # each run saw each once
    assert decision.pop("v1.eml/乙.xlsx") == "superseded"
    assert set(decision.values()) == {"accepted"}
    counted = [d.unit for d in stored_digests(h.store, h.campaign.id) if d.unit is not None]
    assert sorted(u.code for u in counted) == sorted(["B2", *(f"U{i:02d}" for i in range(N_UNITS))])
