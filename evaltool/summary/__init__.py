"""The summary workbook across all returns, and the rows behind ``evaltool.api.summarize``.

Example::

    from evaltool.summary import entry_from_result, entry_rejected, write_summary
    write_summary([entry_from_result(res, "西城区.xlsx"), entry_rejected("x.xlsx", "无法读取")],
                  "汇总.xlsx")
"""

from __future__ import annotations

from typing import Any

from evaltool.summary.digest import Digest, digest
from evaltool.summary.entries import (
    ERRORS,
    PASSED,
    REJECTED,
    SUPERSEDED,
    Status,
    SummaryEntry,
    entry_from_result,
    entry_rejected,
    entry_superseded,
)

__all__ = [
    "Digest",
    "ERRORS",
    "PASSED",
    "REJECTED",
    "SUPERSEDED",
    "Status",
    "SummaryEntry",
    "digest",
    "entry_from_result",
    "entry_rejected",
    "entry_superseded",
    "write_summary",
]


def __getattr__(name: str) -> Any:
    # the writer pulls in xlsxwriter: import it only when it is used
    if name == "write_summary":
        from evaltool.summary.writer import write_summary

        return write_summary
    raise AttributeError(name)
