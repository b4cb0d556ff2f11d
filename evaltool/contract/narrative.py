"""The 报告内容 sheet of the template contract: the text a report needs that numbers cannot give.

Why: the end product of an evaluation is the 绩效评价报告. Its figures come from the cells;
its prose (机构设置, 主要职能, 年度绩效目标, a 完成情况说明 per 二级指标, 存在的问题, 措施建议)
is written by the department in the ``Narrative`` table of the 报告内容 sheet, one row per
栏目. The sheet is part of the contract (docs/template.md) but not of the fingerprint: the
content column is unlocked input, the rows are the template's. Pure data — no Excel library.

Example::

    from evaltool.contract import narrative as N
    N.FIELDS["duties"].label          # '主要职能'
    N.rows_for(levels)                # [(key, 栏目, 一级, 二级, hint, (min, max)), ...]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SHEET = "报告内容"
TABLE = "Narrative"
HEADER_ROW = 3
HEADERS = ("栏目", "一级指标", "二级指标", "内容", "建议字数", "填写说明")
PROGRESS = "完成情况说明"


@dataclass(frozen=True)
class Field:
    """One 栏目: its key, label, input hint and suggested length (characters)."""

    key: str
    label: str
    hint: str
    length: tuple[int, int]


FIELDS: dict[str, Field] = {f.key: f for f in (
    Field("org", "机构设置", "内设机构、下属单位及其性质（如“设4个内设机构：……”）。", (50, 600)),
    Field("duties", "主要职能", "按“三定”规定概述部门的主要职能。", (100, 1200)),
    Field("goals", "年度绩效目标", "部门整体年度绩效目标，应与预算批复时的绩效目标一致。", (50, 800)),
    Field("problems", "存在的问题", "评价中发现的问题及原因；未处理的校验问题会在报告中列为草稿供修改。", (30, 1000)),
    Field("measures", "措施建议", "针对问题的改进措施；分条写时每条另起一行（Alt+Enter），如“1.……”。", (50, 2000)),
)}
#: Order of the free fields before / after the 完成情况说明 rows.
HEAD_KEYS = ("org", "duties", "goals")
TAIL_KEYS = ("problems", "measures")
PROGRESS_HINT_LEVEL1 = "该一级指标的总体完成情况（可空）。"
PROGRESS_HINT_LEVEL2 = "该二级指标的完成情况：做了什么、完成多少、效果如何；分段另起一行。"
PROGRESS_LENGTH_LEVEL1 = (0, 600)
PROGRESS_LENGTH_LEVEL2 = (30, 3000)
#: Excel's limit on a cell's text.
MAX_CELL_CHARS = 32767


@dataclass(frozen=True)
class Row:
    key: str  # "org" | ... | "progress"
    label: str  # 栏目
    level1: str
    level2: str
    hint: str
    length: tuple[int, int]


def rows_for(levels: Iterable[tuple[str, Sequence[str]]]) -> list[Row]:
    """The table's rows for a framework's (一级, [二级 ...]) structure, in order."""
    out = [Row(k, FIELDS[k].label, "", "", FIELDS[k].hint, FIELDS[k].length) for k in HEAD_KEYS]
    for level1, groups in levels:
        out.append(Row("progress", PROGRESS, level1, "", PROGRESS_HINT_LEVEL1, PROGRESS_LENGTH_LEVEL1))
        out.extend(Row("progress", PROGRESS, level1, g, PROGRESS_HINT_LEVEL2, PROGRESS_LENGTH_LEVEL2)
                   for g in groups)
    out.extend(Row(k, FIELDS[k].label, "", "", FIELDS[k].hint, FIELDS[k].length) for k in TAIL_KEYS)
    return out


def key_of(label: str) -> str | None:
    """The field key of a 栏目 label (``"主要职能"`` → ``"duties"``), ``"progress"``, or None."""
    if label == PROGRESS:
        return "progress"
    return next((f.key for f in FIELDS.values() if f.label == label), None)
