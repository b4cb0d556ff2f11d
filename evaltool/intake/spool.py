"""One ``collect`` run's per-file records on disk, not in memory.

Why: a bureau may collect thousands of returns in one run. Every outcome (a few hundred
bytes of fields) and every summary digest (tens of KiB: indicator lines, findings) is written
to the run's private work folder as soon as it is known and read back one at a time where it
is needed (decisions, placing outputs, the store, ``collect.json``), so the parent process
holds no list that grows with the number of files. The files are evaltool's own pickles in a
folder only this run writes (mode 0700), never input.

Example::

    spool = Spool(work)
    spool.put(outcome)                  # without its digest
    spool.put_digest(seq, digest)
    spool.get(seq), spool.digest(seq)   # read back; None when there is no digest
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path
from typing import Any

from evaltool.intake.manifest import Outcome
from evaltool.summary.digest import Digest

__all__ = ["Spool"]


class Spool:
    """Outcomes and digests of one run, one small file each in ``folder`` (keyed by seq)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, seq: int, what: str) -> Path:
        return self.folder / f"{seq:06d}.{what}"

    def _dump(self, path: Path, obj: Any) -> None:
        with open(path, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)

    def _load(self, path: Path) -> Any:
        with open(path, "rb") as fh:
            return pickle.load(fh)  # our own file in our own 0700 work folder

    def put(self, o: Outcome) -> None:
        """Keep ``o`` (its digest, if any, is kept apart: :meth:`put_digest`)."""
        self._dump(self._path(o.seq, "outcome"), replace(o, digest=None) if o.digest is not None else o)

    def get(self, seq: int) -> Outcome:
        out: Outcome = self._load(self._path(seq, "outcome"))
        return out

    def put_digest(self, seq: int, d: Digest) -> None:
        self._dump(self._path(seq, "digest"), d)

    def digest(self, seq: int) -> Digest | None:
        path = self._path(seq, "digest")
        if not path.exists():
            return None
        d: Digest = self._load(path)
        return d

    def with_digest(self, o: Outcome) -> Outcome:
        """``o`` with its digest read back (unchanged when it has none)."""
        d = self.digest(o.seq)
        return o if d is None else replace(o, digest=d)
