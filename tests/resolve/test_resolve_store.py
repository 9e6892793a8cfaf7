"""Claims, events, people and judgements in the store, on SQLite and PostgreSQL.

A stub extractor reads a line format of our own, one claim per line::

    TYPE FROM[..TO] COUNT QUALIFIER PLACE[,PLACE] [| VICTIM]

so each test states exactly what the "extractor" says, with the line as its
evidence span.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import text

from refwatch.model.records import CapturedDocument, Claim, Count, DateRange, PlaceRef, Span, Victim
from refwatch.resolve import process as P
from refwatch.store import ingest_documents
from refwatch.security.roles import Principal
from refwatch.store import claims as db

ANA = Principal("ana", "analyst")  # the reviewer who acts in these tests

NAME = "Pak Sun Hui"


def stub_extract(body: str, published: date | None) -> list[Claim]:
    out, pos = [], 0
    for line in body.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        words = line.strip()
        if not words or words.startswith("#"):
            continue
        head, _, victim = words.partition("|")
        kind, when, n, qualifier, places = head.split()[:5]
        lo, _, hi = when.partition("..")
        n_ = int(n)
        bounds = {"exact": (n_, n_), "up_to": (None, n_), "more_than": (n_ + 1, None)}[qualifier]
        out.append(Claim(
            type=kind, date=DateRange(date.fromisoformat(lo), date.fromisoformat(hi or lo), when),
            places=[PlaceRef(name=p, text=p) for p in places.split(",")],
            count=Count(n_, qualifier, *bounds, text=n),
            victims=[Victim(name=victim.strip(), text=victim.strip())] if victim.strip() else [],
            sources=["Example Watch"], evidence=[Span(start, start + len(line.rstrip("\n")), line.rstrip("\n"))],
            confidence=0.8))
    return out


def add_docs(store, *bodies: str, published: date = date(2023, 12, 1)) -> list[str]:
    docs = []
    for i, body in enumerate(bodies):
        raw = body.encode()
        docs.append(CapturedDocument(sha256=hashlib.sha256(raw).hexdigest(), original=raw, text=body, kind="text",
                                     filename=f"doc{i}.txt", title=f"Report {i}", published=published))
    ingest_documents(store, docs, ingested_by="tester")
    return [d.sha256 for d in docs]


def run(store, key, version="stub/1", extractor=stub_extract):
    return P.process(store, extractor, version=version, data_key=key, principal=ANA)


OCT_A = "repatriation 2023-10-09 600 exact Tumen | Pak Sun Hui\n"
OCT_B = "repatriation 2023-10-09 500 more_than Tumen\n"
OCT_C = "repatriation 2023-10-01..2023-10-31 600 up_to Tumen\n"
JULY = "repatriation 2023-07-01..2023-07-31 50 exact Dandong\n"


def october(store, key):
    return [e for e in P.list_events(store, key, principal=ANA) if e.date.earliest and e.date.earliest.month == 10]


def test_claims_are_stored_with_evidence_and_a_rerun_is_a_no_op(store, data_key):
    add_docs(store, OCT_A + JULY, OCT_B, OCT_C)
    first = run(store, data_key)
    assert (first.documents, first.new_claims, first.resolved) == (3, 4, True)
    events = P.list_events(store, data_key, principal=ANA)
    assert len(events) == 2
    oct_ = october(store, data_key)[0]
    assert (oct_.count.low, oct_.count.best, oct_.count.high) == (501, 600, 600)
    assert len(oct_.documents) == 3
    detail = P.event_detail(store, data_key, oct_.id, principal=ANA)
    spans = [s for c in detail["claims"] for s in c["evidence"]]
    assert OCT_A.strip() in [s["text"] for s in spans]
    assert detail["count"]["rule"].startswith("low =")
    again = run(store, data_key)
    assert (again.documents, again.new_claims, again.resolved) == (0, 0, False)
    assert [e.id for e in P.list_events(store, data_key, principal=ANA)] == [e.id for e in events]


def test_a_person_gets_a_timeline_status_and_risk(store, data_key):
    add_docs(store, "arrest 2023-04-02 1 exact Tumen | Pak Sun Hui\n",
             "escape 2019-05-01 1 exact Hyesan | Pak Sun-hui\n")
    run(store, data_key)
    people = P.list_people(store, data_key, principal=ANA)
    assert len(people) == 1
    person = P.person_detail(store, data_key, people[0].id, principal=ANA)
    assert [t["type"] for t in person["timeline"]] == ["escape", "arrest"]
    assert person["status"] == "detained_in_china" and person["at_risk"] is True
    assert set(person["names"]) == {"Pak Sun Hui", "Pak Sun-hui"}
    add_docs(store, OCT_A)
    run(store, data_key)
    person = P.list_people(store, data_key, principal=ANA)[0]
    assert (person.status, person.at_risk) == ("repatriated", False)


def test_reextraction_replaces_suggestions_but_never_a_reviewed_claim(store, data_key):
    add_docs(store, OCT_A + JULY, OCT_B)
    run(store, data_key)
    july = [e for e in P.list_events(store, data_key, principal=ANA) if e.date.earliest.month == 7][0]
    oct_ = october(store, data_key)[0]
    [rejected] = [c["id"] for c in P.event_detail(store, data_key, oct_.id, principal=ANA)["claims"]
                  if c["count"]["qualifier"] == "exact"]
    P.judge_claim(store, data_key, rejected, "reject", who="ana", why="misread", principal=ANA)
    P.judge_claim(store, data_key, july.claim_ids[0], "edit", who="ana", why="report says 60",
                  changes=P.parse_sets(["count=60"]), principal=ANA)
    # a newer extractor reads the same sentences slightly differently (other ids)
    def newer(body, published):
        found = stub_extract(body, published)
        for c in found:
            c.confidence = 0.9
            c.count.text = c.count.text + " "  # changes the machine id
        return found

    report = run(store, data_key, version="stub/2", extractor=newer)
    assert report.documents == 2 and report.kept_reviewed == 2
    with store.read() as conn:
        states = db.count_claims(conn)
    assert states == {"suggested": 1, "rejected": 1, "edited": 1}
    oct_after = october(store, data_key)[0]
    assert rejected not in oct_after.claim_ids and (oct_after.count.low, oct_after.count.high) == (501, None)
    july_after = [e for e in P.list_events(store, data_key, principal=ANA) if e.date.earliest.month == 7][0]
    assert july_after.count.best == 60 and july_after.claim_ids == july.claim_ids


def test_not_the_same_is_never_merged_again(store, data_key):
    add_docs(store, OCT_A, OCT_B)
    run(store, data_key)
    [event] = october(store, data_key)
    assert len(event.claim_ids) == 2
    outcome = P.split_event(store, data_key, event.id, event.claim_ids[1], who="ana", why="different crossing", principal=ANA)
    assert len(outcome.events) == 2
    assert len(october(store, data_key)) == 2
    add_docs(store, OCT_C)  # a third report that fits both
    run(store, data_key)
    run(store, data_key, version="stub/2")  # and a newer extractor over everything
    groups = [set(e.claim_ids) for e in october(store, data_key)]
    assert not any(set(event.claim_ids) <= g for g in groups)


def test_merge_joins_two_events_and_survives_reprocessing(store, data_key):
    add_docs(store, "arrest 2023-05-03 3 exact Tumen\n", "arrest 2023-05-20 3 exact Hunchun\n")
    run(store, data_key)
    a, b = P.list_events(store, data_key, principal=ANA)
    outcome = P.merge_events(store, data_key, a.id, b.id, who="ana", why="same three women, per family", principal=ANA)
    assert len(outcome.events) == 1
    run(store, data_key, version="stub/2")
    [merged] = P.list_events(store, data_key, principal=ANA)
    assert set(merged.claim_ids) == set(a.claim_ids) | set(b.claim_ids)
    assert merged.judgements == [outcome.judgement.id]


def test_judgements_need_a_reason_and_real_ids(store, data_key):
    add_docs(store, OCT_A)
    run(store, data_key)
    [event] = P.list_events(store, data_key, principal=ANA)
    with pytest.raises(P.ProcessError, match="why"):
        P.judge_claim(store, data_key, event.claim_ids[0], "reject", who="ana", why=" ", principal=ANA)
    with pytest.raises(P.ProcessError, match="no claim"):
        P.judge_claim(store, data_key, "ffffffffffff", "reject", who="ana", why="x", principal=ANA)
    with pytest.raises(P.ProcessError, match="only this claim"):
        P.split_event(store, data_key, event.id, event.claim_ids[0], who="ana", why="x", principal=ANA)
    with pytest.raises(P.ProcessError, match="count.low is above"):
        P.judge_claim(store, data_key, event.claim_ids[0], "edit", who="ana", why="x",
                      changes={"count.low": "700"}, principal=ANA)


def test_a_failing_document_is_reported_and_retried(store, data_key):
    bad, good = add_docs(store, "boom\n", OCT_A)

    def fragile(body, published):
        if body.startswith("boom"):
            raise RuntimeError("cannot parse Pak Sun Hui")
        return stub_extract(body, published)

    report = run(store, data_key, extractor=fragile)
    assert report.failed == [{"document": bad, "error": "RuntimeError"}]
    assert report.documents == 1
    assert run(store, data_key, extractor=lambda b, p: []).documents == 1  # only the failed one again


def test_stats_count_each_event_once(store, data_key):
    add_docs(store, OCT_A + JULY, OCT_B)
    run(store, data_key)
    rows = {r["key"]: r for r in P.statistics(store, data_key, "month", principal=ANA)}
    assert (rows["2023-10"]["events"], rows["2023-10"]["people_low"], rows["2023-10"]["people_best"]) == (1, 501, 600)
    assert rows["2023-07"]["people_best"] == 50


def _table_of(diff) -> str | None:
    """The table an Alembic autogenerate diff is about."""
    from sqlalchemy import Table

    op, *rest = diff[0] if isinstance(diff, list) else diff
    for part in rest:
        if isinstance(part, Table):
            return part.name
        if hasattr(part, "table"):
            return part.table.name
    return rest[1] if len(rest) > 1 and isinstance(rest[1], str) else None


def test_schema_matches_the_migration(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    mine = {t.name for t in (db.claims, db.extractions, db.events, db.event_claims, db.persons, db.person_events,
                             db.person_names, db.judgements, db.resolutions)}
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), db.metadata)
    ours = [d for d in diffs if _table_of(d) in mine]
    assert ours == []


def test_postgresql_rows_name_no_one(store, data_key):
    if store.dialect != "postgresql":
        pytest.skip("SQLite is encrypted as a whole by SQLCipher")
    add_docs(store, "arrest 2023-04-02 1 exact Tumen | Pak Sun Hui\n")
    run(store, data_key)
    [claim_id] = P.list_events(store, data_key, principal=ANA)[0].claim_ids
    P.judge_claim(store, data_key, claim_id, "edit", who="ana", why=f"{NAME} confirmed by family",
                  changes={"victims": NAME}, principal=ANA)
    with store.read() as conn:
        dumped = []
        for table in ("claims", "events", "persons", "person_names", "judgements", "event_claims", "person_events"):
            dumped += [str(r) for r in conn.execute(text(f"SELECT * FROM {table}"))]
        assert conn.scalar(text("SELECT count(*) FROM persons WHERE sealed IS NOT NULL")) == 1
    blob = "\n".join(dumped).lower()
    for part in ("pak sun", "sun hui", "confirmed by family"):
        assert part not in blob
    [person] = P.list_people(store, data_key, principal=ANA)
    assert person.name == NAME  # and it opens again with the key
    with store.read() as conn:
        assert db.persons_named(conn, db.Sealer.for_store(store, data_key), "PAK Sun-Hui") == [person.id]
