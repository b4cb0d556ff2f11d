"""Proposed speed fixes for modules owned by others, applied only inside a benchmark process.

Why: a proposal is worth more with a number. ``bench_intake.py --speedups`` and
``bench_button.py --speedups`` run the same pipelines with these fixes installed (by
rebinding module attributes in the child process, never by editing the owners' files), so the
report shows "as is" next to "with the fixes". Each fix keeps behaviour identical: it only
caches pure functions of immutable inputs. Once an owner lands the fix, the patch is a no-op.

The fixes (measured in benchmarks/README.md). Fixes 1, 2, 3 and 5 have since landed in the
owners' modules and are no longer installed here; only fix 4 remains:

1. ``frameworks.loader.load_rates``: ``rates.yaml`` is re-read with PyYAML's pure-Python
   loader on every call. Cache it. (Since then rates are computed once, by scoring.)
2. ``formula.compile_formula``: rate and method formulas are parsed per workbook. ``Formula``
   is immutable (``__slots__``, never mutated), so memoise by text.
3. ``scoring.score``: ran twice per workbook. (Since then the rule pass receives the one
   scoring result; nothing to memoise.)
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
    installed = speedups.apply()      # ['formula_for']
"""

from __future__ import annotations

import importlib
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


def apply() -> list[str]:
    """Install the fixes that are still needed; returns the names of those installed."""
    for mod in ("evaltool.engine", "evaltool.rules.engine", "evaltool.scoring.rates", "evaltool.rules.ruleset"):
        importlib.import_module(mod)
    installed: list[str] = []
    live = importlib.import_module("evaltool.rules.live")
    if hasattr(live, "formula_for") and not hasattr(live.formula_for, "cache_info"):
        _rebind(live.formula_for, _memo_formula_for(live.formula_for))
        installed.append("formula_for")
    return installed


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
