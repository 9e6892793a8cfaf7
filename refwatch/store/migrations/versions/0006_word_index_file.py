"""SQLite: the word index moves out of the store's file into ``search.db``.

Until this revision ``documents_fts`` lived in the main file and triggers filled
it inside each insert, so indexing could only run in turn with the inserts. It
is now written by a connection of its own, in parallel (see
``refwatch.store.word_index``). This revision drops the table and its triggers;
the new index fills itself from the documents on the next search or import.
The trigram index of Korean and Chinese documents (``documents_cjk``) stays.
PostgreSQL is not touched (its ``tsv`` column is the index).

Revision ID: 0006_word_index_file
Revises: 0005_blob_packs
"""

from __future__ import annotations

from alembic import op

revision = "0006_word_index_file"
down_revision = "0005_blob_packs"
branch_labels = None
depends_on = None

_TABLE = "documents_fts"
_TRIGGERS = ("ai", "ad", "bu", "au")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for suffix in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {_TABLE}_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {_TABLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE VIRTUAL TABLE {_TABLE} USING fts5(title, text, content='documents', "
               "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
    op.execute(f"CREATE TRIGGER {_TABLE}_ai AFTER INSERT ON documents BEGIN "
               f"INSERT INTO {_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text); END")
    op.execute(f"CREATE TRIGGER {_TABLE}_ad AFTER DELETE ON documents BEGIN "
               f"INSERT INTO {_TABLE}({_TABLE}, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END")
    op.execute(f"CREATE TRIGGER {_TABLE}_bu BEFORE UPDATE OF title, text ON documents BEGIN "
               f"INSERT INTO {_TABLE}({_TABLE}, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END")
    op.execute(f"CREATE TRIGGER {_TABLE}_au AFTER UPDATE OF title, text ON documents BEGIN "
               f"INSERT INTO {_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text); END")
    op.execute(f"INSERT INTO {_TABLE}({_TABLE}) VALUES ('rebuild')")
