from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DatabaseError

from refwatch.security import audit
from refwatch.store import migrate
from refwatch.store.security_tables import audit_log, users

from security_store import migrations_dir


@pytest.fixture()
def migrated(tmp_path, monkeypatch):
    monkeypatch.setattr(migrate, "MIGRATIONS", migrations_dir(tmp_path))
    engine = create_engine("sqlite://")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def test_migration_creates_the_tables_the_code_declares(migrated):
    inspector = inspect(migrated)
    for table in (users, audit_log):
        assert {c["name"] for c in inspector.get_columns(table.name)} == {c.name for c in table.columns}


def test_audit_log_refuses_update_and_delete_in_the_database(migrated):
    with migrated.begin() as conn:
        audit.append(conn, "ada", "events.write", "event:1")
    for statement in ("UPDATE audit_log SET actor = 'eve'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"):
            with migrated.begin() as conn:
                conn.execute(text(statement))
    with migrated.connect() as conn:
        assert audit.verify_store(conn).ok
