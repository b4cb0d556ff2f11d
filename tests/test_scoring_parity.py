"""Parity through LibreOffice: every cell evaltool writes recalculates to the value it cached.

The shipped sample and seeded variations (random actuals/targets/budget figures for the other
two frameworks, edge-case fillings, and bureau edits of methods, grade bands and rounding) are
scored, written with ``write_result`` (plus the sample through ``evaltool score`` itself, rule
checks included; and the unscored books, whose template formulas come from scoring too), recalculated in ONE ``lo.recalculate`` call and read
back with openpyxl (``data_only=True``). Numbers must agree within 1e-9, text exactly.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import requires_lo
from test_scoring_fixtures import SAMPLE, V1_SAMPLE, make_book, random_values, scored
from test_scoring_rows import edge_book
from typer.testing import CliRunner

from evaltool.cli import app
from evaltool.engine import evaluate
from evaltool.io import lo, patch_cells
from evaltool.io.book import Formula
from evaltool.io.reader import load
from evaltool.io.writeback import build_plan, write_result


def _variants(tmp: Path) -> list[Path]:
    books = [SAMPLE]
    for seed, fw in enumerate(["dept-2013", "project-self"]):
        books.append(make_book(tmp / f"rand-{seed}-{fw}.xlsx", fw, random_values(fw, seed)))
    books.append(edge_book(tmp / "edge.xlsx"))
    # a bureau's edits: M01 penalises over-achievement, M05 other bands, 优 from 99, 1 decimal
    books.append(make_book(tmp / "bureau.xlsx", "dept-overall", random_values("dept-overall", 7), {
        ("评分方法", "C4"): "over_target_penalty", ("评分方法", "D4"): "threshold=0.1; penalty=0.5",
        ("评分方法", "D7"): "edges=0.3,0.2; shares=1,0.5,0; side=low; source=variance_rate",
        ("等级标准", "B4"): 99, ("等级标准", "C5"): 99, ("评分方法", "B14"): 1,
    }))
    # the sample with 良 narrowed to [89, 90): 88.8 becomes 中, live in the sheet too
    edited = tmp / "sample-band89.xlsx"
    patch_cells(SAMPLE, edited, {("等级标准", "B5"): 89, ("等级标准", "C6"): 89})
    books.append(edited)
    # a return on the previous template (1.0): scored by the rate formulas it carries
    books.append(V1_SAMPLE)
    return books


@requires_lo
def test_written_cells_recalculate_to_cached_values(tmp_path: Path) -> None:
    sources = _variants(tmp_path)
    outs, plans = [], []
    for i, src in enumerate(sources):
        out = tmp_path / f"scored-{i}.xlsx"
        plans.append(write_result(scored(src), src, out))
        outs.append(out)
    # the whole command (rules + scoring + Checks table) on the sample, as a user runs it
    cli_in = tmp_path / "cli.xlsx"
    cli_in.write_bytes(SAMPLE.read_bytes())
    assert CliRunner().invoke(app, ["score", str(cli_in)]).exit_code == 0  # written; warnings only
    sources.append(cli_in)
    plans.append(build_plan(evaluate(load(cli_in))))
    outs.append(tmp_path / "cli.scored.xlsx")
    # the unscored random books as the template writer made them: their live K/L formulas come
    # from evaltool.scoring.formulas and must compute what scoring computes (numeric actuals)
    fresh = [p for p in sources if p.name.startswith("rand-")]
    recalculated = lo.recalculate(outs + fresh, tmp_path / "lo")
    _template_formulas_agree(fresh, recalculated[len(outs):])
    recalculated = recalculated[: len(outs)]
    compared = 0
    for src, plan, rec in zip(sources, plans, recalculated, strict=True):
        wb = openpyxl.load_workbook(rec, data_only=True)
        for (sheet, cell), v in plan.cells.items():
            if (sheet, cell) == ("封面", "B13"):     # calc_status carries the time of the run
                continue
            got = wb[sheet][cell].value
            want = v.cached if isinstance(v, Formula) else v
            where = f"{src.name} {sheet}!{cell} {v.text if isinstance(v, Formula) else ''}"
            if isinstance(want, float):
                assert isinstance(got, (int, float)), where
                assert got == pytest.approx(want, abs=1e-9, rel=0), where
            elif want in ("", None):
                assert got in ("", None), where
            else:
                assert got == want, where
            compared += 1
    assert compared > 5 * 100
    # hand-computed (test_scoring_rows.py): sample 88.8 良, variance 9.5954 %; edited band → 中;
    # the 1.0 sample keeps its own rules (98.8 优); the edge book is below min_coverage: 未评级
    cover = {src.name: openpyxl.load_workbook(rec, data_only=True)["封面"]
             for src, rec in zip(sources, recalculated, strict=True)}
    assert (cover[SAMPLE.name]["B11"].value, cover[SAMPLE.name]["B12"].value) == (88.8, "良")
    assert (cover["sample-band89.xlsx"]["B11"].value, cover["sample-band89.xlsx"]["B12"].value) == (88.8, "中")
    assert (cover[V1_SAMPLE.name]["B11"].value, cover[V1_SAMPLE.name]["B12"].value) == (98.8, "优")
    assert cover["edge.xlsx"]["B12"].value == "未评级（可计分分值占33%）"
    budget = openpyxl.load_workbook(recalculated[0], data_only=True)["预算执行"]
    assert budget["B24"].value == pytest.approx(1_813_787.12 / 18_902_744.60, abs=1e-12)


def _template_formulas_agree(books: list[Path], recalculated: list[Path]) -> None:
    checked = 0
    for book, rec in zip(books, recalculated, strict=True):
        result = scored(book)
        ws = openpyxl.load_workbook(rec, data_only=True)["绩效指标"]
        for ind in result.evaluation.indicator_rows:
            if isinstance(ind.actual, str):            # text: only evaltool can read it
                continue
            for col, letter in (("得分", "L"), ("完成率/偏差率", "K")):
                want = next((s.value for s in result.scores if s.key == f"indicator:{ind.row}:{col}"), None)
                got = ws[f"{letter}{ind.row}"].value
                where = f"{book.name} {letter}{ind.row} {ind.level3}"
                if want is None:
                    assert got in (None, ""), where
                else:
                    assert got == pytest.approx(want, abs=1e-9, rel=0), where
                    checked += 1
    assert checked >= 20
