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
4. ``io.patch_xml._attr_re`` / ``del_attr``: every attribute lookup re-escapes the name and
   goes through ``re``'s compile cache (≈5 calls per patched cell). Cache the compiled pattern
   per attribute name.

Example::

    from benchmarks import speedups
    installed = speedups.apply()      # ['load_rates', 'compile_formula', 'score', 'attr_re']
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
    """Remember the result for the last (object identity, kwargs) seen: pure function of it."""
    last: dict[tuple[int, tuple[tuple[str, Any], ...]], tuple[Any, Any]] = {}

    @functools.wraps(fn)
    def wrapper(ev: Any, **kw: Any) -> Any:
        key = (id(ev), tuple(sorted(kw.items())))
        hit = last.get(key)
        if hit is not None and hit[0] is ev:
            return hit[1]
        out = fn(ev, **kw)
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
    xml = importlib.import_module("evaltool.io.patch_xml")
    if not hasattr(xml._attr_re, "cache_info"):
        xml._attr_re = functools.lru_cache(maxsize=64)(xml._attr_re)
        _rebind(xml.del_attr, _fast_del_attr)
        installed.append("attr_re")
    return installed


@functools.lru_cache(maxsize=64)
def _del_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"\s" + re.escape(name) + r"""\s*=\s*(?:"[^"]*"|'[^']*')""")


def _fast_del_attr(tag: str, name: str) -> str:
    """``patch_xml.del_attr`` with its pattern compiled once per attribute name."""
    return _del_pattern(name).sub("", tag, count=1)
