"""Open a results store: a URL (or a path for SQLite) in, an up-to-date database out.

Why: nothing to set up for one evaluator (a SQLite file in the campaign folder), a shared
server for a bureau (``postgresql://user@host/db``). Opening always runs the shipped Alembic
migrations up to ``head`` — under a lock (a PostgreSQL advisory lock, a file lock next to the
SQLite file), so two staff opening a fresh store at once do not both create it.

Example::

    store = open_store("2024绩效评价/campaign.db")          # SQLite file, created on first use
    store = open_store("postgresql://evaltool@db.local/evaltool")
    with store.session() as s:
        s.add(Campaign(...)); s.commit()
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Store", "open_store", "store_url", "MIGRATIONS", "head_revision"]

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK = 0x65766C74  # "evlt": the advisory lock key for migrations


def store_url(db: str | os.PathLike[str]) -> str:
    """A SQLAlchemy URL for ``db``: a URL as given, a path as ``sqlite:///<absolute path>``.

    ``postgresql://`` uses psycopg 3 (the ``pg`` extra), ``postgresql+psycopg2://`` psycopg2.
    """
    s = os.fspath(db)
    if "://" not in s:
        return f"sqlite:///{Path(s).resolve()}"
    if s.startswith(("postgres://", "postgresql://")):  # psycopg 3, whatever SQLAlchemy's default
        return "postgresql+psycopg://" + s.split("://", 1)[1]
    return s


def _config(connection: Any = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration shipped with this evaltool."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class Store:
    """An open results store: the engine and a session factory (objects stay usable after commit)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        return self._sessions()

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def upgrade(engine: Engine) -> None:
    """Run the shipped migrations up to head (idempotent; serialised between processes)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
            command.upgrade(_config(conn), "head")
        return
    db = engine.url.database
    lock = _file_lock(Path(db + ".lock")) if engine.dialect.name == "sqlite" and db and db != ":memory:" \
        else contextlib.nullcontext()
    with lock, engine.begin() as conn:
        command.upgrade(_config(conn), "head")


def open_store(db: str | os.PathLike[str], *, migrate: bool = True) -> Store:
    """Open (and create or migrate) the store at ``db`` — a URL or a SQLite file path."""
    url = store_url(db)
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 60}
        database = url.split(":///", 1)[1] if ":///" in url else ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _sqlite_pragmas(engine)
    if migrate:
        upgrade(engine)
    return Store(engine)
