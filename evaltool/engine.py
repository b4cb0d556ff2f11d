"""The engine door: one Evaluation in, one Result out — and one per-file pipeline around it.

Why: ``check``, ``score``, ``summary``, ``collect`` and the Excel button must report the same
findings in the same order, so they all go through the same two functions here:

- :func:`evaluate` (pure: no file I/O, so it runs the same on a file, a live book or a
  test's hand-built model): scoring (``evaltool.scoring.score``, the one pass that
  computes rates, indicator columns, total and grade), the rule sheets and built-in checks
  (``evaltool.rules.check``, which receive that result and never recompute) and the integrity check against tampering (``evaltool.integrity.verify``), merged by
  :func:`merge_findings` — **integrity first** (a tampered workbook's other findings matter
  less), then validation, then scoring notes.
- :func:`evaluate_file` (the edge): reads a workbook file **once** (one ``open``; the zip,
  calamine, the save time and later write-back all work on those bytes), parses it and
  evaluates it into an :class:`Outcome` — a plain, picklable value. A file that is not a
  readable template gives an Outcome with one ``FILE-1`` error finding instead of raising.
  :func:`evaluate_files` runs it over many paths (in worker processes when asked), and
  :func:`workbook_paths` is the one folder filter every batch command uses.

Example (the bundled sample; run as a doctest by tests/test_doctests.py):

>>> import tempfile, pathlib
>>> from evaltool.demo.samples import write_sample
>>> from evaltool.io.reader import load
>>> sample = write_sample(pathlib.Path(tempfile.mkdtemp()) / "sample.xlsx")
>>> outcome = evaluate_file(sample)
>>> outcome.status, outcome.result.total
('warnings', 88.8)
>>> result = evaluate(load(sample))   # the pure core alone
>>> result.total, result.grade, result.errors
(88.8, '良', 0)

``outcome.write("returned.scored.xlsx")`` writes back from the bytes already read.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from evaltool.integrity import verify
from evaltool.messages import CATALOGUE
from evaltool.model import Evaluation, Finding, Result, TemplateError, Text, count_open
from evaltool.rules.engine import check, one_per_cause
from evaltool.scoring import score

__all__ = ["evaluate", "merge_findings", "Outcome", "evaluate_file", "evaluate_files", "workbook_paths",
           "WORKBOOK_SUFFIXES"]

#: Scoring findings about a filler's cell that the rule pass reports in its own words (NUM-1
#: for fuzzy text, TGT-… for targets and actuals, RATE-1 for a rate whose input is text); kept only
#: when no rule finding names the cell.
_SHADOWED = frozenset({"SCORE-FUZZY", "SCORE-ACTUAL", "SCORE-TARGET", "SCORE-RATE"})
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
Status = Literal["ok", "warnings", "errors", "unreadable"]
T = TypeVar("T")


def merge_findings(integrity: Iterable[Finding], validation: Iterable[Finding],
                   scoring: Iterable[Finding]) -> tuple[Finding, ...]:
    """The one order every door reports: integrity, then validation, then scoring notes.

    A scoring note about a cell the validation already names in its own words (fuzzy text,
    a target or actual that is not a number) is dropped, so the filler reads it once.
    """
    validation = tuple(validation)
    named = {(f.sheet, f.cell) for f in validation}
    notes = tuple(f for f in scoring if f.rule not in _SHADOWED or (f.sheet, f.cell) not in named)
    return (*integrity, *validation, *notes)


def evaluate(ev: Evaluation) -> Result:
    """Score, validate and verify ``ev``; findings in :func:`merge_findings` order.

    Runs once whatever the reader's language: findings carry codes (``evaltool.messages``)."""
    scoring = score(ev)
    outcome = check(ev, scoring.computed)
    integrity = tuple(verify(ev))
    findings = outcome.findings
    deleted = {f.sheet for f in integrity if f.code == "INT-1.deleted_row"}
    if deleted:  # sums over a table that lost a row are its consequence, not another problem
        findings = tuple(f for f in findings if not (f.source == "rule" and f.sheet in deleted and ":" in f.cell))
    return Result(
        evaluation=ev,
        findings=merge_findings(integrity, findings,
                                one_per_cause(list(scoring.findings), ev, scoring.computed, list(findings))),
        scores=scoring.scores,
        checks=tuple(outcome.checks),
        total=scoring.total,
        grade=scoring.grade,
        subtotals=scoring.subtotals,
        rates=scoring.rates,
    )


@dataclass(frozen=True)
class Outcome:
    """One workbook file through the pipeline: what was read, what the engine found.

    ``result`` is None when the file is not a readable template (``error`` is the reader's
    :class:`~evaltool.model.TemplateError`, and ``findings`` holds one ``FILE-1`` error naming
    the file).
    ``modified`` is the package's own save time (``docProps/core.xml``, UTC) and ``sha256``
    the content hash of the bytes read. ``data`` keeps those bytes for write-back, so the
    file is never opened a second time; it is left out of comparisons and ``repr``.
    """

    path: str
    findings: tuple[Finding, ...]
    result: Result | None = None
    error: TemplateError | None = None
    modified: datetime | None = None
    sha256: str = ""
    data: bytes = field(default=b"", repr=False, compare=False)

    @property
    def errors(self) -> int:
        return count_open(self.findings, "error")

    @property
    def warnings(self) -> int:
        return count_open(self.findings, "warning")

    @property
    def status(self) -> Status:
        if self.result is None:
            return "unreadable"
        return "errors" if self.errors else "warnings" if self.warnings else "ok"

    @property
    def tampered(self) -> bool:
        """An integrity error: locked content (weights, methods, rules, grade bands) was changed."""
        return any(f.source == "integrity" and f.severity == "error" for f in self.findings)

    def write(self, dst: str | os.PathLike[str], *, now: datetime | None = None, lang: str = "zh") -> Path:
        """Write the scored copy to ``dst`` from the bytes already read (atomic)."""
        from evaltool.io.writeback import write_result

        if self.result is None:
            raise self.error or TemplateError(self.path, "file.unreadable", reason="")
        out = Path(dst)
        write_result(self.result, self.data, out, now=now, lang=lang)
        return out

    def without_data(self) -> Outcome:
        """The same outcome without the file's bytes (to send between processes or keep)."""
        return Outcome(self.path, self.findings, self.result, self.error, self.modified, self.sha256)


def _read_once(path: Path) -> bytes:
    with open(path, "rb") as fh:  # the one open of this file
        return fh.read()


def evaluate_file(path: str | os.PathLike[str], *, label: str | None = None) -> Outcome:
    """Read ``path`` once, parse and evaluate it (see the module docstring); never raises
    for a file that is merely not a template. ``label`` names the file in findings."""
    from evaltool.io.parse import parse_book
    from evaltool.io.reader import book_from_bytes

    p = Path(path)
    name = label or str(path)
    try:
        if not p.is_file():
            raise TemplateError(name, "file.missing")
        try:
            data = _read_once(p)
        except OSError as exc:
            raise TemplateError(name, "file.cannot_read", detail=exc.strerror or str(exc)) from exc
        book = book_from_bytes(data, name)
        try:
            ev = parse_book(book)
            modified = book.modified()
        finally:
            book.close()
    except TemplateError as exc:
        reason = Text(exc.code, exc.params) if exc.code in CATALOGUE else str(exc)
        finding = Finding("FILE-1", "error", "", "", "file.unreadable", {"reason": reason}, None, name, "intake")
        return Outcome(name, (finding,), error=exc)
    result = evaluate(ev)
    return Outcome(name, result.findings, result, modified=modified, sha256=hashlib.sha256(data).hexdigest(),
                   data=data)


def is_workbook_name(p: Path) -> bool:
    """A workbook a batch command should read from a folder: ``.xlsx``/``.xlsm``, not an
    Office owner file (``~$…``), a hidden or evaltool temp file, or evaltool's own scored copy."""
    return (p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith(("~$", "."))
            and ".scored." not in p.name)


def workbook_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given (any suffix), folders searched recursively (:func:`is_workbook_name`);
    sorted and unique — the one folder filter of ``check``, ``summary`` and the API."""
    out: dict[str, Path] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and is_workbook_name(f):
                    out.setdefault(str(f), f)
        else:
            out.setdefault(str(p), p)
    return [out[k] for k in sorted(out)]


def _keep(outcome: Outcome) -> Outcome:
    return outcome.without_data()


_Job = tuple[str, Callable[[Outcome], Any], Callable[[str, Exception], Any] | None]


def _one(job: _Job) -> Any:
    path, reduce, on_error = job
    if on_error is None:
        return reduce(evaluate_file(path))
    try:
        return reduce(evaluate_file(path))
    except Exception as exc:  # the batch's per-file guard: the caller turns it into a finding
        return on_error(path, exc)


def evaluate_files(paths: Sequence[str | os.PathLike[str]], *, workers: int = 1,
                   reduce: Callable[[Outcome], T] = _keep,  # type: ignore[assignment]
                   on_error: Callable[[str, Exception], T] | None = None) -> Iterator[T]:
    """``reduce(evaluate_file(p))`` for every path, in input order — the one batch loop.

    With ``workers > 1`` the files are read and evaluated in that many processes and only
    what ``reduce`` returns (a picklable callable: a digest, a JSON report) travels back, so
    memory stays flat however many files there are. ``on_error(path, exc)`` turns an
    unexpected failure of one file into a value, so one broken file does not stop the batch;
    without it the exception propagates.
    """
    jobs: list[_Job] = [(str(p), reduce, on_error) for p in paths]
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield _one(job)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_one, jobs, chunksize=1)
