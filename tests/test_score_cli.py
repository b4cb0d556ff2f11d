"""``evaltool score`` end to end on real files: outputs, in-place backup, refusals, exit codes."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from test_scoring_fixtures import SAMPLE
from typer.testing import CliRunner

from evaltool.cli import app

runner = CliRunner()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    p = tmp_path / "西城妇联.xlsx"
    p.write_bytes(SAMPLE.read_bytes())
    return p


def test_default_output_beside_input_and_input_untouched(book: Path) -> None:
    before = book.read_bytes()
    res = runner.invoke(app, ["score", str(book)])
    assert res.exit_code == 0, res.output  # written; the sample has warnings only (no 自评等级: no SCORE-3)
    out = book.with_name("西城妇联.scored.xlsx")
    assert out.exists() and book.read_bytes() == before
    assert "88.80" in res.output and "良" in res.output and "总分" in res.output
    assert "49.80" in res.output                                   # 产出
    ws = openpyxl.load_workbook(out, data_only=True)["封面"]
    assert (ws["B11"].value, ws["B12"].value) == (88.8, "良")
    assert ws["B13"].value.startswith("已计算 ")


def test_output_option_and_english(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "o.xlsx"
    out.parent.mkdir()
    res = runner.invoke(app, ["score", str(book), "-o", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert out.exists() and "Total" in res.output and "88.80" in res.output


def test_in_place_backup_and_lock_refusal(book: Path) -> None:
    before = book.read_bytes()
    lock = book.with_name(".~lock.西城妇联.xlsx#")
    lock.write_text("someone")
    res = runner.invoke(app, ["score", str(book), "--in-place"])
    assert res.exit_code == 2 and "关闭" in res.output and book.read_bytes() == before  # cannot write: 2
    lock.unlink()
    res = runner.invoke(app, ["score", str(book), "--in-place"])
    assert res.exit_code == 0, res.output
    backups = list(book.parent.glob("西城妇联.bak-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == before and book.read_bytes() != before


def test_open_output_is_refused(book: Path) -> None:
    out = book.with_name("西城妇联.scored.xlsx")
    out.write_bytes(b"old result")
    book.with_name("~$西城妇联.scored.xlsx").write_bytes(b"owner")
    res = runner.invoke(app, ["score", str(book)])
    assert res.exit_code == 2 and "西城妇联.scored.xlsx" in res.output  # the output cannot be written
    assert out.read_bytes() == b"old result"


def test_unscorable_files_exit_1_naming_the_file_and_a_missing_one_2(tmp_path: Path) -> None:
    fake = tmp_path / "照片.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    res = runner.invoke(app, ["score", str(fake)])
    assert res.exit_code == 1 and "照片.xlsx" in res.output
    plain = tmp_path / "普通表.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "不是模板"
    wb.save(plain)
    res = runner.invoke(app, ["score", str(plain)])
    assert res.exit_code == 1 and "普通表.xlsx" in res.output
    res = runner.invoke(app, ["score", str(tmp_path / "没有.xlsx")])
    assert res.exit_code == 2 and "没有.xlsx" in res.output and "路径不存在" in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["普通表.xlsx", "照片.xlsx"]


def test_usage_errors_exit_2(book: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["score"]).exit_code == 2
    res = runner.invoke(app, ["score", str(book), "-o", str(tmp_path / "x.xlsx"), "--in-place"])
    assert res.exit_code == 2
