"""Read the bureau's targets file (.xlsx or .csv; docs/targets.md) into validated rows.

Why: the bureau keeps the approved targets (绩效目标申报表) as a spreadsheet or a CSV export;
``evaltool template --targets FILE`` and ``evaltool campaign init --targets FILE`` read it here,
the one reader of that file. The table is read like every bureau list
(:func:`evaltool.io.tabular.read_table`: first sheet, a title row above the header allowed,
CSV in UTF-8 with or without BOM or GB18030); validation, with file, row and column named on
error, is :func:`evaltool.frameworks.targets.parse_targets`.

Example::

    rows = read_targets("targets.xlsx")
    fw = apply_targets(load_framework("dept-overall"), for_unit(rows, "110102-FL"))
"""

from __future__ import annotations

import os
from pathlib import Path

from evaltool.frameworks.targets import TargetRow, TargetsError, parse_targets
from evaltool.io.tabular import TableFileError, read_table_at

__all__ = ["read_targets"]


def read_targets(path: str | os.PathLike[str]) -> tuple[TargetRow, ...]:
    """The rows of a targets file; :class:`TargetsError` (file, row, column) when malformed."""
    p = Path(path)
    if not p.is_file():
        raise TargetsError(str(p), None, None, "文件不存在", "no such file")
    try:
        header_row, header, rows = read_table_at(p)
    except TableFileError as exc:
        raise TargetsError(str(p), None, None, f"无法读取（{exc}）", f"cannot be read ({exc})") from exc
    return parse_targets(header, rows, str(p), header_row)
