"""Fixtures for the security tests: an in-memory store and a cheap argon2 hasher."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine

import refwatch.store.security_tables  # noqa: F401  (registers users and audit_log)
from refwatch.security import users
from refwatch.store.schema import metadata


@pytest.fixture()
def engine():
    eng = create_engine("sqlite://")
    metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch):
    """argon2id still, with tiny cost so the suite stays fast."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    monkeypatch.setattr(users, "_dummy", [])


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture()
def clock() -> Clock:
    return Clock()
