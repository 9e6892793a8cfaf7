"""The evidence store on both engines: ingest, atomicity, search, verify, migrations."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from refwatch.model.records import CapturedDocument
from refwatch.store import (MARK_END, MARK_START, Store, StoreError, ingest_documents, ingest_paths,
                            search, snippet_html, verify)
from refwatch.store import custody, documents, ingest as ingest_mod
from refwatch.store.migrate import head_revisions
from refwatch.store.schema import custody as custody_table
from refwatch.store.schema import documents as documents_table


def make_doc(body: str, title: str | None = None, filename: str = "report.txt") -> CapturedDocument:
    raw = body.encode("utf-8")
    return CapturedDocument(sha256=hashlib.sha256(raw).hexdigest(), original=raw, text=body,
                            kind="report", title=title, filename=filename, language="en")


def text_reader(path: Path, *, published=None, source=None, max_bytes=None, csv_mapping=None):  # noqa: ANN001, ANN201
    """A stand-in for refwatch.capture.read_path: plain UTF-8 text only."""
    raw = path.read_bytes()
    if max_bytes is not None and len(raw) > max_bytes:
        raise ValueError("too large")
    body = raw.decode("utf-8")  # UnicodeDecodeError for non-text: the bad-file case
    return [CapturedDocument(sha256=hashlib.sha256(raw).hexdigest(), original=raw, text=body,
                             kind="text", filename=path.name, published=published, source=source)]


REPORTS = [
    make_doc("Chinese authorities forcibly repatriated about 600 North Korean escapees through "
             "Dandong and Hyesan on 9 October 2023.", title="Mass repatriation at Dandong"),
    make_doc("A woman arrested in April was held at the Tumen detention centre before transfer.",
             title="Held in Tumen"),
    make_doc("Relatives lost contact with a girl arrested on 28 April 2019 near Changbai.",
             title="Family report"),
]


def count_rows(store: Store, table) -> int:  # noqa: ANN001
    with store.read() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_store_ingest_is_idempotent_and_logs_custody(store: Store) -> None:
    first = ingest_documents(store, REPORTS, ingested_by="officer-1", source="TJWG",
                             published=date(2023, 12, 8))
    assert (first.ingested, first.duplicates, first.failed) == (3, 0, [])
    again = ingest_documents(store, [REPORTS[0], REPORTS[0], REPORTS[1]], ingested_by="officer-2")
    assert (again.ingested, again.duplicates) == (0, 3)
    assert count_rows(store, documents_table) == 3
    with store.read() as conn:
        row = documents.get(conn, REPORTS[0].sha256)
        assert row is not None and row["ingested_by"] == "officer-1" and row["source"] == "TJWG"
        assert row["published"] == date(2023, 12, 8) and row["tool"].startswith("refwatch ")
        assert row["captured_at"].tzinfo is not None and row["size"] == len(REPORTS[0].original)
        assert documents.get(conn, str(row["id"]))["sha256"] == REPORTS[0].sha256
        assert documents.get(conn, REPORTS[0].sha256[:10])["id"] == row["id"]
        log = custody.history(conn, REPORTS[0].sha256)
        listed = documents.list_documents(conn, limit=2)
    assert [d["id"] for d in listed] == sorted((d["id"] for d in listed), reverse=True)
    assert len(listed) == 2 and all("text" not in d for d in listed)
    assert [(e["action"], e["actor"]) for e in log] == [("ingest", "officer-1")]
    assert store.blobs.get(REPORTS[0].sha256) == REPORTS[0].original


def test_store_custody_log_is_append_only(store: Store) -> None:
    ingest_documents(store, REPORTS[:1], ingested_by="officer-1")
    with pytest.raises(Exception, match="append-only"):
        with store.write() as conn:
            conn.execute(custody_table.update().values(actor="someone-else"))
    with pytest.raises(Exception, match="append-only"):
        with store.write() as conn:
            conn.execute(custody_table.delete())
    assert count_rows(store, custody_table) == 1


def test_store_failure_mid_transaction_leaves_nothing_of_that_document(store: Store,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [make_doc(f"Report number {i} on detentions in Jilin province.") for i in range(5)]
    poisoned = docs[2].sha256
    real = ingest_mod.custody_entries

    def failing_entries(rows):  # noqa: ANN001, ANN202
        # The documents rows are already inserted in this transaction when this
        # raises, so a partial commit would leave them behind.
        if any(r["sha256"] == poisoned for r in rows):
            with store.read() as conn:
                conn.execute(text("SELECT no_such_column FROM documents"))
        return real(rows)

    monkeypatch.setattr(ingest_mod, "custody_entries", failing_entries)
    summary = ingest_documents(store, docs, ingested_by="t", batch_size=10)
    assert summary.ingested == 4 and len(summary.failed) == 1
    assert "could not be stored" in summary.failed[0][1]
    with store.read() as conn:
        stored = set(conn.scalars(select(documents_table.c.sha256)))
        logged = set(conn.scalars(select(custody_table.c.sha256)))
    assert poisoned not in stored and stored == {d.sha256 for d in docs} - {poisoned}
    assert logged == stored
    assert search(store, "number 2") == [] or all(h.sha256 != poisoned for h in search(store, "number 2"))


def test_store_search_ranks_and_highlights(store: Store) -> None:
    ingest_documents(store, REPORTS + [
        make_doc("Repatriation, repatriation and again repatriation: Dandong crossings every week.",
                 title="Dandong crossings"),
        make_doc("Weather in Seoul was mild this week.", title="Weather"),
    ], ingested_by="t")
    hits = search(store, "Dandong repatriation")
    assert {h.title for h in hits} == {"Mass repatriation at Dandong", "Dandong crossings"}
    assert hits[0].score >= hits[1].score
    for hit in hits:
        assert MARK_START in hit.snippet and MARK_END in hit.snippet
        marked = hit.snippet.split(MARK_START)[1].split(MARK_END)[0]
        assert marked.lower() in {"dandong", "repatriation", "repatriated"} or "dandong" in marked.lower() \
            or "repatriat" in marked.lower()
    assert "<mark>" in snippet_html(hits[0].snippet)
    assert search(store, "Tumen")[0].title == "Held in Tumen"
    assert search(store, "nothing-like-this-anywhere") == []
    assert search(store, "   ") == []
    assert len(search(store, "week", limit=1)) == 1


def test_store_search_korean(store: Store) -> None:
    ingest_documents(store, [
        make_doc("중국 당국이 탈북민 600여 명을 강제북송했다고 전환기정의워킹그룹이 밝혔다.", title="강제북송"),
        make_doc("단둥과 혜산에서 탈북민들이 구금되었다.", title="구금"),
        make_doc("The weather was fine.", title="Weather"),
    ], ingested_by="t")
    long_hits = search(store, "탈북민")  # three syllables: the trigram index
    assert {h.title for h in long_hits} == {"강제북송", "구금"}
    assert all(f"{MARK_START}탈북민{MARK_END}" in h.snippet for h in long_hits)
    short_hits = search(store, "북송")  # two syllables: substring fallback
    assert [h.title for h in short_hits] == ["강제북송"]
    assert f"{MARK_START}북송{MARK_END}" in short_hits[0].snippet
    mixed = search(store, "탈북민 단둥")  # one long and one short term: both must match
    assert [h.title for h in mixed] == ["구금"]


INJECTIONS = [
    "'; DROP TABLE documents; --", '" OR 1=1 --', "Dandong OR weather", 'NEAR(a b) "', "title:Dandong",
    "Dand*", "100%", "_", "\\", "a'b\"c", "(((", "AND", "-Dandong", "\x00Dandong", "탈북민' OR '1'='1",
    "documents_fts MATCH 'x'", "^Tumen", "{title}: Tumen",
]


def test_store_search_injection_is_inert(store: Store) -> None:
    ingest_documents(store, REPORTS, ingested_by="t")
    ours = {d.sha256 for d in REPORTS}
    for query in INJECTIONS:
        hits = search(store, query)
        assert all(h.sha256 in ours for h in hits), query
        if " OR " in query and "Dandong" in query:
            assert hits == [], query  # OR is a word to find, not an operator
    assert count_rows(store, documents_table) == 3
    assert search(store, "Dandong")  # the store still works


def test_store_verify_detects_tampered_and_missing_blobs(store: Store) -> None:
    # Two imports, two packs: the second one's pack is then lost as a whole.
    ingest_documents(store, [REPORTS[0], REPORTS[2]], ingested_by="t")
    ingest_documents(store, [REPORTS[1]], ingested_by="t")
    assert verify(store).ok
    where = store.blobs.locate(REPORTS[0].sha256)
    pack = store.blobs.pack_dir / where.pack
    data = bytearray(pack.read_bytes())
    data[where.offset + where.length - 1] ^= 0x01  # the last byte of the first report's sealed bytes
    pack.write_bytes(bytes(data))
    (store.blobs.pack_dir / store.blobs.locate(REPORTS[1].sha256).pack).unlink()
    report = verify(store, actor="auditor")
    assert report.checked == 3 and not report.ok
    assert {(p["sha256"], p["problem"]) for p in report.problems} == {
        (REPORTS[0].sha256, "altered"), (REPORTS[1].sha256, "missing")}
    with store.read() as conn:
        assert custody.history(conn)[-1]["action"] == "verify"
    # Ingesting the same originals again repairs both; nothing is duplicated.
    again = ingest_documents(store, REPORTS, ingested_by="t")
    assert again.ingested == 0 and again.duplicates == 3
    assert verify(store).ok
    assert all(store.blobs.get(r.sha256) == r.original for r in REPORTS)


def test_store_ingest_paths_reports_bad_files_and_keeps_good(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Arrest in Hunchun reported by a relative.", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("Transfer to Onsong security department.", encoding="utf-8")
    (folder / "bad.bin").write_bytes(b"\xff\xfe\x00\xc3\x28 not text")
    (folder / "big.txt").write_text("x" * 2000, encoding="utf-8")
    seen: list[tuple[int, int]] = []
    summary = ingest_paths(store, [folder], ingested_by="t", reader=text_reader, workers=0,
                           max_bytes=1000, progress=lambda d, t: seen.append((d, t)))
    assert summary.ingested == 2 and summary.duplicates == 0
    assert sorted(Path(p).name for p, _ in summary.failed) == ["bad.bin", "big.txt"]
    assert seen[-1] == (4, 4)
    again = ingest_paths(store, [folder], ingested_by="t", reader=text_reader, workers=0, max_bytes=1000)
    assert (again.ingested, again.duplicates) == (0, 2)
    assert again.to_json()["failed"][0].keys() == {"path", "error"}


def test_store_init_twice_upgrades_in_place(store_settings, data_key: bytes) -> None:  # noqa: ANN001
    with Store.init(store_settings, data_key) as first:
        ingest_documents(first, REPORTS[:1], ingested_by="t")
        revision = first.revision()
    assert revision == sorted(head_revisions())
    with Store.init(store_settings, data_key) as second:
        assert second.revision() == revision
        assert count_rows(second, documents_table) == 1
    with Store.open(store_settings, data_key) as third:
        assert count_rows(third, documents_table) == 1


def test_store_open_refuses_an_uninitialised_store(store_settings, data_key: bytes) -> None:  # noqa: ANN001
    with pytest.raises(StoreError, match="refwatch init"):
        Store.open(store_settings, data_key)
