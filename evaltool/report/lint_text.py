"""Read a written report (.docx, .doc, .pdf) into paragraphs, sentences and figures.

Why: ``lint-report`` checks what a report says, wherever it says it. A figure is a number with
what follows it (余/多, 万/亿, 元/%/人次/场/项 …) read as an interval by
:mod:`evaltool.quantities` (近800 → [720, 800), 三十余 → (30, 40)); its window is the text
around it up to the neighbouring figures, which is what tells which quantity it is about.

Example (``read_paragraphs(Path("报告.docx"))`` gives the paragraphs of a file):

>>> [(f.text, f.kind, f.interval.describe()) for f in figures("近800名青年参与，决算1,652.38万元，差异率8.43%")]
[('近800名', 'count', '[720, 800)'), ('1,652.38万元', 'money', '16523800'), ('8.43%', 'rate', '8.43')]
>>> heading_level("（四）部门预决算差异率"), heading_level("1.产出数量"), heading_level("2023年")
((2, 4), (3, 1), None)
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from evaltool.quantities.fuzzy import Interval, parse_quantity

UNITS = ("人次", "条次", "场次", "万元", "亿元", "元", "%", "％", "户", "名", "人", "位", "项", "个", "件", "次",
         "场", "条", "篇", "期", "家", "所", "例")
_UNIT_RE = "|".join(re.escape(u) for u in UNITS if u not in ("万元", "亿元"))
FIGURE = re.compile(
    r"(?P<pre>近|约|逾|超过)?\s*"
    r"(?:(?P<arabic>\d[\d,，]*(?:\.\d+)?)|(?P<cn>[一二三四五六七八九十两百千万]*[十百千万][一二三四五六七八九十两百千万]*))"
    r"\s*(?P<fuzzy>余|多)?\s*(?P<scale>万|亿)?\s*(?P<unit>" + _UNIT_RE + r")?")
_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_SENTENCE_END = re.compile(r"(?<=[。！？；])")


@dataclass(frozen=True)
class Figure:
    """A number in the text: where it is, how it reads, its interval and unit kind."""

    start: int
    end: int
    text: str
    interval: Interval
    unit: str  # 元 | % | 人次 | … ; "" when none follows
    scale: int  # 1, 10_000 (万), 100_000_000 (亿)
    decimals: int  # digits written after the point (precision of the figure)
    exact: Decimal | None  # the written value times its scale, when not approximate

    @property
    def kind(self) -> str:
        if self.unit == "元":
            return "money"
        if self.unit in ("%", "％"):
            return "rate"
        return "count" if self.unit else ""


@dataclass(frozen=True)
class Sentence:
    para: int  # 0-based paragraph index
    text: str
    section: str  # the nearest headings, e.g. "四、预算管理情况分析 > （四）部门预决算差异率"


def read_paragraphs(path: Path) -> list[str]:
    """The report's paragraphs (and table cells, one per paragraph) in reading order."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx(path)
    if suffix == ".doc":
        from evaltool.io import lo

        with tempfile.TemporaryDirectory() as tmp:
            out = lo.convert([path], Path(tmp), "docx:MS Word 2007 XML")[0]
            return _docx(out)
    if suffix == ".pdf":
        return _pdf(path)
    raise ValueError(f"{path}: 不支持的文件类型（.docx / .doc / .pdf） / unsupported file type")


def _docx(path: Path) -> list[str]:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    out: list[str] = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(Paragraph(block, doc).text)
        elif tag == "tbl":
            for row in Table(block, doc).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        out.append(cell.text)
    return [_BOOKMARK.sub("", p).strip() for p in out if p.strip()]


def _pdf(path: Path) -> list[str]:
    """Lines of the PDF's text layer joined into paragraphs (a line ending a sentence ends one)."""
    try:
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                              timeout=120).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ValueError(f"{path}: 无法读取 PDF 文字层（需要 pdftotext） / cannot read the PDF text layer") from exc
    paras: list[str] = []
    cur = ""
    for line in text.splitlines():
        line = line.strip()
        if not line or re.fullmatch(r"[—–-]?\s*\d+\s*[—–-]?", line):  # blank or a page number
            if cur:
                paras.append(cur)
            cur = ""
            continue
        if cur and HEADING.match(line):
            paras.append(cur)
            cur = ""
        cur += line
        if cur.endswith(("。", "：", "！", "？")) or (HEADING.match(cur) and len(cur) < 30):
            paras.append(cur)
            cur = ""
    if cur:
        paras.append(cur)
    if not paras:
        raise ValueError(f"{path}: PDF 没有文字层（扫描件？） / the PDF has no text layer")
    return paras


HEADING = re.compile(r"^(?:([一二三四五六七八九十]+)、|（([一二三四五六七八九十]+)）|(\d+)[.．、](?!\d)|（(\d+)）)\s*(?=[\u4e00-\u9fff“《（A-Za-z])")


def heading_level(text: str) -> tuple[int, int] | None:
    """(level 1–4, number) of a numbered paragraph: 一、 / （一） / 1. / （1）."""
    from evaltool.report.numbers import CHINESE_ORDINALS

    m = HEADING.match(text)
    if not m:
        return None
    for level, g in enumerate(m.groups(), start=1):
        if g:
            return level, int(g) if g.isdigit() else _cn(g, CHINESE_ORDINALS)
    return None


def _cn(s: str, digits: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + digits.index(s[1]) + 1
    if "十" in s:
        a, _, b = s.partition("十")
        return (digits.index(a) + 1) * 10 + (digits.index(b) + 1 if b else 0)
    return digits.index(s) + 1


def sentences(paras: list[str]) -> list[Sentence]:
    """Sentences (split after 。！？；) with the headings they sit under."""
    out: list[Sentence] = []
    heads: dict[int, str] = {}
    for i, p in enumerate(paras):
        lv = heading_level(p)
        if lv and lv[0] <= 2 and len(p) <= 40:
            heads = {k: v for k, v in heads.items() if k < lv[0]}
            heads[lv[0]] = p
        section = " > ".join(heads[k] for k in sorted(heads))
        for s in _SENTENCE_END.split(p):
            if s.strip():
                out.append(Sentence(i, s.strip(), section))
    return out


def figures(text: str, *, epsilon: float = 0.1) -> list[Figure]:
    """Every number in ``text`` with its unit and interval (list markers like （1） skipped)."""
    out: list[Figure] = []
    for m in FIGURE.finditer(text):
        if not (m.group("arabic") or m.group("cn")):
            continue
        if m.group("cn") and not m.group("unit"):
            continue
        start = m.start()
        before = text[max(0, start - 1):start]
        after = text[m.end():m.end() + 1]
        if m.group("arabic") and (before in ("（", "(") and after in ("）", ")")):
            continue
        unit = m.group("unit") or ""
        if unit == "％":
            unit = "%"
        scale = {"万": 10_000, "亿": 100_000_000}.get(m.group("scale") or "", 1)
        core = (m.group("pre") or "") + (m.group("arabic") or m.group("cn") or "").replace("，", ",") + \
            (m.group("fuzzy") or "") + (m.group("scale") or "")
        iv = parse_quantity(core.replace(",", ""), epsilon=epsilon)
        if iv is None:
            continue
        exact: Decimal | None = None
        decimals = 0
        if m.group("arabic") and not m.group("pre") and not m.group("fuzzy"):
            digits = m.group("arabic").replace(",", "").replace("，", "")
            try:
                exact = Decimal(digits) * scale
            except InvalidOperation:
                exact = None
            decimals = len(digits.split(".")[1]) if "." in digits else 0
        out.append(Figure(start, m.end(), m.group(0).strip(), iv, unit, scale, decimals, exact))
    return out
