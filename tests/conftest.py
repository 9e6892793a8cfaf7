"""Shared fixtures: an evidence store on each engine (SQLite/SQLCipher and PostgreSQL).

PostgreSQL comes from REFWATCH_TEST_PG_URL (default: the local test database).
Each test gets its own schema (search_path), dropped afterwards. When the server
cannot be reached the PostgreSQL variants are skipped, except under CI=true,
where that is a failure.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest

from refwatch.config import Settings
from refwatch.security.crypto import new_key

PG_URL = os.environ.get("REFWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_pg_state: dict[str, object] = {}


def _pg_admin_engine():  # noqa: ANN202
    """One engine per session for creating/dropping schemas, or None when unreachable."""
    if "engine" not in _pg_state:
        from sqlalchemy import create_engine, text

        engine = create_engine(PG_URL, pool_pre_ping=True)
        try:
            with engine.begin() as conn:
                conn.execute(text("SELECT 1"))
            # pg_trgm once, in public, so that per-test schemas do not race to create it.
            with engine.begin() as conn:
                try:
                    with conn.begin_nested():
                        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
                except Exception:
                    pass
            _pg_state["engine"] = engine
        except Exception as exc:  # unreachable, no such database, refused
            engine.dispose()
            _pg_state["engine"] = None
            _pg_state["why"] = type(exc).__name__
    return _pg_state["engine"]


def pg_unavailable() -> None:
    why = f"PostgreSQL not reachable at REFWATCH_TEST_PG_URL ({_pg_state.get('why')})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture
def data_key() -> bytes:
    return new_key()


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh, empty schema."""
    from sqlalchemy import text

    admin = _pg_admin_engine()
    if admin is None:
        pg_unavailable()
    schema = "t_" + secrets.token_hex(6)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    options = quote(f"-csearch_path={schema},public")
    try:
        yield f"{PG_URL}{sep}options={options}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store_settings(engine_name: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings for an empty store on the parametrised engine (blobs in tmp_path)."""
    data = tmp_path / "data"
    if engine_name == "sqlite":
        return Settings(data_dir=data, database_url=None, max_file_bytes=50 * 1024 * 1024)
    url = request.getfixturevalue("pg_schema_url")
    return Settings(data_dir=data, database_url=url, max_file_bytes=50 * 1024 * 1024)


@pytest.fixture
def store(store_settings: Settings, data_key: bytes):  # noqa: ANN201
    """An initialised, empty store on the parametrised engine."""
    from refwatch.store import Store

    with Store.init(store_settings, data_key) as opened:
        yield opened
