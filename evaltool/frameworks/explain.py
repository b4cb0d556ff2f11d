"""``evaltool frameworks --explain F``: a framework as a bureau reads it — every indicator with its
formula, method, source and standing; every method and rate with theirs.

Why: a grade is defensible only when each rule behind it can be traced to the text it follows
and how sure that text is (官方 official / 地方 local / 默认 default / 未核实 unverified). This
renders that trace from the framework file itself, so it cannot drift from what scores.

Example::

    print(explain(load_framework("dept-2013")))
    # 部门整体支出绩效评价（财预〔2013〕53号共性指标）  dept-2013 2.0
    # 遵循 follows：财预〔2013〕53号
    # …
    # 投入 15 分
    #   预算配置/在职人员控制率  3 分  M03 在职人员控制率扣分  公式：在职人员数/编制数
    #       依据：财预〔2013〕53号 附件2 投入（目标设定、预算配置）；分值为 evaltool 默认 [官方 official]
"""

from __future__ import annotations

from evaltool.frameworks.schema import Framework, RateSpec
from evaltool.model import STANDINGS

__all__ = ["explain"]


def _standing(key: str) -> str:
    return f"[{STANDINGS.get(key, key)} {key}]"


def _rates_used(fw: Framework) -> list[RateSpec]:
    used = {m.params.get("source", "") for m in fw.methods}
    return [r for r in fw.rates if r.name in used]


def explain(fw: Framework) -> str:
    """The framework as text: header, indicators by level, methods, the rates it scores on."""
    lines = [f"{fw.name}  {fw.id} {fw.version}"]
    lines.append("遵循 follows：" + ("、".join(fw.follows) if fw.follows else "（未声明官方文件；地方做法或默认）"))
    if fw.source:
        lines.append("来源 source：" + fw.source)
    lines.append("效力 standing：官方 official = 官方文件条文；地方 local = 地方评分表做法；"
                 "默认 default = evaltool 默认参数，可改；未核实 unverified = 仅见二手资料，待与原文核对")
    lines.append("")
    lines.append("== 指标 indicators ==")
    methods = {m.code: m for m in fw.methods}
    for lv in fw.levels:
        inds = [i for i in fw.indicators if i.level1 == lv.name]
        lines.append(f"{lv.name} {lv.weight} 分")
        for i in inds:
            m = methods.get(i.method)
            formula = f"  公式：{i.formula}" if i.formula else ""
            lines.append(f"  {i.level2}/{i.name}  {i.weight} 分  {i.method} {m.name if m else ''}{formula}")
            lines.append(f"      依据：{i.basis} {_standing(i.standing)}")
        for l1, l2, points in fw.unit_points:  # kept for each unit's own indicators (docs/targets.md)
            if l1 == lv.name:
                lines.append(f"  {l2}/（单位个性指标）  {points} 分  由财政部门目标表下达 / the unit's own, "
                             "from the bureau's targets file")
    lines.append("")
    lines.append("== 评分方法 methods ==")
    for m in fw.methods:
        lines.append(f"{m.code} {m.name}（{m.kind}；{m.params_text or '无参数'}）")
        lines.append(f"      规则：{m.description}")
        lines.append(f"      依据：{m.basis} {_standing(m.standing)}")
    rates = _rates_used(fw)
    if rates:
        lines.append("")
        lines.append("== 计算比率 rates ==")
        for r in rates:
            lines.append(f"{r.name} {r.label} = {r.description}")
            lines.append(f"      公式：={r.formula}")
            lines.append(f"      依据：{r.basis} {_standing(r.standing)}")
    return "\n".join(lines)
