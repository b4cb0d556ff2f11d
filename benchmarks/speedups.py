"""Proposed speed fixes for modules owned by others, applied only inside a benchmark process.

Why: a proposal is worth more with a number. ``bench_intake.py --speedups`` and
``bench_button.py --speedups`` run the same pipelines with these fixes installed (by
rebinding module attributes in the child process, never by editing the owners' files), so the
report shows "as is" next to "with the fixes". Each fix keeps behaviour identical: it only
caches pure functions of immutable inputs. Once an owner lands the fix, the patch is a no-op.

The fixes (measured in benchmarks/README.md):

1. ``frameworks.loader.load_rates``: ``rates.yaml`` is re-read with PyYAML's pure-Python
   loader on every call — twice per workbook (scoring, and the rules' recompute). Cache it.
2. ``formula.compile_formula``: rate and method formulas are parsed per workbook. ``Formula``
   is immutable (``__slots__``, never mutated), so memoise by text.
3. ``scoring.score``: runs twice per workbook (``engine.evaluate`` and
   ``rules.scores.scores_for``). Memoise the last result per (Evaluation, lang).
4. ``rules.live.formula_for``: the live ``=IF(<rule>,"通过",<message>)`` text of every rule
   instance is re-rendered from the AST for every workbook (60% of ``check`` on the seed
   sample, 299 instances). It depends only on the compiled rule (cached per rule set), the
   row, the table layout and the known names: memoise on exactly those.
5. The package patcher (``io.patch_sheet`` / ``patch_xml`` / ``patch_types``; write-back is
   ~60% of ``collect``'s CPU: ~3,500 cells per return, mostly the Checks table):
   ``_find_masters`` scans every cell of every patched row for shared-formula masters even when
   the sheet has no shared formula (skip unless ``"shared"`` occurs in the part);
   ``del_attr`` runs ``re.sub`` three times per cell for attributes that are usually absent
   (skip when the name does not occur in the tag, compile once per name); ``_attr_re`` is
   rebuilt per lookup and ``parse_ref`` re-parses the same references (cache both).

Example::

    from benchmarks import speedups
    installed = speedups.apply()      # ['load_rates', 'compile_formula', 'score', 'formula_for', 'patcher']
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["apply"]


def _rebind(original: Callable[..., Any], replacement: Callable[..., Any]) -> int:
    """Point every loaded ``evaltool`` module attribute bound to ``original`` at ``replacement``."""
    n = 0
    for name, mod in list(sys.modules.items()):
        if not name.startswith("evaltool") or mod is None:
            continue
        for attr, value in list(vars(mod).items()):
            if value is original:
                setattr(mod, attr, replacement)
                n += 1
    return n


def _memo_last(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Remember the result for the last (object identity, lang) seen: a pure function of them."""
    last: dict[tuple[int, str], tuple[Any, Any]] = {}

    @functools.wraps(fn)
    def wrapper(ev: Any, *, lang: str = "zh") -> Any:
        key = (id(ev), lang)
        hit = last.get(key)
        if hit is not None and hit[0] is ev:
            return hit[1]
        out = fn(ev, lang=lang)
        last.clear()
        last[key] = (ev, out)
        return out

    return wrapper


def apply() -> list[str]:
    """Install the fixes that are still needed; returns the names of those installed."""
    for mod in ("evaltool.engine", "evaltool.rules.engine", "evaltool.rules.scores",
                "evaltool.scoring.rates", "evaltool.rules.computed", "evaltool.rules.ruleset"):
        importlib.import_module(mod)
    installed: list[str] = []
    loader = importlib.import_module("evaltool.frameworks.loader")
    if not hasattr(loader.load_rates, "cache_info"):
        _rebind(loader.load_rates, functools.cache(loader.load_rates))
        installed.append("load_rates")
    formula = importlib.import_module("evaltool.formula.formula")
    if not hasattr(formula.compile_formula, "cache_info"):
        _rebind(formula.compile_formula, functools.lru_cache(maxsize=4096)(formula.compile_formula))
        installed.append("compile_formula")
    scoring = importlib.import_module("evaltool.scoring")
    if not hasattr(scoring.score, "__wrapped__"):
        _rebind(scoring.score, _memo_last(scoring.score))
        installed.append("score")
    live = importlib.import_module("evaltool.rules.live")
    if hasattr(live, "formula_for") and not hasattr(live.formula_for, "cache_info"):
        _rebind(live.formula_for, _memo_formula_for(live.formula_for))
        installed.append("formula_for")
    installed += _patcher()
    return installed


def _patcher() -> list[str]:
    sheet: Any = importlib.import_module("evaltool.io.patch_sheet")
    xml: Any = importlib.import_module("evaltool.io.patch_xml")
    types: Any = importlib.import_module("evaltool.io.patch_types")
    needed = (hasattr(types, "parse_ref") and hasattr(xml, "_attr_re") and hasattr(xml, "del_attr")
              and hasattr(sheet, "_find_masters"))
    if not needed or hasattr(types.parse_ref, "cache_info"):
        return []  # already applied, or the patcher changed shape: nothing to install
    _rebind(types.parse_ref, functools.lru_cache(maxsize=65536)(types.parse_ref))
    xml._attr_re = functools.lru_cache(maxsize=256)(xml._attr_re)
    _rebind(xml.del_attr, _fast_del_attr)
    find_masters = sheet._find_masters

    def _find_masters(text: str, *args: Any) -> Any:
        return find_masters(text, *args) if "shared" in text else []

    sheet._find_masters = _find_masters
    return ["patcher"]


@functools.lru_cache(maxsize=256)
def _del_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"\s" + re.escape(name) + r"""\s*=\s*(?:"[^"]*"|'[^']*')""")


def _fast_del_attr(tag: str, name: str) -> str:
    """``patch_xml.del_attr``: unchanged when ``name`` does not occur, else one compiled sub."""
    if name not in tag:
        return tag
    return _del_pattern(name).sub("", tag, count=1)


def _memo_formula_for(fn: Callable[..., str]) -> Callable[..., str]:
    """``formula_for(cr, tables, names, row)`` memoised on (rule, row, layout, names)."""
    frozen: dict[tuple[int, int], tuple[Any, Any, Any]] = {}  # last (tables, names) seen

    texts: dict[tuple[int, Any, Any, Any], tuple[Any, str]] = {}  # keyed by id(cr); cr kept alive

    def cached(cr: Any, tables_key: Any, names_key: Any, row: Any) -> str:
        key = (id(cr), tables_key, names_key, row)
        hit = texts.get(key)
        if hit is not None and hit[0] is cr:
            return hit[1]
        if len(texts) > 16384:
            texts.clear()
        text = fn(cr, dict(tables_key), set(names_key), row)
        texts[key] = (cr, text)
        return text

    def wrapper(cr: Any, tables: Any, names: Any, row: Any = None) -> str:
        ident = (id(tables), id(names))
        hit = frozen.get(ident)
        if hit is None or hit[0] is not tables:
            frozen.clear()
            hit = (tables, tuple(sorted(tables.items())), frozenset(names))
            frozen[ident] = hit
        return cached(cr, hit[1], hit[2], row)

    wrapper.cache_info = texts.__len__  # type: ignore[attr-defined]  # marks it installed
    return wrapper
