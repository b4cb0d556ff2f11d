"""Turn a framework or a workbook's rule sheets back into framework YAML a bureau can edit.

Why: a bureau adapts evaltool by copying a framework and editing the copy — never the files
inside the installed package. ``framework_document`` writes a bundled (or bureau) framework
as a new document under a new id; ``workbook_document`` rebuilds one from an issued or
returned workbook (its 绩效指标, 评分方法, 校验规则 and 等级标准 sheets are the framework it
was issued with), so a bureau that edited its template in Excel can carry the change forward.

Example::

    from evaltool.frameworks.export import framework_document, dump
    doc, rules = framework_document("dept-overall", new_id="本局部门整体")
    Path("本局部门整体.yaml").write_text(dump(doc), encoding="utf-8")
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import yaml

from evaltool.frameworks.loader import load_framework
from evaltool.frameworks.schema import Framework, RuleSpec
from evaltool.messages import severity_label
from evaltool.model import STANDINGS, Evaluation

__all__ = ["framework_document", "workbook_document", "rules_document", "dump"]

_STANDING_KEY = {v: k for k, v in STANDINGS.items()}
#: What a workbook does not say about its methods' and indicators' sources: exported as such.
_UNSTATED = "导出自工作簿，原文件未载明依据"



def _num(value: Decimal | float | int | None) -> int | float | None:
    if value is None:
        return None
    d = Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


def _levels(rows: Iterable[tuple[str, str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Group (一级, 二级, indicator) rows into the YAML ``levels`` structure, order kept."""
    levels: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for l1, l2, ind in rows:
        levels.setdefault(l1, {}).setdefault(l2, []).append(ind)
    out = []
    for l1, groups in levels.items():
        weight = sum((Decimal(str(i["weight"])) for g in groups.values() for i in g), Decimal(0))
        out.append({"name": l1, "weight": _num(weight),
                    "groups": [{"name": l2, "indicators": inds} for l2, inds in groups.items()]})
    return out


def _framework_levels(fw: Framework, rows: list[tuple[str, str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The framework's levels in its own order, with the points its groups keep for each
    unit's own indicators (``unit_points``, docs/targets.md)."""
    kept = {(a, b): p for a, b, p in fw.unit_points}
    out = []
    for lv in fw.levels:
        groups = []
        for l2 in lv.groups:
            group: dict[str, Any] = {"name": l2}
            if (lv.name, l2) in kept:
                group["unit_points"] = _num(kept[(lv.name, l2)])
            inds = [ind for a, b, ind in rows if (a, b) == (lv.name, l2)]
            if inds:
                group["indicators"] = inds
            groups.append(group)
        out.append({"name": lv.name, "weight": _num(lv.weight), "groups": groups})
    return out


def rules_document(rules: Iterable[RuleSpec]) -> list[dict[str, Any]]:
    """A rule set as YAML rows (the shape of ``frameworks/rules/*.yaml``)."""
    return [{"id": r.id, "scope": r.scope, **({"table": r.table} if r.table else {}),
             "expression": r.expression, "severity": r.severity, "message": r.message,
             **({"tolerance": r.tolerance} if r.tolerance is not None else {}), "explain": r.explain}
            for r in rules]


def framework_document(ref: str, *, new_id: str | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``ref`` (an id or a file) as a framework document under ``new_id``, plus its rules.

    The rules are returned as one rule set (all the framework's rule sets merged), which the
    document lists under the name ``new_id``.
    """
    fw: Framework = load_framework(ref)
    fid = new_id or fw.id
    rows = []
    for i in fw.indicators:
        ind: dict[str, Any] = {"name": i.name, "kind": i.kind, "method": i.method, "weight": _num(i.weight)}
        if i.unit:
            ind["unit"] = i.unit
        ind["direction"] = i.direction
        if i.target not in (None, ""):
            ind["target"] = i.target
        if i.note:
            ind["note"] = i.note
        if i.formula:
            ind["formula"] = i.formula
        ind["basis"], ind["standing"] = i.basis, i.standing
        rows.append((i.level1, i.level2, ind))
    doc: dict[str, Any] = {
        "id": fid, "name": fw.name, "version": fw.version, "description": fw.description,
        "source": fw.source or f"复制自 {fw.id}", "notes": fw.notes, "rule_sets": [fid],
        "follows": list(fw.follows),
        "methods": [{"code": m.code, "name": m.name, "kind": m.kind, "params": m.params_text,
                     "description": m.description, "basis": m.basis, "standing": m.standing}
                    for m in fw.methods],
        "levels": _framework_levels(fw, rows),
        "grades": [{"name": g.name, "lower": _num(g.lower), "upper": _num(g.upper),
                    "upper_inclusive": g.upper_inclusive, "aliases": list(g.aliases)} for g in fw.grades],
        "params": {p.name: p.value for p in fw.params},
        **({"filler_weighted_rows": True} if fw.filler_weighted_rows else {}),
    }
    return doc, rules_document(fw.rules)


def workbook_document(ev: Evaluation, new_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The framework a workbook carries (its indicator, method, rule and grade sheets)."""
    rows = []
    for i in ev.indicator_rows:
        if not i.level3 or i.weight is None:
            continue
        ind: dict[str, Any] = {"name": i.level3, "kind": i.kind or "定量", "method": i.method,
                               "weight": _num(i.weight)}
        if i.unit:
            ind["unit"] = i.unit
        if i.direction:
            ind["direction"] = i.direction
        if i.target not in (None, "") and not isinstance(i.target, str):
            ind["target"] = _num(i.target)  # type: ignore[arg-type]
        ind["basis"], ind["standing"] = _UNSTATED, "unverified"
        rows.append((i.level1, i.level2, ind))
    fw_name = ev.meta.get("framework_name", "") or ev.framework_id
    doc: dict[str, Any] = {
        "id": new_id, "name": fw_name, "version": "1.0",
        "description": f"由工作簿 {ev.path} 导出（框架 {ev.framework_id}）",
        "source": f"导出自工作簿（原框架 {ev.framework_id}）", "rule_sets": [new_id],
        "methods": [{"code": m.code, "name": m.name, "kind": m.kind, "params": m.params_text,
                     "description": m.description, "basis": m.basis or _UNSTATED,
                     "standing": _STANDING_KEY.get(m.standing, m.standing) if m.standing else "unverified"}
                    for m in ev.methods],
        "levels": _levels(rows),
        "grades": [{"name": g.name, "lower": _num(g.lower), "upper": _num(g.upper),
                    "upper_inclusive": g.upper_inclusive, "aliases": list(g.aliases)} for g in ev.grades],
    }
    if ev.params:
        doc["params"] = {p.name: (_num(p.value) if isinstance(p.value, (Decimal, int, float))
                                  and not isinstance(p.value, bool) else p.value) for p in ev.params}
    rules = [{"id": r.id, "scope": r.scope, **({"table": r.table} if r.table else {}),
              "expression": r.expression, "severity": severity_label(r.severity),
              "message": r.message, **({"tolerance": r.tolerance} if r.tolerance is not None else {}),
              "explain": r.explain_required} for r in ev.rules]
    return doc, rules


def dump(doc: Any) -> str:
    """YAML text as a person would write it: Chinese kept, keys in their given order."""
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)
