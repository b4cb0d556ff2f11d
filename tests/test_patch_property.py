"""Property: patching random cells into random well-formed sheets gives exactly the expected cells.

The sheets mix what other producers write and a text search trips over: comments and
processing instructions between rows and cells (holding look-alike ``<row>``/``<c>`` markup),
inline strings in CDATA, shared formulas, a prefixed namespace and encodings other than UTF-8.
Every result is read back with openpyxl and - for UTF-8 parts, the only ones calamine reads -
with calamine, and compared with a model of the sheet.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from support import crafted

from evaltool.contract.a1 import cell_name
from evaltool.io import Formula, patch_cells

NOISE = ['<!-- <row r="99"><c r="A99"><v>5</v></c></row> -->', '<?pi <c r="Z1"/> ?>', "<!--</sheetData>-->", "\n  "]
LATIN = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_categories=("Cc",)), max_size=12)
ANY_TEXT = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x9FFF, exclude_categories=("Cc", "Cs")), max_size=12)
SHARED_COL = 9


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def sheets(draw: st.DrawFn) -> tuple[str, str, dict[tuple[int, int], object]]:
    """(encoding, sheet XML text, model: (row, col) -> value as openpyxl reads it)."""
    encoding = draw(st.sampled_from(["UTF-8", "UTF-8", "ISO-8859-1", "UTF-16"]))
    p = draw(st.sampled_from(["", "x:"]))
    rows = sorted(draw(st.sets(st.integers(1, 30), min_size=1, max_size=10)))
    model: dict[tuple[int, int], object] = {}
    shared_rows = rows[: draw(st.integers(0, min(3, len(rows))))]
    out: list[str] = []
    for r in rows:
        cells: list[str] = []
        for c in sorted(draw(st.sets(st.integers(1, 8), max_size=5))):
            ref = cell_name(r, c)
            kind = draw(st.sampled_from(["num", "str", "cdata", "bool"]))
            if kind == "num":
                v: object = draw(st.integers(-10**6, 10**6))
                cells.append(f'<{p}c r="{ref}"><{p}v>{v}</{p}v></{p}c>')
            elif kind == "bool":
                v = draw(st.booleans())
                cells.append(f'<{p}c r="{ref}" t="b"><{p}v>{int(bool(v))}</{p}v></{p}c>')
            else:
                v = draw(LATIN).strip() or "t"
                body = f"<![CDATA[{v}</c><row r=\"2\">]]>" if kind == "cdata" else _esc(v)
                if kind == "cdata":
                    v = f'{v}</c><row r="2">'
                cells.append(f'<{p}c r="{ref}" t="inlineStr"><{p}is><{p}t>{body}</{p}t></{p}is></{p}c>')
            model[(r, c)] = v
            if draw(st.booleans()):
                cells.append(draw(st.sampled_from(NOISE)))
        if r in shared_rows:
            ref = cell_name(r, SHARED_COL)
            if r == shared_rows[0]:
                span = f"{ref}:{cell_name(shared_rows[-1], SHARED_COL)}"
                f = f'<{p}f t="shared" ref="{span}" si="0">A{r}+1</{p}f>'
            else:
                f = f'<{p}f t="shared" si="0"/>'
            cells.append(f'<{p}c r="{ref}">{f}<{p}v>0</{p}v></{p}c>')
            model[(r, SHARED_COL)] = f"=A{r}+1"
        out.append(f'<{p}row r="{r}">' + "".join(cells) + f"</{p}row>")
        if draw(st.booleans()):
            out.append(draw(st.sampled_from(NOISE)))
    ns = f'xmlns{":x" if p else ""}="{crafted.NS}"'
    xml = (
        f'<?xml version="1.0" encoding="{encoding}" standalone="yes"?>\n<!-- a producer comment -->'
        f"<{p}worksheet {ns}><{p}sheetData>" + "".join(out) + f"</{p}sheetData></{p}worksheet>"
    )
    return encoding, xml, model


VALUES = st.one_of(
    st.integers(-10**9, 10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(float),
    ANY_TEXT.map(lambda s: s.strip() or "="),
    st.sampled_from(["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2", "</c><row r=\"3\">"]),
    st.booleans(),
    st.none(),
    st.builds(lambda n: Formula(f"={n}*2", cached=n * 2), st.integers(0, 1000)),
)
EDITS = st.dictionaries(st.tuples(st.integers(1, 35), st.integers(1, 10)), VALUES, min_size=1, max_size=8)


def _expected(value: object) -> object:
    if isinstance(value, Formula):
        return value.normalized
    return value


@settings(max_examples=int(os.environ.get("EVALTOOL_PROPERTY_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet=sheets(), edits=EDITS)
def test_random_cells_into_random_sheets(sheet: tuple[str, str, dict[tuple[int, int], object]],
                                         edits: dict[tuple[int, int], object]) -> None:  # fmt: skip
    encoding, xml, model = sheet
    with tempfile.TemporaryDirectory() as d:
        src = crafted.minimal(Path(d) / "in.xlsx", sheet_xml=xml.encode(encoding))
        dst = Path(d) / "out.xlsx"
        patch_cells(src, dst, {("Sheet1", cell_name(r, c)): v for (r, c), v in edits.items()})
        want = dict(model)
        for (r, c), v in edits.items():
            want[(r, c)] = _expected(v)
        ws = openpyxl.load_workbook(dst)["Sheet1"]
        got = {(cell.row, cell.column): cell.value for row in ws.iter_rows() for cell in row if cell.value is not None}
        assert got == {k: v for k, v in want.items() if v is not None}
        if encoding != "UTF-8":
            return
        rows = CalamineWorkbook.from_path(str(dst)).get_sheet_by_name("Sheet1").to_python(skip_empty_area=False)
        for (r, c), v in want.items():
            seen = rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else ""
            if isinstance(v, str) and v.startswith("=A"):  # shared formula left alone: cached 0
                assert seen == 0
            elif (r, c) in edits and isinstance(edits[(r, c)], Formula):
                assert seen == edits[(r, c)].cached  # type: ignore[union-attr]
            elif v is None:
                assert seen == ""
            else:
                assert seen == v, (r, c)
