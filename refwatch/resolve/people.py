"""People: victims named in claims become case files that follow them in time.

Linking rules (conservative: entering the same person twice is a nuisance,
merging two people is a danger):

* A full name ("Kim Cheol Ok", 김철옥, "Kim Ch'ŏl-ok") is reduced to its
  ``name_key``. Mentions with the same key, or with keys whose given names are
  nearly identical (rapidfuzz ratio ≥ ``FUZZY``), are the same person unless
  something known tells them apart: birth years more than 2 years apart, a
  different sex, a different place of origin.
* A mention that knows none of those and fits two different people with the
  same name is left on its own record (flag ``ambiguous``), not guessed.
* A surname alone ("a girl surnamed Choi") links only inside its context — the
  same document or the same event — never across the whole collection: to the
  one full name with that surname there, or to the other surname-only mentions
  of that surname there.

A person's timeline is the events their mentions are linked to, ordered by
date (then by the natural order of the event types); the status comes from the
last event (``model/data/person_status.json``), and a person detained in China
with no later event is at risk.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from rapidfuzz import fuzz, process

from refwatch.model.vocab import load
from refwatch.resolve.names import split_name

FUZZY = 90
TYPE_ORDER = ("escape", "arrest", "detention", "transfer", "repatriation", "punishment",
              "disappearance", "release", "death")


@dataclass
class PersonMention:
    """One naming of a victim in one claim."""

    id: str
    name: str
    document: str | None = None
    event_id: str | None = None
    claim_id: str | None = None
    sex: str | None = None
    birth_year: int | None = None
    origin: str | None = None


@dataclass
class TimelineEntry:
    event_id: str
    type: str
    earliest: date | None
    latest: date | None
    places: list[str] = field(default_factory=list)
    text: str = ""


@dataclass
class PersonRecord:
    id: str
    name: str
    names: list[str]
    key: str
    sex: str | None = None
    birth_year: int | None = None
    origin: str | None = None
    mention_ids: list[str] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    status: str = "unknown"
    status_label: str = "Unknown"
    at_risk: bool = False
    flags: list[str] = field(default_factory=list)


class _Group:
    __slots__ = ("members", "sex", "birth", "origin", "contexts")

    def __init__(self, m: PersonMention) -> None:
        self.members = [m]
        self.sex, self.birth, self.origin = m.sex, m.birth_year, _norm(m.origin)
        self.contexts = {c for c in (m.document, m.event_id) if c}

    def fits(self, m: PersonMention) -> bool:
        if self.sex and m.sex and self.sex != m.sex:
            return False
        if self.birth and m.birth_year and abs(self.birth - m.birth_year) > 2:
            return False
        origin = _norm(m.origin)
        if self.origin and origin and self.origin != origin:
            return False
        return True

    def fits_group(self, other: "_Group") -> bool:
        return all(self.fits(m) for m in other.members)

    def add(self, m: PersonMention) -> None:
        self.members.append(m)
        self.sex = self.sex or m.sex
        self.birth = self.birth or m.birth_year
        self.origin = self.origin or _norm(m.origin)
        self.contexts.update(c for c in (m.document, m.event_id) if c)

    def absorb(self, other: "_Group") -> None:
        for m in other.members:
            self.add(m)


def _norm(text: str | None) -> str | None:
    return " ".join(text.lower().split()) if text else None


def _knows_something(m: PersonMention) -> bool:
    return bool(m.sex or m.birth_year or m.origin)


def _link_full(mentions: list[PersonMention]) -> list[_Group]:
    """Group full-name mentions of one surname (exact key, then near given names)."""
    by_given: dict[str, list[PersonMention]] = defaultdict(list)
    for m in mentions:
        by_given[split_name(m.name)[1]].append(m)
    # near-identical given names join the larger spelling's bucket (typos, rare folds)
    givens = sorted(by_given, key=lambda g: (-len(by_given[g]), g))
    if len(givens) > 1:
        target: dict[str, str] = {}
        matrix = process.cdist(givens, givens, scorer=fuzz.ratio, score_cutoff=FUZZY, workers=1)
        for x, g in enumerate(givens):
            if len(g) < 4 or g in target:
                continue
            for y in matrix[x].nonzero()[0]:
                h = givens[int(y)]
                if y > x and h not in target and len(h) >= 4:
                    target[h] = g
        for h, g in target.items():
            by_given[g].extend(by_given.pop(h))
    groups: list[_Group] = []
    for bucket in by_given.values():
        groups.extend(_split_by_attributes(bucket))
    return groups


def _split_by_attributes(bucket: list[PersonMention]) -> list[_Group]:
    informed = [m for m in bucket if _knows_something(m)]
    plain = [m for m in bucket if not _knows_something(m)]
    groups: list[_Group] = []
    for m in informed:
        for g in groups:
            if g.fits(m):
                g.add(m)
                break
        else:
            groups.append(_Group(m))
    for m in plain:
        if not groups:
            groups.append(_Group(m))
        elif len(groups) == 1:
            groups[0].add(m)
        else:  # same name, several different people: share a context or stay apart
            near = [g for g in groups if g.contexts & {m.document, m.event_id}]
            if len(near) == 1:
                near[0].add(m)
            else:
                g = _Group(m)
                groups.append(g)
    return groups


def _attach_surnames(surname_only: list[PersonMention], full: list[_Group]) -> list[_Group]:
    """Surname-only mentions join a person only inside a shared document or event."""
    by_context: dict[tuple[str, str], list[_Group]] = defaultdict(list)
    for g in full:
        s = split_name(g.members[0].name)[0]
        for c in g.contexts:
            by_context[(s, c)].append(g)
    loose: list[_Group] = []
    loose_ctx: dict[tuple[str, str], list[_Group]] = defaultdict(list)
    for m in surname_only:
        s = split_name(m.name)[0]
        ctx = [c for c in (m.document, m.event_id) if c]
        cands = {id(g): g for c in ctx for g in by_context.get((s, c), []) if g.fits(m)}
        if len(cands) == 1:
            next(iter(cands.values())).add(m)
            continue
        near = {id(g): g for c in ctx for g in loose_ctx.get((s, c), []) if g.fits(m)}
        if near:
            groups = list(near.values())
            head = groups[0]
            head.add(m)
            for other in groups[1:]:
                if head.fits_group(other):
                    head.absorb(other)
                    loose.remove(other)
            for c in head.contexts:
                if head not in loose_ctx[(s, c)]:
                    loose_ctx[(s, c)].append(head)
            continue
        g = _Group(m)
        loose.append(g)
        for c in ctx:
            loose_ctx[(s, c)].append(g)
    return loose


def link_people(mentions: Iterable[PersonMention],
                events: Mapping[str, Any] | Sequence[Any] | None = None) -> list[PersonRecord]:
    """Link mentions into person records; with ``events`` (id → ResolvedEvent, or a
    list of them) each person gets a timeline and a status."""
    mentions = [m for m in mentions if m.name and split_name(m.name)[0]]
    if events is not None and not isinstance(events, Mapping):
        events = {e.id: e for e in events}
    by_surname: dict[str, list[PersonMention]] = defaultdict(list)
    surname_only: list[PersonMention] = []
    for m in mentions:
        surname, given = split_name(m.name)
        (by_surname[surname] if given else surname_only).append(m)
    groups: list[_Group] = []
    for bucket in by_surname.values():
        groups.extend(_link_full(bucket))
    groups.extend(_attach_surnames(surname_only, groups))
    order = {m.id: i for i, m in enumerate(mentions)}
    groups.sort(key=lambda g: min(order[m.id] for m in g.members))
    return [_record(g, events) for g in groups]


def _record(group: _Group, events: Mapping[str, Any] | None) -> PersonRecord:
    members = group.members
    written = Counter(m.name for m in members)
    full_names = [n for n in written if split_name(n)[1]]
    display = max(full_names or written, key=lambda n: (written[n], len(n)))
    surname, given = split_name(display)
    event_ids = list(dict.fromkeys(m.event_id for m in members if m.event_id))
    person = PersonRecord(
        id=f"p-{members[0].id}", name=display, names=list(written), key=f"{surname}|{given}",
        sex=group.sex, birth_year=group.birth, origin=group.origin,
        mention_ids=[m.id for m in members], event_ids=event_ids,
        documents=list(dict.fromkeys(m.document for m in members if m.document)))
    if not full_names:
        person.flags.append("surname_only")
    if events is not None:
        person.timeline = timeline(events[e] for e in event_ids if e in events)
        apply_status(person)
    return person


def _sort_key(entry: TimelineEntry) -> tuple:
    start = entry.earliest or entry.latest or date.min
    end = entry.latest or entry.earliest or date.max
    rank = TYPE_ORDER.index(entry.type) if entry.type in TYPE_ORDER else len(TYPE_ORDER)
    return (start, rank, end)


def timeline(events: Iterable[Any]) -> list[TimelineEntry]:
    """Ordered entries for resolved events (escape 1998 → arrest 2023-04 → ...)."""
    entries = [TimelineEntry(event_id=e.id, type=e.type, earliest=e.date.earliest, latest=e.date.latest,
                             places=[p.name for p in e.places],
                             text="; ".join(e.date.texts) if getattr(e.date, "texts", None) else "")
               for e in events]
    return sorted(entries, key=_sort_key)


def status_for(entries: Sequence[TimelineEntry], countries: Sequence[str | None] = ()) -> str:
    """Status vocabulary key for the last entry of a timeline."""
    if not entries:
        return "unknown"
    vocab = load("person_status")
    last = entries[-1].type
    for key, spec in vocab.items():
        if key.startswith("_"):
            continue
        if last in spec.get("from", []):
            if key == "in_third_country" and any(c in vocab["resettled"].get("countries", []) for c in countries):
                return "resettled"
            return key
    return "unknown"


def apply_status(person: PersonRecord, countries: Sequence[str | None] = ()) -> None:
    vocab = load("person_status")
    person.status = status_for(person.timeline, countries)
    spec = vocab.get(person.status, {})
    person.status_label = spec.get("label", person.status)
    person.at_risk = bool(spec.get("at_risk"))


def mentions_from_events(events: Iterable[Any], claims: Mapping[str, Any]) -> list[PersonMention]:
    """One mention per victim name per claim, tied to the claim's event."""
    out = []
    for e in events:
        for cid in e.claim_ids:
            claim = claims[cid]
            for n, v in enumerate(claim.victims):
                if not v.name:
                    continue
                birth = None
                if v.age is not None and claim.date.earliest:
                    birth = claim.date.earliest.year - v.age
                out.append(PersonMention(id=f"{cid}:{n}", name=v.name, document=claim.document_sha256,
                                         event_id=e.id, claim_id=cid, sex=v.sex, birth_year=birth))
    return out
