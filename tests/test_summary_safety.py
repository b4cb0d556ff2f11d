"""Untrusted text stays text, evaltool's own formulas carry cached values, output is stable.

Read at the XML level: a returned workbook whose unit name is ``=HYPERLINK(...)`` must give
a shared-string cell (no ``<f>``) and no hyperlink relationship anywhere; a message with a
URL must not become a link; and the same inputs (in any order) give byte-identical files.
"""

from __future__ import annotations

import gc
import re
import weakref
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import openpyxl
from test_summary_support import HYPERLINK_UNIT, four_units, make_result

from evaltool.summary import SummaryEntry, entry_from_result, entry_rejected, write_summary

CREATED = datetime(2026, 11, 27, 9, 0)
OWN_FUNCTIONS = {"RANK", "COUNTIF", "SUM", "AVERAGE", "MEDIAN", "MAX", "MIN", "SUMPRODUCT", "IF"}


def _write(tmp_path: Path, name: str, entries: Iterable[SummaryEntry]) -> Path:
    path = tmp_path / name
    write_summary(entries, path, created=CREATED)
    return path


def _entries(order: list[int] | None = None) -> list[SummaryEntry]:
    rs = four_units()
    entries = [entry_from_result(r, r.evaluation.path) for r in rs]
    entries.append(entry_rejected("/returns/=cmd|' /C calc'!A0.xlsx", "=1+1 不是评价模板"))
    return [entries[i] for i in order] if order else entries


def test_hyperlink_unit_name_is_literal_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.xlsx", _entries())
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        sheets = {n: z.read(n).decode() for n in names if re.match(r"xl/worksheets/sheet\d+\.xml$", n)}
        rels = "".join(z.read(n).decode() for n in names if n.endswith(".rels"))
        shared = z.read("xl/sharedStrings.xml").decode()
    assert "hyperlink" not in rels.lower()
    for xml in sheets.values():
        assert "<hyperlink" not in xml
        for f in re.findall(r"<f>(.*?)</f>", xml):
            assert "HYPERLINK" not in f and "cmd" not in f and "1+1" not in f
    assert "<t>" + HYPERLINK_UNIT + "</t>" in shared  # a shared string, not a formula
    wb = openpyxl.load_workbook(path)
    cell = next(c for c in wb["单位得分"]["A"] if c.value == HYPERLINK_UNIT)
    assert cell.data_type == "s"
    assert wb["未通过"]["D5"].value == "=1+1 不是评价模板" and wb["未通过"]["D5"].data_type == "s"


HOSTILE_INDICATORS = (
    ("=1+1", "=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', "定量", "10", "≥", "=2+2", "http://example.com"),
    ("决策", "目标", "合理性", "定性", "90", "=", "合理", "{=1+1}"),
)


def test_every_formula_is_ours_and_has_a_cached_value(tmp_path: Path) -> None:
    hostile = make_result("恶意单位", code="009", indicators=HOSTILE_INDICATORS, scores=(5, 80), rates=(1, ""))
    path = _write(tmp_path, "s.xlsx", [*_entries(), entry_from_result(hostile, "/returns/恶意.xlsx")])
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    cells = re.findall(r"<c [^>]*>(<f>.*?</f>)(<v>.*?</v>)?</c>", xml)
    assert len(cells) >= 4 + 5 + 4 + 3 * 2  # ranks, counts, stats, grade rows
    for f, v in cells:
        assert v and v != "<v></v>", f
        assert set(re.findall(r"([A-Z]+)\(", f)) <= OWN_FUNCTIONS, f
        assert "cmd" not in f and "2+2" not in f and "1+1" not in f, f
    assert "<hyperlink" not in xml and "<f t=\"array\"" not in xml
    details = openpyxl.load_workbook(path)["指标明细"]
    texts = {c.value for row in details.iter_rows(min_row=5) for c in row if c.data_type == "s"}
    assert {"=1+1", "=cmd|' /C calc'!A0", "=2+2", "http://example.com", "{=1+1}"} <= texts


def test_same_inputs_any_order_give_identical_bytes(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.xlsx", _entries())
    b = _write(tmp_path, "b.xlsx", _entries([4, 2, 0, 3, 1]))
    assert a.read_bytes() == b.read_bytes()


def test_streaming_input_consumed_once_and_grids_not_kept(tmp_path: Path) -> None:
    """While entry k is produced, the results of entries before k-1 are already freed."""
    alive: list[weakref.ref] = []
    still_alive_at: list[int] = []

    def gen() -> Iterator[SummaryEntry]:
        for i in range(10):
            gc.collect()
            still_alive_at.append(sum(1 for ref in alive if ref() is not None))
            result = make_result(f"单位{i:02d}", code=f"{i:03d}", total=50.0 + i)
            alive.append(weakref.ref(result.evaluation))
            yield entry_from_result(result, f"/r/{i}.xlsx")

    path = _write(tmp_path, "s.xlsx", gen())
    assert len(still_alive_at) == 10
    assert max(still_alive_at) <= 1  # at most the entry being digested; no Evaluation is kept
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb["单位得分"]
    assert ws["A5"].value == "单位09" and ws["K5"].value == 1 and ws["K14"].value == 10


def test_grade_name_with_quote_cannot_break_out(tmp_path: Path) -> None:
    evil = 'A",1)+HYPERLINK("http://x'
    r = make_result("某单位", grade=evil)
    path = _write(tmp_path, "s.xlsx", [entry_from_result(r, "/r/a.xlsx")])
    ws = openpyxl.load_workbook(path)["单位得分"]
    rules = [rule for rng in ws.conditional_formatting for rule in rng.rules if rule.type == "cellIs"]
    literals = [rule.formula[0] for rule in rules]
    assert '"A"",1)+HYPERLINK(""http://x"' in literals  # one quoted string literal, quotes doubled
