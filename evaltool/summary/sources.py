"""From paths to summary rows: expand folders, read, score and digest each file.

Why: ``evaltool summary`` and :func:`evaltool.api.summarize` take files and folders. Each
workbook is read (:func:`evaltool.io.reader.load`), evaluated (:func:`evaltool.engine.evaluate`)
and reduced at once to a small :class:`~evaltool.summary.digest.Digest`, optionally in worker
processes (``workers > 1``) that return only the digest, so memory stays flat however many
files there are. A file that is not a readable template becomes a 未通过 entry with the
reason; it never stops the batch.

Example::

    paths = expand_paths(["returns/", "late/东城.xlsx"])
    digests = list(iter_digests(paths, workers=2))
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from evaltool.messages import text
from evaltool.model import TemplateError
from evaltool.summary.digest import Digest, digest
from evaltool.summary.entries import SummaryEntry, entry_from_result, entry_rejected

__all__ = ["expand_paths", "summarize_file", "digest_file", "iter_digests", "WORKBOOK_SUFFIXES"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
MSG = {
    "internal": ("处理时出错（{kind}）：{error}", "Failed while processing ({kind}): {error}"),
}


def _is_workbook_name(p: Path) -> bool:
    return (p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith(("~$", ".~"))
            and ".scored." not in p.name)


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given (any suffix), folders searched recursively for .xlsx/.xlsm; sorted, unique.

    Office owner files (``~$…``), evaltool temp files (``.~evaltool-…``) and evaltool's own
    scored copies (``*.scored.xlsx``) inside folders are skipped.
    """
    out: dict[str, Path] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and _is_workbook_name(f):
                    out.setdefault(str(f), f)
        else:
            out.setdefault(str(p), p)
    return [out[k] for k in sorted(out)]


def _reason(message: str, lang: str) -> str:
    """Pick one language out of a bilingual ``中文 / English`` reader message."""
    if " / " in message:
        zh, en = message.split(" / ", 1)
        return en if lang == "en" else zh
    return message


def summarize_file(path: str | os.PathLike[str], *, lang: str = "zh") -> SummaryEntry:
    """Read and evaluate one workbook; a 未通过 entry (with the reason) if that fails."""
    from evaltool.engine import evaluate
    from evaltool.io.reader import load

    try:
        ev = load(Path(path))
    except TemplateError as exc:
        return entry_rejected(path, _reason(exc.message, lang))
    try:
        result = evaluate(ev, lang=lang)
    except Exception as exc:  # one broken file must not stop a batch; the reason is shown
        return entry_rejected(path, text(MSG, "internal", lang, kind=type(exc).__name__, error=exc),
                              unit_name=ev.unit.name)
    return entry_from_result(result, path)


def digest_file(path: str | os.PathLike[str], lang: str = "zh") -> Digest:
    """:func:`summarize_file` reduced to its digest (what a worker process returns)."""
    return digest(summarize_file(path, lang=lang))


def iter_digests(paths: Sequence[str | os.PathLike[str]], *, workers: int = 1, lang: str = "zh") -> Iterator[Digest]:
    """Digests of ``paths`` in input order, in ``workers`` processes when more than one."""
    if workers <= 1 or len(paths) <= 1:
        for p in paths:
            yield digest_file(p, lang)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(digest_file, [str(p) for p in paths], [lang] * len(paths), chunksize=1)
