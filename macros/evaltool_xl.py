"""The module behind the add-in's ribbon button (``import evaltool_xl; evaltool_xl.main()``).

Why: xlwings' ribbon add-in VBA (``RibbonMyAddin.RunMain``) derives the Python module name
from the add-in file name (``evaltool_xl.xlam`` → ``evaltool_xl``) and calls its ``main()``
through ``RunPython``. This file must therefore be importable as a *top-level* module:
``evaltool addin install`` copies it alone into ``~/.evaltool/xl`` and puts that folder on the
add-in's ``PYTHONPATH`` (``macros/README.md`` shows the manual way). It stays tiny and
imports evaltool lazily, so the copy never goes stale in practice.

Example (VBA, what the button runs)::

    RunPython "import evaltool_xl;evaltool_xl.main()"
"""

from __future__ import annotations


def main() -> None:
    """计算评分: check and score the workbook that pressed the button, write results into it."""
    from evaltool.xl import recalculate

    recalculate()


def check() -> None:
    """仅校验: run the checks only and refresh the 校验结果 table and the status cell."""
    from evaltool.xl import check as run_check

    run_check()
