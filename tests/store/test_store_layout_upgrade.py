"""Upgrades that must not lose anything: the ``has_cjk`` flag (migration 0004) and
the one-level blob layout, both read by stores written before them."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text

from refwatch.config import Settings
from refwatch.model.records import CapturedDocument
from refwatch.store import Store, ingest_documents, search, verify
from refwatch.store import migrate, word_index
from refwatch.store.blobs import BlobStore
from refwatch.store.documents import has_cjk
from refwatch.store.engine import make_engine
from refwatch.store.schema import blob_packs
from refwatch.store.schema import documents as documents_table

KOREAN = "탈북민 12명이 혜산에서 체포되어 강제북송되었다고 가족이 전했다."
ENGLISH = "Seven escapees were detained in Tumen and questioned for three days."


def _doc(body: str, title: str | None = None) -> CapturedDocument:
    raw = body.encode("utf-8")
    return CapturedDocument(sha256=hashlib.sha256(raw).hexdigest(), original=raw, text=body,
                            kind="report", title=title, filename="r.txt")


def _store_at_0003(settings: Settings, key: bytes) -> None:
    """A store as Refwatch left it before 0004, with one Korean and one English row."""
    settings.data_dir.mkdir(parents=True)
    settings.blob_dir.mkdir(parents=True)
    engine = make_engine(settings, key)
    try:
        cfg = migrate._config()  # noqa: SLF001
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0003_security")
        with engine.begin() as conn:
            for n, body in enumerate([KOREAN, ENGLISH]):
                conn.execute(text(
                    "INSERT INTO documents (sha256, kind, captured_at, flags, metadata, text, size, "
                    "ingested_by, tool) VALUES (:sha, 'report', :at, '[]', '{}', :body, 1, 't', 'old')"),
                    {"sha": f"{n:064x}", "at": datetime.now(timezone.utc).isoformat(), "body": body})
    finally:
        engine.dispose()


def test_a_store_at_0003_upgrades_and_still_finds_korean(tmp_path: Path, data_key: bytes) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=None, max_file_bytes=2**20)
    _store_at_0003(settings, data_key)
    with pytest.raises(Exception, match="refwatch init"):
        Store.open(settings, data_key)
    with Store.init(settings, data_key) as store:
        assert store.revision() == sorted(migrate.head_revisions())
        with store.read() as conn:
            flags = dict(conn.execute(select(documents_table.c.text, documents_table.c.has_cjk)).all())
            trigram_rows = conn.exec_driver_sql("SELECT count(*) FROM documents_cjk_docsize").scalar()
        assert flags == {KOREAN: True, ENGLISH: False}
        assert trigram_rows == 1  # the English row never entered the trigram index
        assert [h.sha256 for h in search(store, "혜산에서")] == [f"{0:064x}"]
        assert [h.sha256 for h in search(store, "강제북송")] == [f"{0:064x}"]
        # Documents added after the upgrade are flagged by Python and found the same way.
        new = _doc("중국 공안이 단둥에서 탈북민 다섯 명을 구금했다.", title="단둥 구금")
        assert ingest_documents(store, [new, _doc(ENGLISH + " Again.")], ingested_by="t").ingested == 2
        assert [h.sha256 for h in search(store, "단둥에서")] == [new.sha256]
        with store.read() as conn:
            conn.exec_driver_sql("INSERT INTO documents_cjk(documents_cjk) VALUES ('integrity-check')")
            assert conn.exec_driver_sql("SELECT count(*) FROM documents_cjk_docsize").scalar() == 2


def test_has_cjk_sees_hangul_and_han_in_title_or_text() -> None:
    assert has_cjk(None, "A report from 혜산.")
    assert has_cjk("中国遣返", "English body")
    assert not has_cjk(None, ENGLISH)
    assert not has_cjk("Café “quoted” — Zürich", "naïve résumé")  # non-ASCII, but not CJK


def _loose_blob(root: Path, key: bytes, legacy: bool = False) -> tuple[BlobStore, str, bytes]:
    """A blob written as a file of its own, as Refwatch did before packs."""
    blobs = BlobStore(root, key)
    raw = b"Nine people were sent back through Sinuiju."
    sha = hashlib.sha256(raw).hexdigest()
    path = blobs.legacy_path(sha) if legacy else blobs.path(sha)
    path.parent.mkdir(parents=True)
    path.write_bytes(blobs.seal(sha, raw))
    return blobs, sha, raw


def test_loose_blobs_of_the_one_level_layout_are_read(tmp_path: Path) -> None:
    blobs, sha, raw = _loose_blob(tmp_path / "blobs", b"k" * 32)
    assert blobs.path(sha) == tmp_path / "blobs" / sha[:2] / sha
    assert blobs.get(sha) == raw and blobs.check(sha) is None and blobs.exists(sha)


def test_blobs_in_the_old_two_level_layout_are_still_read(tmp_path: Path) -> None:
    blobs, sha, raw = _loose_blob(tmp_path / "blobs", b"k" * 32, legacy=True)
    legacy = blobs.legacy_path(sha)
    assert legacy == tmp_path / "blobs" / sha[:2] / sha[2:4] / sha
    assert blobs.get(sha) == raw and blobs.check(sha) is None and blobs.exists(sha)
    legacy.write_bytes(legacy.read_bytes()[:-1] + b"\x00")
    assert blobs.check(sha) == "altered"
    legacy.unlink()
    assert blobs.check(sha) == "missing" and not blobs.exists(sha)


@pytest.mark.parametrize("bad", ["../" * 3 + "etc/passwd", "a" * 63 + "/", "A" * 64, "0" * 62 + "..",
                                 "/" + "0" * 63])
def test_blob_paths_refuse_anything_but_a_hash(tmp_path: Path, bad: str) -> None:
    blobs = BlobStore(tmp_path, b"k" * 32)
    for method in (blobs.path, blobs.legacy_path, blobs.get, blobs.exists):
        with pytest.raises(ValueError):
            method(bad)


def test_verify_checks_blobs_in_both_layouts(tmp_path: Path, data_key: bytes) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=None, max_file_bytes=2**20)
    old, new = _doc("An old report about Hyesan."), _doc("A new report about Musan.")
    with Store.init(settings, data_key) as store:
        assert ingest_documents(store, [old, new], ingested_by="t").ingested == 2
        # As a store from before packs and before the one-level layout kept it.
        legacy = store.blobs.legacy_path(old.sha256)
        legacy.parent.mkdir(parents=True)
        legacy.write_bytes(store.blobs.read_packed(old.sha256, store.blobs.locate(old.sha256)))
        with store.write() as conn:
            conn.execute(blob_packs.delete().where(blob_packs.c.sha256 == old.sha256))
        assert store.blobs.locate(old.sha256) is None
        assert verify(store, actor="t").ok
        legacy.write_bytes(b"tampered")
        problems = verify(store, actor="t").problems
        assert [(p["sha256"], p["problem"]) for p in problems] == [(old.sha256, "altered")]


def test_the_word_index_is_set_up_for_bulk_writes(tmp_path: Path, data_key: bytes) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=None, max_file_bytes=2**20)
    with Store.init(settings, data_key) as store:
        ingest_documents(store, [_doc("A report about Hyesan.")], ingested_by="t")
        conn = word_index.open_index(store.word_index_path, store.word_index_key)
        try:
            config = dict(conn.execute(f"SELECT k, v FROM {word_index.TABLE}_config").fetchall())
        finally:
            conn.close()
        with store.read() as main:  # the main file no longer holds a word index
            assert main.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE name LIKE 'documents_fts%'").scalar() == 0
    assert config["hashsize"] == 16 * 2**20 and config["automerge"] == 0 and config["crisismerge"] == 16
