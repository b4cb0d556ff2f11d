"""Framework packs load, validate, and add up; bad data is refused with clear messages."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
import yaml

from evaltool.frameworks import (
    KINDS,
    FrameworkError,
    framework_from_data,
    list_frameworks,
    load_framework,
    parse_map,
    parse_params,
)
from evaltool.frameworks.loader import HERE

EXPECTED_LEVELS = {
    "dept-overall": {"产出": 50, "效果": 30, "预算管理": 20},
    "project-self": {"预算执行率": 10, "产出": 50, "效益": 30, "满意度": 10},
    "dept-2013": {"投入": 15, "过程": 40, "产出": 25, "效果": 20},
}


def test_list():
    assert list_frameworks() == ["dept-2013", "dept-overall", "project-self"]


@pytest.mark.parametrize("fid", sorted(EXPECTED_LEVELS))
def test_weights_add_up(fid):
    """Indicator weights plus the points kept for each unit's own indicators (docs/targets.md) = 100."""
    fw = load_framework(fid)
    kept = {(a, b): p for a, b, p in fw.unit_points}
    assert fw.total_weight() + sum(kept.values()) == 100
    assert {k: int(v) for k, v in fw.level_weights().items()} == EXPECTED_LEVELS[fid]
    for lv in fw.levels:
        own = sum(p for (a, _b), p in kept.items() if a == lv.name)
        assert sum(i.weight for i in fw.indicators if i.level1 == lv.name) + own == lv.weight
        assert {i.level2 for i in fw.indicators if i.level1 == lv.name} | {b for a, b in kept if a == lv.name} \
            == set(lv.groups)


def test_dept_overall_is_generic():
    """The shared indicators only; the sample unit's own ones come from its targets file."""
    fw = load_framework("dept-overall")
    names = {i.name for i in fw.indicators}
    assert "执委领办项目数" not in names and "春蕾女童教育实践场次" not in names
    assert {"服务对象满意度", "部门预决算差异率", "财务管理制度健全性"} <= names
    assert sum(p for *_, p in fw.unit_points) == 59


@pytest.mark.parametrize("fid", sorted(EXPECTED_LEVELS))
def test_methods_are_known_kinds(fid):
    fw = load_framework(fid)
    codes = {m.code for m in fw.methods}
    assert {i.method for i in fw.indicators} <= codes
    for m in fw.methods:
        assert m.kind in KINDS
        assert set(m.params) <= KINDS[m.kind] | {"source"}
        assert m.name and m.description
    assert fw.rules and fw.missing_rule_sets == ()
    assert "默认" in fw.source + fw.notes  # default weights are flagged as evaltool's defaults


def test_rate_scored_indicators():
    fw = load_framework("dept-overall")
    row = next(i for i in fw.indicators if i.name == "部门预决算差异率")
    assert fw.method(row.method).params["source"] == "variance_rate"
    ps = load_framework("project-self")
    row = next(i for i in ps.indicators if i.name == "预算执行率")
    assert ps.method(row.method).params["source"] == "execution_rate" and row.weight == 10
    d13 = load_framework("dept-2013")
    sources = {d13.method(i.method).params.get("source") for i in d13.indicators}
    assert {"staff_control_rate", "three_public_change_rate", "key_spend_rate", "execution_rate",
            "adjustment_rate", "carryover_rate"} <= sources


def test_grades_and_params():
    from evaltool.rules.builtin.consistency import REPORTED_RATE_TOLERANCE

    fw = load_framework("dept-overall")
    g = {x.name: x for x in fw.grades}
    assert (g["优"].lower, g["优"].upper, g["优"].upper_inclusive) == (90, 100, True)
    assert (g["良"].lower, g["良"].upper, g["良"].upper_inclusive) == (80, 90, False)
    assert "合格" in g["中"].aliases and "不合格" in g["差"].aliases and "优秀" in g["优"].aliases
    p = {x.name: x.value for x in fw.params}
    assert p == {"round_digits": 2, "overachieve_threshold": 0.3, "fuzzy_epsilon": 0.1,
                 "variance_warn_threshold": 0.05, "money_tolerance": 0.005, "rate_tolerance": 0.00005,
                 "variance_sign": "(年初预算-决算)/年初预算", "min_coverage": 0.8, "zero_base_increase": 1,
                 "survey_min_sample": 30, "reported_rate_tolerance": REPORTED_RATE_TOLERANCE}  # the code's default
    assert [r.row for r in fw.rates] == list(range(24, 31)) + list(range(47, 54))


def test_param_parsing():
    assert parse_params("tiers=达成=1,部分达成=0.8；cap=1") == {"tiers": "达成=1,部分达成=0.8", "cap": "1"}
    assert parse_map("达成=1,部分达成=0.8，未达成=0.6") == {"达成": "1", "部分达成": "0.8", "未达成": "0.6"}
    with pytest.raises(FrameworkError, match="缺少"):
        parse_params("cap")


@pytest.fixture()
def doc():
    return yaml.safe_load((HERE / "project-self.yaml").read_text(encoding="utf-8"))


def test_from_data_roundtrip(doc):
    fw = framework_from_data(doc, "project-self")
    assert fw.total_weight() == Decimal(100)


@pytest.mark.parametrize("mutate,match", [
    (lambda d: d["levels"][1]["groups"][0]["indicators"][0].update(weight=21), "合计"),
    (lambda d: d["levels"][0].update(weight=11), "合计"),
    (lambda d: d["methods"][0].update(kind="magic"), "未知计分类型"),
    (lambda d: d["methods"][0].update(params="cap=1; speed=3"), "不接受参数"),
    (lambda d: d["methods"][3].update(params="cap=1; source=nothing"), "source"),
    (lambda d: d["levels"][1]["groups"][0]["indicators"][0].update(method="M99"), "M99"),
    (lambda d: d["levels"][1]["groups"][0]["indicators"][0].update(direction=">"), "指标方向"),
    (lambda d: d.update(colour="red"), "未知字段"),
    (lambda d: d["methods"].append(dict(d["methods"][0])), "重复"),
    (lambda d: d["levels"][1]["groups"][0]["indicators"][0].pop("weight"), "缺少字段"),
])
def test_bad_data_refused(doc, mutate, match):
    bad = copy.deepcopy(doc)
    mutate(bad)
    with pytest.raises(FrameworkError, match=match):
        framework_from_data(bad, "project-self")


def test_missing_rule_set(doc):
    doc["rule_sets"] = ["common", "no-such-set"]
    with pytest.warns(UserWarning, match="no-such-set"):
        fw = framework_from_data(doc, "project-self")
    assert fw.missing_rule_sets == ("no-such-set",)
    assert fw.rules  # the common set still loaded
    with pytest.raises(FrameworkError, match="no-such-set"):
        framework_from_data(doc, "project-self", strict=True)


def test_unknown_framework_lists_known():
    with pytest.raises(FrameworkError, match="dept-overall"):
        load_framework("nope")


def test_explain_shows_the_points_kept_for_each_units_own_indicators():
    from evaltool.frameworks.explain import explain

    text = explain(load_framework("dept-overall"))
    kept = [line for line in text.splitlines() if "（单位个性指标）" in line]
    assert [line.split()[0] for line in kept] == ["数量/（单位个性指标）", "质量/（单位个性指标）",
                                                  "社会效益/（单位个性指标）", "可持续影响/（单位个性指标）"]
    assert sum(int(line.split()[1]) for line in kept) == 59
