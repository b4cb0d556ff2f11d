"""What kind of value each field of the template holds: money, rate/share, count, year.

Why: built-in checks (types, 元/万元 magnitude, percent encoding) and message formatting
(``{budget_initial}`` → ``18,902,744.60``, ``{variance_rate}`` → ``9.60%``) need to know the
nature of a defined name or table column. That knowledge is data, kept here in one place,
not spread through if-chains.

Example::

    value_kind("budget_initial")            # "money"
    value_kind("执行率", table="Projects")   # "rate"
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "ValueKind",
    "MONEY_NAMES",
    "COUNT_NAMES",
    "SHARE_NAMES",
    "RATE_NAMES",
    "MONEY_COLUMNS",
    "RATE_COLUMNS",
    "COMPUTED_COLUMNS",
    "value_kind",
    "FORMATS",
]

ValueKind = Literal["money", "rate", "count", "general"]

#: Scalar money inputs (元), each a defined name in the template (docs/template.md).
MONEY_NAMES: tuple[str, ...] = (
    "budget_initial", "budget_adjusted", "final_expenditure", "budget_adjustment",
    "carryover_total", "three_public_current", "three_public_prior", "key_project_spend",
    "project_spend_total", "projects_evaluated_amount",
    # template 2.0 (财预〔2013〕53号 附件2 inputs)
    "carryover_prior", "public_funds_actual", "public_funds_budget", "three_public_budget",
    "procurement_actual", "procurement_budget", "assets_in_use", "assets_total",
    # template 2.1 (自评表)
    "three_public_abroad_budget", "three_public_abroad_final", "three_public_vehicle_budget",
    "three_public_vehicle_final", "three_public_reception_budget", "three_public_reception_final",
    "income_current",
)
#: Scalar counts (people, projects) and the year.
COUNT_NAMES: tuple[str, ...] = ("staff_actual", "staff_authorized", "projects_evaluated_count", "eval_year",
                                "survey_sample", "survey_satisfied")
#: Shares typed by the filler as a fraction (0.904), shown as a percentage.
SHARE_NAMES: tuple[str, ...] = ("projects_evaluated_share", "payment_progress_actual", "payment_progress_planned",
                                "variance_rate_reported")
#: Rates computed by evaltool (``rates.yaml``) and parameters that are fractions.
RATE_NAMES: tuple[str, ...] = (
    "variance_rate", "execution_rate", "adjustment_rate", "carryover_rate",
    "three_public_change_rate", "staff_control_rate", "key_spend_rate",
    "param_overachieve_threshold", "param_fuzzy_epsilon", "param_variance_warn_threshold",
    "param_rate_tolerance", "param_min_coverage", "param_zero_base_increase",
    "satisfaction_rate", "payment_progress_rate", "carryover_change_rate", "public_funds_control_rate",
    "three_public_control_rate", "procurement_execution_rate", "fixed_asset_use_rate",
)
#: Money columns of the data tables.
MONEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "Budget": ("年初预算数", "全年预算数", "全年执行数"),
    "Projects": ("年初预算数", "全年预算数", "全年执行数"),
}
RATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "Budget": ("执行率",),
    "Projects": ("执行率",),
    "Indicators": ("完成率/偏差率",),
    "ScoreSummary": ("得分率",),
}
#: Columns whose cells are formulas evaltool writes (never trusted when read back).
COMPUTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "Indicators": ("完成率/偏差率", "得分", "计分值"),
    "Budget": ("执行率",),
    "Projects": ("执行率",),
}

#: Excel number formats used in messages (TEXT(x, fmt)); "general" concatenates as is.
FORMATS: dict[str, str] = {"money": "#,##0.00", "rate": "0.00%"}


def value_kind(key: str, *, table: str | None = None) -> ValueKind:
    """The kind of a defined name (``table`` None) or of a table column."""
    if table is None:
        k = key.lower()
        if k in MONEY_NAMES:
            return "money"
        if k in RATE_NAMES or k in SHARE_NAMES or k.endswith("_rate"):
            return "rate"
        if k in COUNT_NAMES:
            return "count"
        return "general"
    if key in MONEY_COLUMNS.get(table, ()):
        return "money"
    if key in RATE_COLUMNS.get(table, ()):
        return "rate"
    return "general"
