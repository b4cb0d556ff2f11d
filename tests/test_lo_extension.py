"""The LibreOffice extension's parts that run without LibreOffice: the .oxt package, the JSON
protocol of ``python -m evaltool.addin.serve`` (a real subprocess), the install refusals.

The button pressed in a real soffice is tests/test_lo_button.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree as ET

from evaltool.addin.lo_install import install_libreoffice, profile_args
from evaltool.addin.oxt import BUTTONS, build_oxt, script_url
from evaltool.addin.serve import PROTOCOL
from evaltool.engine import evaluate
from evaltool.io.filebook import FileBook
from evaltool.io.parse import parse_book
from evaltool.io.snapbook import SnapshotBook, plan_from_json, plan_to_json
from evaltool.io.writeback import build_plan

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample-xicheng-2023.xlsx"
OOR = "{http://openoffice.org/2001/registry}"


def _snapshot_of(path: Path) -> dict[str, object]:
    """What the macro's snapshot of ``path`` holds, built from the file reader (JSON round trip)."""
    book = FileBook(path)
    snap = {
        "label": str(path), "sheets": book.sheet_names(),
        "names": {k: [v.sheet, v.ref] for k, v in book.defined_names().items()},
        "tables": {k: {"sheet": t.sheet, "ref": t.ref, "headers": list(t.headers), "header_row": t.header_row,
                       "first_col": t.first_col, "n_rows": t.n_rows} for k, t in book.tables().items()},
        "values": {s: book.sheet_values(s) for s in book.sheet_names()},
    }  # fmt: skip
    return json.loads(json.dumps(snap, ensure_ascii=False, default=str))


@pytest.mark.parametrize("location", ["user", "share"])
def test_the_oxt_registers_menu_and_toolbar_commands(location: str, tmp_path: Path) -> None:
    oxt = build_oxt(tmp_path, location=location, config={"python": sys.executable})  # type: ignore[arg-type]
    assert oxt.name == "evaltool.oxt"
    with zipfile.ZipFile(oxt) as zf:
        names = set(zf.namelist())
        assert {"META-INF/manifest.xml", "description.xml", "Addons.xcu", "python/evaltool_lo.py",
                "python/pythonpath/evaltool_unobook.py", "python/pythonpath/evaltool_lo.json"} <= names  # fmt: skip
        assert zf.read("python/pythonpath/evaltool_unobook.py") == (ROOT / "evaltool/io/unobook.py").read_bytes()
        manifest = zf.read("META-INF/manifest.xml").decode()
        assert 'full-path="python" manifest:media-type="application/vnd.sun.star.framework-script"' in manifest
        xcu = ET.fromstring(zf.read("Addons.xcu"))
    entries = []
    for node in xcu.iter("node"):
        props = {p.get(f"{OOR}name"): p.findtext("value") for p in node.findall("prop")}
        if "URL" in props:
            entries.append((props["Title"], props["URL"], props["Context"]))
    assert len(entries) == 2 * len(BUTTONS)  # menu and toolbar
    for function, title, _tip in BUTTONS:
        url = script_url(function, location)  # type: ignore[arg-type]
        assert entries.count((title, url, "com.sun.star.sheet.SpreadsheetDocument")) == 2
        assert url.endswith(f"${function}?language=Python&location={location}:uno_packages")
    assert {t for t, _u, _c in entries} == {"计算评分", "仅校验"}


def test_profile_args_keep_a_shared_install_inside_the_profile(tmp_path: Path) -> None:
    args = profile_args(tmp_path / "p", shared=True)
    assert args[0] == f"-env:UserInstallation={(tmp_path / 'p').resolve().as_uri()}"
    assert all(str(tmp_path) in a for a in args) and len(args) == 3
    assert profile_args(None) == [] and len(profile_args(tmp_path, shared=False)) == 1


@pytest.mark.skipif(not (hasattr(os, "geteuid") and os.geteuid() == 0), reason="the refusal is for root")
def test_as_root_a_per_user_install_is_refused_with_the_way_out(tmp_path: Path) -> None:
    code, message = install_libreoffice("zh", shared=False, profile=tmp_path, config_folder=tmp_path / "c")
    assert code == 2 and "--shared" in message and not (tmp_path / "c").exists()


def test_serve_speaks_json_over_stdin_and_stdout() -> None:
    """The engine process the macro starts: one request in, one response out, the same plan
    as the file path computes."""
    request = {"protocol": PROTOCOL, "mode": "recalculate", "lang": "zh", "book": _snapshot_of(SAMPLE)}
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "evaltool.addin.serve"], input=json.dumps(request).encode(),
                          capture_output=True, env=env, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode()
    response = json.loads(proc.stdout.decode("utf-8"))
    assert response["ok"] is True and response["message"].startswith("计算评分完成。\n总分：")
    want = build_plan(evaluate(parse_book(FileBook(SAMPLE))))
    got = plan_from_json(response["plan"])
    assert set(got.cells) == set(want.cells) and got.fills == want.fills and got.notes == want.notes
    assert got.table_refs == want.table_refs
    for key, value in want.cells.items():
        if key == ("封面", "B13"):  # calc_status carries the time of the press
            continue
        mine = got.cells[key]
        assert (getattr(mine, "text", mine) == getattr(value, "text", value)), key
    assert plan_to_json(got)["cells"][0][2] in {"f", "s", "n", "b", "x"}


def test_serve_answers_a_broken_workbook_and_a_broken_request_readably() -> None:
    snap = {"label": "x.xlsx", "sheets": ["Sheet1"], "names": {}, "tables": {}, "values": {"Sheet1": [["hello"]]}}
    from evaltool.addin.serve import handle

    response = handle({"protocol": PROTOCOL, "mode": "check", "lang": "en", "book": snap})
    assert response["ok"] is False and response["plan"] is None and response["status"] is None
    assert response["message"].startswith("The check did not finish: This workbook is not an evaluation template")
    proc = subprocess.run([sys.executable, "-m", "evaltool.addin.serve"], input=b"{not json",
                          capture_output=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)  # fmt: skip
    assert proc.returncode == 2 and "unreadable request" in json.loads(proc.stdout)["message"]


def test_snapshot_book_reads_what_the_file_reader_reads() -> None:
    snap = SnapshotBook(_snapshot_of(SAMPLE))
    book = FileBook(SAMPLE)
    assert snap.sheet_names() == book.sheet_names() and snap.defined_names() == book.defined_names()
    assert snap.tables() == book.tables()
    assert parse_book(snap) == parse_book(book)
    dated = SnapshotBook({"sheets": ["S"], "values": {"S": [[{"$date": "2024-03-01T00:00:00"}]]}})
    assert str(dated.sheet_values("S")[0][0]) == "2024-03-01 00:00:00"
