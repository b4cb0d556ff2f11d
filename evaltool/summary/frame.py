"""pandas views for analysts: one row per workbook, and one workbook's tables.

Why: the summary workbook is for reading; analysts also want the same numbers as DataFrames
in a notebook. :func:`units_frame` turns digests into the table behind 单位得分 (plus the
files that were not counted), and :class:`LoadedWorkbook` gives one workbook's indicators,
findings and scores as DataFrames, evaluating lazily on first use.

Example::

    df = units_frame(iter_digests(expand_paths(["returns/"])))
    df.sort_values("总分", ascending=False).head()
    wb = LoadedWorkbook.read("西城区.xlsx"); wb.scores.head()
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaltool import contract as C
from evaltool.messages import finding_dict, notes_text
from evaltool.model import Evaluation, Result
from evaltool.summary.collect import collect
from evaltool.summary.digest import Digest, indicator_cells
from evaltool.summary.labels import label, level1_headers, status_label

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["units_frame", "LoadedWorkbook", "FRAME_COLUMNS"]

#: fixed columns (label code, English column name); 一级指标 columns go after ``framework``.
FRAME_COLUMNS: tuple[tuple[str, str], ...] = (
    ("col_unit", "unit"), ("col_year", "year"), ("col_framework", "framework"),
    ("col_total", "total"), ("col_grade", "grade"), ("col_variance", "variance_rate"),
    ("col_execution", "execution_rate"), ("col_errors", "errors"), ("col_warnings", "warnings"),
    ("col_status", "status"), ("col_file", "path"),
)


def _name(code: str, lang: str) -> str:
    return dict(FRAME_COLUMNS)[code] if lang == "en" else label(code, lang)


def units_frame(digests: Iterable[Digest], *, lang: str = "zh") -> pd.DataFrame:
    """One row per workbook, counted units first (highest total first), then the others."""
    import pandas as pd

    c = collect(digests)
    n = lambda code: _name(code, lang)  # noqa: E731
    head = [n("col_unit"), n("col_year"), n("col_framework")]
    tail = [n(code) for code, _ in FRAME_COLUMNS[3:]]
    rows = []
    for u in c.units:
        sub = dict(u.level1)
        rows.append([u.unit, u.year, u.framework, *[sub.get(x) for x in c.level1], u.total, u.grade or None,
                     u.variance_rate, u.execution_rate, u.errors, u.warnings, status_label(u.status, lang),
                     u.source])
    for o in c.others:
        rows.append([o.unit or None, None, None, *[None] * len(c.level1), None, None, None, None, None, None,
                     status_label(o.status, lang), o.source])
    level1 = level1_headers(c.level1, set(head + tail), lang)
    df = pd.DataFrame(rows, columns=[*head, *level1, *tail])
    for col in [n("col_year"), n("col_errors"), n("col_warnings")]:
        df[col] = df[col].astype("Int64")
    for col in [*level1, n("col_total"), n("col_variance"), n("col_execution")]:
        df[col] = df[col].astype("float64")
    return df


class LoadedWorkbook:
    """One workbook: ``.evaluation`` read now, ``.result`` evaluated on first use.

    Other attributes are the Evaluation's (``.scalar(name)``, ``.unit``, ``.rules`` …), so code
    written against ``evaluation`` keeps working; ``.indicators`` adds the scores.
    """

    def __init__(self, evaluation: Evaluation, *, lang: str = "zh") -> None:
        self.evaluation = evaluation
        self.lang = lang

    @classmethod
    def read(cls, path: str | os.PathLike[str], *, lang: str = "zh") -> LoadedWorkbook:
        from evaltool.io.reader import load

        return cls(load(Path(path)), lang=lang)

    @cached_property
    def result(self) -> Result:
        from evaltool.engine import evaluate

        return evaluate(self.evaluation)

    @property
    def total(self) -> float | None:
        return self.result.total

    @property
    def grade(self) -> str | None:
        return self.result.grade

    @cached_property
    def indicators(self) -> pd.DataFrame:
        """The indicator table plus the engine's 完成率/偏差率, 得分 and 计分说明 per row."""
        df = self.evaluation.indicators.copy()
        rate_col, score_col = indicator_cells(self.evaluation)
        by_cell = {(s.sheet, s.cell): s for s in self.result.scores}
        info = self.evaluation.tables.get("Indicators")
        sheet = info.sheet if info is not None else C.INDICATORS
        rows = list(df["row"]) if "row" in df else []
        rates = [by_cell.get((sheet, f"{rate_col}{r}")) for r in rows]
        scores = [by_cell.get((sheet, f"{score_col}{r}")) for r in rows]
        df["完成率/偏差率"] = [s.value if s is not None and s.value != "" else None for s in rates]
        df["得分"] = [s.value if s is not None else None for s in scores]
        df["计分说明"] = [notes_text(s.notes, self.lang) if s is not None else "" for s in scores]
        return df

    @cached_property
    def findings(self) -> pd.DataFrame:
        """Every finding: rule, code, severity, sheet, cell, message (in ``lang``), params, value,
        source, explained, file."""
        import pandas as pd

        cols = ["rule", "code", "severity", "sheet", "cell", "message", "params", "value", "source", "explained",
                "file"]
        rows = [{**finding_dict(f, self.lang), "file": f.file or self.evaluation.path} for f in self.result.findings]
        return pd.DataFrame(rows, columns=cols)

    @cached_property
    def scores(self) -> pd.DataFrame:
        """Every computed cell: key, sheet, cell, value, formula (live Excel), label, note."""
        import pandas as pd

        cols = ["key", "sheet", "cell", "value", "formula", "label", "note"]
        rows = [[s.key, s.sheet, s.cell, s.value, s.formula, s.label, notes_text(s.notes, self.lang)]
                for s in self.result.scores]
        return pd.DataFrame(rows, columns=cols)

    def __getattr__(self, name: str) -> Any:
        # anything else is the Evaluation's: wb.scalar("budget_initial"), wb.unit, wb.grades …
        if name.startswith("__") or name in ("evaluation", "lang"):
            raise AttributeError(name)
        return getattr(self.evaluation, name)

    def __repr__(self) -> str:
        return f"LoadedWorkbook({self.evaluation.path!r}, unit={self.evaluation.unit.name!r})"
