"""Orchestration: documents → claims → events and people, with human judgements.

``process`` runs the extractor over every document it has not read yet (or read
with an older extractor), stores the claims with their evidence spans, then
``resolve`` rewrites events and persons from all claims and all judgements in
one transaction. Both steps are incremental: with nothing new they write
nothing. ``merge_events``, ``split_event`` and ``judge_claim`` record a human
decision and resolve again at once, so its effect shows immediately and, being
a stored record re-applied on every run, survives later runs.

Re-extraction replaces a document's machine suggestions but never a claim a
human reviewed (accepted, edited, rejected). A new suggestion that says what a
reviewed claim already says — same document, same event class, overlapping
evidence span — is dropped, so a rejected claim does not come back under a
slightly different id.

This module speaks no SQL: every query is a function of ``refwatch.store.claims``.

Every function here takes the acting ``principal`` and checks it first
(``security.roles.authorize``); the command line and any other adapter only pass
it down. Writes, and reads of sensitive records (a person, an event naming
victims), append an audit entry in the same transaction. What a role sees:
admin and analyst everything; a researcher events without victims' names and
people under a pseudonym (``people.read_pseudonymised``); the public only
redacted events (``public_events``) and statistics.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import refwatch
from refwatch.model.records import Claim, Count, DateRange, Victim, to_dict
from refwatch.model.vocab import event_class, event_types, load
from refwatch.security import audit
from refwatch.security.roles import Principal, authorize, authorize_all, can
from refwatch.resolve.events import ResolvedEvent, claim_id, event_to_dict, resolve_events
from refwatch.resolve.linkage import link as link_people
from refwatch.resolve.people import PersonRecord, mentions_from_events
from refwatch.resolve.stats import stats as stats_rows
from refwatch.store import claims as db
from refwatch.store.claims import Sealer

Extractor = Callable[[str, "date | None"], list[Claim]]
Progress = Callable[[int, int], None]


class ProcessError(ValueError):
    """A request that cannot be carried out; the message says why (and names no one)."""


# --- the extractor ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def extractor_version() -> str:
    """The extractor's name plus a hash of its code and rule data.

    Any change to the rules (lexicon, gazetteer, organisations, number words)
    or to the extractor's code gives a new version, so `refwatch process`
    re-extracts with it; reviewed claims are kept either way.
    """
    from refwatch.extract import events as extract_events

    digest = hashlib.sha256()
    for path in sorted(Path(extract_events.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    data = resources.files("refwatch.model") / "data"
    for name in ("triggers.json", "gazetteer.json", "organisations.json", "number_words.json"):
        digest.update((data / name).read_bytes())
    return f"{extract_events.EXTRACTOR}+{digest.hexdigest()[:12]}"


def default_extractor() -> tuple[Extractor, str]:
    """The pipeline's per-document entry point and its version."""
    from refwatch.extract.pipeline import extract

    return extract, extractor_version()


@lru_cache(maxsize=1)
def resolver_version() -> str:
    """Changes whenever the resolution code changes, so a re-run re-resolves then."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return f"{refwatch.__version__}+{digest.hexdigest()[:12]}"


# --- process ------------------------------------------------------------------------------

@dataclass
class ProcessReport:
    extractor: str
    documents: int = 0  # documents read by the extractor this run
    new_claims: int = 0
    kept_reviewed: int = 0  # suggestions dropped because a reviewed claim says the same
    failed: list[dict[str, str]] = field(default_factory=list)
    resolved: bool = False  # False when nothing had changed since the last resolution
    events: int = 0
    persons: int = 0
    claims: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return to_dict(self)


def process(store: Any, extractor: Extractor, *, version: str, data_key: bytes, principal: Principal,
            everything: bool = False, progress: Progress | None = None, batch: int = 100) -> ProcessReport:
    """Extract claims from new documents (or all with ``everything``), then resolve.

    A document whose extraction fails is reported (by hash and error type only)
    and left unmarked, so the next run tries it again.
    """
    authorize_all(principal, "documents.read", "events.write", "people.write")
    sealer = Sealer.for_store(store, data_key)
    report = ProcessReport(extractor=version)
    with store.read() as conn:
        pending = db.pending_documents(conn, version, everything=everything)
    total = len(pending)
    if progress:
        progress(0, total)
    for start in range(0, total, batch):
        hashes = pending[start:start + batch]
        with store.read() as conn:
            texts = db.document_texts(conn, hashes)
        extracted = []
        for sha, text, published in texts:
            try:
                extracted.append((sha, list(extractor(text, published))))
            except Exception as exc:  # one bad document must not stop the run
                report.failed.append({"document": sha, "error": type(exc).__name__})
        with store.write() as conn:
            reviewed = db.reviewed_claims(conn, [sha for sha, _ in extracted], sealer)
            rows = {}
            for sha, found in extracted:
                rows[sha], dropped = _claim_rows(sha, found, reviewed[sha], version, sealer)
                report.kept_reviewed += dropped
            added = db.replace_suggestions(conn, rows, version)
            report.new_claims += added
            report.documents += len(rows)
            if rows:
                audit.record(conn, principal, "documents.write", "claims:extract",
                             {"documents": len(rows), "claims": added})
        if progress:
            progress(min(start + batch, total), total)
    outcome = resolve(store, data_key, principal=principal)
    report.resolved, report.events, report.persons = outcome.resolved, outcome.events, outcome.persons
    report.claims = outcome.claims
    return report


def _claim_rows(sha: str, found: list[Claim], reviewed: list[Claim], version: str,
                sealer: Sealer) -> tuple[list[dict[str, Any]], int]:
    rows, seen, dropped = [], set(), 0
    for claim in found:
        claim.document_sha256 = sha
        claim.extractor = version
        claim.review_state = "suggested"
        if any(_says_the_same(claim, r) for r in reviewed):
            dropped += 1
            continue
        cid = claim_id(claim)
        n = 1
        while cid in seen:  # the same assertion twice in one text: keep both, distinctly
            n += 1
            cid = f"{claim_id(claim)[:13]}-{n}"
        seen.add(cid)
        rows.append(db.claim_to_row(cid, claim, document=sha, extractor=version, sealer=sealer))
    return rows, dropped


def _says_the_same(new: Claim, reviewed: Claim) -> bool:
    return event_class(new.type) == event_class(reviewed.type) and _spans_overlap(new, reviewed)


def _spans_overlap(a: Claim, b: Claim) -> bool:
    return any(x.start < y.end and y.start < x.end for x in a.evidence for y in b.evidence)


# --- resolve ---------------------------------------------------------------------------------

@dataclass
class ResolveReport:
    resolved: bool
    events: int
    persons: int
    claims: dict[str, int]


def resolve(store: Any, data_key: bytes, *, principal: Principal, force: bool = False) -> ResolveReport:
    """Rewrite events and persons from all claims and judgements, in one transaction.

    Skipped when claims, judgements and the resolver are unchanged since the last run.
    """
    authorize_all(principal, "events.write", "people.write")
    sealer = Sealer.for_store(store, data_key)
    with store.write() as conn:
        digest = hashlib.sha256(resolver_version().encode())
        for line in db.claim_fingerprint(conn):
            digest.update(line.encode() + b"\n")
        digest.update(b"--judgements--\n")
        for jid in db.judgement_fingerprint(conn):
            digest.update(jid.encode() + b"\n")
        fingerprint = digest.hexdigest()
        states = db.count_claims(conn)
        last = db.last_resolution(conn)
        if not force and last is not None and last["fingerprint"] == fingerprint:
            return ResolveReport(False, last["events"], last["persons"], states)
        claims = db.load_claims(conn, sealer)
        decisions = [j.for_resolution() for j in db.load_judgements(conn, sealer)]
        events = resolve_events(claims, decisions)
        people = link_people(mentions_from_events(events, claims), events)
        db.replace_resolution(conn, events, people, version=resolver_version(), fingerprint=fingerprint,
                              claim_count=len(claims), sealer=sealer)
        audit.record(conn, principal, "events.write", "events:resolve",
                     {"events": len(events), "persons": len(people), "claims": len(claims)})
    return ResolveReport(True, len(events), len(people), states)


# --- reading ------------------------------------------------------------------------------------

def _one(conn: Any, table: str, key: str, what: str) -> str:
    found = db.find_ids(conn, table, key.strip())
    if not found:
        raise ProcessError(f"no {what} {key!r}")
    if len(found) > 1:
        raise ProcessError(f"{what} id {key!r} is ambiguous; give more characters")
    return found[0]


def list_events(store: Any, data_key: bytes, *, principal: Principal, type_: str | None = None,
                start: date | None = None, end: date | None = None, place: str | None = None) -> list[ResolvedEvent]:
    """Events, oldest first; ``place`` matches a place, a place inside it, or the words as written.

    Needs events.read. Without people.read (a researcher) the events come
    without victims' names; with it, reading events that name victims is audited.
    """
    authorize(principal, "events.read")
    if type_ is not None and type_ not in event_types():
        raise ProcessError(f"unknown event type {type_!r}; use one of {', '.join(event_types())}")
    sealer = Sealer.for_store(store, data_key)
    with store.read() as conn:
        found = db.load_events(conn, sealer, types=[type_] if type_ else (), start=start, end=end)
    if place:
        found = [e for e in found if _at_place(e, place)]
    if not can(principal, "people.read"):
        return [_without_victims(e) for e in found]
    named = [e.id for e in found if e.victims]
    if named:
        with store.write() as conn:
            audit.record(conn, principal, "events.read", "events:list", {"events": len(found), "named": len(named)})
    return found


def _without_victims(event: ResolvedEvent) -> ResolvedEvent:
    from dataclasses import replace

    return replace(event, victims=[])


def public_events(store: Any, data_key: bytes, *, principal: Principal, type_: str | None = None,
                  start: date | None = None, end: date | None = None, place: str | None = None,
                  gazetteer: Any = None) -> list[dict[str, Any]]:
    """Redacted events (``security.redact.redact_event``): what the public may see."""
    from refwatch.security.redact import redact_event

    authorize(principal, "events.read_public")
    found = _load_events_for(store, data_key, type_=type_, start=start, end=end, place=place)
    return [redact_event(event_to_dict(e), gazetteer) for e in found]


def event_dicts_for_export(store: Any, data_key: bytes, *, principal: Principal) -> list[dict[str, Any]]:
    """Every event as a dict, names included, for the public export to redact.

    Needs export.public: the caller (``publish.export.export_store``) redacts
    before anything leaves; nothing else may use this.
    """
    authorize(principal, "export.public")
    return [event_to_dict(e) for e in _load_events_for(store, data_key)]


def _load_events_for(store: Any, data_key: bytes, *, type_: str | None = None, start: date | None = None,
                     end: date | None = None, place: str | None = None) -> list[ResolvedEvent]:
    if type_ is not None and type_ not in event_types():
        raise ProcessError(f"unknown event type {type_!r}; use one of {', '.join(event_types())}")
    with store.read() as conn:
        found = db.load_events(conn, Sealer.for_store(store, data_key), types=[type_] if type_ else (),
                               start=start, end=end)
    return [e for e in found if _at_place(e, place)] if place else found


def _at_place(event: ResolvedEvent, wanted: str) -> bool:
    from refwatch.resolve.places import place_key
    from refwatch.model.records import PlaceRef

    key = place_key(PlaceRef(name=wanted))
    folded = wanted.casefold().strip()
    for p in event.places:
        if folded in (p.name.casefold(), (p.text or "").casefold()):
            return True
        pk = place_key(p)
        if key and pk and (pk == key or (not key.startswith("name:") and not pk.startswith("name:")
                                         and _inside(pk, key))):
            return True
    return False


def _inside(child: str, parent: str) -> bool:
    from refwatch.resolve.places import _gazetteer

    gaz = _gazetteer()
    try:
        return bool(gaz and gaz.within(child, parent))
    except Exception:
        return False


def event_detail(store: Any, data_key: bytes, event_id: str, *, principal: Principal) -> dict[str, Any]:
    """One event with its count rule, conflicts by source, claims with evidence, documents and reasons.

    Needs events.read. A researcher gets no victims' names (removed from the
    event and the claims, masked in evidence text) and people as pseudonyms.
    Reading an event that names victims is audited.
    """
    authorize(principal, "events.read")
    sealer = Sealer.for_store(store, data_key)
    with store.write() as conn:
        eid = _one(conn, "events", event_id, "event")
        event = db.load_events(conn, sealer, ids=[eid])[0]
        rows = db.claim_rows(conn, event.claim_ids, sealer)
        docs = db.document_info(conn, event.documents)
        people = db.persons_of_events(conn, [eid]).get(eid, [])
        if event.victims or people:
            audit.record(conn, principal, "events.read", f"event:{eid}",
                         {"named": bool(event.victims), "persons": len(people)})
    out = event_to_dict(event)
    out["claims"] = [_claim_view(r) for r in rows]
    out["documents"] = to_dict(docs)
    out["persons"] = people
    if not can(principal, "people.read"):
        out = _event_for_researcher(out, data_key)
    return out


def _event_for_researcher(out: dict[str, Any], data_key: bytes) -> dict[str, Any]:
    from refwatch.security.redact import _name_pattern, pseudonym, victim_names

    names: set[str] = set(n for n in out.get("victims") or [] if isinstance(n, str))
    for claim in out["claims"]:
        names |= victim_names(claim)
    pattern = _name_pattern(names)
    out["victims"] = []
    out["persons"] = [pseudonym(data_key, {"id": pid}) for pid in out["persons"]]
    for claim in out["claims"]:
        claim["victims"] = []
        for span in claim.get("evidence") or []:
            if pattern is not None and isinstance(span.get("text"), str):
                span["text"] = pattern.sub("[name withheld]", span["text"])
    for figure in (out.get("count") or {}).get("figures", []) + (out.get("count") or {}).get("conflicts", []):
        if pattern is not None and isinstance(figure.get("text"), str):
            figure["text"] = pattern.sub("[name withheld]", figure["text"])
    return out


def _claim_view(row: Mapping[str, Any]) -> dict[str, Any]:
    keep = ("id", "type", "date_earliest", "date_latest", "date_text", "places", "count", "victims", "sources",
            "evidence", "aggregate", "confidence", "extractor", "review_state", "reviewer", "reviewed_at",
            "review_note", "document_sha256", "document_id", "document_title")
    return to_dict({k: row.get(k) for k in keep})


def list_people(store: Any, data_key: bytes, *, principal: Principal) -> list[PersonRecord]:
    """Every case file with names (people.read); the read is audited."""
    authorize(principal, "people.read")
    sealer = Sealer.for_store(store, data_key)
    with store.write() as conn:
        found = db.load_persons(conn, sealer)
        if found:
            audit.record(conn, principal, "people.read", "persons:list", {"persons": len(found)})
    return found


def people_view(store: Any, data_key: bytes, *, principal: Principal) -> list[dict[str, Any]]:
    """Case files as the principal may see them: ``person_view`` dicts, or pseudonymised for a researcher."""
    if can(principal, "people.read"):
        return [person_view(p) for p in list_people(store, data_key, principal=principal)]
    authorize(principal, "people.read_pseudonymised")
    with store.read() as conn:
        found = db.load_persons(conn, Sealer.for_store(store, data_key))
    return [_pseudonymised(p, data_key) for p in found]


def _pseudonymised(person: PersonRecord, data_key: bytes) -> dict[str, Any]:
    from refwatch.security.redact import pseudonymise

    out = pseudonymise({"id": person.id, "sex": person.sex, "birth_year": person.birth_year,
                        "status": person.status, "event_ids": person.event_ids}, data_key)
    last = person.timeline[-1] if person.timeline else None
    out.update(status_label=person.status_label, at_risk=person.at_risk,
               last_event={"event_id": last.event_id, "type": last.type, "earliest": last.earliest,
                           "latest": last.latest} if last else None)
    return to_dict(out)


def person_detail(store: Any, data_key: bytes, person_id: str, *, principal: Principal) -> dict[str, Any]:
    """One case file. Analysts and admins: names, timeline, documents (audited).

    A researcher names the person by pseudonym (``P-…``) and gets the
    pseudonymised view with a timeline of dates, types and places only.
    """
    authorize(principal, "people.read_pseudonymised")
    sealer = Sealer.for_store(store, data_key)
    if not can(principal, "people.read"):
        with store.read() as conn:
            found = [p for p in db.load_persons(conn, sealer)
                     if _pseudonymised(p, data_key)["pseudonym"] == person_id.strip().upper()]
        if len(found) != 1:
            raise ProcessError("no person with this pseudonym (researchers name people by pseudonym)")
        out = _pseudonymised(found[0], data_key)
        out["timeline"] = [{"event_id": t.event_id, "type": t.type, "earliest": t.earliest, "latest": t.latest,
                            "places": list(t.places)} for t in found[0].timeline]
        return to_dict(out)
    with store.write() as conn:
        pid = _one(conn, "persons", person_id, "person")
        person = db.load_persons(conn, sealer, ids=[pid])[0]
        docs = db.document_info(conn, person.documents)
        audit.record(conn, principal, "people.read", f"person:{pid}")
    out = person_view(person)
    out["timeline"] = to_dict(person.timeline)
    out["documents"] = to_dict(docs)
    out["mentions"] = list(person.mention_ids)
    return out


def person_view(person: PersonRecord) -> dict[str, Any]:
    last = person.timeline[-1] if person.timeline else None
    return {"id": person.id, "name": person.name, "names": person.names, "sex": person.sex,
            "birth_year": person.birth_year, "origin": person.origin, "status": person.status,
            "status_label": person.status_label, "at_risk": person.at_risk, "events": person.event_ids,
            "last_event": to_dict(last), "flags": person.flags}


def statistics(store: Any, data_key: bytes, by: str, *, principal: Principal) -> list[dict[str, Any]]:
    """Counts per month, year, place or type (stats.read: every role)."""
    authorize(principal, "stats.read")
    if by not in ("month", "year", "place", "type"):
        raise ProcessError(f"cannot group by {by!r}; use month, year, place or type")
    sealer = Sealer.for_store(store, data_key)
    with store.read() as conn:
        return stats_rows(db.load_events(conn, sealer), db.load_persons(conn, sealer), by=by)


# --- judgements ----------------------------------------------------------------------------------

@dataclass
class JudgementOutcome:
    judgement: db.StoredJudgement
    events: list[str]  # ids of the events the judged claims are in after resolution

    def to_json(self) -> dict[str, Any]:
        j = self.judgement
        return {"judgement": {"id": j.id, "kind": j.kind, "claims": j.claims, "others": j.others,
                              "who": j.who, "at": j.at.isoformat()}, "events": self.events}


def _require_why(why: str) -> str:
    if not why or not why.strip():
        raise ProcessError("say why (--why): a judgement without a reason cannot be checked later")
    return why.strip()


def _after(store: Any, data_key: bytes, judgement: db.StoredJudgement, principal: Principal) -> JudgementOutcome:
    resolve(store, data_key, principal=principal)
    wanted = set(judgement.claims) | set(judgement.others)
    with store.read() as conn:
        found = db.load_events(conn, Sealer.for_store(store, data_key))
    return JudgementOutcome(judgement, [e.id for e in found if wanted & set(e.claim_ids)])


def merge_events(store: Any, data_key: bytes, first: str, second: str, *, principal: Principal,
                 who: str | None = None, why: str) -> JudgementOutcome:
    """The claims of both events are one occurrence (a human "same"). Needs events.write."""
    authorize_all(principal, "events.write", "people.write")
    who = who or principal.name
    why = _require_why(why)
    sealer = Sealer.for_store(store, data_key)
    with store.write() as conn:
        a, b = _one(conn, "events", first, "event"), _one(conn, "events", second, "event")
        if a == b:
            raise ProcessError("an event cannot be merged with itself")
        ea, eb = db.load_events(conn, sealer, ids=[a, b]) if a < b else db.load_events(conn, sealer, ids=[b, a])
        ea, eb = (ea, eb) if ea.id == a else (eb, ea)
        j = db.add_judgement(conn, "merge", ea.claim_ids, others=eb.claim_ids, event_ids=[a, b], who=who,
                             why=why, sealer=sealer)
        audit.record(conn, principal, "events.write", f"event:{a}", {"merge": b, "judgement": j.id})
    return _after(store, data_key, j, principal)


def split_event(store: Any, data_key: bytes, event_id: str, claim: str, *, principal: Principal,
                who: str | None = None, why: str) -> JudgementOutcome:
    """This claim is not the same occurrence as the rest of the event (a human "not the same")."""
    authorize_all(principal, "events.write", "people.write")
    who = who or principal.name
    why = _require_why(why)
    sealer = Sealer.for_store(store, data_key)
    with store.write() as conn:
        eid = _one(conn, "events", event_id, "event")
        event = db.load_events(conn, sealer, ids=[eid])[0]
        matches = [c for c in event.claim_ids if c == claim] or [c for c in event.claim_ids if c.startswith(claim)]
        if len(matches) != 1:
            raise ProcessError(f"claim {claim!r} is not (unambiguously) part of event {eid}")
        rest = [c for c in event.claim_ids if c != matches[0]]
        if not rest:
            raise ProcessError(f"event {eid} has only this claim; there is nothing to split")
        j = db.add_judgement(conn, "split", matches, others=rest, event_ids=[eid], who=who, why=why, sealer=sealer)
        audit.record(conn, principal, "events.write", f"event:{eid}", {"split": matches[0], "judgement": j.id})
    return _after(store, data_key, j, principal)


def judge_claim(store: Any, data_key: bytes, claim: str, verdict: str, *, principal: Principal,
                who: str | None = None, why: str, changes: Mapping[str, str] | None = None) -> JudgementOutcome:
    """Accept, reject or edit one claim; an edit sets fields (see ``EDITABLE``). Needs documents.write."""
    authorize_all(principal, "documents.write", "events.write", "people.write")
    who = who or principal.name
    why = _require_why(why)
    if verdict not in ("accept", "reject", "edit"):
        raise ProcessError("the verdict is accept, reject or edit")
    if verdict == "edit" and not changes:
        raise ProcessError("an edit needs at least one --set field=value")
    if verdict != "edit" and changes:
        raise ProcessError("--set goes with edit only")
    sealer = Sealer.for_store(store, data_key)
    with store.write() as conn:
        cid = _one(conn, "claims", claim, "claim")
        current = db.row_to_claim(db.claim_rows(conn, [cid], sealer)[0])
        columns = edit_columns(current, changes or {}) if verdict == "edit" else {}
        at = datetime.now().astimezone()
        state = {"accept": "accepted", "reject": "rejected", "edit": "edited"}[verdict]
        db.set_review(conn, cid, state, who=who, why=why, sealer=sealer, changes=columns, at=at)
        j = db.add_judgement(conn, verdict, [cid], who=who, why=why, edits=dict(changes or {}), sealer=sealer, at=at)
        audit.record(conn, principal, "documents.write", f"claim:{cid}",
                     {"verdict": verdict, "fields": sorted(changes or {}), "judgement": j.id})
    return _after(store, data_key, j, principal)


# --- edits ---------------------------------------------------------------------------------------

EDITABLE = ("type", "date", "earliest", "latest", "count", "count.best", "count.low", "count.high",
            "count.qualifier", "count.unit", "places", "victims", "sources", "aggregate", "share_women")


def parse_sets(values: Sequence[str]) -> dict[str, str]:
    """``["count=600", "type=arrest"]`` → {"count": "600", "type": "arrest"}."""
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ProcessError(f"--set {item!r} is not field=value")
        if name not in EDITABLE:
            raise ProcessError(f"cannot set {name!r}; editable fields: {', '.join(EDITABLE)}")
        out[name] = value.strip()
    return out


def edit_columns(claim: Claim, changes: Mapping[str, str]) -> dict[str, Any]:
    """The claim columns an edit sets, validated (dates, counts, vocabularies)."""
    cols: dict[str, Any] = {}
    if "type" in changes:
        if changes["type"] not in event_types():
            raise ProcessError(f"unknown event type {changes['type']!r}; use one of {', '.join(event_types())}")
        cols["type"] = changes["type"]
    if any(k in changes for k in ("date", "earliest", "latest")):
        rng = _parse_range(changes["date"]) if "date" in changes else DateRange(claim.date.earliest, claim.date.latest)
        if "earliest" in changes:
            rng.earliest = _parse_day(changes["earliest"])
        if "latest" in changes:
            rng.latest = _parse_day(changes["latest"])
        if rng.earliest and rng.latest and rng.earliest > rng.latest:
            raise ProcessError("the earliest date is after the latest")
        from refwatch.resolve.dates import precision_of

        cols.update(date_earliest=rng.earliest, date_latest=rng.latest,
                    date_precision=precision_of(rng.earliest, rng.latest),
                    date_text=changes.get("date", claim.date.text) or None, date_edtf=None)
    if any(k == "count" or k.startswith("count.") for k in changes):
        cols["count"] = _edit_count(claim.count, changes)
    if "places" in changes:
        cols["places"] = [to_dict(p) for p in _places(changes["places"])]
    if "victims" in changes:
        cols["victims"] = [to_dict(Victim(name=n, text=n)) for n in _split(changes["victims"])]
    if "sources" in changes:
        cols["sources"] = _split(changes["sources"])
    if "aggregate" in changes:
        flag = changes["aggregate"].lower()
        if flag not in ("true", "false", "yes", "no", "1", "0"):
            raise ProcessError("aggregate is true or false")
        cols["aggregate"] = flag in ("true", "yes", "1")
    if "share_women" in changes:
        try:
            share = float(changes["share_women"])
        except ValueError:
            raise ProcessError("share_women is a number between 0 and 1") from None
        if not 0 <= share <= 1:
            raise ProcessError("share_women is a number between 0 and 1")
        cols["share_women"] = share
    return cols


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ProcessError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _parse_range(value: str) -> DateRange:
    """2023-10-09, 2023-10, 2023, or FROM..TO."""
    import calendar

    text = value.strip()
    if ".." in text:
        lo, _, hi = text.partition("..")
        return DateRange(_parse_range(lo).earliest, _parse_range(hi).latest, text)
    parts = text.split("-")
    try:
        if len(parts) == 1:
            y = int(parts[0])
            return DateRange(date(y, 1, 1), date(y, 12, 31), text)
        if len(parts) == 2:
            y, m = int(parts[0]), int(parts[1])
            return DateRange(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), text)
        day = date.fromisoformat(text)
        return DateRange(day, day, text)
    except ValueError:
        raise ProcessError(f"{value!r} is not a date; use YYYY-MM-DD, YYYY-MM, YYYY or FROM..TO") from None


def _int(value: str, name: str) -> int | None:
    if value.lower() in ("", "none", "null", "unknown"):
        return None
    try:
        n = int(value.replace(",", ""))
    except ValueError:
        raise ProcessError(f"{name} must be a whole number") from None
    if n < 0:
        raise ProcessError(f"{name} cannot be negative")
    return n


def _edit_count(count: Count | None, changes: Mapping[str, str]) -> dict[str, Any] | None:
    if changes.get("count", "").lower() in ("none", "null"):
        return None
    c = Count(count.best, count.qualifier, count.low, count.high, count.unit, count.text) if count else \
        Count(None, "exact", None, None)
    if "count" in changes:
        c.best, c.qualifier, c.text = _int(changes["count"], "count"), "exact", changes["count"]
    if "count.best" in changes:
        c.best = _int(changes["count.best"], "count.best")
    if "count.qualifier" in changes:
        if changes["count.qualifier"] not in load("qualifiers"):
            raise ProcessError(f"unknown qualifier; use one of {', '.join(load('qualifiers'))}")
        c.qualifier = changes["count.qualifier"]
    if "count.unit" in changes:
        if changes["count.unit"] not in ("persons", "cases"):
            raise ProcessError("count.unit is persons or cases")
        c.unit = changes["count.unit"]
    n, q = c.best, c.qualifier
    derived = {"exact": (n, n), "at_least": (n, None), "more_than": ((n + 1) if n is not None else None, None),
               "up_to": (None, n), "nearly": (None, n), "about": (None, None)}
    if q in derived and any(k in changes for k in ("count", "count.best", "count.qualifier")):
        c.low, c.high = derived[q]
    if "count.low" in changes:
        c.low = _int(changes["count.low"], "count.low")
    if "count.high" in changes:
        c.high = _int(changes["count.high"], "count.high")
    if c.low is not None and c.high is not None and c.low > c.high:
        raise ProcessError("count.low is above count.high")
    return to_dict(c)


def _places(value: str) -> list[Any]:
    from refwatch.model.records import PlaceRef

    out = []
    for name in _split(value):
        try:
            from refwatch.model.gazetteer import load_gazetteer, place_ref

            found = load_gazetteer().lookup(name)
        except Exception:  # no gazetteer: keep the name as written
            found = None
        out.append(place_ref(found, name) if found is not None else PlaceRef(name=name, text=name))
    return out
