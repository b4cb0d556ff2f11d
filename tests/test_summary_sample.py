"""End to end on real workbooks: the seed sample plus generated units, via the CLI, checked
against the engine, hand-computed rates and LibreOffice's own recalculation and rendering.

Returns folder: the Xicheng seed sample; 东城区妇联 (dept-overall, budget 2,000,000.00 →
1,980,000.00, variance 1%); a unit named ``=HYPERLINK(...)`` (1,000,000.00 → 700,000.00,
variance 30%, beyond the 5% threshold); a project-self unit (other 一级 names); a PNG renamed
``.xlsx``; an Office owner file ``~$…xlsx`` that must be skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import requires_lo
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from evaltool.cli import app
from evaltool.demo.samples import sample_values, targets_for
from evaltool.engine import evaluate
from evaltool.io import lo
from evaltool.io.reader import load
from evaltool.template import write_template

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample-xicheng-2023.xlsx"
HYPER = '=HYPERLINK("http://example.com","x")'
CREATED = "2024-07-01T08:00:00"


def _sample_values() -> dict:
    return sample_values()


def make_returns(folder: Path) -> Path:
    """Write the returns folder described in the module docstring; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE, folder / "西城区妇联.xlsx")
    base = _sample_values()
    dong = dict(base, unit_name="东城区妇联", budget_initial=Decimal("2000000.00"),
                final_expenditure=Decimal("1980000.00"))
    approved = {r.name: r.target for r in targets_for()}
    dong["indicators"] = {k: {**v, "实际完成值": approved[k]} if approved.get(k) not in (None, "") else v
                          for k, v in base["indicators"].items()}
    write_template("dept-overall", folder / "东城区妇联.xlsx", unit_name="东城区妇联", year=2023, values=dong,
                   created_at="2024-06-30T00:00:00+00:00", targets=targets_for())
    hyper = dict(base, unit_name=HYPER, budget_initial=Decimal("1000000.00"),
                 final_expenditure=Decimal("700000.00"))
    write_template("dept-overall", folder / "hyper.xlsx", unit_name=HYPER, year=2023, values=hyper,
                   created_at="2024-06-30T00:00:00+00:00", targets=targets_for())
    write_template("project-self", folder / "项目自评.xlsx", unit_name="朝阳区某项目", year=2023,
                   values={"budget_initial": Decimal("500000.00"), "budget_adjusted": Decimal("500000.00"),
                           "final_expenditure": Decimal("450000.00")},
                   created_at="2024-06-30T00:00:00+00:00")
    (folder / "broken.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (folder / "~$西城区妇联.xlsx").write_bytes(b"owner file")
    return folder


def shared_returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The returns folder, made once per test session (tests only read it)."""
    folder = tmp_path_factory.getbasetemp() / "summary-returns"
    return folder if (folder / "broken.xlsx").exists() else make_returns(folder)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("sample")
    returns = shared_returns(tmp_path_factory)
    out = tmp / "汇总.xlsx"
    res = CliRunner().invoke(app, ["summary", str(returns), "-o", str(out), "--created", CREATED,
                                   "--workers", "2"])
    assert res.exit_code == 1, res.output  # written; broken.xlsx is rejected and some units have errors
    out_en = tmp / "summary-en.xlsx"
    res_en = CliRunner().invoke(app, ["summary", str(returns), "-o", str(out_en), "--created", CREATED,
                                      "--lang", "en"])
    assert res_en.exit_code == 1, res_en.output
    results = {p.name: evaluate(load(p)) for p in sorted(returns.glob("*.xlsx"))
               if p.name not in ("broken.xlsx", "~$西城区妇联.xlsx")}
    errors = sum(1 for r in results.values() if r.errors)
    return {"tmp": tmp, "returns": returns, "out": out, "out_en": out_en, "results": results, "errors": errors,
            "output": res.output}


def _rows(ws: Worksheet) -> list[dict]:
    (table,) = ws.tables.values()
    rows = [[c.value for c in r] for r in ws[table.ref]]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_units_match_the_engine_and_hand_computed_rates(run: dict) -> None:
    wb = openpyxl.load_workbook(run["out"], data_only=True)
    rows = {Path(r["来源文件"]).name: r for r in _rows(wb["单位得分"])}
    assert set(rows) == {"西城区妇联.xlsx", "东城区妇联.xlsx", "hyper.xlsx", "项目自评.xlsx"}
    for name, result in run["results"].items():
        assert rows[name]["总分"] == pytest.approx(result.total), name
        assert rows[name]["等级"] == (result.grade or None), name
        for level1, value in result.subtotals.items():
            column = level1 if level1 != "预算执行率" else "预算执行率（一级指标）"
            assert rows[name][column] == pytest.approx(value), (name, level1)
    # 预决算差异率 = (年初预算 - 决算) / 年初预算, computed here by hand from the inputs
    xicheng = (Decimal("18902744.60") - Decimal("17088957.48")) / Decimal("18902744.60")
    assert rows["西城区妇联.xlsx"]["预决算差异率"] == pytest.approx(float(xicheng), abs=1e-12)
    assert round(rows["西城区妇联.xlsx"]["预决算差异率"], 4) == 0.0960  # the report's 9.60%
    assert rows["东城区妇联.xlsx"]["预决算差异率"] == pytest.approx(0.01)
    assert rows["hyper.xlsx"]["预决算差异率"] == pytest.approx(0.3)
    assert rows["项目自评.xlsx"]["预算执行率"] == pytest.approx(0.9)
    assert rows["hyper.xlsx"]["单位名称"] == HYPER
    # union of 一级 names: dept-overall's and project-self's both appear as columns
    header = [c.value for c in wb["单位得分"][4]]
    assert {"预算管理", "产出", "效果", "预算执行率（一级指标）", "预算执行率"} <= set(header)


def test_rejected_file_listed_and_owner_file_skipped(run: dict) -> None:
    wb = openpyxl.load_workbook(run["out"])
    others = _rows(wb["未通过"])
    assert [Path(o["来源文件"]).name for o in others] == ["broken.xlsx"]
    assert "xlsx" in others[0]["原因"] and others[0]["状态"] == "未通过"
    assert "broken.xlsx" in run["output"]


def test_hyperlink_unit_stays_text_in_xml(run: dict) -> None:
    with zipfile.ZipFile(run["out"]) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
        assert not any("hyperlink" in z.read(n).decode().lower() for n in z.namelist() if n.endswith(".rels"))
    assert all("HYPERLINK" not in f for f in re.findall(r"<f>(.*?)</f>", xml))


def test_cli_rerun_is_byte_identical(run: dict) -> None:
    again = run["tmp"] / "again.xlsx"
    res = CliRunner().invoke(app, ["summary", str(run["returns"]), "-o", str(again), "--created", CREATED])
    assert res.exit_code == 1, res.output
    assert again.read_bytes() == run["out"].read_bytes()


def test_cli_usage_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    res = CliRunner().invoke(app, ["summary", str(empty), "-o", str(tmp_path / "s.xlsx")])
    assert res.exit_code == 2 and "没有找到工作簿" in res.output  # nothing to summarise: could not run
    res = CliRunner().invoke(app, ["summary", str(SAMPLE), "-o", str(tmp_path / "s.xlsx"), "--created", "昨天"])
    assert res.exit_code == 2 and "--created" in res.output
    assert not (tmp_path / "s.xlsx").exists()


def test_cli_counts_only_the_newest_return_of_a_unit(run: dict) -> None:
    folder = run["tmp"] / "dups"
    folder.mkdir()
    old, new = folder / "东城区妇联.xlsx", folder / "东城区妇联（修改）.xlsx"
    shutil.copyfile(run["returns"] / "东城区妇联.xlsx", old)
    shutil.copyfile(run["returns"] / "东城区妇联.xlsx", new)
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_700_086_400, 1_700_086_400))  # one day later
    out = folder / "s.xlsx"
    rc = 1 if run["results"]["东城区妇联.xlsx"].errors else 0  # a superseded return is no error
    res = CliRunner().invoke(app, ["summary", str(folder), "-o", str(out)])
    assert res.exit_code == rc, res.output
    wb = openpyxl.load_workbook(out)
    assert [Path(r["来源文件"]).name for r in _rows(wb["单位得分"])] == [new.name]
    others = _rows(wb["未通过"])
    assert [(Path(o["来源文件"]).name, o["状态"], Path(o["替代文件"]).name) for o in others] == [
        (old.name, "已被替代", new.name)]
    # no --created: the timestamp is the newest input mtime, 1_700_086_400 = 2023-11-15 22:13:20 UTC
    core = zipfile.ZipFile(out).read("docProps/core.xml").decode()
    assert "2023-11-15T22:13:20Z" in core
    again = CliRunner().invoke(app, ["summary", str(folder), "-o", str(out)])  # s.xlsx is now in the folder
    assert again.exit_code == rc and len(_rows(openpyxl.load_workbook(out)["未通过"])) == 1
    res = CliRunner().invoke(app, ["summary", str(old), str(new), "-o", str(out), "--keep-duplicates"])
    assert res.exit_code == rc, res.output
    assert len(_rows(openpyxl.load_workbook(out)["单位得分"])) == 2


@requires_lo
def test_libreoffice_recalculates_to_the_cached_values_and_renders(run: dict) -> None:
    out = run["out"]
    recalcs = lo.recalculate([out, run["out_en"]], run["tmp"] / "recalc")  # one soffice call
    for ours_path, recalc in zip([out, run["out_en"]], recalcs, strict=True):
        ours = openpyxl.load_workbook(ours_path, data_only=True)
        theirs = openpyxl.load_workbook(recalc, data_only=True)
        formulas = openpyxl.load_workbook(ours_path)
        checked = 0
        for ws in formulas.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        a = ours[ws.title][cell.coordinate].value
                        b = theirs[ws.title][cell.coordinate].value
                        assert b == pytest.approx(a, abs=1e-9), (ws.title, cell.coordinate, cell.value)
                        checked += 1
        assert checked >= 4 + 5 + 4 + 2  # RANKs, counts, statistics, grade rows at least
        counts = [r[1].value for r in theirs.worksheets[0].iter_rows(min_row=6, max_row=10)]
        assert counts == [5, 4 - run["errors"], run["errors"], 1, 0]  # LibreOffice's own counts
    (pdf,) = lo.convert([out], run["tmp"] / "pdf", "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = re.search(r"Pages:\s+(\d+)", info)
    assert pages is not None and int(pages.group(1)) >= 5
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", str(pdf),
                        str(run["tmp"] / "page")], check=True)
        (png,) = run["tmp"].glob("page-*1.png")  # pdftoppm pads the number to the page count's width
        assert png.stat().st_size > 10_000
