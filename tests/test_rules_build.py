"""Workbook builders shared by the rules tests: the seed sample, a clean and a bad variant,
seeded random variations for the LibreOffice parity test, and cell patching.

Why: every rules test runs on real files written by the template writer and read back by
the reader — never on hand-made model objects — so what is tested is what users run.
"""

from __future__ import annotations

import copy
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import evaltool.demo.samples
from evaltool.frameworks import load_framework
from evaltool.io import patch_cells
from evaltool.io.reader import load
from evaltool.model import Evaluation
from evaltool.template import write_template

ROOT = Path(__file__).resolve().parent.parent
CREATED = "2024-06-30T00:00:00+00:00"


MS = evaltool.demo.samples


def sample_values() -> dict[str, Any]:
    return copy.deepcopy(MS.sample_values())


def write(path: Path, values: dict[str, Any], framework: str = "dept-overall") -> Path:
    targets = MS.targets_of_values(values) if framework == "dept-overall" else None  # the sample's, as issued
    return write_template(framework, path, unit_name=str(values.get("unit_name", "测试单位")), year=2023,
                          values=values, created_at=CREATED, targets=targets)


def good_values() -> dict[str, Any]:
    """The sample made clean: exact actuals, amounts in 元, no 示例 notes, variance 4.78%."""
    v = sample_values()
    for name, (target, actual, _note) in MS.ACTUALS.items():
        exact = actual if isinstance(actual, int) else target
        v["indicators"][name] = {"年度目标值": target, "实际完成值": exact, "备注": ""}
    v["indicators"]["处理妇女来电来信来访件数"]["年度目标值"] = 160  # 199/160 − 1 = 24.4% ≤ 30%
    for name in MS.QUALITATIVE:
        v["indicators"][name]["备注"] = ""
    v["projects_evaluated_amount"] = Decimal("6049100.00")
    v["final_expenditure"] = Decimal("18000000.00")  # (18902744.60 − 18000000)/18902744.60 = 4.78%
    v["budget_adjusted"] = v["budget_initial"]  # the framework's denominator is given (no RATE-4 fallback)
    v["survey_sample"], v["survey_satisfied"] = 200, 190  # a survey: satisfaction 95 % (SURVEY-1 passes)
    v["indicators"]["服务对象满意度"] = {"备注": ""}
    v.pop("projects_evaluated_amount__note", None)
    v.pop("variance_rate_reported", None)  # the report's 9.60% no longer matches the changed figures
    return v


def bad_values() -> dict[str, Any]:
    """One trigger per built-in check (see test_rules_engine.test_each_builtin_fires)."""
    v = good_values()
    ind = v["indicators"]
    v["budget_adjusted"] = "一千万"  # TYPE-1 (text in a money cell) at 预算执行!C5
    ind["执委领办项目数"]["实际完成值"] = "达成预期指标"  # TYPE-1 (定量 actual not a quantity), row 5
    ind["青年交友联谊活动参与人数"]["实际完成值"] = "近800"  # NUM-1, row 11
    ind["失独老人活动次数"]["实际完成值"] = "一百二十"  # NUM-2, row 12
    ind["救助患癌妇女人数"]["年度目标值"] = "若干"  # TGT-1M, row 13
    ind["春蕾女童教育实践场次"]["备注"] = "目标值为示例"  # NOTE-1, row 15
    v["projects_evaluated_amount"] = Decimal("604.91")  # UNIT-1 small vs budget, 预算执行!B21
    v["carryover_total"] = Decimal("1234.567")  # UNIT-1 > 2 decimals, 预算执行!B12
    v["projects_evaluated_share"] = 100  # UNIT-2, 预算执行!B20
    v["self_grade"] = "良好"  # SCORE-3: the computed total is in 优
    v["projects"] = [{"序号": 1, "项目名称": "妇女儿童服务", "年初预算数": 100000, "全年预算数": 100000,
                      "全年执行数": 90000, "是否评价": "是", "自评得分": 95, "自评等级": "良"}]  # SCORE-3, K5→J5
    return v


def patch(src: Path, dst: Path, cells: dict[tuple[str, str], object]) -> Path:
    patch_cells(src, dst, cells)
    return dst


def checks_row(ev: Evaluation, rule: str, sheet: str, cell: str) -> int:
    """The sheet row of the Checks table holding (rule, sheet, cell)."""
    t = ev.tables["Checks"]
    grid = ev.grids[t.sheet]
    for r in range(t.first_data_row, t.last_data_row + 1):
        row = grid[r - 1]
        if (row[0], row[3], row[4]) == (rule, sheet, cell):
            return r
    raise KeyError((rule, sheet, cell))


FUZZY = ["近800", "三十余", "10余万", "约50", "数十", "两千", "达成预期指标", "", None, "一百二十"]


def variation(seed: int, framework: str = "dept-overall") -> dict[str, Any]:
    """Seeded random perturbation of budget figures, weights, actuals (blank/text/fuzzy)."""
    rnd = random.Random(seed)
    fw = load_framework(framework)
    v: dict[str, Any] = {"unit_name": f"单位{seed}", "self_grade": rnd.choice(["优秀", "良", "", "差"])}
    inds: dict[str, dict[str, Any]] = {}
    for spec in fw.indicators:
        target = spec.target if isinstance(spec.target, (int, float)) else rnd.choice([10, 100, 800])
        row: dict[str, Any] = {}
        choice = rnd.random()
        if spec.kind == "定性":
            row["实际完成值"] = rnd.choice(["达成", "部分达成", "", "优"])
        elif choice < 0.25:
            row.update(年度目标值=target, 实际完成值=rnd.choice(FUZZY))
        elif choice < 0.6:
            row.update(年度目标值=target, 实际完成值=round(target * rnd.uniform(0.5, 1.6)))
        elif choice < 0.7:
            row.update(年度目标值=None, 实际完成值=target)
        elif choice < 0.85:
            row.update(年度目标值=target, 实际完成值=round(target * rnd.uniform(0.5, 1.6)), 偏差原因="因故调整")
        else:
            row.update(年度目标值=target, 实际完成值=Decimal(str(round(target * 1.3, 2))))
        inds[f"{spec.level2}/{spec.name}"] = row
    v["indicators"] = inds
    b = Decimal(rnd.randint(1_000_000, 30_000_000)) + Decimal(rnd.randint(0, 99)) / 100
    v["budget_initial"] = b if rnd.random() > 0.15 else "一千万"
    v["final_expenditure"] = (b * Decimal(str(round(rnd.uniform(0.8, 1.1), 4)))).quantize(Decimal("0.01"))
    if rnd.random() < 0.7:
        v["budget_adjusted"] = (b * Decimal(str(round(rnd.uniform(0.9, 1.05), 4)))).quantize(Decimal("0.01"))
    lines: dict[str, dict[str, Any]] = {"其中：财政拨款": {}, "上年结转": {}}
    for k, (column, name) in enumerate((("年初预算数", "budget_initial"), ("全年预算数", "budget_adjusted"),
                                        ("全年执行数", "final_expenditure"))):
        total = v.get(name)
        if isinstance(total, Decimal) and rnd.random() < 0.7:  # SUM-1/1B/1C: parts add up or not
            p1 = (total * Decimal("0.7")).quantize(Decimal("0.01"))
            lines["其中：财政拨款"][column] = p1
            lines["上年结转"][column] = total - p1 + (Decimal("1.00") if (seed + k) % 2 else 0)
    v["budget_lines"] = lines
    v["eval_year"] = rnd.choice([2023, 2023, 1999, None, 2023.5])
    level1, level2 = fw.indicators[0].level1, fw.indicators[0].level2
    extra: list[dict[str, Any]] = []
    if rnd.random() < 0.5:  # DUP-1: the first indicator again (and WGT-1 off by its weight)
        first = fw.indicators[0]
        extra.append({"一级指标": level1, "二级指标": level2, "三级指标": first.name, "指标类型": "定量",
                      "评分方法": first.method, "分值": 1, "指标方向": "≥", "年度目标值": 5, "实际完成值": 6})
    if rnd.random() < 0.5:  # WGT-2: a 二级 weight row, right or wrong
        right = sum(i.weight for i in fw.indicators if i.level1 == level1 and i.level2 == level2)
        extra.append({"一级指标": level1, "二级指标": level2, "分值": rnd.choice([right, right + 3])})
    if rnd.random() < 0.3:  # DUP-1B: a weight without a name
        extra.append({"分值": 2})
    if seed % 2:  # DUP-1C: a name without a weight
        extra.append({"一级指标": level1, "二级指标": level2, "三级指标": "未定分值指标", "指标类型": "定性",
                      "实际完成值": "达成"})
    if rnd.random() < 0.3:  # WGT-3: a negative weight
        extra.append({"一级指标": level1, "二级指标": "新增", "三级指标": "负分值", "分值": -1, "指标类型": "定性",
                      "实际完成值": "达成"})
    v["extra_indicators"] = extra
    projects = []
    for i in range(rnd.randint(0, 5)):
        ib = Decimal(rnd.randint(10000, 900000))
        projects.append({"序号": i + 1, "项目名称": f"项目{i + 1}" if rnd.random() > 0.15 else None,
                         "年初预算数": ib, "全年预算数": ib,
                         "全年执行数": (ib * Decimal(str(round(rnd.uniform(0.7, 1.2), 4)))).quantize(Decimal("0.01")),
                         "是否评价": rnd.choice(["是", "否", None])})
    v["projects"] = projects
    if projects and rnd.random() < 0.7:
        total = sum(p["全年执行数"] for p in projects)
        v["project_spend_total"] = total if rnd.random() < 0.5 else total + 100
        v["projects_evaluated_count"] = sum(1 for p in projects if p["是否评价"] == "是") + rnd.choice([0, 1])
    # 自评表 (SGJF-1/2/3, JZJY-1, ZG-1; RATE-5 is built in): right, wrong or blank; the totals
    # the parts add up to are 预算执行's (three_public_budget, three_public_current)
    for side, total in (("budget", "three_public_budget"), ("final", "three_public_current")):
        parts = [Decimal(rnd.randrange(1000, 90000)) for _ in range(3)]
        for part, amount in zip(("abroad", "vehicle", "reception"), parts, strict=True):
            v[f"three_public_{part}_{side}"] = amount
        v[total] = sum(parts) + rnd.choice([Decimal(0), Decimal(0), Decimal(500)])
    fe = v.get("final_expenditure")
    if isinstance(fe, Decimal):
        v["carryover_prior"], v["income_current"] = Decimal("1000000.00"), fe + Decimal("200000.00")
        v["carryover_total"] = Decimal("1200000.00") + rnd.choice([Decimal(0), Decimal("10.00")])
    # ZG-1 by the seed, so it both holds and fails whatever the random sequence: measures given
    # on even seeds, their status on every third one (seed 2 fails, seed 0 holds)
    v["prior_rectification"] = "加强预算评审" if seed % 2 == 0 else None
    v["prior_rectification_status"] = "已落实" if seed % 3 == 0 else None
    v["variance_rate_reported"] = rnd.choice([Decimal("0.096"), Decimal("0.5"), None])
    return v


def test_variation_is_deterministic_and_loads(tmp_path: Path) -> None:
    assert variation(3) == variation(3)
    ev = load(write(tmp_path / "v.xlsx", variation(3)))
    assert ev.framework_id == "dept-overall" and ev.rules
