"""Claims, events, people and human judgements as rows: the tables and all their SQL.

Three kinds of rows live here, with different lives:

* **claims** come from the extractor, one per assertion in one document, with
  their evidence spans. Re-extraction replaces a document's *suggested* claims;
  a claim a human accepted, edited or rejected is never replaced.
  ``extractions`` records which extractor version last read each document.
* **judgements** are human decisions (who, when, why), kept apart from machine
  scores and never rewritten by a run; resolution re-applies them every time.
* **events**, **persons** and their link tables are derived: each resolution
  rewrites them whole, in one transaction, from claims and judgements.

Sensitive values (names of victims and of quoted sources, evidence text,
free-text reasons and edits, a person's origin) are *sealed* on PostgreSQL:
those columns stay NULL and one AES-256-GCM blob per row (``sealed``, bound to
its table and row id) holds them, so a database dump names no one. Person
names get a keyed blind index instead (``person_names``). On SQLite the whole
file is encrypted by SQLCipher and the columns hold the values themselves.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Iterable, Iterator, Mapping, Sequence

from sqlalchemy import (JSON, Boolean, Column, Connection, Date, DateTime, Float, ForeignKey, Index,
                        Integer, LargeBinary, String, Table, Text, delete, func, select, update)

from refwatch.model.records import Claim, Count, DateRange, PlaceRef, Span, Victim
from refwatch.resolve.counts import Reconciled
from refwatch.resolve.dates import ReconciledDate
from refwatch.resolve.events import Judgement, ResolvedEvent
from refwatch.resolve.people import PersonRecord, TimelineEntry
from refwatch.store.schema import _Id, documents, metadata

REVIEW_STATES = ("suggested", "accepted", "edited", "rejected")
REVIEWED = ("accepted", "edited", "rejected")
JUDGEMENT_KINDS = ("same", "not_same", "reject", "accept", "edit", "merge", "split")

claims = Table(
    "claims", metadata,
    Column("id", String(40), primary_key=True),
    Column("document_sha256", String(64), ForeignKey(documents.c.sha256), nullable=False),
    Column("type", String(32), nullable=False),
    Column("date_earliest", Date),
    Column("date_latest", Date),
    Column("date_text", Text),  # sealed on PostgreSQL
    Column("date_precision", String(16)),
    Column("date_edtf", String(64)),
    Column("places", JSON, nullable=False),
    Column("count", JSON),  # sealed on PostgreSQL (its text may name people)
    Column("victims", JSON),  # sealed on PostgreSQL
    Column("sources", JSON),  # sealed on PostgreSQL (a quoted source may be a person)
    Column("evidence", JSON),  # [{start, end, text}], sealed on PostgreSQL
    Column("perpetrators", JSON, nullable=False),
    Column("source_connection", String(32)),
    Column("extractor", String(128), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("aggregate", Boolean, nullable=False),
    Column("share_women", Float),
    Column("review_state", String(16), nullable=False),
    Column("reviewer", String(64)),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("review_note", Text),  # sealed on PostgreSQL
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sealed", LargeBinary),
)
Index("ix_claims_document", claims.c.document_sha256)
Index("ix_claims_review_state", claims.c.review_state)

extractions = Table(
    "extractions", metadata,
    Column("document_sha256", String(64), ForeignKey(documents.c.sha256), primary_key=True),
    Column("extractor", String(128), nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False),
    Column("claims", Integer, nullable=False),
)

events = Table(
    "events", metadata,
    Column("id", String(48), primary_key=True),
    Column("type", String(32), nullable=False),
    Column("event_class", String(32), nullable=False),
    Column("date_earliest", Date),
    Column("date_latest", Date),
    Column("date_precision", String(16), nullable=False),
    Column("date_disagree", Boolean, nullable=False),
    Column("date_texts", JSON, nullable=False),
    Column("places", JSON, nullable=False),
    Column("count_low", Integer),
    Column("count_best", Integer),
    Column("count_high", Integer),
    Column("count_unit", String(16), nullable=False),
    Column("count_best_qualifier", String(16)),
    Column("count_rule", Text, nullable=False),
    Column("count_conflicts", JSON),  # figures by source: sealed on PostgreSQL
    Column("count_figures", JSON),  # sealed on PostgreSQL
    Column("sources", JSON),  # sealed on PostgreSQL
    Column("victims", JSON),  # sealed on PostgreSQL
    Column("documents", JSON, nullable=False),
    Column("aggregate", Boolean, nullable=False),
    Column("covers", JSON, nullable=False),
    Column("covered_by", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("judgements", JSON, nullable=False),
    Column("flags", JSON, nullable=False),
    Column("version", String(64), nullable=False),
    Column("resolved_at", DateTime(timezone=True), nullable=False),
    Column("sealed", LargeBinary),
)
Index("ix_events_dates", events.c.date_earliest, events.c.date_latest)
Index("ix_events_type", events.c.type)

event_claims = Table(
    "event_claims", metadata,
    Column("event_id", String(48), primary_key=True),
    Column("claim_id", String(40), primary_key=True),
)
Index("ix_event_claims_claim", event_claims.c.claim_id)

persons = Table(
    "persons", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text),  # display name; sealed on PostgreSQL
    Column("names", JSON),  # every spelling seen; sealed on PostgreSQL
    Column("name_index", String(64), nullable=False),  # blind index of the display name
    Column("sex", String(8)),
    Column("birth_year", Integer),
    Column("origin", Text),  # sealed on PostgreSQL
    Column("status", String(32), nullable=False),
    Column("status_label", String(64), nullable=False),
    Column("at_risk", Boolean, nullable=False),
    Column("timeline", JSON, nullable=False),
    Column("documents", JSON, nullable=False),
    Column("mention_ids", JSON, nullable=False),
    Column("flags", JSON, nullable=False),
    Column("version", String(64), nullable=False),
    Column("sealed", LargeBinary),
)
Index("ix_persons_name_index", persons.c.name_index)

person_events = Table(
    "person_events", metadata,
    Column("person_id", String(64), primary_key=True),
    Column("event_id", String(48), primary_key=True),
)
Index("ix_person_events_event", person_events.c.event_id)

# One blind index per spelling: "is this name already a case?" without storing it.
person_names = Table(
    "person_names", metadata,
    Column("person_id", String(64), primary_key=True),
    Column("name_index", String(64), primary_key=True),
)
Index("ix_person_names_index", person_names.c.name_index)

judgements = Table(
    "judgements", metadata,
    Column("id", String(32), primary_key=True),
    Column("seq", _Id, nullable=False, unique=True),  # order of decisions
    Column("kind", String(16), nullable=False),
    Column("claims", JSON, nullable=False),
    Column("others", JSON, nullable=False),
    Column("events", JSON, nullable=False),  # the events the reviewer saw (context only)
    Column("who", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("why", Text),  # sealed on PostgreSQL
    Column("edits", JSON),  # field → value; sealed on PostgreSQL
    Column("sealed", LargeBinary),
)

# The last resolution: its fingerprint tells a re-run that nothing changed.
resolutions = Table(
    "resolutions", metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("claims", Integer, nullable=False),
    Column("events", Integer, nullable=False),
    Column("persons", Integer, nullable=False),
    Column("version", String(64), nullable=False),
)

SENSITIVE = {
    # count and date_text keep the words as written ("Choi, who along with her uncle ..."): sealed too
    "claims": ("victims", "sources", "evidence", "review_note", "count", "date_text"),
    "events": ("count_conflicts", "count_figures", "sources", "victims"),
    "persons": ("name", "names", "origin"),
    "judgements": ("why", "edits"),
}


def now() -> datetime:
    return datetime.now(timezone.utc)


# --- sealing --------------------------------------------------------------------

class Sealer:
    """Moves a row's sensitive columns into one sealed blob (PostgreSQL) and back.

    ``enabled`` is False on SQLite (the file is encrypted as a whole); the blind
    index of names is computed on both engines so look-ups work the same.
    """

    def __init__(self, data_key: bytes, enabled: bool) -> None:
        self.data_key = data_key
        self.enabled = enabled

    @classmethod
    def for_store(cls, store: Any, data_key: bytes) -> "Sealer":
        return cls(data_key, enabled=store.dialect != "sqlite")

    def pack(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        if not self.enabled:
            row["sealed"] = None
            return row
        from refwatch.security.fields import encrypt_field

        private = {k: row.get(k) for k in SENSITIVE[table]}
        for k in private:
            row[k] = None
        row["sealed"] = encrypt_field(self.data_key, f"{table}.sealed:{row['id']}",
                                      json.dumps(private, ensure_ascii=False, default=str))
        return row

    def unpack(self, table: str, row: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(row)
        blob = out.pop("sealed", None)
        if blob is not None:
            from refwatch.security.fields import decrypt_field

            out.update(json.loads(decrypt_field(self.data_key, f"{table}.sealed:{out['id']}", blob)))
        return out

    def name_index(self, name: str) -> str:
        from refwatch.security.fields import name_index

        return name_index(self.data_key, name)


# --- claims ------------------------------------------------------------------------

def claim_to_row(cid: str, claim: Claim, *, document: str, extractor: str, sealer: Sealer,
                 created_at: datetime | None = None) -> dict[str, Any]:
    d = claim.date
    row = {
        "id": cid, "document_sha256": document, "type": claim.type,
        "date_earliest": d.earliest, "date_latest": d.latest, "date_text": d.text or None,
        "date_precision": d.precision, "date_edtf": d.edtf,
        "places": [_plain(p) for p in claim.places],
        "count": _plain(claim.count) if claim.count else None,
        "victims": [_plain(v) for v in claim.victims],
        "sources": list(claim.sources),
        "evidence": [{"start": s.start, "end": s.end, "text": s.text} for s in claim.evidence],
        "perpetrators": list(claim.perpetrators), "source_connection": claim.source_connection,
        "extractor": extractor, "confidence": float(claim.confidence), "aggregate": bool(claim.aggregate),
        "share_women": claim.share_women, "review_state": claim.review_state or "suggested",
        "reviewer": None, "reviewed_at": None, "review_note": None,
        "created_at": created_at or now(),
    }
    return sealer.pack("claims", row)


def _plain(obj: Any) -> dict[str, Any]:
    from refwatch.model.records import to_dict

    return to_dict(obj)


def row_to_claim(row: Mapping[str, Any]) -> Claim:
    """A stored (unpacked) claim row back as a ``Claim``; the id is ``claim.id``."""
    count = Count(**row["count"]) if row.get("count") else None
    claim = Claim(
        type=row["type"],
        date=DateRange(row["date_earliest"], row["date_latest"], row.get("date_text") or "",
                       row.get("date_precision"), row.get("date_edtf")),
        places=[PlaceRef(**p) for p in row.get("places") or []], count=count,
        victims=[Victim(**v) for v in row.get("victims") or []], sources=list(row.get("sources") or []),
        evidence=[Span(**s) for s in row.get("evidence") or []], confidence=row["confidence"],
        aggregate=bool(row["aggregate"]), share_women=row.get("share_women"),
        perpetrators=list(row.get("perpetrators") or []), source_connection=row.get("source_connection"),
        extractor=row["extractor"], document_sha256=row["document_sha256"], review_state=row["review_state"])
    claim.id = row["id"]  # type: ignore[attr-defined]  (read by resolve.events.claim_id)
    return claim


def pending_documents(conn: Connection, extractor: str, *, everything: bool = False) -> list[str]:
    """SHA-256 of documents never read by ``extractor`` (all of them with ``everything``)."""
    query = select(documents.c.sha256).select_from(
        documents.outerjoin(extractions, extractions.c.document_sha256 == documents.c.sha256))
    if not everything:
        query = query.where((extractions.c.extractor.is_(None)) | (extractions.c.extractor != extractor))
    return list(conn.scalars(query.order_by(documents.c.id)))


def document_texts(conn: Connection, hashes: Sequence[str]) -> list[tuple[str, str, date | None]]:
    """(sha256, text, published) for these documents, in the order given."""
    from refwatch.store.documents import open_text

    rows = {r.sha256: (r.sha256, open_text(conn, r.sha256, r.text), r.published) for r in conn.execute(
        select(documents.c.sha256, documents.c.text, documents.c.published)
        .where(documents.c.sha256.in_(list(hashes))))}
    return [rows[h] for h in hashes if h in rows]


def reviewed_claims(conn: Connection, hashes: Sequence[str], sealer: Sealer) -> dict[str, list[Claim]]:
    """The claims a human reviewed in these documents, by document."""
    out: dict[str, list[Claim]] = {h: [] for h in hashes}
    rows = conn.execute(select(claims).where(claims.c.document_sha256.in_(list(hashes)),
                                             claims.c.review_state.in_(REVIEWED))).mappings()
    for r in rows:
        out[r["document_sha256"]].append(row_to_claim(sealer.unpack("claims", r)))
    return out


def replace_suggestions(conn: Connection, found: Mapping[str, list[dict[str, Any]]], extractor: str) -> int:
    """Swap these documents' machine suggestions for new claim rows and note the extractor.

    ``found`` maps each document read to its new rows (possibly none). Rows whose
    id is already taken (by a reviewed claim) are skipped. Returns how many
    claims were stored.
    """
    hashes = list(found)
    if not hashes:
        return 0
    conn.execute(delete(claims).where(claims.c.document_sha256.in_(hashes), claims.c.review_state == "suggested"))
    rows = [r for doc_rows in found.values() for r in doc_rows]
    taken: set[str] = set()
    ids = [r["id"] for r in rows]
    for i in range(0, len(ids), 500):
        taken.update(conn.scalars(select(claims.c.id).where(claims.c.id.in_(ids[i:i + 500]))))
    fresh = [r for r in rows if r["id"] not in taken]
    _insert(conn, claims, fresh)
    conn.execute(delete(extractions).where(extractions.c.document_sha256.in_(hashes)))
    stored = {h: 0 for h in hashes}
    for r in fresh:
        stored[r["document_sha256"]] += 1
    at = now()
    _insert(conn, extractions, [{"document_sha256": h, "extractor": extractor, "processed_at": at, "claims": n}
                                for h, n in stored.items()])
    return len(fresh)


def load_claims(conn: Connection, sealer: Sealer) -> dict[str, Claim]:
    """Every stored claim, id → Claim, in document then id order (a stable order)."""
    query = (select(claims).join(documents, documents.c.sha256 == claims.c.document_sha256)
             .order_by(documents.c.id, claims.c.id))
    return {r["id"]: row_to_claim(sealer.unpack("claims", r)) for r in conn.execute(query).mappings()}


def claim_rows(conn: Connection, ids: Sequence[str], sealer: Sealer) -> list[dict[str, Any]]:
    """Stored claim rows (unpacked), with their document's id, title and date, in ``ids`` order."""
    query = (select(claims, documents.c.id.label("document_id"), documents.c.title.label("document_title"),
                    documents.c.published.label("document_published"))
             .join(documents, documents.c.sha256 == claims.c.document_sha256)
             .where(claims.c.id.in_(list(ids))))
    rows = {r["id"]: sealer.unpack("claims", r) for r in conn.execute(query).mappings()}
    return [rows[i] for i in ids if i in rows]


def find_ids(conn: Connection, table: str, prefix: str, limit: int = 2) -> list[str]:
    """Ids in ``table`` equal to, or starting with, ``prefix`` (for short ids typed by hand)."""
    t = {"claims": claims, "events": events, "persons": persons}[table]
    exact = conn.scalar(select(t.c.id).where(t.c.id == prefix))
    if exact:
        return [exact]
    if len(prefix) < 4:
        return []
    return list(conn.scalars(select(t.c.id).where(t.c.id.startswith(prefix, autoescape=True))
                             .order_by(t.c.id).limit(limit)))


def set_review(conn: Connection, claim_id: str, state: str, *, who: str, why: str, sealer: Sealer,
               changes: Mapping[str, Any] | None = None, at: datetime | None = None) -> None:
    """Record a reviewer's verdict (and edited values) on the claim row itself."""
    if state not in REVIEWED:
        raise ValueError(f"review state must be one of {', '.join(REVIEWED)}")
    row = claim_rows(conn, [claim_id], sealer)[0]
    for name in [k for k in row if k.startswith("document_") and k != "document_sha256"]:
        row.pop(name)
    row.update(changes or {})
    row.update(review_state=state, reviewer=who, reviewed_at=at or now(), review_note=why)
    row = sealer.pack("claims", row)
    conn.execute(update(claims).where(claims.c.id == claim_id)
                 .values({k: v for k, v in row.items() if k != "id"}))


def claim_fingerprint(conn: Connection) -> Iterator[str]:
    """What resolution depends on, per claim: id, state and when it was reviewed."""
    for r in conn.execute(select(claims.c.id, claims.c.review_state, claims.c.reviewed_at,
                                 claims.c.created_at).order_by(claims.c.id)):
        yield f"{r.id}:{r.review_state}:{r.reviewed_at}:{r.created_at}"


def count_claims(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(claims.c.review_state, func.count()).group_by(claims.c.review_state))
    return {state: n for state, n in rows}


# --- judgements ------------------------------------------------------------------------

@dataclass
class StoredJudgement:
    id: str
    kind: str
    claims: list[str]
    others: list[str]
    events: list[str]
    who: str
    at: datetime
    why: str | None
    edits: dict[str, Any] | None

    def for_resolution(self) -> Judgement:
        """merge/split are the reviewer's words for same/not_same over claims."""
        kind = {"merge": "same", "split": "not_same"}.get(self.kind, self.kind)
        return Judgement(kind=kind, claims=tuple(self.claims), others=tuple(self.others), who=self.who,
                         when=self.at, why=self.why or "", id=self.id)


def add_judgement(conn: Connection, kind: str, claim_ids: Sequence[str], *, who: str, why: str,
                  sealer: Sealer, others: Sequence[str] = (), event_ids: Sequence[str] = (),
                  edits: Mapping[str, Any] | None = None, at: datetime | None = None) -> StoredJudgement:
    if kind not in JUDGEMENT_KINDS:
        raise ValueError(f"judgement kind must be one of {', '.join(JUDGEMENT_KINDS)}")
    seq = (conn.scalar(select(func.max(judgements.c.seq))) or 0) + 1
    at = at or now()
    jid = hashlib.sha256(f"{seq}:{kind}:{at.isoformat()}:{','.join(claim_ids)}".encode()).hexdigest()[:16]
    row = {"id": jid, "seq": seq, "kind": kind, "claims": list(claim_ids), "others": list(others),
           "events": list(event_ids), "who": who, "at": at, "why": why,
           "edits": dict(edits) if edits else None}
    conn.execute(judgements.insert().values(sealer.pack("judgements", dict(row))))
    row.pop("seq")
    return StoredJudgement(**row)


def load_judgements(conn: Connection, sealer: Sealer) -> list[StoredJudgement]:
    out = []
    for r in conn.execute(select(judgements).order_by(judgements.c.seq)).mappings():
        row = sealer.unpack("judgements", r)
        row.pop("seq")
        at = row["at"]
        if isinstance(at, datetime) and at.tzinfo is None:
            row["at"] = at.replace(tzinfo=timezone.utc)
        out.append(StoredJudgement(**row))
    return out


def judgement_fingerprint(conn: Connection) -> Iterator[str]:
    yield from conn.scalars(select(judgements.c.id).order_by(judgements.c.seq))


# --- events and persons ------------------------------------------------------------------

def event_to_row(event: ResolvedEvent, *, version: str, at: datetime, sealer: Sealer) -> dict[str, Any]:
    d, c = event.date, event.count
    row = {
        "id": event.id, "type": event.type, "event_class": event.event_class,
        "date_earliest": d.earliest, "date_latest": d.latest, "date_precision": d.precision,
        "date_disagree": bool(d.disagree), "date_texts": list(d.texts),
        "places": [_plain(p) for p in event.places],
        "count_low": c.low, "count_best": c.best, "count_high": c.high, "count_unit": c.unit,
        "count_best_qualifier": c.best_qualifier, "count_rule": c.rule,
        "count_conflicts": list(c.conflicts), "count_figures": list(c.figures),
        "sources": list(event.sources), "victims": list(event.victims), "documents": list(event.documents),
        "aggregate": bool(event.aggregate), "covers": list(event.covers), "covered_by": list(event.covered_by),
        "reasons": list(event.reasons), "judgements": list(event.judgements), "flags": list(event.flags),
        "version": version, "resolved_at": at,
    }
    return sealer.pack("events", row)


def row_to_event(row: Mapping[str, Any], claim_ids: list[str]) -> ResolvedEvent:
    """A stored (unpacked) event row as the ``ResolvedEvent`` the resolve step made."""
    date_ = ReconciledDate(row["date_earliest"], row["date_latest"], row["date_precision"],
                           bool(row["date_disagree"]), tuple(row["date_texts"] or ()))
    count = Reconciled(low=row["count_low"], best=row["count_best"], high=row["count_high"], rule=row["count_rule"],
                       conflicts=list(row.get("count_conflicts") or []), unit=row["count_unit"],
                       best_qualifier=row["count_best_qualifier"], figures=list(row.get("count_figures") or []))
    return ResolvedEvent(
        id=row["id"], type=row["type"], event_class=row["event_class"], date=date_,
        places=[PlaceRef(**p) for p in row["places"]], count=count, claim_ids=claim_ids,
        documents=list(row["documents"]), sources=list(row.get("sources") or []),
        victims=list(row.get("victims") or []), aggregate=bool(row["aggregate"]), covers=list(row["covers"]),
        covered_by=list(row["covered_by"]), reasons=list(row["reasons"]), judgements=list(row["judgements"]),
        flags=list(row["flags"]))


def person_to_row(person: PersonRecord, *, version: str, sealer: Sealer) -> dict[str, Any]:
    row = {
        "id": person.id, "name": person.name, "names": list(person.names),
        "name_index": sealer.name_index(person.name), "sex": person.sex, "birth_year": person.birth_year,
        "origin": person.origin, "status": person.status, "status_label": person.status_label,
        "at_risk": bool(person.at_risk), "timeline": [_plain(t) for t in person.timeline],
        "documents": list(person.documents), "mention_ids": list(person.mention_ids),
        "flags": list(person.flags), "version": version,
    }
    return sealer.pack("persons", row)


def row_to_person(row: Mapping[str, Any], event_ids: list[str]) -> PersonRecord:
    timeline = [TimelineEntry(event_id=t["event_id"], type=t["type"],
                              earliest=_day(t.get("earliest")), latest=_day(t.get("latest")),
                              places=list(t.get("places") or []), text=t.get("text") or "")
                for t in row["timeline"]]
    return PersonRecord(
        id=row["id"], name=row["name"], names=list(row["names"] or []), key="", sex=row["sex"],
        birth_year=row["birth_year"], origin=row.get("origin"), mention_ids=list(row["mention_ids"]),
        event_ids=event_ids, documents=list(row["documents"]), timeline=timeline, status=row["status"],
        status_label=row["status_label"], at_risk=bool(row["at_risk"]), flags=list(row["flags"]))


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def replace_resolution(conn: Connection, resolved: Sequence[ResolvedEvent], people: Sequence[PersonRecord], *,
                       version: str, fingerprint: str, claim_count: int, sealer: Sealer) -> None:
    """Rewrite every event and person (call inside one write transaction)."""
    at = now()
    for table in (event_claims, person_events, person_names, events, persons):
        conn.execute(delete(table))
    _insert(conn, events, [event_to_row(e, version=version, at=at, sealer=sealer) for e in resolved])
    _insert(conn, event_claims, [{"event_id": e.id, "claim_id": c} for e in resolved for c in e.claim_ids])
    _insert(conn, persons, [person_to_row(p, version=version, sealer=sealer) for p in people])
    _insert(conn, person_events, [{"person_id": p.id, "event_id": e} for p in people for e in p.event_ids])
    _insert(conn, person_names, [{"person_id": p.id, "name_index": ix} for p in people
                                 for ix in dict.fromkeys(sealer.name_index(n) for n in p.names)])
    conn.execute(resolutions.insert().values(at=at, fingerprint=fingerprint, claims=claim_count,
                                             events=len(resolved), persons=len(people), version=version))


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]], batch: int = 2000) -> None:
    for i in range(0, len(rows), batch):
        conn.execute(table.insert(), rows[i:i + batch])


def last_resolution(conn: Connection) -> dict[str, Any] | None:
    """The latest resolution's fingerprint and counts, or None before the first."""
    row = conn.execute(select(resolutions).order_by(resolutions.c.id.desc()).limit(1)).mappings().first()
    return dict(row) if row else None


def _links(conn: Connection, table: Table, key: str, value: str, ids: Iterable[str] | None) -> dict[str, list[str]]:
    query = select(table.c[key], table.c[value]).order_by(table.c[key], table.c[value])
    if ids is not None:
        query = query.where(table.c[key].in_(list(ids)))
    out: dict[str, list[str]] = {}
    for k, v in conn.execute(query):
        out.setdefault(k, []).append(v)
    return out


def load_events(conn: Connection, sealer: Sealer, *, types: Sequence[str] = (), start: date | None = None,
                end: date | None = None, ids: Sequence[str] | None = None) -> list[ResolvedEvent]:
    """Stored events, oldest first; ``start``/``end`` keep events whose dates overlap them."""
    query = select(events)
    if types:
        query = query.where(events.c.type.in_(list(types)))
    if start is not None:
        query = query.where((events.c.date_latest.is_(None)) | (events.c.date_latest >= start))
    if end is not None:
        query = query.where((events.c.date_earliest.is_(None)) | (events.c.date_earliest <= end))
    if ids is not None:
        query = query.where(events.c.id.in_(list(ids)))
    rows = [sealer.unpack("events", r) for r in conn.execute(query).mappings()]
    links = _links(conn, event_claims, "event_id", "claim_id", [r["id"] for r in rows] if ids is not None else None)
    out = [row_to_event(r, links.get(r["id"], [])) for r in rows]
    out.sort(key=lambda e: (e.date.earliest or date.max, e.id))
    return out


def load_persons(conn: Connection, sealer: Sealer, ids: Sequence[str] | None = None) -> list[PersonRecord]:
    query = select(persons).order_by(persons.c.id)
    if ids is not None:
        query = query.where(persons.c.id.in_(list(ids)))
    rows = [sealer.unpack("persons", r) for r in conn.execute(query).mappings()]
    links = _links(conn, person_events, "person_id", "event_id", [r["id"] for r in rows] if ids is not None else None)
    return [row_to_person(r, links.get(r["id"], [])) for r in rows]


def persons_of_events(conn: Connection, event_ids: Sequence[str]) -> dict[str, list[str]]:
    return _links(conn, person_events, "event_id", "person_id", event_ids)


def persons_named(conn: Connection, sealer: Sealer, name: str) -> list[str]:
    """Ids of persons with a spelling equal to ``name`` (after case/hyphen folding)."""
    return list(conn.scalars(select(person_names.c.person_id).distinct()
                             .where(person_names.c.name_index == sealer.name_index(name))))


def document_info(conn: Connection, hashes: Sequence[str]) -> list[dict[str, Any]]:
    rows = {r.sha256: {"id": r.id, "sha256": r.sha256, "title": r.title, "published": r.published}
            for r in conn.execute(select(documents.c.id, documents.c.sha256, documents.c.title,
                                         documents.c.published).where(documents.c.sha256.in_(list(hashes))))}
    return [rows[h] for h in hashes if h in rows]
