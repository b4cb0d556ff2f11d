"""collect builds 汇总 from its results store by streaming, and keeps an ad-hoc store in OUT (issue 17).

The summary must say what it said when collect built it in memory from its outcomes. The
expected workbook is derived, not written down: every outcome of collect.json is digested the
way collect did it before it had a store — the worker function (:func:`process_one`) re-reads
each kept original, :func:`summary_digest` turns the outcome into its summary rows — and the
in-memory writer (:func:`write_summary` over the digests) writes it. The inbox holds every
kind of decision: counted, with errors, superseded, tied (待确认), refused after reading
(tampered, another unit's template), refused unread (hostile files), duplicates.

The parent's memory must not grow with the number of returns: a child process collects 20
and then 60 small returns and reports the parent's tracemalloc peak for each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from support.inbox import Returns, mail, make_inbox
from support.sheets import sheets, tables

from evaltool.intake.collect import ADHOC_STORE, collect, process_one
from evaltool.intake.manifest import Outcome, Task, read_manifest
from evaltool.intake.receipts import summary_digest
from evaltool.summary import write_summary

CREATED = datetime(2026, 3, 10, 8, 0)
#: outcomes a re-run re-read from their kept original (collect._REREAD, collect._DISQUALIFIED)
REREAD = {"accepted", "superseded", "pending"}
DISQUALIFIED = {"identity", "integrity", "implausible"}


def _serial(day: int) -> float:
    return float((datetime(2024, 3, day) - datetime(1899, 12, 30)).days)


def _extra(inbox: Path, tmp: Path) -> None:
    """A tie no rule orders (待确认) and a return in another unit's template (identity)."""
    r = Returns(tmp)
    at = datetime(2024, 3, 4, 1, 30, tzinfo=timezone.utc)
    (inbox / "卫健委.eml").write_bytes(mail("卫健委 <wj@wj.gov.cn>", "卫健委 绩效评价表", at, [
        ("卫健委.xlsx", r.make("北京市卫健委", "301014", 1, cells={("封面", "B9"): _serial(4)})),
        ("卫健委-2.xlsx", r.make("北京市卫健委", "301014", 2, cells={("封面", "B9"): _serial(4)}))]))
    (inbox / "教育局模板.eml").write_bytes(mail("某人 <x@ty.gov.cn>", "绩效评价表", at, [
        ("体育局.xlsx", r.make("北京市体育局", "301009", 1, issued_to=("北京市教育局", "301001")))]))


def _old_summary(out: Path, path: Path, scratch: Path, *, rank_with_errors: bool = False) -> Path:
    """汇总 of OUT's outcomes as collect wrote it in memory before it had a store."""
    _, outcomes = read_manifest(out / "collect.json")
    scratch.mkdir(exist_ok=True)
    digests = []
    for o in outcomes:
        digests.append(summary_digest(_with_digest(o, out, scratch), "zh"))
    return write_summary(digests, path, lang="zh", created=CREATED, rank_with_errors=rank_with_errors)


def _with_digest(o: Outcome, out: Path, scratch: Path) -> Outcome:
    original = o.outputs.get("original")
    if not original or not (o.status in REREAD or (o.status == "rejected" and o.reason_code in DISQUALIFIED)):
        return o
    fields = process_one(Task(seq=o.seq, label=o.label, work_path=str(out / original),
                              scored_path=str(scratch / f"{o.seq}.xlsx"), flags=o.flags, sender=o.sender,
                              mail_date=o.mail_date, lang="zh", now=CREATED))
    return replace(o, digest=fields["digest"])


def _same(streamed: Path, old: Path) -> dict[str, list[list[object]]]:
    a, b = sheets(streamed), sheets(old)
    assert list(a) == list(b)  # the same sheets in the same order
    for name in a:
        assert a[name] == b[name], name  # the same rows and values
    assert tables(streamed) == tables(old)  # the same Excel tables over the same ranges
    return a


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("streamed")
    d = base / "INBOX"
    make_inbox(d)
    _extra(d, base)
    return d


@pytest.mark.parametrize("rank_with_errors", [False, True])
def test_streamed_summary_says_what_the_in_memory_one_said(inbox: Path, tmp_path: Path,
                                                          rank_with_errors: bool) -> None:
    out = tmp_path / "OUT"
    report = collect(inbox, out, workers=2, created=CREATED, rank_with_errors=rank_with_errors)
    doc = json.loads(report.manifest.read_text(encoding="utf-8"))
    statuses = {f["status"] for f in doc["files"]}
    assert statuses == {"accepted", "superseded", "pending", "rejected", "duplicate"}  # every decision
    reasons = {f["reason_code"] for f in doc["files"] if f["status"] == "rejected"}
    assert {"identity", "integrity"} <= reasons
    shown = _same(report.summary, _old_summary(out, tmp_path / "old.xlsx", tmp_path / "scratch",
                                                rank_with_errors=rank_with_errors))
    assert any("VER-1" in row for row in shown["问题清单"])  # the tie says why, first
    assert (out / ADHOC_STORE).is_file()


def test_a_rerun_is_incremental_by_content_and_its_summary_covers_everything(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "OUT"
    first = collect(inbox, out, workers=2, created=CREATED)
    store = (out / ADHOC_STORE).read_bytes()
    again = collect(inbox, out, workers=2, created=CREATED)  # nothing new: nothing written
    assert again.new == 0 and (out / ADHOC_STORE).read_bytes() == store
    later = tmp_path / "later"
    later.mkdir()
    r = Returns(later)
    at = datetime(2026, 3, 9, 9, 0, tzinfo=timezone.utc)  # 乙单位 sends a third version, later than both
    (inbox / "乙单位第三次.eml").write_bytes(mail("乙单位 <b@dept-b.gov.cn>", "乙单位 绩效评价表（再更正）", at,
                                                [("乙单位_绩效评价表.xlsx", r.make("北京市乙单位", "B002", 5))]))
    try:
        third = collect(inbox, out, workers=2, created=CREATED)
    finally:
        (inbox / "乙单位第三次.eml").unlink()
    assert third.new == 1  # only the new mail was read
    doc = json.loads(third.manifest.read_text(encoding="utf-8"))
    assert len(doc["files"]) == sum(first.counts.values()) + 1
    by = {f["label"]: f for f in doc["files"]}
    assert by["乙单位第三次.eml/乙单位_绩效评价表.xlsx"]["status"] == "accepted"
    assert by["乙单位更正.eml/乙单位_绩效评价表.xlsx"]["status"] == "superseded"  # the earlier winner
    _same(third.summary, _old_summary(out, tmp_path / "old.xlsx", tmp_path / "scratch"))


MEMORY = textwrap.dedent("""
    import json, sys, tracemalloc
    from dataclasses import replace
    from datetime import datetime
    from pathlib import Path
    import evaltool.summary.stored
    from evaltool.intake.collect import collect
    from evaltool.intake.limits import DEFAULT_LIMITS
    evaltool.summary.stored.BATCH = 10  # the store is read 10 files at a time: 20 and 60 span several batches
    # inbox files are read into a buffer of the size limit (100 MB by default): a transient
    # allocation tracemalloc counts (the pages are never touched) that would hide everything else
    limits = replace(DEFAULT_LIMITS, max_file_bytes=1 << 20)
    warm, inbox, out = (Path(a) for a in sys.argv[1:4])
    created = datetime(2026, 3, 10, 8, 0)
    collect(warm, out.with_name(out.name + "-warm"), workers=2, created=created, limits=limits)  # lazy imports
    tracemalloc.start()
    collect(inbox, out, workers=2, created=created, limits=limits)
    print(json.dumps(tracemalloc.get_traced_memory()[1]))
""")


def _peak(warm: Path, inbox: Path, out: Path) -> int:
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", MEMORY, str(warm), str(inbox), str(out)], capture_output=True,
                          text=True, check=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    peak: int = json.loads(done.stdout.strip().splitlines()[-1])
    return peak


def test_the_parents_memory_does_not_grow_with_the_returns(tmp_path: Path) -> None:
    r = Returns(tmp_path)
    inboxes = {}
    for n in (1, 20, 60):
        d = inboxes[n] = tmp_path / f"in{n}"
        d.mkdir()
        for i in range(n):  # distinct units and figures: every return is read, scored and summarised
            (d / f"{i:03d}.xlsx").write_bytes(r.make(f"单位{i:03d}", f"U{i:03d}", i % 7))
    small, large = (_peak(inboxes[1], inboxes[n], tmp_path / f"out{n}") for n in (20, 60))
    counted = json.loads((tmp_path / "out60" / "collect.json").read_text(encoding="utf-8"))["counts"]
    assert counted == {"accepted": 60}
    # three times the returns. Holding every return's summary rows in memory (as collect did
    # before it had a store) gave 2.9x here; what remains per return is a few KiB (the 单位得分
    # row, XlsxWriter's row records), well inside 1.6x.
    assert large < 1.6 * small, (small, large)
