"""``python -m evaltool`` runs the command line."""

from evaltool.cli import app

app()
