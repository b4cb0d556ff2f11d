"""The ``evaltool`` command line.

Each sub-command lives in its own module in this package and registers itself on ``app``
(``@app.command()``); modules are discovered here, so adding a command is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

app = typer.Typer(
    name="evaltool",
    help="预算绩效评价工具：模板、校验、评分、回写与汇总。 Budget performance evaluation in Excel.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def main() -> None:
    """预算绩效评价工具 evaltool。"""


for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if not _mod.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod}")
