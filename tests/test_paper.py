"""Everything evaltool prints is ready for paper: rendered through LibreOffice to PDF and measured.

The outputs are made the way a user makes them (``evaltool demo`` writes the blank template,
the scored sample and the 汇总; ``evaltool collect`` writes receipts), converted to PDF in one
LibreOffice call, and read back with pdfplumber: the smallest glyph on every page, and what
each page holds (repeated headers, the unit column on every page of a wide sheet, the
receipt's hash on the page of its label, whole charts).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pdfplumber  # in the [test] extra
import pytest
from conftest import requires_lo

from evaltool.io import lo
from evaltool.io.paper import MIN_PT, plan, wrapped_lines
from evaltool.summary.charts import rate_axis


def _run(*args: str, cwd: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "evaltool", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[float, str]]]:
    """name → [(smallest glyph size, page text)] for each printed output."""
    tmp = tmp_path_factory.mktemp("paper")
    _run("demo", "--dir", "demo", cwd=tmp)
    demo = tmp / "demo"
    _run("collect", str(demo / "returns"), "-o", "out", cwd=tmp)
    receipts = sorted((tmp / "out" / "receipts").glob("*.xlsx"))
    assert receipts, "collect wrote no receipt"
    files = {
        "template": demo / "template-dept-overall.xlsx",
        "scored": demo / "sample-xicheng-2023.scored.xlsx",
        "summary": demo / "汇总.xlsx",
        "receipt": receipts[0],
    }
    converted = lo.convert(list(files.values()), tmp / "pdf", "pdf")
    import evaltool

    df = evaltool.summarize([demo / "returns"])
    out: dict[str, list[tuple[float, str]]] = {"_clean": list(zip(df["单位名称"], df["状态"], strict=True))}
    for name, pdf_path in zip(files, converted, strict=True):
        with pdfplumber.open(pdf_path) as pdf:
            out[name] = [(min((c["size"] for c in p.chars), default=99.0), p.extract_text() or "") for p in pdf.pages]
    return out


@requires_lo
@pytest.mark.parametrize("name", ["template", "scored", "summary", "receipt"])
def test_no_glyph_below_8pt(pdfs: dict[str, list[tuple[float, str]]], name: str) -> None:
    pages = pdfs[name]
    small = [(i + 1, round(size, 2)) for i, (size, _) in enumerate(pages) if size < MIN_PT - 0.05]
    assert not small, f"{name}: pages printing text below {MIN_PT} pt: {small}"
    blank = [i + 1 for i, (_, text) in enumerate(pages) if not text.strip()]
    assert not blank, f"{name}: empty pages {blank}"


@requires_lo
def test_wide_sheets_repeat_their_headers_and_key_column(pdfs: dict[str, list[tuple[float, str]]]) -> None:
    # every printed page of the scored 绩效指标 sheet carries the table header
    indicator_pages = [t for _, t in pdfs["scored"] if "绩效评价指标表" in t]
    assert len(indicator_pages) >= 2
    assert all("三级指标" in t for t in indicator_pages)
    # every page of the summary's 单位得分 holds the unit column (it prints across pages)
    unit_pages = [t for _, t in pdfs["summary"] if "各单位评价得分" in t]
    assert unit_pages and all("单位名称" in t and "丰台区妇女联合会" in t for t in unit_pages)


@requires_lo
def test_overview_charts_are_whole_and_on_their_own_page(pdfs: dict[str, list[tuple[float, str]]]) -> None:
    first, second = pdfs["summary"][0][1], pdfs["summary"][1][1]
    assert "收回情况" in first or "回收情况" in first or "等级分布" in first
    # both bar charts start on the second page, with all their category labels: the demo's
    # clean returns (those with validation errors are listed, not charted)
    assert "各单位总分" in second and "预决算差异率" in second
    clean = [u for u, status in pdfs["_clean"] if status == "通过"]
    assert clean and all(second.count(u) >= 2 for u in clean)


@requires_lo
def test_receipt_keeps_hash_and_messages_on_the_page(pdfs: dict[str, list[tuple[float, str]]]) -> None:
    pages = [t for _, t in pdfs["receipt"]]
    hash_page = next(t for t in pages if "SHA-256" in t)
    assert any(len(w) == 64 and all(c in "0123456789abcdef" for c in w) for w in hash_page.split())
    header_page = next(t for t in pages if "提示信息" in t)
    assert "级别" in header_page and "规则" in header_page


def test_plan_keeps_text_readable() -> None:
    # narrow: portrait at full size
    p = plan({0: 200, 1: 200})
    assert not p.landscape and p.fit_width and p.smallest_pt(10, 400) == 10
    # too wide for portrait: landscape, still ≥ 8 pt
    p = plan({i: 120 for i in range(8)}, font_pt=10)
    assert p.landscape and p.fit_width and p.smallest_pt(10, 960) >= MIN_PT
    # far too wide: wrapping columns narrowed first, down to their floor
    widths = {0: 150, 1: 400, 2: 400, 3: 400}
    p = plan(widths, font_pt=10, wrap_cols={1, 2, 3})
    assert p.widths_px and all(w >= 70 for w in p.widths_px.values())
    total = sum({**widths, **p.widths_px}.values())
    assert p.fit_width and p.smallest_pt(10, total) >= MIN_PT
    # nothing can be narrowed: a fixed readable scale across several pages, never below 8 pt
    p = plan({i: 200 for i in range(12)}, font_pt=10)
    assert not p.fit_width and p.scale == 80 and p.pages_wide >= 2


def test_wrapped_lines_counts_wide_glyphs() -> None:
    assert wrapped_lines("执委领办项目数", 200, 10) == 1
    assert wrapped_lines("执委领办项目数" * 4, 100, 10) > 3
    assert wrapped_lines("a\nb", 200) == 2


def test_rate_axis_is_honest() -> None:
    axis = rate_axis([0.014, 0.025, 0.019])
    assert axis["min"] == 0 and axis["num_format"] == "0.0%"
    ticks = [axis["min"] + i * axis["major_unit"] for i in range(round(axis["max"] / axis["major_unit"]) + 1)]
    labels = [f"{t * 100:.1f}%" for t in ticks]
    assert len(set(labels)) == len(labels) and axis["max"] >= 0.025
    assert rate_axis([-0.05, 0.1])["min"] < 0
    assert rate_axis([None])["min"] == 0


@requires_lo
def test_reviewer_prints_open_issues_not_every_check(pdfs: dict[str, list[tuple[float, str]]]) -> None:
    firsts = [(t.splitlines() or [""])[0].strip() for _, t in pdfs["scored"]]
    assert firsts.count("校验结果") == 1  # its heading only, pointing at 待处理问题
    open_pages = [t for (_, t), first in zip(pdfs["scored"], firsts, strict=True) if first == "待处理问题"]
    assert open_pages and "VAR-1" in "".join(open_pages) and "生成于" in open_pages[0]
