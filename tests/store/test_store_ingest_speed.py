"""What the fast ingest path must keep: durable blobs before rows, repair of
half-written blobs, one search index entry per row in big batches, and the
markup-only date rule of the HTML reader."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from refwatch.capture import read_bytes
from refwatch.model.records import CapturedDocument
from refwatch.store import Store, ingest_documents, ingest_paths, search
from refwatch.store.blobs import BlobStore
from refwatch.store.schema import custody as custody_table
from refwatch.store.schema import documents as documents_table


def _doc(body: str, kind: str = "report") -> CapturedDocument:
    raw = body.encode("utf-8")
    return CapturedDocument(sha256=hashlib.sha256(raw).hexdigest(), original=raw, text=body, kind=kind,
                            filename="r.txt", language="en")


def _count(store: Store, table=documents_table) -> int:  # noqa: ANN001
    with store.read() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def _write_reports(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"r{i:04d}.txt").write_text(
            f"Report {i}: {i % 40 + 2} people were detained near Hyesan and questioned for days.",
            encoding="utf-8")


def test_blobs_are_flushed_before_the_rows_that_name_them_commit(store: Store,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [_doc(f"Report {i} of arrests in Dandong.") for i in range(30)]
    seen: list[tuple[int, int]] = []  # (bytes waiting for the flush, rows committed when it ended)
    real = BlobStore.sync_packs

    def watching(self: BlobStore) -> None:
        waiting = sum(pack.size for pack in self._unsynced)  # noqa: SLF001
        real(self)
        # Another connection sees only committed rows: none of this batch yet.
        seen.append((waiting, _count(store)))

    monkeypatch.setattr(BlobStore, "sync_packs", watching)
    summary = ingest_documents(store, docs, ingested_by="t", batch_size=10)
    assert summary.ingested == 30
    assert [committed for _, committed in seen] == [0, 10, 20]
    assert all(waiting > 0 for waiting, _ in seen)
    for d in docs:
        assert store.blobs.get(d.sha256) == d.original


def test_a_failed_flush_stores_no_row_and_a_rerun_completes(store: Store,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [_doc(f"Testimony {i} about a transfer to Onsong.") for i in range(6)]
    real = BlobStore.sync_packs

    def failing(self: BlobStore) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(BlobStore, "sync_packs", failing)
    summary = ingest_documents(store, docs, ingested_by="t", batch_size=100)
    assert summary.ingested == 0 and len(summary.failed) == 6
    assert all("blob store" in reason for _, reason in summary.failed)
    assert _count(store) == 0 and _count(store, custody_table) == 0

    monkeypatch.setattr(BlobStore, "sync_packs", real)
    again = ingest_documents(store, docs, ingested_by="t")
    assert again.ingested == 6 and again.duplicates == 0 and not again.failed
    assert all(store.blobs.get(d.sha256) == d.original for d in docs)


def test_a_half_written_blob_is_written_again(store: Store) -> None:
    doc = _doc("A family reports that their daughter was arrested near Changbai.")
    # What a power cut can leave of a blob renamed into place but not yet flushed.
    path = store.blobs.path(doc.sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    assert ingest_documents(store, [doc], ingested_by="t").ingested == 1
    assert store.blobs.get(doc.sha256) == doc.original


def test_one_large_batch_indexes_every_document_once(store: Store) -> None:
    docs = [_doc(f"Report {i} mentions keyword{i:03d} near Musan.") for i in range(300)]
    docs.append(_doc("탈북민 12명이 혜산에서 체포되었다 keyword999"))
    summary = ingest_documents(store, docs, ingested_by="t", batch_size=1000)
    assert summary.ingested == 301
    assert [h.sha256 for h in search(store, "keyword150")] == [docs[150].sha256]
    assert [h.sha256 for h in search(store, "혜산에서")] == [docs[-1].sha256]
    assert _count(store, custody_table) == 301
    # Ingesting the same batch again changes nothing.
    again = ingest_documents(store, docs, ingested_by="t", batch_size=1000)
    assert again.ingested == 0 and again.duplicates == 301
    assert [h.sha256 for h in search(store, "keyword150")] == [docs[150].sha256]


def test_worker_pool_ingest_then_rerun_counts_duplicates(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    _write_reports(folder, 140)  # enough for the worker pool (2 tasks or more)
    first = ingest_paths(store, [folder], ingested_by="t", workers=2)
    assert first.ingested == 140 and not first.failed
    second = ingest_paths(store, [folder], ingested_by="t", workers=2)
    assert second.ingested == 0 and second.duplicates == 140
    with store.read() as conn:
        hashes = list(conn.scalars(select(documents_table.c.sha256)))
    assert len(hashes) == 140 and all(store.blobs.check(h) is None for h in hashes)


def reader_that_dies_on_poison(path: Path, *, published=None, source=None, max_bytes=None,  # noqa: ANN001, ANN201
                               csv_mapping=None):
    """Reads plain text, but its process dies outright on a file named poison* (a parser segfault, say)."""
    if path.name.startswith("poison"):
        os._exit(70)
    raw = path.read_bytes()
    return [CapturedDocument(sha256=hashlib.sha256(raw).hexdigest(), original=raw, text=raw.decode("utf-8"),
                             kind="text", filename=path.name)]


def test_a_file_that_kills_its_reader_process_fails_alone(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    _write_reports(folder, 300)
    (folder / "poison-a.txt").write_text("kills the reader", encoding="utf-8")
    (folder / "r0150-poison.txt").write_text("a fine report that sorts near the middle", encoding="utf-8")
    (folder / "poison-b.txt").write_text("kills the reader again", encoding="utf-8")
    summary = ingest_paths(store, [folder], ingested_by="t", workers=2, reader=reader_that_dies_on_poison)
    assert summary.ingested == 301  # every report that did not kill its reader, none lost with the dead tasks
    assert sorted(Path(path).name for path, _ in summary.failed) == ["poison-a.txt", "poison-b.txt"]
    assert all("reader process died" in reason for _, reason in summary.failed)
    assert _count(store) == 301 and _count(store, custody_table) == 301
    again = ingest_paths(store, [folder], ingested_by="t", workers=2, reader=reader_that_dies_on_poison)
    assert again.ingested == 0 and again.duplicates == 301 and len(again.failed) == 2


def test_html_date_comes_from_markup_not_from_the_running_text() -> None:
    page = ("<html><head><title>Arrests</title></head><body><article><h1>Arrests near Hyesan</h1>"
            + "".join(f"<p>On 9 October 2023 some {i} people were sent back across the river.</p>"
                      for i in range(8))
            + "</article></body></html>").encode()
    (doc,) = read_bytes(page, "a.html")
    assert doc.published is None  # 9 October 2023 is when the event happened
    dated = page.replace(b"<title>", b"<meta property='article:published_time' content='2023-12-06'><title>")
    (doc,) = read_bytes(dated, "a.html")
    assert str(doc.published) == "2023-12-06"
