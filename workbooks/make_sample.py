"""Make the shipped workbooks: the blank dept-overall template and the 西城区妇联 2023 sample.

The figures and how they were entered are documented in :mod:`evaltool.demo.samples` (the same
code ``evaltool demo`` uses); output is deterministic, so re-running gives byte-identical
files.

Example::

    python workbooks/make_sample.py          # writes the two .xlsx files next to this script
    python workbooks/make_sample.py OUTDIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from evaltool.demo.samples import write_blank, write_sample

HERE = Path(__file__).resolve().parent


def main(outdir: Path = HERE) -> list[Path]:
    return [write_blank(outdir / "template-dept-overall.xlsx"), write_sample(outdir / "sample-xicheng-2023.xlsx")]


if __name__ == "__main__":
    for p in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(p)
