"""The tables, declared once with SQLAlchemy Core on one shared ``MetaData``.

Later areas (claims, events, people, users, audit) add their tables to the same
``metadata`` from their own modules and their own Alembic revisions, so this
module only declares what capture needs. Full-text search structures are
engine-specific and live in the migration (see ``migrations/versions``).
"""

from __future__ import annotations

from sqlalchemy import (JSON, BigInteger, Boolean, Column, Date, DateTime, Integer, MetaData, String,
                        Table, Text, Index, false)

# A naming convention keeps constraint names stable across SQLite and PostgreSQL,
# which Alembic needs to alter them later.
metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

# SQLite needs INTEGER PRIMARY KEY (the rowid alias) for the FTS5 content_rowid.
_Id = BigInteger().with_variant(Integer(), "sqlite")

documents = Table(
    "documents", metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),  # short id for humans
    Column("sha256", String(64), nullable=False, unique=True),  # identity: hash of original bytes
    Column("kind", String(32), nullable=False),
    Column("filename", Text),
    Column("url", Text),
    Column("title", Text),
    Column("author", Text),
    Column("publisher", Text),
    Column("published", Date),
    Column("captured_at", DateTime(timezone=True), nullable=False),  # UTC
    Column("language", String(16)),
    Column("encoding", String(32)),
    Column("media_type", String(128)),
    Column("source", Text),
    Column("container_sha256", String(64)),
    Column("flags", JSON, nullable=False),
    Column("metadata", JSON, nullable=False),
    Column("text", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("ingested_by", Text, nullable=False),
    Column("tool", String(64), nullable=False),
    # Title or text holds Hangul/Han (U+3131..U+D7A3); set by the writer of the
    # row (``documents.has_cjk``). On SQLite only these rows enter the trigram
    # index (migration 0004).
    Column("has_cjk", Boolean, nullable=False, server_default=false()),
)
Index("ix_documents_published", documents.c.published)
Index("ix_documents_container", documents.c.container_sha256)

# Append-only: rows are inserted, never updated or deleted (triggers in the
# migration refuse UPDATE and DELETE on both engines).
custody = Table(
    "custody", metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(32), nullable=False),  # ingest, copy, export, verify
    Column("sha256", String(64)),
    Column("details", JSON, nullable=False),
)
Index("ix_custody_sha256", custody.c.sha256)

# Where each packed original sits (see ``refwatch.store.blobs``): written in the
# transaction of the document row that names the blob.
blob_packs = Table(
    "blob_packs", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("pack", String(64), nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("length", BigInteger, nullable=False),
)

CUSTODY_ACTIONS = ("ingest", "copy", "export", "verify")
