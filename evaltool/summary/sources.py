"""From paths to summary rows: expand folders, read, score and digest each file.

Why: ``evaltool summary`` and :func:`evaltool.api.summarize` take files and folders. Each
workbook goes through the one per-file pipeline (:func:`evaltool.engine.evaluate_file`: read
once, evaluated, findings in the order every door reports) and is reduced at once to a
small :class:`~evaltool.summary.digest.Digest`, optionally in worker processes
(``workers > 1``) that return only the digest, so memory stays flat however many files
there are. A file that is not a readable template becomes a 未通过 entry with the
reason; it never stops the batch.

Example::

    paths = expand_paths(["returns/", "late/东城.xlsx"])
    digests = list(iter_digests(paths, workers=2))
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from evaltool.messages import error_text, text
from evaltool.summary.digest import Digest, digest
from evaltool.summary.entries import SummaryEntry, entry_from_result, entry_rejected

if TYPE_CHECKING:  # pragma: no cover
    from evaltool.engine import Outcome

__all__ = ["expand_paths", "summarize_file", "digest_file", "iter_digests", "entry_from_outcome"]

T = TypeVar("T")
MSG = {
    "internal": ("处理时出错（{kind}）：{error}", "Failed while processing ({kind}): {error}"),
}


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given, workbooks under folders: :func:`evaltool.engine.workbook_paths`, the one
    folder filter (no ``~$…`` owner files, hidden/temp files or ``*.scored.xlsx`` copies)."""
    from evaltool.engine import workbook_paths

    return workbook_paths(paths)


def entry_from_outcome(outcome: Outcome, lang: str = "zh") -> SummaryEntry:
    """The summary entry of one file through the pipeline: 未通过 with the reason when unreadable."""
    if outcome.result is None:
        return entry_rejected(outcome.path, error_text(outcome.error, lang) if outcome.error else "")
    return entry_from_result(outcome.result, outcome.path, lang=lang)


def _internal(path: str, exc: Exception, lang: str = "zh") -> SummaryEntry:
    return entry_rejected(path, text(MSG, "internal", lang, kind=type(exc).__name__, error=exc))


def summarize_file(path: str | os.PathLike[str], *, lang: str = "zh") -> SummaryEntry:
    """Read and evaluate one workbook (:func:`evaltool.engine.evaluate_file`); a 未通过 entry
    (with the reason) if that fails."""
    return next(_entries([path], lang, 1, entry_from_outcome, _internal))


def _digest_of(outcome: Outcome, lang: str = "zh") -> Digest:
    return digest(entry_from_outcome(outcome, lang), lang)


def _digest_failure(path: str, exc: Exception, lang: str = "zh") -> Digest:
    return digest(_internal(path, exc, lang), lang)


def digest_file(path: str | os.PathLike[str], lang: str = "zh") -> Digest:
    """:func:`summarize_file` reduced to its digest (what a worker process returns)."""
    return next(_entries([path], lang, 1, _digest_of, _digest_failure))


def _entries(paths: Sequence[str | os.PathLike[str]], lang: str, workers: int,
             reduce: Callable[..., T], on_error: Callable[..., T]) -> Iterator[T]:
    from evaltool.engine import evaluate_files

    return evaluate_files(paths, workers=workers, reduce=partial(reduce, lang=lang),
                          on_error=partial(on_error, lang=lang))


def iter_digests(paths: Sequence[str | os.PathLike[str]], *, workers: int = 1, lang: str = "zh") -> Iterator[Digest]:
    """Digests of ``paths`` in input order, in ``workers`` processes when more than one
    (the engine's one batch loop, :func:`evaltool.engine.evaluate_files`)."""
    return _entries(paths, lang, workers, _digest_of, _digest_failure)
