"""Every framework's template renders to PDF and recalculates in LibreOffice (one soffice call each)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from conftest import requires_lo

from evaltool.frameworks import list_frameworks
from evaltool.io import lo
from evaltool.template import write_template

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample-xicheng-2023.xlsx"


@requires_lo
def test_templates_convert_to_pdf(tmp_path):
    paths = [write_template(fid, tmp_path / f"{fid}.xlsx", unit_name="测试单位", year=2024)
             for fid in list_frameworks()]
    pdfs = lo.convert(paths + [SAMPLE], tmp_path / "pdf", "pdf")
    assert len(pdfs) == len(paths) + 1
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
        assert pages >= 1, pdf.name


@requires_lo
def test_sample_formulas_recalculate(tmp_path):
    (out,) = lo.recalculate([SAMPLE], tmp_path)
    wb = openpyxl.load_workbook(out, data_only=True)
    bud = wb["预算执行"]
    assert bud["B24"].value == pytest.approx((18902744.60 - 17088957.48) / 18902744.60)  # 9.60 %
    assert bud["B25"].value == pytest.approx(17088957.48 / 18902744.60)  # 全年预算数 blank → 年初
    assert all(bud[f"B{r}"].value in (None, "") for r in range(26, 31))  # blank denominators → ""
    cover = wb["封面"]
    total = cover["B11"].value
    assert isinstance(total, int | float) and 0 < total <= 100
    assert cover["B12"].value in {"优", "良", "中", "差"}
    ind = wb["绩效指标"]
    row = next(r for r in range(5, 60) if ind[f"C{r}"].value == "执委领办项目数")
    assert ind[f"L{row}"].value == 2  # 753 ≥ 700 (示例目标): full marks
    summary = wb["得分汇总"]
    last = summary.max_row
    assert summary[f"A{last}"].value == "合计" and summary[f"C{last}"].value == 100
    assert summary[f"D{last}"].value == pytest.approx(total)
