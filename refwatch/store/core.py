"""The ``Store``: one engine plus one blob folder, opened with the data key."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from refwatch.config import Settings
from refwatch.store import migrate
from refwatch.store.blobs import BlobStore
from refwatch.store.engine import StoreError, make_engine, make_search_engine


class Store:
    """An opened evidence store. Use as a context manager or call ``close``."""

    def __init__(self, settings: Settings, engine: Engine, blobs: BlobStore,
                 search_engine: Engine | None = None, word_index_key: bytes | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self.blobs = blobs
        # SQLite only: the word index file (refwatch.store.word_index) and the
        # read connections that see it beside the documents.
        self.search_engine = search_engine
        self.word_index_key = word_index_key

    @property
    def word_index_path(self) -> Path:
        from refwatch.store.word_index import FILE_NAME

        return self.settings.data_dir / FILE_NAME

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @classmethod
    def open(cls, settings: Settings, data_key: bytes) -> "Store":
        """Open an initialised store; refuses one whose schema is missing or old."""
        if settings.is_embedded and not settings.sqlite_path.exists():
            raise StoreError(f"no store in {settings.data_dir}; run `refwatch init` first")
        store = cls._connect(settings, data_key)
        try:
            current, heads = migrate.current_revisions(store.engine), migrate.head_revisions()
        except Exception:
            store.close()
            raise
        if not current:
            store.close()
            raise StoreError("the database has no Refwatch schema; run `refwatch init` first")
        if current != heads:
            store.close()
            raise StoreError("the store's schema is older than this Refwatch; run `refwatch init` "
                             "to upgrade it")
        return store

    @classmethod
    def init(cls, settings: Settings, data_key: bytes) -> "Store":
        """Create the store (folders, database, schema), or upgrade an existing one."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        settings.blob_dir.mkdir(parents=True, exist_ok=True)
        store = cls._connect(settings, data_key)
        try:
            migrate.upgrade(store.engine)
        except Exception:
            store.close()
            raise
        return store

    @classmethod
    def _connect(cls, settings: Settings, data_key: bytes) -> "Store":
        engine = make_engine(settings, data_key)
        try:
            with engine.connect():
                pass
        except StoreError:
            engine.dispose()
            raise
        except Exception as exc:  # unreachable server, bad URL: say so without the URL (it may hold a password)
            engine.dispose()
            raise StoreError(f"cannot connect to the database: {type(exc).__name__}") from None
        from refwatch.store.documents import register_sealing

        register_sealing(engine, data_key)  # testimonies are sealed on PostgreSQL
        from refwatch.store.packs import locator

        blobs = BlobStore(settings.blob_dir, data_key, locate=locator(engine))
        if engine.dialect.name != "sqlite":
            return cls(settings, engine, blobs)
        from refwatch.store.word_index import index_key

        return cls(settings, engine, blobs, make_search_engine(settings, data_key), index_key(data_key))

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (takes SQLite's write lock at BEGIN)."""
        with self.engine.execution_options(immediate=True).begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def revision(self) -> list[str]:
        return sorted(migrate.current_revisions(self.engine))

    def close(self) -> None:
        if self.search_engine is not None:
            self.search_engine.dispose()
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
