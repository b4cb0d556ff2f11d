"""``evaltool check`` end to end: tables, JSON, languages, folders and exit codes 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_rules_build import bad_values, good_values, sample_values, write
from typer.testing import CliRunner

from evaltool.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("returns")
    write(d / "a-good.xlsx", good_values())
    write(d / "b-sample.xlsx", sample_values())
    (d / "sub").mkdir()
    write(d / "sub" / "c-bad.xlsx", bad_values())
    (d / "notes.txt").write_text("not a workbook", encoding="utf-8")
    return d


def test_good_file_exits_0_and_says_so(folder: Path) -> None:
    r = runner.invoke(app, ["check", str(folder / "a-good.xlsx")])
    assert r.exit_code == 0, r.output
    assert "未发现问题" in r.output and "错误 0 项，警告 0 项" in r.output


def test_sample_warnings_exit_0_with_table(folder: Path) -> None:
    # the seed publishes no 部门整体 grade, so the sample's 自评等级 is blank: no SCORE-3, warnings only
    r = runner.invoke(app, ["check", str(folder / "b-sample.xlsx")], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "UNIT-1" in r.output and "疑似以万元填报" in r.output and "9.60%" in r.output
    assert "计算总分" in r.output and "自评等级 —" in r.output and "SCORE-3" not in r.output


def test_folder_json_english_exit_1(folder: Path) -> None:
    r = runner.invoke(app, ["check", str(folder), "--format", "json", "--lang", "en"])
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    files = {Path(f["path"]).name: f for f in data["files"]}
    assert set(files) == {"a-good.xlsx", "b-sample.xlsx", "c-bad.xlsx"}  # recursive, .txt ignored
    assert files["a-good.xlsx"]["status"] == "ok" and files["a-good.xlsx"]["findings"] == []
    assert files["b-sample.xlsx"]["status"] == "warnings"  # no 自评等级 (the seed gives none): no SCORE-3
    bad = files["c-bad.xlsx"]
    assert bad["status"] == "errors"
    f = next(x for x in bad["findings"] if x["rule"] == "TGT-1M")
    assert set(f) >= {"rule", "severity", "sheet", "cell", "message", "value"}
    assert f["severity"] == "error" and f["cell"] == "I13" and f["value"] == "若干"
    assert "not measurable" in f["message"]
    assert data["errors"] == 1  # c-bad only


def test_unreadable_file_is_an_error_finding(tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n not a workbook")
    r = runner.invoke(app, ["check", str(junk), "--format", "json"])
    assert r.exit_code == 1
    (only,) = json.loads(r.stdout)["files"]
    assert only["status"] == "unreadable" and only["findings"][0]["rule"] == "FILE-1"
    assert only["findings"][0]["severity"] == "error"


@pytest.mark.parametrize("args", [["check", "/nonexistent/x.xlsx"], ["check", "--format", "xml", "."],
                                  ["check", "--lang", "fr", "."], ["check"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert runner.invoke(app, args).exit_code == 2


def test_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    r = runner.invoke(app, ["check", str(tmp_path)])
    assert r.exit_code == 2 and "没有找到" in r.output


def test_tampered_weight_is_an_error_naming_the_cell(folder: Path, tmp_path: Path) -> None:
    from evaltool.io import patch_cells
    from evaltool.io.reader import load

    src = folder / "a-good.xlsx"
    ev = load(src)
    first = ev.indicator_rows[0]
    info = ev.tables["Indicators"]
    col = chr(ord("A") + info.first_col - 1 + info.headers.index("分值"))
    cell = f"{col}{first.row}"
    new_weight = float(first.weight or 0) + 3
    patch_cells(src, tmp_path / "tampered.xlsx", {(info.sheet, cell): new_weight})
    r = runner.invoke(app, ["check", "--format", "json", str(tmp_path / "tampered.xlsx")])
    assert r.exit_code == 1, r.output
    found = json.loads(r.output)["files"][0]["findings"]
    ints = [f for f in found if f["rule"] == "INT-1"]
    assert ints and ints[0]["sheet"] == info.sheet and ints[0]["cell"] == cell
