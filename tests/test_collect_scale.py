"""collect at scale: serial = processes = Dask, bounded streaming, crashes stay per file."""

from __future__ import annotations

import json
import signal
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from support import hostile
from support.inbox import PASSWORD, Returns, encrypted, mail

from evaltool.intake.collect import ADHOC_STORE, collect, process_one
from evaltool.intake.executor import stream_map
from evaltool.intake.manifest import TIMING_FIELDS, Task

CREATED = datetime(2026, 3, 10, 8, 0)


@pytest.fixture(scope="module")
def small_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("small") / "INBOX"
    d.mkdir()
    tmp = d.parent / "build"
    tmp.mkdir()
    ret = Returns(tmp).make
    (d / "a.eml").write_bytes(mail("甲 <a@x.gov.cn>", "甲", datetime(2026, 3, 2), [("甲.xlsx", ret("甲单位", "A1"))]))
    (d / "b1.eml").write_bytes(mail("乙 <b@x.gov.cn>", "乙", datetime(2026, 3, 2), [("乙.xlsx", ret("乙单位", "B2", 0))]))
    (d / "b2.eml").write_bytes(mail("乙 <b@x.gov.cn>", "乙2", datetime(2026, 3, 4), [("乙.xlsx", ret("乙单位", "B2", 1))]))
    (d / "c.xlsx").write_bytes(ret("丙单位", "C3", 2))
    (d / "k.xlsx").write_bytes(encrypted(ret("丁单位", "D4", 3)))
    hostile.empty_file(d)
    hostile.eml_duplicates(d)
    hostile.truncated_xlsx(d)
    return d


def _without_timing(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: _without_timing(v) for k, v in doc.items() if k not in TIMING_FIELDS and k != "inbox"}
    if isinstance(doc, list):
        return [_without_timing(v) for v in doc]
    return doc


def _outputs(out: Path) -> dict[str, bytes]:
    """Every output file's bytes, except the drafts (a fresh Message-ID each time) and the store
    (``collect.db``: receipt times and run ids; its content is compared through the summary)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix != ".eml" and p.name != "collect.json"
            and not p.name.startswith(ADHOC_STORE)}


def test_serial_processes_and_dask_give_identical_results(small_inbox: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    runs = {}
    runs["serial"] = collect(small_inbox, tmp_path / "serial", workers=1, created=CREATED)
    runs["pool"] = collect(small_inbox, tmp_path / "pool", workers=2, created=CREATED)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        runs["dask"] = collect(small_inbox, tmp_path / "dask", scheduler=cluster.scheduler_address, created=CREATED)
    docs = {k: json.loads(r.manifest.read_text(encoding="utf-8")) for k, r in runs.items()}
    assert _without_timing(docs["serial"]) == _without_timing(docs["pool"]) == _without_timing(docs["dask"])
    files = {k: _outputs(r.outdir) for k, r in runs.items()}
    assert files["serial"] == files["pool"] == files["dask"]
    assert (tmp_path / "serial" / "汇总.xlsx").read_bytes() == (tmp_path / "dask" / "汇总.xlsx").read_bytes()
    # what the small inbox must give (by construction): 甲, 乙(new), 丙 scored; 乙(old) superseded;
    # 丁 encrypted without a password list; empty, truncated refused; dup2 a duplicate of dup1.
    status = {f["label"]: f["status"] for f in docs["serial"]["files"]}
    assert status["a.eml/甲.xlsx"] == status["b2.eml/乙.xlsx"] == status["c.xlsx"] == "accepted"
    assert status["b1.eml/乙.xlsx"] == "superseded"
    assert status["k.xlsx"] == "rejected"
    assert {f["reason_code"] for f in docs["serial"]["files"] if f["label"] == "k.xlsx"} == {"encrypted-no-password"}
    assert status["dup2.eml/单位S.xlsx"] == "duplicate"
    assert status["空文件.xlsx"] == status["截断.xlsx"] == "rejected"


def test_password_list_opens_encrypted_returns(small_inbox: Path, tmp_path: Path) -> None:
    report = collect(small_inbox, tmp_path / "out", workers=1, passwords=["wrong", PASSWORD], created=CREATED)
    doc = json.loads(report.manifest.read_text(encoding="utf-8"))
    (k,) = [f for f in doc["files"] if f["label"] == "k.xlsx"]
    assert k["status"] == "accepted" and k["decrypted"] is True and k["unit"] == "丁单位"


def test_output_folders_inside_the_inbox_are_not_read_back(small_inbox: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "INBOX"
    inbox.mkdir()
    for name in ("a.eml", "空文件.xlsx", "截断.xlsx"):
        (inbox / name).write_bytes((small_inbox / name).read_bytes())
    first = collect(inbox, inbox / "out", workers=1, created=CREATED)
    second = collect(inbox, inbox / "out2", workers=1, created=CREATED)  # out/ is an earlier run's output
    assert first.counts == second.counts == {"accepted": 1, "rejected": 2}


def test_streaming_keeps_a_bounded_number_of_tasks_in_flight() -> None:
    pulled = 0

    def tasks() -> Any:
        nonlocal pulled
        for i in range(40):
            pulled += 1
            yield -i

    seen = 0
    for _ in stream_map(abs, tasks(), workers=2, max_in_flight=3, on_error=lambda t, e: None):
        seen += 1
        assert pulled - seen <= 3  # never more than max_in_flight pulled and not yet delivered
    assert seen == 40


def test_a_task_that_kills_its_worker_fails_alone() -> None:
    # SIGWINCH is ignored by default (raise_signal returns None); SIGKILL ends the worker process.
    tasks = [signal.SIGWINCH, signal.SIGKILL, signal.SIGWINCH, signal.SIGWINCH]
    results = list(stream_map(signal.raise_signal, tasks, workers=2,
                              on_error=lambda t, e: ("failed", int(t), type(e).__name__)))
    assert sorted(r for r in results if r is not None) == [("failed", int(signal.SIGKILL), "BrokenProcessPool")]
    assert results.count(None) == 3


def test_a_crash_inside_the_worker_becomes_an_internal_error(small_inbox: Path, tmp_path: Path) -> None:
    work = tmp_path / "w.xlsx"
    with zipfile.ZipFile(small_inbox / "c.xlsx") as zf:  # a valid return ...
        assert "xl/workbook.xml" in zf.namelist()
    work.write_bytes((small_inbox / "c.xlsx").read_bytes())
    # ... whose scored copy cannot be written (the folder does not exist): a real I/O failure
    task = Task(seq=7, label="c.xlsx", work_path=str(work), scored_path=str(tmp_path / "missing" / "s.xlsx"),
                flags=(), sender="", mail_date=None, lang="zh", now=CREATED)
    out = process_one(task)
    assert out["seq"] == 7 and out["status"] == "rejected" and out["reason_code"] == "internal"
    assert out["reason"].startswith("内部错误")
    assert "Traceback" in out["traceback"] and "missing" in out["traceback"]


def test_a_return_that_breaks_the_reader_does_not_stop_the_batch(small_inbox: Path, tmp_path: Path) -> None:
    from evaltool.io import patch_cells

    inbox = tmp_path / "INBOX"
    inbox.mkdir()
    (inbox / "a.eml").write_bytes((small_inbox / "a.eml").read_bytes())
    # text in a grade bound: the reader refuses the workbook, naming the cell
    patch_cells(small_inbox / "c.xlsx", inbox / "bad.xlsx", {("等级标准", "B4"): "九十"})
    report = collect(inbox, tmp_path / "out", workers=2, created=CREATED)
    doc = json.loads(report.manifest.read_text(encoding="utf-8"))
    files = {f["label"]: f for f in doc["files"]}
    assert files["a.eml/甲.xlsx"]["status"] == "accepted"
    bad = files["bad.xlsx"]
    assert bad["status"] == "rejected" and bad["reason_code"] == "not-template", bad
    assert "等级标准!B4" in bad["reason"]
    assert (tmp_path / "out" / bad["outputs"]["reason"]).exists()
