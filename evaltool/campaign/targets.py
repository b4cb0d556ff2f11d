"""The campaign's targets file as store rows (one row per unit and indicator).

Why: ``campaign init --targets`` records each unit's approved 年度目标值 so ``issue`` can put
them into the unit's template and compare them with last year's actuals. The file's schema is
the one of docs/targets.md (a 单位代码 column, 一级/二级/三级指标, 年度目标值, 计量单位,
指标方向, 来源 …); only the columns the store needs are read here, the rest travel with the file.

Example::

    rows = read_targets("targets.xlsx")      # [TargetRow(unit_code='110001', level3='…', target='1000', …), …]
"""

from __future__ import annotations

import os

from evaltool.io.tabular import TableFileError, read_table
from evaltool.model import EvaltoolError
from evaltool.store.campaigns import TargetRow

__all__ = ["read_targets", "TargetsError"]

_COLS = {"unit_code": ("单位代码", "单位编码"), "level1": ("一级指标",), "level2": ("二级指标",),
         "level3": ("三级指标",), "target": ("年度目标值", "目标值", "年度指标值"), "measure": ("计量单位",),
         "direction": ("指标方向",), "source": ("来源",)}
_REQUIRED = ("unit_code", "level3", "target")


class TargetsError(EvaltoolError, ValueError):
    """The targets file cannot be used (names file, row and column; 中文 / English)."""

    code = "targets"


def _text(v: object) -> str:
    return "" if v is None else str(v).strip()


def read_targets(path: str | os.PathLike[str]) -> list[TargetRow]:
    try:
        header, rows = read_table(path)
    except TableFileError as exc:
        raise TargetsError(str(exc)) from exc
    name = os.path.basename(os.fspath(path))
    where: dict[str, int] = {}
    for field, aliases in _COLS.items():
        idx = next((header.index(a) for a in aliases if a in header), None)
        if idx is None and field in _REQUIRED:
            raise TargetsError(f"{name}: 缺少列“{aliases[0]}” / missing column '{aliases[0]}'")
        if idx is not None:
            where[field] = idx
    out: list[TargetRow] = []
    for rowno, values in rows:
        got = {f: _text(values[i]) for f, i in where.items()}
        for field in ("unit_code", "level3"):
            if not got[field]:
                raise TargetsError(f"{name} 第 {rowno} 行：“{_COLS[field][0]}”为空 / row {rowno}: "
                                   f"'{_COLS[field][0]}' is blank")
        out.append(TargetRow(unit_code=got["unit_code"], level1=got.get("level1", ""), level2=got.get("level2", ""),
                             level3=got["level3"], target=got["target"], measure=got.get("measure", ""),
                             direction=got.get("direction", ""), source=got.get("source", "")))
    return out
