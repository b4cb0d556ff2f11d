"""Each piece of the template contract has one home (evaltool/contract), and nobody retypes it.

The source of ``evaltool/`` is read with :mod:`ast` (so docstrings and comments, which may
show examples, do not count) and searched for the known patterns of a copy:

- A1 parsing: a regex capturing column letters, column arithmetic (``ord(ch) - 64``), a row
  read by joining digits — outside ``contract/a1.py``;
- fixed cells: a literal ``("封面", "B13")`` / ``Location("封面", "B12")`` outside ``contract/``;
- sheet names bound to module constants (``BUDGET_SHEET = "预算执行"``) outside ``contract/``;
- a table's column list (four or more of its headers in a row, e.g. the Checks columns)
  outside ``contract/``;
- the severity label map (``{"error": "错误", "warning": "警告", …}``) outside ``messages/``.

Each pattern is also shown to catch a planted copy, so the checks can fail.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from evaltool import contract as C
from evaltool.contract.cells import FIXED_CELLS

PKG = Path(__file__).resolve().parents[1] / "evaltool"
SHEET_NAMES = frozenset(C.SHEETS)
_LETTER_CAPTURE = re.compile(r"\(\[A-Z(?:a-z)?\](?:\{1,3\}|\+|\{1,2\})\)")
_A1_CELL = re.compile(r"^\$?[A-Z]{1,3}\$?[1-9]\d*(?::\$?[A-Z]{1,3}\$?[1-9]\d*)?$")
SEVERITIES = frozenset({"error", "warning", "info"})
LABELS = frozenset({"错误", "警告", "提示", "Error", "Warning", "Info"})


def _sources() -> list[tuple[str, ast.Module]]:
    return [(p.relative_to(PKG).as_posix(), ast.parse(p.read_text(encoding="utf-8")))
            for p in sorted(PKG.rglob("*.py"))]


def _str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def a1_parsing(tree: ast.AST) -> list[int]:
    """Lines that parse A1 on their own."""
    hits = []
    for n in ast.walk(tree):
        s = _str(n)
        if s is not None and _LETTER_CAPTURE.search(s):
            hits.append(n.lineno)  # type: ignore[attr-defined]
        elif isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) \
                and isinstance(n.right, ast.Constant) and n.right.value == 64 \
                and any(isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == "ord"
                        for c in ast.walk(n.left)):
            hits.append(n.lineno)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "join" \
                and n.args and isinstance(n.args[0], ast.GeneratorExp) \
                and any(isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "isdigit"
                        for g in n.args[0].generators for c in g.ifs):
            hits.append(n.lineno)
    return hits


def fixed_cells(tree: ast.AST) -> list[int]:
    """Lines with a (sheet, cell) literal pair: a tuple or a call's first two arguments."""
    hits = []
    for n in ast.walk(tree):
        pair: list[ast.expr] = []
        if isinstance(n, ast.Tuple):
            pair = n.elts[:2]
        elif isinstance(n, ast.Call):
            pair = n.args[:2]
        if len(pair) == 2:
            sheet, cell = _str(pair[0]), _str(pair[1])
            if sheet in SHEET_NAMES and cell is not None and _A1_CELL.match(cell):
                hits.append(n.lineno)
    return hits


def sheet_constants(tree: ast.Module) -> list[int]:
    """Module-level ``NAME = "<sheet name>"``."""
    return [n.lineno for n in tree.body
            if isinstance(n, ast.Assign | ast.AnnAssign) and _str(n.value) in SHEET_NAMES]


def column_lists(tree: ast.AST) -> list[int]:
    """Tuple/list literals holding four or more consecutive headers of a contract table."""
    runs = {tuple(h[i:i + 4]) for h in C.TABLE_HEADERS.values() for i in range(len(h) - 3)}
    hits = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Tuple | ast.List):
            items = [_str(e) for e in n.elts]
            if any(tuple(items[i:i + 4]) in runs for i in range(len(items) - 3)):
                hits.append(n.lineno)
    return hits


def severity_maps(tree: ast.AST) -> list[int]:
    """Dict literals keyed by the severities (error/warning[/info]) → their words (错误, Warning …),
    or the reverse; a map to colours or styles is not a label map."""
    hits = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Dict):
            keys = {_str(k) for k in n.keys}
            words = {_str(e) for v in n.values for e in (v.elts if isinstance(v, ast.Tuple) else [v])}
            labelled = {"error", "warning"} <= keys and keys <= SEVERITIES and words & LABELS
            reverse = {"错误", "警告"} <= keys and words <= SEVERITIES | {None}
            if labelled or reverse:
                hits.append(n.lineno)
    return hits


#: Modules that must not import evaltool, so they keep their own copy (with the reason).
STANDALONE = {
    "io/unobook.py": "runs inside LibreOffice's own Python, where evaltool is not installed",
}


def _find(check, *, allowed: tuple[str, ...]) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"evaltool/{path}:{line}" for path, tree in _sources()
            if not path.startswith(allowed) and path not in STANDALONE for line in check(tree)]


def test_standalone_modules_really_import_no_evaltool() -> None:
    for path, tree in _sources():
        if path in STANDALONE:
            mods = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
            mods += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
            assert not [m for m in mods if m.startswith("evaltool")], path


# --------------------------------------------------------------------------------------------


def test_no_a1_parser_outside_contract_a1() -> None:
    assert _find(a1_parsing, allowed=("contract/a1.py",)) == []


def test_no_fixed_cell_literal_outside_contract() -> None:
    assert _find(fixed_cells, allowed=("contract/",)) == []


def test_no_sheet_name_constant_outside_contract() -> None:
    assert _find(sheet_constants, allowed=("contract/",)) == []


def test_no_table_column_list_outside_contract() -> None:
    assert _find(column_lists, allowed=("contract/",)) == []


def test_no_severity_label_map_outside_messages() -> None:
    assert _find(severity_maps, allowed=("messages/",)) == []


@pytest.mark.parametrize(("check", "planted"), [
    (a1_parsing, 'M = re.compile(r"^\\$?([A-Za-z]{1,3})\\$?(\\d+)")'),
    (a1_parsing, "col = col * 26 + ord(ch) - 64"),
    (a1_parsing, 'row = int("".join(ch for ch in ref if ch.isdigit()))'),
    (fixed_cells, 'cells[where(ev, "calc_status", ("封面", "B13"))] = 1'),
    (fixed_cells, 'loc = Location("预算执行", "$B$5")'),
    (sheet_constants, 'BUDGET_SHEET = "预算执行"'),
    (column_lists, 'COLS = ("规则编号", "来源", "级别", "工作表", "单元格", "结果", "提示信息", "出错说明")'),
    (severity_maps, 'LABELS = {"error": ("错误", "Error"), "warning": ("警告", "Warning"), "info": ("提示", "Info")}'),
    (severity_maps, 'SEVERITY_ZH = {"错误": "error", "警告": "warning", "提示": "info"}'),
])
def test_each_pattern_catches_a_planted_copy(check, planted: str) -> None:  # type: ignore[no-untyped-def]
    assert check(ast.parse(planted)) == [1]


def test_a_severity_keyed_style_is_no_label_map() -> None:
    assert severity_maps(ast.parse('FILL = {"error": "FFC7CE", "warning": "FFEB9C"}')) == []


def test_docstring_examples_do_not_count() -> None:
    src = '"""Example: ``("封面", "B13")`` and ``ord(ch) - 64``."""\nX = 1\n'
    tree = ast.parse(src)
    assert a1_parsing(tree) == [] and fixed_cells(tree) == []


def test_fixed_cells_are_where_the_template_writes_them() -> None:
    """The contract's fixed positions are the committed template's defined names."""
    from evaltool.io.filebook import FileBook

    book = FileBook(Path(__file__).resolve().parents[1] / "workbooks" / "template-dept-overall.xlsx")
    names = book.defined_names()
    for name, (sheet, cell) in FIXED_CELLS.items():
        assert name in names, name
        assert (names[name].sheet, names[name].ref) == (sheet, cell), name
