"""A ``has_cjk`` flag on documents; on SQLite it decides which rows the trigram index gets.

Before this revision the SQLite triggers of ``documents_cjk`` tested every
inserted row with ``coalesce(title, '') || text GLOB '*[ㄱ-힣]*'``: SQLite
concatenates and scans the whole text (~100-130 µs for a 4 KB report) inside
the single writer. The reader worker now computes the flag in Python while the
text is at hand (``refwatch.store.documents.has_cjk``; an ASCII check settles
most documents), and the triggers only read the column.

The same revision tunes the word index for bulk writes (persistent FTS5
settings, so every connection uses them): ``hashsize`` 16 MB lets a
1,000-document batch reach the index as one segment instead of several (FTS5
flushes its pending terms whenever they pass 1 MB), and ``automerge`` 8 merges
eight segments of a level at once instead of four (fewer passes over the same
data). Measured on 12,000 4-KB reports: the writer's insert time fell from
~365 to ~260 µs per document. A large import ends with a full merge
(``search.optimize_index``), so queries after it see one segment either way.

Existing rows get the flag from the same GLOB the old triggers used, so the
trigram index keeps exactly the rows it had. PostgreSQL gets the column too
(one schema on both engines); its search does not need it.

Revision ID: 0004_cjk_flag
Revises: 0003_security
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_cjk_flag"
down_revision = "0003_security"
branch_labels = None
depends_on = None

# Same range as 0001: U+3131..U+D7A3 (Hangul jamo, CJK ideographs, Hangul syllables).
_CJK_GLOB = "'*[\u3131-\ud7a3]*'"
_TABLE = "documents_cjk"


def _triggers(when_new: str, when_old: str, update_of: str) -> list[str]:
    return [
        f"CREATE TRIGGER {_TABLE}_ai AFTER INSERT ON documents{when_new} BEGIN "
        f"INSERT INTO {_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text); END",
        f"CREATE TRIGGER {_TABLE}_ad AFTER DELETE ON documents{when_old} BEGIN "
        f"INSERT INTO {_TABLE}({_TABLE}, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END",
        f"CREATE TRIGGER {_TABLE}_bu BEFORE UPDATE OF {update_of} ON documents{when_old} BEGIN "
        f"INSERT INTO {_TABLE}({_TABLE}, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END",
        f"CREATE TRIGGER {_TABLE}_au AFTER UPDATE OF {update_of} ON documents{when_new} BEGIN "
        f"INSERT INTO {_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    ]


def _drop_triggers() -> None:
    for suffix in ("ai", "ad", "bu", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS {_TABLE}_{suffix}")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("documents", sa.Column("has_cjk", sa.Boolean(), nullable=False,
                                         server_default=sa.false()))
    if not sqlite:
        op.execute("UPDATE documents SET has_cjk = TRUE WHERE coalesce(title, '') || text ~ '[\u3131-\ud7a3]'")
        return
    # The flag is not a column the triggers watch yet, so this UPDATE leaves the index alone.
    op.execute(f"UPDATE documents SET has_cjk = 1 WHERE coalesce(title, '') || text GLOB {_CJK_GLOB}")
    _drop_triggers()
    # A change of the flag alone moves the row into or out of the trigram index.
    for statement in _triggers(" WHEN new.has_cjk", " WHEN old.has_cjk", "title, text, has_cjk"):
        op.execute(statement)
    _fts_settings(_BULK)


_BULK = {"documents_fts": {"hashsize": 16 * 2**20, "automerge": 8}, "documents_cjk": {"hashsize": 16 * 2**20}}
_DEFAULTS = {"documents_fts": {"hashsize": 2**20, "automerge": 4}, "documents_cjk": {"hashsize": 2**20}}


def _fts_settings(settings: dict[str, dict[str, int]]) -> None:
    for table, values in settings.items():
        for name, value in values.items():
            op.execute(f"INSERT INTO {table}({table}, rank) VALUES ('{name}', {int(value)})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _fts_settings(_DEFAULTS)
        _drop_triggers()
        when = f" WHEN coalesce(new.title, '') || new.text GLOB {_CJK_GLOB}"
        for statement in _triggers(when, when.replace("new.", "old."), "title, text"):
            op.execute(statement)
    # Native DROP COLUMN (SQLite >= 3.35); no trigger names the column any more.
    op.drop_column("documents", "has_cjk")
