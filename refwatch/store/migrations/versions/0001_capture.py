"""Capture: documents, the custody log, and full-text search.

Revision ID: 0001_capture
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_capture"
down_revision = None
branch_labels = None
depends_on = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# Only the first 200,000 characters of a text feed the PostgreSQL tsvector: a
# tsvector is capped at 1 MB; the pg_trgm/ILIKE fallback still sees the rest.
_TSV = ("setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
        "setweight(to_tsvector('english', left(text, 200000)), 'B')")


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("filename", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("publisher", sa.Text),
        sa.Column("published", sa.Date),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("encoding", sa.String(32)),
        sa.Column("media_type", sa.String(128)),
        sa.Column("source", sa.Text),
        sa.Column("container_sha256", sa.String(64)),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("ingested_by", sa.Text, nullable=False),
        sa.Column("tool", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("sha256", name="uq_documents_sha256"),
    )
    op.create_index("ix_documents_published", "documents", ["published"])
    op.create_index("ix_documents_container", "documents", ["container_sha256"])
    op.create_table(
        "custody",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("sha256", sa.String(64)),
        sa.Column("details", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody"),
    )
    op.create_index("ix_custody_sha256", "custody", ["sha256"])
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_search()
        _sqlite_append_only()
    else:
        _postgres_search()
        _postgres_append_only()


# Two FTS5 indexes over the same rows (external content: the text is stored once
# in documents; triggers keep both in the row's own transaction):
# - documents_fts, word tokens (unicode61), every document: fast to build,
#   queried with prefix terms so "repatriat" finds "repatriated" and a Korean
#   stem finds the word with its particle ("탈북민" → "탈북민들이");
# - documents_cjk, trigram tokens, only documents with Hangul or Han text: infix
#   matches where words are not separated by spaces. Trigram indexing costs
#   about three times the word index, so English text does not pay for it.
# U+3131..U+D7A3 spans Hangul jamo, the CJK ideographs and Hangul syllables.
CJK_GLOB = "'*[\u3131-\ud7a3]*'"
_FTS_TABLES = {"documents_fts": "unicode61 remove_diacritics 2", "documents_cjk": "trigram"}


def _sqlite_search() -> None:
    for table, tokenizer in _FTS_TABLES.items():
        when = (f" WHEN coalesce(new.title, '') || new.text GLOB {CJK_GLOB}"
                if table == "documents_cjk" else "")
        when_old = when.replace("new.", "old.")
        op.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(title, text, content='documents', "
                   f"content_rowid='id', tokenize='{tokenizer}')")
        op.execute(f"CREATE TRIGGER {table}_ai AFTER INSERT ON documents{when} BEGIN "
                   f"INSERT INTO {table}(rowid, title, text) VALUES (new.id, new.title, new.text); END")
        op.execute(f"CREATE TRIGGER {table}_ad AFTER DELETE ON documents{when_old} BEGIN "
                   f"INSERT INTO {table}({table}, rowid, title, text) "
                   "VALUES ('delete', old.id, old.title, old.text); END")
        op.execute(f"CREATE TRIGGER {table}_bu BEFORE UPDATE OF title, text ON documents{when_old} BEGIN "
                   f"INSERT INTO {table}({table}, rowid, title, text) "
                   "VALUES ('delete', old.id, old.title, old.text); END")
        op.execute(f"CREATE TRIGGER {table}_au AFTER UPDATE OF title, text ON documents{when} BEGIN "
                   f"INSERT INTO {table}(rowid, title, text) VALUES (new.id, new.title, new.text); END")


def _sqlite_append_only() -> None:
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER custody_no_{verb.lower()} BEFORE {verb} ON custody BEGIN "
                   "SELECT RAISE(ABORT, 'the custody log is append-only'); END")


def _postgres_search() -> None:
    op.execute(f"ALTER TABLE documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({_TSV}) STORED")
    op.execute("CREATE INDEX ix_documents_tsv ON documents USING gin (tsv)")
    # pg_trgm speeds up the substring fallback used for Korean and Chinese.
    # Creating an extension may need rights we lack; the fallback then scans.
    bind = op.get_bind()
    savepoint = bind.begin_nested()
    try:
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        bind.exec_driver_sql("CREATE INDEX ix_documents_text_trgm ON documents "
                             "USING gin (text gin_trgm_ops)")
        savepoint.commit()
    except sa.exc.DBAPIError:
        savepoint.rollback()


def _postgres_append_only() -> None:
    op.execute("CREATE FUNCTION refwatch_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
               "BEGIN RAISE EXCEPTION 'the custody log is append-only'; END $$")
    op.execute("CREATE TRIGGER custody_append_only BEFORE UPDATE OR DELETE ON custody "
               "FOR EACH ROW EXECUTE FUNCTION refwatch_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in _FTS_TABLES:
            op.execute(f"DROP TABLE IF EXISTS {table}")
    op.drop_table("custody")
    op.drop_table("documents")
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS refwatch_append_only()")
