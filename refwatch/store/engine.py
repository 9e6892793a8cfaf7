"""Engines for the two back-ends: SQLCipher-encrypted SQLite, or PostgreSQL.

The embedded store is one SQLite file encrypted as a whole by SQLCipher. The
raw 256-bit key (a subkey of the data key) is handed to SQLCipher as a hex
literal, so SQLCipher skips its own passphrase KDF: the passphrase was already
stretched by argon2id when the keyring was opened, and opening a connection
stays cheap.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlcipher3
from sqlalchemy import create_engine, event
from sqlalchemy.pool import QueuePool
from sqlalchemy.engine import Engine

from refwatch.config import Settings
from refwatch.security.crypto import subkey
from refwatch.store import cipher


class StoreError(Exception):
    """The store cannot be used as asked; the message says why and what to do."""


def create_private(path: Path) -> None:
    """Create ``path`` empty and readable by its owner only, unless it exists.

    SQLite would create the file with the process umask (usually 0644) and
    gives its ``-wal`` and ``-shm`` files the database file's mode; an empty
    file is a valid empty database.
    """
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


def open_sqlcipher(path: Path, data_key: bytes) -> sqlcipher3.dbapi2.Connection:
    """One DB-API connection to the encrypted file, unlocked and configured."""
    create_private(path)
    try:
        conn = cipher.connect(path, subkey(data_key, "sqlite"), timeout=60.0, check_same_thread=False)
    except cipher.WrongKeyError:
        raise StoreError(f"cannot open the database in {path.parent}: wrong key, or not a Refwatch "
                         "store") from None
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 60000")
    # FULL: a committed batch survives power loss, not only a killed process.
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def make_engine(settings: Settings, data_key: bytes) -> Engine:
    """An SQLAlchemy engine for the configured back-end."""
    if settings.is_embedded:
        path = settings.sqlite_path
        engine = create_engine("sqlite://", creator=lambda: open_sqlcipher(path, data_key),
                               module=sqlcipher3.dbapi2, poolclass=QueuePool, pool_size=4,
                               max_overflow=4)
        _sqlite_transactions(engine)
        return engine
    url = settings.database_url or ""
    if not url.startswith("postgresql"):
        raise StoreError("REFWATCH_DATABASE_URL must be a postgresql+psycopg:// URL")
    return create_engine(url, pool_pre_ping=True)


SEARCH_CACHE_MB = 64  # page cache of the word index per search connection (filled only as it is read)


def make_search_engine(settings: Settings, data_key: bytes) -> Engine:
    """Read connections for searches: the store with the word index attached as ``search``.

    Only searches use these: a write transaction on a connection with the index
    attached would lock the index file too (see ``refwatch.store.word_index``).
    """
    from refwatch.store import word_index

    path, index = settings.sqlite_path, settings.data_dir / word_index.FILE_NAME
    index_key = word_index.index_key(data_key)

    def connect() -> sqlcipher3.dbapi2.Connection:
        conn = open_sqlcipher(path, data_key)
        create_private(index)  # ATTACH would create it with the umask
        cipher.attach(conn, index, word_index.SCHEMA, index_key)
        # Every page read from the encrypted files is decrypted and its HMAC
        # checked again unless it is in the page cache: the doclists of
        # common words stay decrypted here between queries (SQLite's default
        # cache is 2 MB).
        conn.execute(f"PRAGMA {word_index.SCHEMA}.cache_size = -{SEARCH_CACHE_MB * 1024}")
        conn.execute(f"PRAGMA main.cache_size = -{SEARCH_CACHE_MB * 1024 // 4}")
        return conn

    engine = create_engine("sqlite://", creator=connect, module=sqlcipher3.dbapi2, poolclass=QueuePool,
                           pool_size=2, max_overflow=2)  # at most 4 caches of SEARCH_CACHE_MB
    _sqlite_transactions(engine)
    return engine


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not the driver, start transactions (SAVEPOINT needs this).

    The stdlib-style driver opens transactions lazily and only before DML; we
    switch that off and emit BEGIN ourselves, the recipe from the SQLAlchemy
    documentation for pysqlite.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        # Writers take the write lock up front (``immediate`` execution option)
        # so that two writers wait for each other instead of failing on upgrade.
        immediate = conn.get_execution_options().get("immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
