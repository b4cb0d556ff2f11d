"""``evaltool version``: print the package version."""

from __future__ import annotations

import typer

from evaltool import __version__
from evaltool.cli import app


@app.command()
def version() -> None:
    """显示版本号 / Show the version."""
    typer.echo(f"evaltool {__version__}")
