"""Docstring examples are run, and the ones that are not name only what exists.

- Every module of ``evaltool`` whose docstrings hold ``>>>`` examples is run through
  :mod:`doctest` here (found automatically: write an example as ``>>>`` and it is tested).
- Examples still written as literal ``Example::`` blocks (they need a workbook, Excel or a
  mail server) are parsed: every ``from evaltool… import name`` in them must import, and every
  function they call must exist in evaltool (a renamed or removed function fails this test).
"""

from __future__ import annotations

import ast
import builtins
import doctest
import importlib
import textwrap
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "evaltool"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


FILES = sorted(p for p in PKG.rglob("*.py") if p.name != "__main__.py")
WITH_DOCTESTS = [_module_name(p) for p in FILES if ">>> " in p.read_text(encoding="utf-8")]
#: Every function and class defined anywhere in evaltool (examples may call any of them).
DEFINED = {n.name for p in FILES for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
           if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
#: Names an example may use without importing them (standard library, shown for context).
CONTEXT = {"Path", "Decimal", "datetime", "date"}


def test_doctest_modules_found() -> None:
    assert {"evaltool.engine", "evaltool.contract.a1", "evaltool.quantities.fuzzy"} <= set(WITH_DOCTESTS)


@pytest.mark.parametrize("module", WITH_DOCTESTS)
def test_doctests(module: str) -> None:
    mod = importlib.import_module(module)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [t for t in finder.find(mod, module) if t.examples]
    assert tests, f"{module} has '>>> ' in its source but no doctest was found"
    for t in tests:
        runner.run(t)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {module}"


def _literal_examples(doc: str) -> list[str]:
    out, lines, i = [], doc.splitlines(), 0
    while i < len(lines):
        if lines[i].rstrip().endswith(("Example::", "Examples::")):
            j, body = i + 1, []
            while j < len(lines) and (not lines[j].strip() or lines[j].startswith(" ")):
                body.append(lines[j])
                j += 1
            out.append(textwrap.dedent("\n".join(body)))
            i = j
        else:
            i += 1
    return out


def _calls(block: str) -> tuple[set[str], list[tuple[str, str]]] | None:
    """(called bare names not bound in the block, (module, name) imports); None if not Python."""
    code = "\n".join(line.split("  #")[0] for line in block.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None  # shell commands, command-line sessions
    bound: set[str] = set()
    imports: list[tuple[str, str]] = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Import | ast.ImportFrom):
            bound.update((a.asname or a.name).split(".")[0] for a in n.names)
            if isinstance(n, ast.ImportFrom) and n.module:
                imports.extend((n.module, a.name) for a in n.names)
        elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            bound.add(n.id)
        elif isinstance(n, ast.arg):
            bound.add(n.arg)
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return called - bound, imports


def _examples() -> list[tuple[str, str]]:
    found = []
    for p in FILES:
        tree = ast.parse(p.read_text(encoding="utf-8"))
        nodes = [tree, *(n for n in ast.walk(tree)
                         if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef))]
        for n in nodes:
            for block in _literal_examples(ast.get_docstring(n) or ""):
                found.append((_module_name(p), block))
    return found


def test_literal_examples_name_what_exists() -> None:
    stale = []
    for module, block in _examples():
        parsed = _calls(block)
        if parsed is None:
            continue
        called, imports = parsed
        for name in sorted(called - DEFINED - set(dir(builtins)) - CONTEXT):
            stale.append(f"{module}: calls {name}()")
        for src, name in imports:
            if not src.startswith("evaltool"):
                continue
            mod = importlib.import_module(src)
            if not hasattr(mod, name):
                try:
                    importlib.import_module(f"{src}.{name}")
                except ImportError:
                    stale.append(f"{module}: from {src} import {name}")
    assert not stale, "examples name what does not exist:\n" + "\n".join(stale)


def test_the_stale_check_can_fail() -> None:
    called, _ = _calls("x = recompute_rates_only(ev)\nscore(x)") or (set(), [])
    assert called - DEFINED == {"recompute_rates_only"}


def test_examples_do_not_show_a_total_the_sample_does_not_give() -> None:
    """The sample scores 98.8 (tests/test_sample.py); an example showing another total is stale."""
    stale = [f"{m}" for m, block in _examples() if "92.35" in block]
    assert not stale, stale
