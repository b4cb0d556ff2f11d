"""Render the README pictures from real outputs: filled template, scored workbook, summary 总览, report.

Why: pictures in the README must show what evaltool really produces, not mock-ups. This
script makes the outputs with evaltool itself — the seed sample (filled), its scored copy
(``engine.evaluate`` + ``writeback.write_result``: its 绩效指标 and 封面) and a summary over the
sample plus a few generated units with varied figures — and the sample's 绩效评价报告
(``evaltool report``), converts the workbooks and the report to PDF
in one LibreOffice call
(:func:`evaltool.io.lo.convert`), finds the page of the wanted sheet with ``pdftotext``, crops
it to its content and writes small PNGs with ``pdftoppm`` (poppler-utils) into ``docs/img/``.
Needs LibreOffice, poppler-utils and a CJK font (e.g. fonts-wqy-microhei or fonts-noto-cjk).

Example::

    python scripts/render_pictures.py              # docs/img/*.png at 70 dpi
    python scripts/render_pictures.py -r 100 --out /tmp/img
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from evaltool.demo.samples import write_demo_units
from evaltool.engine import evaluate
from evaltool.io import lo
from evaltool.io.reader import load
from evaltool.io.writeback import write_result
from evaltool.report import write_report
from evaltool.summary.sources import expand_paths, iter_digests
from evaltool.summary.writer import write_summary

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample-xicheng-2023.xlsx"
CREATED = "2024-06-30T00:00:00+00:00"


@dataclass(frozen=True)
class Picture:
    name: str  # docs/img/<name>.png
    xlsx: Path
    needle: str  # sheet whose first page is wanted ("" = the first page)
    part: tuple[float, float] = (0.0, 1.0)  # vertical slice of the content box to keep
    dpi_scale: float = 1.0  # wide sheets print small: render them sharper
    text: bool = False  # needle is text anywhere on the page (documents), not the sheet's page header


def make_demo_returns(folder: Path) -> Path:
    """The seed sample plus DEMO_UNITS (dept-overall, varied figures) and one unreadable file."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE, folder / "西城区妇女联合会.xlsx")
    write_demo_units(folder)
    (folder / "通州区妇联（损坏）.xlsx").write_bytes(b"PK\x03\x04 truncated")
    return folder


def _page_of(pdf: Path, needle: str, anywhere: bool = False) -> int:
    """First page of sheet ``needle`` (its name is the page header), or 1 for ``""``; with
    ``anywhere``, the first page whose text contains ``needle``."""
    if not needle:
        return 1
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    for page in range(1, pages + 1):
        txt = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                             capture_output=True, text=True, check=True).stdout
        lines = [line.strip() for line in txt.splitlines() if line.strip()]
        if anywhere and needle in "".join(lines):
            return page
        if lines and lines[0] == needle:  # LibreOffice's default page header is the sheet name
            return page
    raise RuntimeError(f"no page of sheet {needle!r} in {pdf}")


def _content_box(pdf: Path, page: int, dpi: int) -> tuple[int, int, int, int]:
    """Bounding box (x, y, w, h) in pixels at ``dpi`` of the non-white content of ``page``."""
    raw = subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", str(pdf)],
                         capture_output=True, check=True).stdout
    # binary PGM: b"P5\n<w> <h>\n255\n" + pixels
    parts = raw.split(maxsplit=4)
    w, h, data = int(parts[1]), int(parts[2]), parts[4]
    rows = [y for y in range(h) if min(data[y * w:(y + 1) * w]) < 200]
    cols = [x for x in range(w) if min(data[x::w][:h]) < 200]
    if not rows or not cols:
        return 0, 0, w, h
    pad = max(4, dpi // 10)
    x0, y0 = max(cols[0] - pad, 0), max(rows[0] - pad, 0)
    x1, y1 = min(cols[-1] + pad, w), min(rows[-1] + pad, h)
    return x0, y0, x1 - x0, y1 - y0


def render(out: Path, dpi: int = 70) -> list[Path]:
    """Make the pictures into ``out``; returns the PNG paths."""
    for tool in ("pdftoppm", "pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: apt-get install -y poppler-utils")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="evaltool-pictures-") as tmp_name:
        tmp = Path(tmp_name)
        returns = make_demo_returns(tmp / "returns")
        filled = tmp / "filled.xlsx"
        shutil.copyfile(SAMPLE, filled)
        scored = tmp / "scored.xlsx"
        write_result(evaluate(load(filled)), filled, scored, now=datetime(2024, 7, 1, 9, 0))
        summary = tmp / "summary.xlsx"
        here = os.getcwd()
        os.chdir(tmp)  # relative paths: the summary names the folder "returns", not a temp path
        try:
            write_summary(iter_digests(expand_paths([returns.name])), summary, created=datetime(2024, 7, 1, 9, 0))
        finally:
            os.chdir(here)
        report, _ = write_report(SAMPLE, tmp / "report.docx", today=datetime(2024, 6, 30).date())
        pictures = [
            Picture("template-filled", filled, "绩效指标", (0.0, 0.42), 1.3),
            Picture("scored", scored, "绩效指标", (0.0, 0.42), 1.3),
            Picture("scored-cover", scored, "封面", (0.0, 0.6), 1.2),
            Picture("summary-overview", summary, ""),
            Picture("open-issues", scored, "待处理问题", (0.0, 1.0), 1.2),
            Picture("report-result", report, "（一）评价结果", text=True),
        ]
        books = list(dict.fromkeys(p.xlsx for p in pictures))
        pdf_of = dict(zip(books, lo.convert(books, tmp / "pdf", "pdf"), strict=True))
        written = []
        for pic in pictures:
            pdf = pdf_of[pic.xlsx]
            page = _page_of(pdf, pic.needle, pic.text)
            r = round(dpi * pic.dpi_scale)
            x, y, w, h = _content_box(pdf, page, r)
            y, h = y + round(h * pic.part[0]), round(h * (pic.part[1] - pic.part[0]))
            stem = out / pic.name
            subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(r), "-x", str(x),
                            "-y", str(y), "-W", str(w), "-H", str(h), "-png", "-singlefile", str(pdf),
                            str(stem)], check=True)
            written.append(stem.with_suffix(".png"))
        return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    ap.add_argument("-r", "--dpi", type=int, default=70)
    args = ap.parse_args(argv)
    for p in render(args.out, args.dpi):
        print(p, p.stat().st_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
