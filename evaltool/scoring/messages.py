"""The scoring messages, ``code -> (中文, English)``, for findings and ``Score.note``.

Why: one catalogue keeps the user-facing wording in one place and in both languages
(``evaltool.messages.text``); codes are stable and appear as ``Finding.rule`` (``SCORE-…``).

Example::

    text(MSG, "fuzzy_low", "zh", text="近800", bound="720")
"""

from __future__ import annotations

from evaltool.messages import text

__all__ = ["MSG", "text"]

MSG: dict[str, tuple[str, str]] = {
    "fuzzy_low": ("按模糊值下限计分：“{text}” 取 {bound}", "scored on the fuzzy value's lower bound: {text!r} → {bound}"),
    "fuzzy_high": ("按模糊值上限计分：“{text}” 取 {bound}", "scored on the fuzzy value's upper bound: {text!r} → {bound}"),
    "blank_actual": ("未填写实际完成值，暂不计分", "actual value not filled in: not scored yet"),
    "blank_source": ("{name} 无法计算（数据为空或分母为零），暂不计分", "{name} cannot be computed (blank data or zero denominator): not scored"),
    "actual_not_number": ("实际完成值 “{value}” 不是数值，无法计分，计 0 分", "actual value {value!r} is not a number: scored 0"),
    "actual_unbounded": ("实际完成值 “{value}” 无法确定计分界限，计 0 分", "actual value {value!r} has no bound to score on: scored 0"),
    "target_blank": ("未填写年度目标值，无法按完成率计分，计 0 分", "no target: a ratio cannot be scored: scored 0"),
    "target_bad": ("年度目标值 “{value}” 无法识别为数值或区间 a~b，计 0 分", "target {value!r} is neither a number nor a range a~b: scored 0"),
    "method_unknown": ("评分方法 “{method}” 不存在于评分方法表，计 0 分", "scoring method {method!r} is not in the Methods table: scored 0"),
    "kind_unknown": ("评分方法 {method} 的类型 “{kind}” 不受支持，计 0 分", "method {method}: unsupported kind {kind!r}: scored 0"),
    "source_unknown": ("评分方法 {method} 的 source={name} 不是已知的定义名称，计 0 分", "method {method}: source={name} is not a known name: scored 0"),
    "param_missing": ("评分方法 {method} 缺少参数 {key}，计 0 分", "method {method}: parameter {key} is missing: scored 0"),
    "param_not_number": ("评分方法 {method} 的参数 {key}={value} 不是数值，计 0 分", "method {method}: parameter {key}={value} is not a number: scored 0"),
    "param_bad_map": ("评分方法 {method} 的参数 {key}={value} 格式应为 名称=比例,名称=比例，计 0 分", "method {method}: parameter {key}={value} must be name=share,name=share: scored 0"),
    "param_bad_choice": ("评分方法 {method} 的参数 {key}={value} 取值无效，计 0 分", "method {method}: parameter {key}={value} is not a valid choice: scored 0"),
    "param_bands_len": ("评分方法 {method} 的 shares 个数应比 edges 多 1，计 0 分", "method {method}: shares must have one more item than edges: scored 0"),
    "param_linear_equal": ("评分方法 {method} 的 full 与 zero 不能相等，计 0 分", "method {method}: full and zero must differ: scored 0"),
    "tier_unknown": ("“{value}” 不是评分方法 {method} 的档次（{tiers}），计 0 分", "{value!r} is not a tier of method {method} ({tiers}): scored 0"),
    "over_target": ("完成值超过目标值的幅度高于 {threshold}，按规则扣分", "actual exceeds the target by more than {threshold}: penalty applied"),
    "rate_error": ("比率 {name} 的公式无法计算：{error}", "rate {name}: formula cannot be evaluated: {error}"),
    "grade_none": ("总分 {total} 不在任何等级区间内", "total {total} falls in no grade band"),
}
