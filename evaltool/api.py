"""The analyst API: evaltool in a notebook, with pandas.

Why: the same numbers the summary workbook shows, as DataFrames — one row per returned
workbook across a folder (:func:`summarize`), or one workbook's indicators, findings and
scores (:func:`load`). The lead re-exports both from ``evaltool``.

Example::

    import evaltool.api as et
    df = et.summarize(["returns/"])                 # 单位名称, 年度, …, 总分, 等级, 状态, 来源文件
    df.groupby("等级").size()
    wb = et.load("returns/西城区.xlsx")
    wb.indicators[["三级指标", "实际完成值", "得分"]]
    wb.findings.query("severity == 'error'")
    wb.result.total, wb.evaluation.unit.name
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from evaltool.summary.collect import supersede_duplicates
from evaltool.summary.frame import LoadedWorkbook, units_frame
from evaltool.summary.sources import expand_paths, iter_digests

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["summarize", "load", "LoadedWorkbook"]


def summarize(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    lang: str = "zh",
    workers: int = 1,
    supersede: bool = True,
) -> pd.DataFrame:
    """One row per workbook under ``paths`` (files or folders).

    Columns (Chinese labels; snake_case English with ``lang="en"``): unit, year, framework,
    one column per 一级指标 (union over frameworks), total, grade, 预决算差异率, 预算执行率,
    errors, warnings, status (通过/有错误/未通过/已被替代), path. Scored units come first,
    highest total first; files that could not be read follow with their status. With
    ``supersede`` (default), of several returns of one unit, year and framework only the newest
    is counted and the others have status 已被替代.
    """
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    files = expand_paths(items)
    digests = iter_digests(files, workers=workers, lang=lang)
    return units_frame(supersede_duplicates(digests) if supersede else digests, lang=lang)


def load(path: str | os.PathLike[str], *, lang: str = "zh") -> LoadedWorkbook:
    """Read one workbook now (``.evaluation``); evaluate it on first use (``.result``).

    ``.indicators``, ``.findings`` and ``.scores`` are DataFrames. Raises
    :class:`evaltool.model.TemplateError` when the file is not a template workbook.
    """
    return LoadedWorkbook.read(path, lang=lang)
