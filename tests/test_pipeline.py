"""One per-file pipeline: every door reports the same findings in the same order, and
``collect`` opens a returned file once.

The CLI runs as a real process (``python -m evaltool``); the open count is a real count of
``open`` audit events (Python's own hook, raised for every file the interpreter opens) while
one mail goes through ``collect`` in this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from support.inbox import mail
from test_rules_build import good_values, sample_values, write

from evaltool.engine import evaluate, evaluate_file, evaluate_files, workbook_paths
from evaltool.io import patch_cells
from evaltool.io.reader import load
from evaltool.messages import render

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "evaltool", *args], capture_output=True, text=True, env=env,
                          timeout=300, check=False)


@pytest.fixture(scope="module")
def tampered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full-marks return whose first weight was raised by 3: integrity error (INT-1), a
    total above 100 (no grade band: a scoring warning) and validation findings."""
    d = tmp_path_factory.mktemp("pipeline")
    src = write(d / "good.xlsx", good_values())
    ev = load(src)
    first = ev.indicator_rows[0]
    info = ev.tables["Indicators"]
    col = chr(ord("A") + info.first_col - 1 + info.headers.index("分值"))
    out = d / "tampered.xlsx"
    patch_cells(src, out, {(info.sheet, f"{col}{first.row}"): float(first.weight or 0) + 3})
    return out


def test_check_and_score_report_the_same_findings_in_the_same_order(tampered: Path, tmp_path: Path) -> None:
    checked = _cli("check", str(tampered), "--format", "json")
    assert checked.returncode == 1, checked.stderr
    scored = _cli("score", str(tampered), "-o", str(tmp_path / "scored.xlsx"), "--format", "json")
    assert scored.returncode == 1, scored.stderr  # as check: written, and errors were found
    (report,) = json.loads(checked.stdout)["files"]
    doc = json.loads(scored.stdout)
    assert doc["findings"] == report["findings"]
    assert doc["output"] == str(tmp_path / "scored.xlsx") and (tmp_path / "scored.xlsx").is_file()
    rules = [f["rule"] for f in report["findings"]]
    sources = [f["source"] for f in report["findings"]]
    # integrity first, then validation (rule sheets and built-in checks), then scoring notes
    assert sources[0] == "integrity" and "INT-1" in rules
    last_integrity = max(i for i, s in enumerate(sources) if s == "integrity")
    assert all(s != "integrity" for s in sources[last_integrity + 1:])
    # the warning `check` used to hide: the tampered total falls in no grade band
    assert any("不在任何等级区间" in f["message"] for f in report["findings"]), rules
    assert report["total"] == doc["total"] and doc["total"] > 100


def test_sample_check_and_score_agree(tmp_path: Path) -> None:
    sample = write(tmp_path / "sample.xlsx", sample_values())
    checked = json.loads(_cli("check", str(sample), "--format", "json").stdout)["files"][0]
    scored = json.loads(_cli("score", str(sample), "-o", str(tmp_path / "s.xlsx"), "--format", "json").stdout)
    assert scored["findings"] == checked["findings"] and checked["findings"]
    assert scored["status"] == checked["status"] == "warnings"  # no 自评等级 in the seed: no SCORE-3


def test_the_button_and_the_file_pipeline_share_one_order(tampered: Path) -> None:
    """The button evaluates a live book with ``evaluate``; the file pipeline adds only the read."""
    outcome = evaluate_file(tampered)
    assert outcome.result is not None
    assert evaluate(load(tampered)).findings == outcome.findings == outcome.result.findings
    assert outcome.tampered and outcome.status == "errors"


def test_unreadable_file_is_one_finding_not_an_exception(tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n not a workbook")
    outcome = evaluate_file(junk)
    assert outcome.status == "unreadable" and outcome.result is None
    assert [f.rule for f in outcome.findings] == ["FILE-1"] and "xlsx" in render(outcome.findings[0])


def test_one_folder_filter_and_one_loop(tmp_path: Path) -> None:
    write(tmp_path / "a.xlsx", good_values())
    (tmp_path / "a.scored.xlsx").write_bytes((tmp_path / "a.xlsx").read_bytes())
    (tmp_path / "~$a.xlsx").write_bytes(b"owner")
    (tmp_path / ".hidden.xlsx").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.XLSX").write_bytes(b"not a zip")
    paths = workbook_paths([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == ["a.xlsx", "sub/b.XLSX"]
    statuses = list(evaluate_files(paths, workers=2, reduce=_status))
    assert statuses == ["ok", "unreadable"]


def _status(outcome: Any) -> str:
    return str(outcome.status)


def test_collect_opens_a_returned_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One mail with one return goes through collect (workers=1, in this process): the inbox
    mail is opened once, and the worker's copy of the workbook is read once — the zip, the
    save time and the write-back all work on those bytes."""
    from evaltool.intake.collect import collect

    book = write(tmp_path / "book.xlsx", sample_values())
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.eml").write_bytes(mail("dept@example.cn", "报送", datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
                                        [("西城.xlsx", book.read_bytes())]))
    out = tmp_path / "out"
    opens: Counter[str] = Counter()
    zips: list[object] = []
    active = [True]

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if active[0] and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else "r"
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            if "w" in mode or "a" in mode or "x" in mode or flags & (os.O_WRONLY | os.O_RDWR):
                return
            opens[os.path.realpath(path)] += 1

    sys.addaudithook(hook)  # audit hooks cannot be removed; `active` switches this one off
    import zipfile

    real_init = zipfile.ZipFile.__init__

    def counting_init(self: zipfile.ZipFile, file: Any, *a: Any, **k: Any) -> None:
        zips.append(file)
        real_init(self, file, *a, **k)

    monkeypatch.setattr(zipfile.ZipFile, "__init__", counting_init)
    try:
        report = collect(inbox, out, workers=1, created=None)
    finally:
        active[0] = False
    assert report.counts == {"accepted": 1}
    assert opens[os.path.realpath(inbox / "a.eml")] == 1
    work = [p for p in opens if "/.work-" in p and p.endswith(".xlsx")]
    assert work and all(opens[p] == 1 for p in work), {p: opens[p] for p in work}
    # no zip is ever opened from a path: every parse works on bytes already in memory (汇总, written
    # from the store by streaming, is assembled from its own temporary file: not a parse of input)
    assert not [z for z in zips if isinstance(z, (str, os.PathLike)) and ".~evaltool-" not in os.fspath(z)]


def test_a_file_with_active_content_gets_the_same_findings_from_check_and_score(tmp_path: Path) -> None:
    """Macros (like DDE and external links) are judged by collect's gate in both commands."""
    from support.inbox import macro_enabled

    sample = write(tmp_path / "sample.xlsx", sample_values())
    xlsm = tmp_path / "sample.xlsm"
    xlsm.write_bytes(macro_enabled(sample.read_bytes()))
    checked = json.loads(_cli("check", str(xlsm), "--format", "json").stdout)["files"][0]
    scored = json.loads(_cli("score", str(xlsm), "-o", str(tmp_path / "s.xlsm"), "--format", "json").stdout)
    assert scored["findings"] == checked["findings"]
    assert checked["findings"][0]["source"] == "intake"  # the gate's flag comes first, as in collect
