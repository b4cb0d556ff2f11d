"""The evaltool template writer (xlsxwriter): one workbook per framework, per docs/template.md.

Why: the bureau issues a standard workbook; everything downstream relies on its layout.
Modules: ``contract`` (the layout as constants, pure), ``styles``, ``sheetutil``, one module
per sheet (``cover``, ``budget``, ``indicators``, ``projects``, ``rulesheets``, ``checks``,
``summary``, ``meta``), ``formulas`` (formula hook), ``fingerprint`` (pure), ``writer``.
``write_template`` is imported lazily so ``contract``/``fingerprint`` stay free of xlsxwriter.

Example::

    from evaltool.template import write_template
    write_template("project-self", "out/template.xlsx", unit_name="某单位", year=2024)
"""

from __future__ import annotations

from typing import Any

__all__ = ["write_template", "template_fingerprint"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from evaltool.template import writer

        return getattr(writer, name)
    raise AttributeError(name)
