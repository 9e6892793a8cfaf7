"""Tables for users and the audit log, on the shared ``metadata``.

Passwords are stored only as argon2id hashes and API tokens only as SHA-256
hashes. The audit log is append-only: migration 0003 adds triggers that refuse
UPDATE and DELETE on it (on both engines); the hash chain catches what a
database owner does behind the triggers' back.
"""

from __future__ import annotations

from sqlalchemy import (JSON, BigInteger, Boolean, Column, DateTime, Integer, String, Table, Text,
                        Index)

from refwatch.store.schema import metadata

_Id = BigInteger().with_variant(Integer(), "sqlite")

users = Table(
    "users", metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text),  # argon2id, PHC string
    Column("token_hash", String(64), unique=True),  # sha256 hex of the API token
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("first_failure_at", DateTime(timezone=True)),
    Column("locked_until", DateTime(timezone=True)),
    Column("last_login_at", DateTime(timezone=True)),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),  # physical insertion order
    Column("seq", BigInteger, nullable=False, unique=True),
    Column("at", String(40), nullable=False),  # ISO 8601 UTC, hashed as written
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(200), nullable=False),
    Column("details", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
Index("ix_audit_log_target", audit_log.c.target)
