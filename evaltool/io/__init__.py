"""evaltool.io: everything that touches workbook files (readers, the package patcher, ...).

Why: the engine never imports openpyxl/xlsxwriter/calamine; only this package does. The
lossless write-back API is re-exported here::

    from evaltool.io import Formula, PatchError, patch_cells
"""

from __future__ import annotations

from evaltool.io.patch import Formula, PatchError, patch_cells

__all__ = ["Formula", "PatchError", "patch_cells"]
