"""evaltool: Excel-based budget performance evaluation (预算绩效评价).

The analyst API::

    import evaltool
    wb = evaltool.load("returned.xlsx")      # typed model; .indicators/.findings/.scores DataFrames
    wb.total, wb.grade
    df = evaltool.summarize(["returns/"])     # one row per workbook

Everything else lives in sub-modules: ``evaltool.engine.evaluate`` (pure engine),
``evaltool.io.writeback`` (lossless write-back), ``evaltool.io.patch_cells`` (the patcher),
``evaltool.template.write_template``, ``evaltool.summary.write_summary``,
``evaltool.intake.collect``. Imports are lazy so ``import evaltool`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["load", "summarize", "evaluate", "__version__"]


def __getattr__(name: str) -> Any:
    if name in ("load", "summarize"):
        from evaltool import api

        return getattr(api, name)
    if name == "evaluate":
        from evaltool.engine import evaluate

        return evaluate
    raise AttributeError(f"module 'evaltool' has no attribute {name!r}")
