"""Load and validate framework packs (``evaltool/frameworks/*.yaml``).

Why: a framework is data a bureau can read and edit; this module turns the YAML into the
frozen :mod:`evaltool.frameworks.schema` objects and refuses inconsistent data with a clear
Chinese/English message (unknown method code, unknown scoring kind or parameter, weights
that do not add up, a missing rule set, ...). Shared files: ``grades.yaml``, ``params.yaml``
and ``rates.yaml``; rule sets live in ``rules/<name>.yaml``.

Example::

    from evaltool.frameworks import load_framework, list_frameworks
    list_frameworks()                    # ['dept-2013', 'dept-overall', 'project-self']
    fw = load_framework("project-self")
    fw.level_weights()["产出"]           # Decimal('50')
"""

from __future__ import annotations

import os
import warnings
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, cast

import yaml

from evaltool.frameworks.locate import BUNDLED, find_framework, find_rule_set, list_framework_files
from evaltool.frameworks.schema import (
    COMMON_PARAMS,
    DIRECTIONS,
    INDICATOR_KINDS,
    KINDS,
    ROW_TABLES,
    SCOPES,
    SEVERITIES,
    Framework,
    FrameworkError,
    GradeSpec,
    IndicatorSpec,
    LevelSpec,
    MethodSpec,
    ParamSpec,
    RateSpec,
    RuleSpec,
    parse_map,
)
from evaltool.model import STANDINGS

HERE = BUNDLED
FRAMEWORK_KEYS = {
    "id", "name", "version", "description", "source", "notes", "levels", "methods",
    "rule_sets", "params", "grades", "follows", "filler_weighted_rows",
}
#: The documents whose rules the load checks know: a framework declaring 10号 must give
#: 产出 + 效益 at least 60% of the weight (财预〔2020〕10号: 原则上不低于60%).
DOC_10 = "财预〔2020〕10号"
DOC_53 = "财预〔2013〕53号"
#: Input names a method's ``source`` may use besides the rates (预算执行 scalars).
INPUT_NAMES = frozenset({
    "budget_initial", "budget_adjusted", "final_expenditure", "budget_adjustment", "carryover_total",
    "three_public_current", "three_public_prior", "staff_actual", "staff_authorized",
    "key_project_spend", "project_spend_total", "projects_evaluated_count",
    "projects_evaluated_share", "projects_evaluated_amount",
    "survey_sample", "survey_satisfied", "payment_progress_actual", "payment_progress_planned",
    "carryover_prior", "public_funds_actual", "public_funds_budget", "three_public_budget",
    "procurement_actual", "procurement_budget", "assets_in_use", "assets_total"})


def _standing(value: Any, where: str) -> str:
    """``standing`` must be one of official / local / default / unverified."""
    v = str(value or "").strip()
    if v not in STANDINGS:
        raise FrameworkError(f"{where}: standing 须为 {'/'.join(STANDINGS)}（实际 {v or '空'}） "
                             f"/ standing must be one of {', '.join(STANDINGS)}")
    return v


def _basis(value: Any, where: str) -> str:
    v = str(value or "").strip()
    if not v:
        raise FrameworkError(f"{where}: 缺少 basis（依据：文件及条款、地方做法或默认值说明） / missing basis")
    return v


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line it starts on (for messages naming the line)."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:  # type: ignore[override]
        out = _Mapping(cast("dict[str, Any]", super().construct_mapping(node, deep=deep)))
        out.line = node.start_mark.line + 1
        return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)


def _at(item: Any) -> str:
    """`` 第N行`` for a mapping read from a file, else empty."""
    line = getattr(item, "line", 0)
    return f" 第{line}行" if line else ""


def _read(path: Path) -> Any:
    if not path.is_file():
        raise FrameworkError(f"找不到框架数据文件 {path} / missing framework file {path}")
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        raise FrameworkError(f"{path}: YAML 格式错误 / invalid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise FrameworkError(f"{path}: 文件须为 UTF-8 编码 / the file must be UTF-8: {exc}") from exc


def _dec(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise FrameworkError(f"{where}: 分值不是数字 {value!r} / weight is not a number") from exc


def list_frameworks() -> list[str]:
    """Ids of the frameworks found: the bureau's folders and the bundled ones (see ``locate``)."""
    return list(list_framework_files())


def load_grades(data: Any = None) -> tuple[GradeSpec, ...]:
    rows = data if data is not None else _read(HERE / "grades.yaml")["grades"]
    out = []
    for g in rows:
        lower, upper = float(g["lower"]), float(g["upper"])
        if lower >= upper:
            raise FrameworkError(f"等级 {g['name']}: 下限须小于上限 / lower must be < upper")
        out.append(GradeSpec(str(g["name"]), lower, upper, bool(g.get("upper_inclusive", False)),
                             tuple(str(a) for a in g.get("aliases", []))))
    ordered = sorted(out, key=lambda g: g.lower)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.upper != b.lower:
            raise FrameworkError(f"等级 {a.name} 与 {b.name} 区间不衔接 / grade bands must be contiguous")
    return tuple(out)


def load_params(overrides: dict[str, Any] | None = None) -> tuple[ParamSpec, ...]:
    rows = _read(HERE / "params.yaml")["params"]
    overrides = dict(overrides or {})
    out = []
    for p in rows:
        name = str(p["name"])
        value = overrides.pop(name, p["value"])
        out.append(ParamSpec(name, value, str(p["label"])))
    for name, value in overrides.items():  # a framework may add its own parameters
        out.append(ParamSpec(str(name), value, str(name)))
    return tuple(out)


@cache
def load_rates() -> tuple[RateSpec, ...]:
    """The shared rate formulas (``rates.yaml``), read once per process."""
    rows = _read(HERE / "rates.yaml")["rates"]
    out = []
    for r in rows:
        where = f"rates.yaml {r.get('name')}"
        out.append(RateSpec(str(r["name"]), str(r["label"]), int(r["row"]), str(r["formula"]).lstrip("="),
                            str(r.get("description", "")), str(r.get("since", "")),
                            _basis(r.get("basis"), where), _standing(r.get("standing"), where)))
    return tuple(out)


def load_rule_set(name: str, beside: Path | None = None) -> tuple[RuleSpec, ...]:
    """Rules of ``rules/<name>.yaml`` (a list, or a mapping with a ``rules`` list).

    Looked up beside the framework file (``beside``), then in the bureau's folders, then in
    the package (:func:`evaltool.frameworks.locate.find_rule_set`).
    """
    path = find_rule_set(name, beside) or HERE / "rules" / f"{name}.yaml"
    data = _read(path)
    rows = data.get("rules", []) if isinstance(data, dict) else (data or [])
    out = []
    for i, r in enumerate(rows, 1):
        where = f"{path} 第{i}条{_at(r)}"
        for key in ("id", "scope", "expression", "severity", "message"):
            if key not in r:
                raise FrameworkError(f"{where}: 缺少 {key} / rule is missing {key!r}")
        if r["scope"] not in SCOPES:
            raise FrameworkError(f"{where}: 范围须为 {'/'.join(SCOPES)} / bad scope {r['scope']!r}")
        if r["severity"] not in SEVERITIES:
            raise FrameworkError(f"{where}: 级别须为 {'/'.join(SEVERITIES)} / bad severity {r['severity']!r}")
        table = str(r.get("table") or "")
        if r["scope"] == "逐行" and table not in ROW_TABLES:
            raise FrameworkError(f"{where}: 逐行规则须指定对象表 {ROW_TABLES} / row rule needs a table")
        tol = r.get("tolerance")
        explain = r.get("explain", False)
        out.append(RuleSpec(str(r["id"]), str(r["scope"]), table, str(r["expression"]).lstrip("="),
                            str(r["severity"]), str(r["message"]), None if tol in (None, "") else float(tol),
                            explain in (True, "是", "yes"), name))
    return tuple(out)


def _methods(rows: list[dict[str, Any]], fid: str, names: set[str]) -> tuple[MethodSpec, ...]:
    out: list[MethodSpec] = []
    for m in rows:
        code, kind = str(m["code"]), str(m["kind"])
        where = f"{fid}.yaml 方法 {code}{_at(m)}"
        if kind not in KINDS:
            raise FrameworkError(f"{where}: 未知计分类型 {kind!r}，可用：{', '.join(KINDS)} / unknown kind")
        spec = MethodSpec(code, str(m["name"]), kind, str(m.get("params", "")), str(m.get("description", "")),
                          _basis(m.get("basis"), where), _standing(m.get("standing"), where))
        params = spec.params
        bad = set(params) - KINDS[kind] - COMMON_PARAMS
        if bad:
            raise FrameworkError(f"{where}: 类型 {kind} 不接受参数 {sorted(bad)} / unknown parameters")
        if "source" in params and params["source"] not in names:
            raise FrameworkError(f"{where}: source={params['source']} 不是已定义名称 / unknown source name")
        if kind == "deduct_per_pp" and "per_pp" in params:
            raise FrameworkError(f"{where}: 每百分点扣分须由分值推出，请用 per_pp_share（占分值的比例）代替 per_pp "
                                 f"/ per-point deductions derive from the weight: use per_pp_share, not per_pp")
        if kind == "qualitative":
            _check_tiers(params, where)
        if code in {x.code for x in out}:
            raise FrameworkError(f"{where}: 方法编号重复 / duplicate method code")
        out.append(spec)
    return tuple(out)


def _check_tiers(params: dict[str, str], where: str) -> None:
    """Every tier has a band ``lo~hi`` and its default share lies inside it (财预〔2020〕10号)."""
    tiers = parse_map(params.get("tiers", ""))
    if not tiers:
        raise FrameworkError(f"{where}: 定性方法须有 tiers / qualitative needs tiers")
    bands = parse_map(params.get("bands", ""))
    if not bands:
        raise FrameworkError(f"{where}: 定性方法须有 bands（各档比例区间，如 达成=0.8~1） / qualitative needs bands")
    for name, share in tiers.items():
        rng = bands.get(name, "")
        lo_s, sep, hi_s = rng.replace("～", "~").partition("~")
        try:
            lo, hi, x = float(lo_s), float(hi_s), float(share)
        except ValueError:
            raise FrameworkError(f"{where}: 档次 {name} 的比例或区间不是数字 / tier {name}: share or band is not "
                                 f"a number") from None
        inside = lo <= x <= hi if hi >= 1 else lo <= x < hi
        if not sep or not inside:
            raise FrameworkError(f"{where}: 档次 {name} 的默认比例 {share} 不在其区间 {rng or '（缺）'} 内 "
                                 f"/ tier {name}: default share {share} is outside its band {rng!r}")


def _levels(data: dict[str, Any], fid: str, methods: tuple[MethodSpec, ...],
            unit_points: list[tuple[str, str, Decimal]] | None = None,
            ) -> tuple[tuple[LevelSpec, ...], tuple[IndicatorSpec, ...]]:
    """Levels and indicators; a group's ``unit_points`` (points kept for each unit's own
    indicators, set by the bureau's targets file) are collected into ``unit_points``."""
    codes = {m.code: m for m in methods}
    levels: list[LevelSpec] = []
    inds: list[IndicatorSpec] = []
    for lv in data["levels"]:
        l1 = str(lv["name"])
        lw = _dec(lv["weight"], f"{fid} 一级 {l1}")
        groups = []
        got = Decimal(0)
        for grp in lv["groups"]:
            l2 = str(grp["name"])
            groups.append(l2)
            if grp.get("unit_points") not in (None, "", 0):
                pts = _dec(grp["unit_points"], f"{fid}.yaml {l1}/{l2} unit_points{_at(grp)}")
                if pts <= 0:
                    raise FrameworkError(f"{fid}.yaml {l1}/{l2}{_at(grp)}: unit_points 须为正数 / must be positive")
                got += pts
                if unit_points is not None:
                    unit_points.append((l1, l2, pts))
            for ind in grp.get("indicators") or []:
                where = f"{fid}.yaml {l1}/{l2}/{ind.get('name')}{_at(ind)}"
                basis = _basis(ind.get("basis") or grp.get("basis") or lv.get("basis"), where)
                standing = _standing(ind.get("standing") or grp.get("standing") or lv.get("standing"), where)
                kind = str(ind.get("kind", "定量"))
                direction = str(ind.get("direction", "≥" if kind == "定量" else "="))
                method = str(ind["method"])
                if kind not in INDICATOR_KINDS:
                    raise FrameworkError(f"{where}: 指标类型须为 定量/定性 / bad kind {kind!r}")
                if direction not in DIRECTIONS:
                    raise FrameworkError(f"{where}: 指标方向须为 {'/'.join(DIRECTIONS)} / bad direction")
                if method not in codes:
                    raise FrameworkError(f"{where}: 评分方法 {method} 未在 methods 中定义 / unknown method")
                w = _dec(ind["weight"], where)
                got += w
                inds.append(IndicatorSpec(l1, l2, str(ind["name"]), kind, method, w, str(ind.get("unit", "")),
                                          direction, ind.get("target"), str(ind.get("note", "")), basis, standing,
                                          str(ind.get("formula", ""))))
        if got != lw:
            raise FrameworkError(f"{fid}.yaml 一级 {l1}: 三级分值合计 {got} ≠ 声明的 {lw} / weights do not add up")
        levels.append(LevelSpec(l1, lw, tuple(groups)))
    return tuple(levels), tuple(inds)


def load_framework(ref: str | os.PathLike[str], *, strict: bool = False) -> Framework:
    """Load and validate a framework: a bundled or bureau id, or a path to a ``.yaml`` file.

    Rule sets that are listed but missing are recorded in ``missing_rule_sets`` with a
    warning (``strict=True`` raises instead). Unknown ids raise :class:`FrameworkError`
    listing the known ones; a file that breaks a load check is refused with a message naming
    the file (and the line where one is known).
    """
    path = find_framework(ref)
    if path is None:
        known = list_frameworks()
        raise FrameworkError(f"未知评价框架 {os.fspath(ref)!r}，可用：{', '.join(known)}（或给出 .yaml 文件路径）"
                             f" / unknown framework (give an id or a path to a .yaml file)")
    resolved = path.resolve()
    return _load_file(resolved, resolved.stat().st_mtime_ns if resolved.is_file() else 0, strict)


@cache
def _load_file(path: Path, mtime_ns: int, strict: bool) -> Framework:
    """One load per file version (the mtime is part of the key, so an edited file is re-read)."""
    data = _read(path)
    fid = path.stem
    beside = None if path.parent == HERE else path.parent
    try:
        return framework_from_data(data, fid, strict=strict, beside=beside)
    except FrameworkError as exc:
        if beside is None or str(path) in str(exc):
            raise
        raise FrameworkError(f"{path}: {exc}") from exc


def framework_from_data(data: Any, framework_id: str, *, strict: bool = False,
                        beside: Path | None = None) -> Framework:
    """Validate an already-parsed framework document (the YAML as Python data).

    ``beside`` is the folder of the framework file when it is not bundled; its ``rules/``
    sub-folder is searched first for the rule sets it lists.
    """
    if not isinstance(data, dict):
        raise FrameworkError(f"{framework_id}.yaml: 内容须为映射 / the document must be a mapping")
    extra = set(data) - FRAMEWORK_KEYS
    if extra:
        raise FrameworkError(f"{framework_id}.yaml: 未知字段 {sorted(extra)} / unknown keys")
    for key in ("id", "name", "levels", "methods"):
        if key not in data:
            raise FrameworkError(f"{framework_id}.yaml: 缺少字段 {key} / missing key {key!r}")
    if data.get("id") != framework_id:
        raise FrameworkError(f"{framework_id}.yaml: id {data.get('id')!r} 与文件名不符（文件名须为 <id>.yaml）"
                             f" / id does not match the file name")
    rates = load_rates()
    names = {r.name for r in rates} | INPUT_NAMES
    try:
        methods = _methods(data["methods"], framework_id, names)
        unit_points: list[tuple[str, str, Decimal]] = []
        levels, inds = _levels(data, framework_id, methods, unit_points)
    except (KeyError, TypeError, AttributeError) as exc:
        raise FrameworkError(f"{framework_id}.yaml: 方法或指标缺少字段 {exc} / malformed method or indicator") from exc
    total = sum((lv.weight for lv in levels), Decimal(0))
    if total != 100:
        raise FrameworkError(f"{framework_id}.yaml: 一级分值合计 {total} ≠ 100 / level weights must sum to 100")
    follows = tuple(str(d) for d in (data.get("follows") or []))
    if any(DOC_10 in d for d in follows):
        weights = {lv.name: lv.weight for lv in levels}
        results = weights.get("产出", Decimal(0)) + weights.get("效益", Decimal(0))
        if results < 60:
            raise FrameworkError(f"{framework_id}.yaml: 声明遵循{DOC_10}，产出与效益分值合计 {results} 低于 60 "
                                 f"/ a 10号 framework needs 产出 + 效益 ≥ 60% of the weight")
    seen: set[tuple[str, str, str]] = set()
    for i in inds:
        triple = (i.level1, i.level2, i.name)
        if triple in seen:
            raise FrameworkError(f"{framework_id}.yaml: 指标重复 {'/'.join(triple)} / duplicate indicator")
        seen.add(triple)
    rule_sets = tuple(str(s) for s in data.get("rule_sets", []))
    rules: list[RuleSpec] = []
    missing: list[str] = []
    for rs in rule_sets:
        if find_rule_set(rs, beside) is None:
            missing.append(rs)
            continue
        rules.extend(load_rule_set(rs, beside))
    if missing:
        msg = (f"{framework_id}: 缺少规则集 {', '.join(missing)}（应在框架文件旁的 rules/<名称>.yaml、"
               f"$EVALTOOL_HOME/frameworks/rules/ 或配置文件夹的 frameworks/rules/） / missing rule sets")
        if strict:
            raise FrameworkError(msg)
        warnings.warn(msg, stacklevel=2)
    ids = [r.id for r in rules]
    dup = sorted({x for x in ids if ids.count(x) > 1})
    if dup:
        raise FrameworkError(f"{framework_id}: 规则编号重复 {dup} / duplicate rule ids")
    grades = load_grades(data.get("grades"))
    return Framework(
        id=framework_id, name=str(data["name"]), version=str(data.get("version", "1.0")),
        description=str(data.get("description", "")), source=str(data.get("source", "")),
        notes=str(data.get("notes", "")), levels=levels, indicators=inds, methods=methods,
        rule_sets=rule_sets, rules=tuple(rules), grades=grades, params=load_params(data.get("params")),
        rates=rates, missing_rule_sets=tuple(missing), follows=follows, unit_points=tuple(unit_points),
        filler_weighted_rows=bool(data.get("filler_weighted_rows", False)),
    )
