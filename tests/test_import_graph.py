"""The rooms of ``evaltool`` (docs: ../README.md "Rooms", shared design) hold their shape.

Read from the source with :mod:`ast`, so imports inside functions (lazy imports) count like
top-level ones:

- no cycle between rooms (a room is a top-level module or sub-package of ``evaltool``);
- no Excel library (openpyxl, xlsxwriter, python-calamine, xlwings, UNO) reachable from the
  engine's rooms, following every import of every module they reach, lazy ones included —
  that is what lets one engine serve the buttons, the CLI and the batch;
- the engine's rooms import only each other (never io/, template/, summary/, intake/ or a door),
  and load nothing by name (``importlib.import_module``/``__import__`` would hide an edge);
- the top level of ``evaltool/`` holds only the doors and the model.

A subprocess also imports every engine module for real and checks ``sys.modules``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "evaltool"
EXCEL_LIBS = frozenset({"openpyxl", "xlsxwriter", "python_calamine", "xlwings", "uno", "unohelper"})
ENGINE_ROOMS = frozenset({"model", "contract", "quantities", "formula", "scoring", "rules", "integrity",
                          "frameworks", "messages"})
TOP_LEVEL = frozenset({"__init__", "__main__", "api", "engine", "model", "cli", "xl", "errors"})


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _known(name: str) -> str:
    """``evaltool.a.b.attr`` → the module ``evaltool.a.b`` that holds it."""
    while name not in MODULES and "." in name:
        name = name.rpartition(".")[0]
    return name


@cache
def imports(module: str) -> frozenset[str]:
    """Every module ``module`` imports anywhere in its body (absolute names)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                src = ".".join(base + ([node.module] if node.module else []))
            else:
                src = node.module or ""
            subs = [f"{src}.{a.name}" for a in node.names if f"{src}.{a.name}" in MODULES]
            out.update(subs)
            if len(subs) < len(node.names):
                out.add(src)
    return frozenset(out)


def dynamic_imports(module: str) -> list[str]:
    """Calls that import by name (``importlib.import_module(...)``, ``__import__(...)``)."""
    found = []
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name in ("import_module", "__import__"):
                found.append(f"{module}:{node.lineno}")
    return found


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def room_edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m in MODULES:
        for t in imports(m):
            if t.split(".")[0] != "evaltool":
                continue
            a, b = room(m), room(_known(t))
            if a != b:
                edges[(a, b)].append(f"{m} → {t}")
    return edges


def cycles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """Strongly connected components with more than one room (Tarjan)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _deps(module: str) -> set[str]:
    """What importing ``module`` runs: its imports plus their parent packages (not the lazy root)."""
    out = set()
    for t in imports(module):
        top = t.split(".")[0]
        if top in EXCEL_LIBS:
            out.add(top)
        elif top == "evaltool":
            t = _known(t)
            out.add(t)
            while t.count(".") > 1:
                t = t.rpartition(".")[0]
                out.add(t)
    return out


def excel_path(start: str) -> list[str] | None:
    """The import chain from ``start`` to an Excel library, or None."""
    came_from: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        m = queue.pop(0)
        if m in EXCEL_LIBS:
            chain: list[str] = []
            cur: str | None = m
            while cur is not None:
                chain.append(cur)
                cur = came_from[cur]
            return chain[::-1]
        if m not in MODULES:
            continue
        for d in sorted(_deps(m)):
            if d not in came_from:
                came_from[d] = m
                queue.append(d)
    return None


def engine_modules() -> list[str]:
    return [m for m in MODULES if room(m) in ENGINE_ROOMS]


# --------------------------------------------------------------------------------------------


def test_the_graph_sees_lazy_imports() -> None:
    """The reader finds an import inside a function (cli's commands import their rooms lazily)."""
    src = MODULES["evaltool.cli.template"].read_text(encoding="utf-8")
    assert "    from evaltool.template import write_template" in src  # indented: inside a function
    assert "evaltool.template" in imports("evaltool.cli.template")
    assert any(m.startswith("evaltool.cli") for m in MODULES)


def test_no_cycle_between_rooms() -> None:
    edges = room_edges()
    found = cycles(edges)
    detail = [f"{'/'.join(c)}: " + "; ".join(w for a in c for b in c for w in edges.get((a, b), [])[:2])
              for c in found]
    assert not found, "rooms import each other:\n" + "\n".join(detail)


def test_rules_and_scoring_do_not_import_each_other() -> None:
    """One pass computes (scoring); the rule pass receives its result, never the other way round."""
    back = room_edges().get(("scoring", "rules"), [])
    assert not back, f"scoring imports rules: {back}"


def test_template_and_integrity_do_not_import_each_other() -> None:
    back = room_edges().get(("integrity", "template"), [])
    assert not back, f"integrity imports template: {back}"


def test_no_excel_library_reachable_from_the_engine() -> None:
    bad = [" → ".join(p) for m in engine_modules() if (p := excel_path(m))]
    assert not bad, "Excel library reachable from the engine's rooms:\n" + "\n".join(bad)


def test_the_check_would_catch_one() -> None:
    """The same walk finds the Excel libraries the writers really use (the check can fail)."""
    assert excel_path("evaltool.template.writer") is not None
    assert excel_path("evaltool.io.filebook") == ["evaltool.io.filebook", "python_calamine"]


def test_engine_rooms_import_only_engine_rooms() -> None:
    bad = [w for (a, b), why in room_edges().items() if a in ENGINE_ROOMS and b not in ENGINE_ROOMS
           for w in why]
    assert not bad, "the engine reaches out of its rooms:\n" + "\n".join(bad)


def test_engine_loads_nothing_by_name() -> None:
    bad = [hit for m in engine_modules() for hit in dynamic_imports(m)]
    assert not bad, f"dynamic imports hide edges from this test: {bad}"


def test_top_level_holds_only_doors_and_model() -> None:
    loose = sorted(p.stem for p in PKG.glob("*.py") if p.stem not in TOP_LEVEL)
    assert not loose, f"loose modules at the top level of evaltool/: {loose}"
    for d in PKG.iterdir():
        if d.is_dir() and d.name != "__pycache__" and any(d.glob("*.py")):
            assert (d / "__init__.py").exists(), f"{d.name}/ is not a package"


def test_engine_imports_no_excel_library_at_run_time() -> None:
    """Importing every engine module for real loads none of the Excel libraries."""
    code = (
        "import importlib, sys\n"
        f"for m in {sorted(engine_modules())!r}:\n"
        "    importlib.import_module(m)\n"
        f"print(sorted(set(k.split('.')[0] for k in sys.modules) & {set(EXCEL_LIBS)!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=PKG.parent)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
