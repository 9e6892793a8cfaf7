"""The word index in its own file (SQLite): kept complete whatever happens to it."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from refwatch.config import Settings
from refwatch.store import Store, documents, ingest_documents, ingest_paths, search, word_index
from refwatch.store.search import MARK_END, MARK_START, word_snippet
from refwatch.model.records import CapturedDocument


def _doc(body: str) -> CapturedDocument:
    raw = body.encode("utf-8")
    return CapturedDocument(sha256=hashlib.sha256(raw).hexdigest(), original=raw, text=body,
                            kind="report", filename="r.txt")


def _store(tmp_path: Path, data_key: bytes) -> Store:
    return Store.init(Settings(data_dir=tmp_path / "data", database_url=None, max_file_bytes=2**20), data_key)


def _through(store: Store) -> int:
    conn = word_index.open_index(store.word_index_path, store.word_index_key)
    try:
        return word_index.indexed_through(conn)
    finally:
        conn.close()


def test_an_import_leaves_the_index_complete(tmp_path: Path, data_key: bytes) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(300):  # above the size at which imports run in worker processes
        (folder / f"r{i}.txt").write_text(f"Report {i}: police in Yanji detained woman number{i}.",
                                          encoding="utf-8")
    with _store(tmp_path, data_key) as store:
        assert ingest_paths(store, [folder], ingested_by="t", batch_size=64).ingested == 300
        assert word_index.lag(store) == 0 and _through(store) == 300
        assert len(search(store, "Yanji detained", limit=1000)) == 300
        hit = search(store, "number217")
        assert [h.title for h in hit] == [None] and f"{MARK_START}number217{MARK_END}" in hit[0].snippet


def test_documents_stored_without_the_indexer_are_found(tmp_path: Path, data_key: bytes) -> None:
    """A killed import (rows committed, index not) or another writer: the next search catches up."""
    with _store(tmp_path, data_key) as store:
        ingest_documents(store, [_doc("An arrest in Hunchun.")], ingested_by="t")
        row = documents.to_row(_doc("A transfer from Tumen to Onsong."), ingested_by="t",
                               captured_at=datetime.now(timezone.utc))
        with store.write() as conn:
            documents.insert_many(conn, [row])  # straight into the table, as a killed import leaves it
        assert word_index.lag(store) == 1
        assert [h.sha256 for h in search(store, "Onsong")] == [row["sha256"]]
        assert word_index.lag(store) == 0
        # The next import indexes after the gap, not over it.
        ingest_documents(store, [_doc("A repatriation through Namyang.")], ingested_by="t")
        assert len(search(store, "Hunchun")) == len(search(store, "Onsong")) == len(search(store, "Namyang")) == 1


def test_a_lost_index_file_is_rebuilt_from_the_documents(tmp_path: Path, data_key: bytes) -> None:
    with _store(tmp_path, data_key) as store:
        ingest_documents(store, [_doc("Detained in Shenyang."), _doc("Released in Bangkok.")], ingested_by="t")
        store.search_engine.dispose()  # no pooled connection keeps the old file open
        for suffix in ("", "-wal", "-shm"):
            Path(str(store.word_index_path) + suffix).unlink(missing_ok=True)
        assert [h.snippet for h in search(store, "Bangkok")] == [f"Released in {MARK_START}Bangkok{MARK_END}."]
        assert _through(store) == 2


def test_the_index_file_needs_the_store_key(tmp_path: Path, data_key: bytes) -> None:
    with _store(tmp_path, data_key) as store:
        ingest_documents(store, [_doc("Detained in Shenyang.")], ingested_by="t")
        path = store.word_index_path
    raw = path.read_bytes()
    assert b"SQLite format 3" not in raw and b"shenyang" not in raw.lower()
    with pytest.raises(OSError, match="does not open with this store's key"):
        word_index.open_index(path, b"\x00" * 32)


def test_snippets_mark_whole_words_or_word_starts() -> None:
    text = "Police in Tumen repatriated them; the Tumenjiang crossing was shut."
    exact = word_snippet(text, ["Tumen"])
    assert exact.count(MARK_START) == 1 and f"{MARK_START}Tumen{MARK_END} repatriated" in exact
    prefix = word_snippet(text, ["repatriat"], prefix=True)
    assert f"{MARK_START}repatriated{MARK_END}" in prefix
    assert word_snippet(text, ["nothing"]).startswith("Police in Tumen")


def test_the_indexer_never_skips_rows_another_writer_stored(tmp_path: Path, data_key: bytes) -> None:
    """The import announces only its own ids; rows stored meanwhile by another path are indexed too."""
    with _store(tmp_path, data_key) as store:
        indexer = word_index.Indexer(store)
        rows = [documents.to_row(_doc(f"Report {i} about Hyesan."), ingested_by="t") for i in range(5)]
        with store.write() as conn:
            documents.insert_many(conn, rows[:3])  # ids 1..3: another writer, never announced
        with store.write() as conn:
            documents.insert_many(conn, rows[3:])  # ids 4..5: the import's own batch
        indexer.committed(5)
        indexer.close()
        assert indexer.failed is None and _through(store) == 5
        assert word_index.lag(store) == 0 and len(search(store, "Hyesan")) == 5


def test_the_indexer_works_in_transactions_of_its_size_and_finishes_the_rest_on_close(
        tmp_path: Path, data_key: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word_index, "MAX_ROWS_PER_TRANSACTION", 4)
    seen: list[int] = []
    real_add = word_index.add
    monkeypatch.setattr(word_index, "add", lambda conn, rows: (seen.append(len(rows)), real_add(conn, rows)))
    with _store(tmp_path, data_key) as store:
        summary = ingest_documents(store, [_doc(f"Arrest number {i} in Yanji.") for i in range(10)],
                                   ingested_by="t", batch_size=3)
        assert summary.ingested == 10
        assert _through(store) == 10 and len(search(store, "Yanji")) == 10
    assert sum(seen) == 10 and max(seen) <= 4


def test_a_store_from_before_the_index_file_upgrades_and_finds_its_documents(
        tmp_path: Path, data_key: bytes) -> None:
    from alembic import command

    from refwatch.store import migrate

    with _store(tmp_path, data_key) as store:
        ingest_documents(store, [_doc("Sent back through Sinuiju.")], ingested_by="t")
        cfg = migrate._config()  # noqa: SLF001
        with store.engine.begin() as conn:  # back to 0005: the word index inside the main file
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0005_blob_packs")
            assert conn.exec_driver_sql("SELECT rowid FROM documents_fts WHERE documents_fts MATCH "
                                        "'sinuiju'").all() == [(1,)]
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp_path / "data" / word_index.FILE_NAME) + suffix).unlink(missing_ok=True)
    with _store(tmp_path, data_key) as store:  # `refwatch init` upgrades
        with store.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'documents_fts'"
                                        ).scalar() == 0
        assert word_index.lag(store) == 1
        assert [h.snippet for h in search(store, "Sinuiju")] == [f"Sent back through {MARK_START}Sinuiju{MARK_END}."]


def test_the_database_files_are_private_to_their_owner(tmp_path: Path, data_key: bytes) -> None:
    with _store(tmp_path, data_key) as store:
        ingest_documents(store, [_doc("Detained in Shenyang.")], ingested_by="t")
        search(store, "Shenyang")
        files = [p for p in (tmp_path / "data").iterdir() if p.name.startswith(("refwatch.db", "search.db"))]
        assert {p.name for p in files} >= {"refwatch.db", "search.db", "refwatch.db-wal", "search.db-wal"}
        assert {p.name: oct(p.stat().st_mode & 0o777) for p in files} == {p.name: "0o600" for p in files}
