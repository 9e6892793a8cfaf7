"""The page HMAC of the encrypted files: new stores use SHA-256, older SHA-512 stores keep working."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlcipher3

from refwatch.config import Settings
from refwatch.model.records import CapturedDocument
from refwatch.security.crypto import subkey
from refwatch.store import Store, cipher, ingest_documents, search, word_index
from refwatch.store.engine import StoreError


def _doc(body: str) -> CapturedDocument:
    raw = body.encode("utf-8")
    return CapturedDocument(sha256=hashlib.sha256(raw).hexdigest(), original=raw, text=body,
                            kind="report", filename="r.txt")


def _settings(folder: Path) -> Settings:
    return Settings(data_dir=folder, database_url=None, max_file_bytes=2**20)


def _opens_with(path: Path, key: bytes, hmac: str) -> bool:
    """Whether the file opens under this HMAC, asked of SQLCipher directly (not through cipher.py)."""
    conn = sqlcipher3.connect(str(path))
    try:
        conn.execute(cipher.key_pragma(key))
        conn.execute(f"PRAGMA cipher_hmac_algorithm = {hmac}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.dbapi2.DatabaseError:
        return False
    finally:
        conn.close()


def _forget_opened_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cipher, "_opened_with", {})


def test_a_new_store_authenticates_its_pages_with_hmac_sha256(tmp_path: Path, data_key: bytes) -> None:
    with Store.init(_settings(tmp_path), data_key) as store:
        ingest_documents(store, [_doc("Police in Yanji detained three women on Monday.")], ingested_by="t")
        assert [h.title for h in search(store, "Yanji")] == [None]
    main_key, index_key = subkey(data_key, "sqlite"), word_index.index_key(data_key)
    assert _opens_with(tmp_path / "refwatch.db", main_key, "HMAC_SHA256")
    assert not _opens_with(tmp_path / "refwatch.db", main_key, "HMAC_SHA512")
    assert _opens_with(tmp_path / "search.db", index_key, "HMAC_SHA256")
    assert not _opens_with(tmp_path / "search.db", index_key, "HMAC_SHA512")


def test_a_store_made_with_hmac_sha512_keeps_working_and_keeps_its_format(
        tmp_path: Path, data_key: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    # A store as Refwatch made them before: SQLCipher's default HMAC for both files.
    with monkeypatch.context() as old_release:
        old_release.setattr(cipher, "HMAC_CURRENT", cipher.HMAC_FIRST)
        old_release.setattr(cipher, "_opened_with", {})
        with Store.init(_settings(tmp_path), data_key) as store:
            ingest_documents(store, [_doc("Five people were sent back through Tumen in March.")], ingested_by="t")
    _forget_opened_files(monkeypatch)  # a new process: nothing known about the files
    with Store.open(_settings(tmp_path), data_key) as store:
        assert len(search(store, "Tumen")) == 1
        ingest_documents(store, [_doc("Two women were arrested in Tumen in April.")], ingested_by="t")
        assert len(search(store, "Tumen")) == 2
    main_key, index_key = subkey(data_key, "sqlite"), word_index.index_key(data_key)
    assert _opens_with(tmp_path / "refwatch.db", main_key, "HMAC_SHA512")
    assert _opens_with(tmp_path / "search.db", index_key, "HMAC_SHA512")
    assert not _opens_with(tmp_path / "refwatch.db", main_key, "HMAC_SHA256")


def test_a_wrong_key_is_refused_with_our_message_and_no_library_noise(
        tmp_path: Path, data_key: bytes, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    Store.init(_settings(tmp_path), data_key).close()
    _forget_opened_files(monkeypatch)
    capfd.readouterr()
    with pytest.raises(StoreError, match="wrong key"):
        Store.open(_settings(tmp_path), bytes(32))
    assert "ERROR CORE" not in capfd.readouterr().err  # SQLCipher's own log stays quiet


def test_a_search_index_made_with_another_key_is_reported_not_misread(tmp_path: Path, data_key: bytes) -> None:
    with Store.init(_settings(tmp_path), data_key) as store:
        ingest_documents(store, [_doc("Police in Yanji detained three women on Monday.")], ingested_by="t")
    assert (tmp_path / "search.db").stat().st_size > 0
    with pytest.raises(OSError, match="does not open with this store's key"):
        word_index.open_index(tmp_path / "search.db", bytes(32))
