"""The 待处理问题 sheet: every score rewrites it with the open findings only, stamped, leftovers cleared."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from python_calamine import CalamineWorkbook

from evaltool import contract as C
from evaltool.demo.samples import write_sample
from evaltool.engine import evaluate
from evaltool.io import patch_cells
from evaltool.io.reader import load
from evaltool.io.writeback import write_result


def _rows(path: Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(C.OPEN_ISSUES).to_python()


def _listed(path: Path) -> list[list[object]]:
    rows = _rows(path)[C.OPEN_ISSUES_HEADER_ROW:]
    return [r[:6] for r in rows if any(v not in ("", None) for v in r)]


def test_score_lists_the_open_findings_in_order(tmp_path: Path) -> None:
    src = write_sample(tmp_path / "sample.xlsx")
    result = evaluate(load(src))
    out = tmp_path / "scored.xlsx"
    write_result(result, src, out)
    listed = _listed(out)
    open_ = [f for f in result.findings if not f.explained]
    assert len(listed) == len(open_) > 0
    assert [(r[2], r[3], r[4]) for r in listed] == [(f.sheet, f.cell, f.rule) for f in open_]
    assert [int(float(r[0])) for r in listed] == list(range(1, len(open_) + 1))
    stamp = _rows(out)[2][0]
    assert "生成于" in str(stamp) and f"待处理问题 {len(open_)} 项" in str(stamp)
    assert _rows(out)[C.OPEN_ISSUES_HEADER_ROW - 1][:6] == list(C.OPEN_ISSUES_HEADERS)


def test_rescoring_clears_what_the_last_run_listed(tmp_path: Path) -> None:
    src = write_sample(tmp_path / "sample.xlsx")
    grid = load(src).grids
    slips = [("预算执行", "B5"), ("预算执行", "D5")] + [("绩效指标", f"J{r}") for r in range(5, 11)]
    broken = tmp_path / "broken.xlsx"
    patch_cells(src, broken, {cell: f"填错了{i}" for i, cell in enumerate(slips)})  # text where numbers go
    first = tmp_path / "first.xlsx"
    write_result(evaluate(load(broken)), broken, first)
    many = _listed(first)

    def original(sheet: str, ref: str) -> object:
        row, col = int(ref[1:]), ord(ref[0]) - ord("A")
        value = grid[sheet][row - 1][col]
        return float(value) if isinstance(value, Decimal) else value

    fixed = tmp_path / "fixed.xlsx"
    patch_cells(first, fixed, {cell: original(*cell) for cell in slips})
    again = tmp_path / "again.xlsx"
    result = evaluate(load(fixed))
    write_result(result, fixed, again)
    few = _listed(again)
    assert len(many) > len(few) == sum(1 for f in result.findings if not f.explained)
    assert not any((r[2], r[3]) in slips for r in few)
