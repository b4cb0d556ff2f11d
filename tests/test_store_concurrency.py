"""Two staff run ``collect`` on one campaign at the same moment (two real processes, the real
command line), on PostgreSQL and on SQLite: each file is claimed in the store before it is
evaluated, so each is evaluated by exactly one run, recorded exactly once, nothing is lost,
and the latest return of a unit counts whichever run read which version. A claim left by a
run that died is taken over once older than the lease; a fresh one is not."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from support.inbox import Returns, mail
from support.pg import pg_database

from evaltool.campaign import init_campaign, open_campaign
from evaltool.intake.stored import CLAIMED, HELD
from evaltool.store import RosterUnit, open_store
from evaltool.store.records import PROCESSING, Received, ReturnFacts, claim_file, complete, db_now, release
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


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None  # the campaign folder's own SQLite file
    else:
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
    # one unit sends a correction later: whichever run reads which version, the later one counts
    (inbox / "v1.eml").write_bytes(mail("乙 <b@x.gov.cn>", "乙", datetime(2026, 3, 3), [("乙.xlsx", ret.make("乙单位", "B2", 0))]))
    (inbox / "v2.eml").write_bytes(mail("乙 <b@x.gov.cn>", "乙更正", datetime(2026, 3, 5), [("乙.xlsx", ret.make("乙单位", "B2", 1))]))
    return inbox, [*labels, "v1.eml/乙.xlsx", "v2.eml/乙.xlsx"]


def _campaign(tmp: Path, db: str | None) -> Path:
    units = [RosterUnit(f"U{i:02d}", f"单位{i:02d}") for i in range(N_UNITS)] + [RosterUnit("B2", "乙单位")]
    init_campaign(tmp / "campaign", name="2023", year=2023, framework="dept-overall", roster=units, db=db)
    return tmp / "campaign"


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", RUNNER, *args]


def test_two_collect_runs_at_once_evaluate_each_file_once(tmp_path: Path, db: str | None) -> None:
    inbox, labels = _inbox(tmp_path)
    folder = _campaign(tmp_path, db)
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen(_cli(str(go), "collect", str(inbox), "-o", str(tmp_path / f"out{k}"), "--campaign",
                                   str(folder), "--workers", "1", "--quiet"),
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for k in (1, 2)]
    time.sleep(3)  # both have imported evaltool and wait for the signal
    go.touch()
    outs = [p.communicate(timeout=900) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err.decode()

    evaluated, taken = [], []
    for k in (1, 2):
        files = json.loads((tmp_path / f"out{k}" / "collect.json").read_text())["files"]
        assert sorted(f["label"] for f in files) == sorted(labels)  # each run accounts for every input
        evaluated.append({f["label"] for f in files if f["reason_code"] not in (CLAIMED, HELD)})
        taken.append({f["label"] for f in files if f["reason_code"] in (CLAIMED, HELD)})
        assert all(f["status"] == "duplicate" and not f["outputs"] for f in files if f["label"] in taken[-1])
        assert all(f["outputs"].get("receipt") for f in files if f["label"] in evaluated[-1])  # receipts: once
    assert evaluated[0] and evaluated[1], "both runs evaluated files: they overlapped"
    assert not evaluated[0] & evaluated[1], "a file was evaluated by both runs"
    assert evaluated[0] | evaluated[1] == set(labels), "a file was evaluated by neither run"
    assert len(evaluated[0]) + len(evaluated[1]) == len(labels)
    assert taken[0] == evaluated[1] and taken[1] == evaluated[0]  # each reports the other's as taken

    h = open_campaign(folder)
    with h.store.session() as s:
        rows = s.execute(select(File.label, File.decision, File.run).where(File.campaign_id == h.campaign.id)).all()
        assert sorted(r.label for r in rows) == sorted(labels)  # every return recorded exactly once
        by_run: dict[str, set[str]] = {}
        for r in rows:
            by_run.setdefault(r.run, set()).add(r.label)
        assert {frozenset(v) for v in by_run.values()} == {frozenset(e) for e in evaluated}  # as each run says
        assert s.scalar(select(func.count()).select_from(Return)) == len(labels)
        assert s.scalar(select(func.count()).select_from(Sighting)) == 2 * len(labels)  # each run saw each once
        decision = {r.label: r.decision for r in rows}
    assert decision.pop("v1.eml/乙.xlsx") == "superseded"  # decided over both runs' returns
    assert set(decision.values()) == {"accepted"}
    counted = [d.unit for d in stored_digests(h.store, h.campaign.id) if d.unit is not None]
    assert sorted(u.code for u in counted) == sorted(["B2", *(f"U{i:02d}" for i in range(N_UNITS))])


def test_a_claim_expires_after_the_lease_and_the_slow_run_records_nothing(tmp_path: Path, db: str | None) -> None:
    store = open_store(db or tmp_path / "s.db")
    from evaltool.store import create_campaign

    c = create_campaign(store, "lease", year=2024, framework="dept-overall")
    r = Received(sha256="c" * 64, label="1.eml/a.xlsx")
    first = claim_file(store, c.id, r, run="r1")
    assert first.file_id is not None
    fresh = claim_file(store, c.id, r, run="r2")  # r1 is working on it: not taken over
    assert (fresh.file_id, fresh.holder, fresh.done) == (None, "r1", False)
    with store.session() as s:  # r1 died an hour and a minute ago (on the database's clock)
        s.execute(update(File).where(File.id == first.file_id).values(claimed_at=db_now(s) - timedelta(minutes=61)))
        s.commit()
    assert claim_file(store, c.id, r, run="r3", lease=timedelta(hours=2)).file_id is None  # a longer lease: still r1's
    took = claim_file(store, c.id, r, run="r2")
    assert (took.file_id, took.taken_over) == (first.file_id, "r1")
    assert claim_file(store, c.id, r, run="r4").file_id is None  # r2's claim is fresh
    facts = ReturnFacts(unit_code="A1", unit_name="甲", year=2024, total=90.0)
    assert not complete(store, first.file_id, decision="accepted", facts=facts, run="r1")  # too late: fenced
    release(store, [first.file_id], run="r1")  # nor can the slow run give r2's claim away
    assert complete(store, first.file_id, decision="accepted", facts=facts, run="r2")
    done = claim_file(store, c.id, r, run="r5")
    assert (done.file_id, done.holder, done.done) == (None, "r2", True)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Return)) == 1
        assert s.scalar(select(File.decision)) == "accepted"
    store.close()


def test_a_killed_run_leaves_claims_that_a_later_run_takes_over_after_the_lease(tmp_path: Path,
                                                                                 db: str | None) -> None:
    inbox, labels = _inbox(tmp_path)
    folder = _campaign(tmp_path, db)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    go = tmp_path / "go"
    go.touch()
    dead = subprocess.Popen(_cli(str(go), "collect", str(inbox), "-o", str(tmp_path / "dead"), "--campaign",
                                 str(folder), "--workers", "1", "--quiet"),
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    h = open_campaign(folder)
    claimed: list[str] = []
    deadline = time.monotonic() + 300
    while not claimed and time.monotonic() < deadline:  # kill it while it holds a claim
        with h.store.session() as s:
            claimed = list(s.scalars(select(File.label).where(File.decision == PROCESSING)))
        if not claimed:
            time.sleep(0.02)
    dead.send_signal(signal.SIGKILL)
    dead.communicate(timeout=60)
    with h.store.session() as s:
        stuck = set(s.scalars(select(File.label).where(File.decision == PROCESSING)))
    assert stuck, "the killed run left a claim"

    def run(out: str, *extra: str) -> dict[str, dict[str, str]]:
        p = subprocess.run(_cli(str(go), "collect", str(inbox), "-o", str(tmp_path / out), "--campaign", str(folder),
                                "--workers", "1", "--quiet", *extra), env=env, capture_output=True, timeout=900)
        assert p.returncode == 0, p.stderr.decode()
        return {f["label"]: f for f in json.loads((tmp_path / out / "collect.json").read_text())["files"]}

    later = run("later")  # the default lease (60 minutes): the dead run's claims are still respected
    assert stuck < set(later)
    assert {k for k, f in later.items() if f["reason_code"] == CLAIMED} == stuck
    with h.store.session() as s:
        assert set(s.scalars(select(File.label).where(File.decision == PROCESSING))) == stuck
    after = run("later", "--claim-lease", "0")  # the lease is over: taken over and evaluated once
    assert {k for k, f in after.items() if f["reason_code"] == CLAIMED} == set()
    assert {k for k, f in after.items() if f["reason_code"] not in (CLAIMED, HELD)} == \
        {k for k, f in later.items() if f["reason_code"] != HELD}  # what it evaluated then, and the freed ones
    files = json.loads((tmp_path / "later" / "collect.json").read_text())["files"]
    assert sorted(f["label"] for f in files) == sorted(labels)  # each input listed once in that OUT
    with h.store.session() as s:
        assert s.scalar(select(func.count()).select_from(File).where(File.decision == PROCESSING)) == 0
        assert sorted(s.scalars(select(File.label))) == sorted(labels)
        assert s.scalar(select(func.count()).select_from(Return)) == len(labels)


def test_each_mail_without_attachment_is_answered_and_its_content_stored_once(tmp_path: Path) -> None:
    """A refusal decided from the container is never 'taken': two such mails are both refused
    (each gets its reply), while the store holds their (empty) content once, seen twice."""
    folder = _campaign(tmp_path, None)
    inbox = tmp_path / "INBOX"
    inbox.mkdir()
    for k in (1, 2):
        (inbox / f"empty{k}.eml").write_bytes(mail(f"u{k} <u{k}@x.gov.cn>", f"空{k}", datetime(2026, 3, k), []))
    p = subprocess.run([sys.executable, "-m", "evaltool", "collect", str(inbox), "--campaign", str(folder),
                        "--workers", "1", "--quiet"], env={**os.environ, "PYTHONPATH": str(ROOT)},
                       capture_output=True, timeout=600)
    assert p.returncode == 1, p.stderr.decode()  # refused files: the exit-code contract
    files = json.loads((folder / "collect" / "collect.json").read_text())["files"]
    assert [(f["status"], f["reason_code"]) for f in files] == [("rejected", "mail-no-attachment")] * 2
    assert all(f["outputs"].get("draft") for f in files), files
    h = open_campaign(folder)
    with h.store.session() as s:
        (row,) = s.execute(select(File.id, File.decision, File.refusal)).all()
        assert (row.decision, row.refusal) == ("rejected", "mail-no-attachment")
        assert s.scalar(select(func.count()).select_from(Sighting).where(Sighting.file_id == row.id)) == 2


def test_a_campaign_run_flags_every_payload_as_a_plain_run_does(tmp_path: Path) -> None:
    """With a campaign, a payload is scanned only once claimed (a payload another run takes is
    not scanned twice): the flags, statuses and findings counts are those of a plain run."""
    from support.inbox import make_inbox

    inbox = tmp_path / "INBOX"
    make_inbox(inbox)  # macros, ActiveX, DDE, external links, zip bombs, encrypted, duplicates …
    folder = _campaign(tmp_path, None)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args in (["-o", str(tmp_path / "plain")], ["--campaign", str(folder)]):
        p = subprocess.run([sys.executable, "-m", "evaltool", "collect", str(inbox), *args, "--workers", "1",
                            "--quiet", "--created", "2026-03-10"], env=env, capture_output=True, timeout=900)
        assert p.returncode in (0, 1), p.stderr.decode()

    def seen(out: Path) -> dict[str, tuple[object, ...]]:
        files = json.loads((out / "collect.json").read_text())["files"]
        return {f["label"]: (f["status"], f["reason_code"], f["errors"], f["warnings"], f["findings"],
                             [(x["code"], x["part"], x["detail"]) for x in f["flags"]]) for f in files}

    plain, stored = seen(tmp_path / "plain"), seen(folder / "collect")
    assert plain == stored
    assert sum(1 for v in plain.values() if v[-1]) >= 5  # the comparison covers flagged payloads


def test_the_latest_return_counts_when_another_run_read_the_other_version(tmp_path: Path) -> None:
    """Run 1 reads 乙's correction, run 2 (another inbox, another OUT) only its first version:
    run 2 alone would count the first; the store decides over both runs' returns."""
    ret = Returns(tmp_path)
    one, two = tmp_path / "INBOX1", tmp_path / "INBOX2"
    one.mkdir()
    two.mkdir()
    (one / "v2.eml").write_bytes(mail("乙 <b@x.gov.cn>", "乙更正", datetime(2026, 3, 5), [("乙.xlsx", ret.make("乙单位", "B2", 1))]))
    (two / "v1.eml").write_bytes(mail("乙 <b@x.gov.cn>", "乙", datetime(2026, 3, 3), [("乙.xlsx", ret.make("乙单位", "B2", 0))]))
    folder = _campaign(tmp_path, None)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for inbox, out in ((one, "out1"), (two, "out2")):
        p = subprocess.run([sys.executable, "-m", "evaltool", "collect", str(inbox), "--campaign", str(folder), "-o",
                            str(tmp_path / out), "--workers", "1", "--quiet"], env=env, capture_output=True, timeout=600)
        assert p.returncode == 0, p.stderr.decode()
    (mine,) = json.loads((tmp_path / "out2" / "collect.json").read_text())["files"]
    assert mine["status"] == "accepted"  # what run 2 saw alone
    h = open_campaign(folder)
    with h.store.session() as s:
        decided = dict(s.execute(select(File.label, File.decision)).tuples().all())
        by = s.scalar(select(File.superseded_by).where(File.label == "v1.eml/乙.xlsx"))
    assert decided == {"v2.eml/乙.xlsx": "accepted", "v1.eml/乙.xlsx": "superseded"} and by == "v2.eml/乙.xlsx"
    code = subprocess.run([sys.executable, "-m", "evaltool", "campaign", "status", "--campaign", str(folder),
                           "--format", "json"], env=env, capture_output=True, timeout=600)
    (b2,) = [r for r in json.loads(code.stdout) if r["code"] == "B2"]
    assert b2["file"] == "v2.eml/乙.xlsx" and b2["state"] == "passed"
