"""The word index of an embedded store: its own encrypted file, written in parallel.

Why a file of its own: SQLite lets one connection write a database file at a
time, and indexing words (tokenising ~700 words per report, writing and merging
FTS5 segments) was about 60% of the ingest writer's work. Kept in the main
file, it could only run in turn with the document inserts. In ``search.db`` it
is written by a second connection in a thread of its own (SQLite releases the
GIL while it works), so a bulk import uses both cores.

The index is derived data, never evidence:
- it is contentless (``content=''``): the words are indexed, the text itself
  stays only in ``documents``; snippets are cut from that text;
- ``indexed_through`` (same transaction as the index rows) says that every
  document with an id up to it is indexed. Document ids only grow (one writer,
  rows are never deleted), so whatever is above it is what is missing;
- anything that reads the index first catches it up (``catch_up``): a killed
  import, a document stored by another path, or a deleted ``search.db`` all
  end in the same complete index.

The file is SQLCipher-encrypted with its own subkey of the data key. Writers of
``documents`` never ATTACH it: a ``BEGIN IMMEDIATE`` locks every attached file,
which would stop the indexer; searches use connections of their own.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Sequence

import sqlcipher3
from sqlalchemy.exc import OperationalError

from refwatch.security.crypto import subkey
from refwatch.store import cipher

log = logging.getLogger(__name__)

FILE_NAME = "search.db"
SCHEMA = "search"  # the name the file is attached under, for searches
TABLE = "words"
TOKENIZER = "unicode61 remove_diacritics 2"
CATCH_UP_CHUNK = 2000  # documents read from the store per index transaction
MAX_ROWS_PER_TRANSACTION = 4000  # an import's committed rows are indexed this many at a time
# Bulk-friendly FTS5 settings. A 16 MB pending-terms hash gives fewer, larger
# segments. No incremental merging (automerge 0: 40% of the indexer's time in
# a profile, for queries no faster); 16 segments on one level are merged at
# once (crisismerge), so segments never pile up.
_SETTINGS = {"hashsize": 16 * 2**20, "automerge": 0, "crisismerge": 16}

Row = tuple[int, str | None, str]  # (document id, title, text)


def index_key(data_key: bytes) -> bytes:
    """The raw SQLCipher key of the index file (a subkey: the data key itself stays out)."""
    return subkey(data_key, "search-index")


def open_index(path: Path, key: bytes) -> sqlcipher3.dbapi2.Connection:
    """A connection to the index file (created, with its schema, when missing)."""
    from refwatch.store.engine import create_private

    create_private(path)
    try:
        conn = cipher.connect(path, key, timeout=60.0, check_same_thread=False, isolation_level=None)
    except cipher.WrongKeyError:
        raise OSError(f"the search index {path.name} does not open with this store's key") from None
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA busy_timeout = 60000")
    # NORMAL: the index can lose its last transactions on a power cut, never
    # its consistency; ``indexed_through`` goes back with them and catch-up redoes them.
    conn.execute("PRAGMA synchronous = NORMAL")
    _ensure_schema(conn)
    return conn


def _ensure_schema(conn: sqlcipher3.dbapi2.Connection) -> None:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (TABLE,)).fetchone():
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(title, text, content='', "
                     f"tokenize='{TOKENIZER}')")
        conn.execute("CREATE TABLE IF NOT EXISTS state (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
        conn.execute("INSERT OR IGNORE INTO state VALUES ('indexed_through', 0)")
        for name, value in _SETTINGS.items():
            conn.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES (?, ?)", (name, value))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def indexed_through(conn: sqlcipher3.dbapi2.Connection) -> int:
    row = conn.execute("SELECT v FROM state WHERE k = 'indexed_through'").fetchone()
    return int(row[0]) if row else 0


def add(conn: sqlcipher3.dbapi2.Connection, rows: Sequence[Row]) -> None:
    """Index these documents (ids above the watermark, ascending) in one transaction."""
    if not rows:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        through = indexed_through(conn)
        fresh = [r for r in rows if r[0] > through]  # a re-run after a crash may offer some again
        if fresh:
            conn.executemany(f"INSERT INTO {TABLE}(rowid, title, text) VALUES (?, ?, ?)", fresh)
            conn.execute("UPDATE state SET v = ? WHERE k = 'indexed_through'", (fresh[-1][0],))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _unindexed(store: Any, after: int, limit: int) -> list[Row]:  # noqa: ANN401 (Store; import cycle)
    # Plain driver tuples: on a bulk import this read-back runs for every document,
    # and SQLAlchemy's Row objects cost more than the rows' decryption.
    with store.read() as conn:
        cursor = conn.connection.dbapi_connection.execute(
            "SELECT id, title, text FROM documents WHERE id > ? ORDER BY id LIMIT ?", (after, limit))
        return cursor.fetchall()


def catch_up(store: Any, conn: sqlcipher3.dbapi2.Connection | None = None,  # noqa: ANN401
             up_to: int | None = None, chunk: int = CATCH_UP_CHUNK) -> int:
    """Index every stored document the index lacks (up to id ``up_to``); how many were added."""
    own = conn is None
    conn = conn or open_index(store.word_index_path, store.word_index_key)
    added = 0
    try:
        while True:
            through = indexed_through(conn)
            if up_to is not None and through >= up_to:
                break
            rows = _unindexed(store, through, chunk)
            if up_to is not None:
                rows = [r for r in rows if r[0] <= up_to]
            if not rows:
                break
            add(conn, rows)
            added += len(rows)
    finally:
        if own:
            conn.close()
    return added


def lag(store: Any) -> int:  # noqa: ANN401
    """How many ids the index is behind the documents (0: current), in one small query."""
    with store.search_engine.connect() as conn:
        try:
            row = conn.exec_driver_sql(
                f"SELECT (SELECT max(id) FROM main.documents), "
                f"(SELECT v FROM {SCHEMA}.state WHERE k = 'indexed_through')").one()
        except OperationalError:  # no index file yet, or one without its tables
            row = (conn.exec_driver_sql("SELECT max(id) FROM main.documents").scalar(), 0)
    last, through = row[0] or 0, row[1] or 0
    return max(0, last - through)


def ensure_current(store: Any) -> int:  # noqa: ANN401
    """Catch the index up if it lags (after a killed import, say); how many documents were added."""
    if lag(store) == 0:
        return 0
    return catch_up(store)


class Indexer:
    """Indexes committed documents in a thread of its own while the import goes on.

    The writer only says how far it has committed (``committed``); the thread
    reads the rows above its watermark back from the store, up to
    ``MAX_ROWS_PER_TRANSACTION`` at a time, and indexes them (``catch_up``).
    Reading back costs a few microseconds per document; in exchange the
    import holds no queue of texts (memory) and never waits for the index:
    with a bounded queue of texts the writer waited 5-8 s of a 50 s import
    while the index merged segments. Rows another writer stored in between
    are read back like any others, so the watermark never skips a document.
    A failure is logged (no document text in it) and the thread stops
    indexing: the documents are stored, and the next catch-up indexes them.
    """

    def __init__(self, store: Any) -> None:  # noqa: ANN401
        self.store = store
        self.failed: str | None = None
        self._committed = 0  # highest document id the writer has committed
        self._closing = False
        self._wake = threading.Condition()
        self._conn = open_index(store.word_index_path, store.word_index_key)
        self._through = indexed_through(self._conn)
        self._thread = threading.Thread(target=self._run, name="word-index", daemon=True)
        self._thread.start()

    def committed(self, last_id: int) -> None:
        """Documents up to ``last_id`` are committed: index them when a transaction's worth has gathered."""
        with self._wake:
            if last_id > self._committed:
                self._committed = last_id
                if last_id - self._through >= MAX_ROWS_PER_TRANSACTION:
                    self._wake.notify()

    def close(self) -> None:
        """Wait until everything committed is indexed."""
        with self._wake:
            self._closing = True
            self._wake.notify()
        self._thread.join()
        self._conn.close()

    def _run(self) -> None:
        try:
            catch_up(self.store, self._conn, chunk=MAX_ROWS_PER_TRANSACTION)  # what an interrupted run left out
        except Exception as exc:  # noqa: BLE001
            self._stop(exc)
        while True:
            with self._wake:
                # Transactions of MAX_ROWS_PER_TRANSACTION rows: fewer, larger segments index and
                # merge faster (a third less CPU than 1,000-row transactions at 100,000 documents).
                self._wake.wait_for(lambda: self._closing
                                    or self._committed - self._through >= MAX_ROWS_PER_TRANSACTION)
                up_to, last = self._committed, self._closing
            if self.failed is None:
                try:
                    catch_up(self.store, self._conn, up_to=up_to, chunk=MAX_ROWS_PER_TRANSACTION)
                except Exception as exc:  # noqa: BLE001 (the import goes on; catch-up repairs)
                    self._stop(exc)
            with self._wake:
                self._through = up_to  # asked for: not woken again before MAX_ROWS_PER_TRANSACTION more
            if last:
                return

    def _stop(self, exc: Exception) -> None:
        self.failed = f"{type(exc).__name__}"
        log.warning("the search index stopped updating (%s); it is caught up on the next search or import",
                    self.failed)
