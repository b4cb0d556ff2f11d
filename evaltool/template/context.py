"""Shared state while one template is being written (workbook, formats, framework, values).

Why: every sheet module needs the same handful of things — the xlsxwriter workbook, the
formats, the framework and the model objects placed at their rows, the filler's values —
and defines workbook-scope names. One small object passed to each sheet writer keeps their
signatures short and the defined names in one place.

Example::

    ctx.define("unit_name", "封面", "B3")      # ='封面'!$B$3
    ctx.put(ws, 2, 1, "北京市西城区妇女联合会", ctx.st.text_in)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from evaltool.contract.a1 import absolute
from evaltool.frameworks.schema import Framework
from evaltool.model import Grade, Indicator, Method, Param, Rule
from evaltool.template.styles import Styles

abs_ref = absolute


@dataclass
class Ctx:
    wb: Workbook
    st: Styles
    fw: Framework
    values: Mapping[str, Any]
    password: str | None
    lang: str
    indicators: tuple[Indicator, ...] = ()
    methods: tuple[Method, ...] = ()
    rules: tuple[Rule, ...] = ()
    grades: tuple[Grade, ...] = ()
    params: tuple[Param, ...] = ()
    names: dict[str, str] = field(default_factory=dict)

    def define(self, name: str, sheet: str, ref: str) -> None:
        """A workbook-scope defined name pointing at ``sheet!ref`` (absolute)."""
        target = f"='{sheet}'!{abs_ref(ref)}"
        self.names[name] = target
        self.wb.define_name(name, target)

    def put(self, ws: Worksheet, row: int, col: int, value: Any, fmt: Format | None = None) -> None:
        """Write a value by type; strings always as text (never a formula or URL)."""
        if value is None or value == "":
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float | Decimal):
            ws.write_number(row, col, float(value), fmt)
        elif isinstance(value, dt.datetime | dt.date):
            d = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
            ws.write_datetime(row, col, d, fmt)
        else:
            ws.write_string(row, col, str(value), fmt)
