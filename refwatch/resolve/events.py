"""Event resolution: claims about one real-world occurrence become one event.

Pipeline (fast enough for 100,000 claims in well under a minute):

1. **Blocking.** Claims are grouped by event class (arrest and detention are
   one class) and calendar month. Inside a month, claims dated to one day are
   only compared with claims of the same day and with the month's wider claims
   (spanning 2–92 days). Claims dated more broadly (a year, "since 2016") are
   only compared through a named victim they share, and aggregates only with
   aggregates over about the same period. No pair is scored twice.
2. **Scoring.** A pair gets points for how tightly the dates agree (same day >
   same week > same month), compatible counts (identical stated figures are
   strong evidence, "600" vs "over 500" good evidence), shared places (a
   crossing within its province, via the gazetteer), shared named victims and
   shared rare words in the evidence; and loses points for incompatible counts,
   places with nothing in common (a small penalty only when the gazetteer does
   not know one of the names, since "Shenyang" may well lie in "Liaoning") and
   different named single victims. Every
   link records its reasons, e.g. "same day; 600 vs >500 compatible; 2 shared
   places".
3. **Clustering: greedy best-first linking with cannot-link guards.** Pairs at
   or above ``THRESHOLD`` are linked strongest first, as in connected
   components, except that two groups are never joined when any claim of one
   is *clearly different* from any claim of the other: dates that do not
   overlap, incompatible counts, different named single victims, an aggregate
   and an incident, two figures from the same document, or a human "not the
   same". Plain connected components would chain "October 2023" to both the
   9 October and the 25 October deportation; the guard stops that while
   keeping the speed of union–find (groups are small, so the guard is cheap).
   Average-linkage agglomeration was the alternative; it needs the full score
   matrix per block and gives no better answer once the guard is in place.
4. **Human judgements** come first and win: "same" joins claims before any
   machine link (even against the guard), "not same" is a cannot-link the
   machine never crosses, a rejected claim is left out. Judgements are kept as
   separate records (who, when, why) and re-applied on every run, so they
   survive re-runs; for the same pair of claims the latest judgement counts.
5. **Aggregates** ("51 instances, July 2016–June 2017") only merge with other
   aggregates over nearly the same period; an aggregate event is linked as
   *covering* every incident event of its class dated inside its period.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Mapping, Sequence

from refwatch.model.records import Claim, Count, PlaceRef
from refwatch.model.vocab import event_class
from refwatch.resolve import counts as counts_mod
from refwatch.resolve.counts import Reconciled, reconcile_counts
from refwatch.resolve.dates import ReconciledDate, reconcile_dates
from refwatch.resolve.names import is_surname_only, name_key
from refwatch.resolve.places import place_key, shared_places

THRESHOLD = 0.5
WIDE_DAYS = 92  # claims dated more broadly than this are "broad"
NEG = -10.0

_WORD = re.compile(r"[a-z][a-z'-]{4,}")
_STOP = frozenset("""about after again against among around attempt authorities because been before
being between border chinese country could defectors during early escapees every first former
forcibly forced further group their there these those three through under until where which while
would other years korean koreans north south china people persons report reported reports said says
according including officials government police security sources women children families
repatriated repatriation deported deportation arrested detained detention returned sent""".split())


@dataclass
class Judgement:
    """A human decision, kept apart from machine scores.

    kind: ``same`` (all of ``claims`` + ``others`` are one event), ``not_same``
    (no claim of ``claims`` is ever in one event with a claim of ``others``),
    ``reject`` / ``accept`` / ``edit`` (about the claims themselves).
    """

    kind: str
    claims: tuple[str, ...]
    others: tuple[str, ...] = ()
    who: str = ""
    when: datetime | None = None
    why: str = ""
    id: str | None = None


@dataclass
class ResolvedEvent:
    id: str
    type: str
    event_class: str
    date: ReconciledDate
    places: list[PlaceRef]
    count: Reconciled
    claim_ids: list[str]
    documents: list[str]
    sources: list[str]
    victims: list[str]
    aggregate: bool = False
    covers: list[str] = field(default_factory=list)
    covered_by: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    judgements: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def claim_id(claim: Claim) -> str:
    """Stable id for a claim that has none: hash of what makes it this claim."""
    explicit = getattr(claim, "id", None)
    if explicit:
        return str(explicit)
    parts = [claim.document_sha256 or "", claim.type,
             str(claim.date.earliest), str(claim.date.latest),
             ",".join(f"{s.start}-{s.end}" for s in claim.evidence),
             claim.count.text if claim.count else "",
             "|".join(v.name for v in claim.victims)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


# --- features -----------------------------------------------------------------

class _F:
    """Everything the pair scorer needs, computed once per claim."""

    __slots__ = ("i", "cid", "claim", "cls", "lo", "hi", "span", "cnt", "clo", "chi",
                 "stated", "unit", "places", "known", "full", "surnames", "words", "doc", "agg")

    def __init__(self, i: int, cid: str, claim: Claim) -> None:
        self.i, self.cid, self.claim = i, cid, claim
        self.cls = event_class(claim.type)
        d = claim.date
        self.lo = d.earliest.toordinal() if d.earliest else None
        self.hi = d.latest.toordinal() if d.latest else None
        self.span = (self.hi - self.lo + 1) if self.lo is not None and self.hi is not None else 10**9
        c = claim.count
        self.cnt = c
        if c is not None:
            self.clo, self.chi = counts_mod.interval(c)
            self.stated, self.unit = c.best, c.unit
        else:
            self.clo = self.chi = self.stated = self.unit = None
        self.places = frozenset(k for k in (place_key(p) for p in claim.places) if k)
        self.known = all(not k.startswith("name:") for k in self.places)
        keys = [(name_key(v.name), is_surname_only(v.name)) for v in claim.victims if v.name]
        self.full = frozenset(k for k, only in keys if not only and k != "|")
        self.surnames = frozenset(k for k, only in keys if only and k != "|")
        self.words: frozenset[str] = frozenset()
        self.doc = claim.document_sha256
        self.agg = bool(claim.aggregate)


def _words(claim: Claim) -> set[str]:
    text = " ".join(s.text for s in claim.evidence).lower()
    return {w for w in _WORD.findall(text) if w not in _STOP}


def _fmt(c: Count) -> str:
    n = c.best
    return {"exact": f"{n}", "at_least": f"≥{n}", "more_than": f">{n}", "up_to": f"≤{n}",
            "nearly": f"<{n}", "about": f"~{n}",
            "between": f"{c.low}–{c.high}"}.get(c.qualifier, c.text or c.qualifier)


# --- pair scoring -----------------------------------------------------------------

def _hard_apart(a: _F, b: _F) -> bool:
    """Clearly different occurrences: never in one event, whatever else agrees."""
    if a.agg != b.agg:
        return True
    if a.lo is not None and b.hi is not None and a.lo > b.hi:
        return True
    if b.lo is not None and a.hi is not None and b.lo > a.hi:
        return True
    if a.cnt is not None and b.cnt is not None and a.unit == b.unit:
        if a.clo > b.chi or b.clo > a.chi:
            return True
        if a.doc and a.doc == b.doc and a.stated != b.stated:
            return True  # one writer giving two figures means two occurrences
    if a.full and b.full and not (a.full & b.full) and a.stated == 1 and b.stated == 1:
        return True
    return False


def _score(a: _F, b: _F) -> float:
    if _hard_apart(a, b):
        return NEG
    s = 0.0
    if a.agg:
        lo, hi = max(a.lo or 0, b.lo or 0), min(a.hi or 0, b.hi or 0)
        union = max(a.hi or 0, b.hi or 0) - min(a.lo or 0, b.lo or 0) + 1
        if union <= 0 or (hi - lo + 1) / union < 0.8:
            return NEG
        s += 0.3
    else:
        w = max(a.span, b.span)
        s += 0.4 if w <= 1 else 0.3 if w <= 10 else 0.24 if w <= 31 else 0.12 if w <= WIDE_DAYS else 0.05 if w <= 366 else 0.0
    if a.cnt is not None and b.cnt is not None and a.unit == b.unit:
        if a.stated is not None and a.stated == b.stated and a.stated >= 10:
            s += 0.3
        elif min(a.stated or 0, b.stated or 0) >= 10:
            s += 0.2
        else:
            s += 0.05
    if a.places and b.places:
        n = shared_places(a.places, b.places)
        if n:
            s += min(0.3, 0.15 + 0.05 * n)
        else:  # different names: surely apart only when the gazetteer knows both places
            s += -0.4 if a.known and b.known else -0.15
    if a.full and b.full:
        s += 0.4 if a.full & b.full else (-0.2 if a.stated == 1 or b.stated == 1 else 0.0)
    elif (a.surnames | a.full) and (b.surnames | b.full):
        sa = {k.partition("|")[0] for k in a.surnames | a.full}
        sb = {k.partition("|")[0] for k in b.surnames | b.full}
        if sa & sb:
            s += 0.1
    if a.words and b.words:
        s += min(0.15, 0.05 * len(a.words & b.words))
    return s


def explain(a: _F, b: _F) -> str:
    """Reasons for a link, in words an analyst can check."""
    out = []
    if a.agg:
        out.append("same period (aggregate)")
    else:
        w = max(a.span, b.span)
        out.append("same day" if w <= 1 else "within days" if w <= 10 else "same month" if w <= 31
                   else "within months" if w <= WIDE_DAYS else "overlapping dates")
    if a.cnt is not None and b.cnt is not None and a.unit == b.unit:
        out.append(f"{_fmt(a.cnt)} vs {_fmt(b.cnt)} compatible")
    if a.places and b.places:
        n = shared_places(a.places, b.places)
        out.append(f"{n} shared place{'s' if n != 1 else ''}" if n else "no shared place")
    if a.full & b.full:
        out.append(f"{len(a.full & b.full)} shared named victim(s)")
    shared = a.words & b.words
    if shared:
        out.append(f"{len(shared)} shared distinctive word(s)")
    return "; ".join(out)


# --- blocking -----------------------------------------------------------------------

def _month(ordinal: int) -> int:
    d = date.fromordinal(ordinal)
    return d.year * 12 + d.month - 1


def _candidate_pairs(feats: list[_F]) -> Iterable[tuple[_F, _F]]:
    months: dict[tuple[str, int], tuple[dict[int, list[_F]], list[_F]]] = {}
    other: dict[tuple, list[_F]] = defaultdict(list)
    named: dict[tuple[str, str], list[_F]] = defaultdict(list)
    for f in feats:
        for k in f.full:
            named[(f.cls, k)].append(f)
        if f.agg:
            other[("A", f.cls, f.lo and date.fromordinal(f.lo).year, f.hi and date.fromordinal(f.hi).year)].append(f)
        elif f.span <= WIDE_DAYS:
            for m in range(_month(f.lo), _month(f.hi) + 1):
                days, wide = months.setdefault((f.cls, m), ({}, []))
                if f.span == 1:
                    days.setdefault(f.lo, []).append(f)
                else:
                    wide.append(f)
        else:
            other[("B", f.cls, f.lo and date.fromordinal(f.lo).year, f.hi and date.fromordinal(f.hi).year)].append(f)
    for (cls, m), (days, wide) in months.items():
        for group in days.values():
            for x in range(len(group)):
                for y in range(x + 1, len(group)):
                    yield group[x], group[y]
        for x, a in enumerate(wide):
            for group in days.values():
                for b in group:
                    yield a, b
            for b in wide[x + 1:]:
                if m == max(_month(a.lo), _month(b.lo)):  # score each pair in one month only
                    yield a, b
    for group in other.values():
        for x in range(len(group)):
            for y in range(x + 1, len(group)):
                yield group[x], group[y]
    for group in named.values():  # broad claims meet narrow ones through a named victim
        if len(group) > 1 and any(f.span > WIDE_DAYS for f in group):
            for x in range(len(group)):
                for y in range(x + 1, len(group)):
                    if group[x].span > WIDE_DAYS or group[y].span > WIDE_DAYS:
                        yield group[x], group[y]


# --- clustering ------------------------------------------------------------------------

class _Clusters:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))


def _latest_pair_decisions(judgements: Sequence[Judgement]) -> tuple[dict[frozenset, Judgement], set[str]]:
    pairs: dict[frozenset, Judgement] = {}
    rejected: set[str] = set()
    ordered = sorted(judgements, key=lambda j: j.when or datetime.min)
    for j in ordered:
        if j.kind == "reject":
            rejected.update(j.claims)
        elif j.kind in ("accept", "edit"):
            rejected.difference_update(j.claims)
        elif j.kind == "same":
            ids = list(dict.fromkeys([*j.claims, *j.others]))
            for x in range(len(ids)):
                for y in range(x + 1, len(ids)):
                    pairs[frozenset((ids[x], ids[y]))] = j
        elif j.kind == "not_same":
            for a in j.claims:
                for b in j.others:
                    if a != b:
                        pairs[frozenset((a, b))] = j
    return pairs, rejected


def resolve_events(claims: Sequence[Claim] | Mapping[str, Claim],
                   judgements: Iterable[Judgement] = ()) -> list[ResolvedEvent]:
    """Group claims into events; see the module docstring for the method.

    ``claims`` is a sequence (ids from :func:`claim_id`) or a mapping id → claim.
    Claims with ``review_state == "rejected"`` or rejected by a judgement are
    left out. Events come back ordered by their first claim.
    """
    items = list(claims.items()) if isinstance(claims, Mapping) else [(claim_id(c), c) for c in claims]
    judgements = list(judgements)
    decisions, rejected = _latest_pair_decisions(judgements)
    items = [(cid, c) for cid, c in items if c.review_state != "rejected" and cid not in rejected]
    feats = [_F(i, cid, c) for i, (cid, c) in enumerate(items)]
    _add_rare_words(feats)
    by_id = {f.cid: f for f in feats}
    not_same: dict[str, set[str]] = defaultdict(set)
    for pair, j in decisions.items():
        if j.kind == "not_same":
            a, b = tuple(pair)
            not_same[a].add(b)
            not_same[b].add(a)

    clusters = _Clusters(len(feats))
    reasons: dict[int, list[str]] = defaultdict(list)
    applied: dict[int, list[str]] = defaultdict(list)

    def allowed(ra: int, rb: int, machine: bool) -> bool:
        for x in clusters.members[ra]:
            fx = feats[x]
            banned = not_same.get(fx.cid)
            for y in clusters.members[rb]:
                fy = feats[y]
                if banned and fy.cid in banned:
                    return False
                if machine and _hard_apart(fx, fy):
                    return False
        return True

    for pair, j in sorted(decisions.items(), key=lambda kv: kv[1].when or datetime.min):
        if j.kind != "same":
            continue
        a, b = tuple(pair)
        if a not in by_id or b not in by_id:
            continue
        ra, rb = clusters.find(by_id[a].i), clusters.find(by_id[b].i)
        if ra != rb and allowed(ra, rb, machine=False):
            clusters.union(ra, rb)
            root = clusters.find(ra)
            applied[root].append(j.id or f"{j.kind} by {j.who}")

    links = []
    for a, b in _candidate_pairs(feats):
        s = _score(a, b)
        if s >= THRESHOLD:
            links.append((s, a.i, b.i))
    links.sort(key=lambda t: (-t[0], t[1], t[2]))
    for s, i, k in links:
        ri, rk = clusters.find(i), clusters.find(k)
        if ri == rk or not allowed(ri, rk, machine=True):
            continue
        carried = reasons.pop(ri, []) + reasons.pop(rk, [])
        moved = applied.pop(ri, []) + applied.pop(rk, [])
        clusters.union(ri, rk)
        root = clusters.find(ri)
        reasons[root] = carried + [f"{feats[i].cid} ~ {feats[k].cid}: {explain(feats[i], feats[k])} (score {s:.2f})"]
        applied[root] = moved

    events = [_build(sorted(members), feats, reasons.get(root, []), applied.get(root, []))
              for root, members in clusters.members.items()]
    events.sort(key=lambda e: by_id[e.claim_ids[0]].i)
    _link_coverage(events)
    return events


def _add_rare_words(feats: list[_F]) -> None:
    bags = [_words(f.claim) for f in feats]
    df = Counter(w for bag in bags for w in bag)
    limit = max(3, len(feats) // 1000)
    for f, bag in zip(feats, bags):
        f.words = frozenset(w for w in bag if df[w] <= limit)


def _build(members: list[int], feats: list[_F], reasons: list[str], applied: list[str]) -> ResolvedEvent:
    group = [feats[i] for i in members]
    claims = [f.claim for f in group]
    types = Counter(c.type for c in claims)
    etype = min(types, key=lambda t: (-types[t], [c.type for c in claims].index(t)))
    places: dict[str, PlaceRef] = {}
    for c in claims:
        for p in c.places:
            places.setdefault(place_key(p) or f"text:{p.name}", p)
    victims: dict[str, str] = {}
    for c in claims:
        for v in c.victims:
            if v.name:
                victims.setdefault(name_key(v.name), v.name)
    date_ = reconcile_dates(c.date for c in claims)
    count = reconcile_counts(claims)
    flags = (["dates_disagree"] if date_.disagree else []) + (["count_conflict"] if count.conflict else [])
    return ResolvedEvent(
        id=f"ev-{group[0].cid}", type=etype, event_class=group[0].cls, date=date_,
        places=list(places.values()), count=count, claim_ids=[f.cid for f in group],
        documents=list(dict.fromkeys(c.document_sha256 for c in claims if c.document_sha256)),
        sources=list(dict.fromkeys(s for c in claims for s in c.sources)),
        victims=list(victims.values()), aggregate=group[0].agg, reasons=reasons,
        judgements=list(dict.fromkeys(applied)), flags=flags)


def _link_coverage(events: list[ResolvedEvent]) -> None:
    """An aggregate covers each incident event of its class dated inside its period."""
    incidents: dict[str, list[tuple[int, int, ResolvedEvent]]] = defaultdict(list)
    for e in events:
        if not e.aggregate and e.date.earliest and e.date.latest:
            incidents[e.event_class].append((e.date.earliest.toordinal(), e.date.latest.toordinal(), e))
    for rows in incidents.values():
        rows.sort(key=lambda r: r[0])
    starts = {cls: [r[0] for r in rows] for cls, rows in incidents.items()}
    for agg in events:
        if not agg.aggregate or not agg.date.earliest or not agg.date.latest:
            continue
        lo, hi = agg.date.earliest.toordinal(), agg.date.latest.toordinal()
        rows = incidents.get(agg.event_class, [])
        first = bisect.bisect_left(starts.get(agg.event_class, []), lo)
        for start, end, inc in rows[first:]:
            if start > hi:
                break
            if end <= hi:
                agg.covers.append(inc.id)
                inc.covered_by.append(agg.id)


def event_to_dict(event: ResolvedEvent) -> dict[str, Any]:
    """JSON-ready form of an event (used by the CLI and the store)."""
    from refwatch.model.records import to_dict

    out = to_dict(event)
    out["count"]["conflict"] = event.count.conflict
    return out
