"""The analyst API on real workbooks: ``summarize`` (one row per file) and ``load``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from test_summary_sample import HYPER, shared_returns

from evaltool import api
from evaltool.model import TemplateError


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_returns(tmp_path_factory)


def test_summarize_one_row_per_workbook(returns: Path) -> None:
    df = api.summarize(returns)
    assert len(df) == 5  # four templates + the broken file; the owner file is skipped
    assert list(df.columns[:3]) == ["单位名称", "年度", "评价框架"]
    assert list(df.columns[-8:]) == ["总分", "等级", "预决算差异率", "预算执行率", "错误数", "警告数", "状态",
                                     "来源文件"]
    assert {"预算管理", "产出", "效果"} <= set(df.columns)  # dept-overall's 一级指标
    assert "预算执行率（一级指标）" in df.columns  # project-self's 一级 named like the rate column
    scored = df[df["状态"].isin(["通过", "有错误"])]
    assert list(scored["总分"]) == sorted(scored["总分"], reverse=True)
    broken = df[df["来源文件"].str.endswith("broken.xlsx")].iloc[0]
    assert broken["状态"] == "未通过" and pd.isna(broken["总分"]) and pd.isna(broken["错误数"])
    hyper = df[df["单位名称"] == HYPER].iloc[0]
    assert hyper["预决算差异率"] == pytest.approx(0.3)
    assert df["年度"].dtype == "Int64" and df["总分"].dtype == "float64"


def test_summarize_english(returns: Path) -> None:
    df = api.summarize([returns / "东城区妇联.xlsx", returns / "broken.xlsx"], lang="en")
    assert list(df.columns[:3]) == ["unit", "year", "framework"]
    assert list(df.columns[-8:]) == ["total", "grade", "variance_rate", "execution_rate", "errors",
                                     "warnings", "status", "path"]
    assert list(df["status"])[-1] == "Rejected"
    assert df.loc[0, "variance_rate"] == pytest.approx(
        float((Decimal("2000000.00") - Decimal("1980000.00")) / Decimal("2000000.00")))


def test_load_reads_now_and_evaluates_lazily(returns: Path) -> None:
    wb = api.load(returns / "西城区妇联.xlsx")
    assert wb.evaluation.unit.name == "北京市西城区妇女联合会"
    assert wb.scalar("budget_initial") == Decimal("18902744.60")  # the Evaluation's API passes through
    assert wb.unit.year == 2023
    assert "result" not in wb.__dict__  # not evaluated yet
    ind = wb.indicators
    assert "result" in wb.__dict__
    assert {"三级指标", "实际完成值", "完成率/偏差率", "得分", "计分说明"} <= set(ind.columns)
    assert len(ind) == len(wb.evaluation.indicator_rows)
    assert ind["得分"].sum() == pytest.approx(wb.result.total, abs=0.01 * len(ind))
    near = ind[ind["三级指标"] == "青年交友联谊活动参与人数"].iloc[0]
    assert near["实际完成值"] == "近800"  # text stays text
    assert list(wb.findings.columns) == ["rule", "code", "severity", "sheet", "cell", "message", "params", "value",
                                         "source", "explained", "file"]
    assert len(wb.findings) == len(wb.result.findings)
    total = wb.scores[wb.scores["key"] == "total_score"].iloc[0]
    assert total["value"] == wb.result.total and total["formula"].startswith("=")


def test_load_refuses_a_non_workbook(returns: Path) -> None:
    with pytest.raises(TemplateError):
        api.load(returns / "broken.xlsx")
