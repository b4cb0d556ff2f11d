"""A fresh PostgreSQL database per test, on the server ``EVALTOOL_TEST_PG`` points to.

``.ci/run`` starts a throw-away server (scripts/pg_test_server.sh) and exports the URL; a
developer runs ``eval "$(scripts/pg_test_server.sh)"``. Without the variable the PostgreSQL
tests skip — unless ``CI`` is set, where they fail: CI must prove the store on a real server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest


def pg_database() -> Iterator[str]:
    """Create a database, yield its URL, drop it (with any sessions left)."""
    server = os.environ.get("EVALTOOL_TEST_PG")
    if not server:
        if os.environ.get("CI"):
            pytest.fail("EVALTOOL_TEST_PG is not set: CI must start PostgreSQL (.ci/services.sh)")
        pytest.skip("no PostgreSQL server: eval \"$(scripts/pg_test_server.sh)\" to run these tests")
    from sqlalchemy import create_engine, text

    name = "evt_" + uuid.uuid4().hex[:12]
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
