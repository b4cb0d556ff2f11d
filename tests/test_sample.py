"""The shipped sample (西城区妇联 2023) reads back with the seed report's figures, exactly."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from evaltool.io.reader import load

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample-xicheng-2023.xlsx"
BLANK = ROOT / "workbooks" / "template-dept-overall.xlsx"


@pytest.fixture(scope="module")
def ev():
    return load(SAMPLE)


def _row(ev, name):
    rows = [i for i in ev.indicator_rows if i.level3 == name]
    assert len(rows) == 1, name
    return rows[0]


def test_identity(ev):
    assert ev.template_id == "evaltool/dept-overall"
    assert ev.template_version == "2.1"
    assert ev.framework_id == "dept-overall"
    assert ev.unit.name == "北京市西城区妇女联合会"
    assert ev.unit.year == 2023
    assert ev.unit.code == "FL-XC"  # the sample unit's rows of the bundled targets file


def test_true_to_the_seed(ev):
    """The seed publishes no 部门整体 score or grade: 自评等级 blank, the reason on the cover;
    figures the report states that fit no field are kept in 备注; targets approved, illustrative."""
    import openpyxl

    assert ev.unit.self_grade == ""
    cover = openpyxl.load_workbook(SAMPLE)["封面"]
    notes = " ".join(str(c.value) for row in cover.iter_rows(min_row=19) for c in row if c.value)
    assert "自评等级留空" in notes and "18个项目支出" in notes
    text = " ".join(i.note for i in ev.indicator_rows)
    for figure in ("首都巾帼最美奋斗者4名", "最美妇联执委3名", "百余名女性", "全国最美家庭", "30户困境儿童",
                   "3万元", "126名女快递员", "近千户家庭", "万余人次"):
        assert figure in text, figure
    assert ev.meta["approved_targets"] == "1"
    computed = ("部门预决算差异率", "服务对象满意度")  # scored on rates from 预算执行, not on a target
    own = [i for i in ev.indicator_rows if i.target_locked and i.kind == "定量" and i.level3 not in computed]
    assert len(own) == 23 and all("目标值为示例" in i.note for i in own)


def test_money_exact(ev):
    assert ev.scalar("budget_initial") == Decimal("18902744.60")
    assert str(ev.scalar("budget_initial")) == "18902744.60"
    assert ev.scalar("final_expenditure") == Decimal("17088957.48")
    assert ev.scalar("projects_evaluated_amount") == Decimal("604.91")
    assert ev.scalar("budget_adjusted") is None  # the report gives no 全年预算数
    assert ev.budget[0].label == "资金总额" and ev.budget[0].initial == Decimal("18902744.60")
    assert all(b.initial is None for b in ev.budget[1:])


def test_counts_and_share(ev):
    assert ev.scalar("projects_evaluated_count") == 18
    assert ev.scalar("projects_evaluated_share") == 1
    assert ev.projects == ()


@pytest.mark.parametrize("name,actual", [
    ("执委领办项目数", 753), ("服务妇女儿童人次", 33821), ("专场招聘会场次", 45),
    ("帮扶救助困难妇女儿童人数", 200), ("选树西城最美家庭户数", 168), ("推荐首都最美家庭户数", 18),
    ("走访慰问困难群体人数", 383), ("救助患癌妇女人数", 20), ("春蕾女童教育实践场次", 10),
    ("处理妇女来电来信来访件数", 199), ("增补街道妇联兼职主席人数", 15), ("打造驿港湾个数", 39),
    ("两癌免费筛查人数", 150), ("妇女儿童规划重点指标提前达标项数", 45),
])
def test_numeric_actuals(ev, name, actual):
    row = _row(ev, name)
    assert isinstance(row.actual, Decimal) and row.actual == actual
    assert "目标值为示例" in row.note


@pytest.mark.parametrize("name,text", [
    ("青年交友联谊活动参与人数", "近800"), ("普法宣传讲座场次", "三十余"), ("失独老人活动次数", "80余"),
    ("网上妇联点击总量", "10余万"), ("培训人次", "2400余"), ("主流媒体宣传报道条次", "二百余"),
    ("宣讲活动参与人次", "千余"), ("家风系列活动场次", "二十余"), ("寒暑假儿童关爱服务活动场次", "近千"),
])
def test_approximate_actuals_are_text(ev, name, text):
    assert _row(ev, name).actual == text


def test_indicator_frame(ev):
    df = ev.indicators
    assert len(df) == 34
    assert df.loc[df["三级指标"] == "执委领办项目数", "实际完成值"].iloc[0] == 753
    assert sum(df["分值"]) == 100


def test_make_sample_is_deterministic(tmp_path):
    """Two runs give byte-identical files, equal to the committed copies in workbooks/.

    A framework, rule-set or template edit must be followed by ``python
    workbooks/make_sample.py``; this test fails until the committed files are regenerated.
    """
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        subprocess.run([sys.executable, str(ROOT / "workbooks" / "make_sample.py"), str(tmp_path / run)],
                       check=True, capture_output=True)
    for name in (SAMPLE.name, BLANK.name):
        assert filecmp.cmp(tmp_path / "a" / name, tmp_path / "b" / name, shallow=False)
        assert filecmp.cmp(tmp_path / "a" / name, ROOT / "workbooks" / name, shallow=False), (
            f"workbooks/{name} is stale: run python workbooks/make_sample.py")
    assert load(tmp_path / "a" / SAMPLE.name).scalar("budget_initial") == Decimal("18902744.60")
