"""The results store on SQLite and on a real PostgreSQL server: migrations, names, claims."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from support.pg import pg_database

from evaltool.store import create_campaign, head_revision, open_store
from evaltool.store.db import upgrade
from evaltool.store.names import name_bytes, name_from_bytes, safe_text
from evaltool.store.records import PROCESSING, Received, ReturnFacts, claim, complete
from evaltool.store.schema import Base, File, FindingRow, Sighting

TABLES = {"alembic_version", "campaigns", "units", "targets", "files", "sightings", "returns", "findings",
          "indicators", "replies", "issue_warnings"}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "store" / "campaign.db")
    else:
        yield from pg_database()


def test_migrations_build_the_schema_from_empty_and_match_the_models(db_url: str) -> None:
    store = open_store(db_url)
    assert store.revision() == head_revision() == "0003"
    assert set(inspect(store.engine).get_table_names()) == TABLES
    with store.engine.connect() as conn:  # the shipped migration builds exactly what the models say
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    store.close()
    again = open_store(db_url)  # opening an up-to-date store changes nothing
    assert again.revision() == "0003"
    from alembic import command

    from evaltool.store.db import _config

    with again.engine.begin() as conn:
        command.downgrade(_config(conn), "base")
    assert set(inspect(again.engine).get_table_names()) <= {"alembic_version"}
    upgrade(again.engine)
    assert set(inspect(again.engine).get_table_names()) == TABLES
    again.close()


def test_a_name_that_is_not_utf8_round_trips_and_text_stays_storable(db_url: str) -> None:
    raw = "报表".encode() + b"\xff\xfe-\x00.xlsx"  # invalid UTF-8 and a NUL: PostgreSQL text refuses both
    name = raw.decode("utf-8", "surrogateescape")
    assert name_bytes(name) == raw and name_from_bytes(raw) == name
    store = open_store(db_url)
    c = create_campaign(store, "名字", year=2024, framework="dept-overall")
    fid = claim(store, c.id, Received(sha256="a" * 64, label=f"1.eml/{name}", filename=name,
                                      subject="主题\udce4"), run="r1")
    assert fid is not None
    complete(store, fid, decision="rejected", reason=f"无法读取 {name}",
             findings=[{"rule": "X", "severity": "error", "sheet": "", "cell": "", "message": name}])
    with store.session() as s:
        f = s.get(File, fid)
        assert f is not None
        assert name_from_bytes(f.filename_raw) == name and name_from_bytes(f.label_raw) == f"1.eml/{name}"
        assert f.filename == safe_text(name) == "报表\\xff\\xfe-\\x00.xlsx"
        assert f.subject == "主题\\xe4"
        assert s.scalar(select(FindingRow.message)) == "报表\\xff\\xfe-\\x00.xlsx"
    store.close()


def test_one_row_per_content_per_campaign_and_every_sighting_kept(db_url: str) -> None:
    store = open_store(db_url)
    a = create_campaign(store, "A", year=2024, framework="dept-overall")
    b = create_campaign(store, "B", year=2024, framework="dept-overall")
    first = claim(store, a.id, Received(sha256="b" * 64, label="1.eml/x.xlsx"), run="r1")
    assert first is not None
    assert claim(store, a.id, Received(sha256="b" * 64, label="2.eml/x.xlsx"), run="r2") is None
    assert claim(store, b.id, Received(sha256="b" * 64, label="1.eml/x.xlsx"), run="r3") is not None
    # a refusal decided from the container (no attachment) is not the empty file's content
    assert claim(store, a.id, Received(sha256="b" * 64, label="3.eml", refusal="mail-no-attachment"), run="r1")
    with store.session() as s:
        assert s.get(File, first).decision == PROCESSING  # type: ignore[union-attr]
        labels = sorted(s.scalars(select(Sighting.label).where(Sighting.file_id == first)))
    assert labels == ["1.eml/x.xlsx", "2.eml/x.xlsx"]
    complete(store, first, decision="accepted", summary_status="通过",
             facts=ReturnFacts(unit_code="110001", unit_name="甲", year=2024, total=88.5))
    with store.session() as s:
        assert s.get(File, first).decision == "accepted"  # type: ignore[union-attr]
    store.close()
