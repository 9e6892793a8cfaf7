"""Pack files of the blob store: what a reader of the evidence relies on."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from refwatch.model.records import CapturedDocument
from refwatch.store import BlobError, Store, ingest_documents, verify
from refwatch.store import blobs as blobs_mod
from refwatch.store.blobs import BlobStore, PackLocation
from refwatch.store.schema import blob_packs


def _doc(body: str) -> CapturedDocument:
    raw = body.encode("utf-8")
    return CapturedDocument(sha256=hashlib.sha256(raw).hexdigest(), original=raw, text=body, kind="report",
                            filename="r.txt", language="en")


def _sealed_pack(tmp_path: Path, bodies: list[bytes]) -> tuple[BlobStore, list[tuple[str, PackLocation]]]:
    blobs = BlobStore(tmp_path, b"k" * 32)
    placed = []
    for raw in bodies:
        sha = hashlib.sha256(raw).hexdigest()
        placed.append((sha, blobs.append(sha, blobs.seal(sha, raw))))
    blobs.sync_packs()
    index = dict(placed)
    blobs.locate = index.get
    return blobs, placed


def test_packed_blobs_read_back_exactly_and_the_pack_holds_no_plaintext(tmp_path: Path) -> None:
    bodies = [f"Seven people were sent back through Tumen, report {i}.".encode() for i in range(50)]
    blobs, placed = _sealed_pack(tmp_path, bodies)
    assert [blobs.get(sha) for sha, _ in placed] == bodies
    packs = list(blobs.pack_dir.iterdir())
    assert len(packs) == 1 and b"Tumen" not in packs[0].read_bytes()
    assert packs[0].stat().st_mode & 0o777 == 0o600


def test_a_flipped_bit_a_cut_pack_and_a_forged_index_row_are_refused(tmp_path: Path) -> None:
    bodies = [b"Arrested in Dandong.", b"Held in Tumen.", b"Sent back via Sinuiju."]
    blobs, placed = _sealed_pack(tmp_path, bodies)
    (first_sha, first), (second_sha, second), (third_sha, third) = placed
    pack = blobs.pack_dir / first.pack
    data = bytearray(pack.read_bytes())
    data[first.offset + 3] ^= 0x40
    pack.write_bytes(bytes(data[:third.offset + 5]))  # and the last record cut short
    assert blobs.check(first_sha) == "altered"
    assert blobs.get(second_sha) == bodies[1]
    assert blobs.check(third_sha) == "altered"
    # An index row pointing at another record, or outside the pack folder, opens nothing.
    index = {first_sha: second, second_sha: PackLocation("../../etc/passwd", 40, 10)}
    blobs.locate = index.get
    assert blobs.check(first_sha) == "altered"
    assert blobs.check(second_sha) == "altered"
    pack.unlink()
    blobs.locate = dict(placed).get
    assert blobs.check(second_sha) == "missing"


def test_a_new_pack_is_begun_past_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blobs_mod, "PACK_MAX", 300)
    bodies = [f"Report {i}: a family of four was caught near Hyesan.".encode() * 2 for i in range(12)]
    blobs, placed = _sealed_pack(tmp_path, bodies)
    assert len({loc.pack for _, loc in placed}) > 3
    assert all(p.stat().st_size <= 300 for p in blobs.pack_dir.iterdir())
    assert [blobs.get(sha) for sha, _ in placed] == bodies
    blobs.close_packs()


def test_an_index_row_is_committed_with_its_document_and_nothing_else(store: Store) -> None:
    docs = [_doc(f"Report {i}: two women detained in Yanji.") for i in range(5)]
    assert ingest_documents(store, docs + docs[:2], ingested_by="t").ingested == 5
    with store.read() as conn:
        indexed = sorted(conn.scalars(blob_packs.select().with_only_columns(blob_packs.c.sha256)))
    assert indexed == sorted(d.sha256 for d in docs)
    assert verify(store).ok
    with pytest.raises(BlobError):
        store.blobs.get(hashlib.sha256(b"never stored").hexdigest())
