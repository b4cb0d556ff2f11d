"""``evaltool report --summary``: the bureau's 汇总分析报告 for the demo's returns and its 汇总.xlsx."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import requires_lo
from docx import Document
from typer.testing import CliRunner

from evaltool.cli import app
from evaltool.demo import run
from evaltool.report import write_summary_report
from evaltool.report.summary import from_returns, from_workbook


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return run(tmp_path_factory.mktemp("demo"))


def test_summary_data_is_the_same_from_returns_and_from_the_summary_workbook(demo) -> None:  # type: ignore[no-untyped-def]
    a, b = from_returns([demo.sample.parent]), from_workbook(demo.summary)
    key = lambda d: sorted((u.unit, round(u.total or 0, 2), u.grade, u.errors, u.warnings, u.status)  # noqa: E731
                           for u in d.units)
    assert key(a) == key(b) and len(a.units) == 1 + len(demo.units)
    assert sorted(f[1] for f in a.findings) == sorted(f[1] for f in b.findings)


@requires_lo
def test_summary_report_renders_for_the_demo(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docx, pdf = write_summary_report([demo.sample.parent], tmp_path / "汇总分析报告.docx", pdf=True,
                                     today=dt.date(2024, 7, 1))
    assert pdf is not None
    doc = Document(str(docx))
    body = "\n".join(p.text for p in doc.paragraphs)
    n = 1 + len(demo.units)
    assert f"本次共收到报送文件{n}份，纳入汇总{n}家单位" in body
    assert "得分最低的3家单位为：丰台区妇女联合会" in body
    units = [[c.text for c in r.cells] for r in doc.tables[0].rows][1:]
    totals = [float(r[2]) for r in units]
    assert len(units) == n and totals == sorted(totals, reverse=True)
    grades = {r.cells[0].text: int(r.cells[1].text) for r in doc.tables[1].rows[1:]}
    assert sum(grades.values()) == n
    problems = [[c.text for c in r.cells] for r in doc.tables[2].rows][1:]
    assert any(p[0].startswith("UNIT-1") and p[2] == str(n) for p in problems)  # the 604.91 slip, everywhere
    with zipfile.ZipFile(docx) as z:
        assert len([x for x in z.namelist() if x.startswith("word/media/")]) == 3  # the 总览's three charts
    flat = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True
                                             ).stdout.decode())
    for title in ("图1等级分布", "图2各单位总分", "图3各单位预决算差异率", "四、常见问题"):
        assert title in flat


@requires_lo
def test_cli_summary_from_the_summary_workbook(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "s.docx"
    res = CliRunner().invoke(app, ["report", "--summary", str(demo.summary), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "预算绩效评价汇总分析报告" in Document(str(out)).paragraphs[0].text
