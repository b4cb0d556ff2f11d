"""Notes (legacy comments) for the package patcher. (work in progress)"""

from __future__ import annotations

from collections.abc import Mapping

from evaltool.io.patch_package import Package
from evaltool.io.patch_types import PatchError

__all__ = ["patch_notes"]


def patch_notes(pkg: Package, part: str, notes: Mapping[str, str | None], label: str) -> None:
    raise PatchError(f"{label}: notes are not implemented yet")
