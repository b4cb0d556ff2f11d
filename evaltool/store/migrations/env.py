"""Alembic environment for the evaltool results store.

Run programmatically by :func:`evaltool.store.db.upgrade` (the connection is handed over in
``config.attributes["connection"]``); ``alembic`` on the command line works too with
``-x url=sqlite:///campaign.db`` (for writing a new revision: ``alembic -c
evaltool/store/migrations/alembic.ini revision --autogenerate -m "…"``).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from evaltool.store.schema import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,  # type: ignore[arg-type]
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url or "sqlite:///evaltool-dev.db")
    with engine.begin() as conn:
        _run(conn)
