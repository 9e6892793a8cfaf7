"""Event assembly: turn the annotations of one document into claims.

Needs: ``doc._.sentences``, ``doc._.places``, ``doc._.dates``, ``doc._.counts``,
``doc._.shares``, ``doc._.triggers``, ``doc._.victims``, ``doc._.sources``,
``doc._.published``. Adds: ``doc._.events`` (list of ``Claim``).

The rules, in the order they apply:

1. One candidate per sentence and event class among its unblocked triggers
   ("caught and detained" is one arrest). A sentence that pairs several dates
   with several counts ("in August (with 80), September (with 40)") gives one
   candidate per pair. A sentence with a total but no trigger ("recorded 51
   instances ... at least 92 persons") continues the event type of the
   trigger just before it and is flagged aggregate.
2. Each candidate takes the parts nearest to it: the date in its sentence
   (dates that name a report — "a May 14 announcement" — or sit behind a
   reporting verb — "reported on April 29 that ..." — are weak: the event
   happened by then); else the frame date of the previous sentences when the
   sentence continues them ("They were ...", "While ..."); else the date of
   the next sentence when that one has no event of its own; a present state
   ("currently held") is dated to publication. Counts are counts of people or
   cases, nearest first; "X, his wife and his three children" sums to five;
   "X, along with about 10 others" is about eleven; a named person alone
   counts one. Places come from the sentence, else its neighbours.
3. Candidates that agree (same class, overlapping dates, counts that can be
   the same figure, no conflicting named victims) merge into one event; the
   body's figure beats the headline's, digits beat words, the first statement
   beats later ones; the most specific date within a month refines a broader
   one. Mentions too thin to stand alone ("forced repatriations", undated and
   uncounted) join the main event of their class or are dropped.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from spacy.language import Language
from spacy.tokens import Doc

from refwatch.model.records import Claim, Count, DateRange, PlaceRef, Span, Victim
from refwatch.model.vocab import event_class, load

__all__ = ["assemble_events", "events_component", "EXTRACTOR"]

EXTRACTOR = "refwatch-extract/0.1"
_CUSTODYISH = {"custody", "repatriation", "transfer"}


# --- small records ------------------------------------------------------------

@dataclass(slots=True)
class _Date:
    start: int
    end: int
    text: str
    earliest: date | None
    latest: date | None
    sentence: int
    state: bool = False
    names_report: bool = False


@dataclass(slots=True)
class _Cand:
    etype: str
    sentence: int
    pos: int
    headline: bool
    date: _Date | None = None
    date_strength: str | None = None  # same, frame, next, state, weak
    count: Count | None = None
    count_kind: str | None = None  # stated, vague, implicit
    count_digits: bool = False
    places: list[PlaceRef] = field(default_factory=list)
    victims: list[tuple[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    share: float | None = None
    aggregate: bool = False
    evidence: list[tuple[int, int]] = field(default_factory=list)
    span: tuple[int, int] | None = None  # the clause of a sentence that holds two events of one class

    @property
    def informative(self) -> bool:
        return self.date is not None or self.count is not None or bool(self.victims)


@dataclass(slots=True)
class _Event:
    cls: str
    members: list[_Cand] = field(default_factory=list)

    def best_count(self) -> _Cand | None:
        with_count = [c for c in self.members if c.count is not None]
        if not with_count:
            return None
        return max(with_count, key=_count_rank)

    def best_date(self) -> tuple[_Date | None, str | None]:
        dated = [c for c in self.members if c.date is not None]
        if not dated:
            return None, None
        strong = [c for c in dated if c.date_strength != "weak"] or dated
        counted = self.best_count()
        base = counted if counted is not None and counted in strong else strong[0]
        if base.date is None:
            base = strong[0]
        cur = base.date
        assert cur is not None
        for c in strong:
            d = c.date
            if d is None or d.earliest is None or d.latest is None or cur.earliest is None or cur.latest is None:
                continue
            if cur.earliest <= d.earliest and d.latest <= cur.latest and (d.latest - d.earliest).days <= 31 \
                    and (d.latest - d.earliest) < (cur.latest - cur.earliest):
                cur = d
        return cur, base.date_strength


def _count_rank(c: _Cand) -> tuple[int, int, int, int, int]:
    return (int(not c.headline), int(c.count_kind == "stated"), int(c.count_kind != "implicit"),
            int(c.count_digits), -c.pos)


# --- lexicon -----------------------------------------------------------------

@dataclass(frozen=True)
class _Lex:
    report_verbs: re.Pattern[str]
    report_noun_after: re.Pattern[str]
    aggregate: re.Pattern[str]
    frame_start: re.Pattern[str]
    person_np: re.Pattern[str]
    singular_subject: re.Pattern[str]
    reflexive: re.Pattern[str]
    relative_before: re.Pattern[str]


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    lex = load("triggers")
    nouns = "|".join(sorted((re.escape(n) for n in lex["person_nouns"]), key=len, reverse=True))
    return _Lex(
        report_verbs=re.compile(r"\b" + lex["report_verbs"] + r"\b", re.IGNORECASE),
        report_noun_after=re.compile(r"^[’']?s?\s+(?:[\w-]+\s+){0,2}?" + lex["report_nouns"] + r"\b", re.IGNORECASE),
        aggregate=re.compile(lex["aggregate_markers"], re.IGNORECASE),
        frame_start=re.compile(r"^\W*(?:" + "|".join(lex["frame_starters"]) + r")\b", re.IGNORECASE),
        person_np=re.compile(rf"\b(?:the|his|her|their|an?|one)\s+(?:[\w-]+\s+){{0,2}}?(?:{nouns})$", re.IGNORECASE),
        singular_subject=re.compile(lex["singular_subject"], re.IGNORECASE),
        reflexive=re.compile(lex["reflexive_singular"], re.IGNORECASE),
        relative_before=re.compile(lex["relative_time_before"], re.IGNORECASE),
    )


_RELATIVE_RE = re.compile(r"\b(?P<n>a|an|one|two|three|four|five|six|\d+)\s+(?P<unit>day|week|month|year)s?\s+"
                          r"(?P<dir>earlier|before|later|after|prior)\b", re.IGNORECASE)
_SAME_YEAR_RE = re.compile(r"\b(?:that|the)\s+(?:same\s+)?year\b", re.IGNORECASE)
_MONTHS = {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                             "nov", "dec"])}
_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_AUX_TAIL = re.compile(r"\s+(?:were|was|had|have|has|been|being|all|both|reportedly|later|then|also)$", re.IGNORECASE)
_PARTITIVE = re.compile(r"^\s+of\s+(?:the|these|those|them|whom)\b", re.IGNORECASE)
_HEADLESS_OK = re.compile(r"^\s+(?:were|was|are|have|had|of\s+them)\b", re.IGNORECASE)
# A number that names a group of people without a noun: "a defector family of five", "the seven, five women ...".
_GROUP_OF = re.compile(r"\b(?:family|group|party|household)\s+of\s+$", re.IGNORECASE)
_THE_BEFORE = re.compile(r"\b(?:the|all|these|those)\s+$", re.IGNORECASE)
_APPOSITION_AFTER = re.compile(r"^\s*[,—–]", re.IGNORECASE)
_INCLUDING = re.compile(r"\b(?:including|among\s+them|among\s+whom|of\s+whom)\b", re.IGNORECASE)
_CONTINUATION = re.compile(r"^\W*(?:these|those|they)\s+(?:include|included|were|are)\b", re.IGNORECASE)
_SINGULAR_NP = re.compile(
    r"\b(?:she|he)\b|"
    r"\b(?:a|an|one|the|another|this|that|my|his|her|our|their)\s+(?:[\w’'-]+\s+){0,3}?(?:woman|man|boy|girl|teenager|mother|father|"
    r"wife|husband|grandmother|grandfather|defector|escapee|refugee|soldier|student|worker|trader|daughter|son|"
    r"sister|brother|member|person|child|toddler|baby)\b(?!\s*(?:and|,\s*(?:his|her|their)))",
    re.IGNORECASE)
_PLURAL_NP = re.compile(r"\b(?:they|both|families|women|men|people|children|others|group|couple|family|all)\b",
                        re.IGNORECASE)
_SINGULAR_OBJECT = re.compile(r"\b(?:her|him)\b(?!\s+(?:family|families|husband|wife|children|son|daughter|"
                              r"relatives|parents))", re.IGNORECASE)
_WOMEN = re.compile(r"\b(?:women|female|females|girls)\b", re.IGNORECASE)


# --- helpers -----------------------------------------------------------------

def _headless_people(text: str, c) -> bool:
    """A count with no noun that still counts people ("five were held", "a family of five", "the seven,")."""
    before = text[max(0, c.start - 20):c.start]
    after = text[c.end:c.end + 12]
    if _HEADLESS_OK.match(after) or _GROUP_OF.search(before):
        return True
    return bool(_THE_BEFORE.search(before) and _APPOSITION_AFTER.match(after))


def _month_range(y: int, m: int) -> tuple[date, date]:
    first = date(y, m, 1)
    return first, first + relativedelta(months=1) - timedelta(days=1)


def _resolve_anaphora(dates: list[_Date], text: str) -> None:
    """Resolve "December that same year" and "a month earlier" against the dates before them."""
    for i, d in enumerate(dates):
        if d.earliest is not None or d.latest is not None:
            continue
        prior = [p for p in dates[:i] if p.earliest is not None and p.latest is not None]
        if not prior:
            continue
        anchor = prior[-1]
        rel = _RELATIVE_RE.search(d.text)
        if rel:
            g = rel.group("n").lower()
            n = _NUM[g] if g in _NUM else int(g)
            sign = -1 if rel.group("dir").lower() in ("earlier", "before", "prior") else 1
            unit = rel.group("unit").lower()
            assert anchor.earliest is not None and anchor.latest is not None
            if unit == "month":
                ref = anchor.earliest + relativedelta(months=sign * n)
                d.earliest, d.latest = _month_range(ref.year, ref.month)
            elif unit == "year":
                y = anchor.earliest.year + sign * n
                d.earliest, d.latest = date(y, 1, 1), date(y, 12, 31)
            else:
                delta = timedelta(days=n * (7 if unit == "week" else 1))
                d.earliest, d.latest = anchor.earliest + sign * delta, anchor.latest + sign * delta
            continue
        if _SAME_YEAR_RE.search(d.text):
            assert anchor.earliest is not None
            month = next((v for k, v in _MONTHS.items() if re.search(rf"\b{k}", d.text, re.IGNORECASE)), None)
            y = anchor.earliest.year
            if month:
                d.earliest, d.latest = _month_range(y, month)
            else:
                d.earliest, d.latest = date(y, 1, 1), date(y, 12, 31)


def _range_of(c: Count) -> tuple[float, float]:
    best = c.best
    if c.qualifier == "between":
        return float(c.low or 0), float(c.high if c.high is not None else 1e12)
    if best is None:
        return float(c.low or 0), float("inf")
    if c.qualifier == "exact":
        return best, best
    if c.qualifier == "at_least":
        return best, float("inf")
    if c.qualifier == "more_than":
        return best + 1, float("inf")
    if c.qualifier in ("up_to", "nearly"):
        return 0.0, best
    return best * 0.6, best * 1.5  # about


def _counts_compatible(a: _Cand, b: _Cand) -> bool:
    if a.count is None or b.count is None or "vague" in (a.count_kind, b.count_kind) \
            or "implicit" in (a.count_kind, b.count_kind):
        return True
    if a.count.unit != b.count.unit or 1 in (a.count.best, b.count.best):
        return True
    lo1, hi1 = _range_of(a.count)
    lo2, hi2 = _range_of(b.count)
    return lo1 <= hi2 and lo2 <= hi1


def _dates_compatible(a: _Date | None, sa: str | None, b: _Date | None, sb: str | None) -> bool:
    if a is None or b is None:
        return True
    lo1, hi1 = a.earliest or date.min, a.latest or date.max
    lo2, hi2 = b.earliest or date.min, b.latest or date.max
    if (sa == "weak") != (sb == "weak"):
        weak_lo, weak_hi, lo, hi = (lo1, hi1, lo2, hi2) if sa == "weak" else (lo2, hi2, lo1, hi1)
        return lo <= weak_hi and hi >= weak_lo - timedelta(days=62)
    return lo1 <= hi2 and lo2 <= hi1


# --- assembly ----------------------------------------------------------------

def assemble_events(text: str, published: date | None, sentences: list, places: list, dates: list, counts: list,
                    shares: list, triggers: list, victims: list, sources: list, main_source: str | None) -> list[Claim]:
    """Claims of one document from its annotations (see the module docstring)."""
    if not sentences:
        return []
    lex = _lex()
    starts = [s.start for s in sentences]

    def sent_of(pos: int) -> int:
        i = bisect.bisect_right(starts, pos) - 1
        return i if i >= 0 and pos < sentences[i].end else -1

    n = len(sentences)
    by_sent: dict[str, list[list]] = {k: [[] for _ in range(n)] for k in
                                      ("dates", "counts", "places", "victims", "sources", "triggers", "shares")}
    # Dates ------------------------------------------------------------------
    all_dates: list[_Date] = []
    for d in dates:
        si = sent_of(d.start)
        if si < 0 or sentences[si].skip:
            continue
        rng = d.range
        nd = _Date(d.start, d.end, d.text, rng.earliest, rng.latest, si, bool(d.is_publication_state))
        nd.names_report = bool(lex.report_noun_after.match(text[d.end:d.end + 40]))
        all_dates.append(nd)
    _resolve_anaphora(all_dates, text)
    for d in all_dates:
        if d.earliest is not None and d.latest is not None and d.earliest <= d.latest and not d.names_report:
            by_sent["dates"][d.sentence].append(d)
    for c in counts:
        si = sent_of(c.start)
        if si < 0 or sentences[si].skip:
            continue
        if c.refers_to not in ("persons", "cases") and not _GROUP_OF.search(text[max(0, c.start - 20):c.start]) \
                and not (c.head is None and _headless_people(text, c)):
            continue
        if _PARTITIVE.match(text[c.end:c.end + 12]):
            continue
        by_sent["counts"][si].append(c)
    for p in places:
        si = sent_of(p.start)
        if _not_a_scene(text, p, sentences[si].start if si >= 0 else 0):
            continue
        if si >= 0 and not sentences[si].skip:
            by_sent["places"][si].append(p)
    for v in victims:
        if 0 <= v.sentence < n:
            by_sent["victims"][v.sentence].append(v)
    source_people = {s.name.lower() for s in sources if s.kind == "person"}
    for s in sources:
        if 0 <= s.sentence < n and s.attributed:
            by_sent["sources"][s.sentence].append(s)
    for t in triggers:
        by_sent["triggers"][t.sentence].append(t)
    for sh in shares:
        si = sent_of(sh.start)
        if si >= 0 and sh.of and _WOMEN.search(sh.of):
            by_sent["shares"][si].append(sh)

    def unblocked(si: int) -> list:
        return [t for t in by_sent["triggers"][si] if not t.blocked] if 0 <= si < n else []

    def same_block(a: int, b: int) -> bool:
        return 0 <= b < n and sentences[a].block == sentences[b].block and not sentences[b].skip

    # Candidates -------------------------------------------------------------
    cands: list[_Cand] = []
    last_trigger_type: dict[int, str] = {}
    for si, sent in enumerate(sentences):
        if sent.skip:
            continue
        trigs = unblocked(si)
        classes: dict[str, list] = {}
        for t in trigs:
            classes.setdefault(event_class(t.type), []).append(t)
        if "disappearance" in classes and classes.keys() & _CUSTODYISH:
            del classes["disappearance"]
        if "transfer" in classes and "repatriation" in classes:
            del classes["transfer"]
        if trigs:
            last_trigger_type[si] = trigs[-1].type
        if not classes:
            agg = _aggregate_candidate(si, sent, text, by_sent, last_trigger_type, sentences, lex)
            if agg is not None:
                cands.append(agg)
            continue
        owners = _date_owners(by_sent["dates"][si], by_sent["triggers"][si])
        for cls, all_ts in classes.items():
            main = all_ts[0]
            etype = next((t.type for t in all_ts if t.type == "arrest"), main.type)
            pairs = _date_count_pairs(by_sent["dates"][si], by_sent["counts"][si]) if len(classes) == 1 else []
            if pairs:
                for d, c in pairs:
                    cand = _Cand(etype, si, d.start, sent.headline, date=d, date_strength="same")
                    _set_count(cand, c, text)
                    cands.append(cand)
                continue
            groups = _clause_groups(all_ts, owners, text, sent)
            for ts, span in groups:
                main = ts[0]
                etype = next((t.type for t in ts if t.type == "arrest"), main.type)
                cand = _Cand(etype, si, main.start, sent.headline, span=span)
                _attach_count(cand, main, si, sent, text, by_sent, lex)
                _attach_date(cand, main, ts, si, sent, text, by_sent, sentences, published, lex, unblocked,
                             same_block, owners)
                if _participial_detention(cand, ts, classes, owners):
                    continue
                if cand.count is None:
                    _singular_count(cand, main, ts, sent, text, by_sent["triggers"][si], lex)
                cands.append(cand)
    # Shared parts: places, victims, sources, shares, evidence -----------------
    for cand in cands:
        si = cand.sentence
        sent = sentences[si]
        cand.evidence.append((sent.start, sent.end))
        names = [(v.name, v.text) for v in by_sent["victims"][si]
                 if not any(v.name.lower() in p or p in v.name.lower() for p in source_people)]
        seen_names: set[str] = set()
        for nm, tx in names:
            if nm not in seen_names:
                seen_names.add(nm)
                cand.victims.append((nm, tx))
        if not cand.victims and cand.count is not None and cand.count.best == 1 \
                and _PRONOUN.fullmatch(cand.count.text or ""):
            prior = [v for v in victims if v.sentence < si and si - v.sentence <= _PRONOUN_REACH]
            if prior:
                cand.victims.append((prior[-1].name, cand.count.text))
        if cand.count is None:
            _implicit_count(cand, si, text, sent, by_sent, lex)
        cand.places = _attach_places(cand, si, by_sent, sentences, text, unblocked, same_block, victims)
        if event_class(cand.etype) == "repatriation" and not sent.headline \
                and not any(p.kind == "crossing" for p in cand.places):
            cand.places = cand.places + _crossings_after(si, by_sent, sentences, unblocked)
        srcs = [s.name for s in by_sent["sources"][si]]
        if not srcs:
            for back in (si - 1, si - 2, si + 1):
                if same_block(si, back):
                    srcs = [s.name for s in by_sent["sources"][back] if s.kind != "reference" or True]
                    if srcs:
                        break
        if not srcs and main_source:
            srcs = [main_source]
        cand.sources = list(dict.fromkeys(srcs))
        shs = by_sent["shares"][si] or (by_sent["shares"][si + 1] if si + 1 < n and same_block(si, si + 1)
                                        and not unblocked(si + 1) else [])
        if shs:
            cand.share = shs[0].share
    # Merge ----------------------------------------------------------------
    events: list[_Event] = []
    for cand in cands:
        if not cand.informative:
            continue
        cls = event_class(cand.etype)
        best: tuple[float, _Event] | None = None
        for ev in events:
            if ev.cls != cls:
                continue
            d, s = ev.best_date()
            if not _dates_compatible(d, s, cand.date, cand.date_strength):
                continue
            bc = ev.best_count()
            if bc is not None and not _counts_compatible(bc, cand):
                continue
            ev_names = {v[0] for m in ev.members for v in m.victims}
            cand_names = {v[0] for v in cand.victims}
            if ev_names and cand_names and not ev_names & cand_names:
                continue
            score = len(ev.members) / 100.0
            if bc is not None and cand.count is not None and bc.count is not None and bc.count.best == cand.count.best:
                score += 2
            if d is not None and cand.date is not None:
                score += 1
            if ev_names & cand_names:
                score += 1
            if best is None or score > best[0]:
                best = (score, ev)
        if best is None:
            events.append(_Event(cls, [cand]))
        else:
            best[1].members.append(cand)
    for cand in cands:
        if cand.informative:
            continue
        cls = event_class(cand.etype)
        same = [ev for ev in events if ev.cls == cls]
        if same:
            max(same, key=lambda ev: len(ev.members)).members.append(cand)
    return [_to_claim(ev, text, published) for ev in sorted(events, key=lambda e: e.members[0].pos)]


def _aggregate_candidate(si: int, sent, text: str, by_sent, last_trigger_type: dict[int, str], sentences,
                         lex: _Lex) -> _Cand | None:
    counts = by_sent["counts"][si]
    if not counts or sent.headline or not lex.aggregate.search(text[sent.start:sent.end]):
        return None
    etype = None
    for back in (si - 1, si - 2):
        if back >= 0 and sentences[back].block == sent.block and back in last_trigger_type:
            etype = last_trigger_type[back]
            break
    if etype is None:
        return None
    cand = _Cand(etype, si, counts[0].start, False, aggregate=True)
    dates = by_sent["dates"][si]
    if dates:
        cand.date, cand.date_strength = dates[0], "same"
    persons = [c for c in counts if c.count.unit == "persons" and not _after_including(c, sent, text)]
    _set_count(cand, (persons or counts)[0], text)
    return cand


_SCENE_EXCLUDED_AFTER = re.compile(r"^-based\b|^[’']s\s+(?:foreign|unification|government|ministry)", re.IGNORECASE)
_DATELINE = re.compile(r"^\W*[A-Z][A-Z .'-]+,\s")


def _not_a_scene(text: str, p, sent_start: int) -> bool:
    """Places that say where a writer or an institution sits, not where anything happened.

    A dateline ("SEOUL, Oct. 12 —") and "a Seoul-based group" locate the
    writer; they are not where people were arrested or sent back.
    """
    if _SCENE_EXCLUDED_AFTER.match(text[p.end:p.end + 20]):
        return True
    return p.start - sent_start < 25 and bool(_DATELINE.match(text[sent_start:p.end + 2]))


def _participial_detention(cand: _Cand, ts: list, classes: dict, owners: dict[int, object]) -> bool:
    """"North Koreans held in Chinese detention were forcibly returned": the detention only describes them."""
    if len(classes) < 2 or any(t.type != "detention" or t.state or not t.text.lower().startswith("held") for t in ts):
        return False
    mine = {id(t) for t in ts}
    return not any(id(o) in mine for o in owners.values()) and cand.date is None


def _date_owners(dates: list[_Date], triggers: list) -> dict[int, object]:
    """Which trigger of the sentence each date belongs to (keyed by the date's start).

    English puts the time after its verb ("were caught in Tumen in May, and a
    man was detained in Hunchun in June"), so a date belongs to the last
    trigger before it; a date before every trigger ("On Monday, police ...")
    belongs to the first one.
    """
    if not triggers:
        return {}
    ordered = sorted(triggers, key=lambda t: t.start)
    out: dict[int, object] = {}
    for d in dates:
        owner = ordered[0]
        for t in ordered:
            if t.end <= d.start:
                owner = t
            else:
                break
        out[d.start] = owner
    return out


_CLAUSE_BREAK = re.compile(r"(?:,\s*(?:and|while|but|whereas)\b|;|\band\s+(?:a|an|another|one|two|three|four|five|"
                           r"six|seven|eight|nine|ten|\d+)\b)", re.IGNORECASE)


def _clause_groups(ts: list, owners: dict[int, object], text: str, sent) -> list[tuple[list, tuple[int, int] | None]]:
    """Split triggers of one class into clauses when each clause has its own date.

    "Two women were caught in Tumen in May, and a man was detained in Hunchun
    in June" holds two arrests; "caught and detained in May" holds one.
    """
    if len(ts) < 2:
        return [(ts, None)]
    owned = {id(t) for t in owners.values()}
    groups: list[list] = [[ts[0]]]
    for prev, t in zip(ts, ts[1:]):
        between = text[prev.end:t.start]
        if id(t) in owned and any(id(x) in owned for x in groups[-1]) and _CLAUSE_BREAK.search(between):
            groups.append([t])
        else:
            groups[-1].append(t)
    if len(groups) == 1:
        return [(ts, None)]
    out = []
    for i, g in enumerate(groups):
        lo = sent.start if i == 0 else groups[i - 1][-1].end
        hi = groups[i + 1][0].start if i + 1 < len(groups) else sent.end
        out.append((g, (lo, hi)))
    return out


def _singular_count(cand: _Cand, main, ts: list, sent, text: str, all_triggers: list, lex: _Lex) -> None:
    """One person when the clause's subject or object is one person ("a 17-year-old boy was caught", "took her")."""
    prev_end = max((t.end for t in all_triggers if t.end <= main.start), default=sent.start)
    lo = cand.span[0] if cand.span else max(sent.start, prev_end)
    subject = text[lo:main.start]
    tail = text[main.start:min(sent.end, main.end + 12)]
    if _PLURAL_NP.search(subject):
        return
    m = _SINGULAR_NP.search(subject) or _SINGULAR_OBJECT.search(tail)
    if m is None:
        return
    cand.count = Count(best=1, qualifier="exact", low=1, high=1, unit="persons", text=m.group(0).strip())
    cand.count_kind = "implicit"


#: How many sentences back "she" / "he" may point to a named person.
_PRONOUN_REACH = 6
_PRONOUN = re.compile(r"(?:she|he|her|him)", re.IGNORECASE)


def _crossings_after(si: int, by_sent, sentences, unblocked) -> list[PlaceRef]:
    """Crossings named just after a return ("... crossed at several points, including Dandong to Sinuiju").

    Wire stories give the event in one paragraph and the route in the next;
    the route sentence has no event of its own. Up to two sentences ahead.
    """
    for nxt in (si + 1, si + 2):
        if nxt >= len(sentences) or sentences[nxt].skip or sentences[nxt].headline or unblocked(nxt):
            return []
        found = [p.ref for p in by_sent["places"][nxt] if p.ref.kind == "crossing" or
                 (p.ref.country == "KP" and p.ref.kind != "country")]
        if found:
            return found
    return []


def _after_including(c, sent, text: str) -> bool:
    return bool(_INCLUDING.search(text[sent.start:c.start]))


def _date_count_pairs(dates: list[_Date], counts: list) -> list[tuple[_Date, object]]:
    """Dates each followed by their own count: "August (with 80), September (with 40)"."""
    strong = [d for d in dates if not d.state]
    if len(strong) < 2 or len(counts) < len(strong):
        return []
    pairs = []
    for i, d in enumerate(strong):
        nxt = strong[i + 1].start if i + 1 < len(strong) else 10 ** 12
        own = [c for c in counts if d.end <= c.start < nxt and c.start - d.end <= 60]
        if not own:
            return []
        pairs.append((d, own[0]))
    return pairs


def _set_count(cand: _Cand, c, text: str) -> None:
    count = c.count
    before = text[max(0, c.start - 15):c.start]
    after = text[c.end:c.end + 60]
    if re.search(r"along\s+with\s+$|together\s+with\s+$", before, re.IGNORECASE) and \
            re.match(r"^\s+other\b|^\s+(?:[\w-]+\s+){0,3}?others\b", after, re.IGNORECASE) and count.best is not None:
        from refwatch.extract.counts import make_count

        count = make_count(count.best + 1, count.qualifier, unit=count.unit, text=count.text)
    cand.count = count
    cand.count_kind = "vague" if count.best is None and count.qualifier == "vague" else "stated"
    cand.count_digits = any(ch.isdigit() for ch in c.text)
    if count.unit == "cases":
        cand.aggregate = True


def _attach_count(cand: _Cand, main, si: int, sent, text: str, by_sent, lex: _Lex) -> None:
    lo = cand.span[0] if cand.span else sent.start
    summed = _list_sum(text[lo:main.start], by_sent["counts"][si], lo, lex)
    if summed is not None:
        cand.count, cand.count_kind, cand.count_digits = summed, "stated", False
        return
    counts = [c for c in by_sent["counts"][si]
              if not (_after_including(c, sent, text) and len(by_sent["counts"][si]) > 1)]
    if not counts:
        return
    persons = [c for c in counts if c.count.unit == "persons"]
    if persons and len(persons) < len(counts) and lex.aggregate.search(text[sent.start:sent.end]):
        counts = persons
    stated = [c for c in counts if c.count.best is not None or c.count.qualifier == "between"] or counts
    if cand.span is not None:
        stated = [c for c in stated if cand.span[0] <= c.start < cand.span[1]]
        if not stated:
            return
    # The subject comes first: "a family of five — a couple, their two daughters ... — was caught".
    before = [c for c in stated if c.end <= main.start and not re.search(r"[.;]", text[c.end:main.start])]
    if before:
        _set_count(cand, before[0], text)
        return

    def dist(c) -> int:
        return main.start - c.end if c.end <= main.start else c.start - main.end

    _set_count(cand, min(stated, key=dist), text)


def _list_sum(pre: str, counts: list, offset: int, lex: _Lex) -> Count | None:
    """"the official, his wife, and his three children" -> 5 (None unless ≥2 parts)."""
    pre = _AUX_TAIL.sub("", pre.rstrip())
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", pre)
    total, used, pos = 0, 0, len(pre)
    for part in reversed(parts):
        p = part.strip()
        pos = pre.rfind(part, 0, pos)
        start_abs = offset + pos
        in_part = [c for c in counts if start_abs <= c.start < start_abs + len(part) and c.count.best is not None]
        if in_part and in_part[0].count.qualifier == "exact":
            total += in_part[0].count.best
        elif lex.person_np.search(p):
            total += 1
        else:
            break
        used += 1
    if used < 2:
        return None
    return Count(best=total, qualifier="exact", low=total, high=total, unit="persons", text=pre[pos:].strip()[:80])


def _implicit_count(cand: _Cand, si: int, text: str, sent, by_sent, lex: _Lex) -> None:
    s_text = text[sent.start:sent.end]
    if cand.victims:
        k = len(cand.victims)
        cand.count = Count(best=k, qualifier="exact", low=k, high=k, unit="persons",
                           text=", ".join(v[1] for v in cand.victims))
        cand.count_kind = "implicit"
    elif lex.reflexive.search(s_text) and cand.etype == "death":
        m = lex.reflexive.search(s_text)
        assert m is not None
        cand.count = Count(best=1, qualifier="exact", low=1, high=1, unit="persons", text=m.group(0))
        cand.count_kind = "implicit"


def _attach_date(cand: _Cand, main, ts: list, si: int, sent, text: str, by_sent, sentences, published,
                 lex: _Lex, unblocked, same_block, owners: dict[int, object] | None = None) -> None:
    dates = by_sent["dates"][si]
    if owners:
        mine = {id(t) for t in ts}
        own = [d for d in dates if id(owners.get(d.start)) in mine]
        dates = own if own or cand.span is not None else [d for d in dates if d.state]
    strong, weak = [], []
    for d in dates:
        lo, hi = sorted((d.end, main.start)) if d.end <= main.start else sorted((main.end, d.start))
        (weak if lex.report_verbs.search(text[lo:hi]) else strong).append(d)
    if strong:
        cand.date = min(strong, key=lambda d: abs(d.start - main.start))
        cand.date_strength = "state" if cand.date.state else "same"
        return
    if any(t.state for t in ts) and published is not None:
        cand.date = _Date(main.start, main.end, "", published, published, si, True)
        cand.date_strength = "state"
        return
    s_text = text[sent.start:sent.end]
    relative = bool(lex.relative_before.search(text[max(sent.start, main.start - 30):main.start])) \
        or all(t.pluperfect for t in ts)
    if not sent.headline and not relative:
        for back in (si - 1, si - 2):
            if not same_block(si, back) or (back == si - 2 and not lex.frame_start.match(s_text)):
                break
            prior = [d for d in by_sent["dates"][back] if not d.state]
            if prior:
                cand.date, cand.date_strength = prior[-1], "frame"
                return
    if not sent.headline and not relative and (cand.count is not None or by_sent["victims"][si]) \
            and same_block(si, si + 1) and not unblocked(si + 1) and not sentences[si + 1].headline:
        nxt = [d for d in by_sent["dates"][si + 1] if not d.state]
        if nxt:
            cand.date, cand.date_strength = nxt[0], "next"
            return
    if weak:
        cand.date, cand.date_strength = weak[-1], "weak"


def _attach_places(cand: _Cand, si: int, by_sent, sentences, text: str, unblocked, same_block,
                   victims: list) -> list[PlaceRef]:
    countries_ok = cand.etype in ("release", "escape")

    def usable(ps: list) -> list:
        return [p for p in ps if p.ref.kind != "country" or (countries_ok and p.ref.country not in ("CN", "KP"))]

    found = usable(by_sent["places"][si])
    if not found:
        for other in (si - 1, si + 1):
            if same_block(si, other) and not (other > si and unblocked(other)):
                found = usable(by_sent["places"][other])
                if found:
                    break
    nxt = si + 1
    if same_block(si, nxt) and not unblocked(nxt):
        if _CONTINUATION.match(text[sentences[nxt].start:sentences[nxt].end]):
            found = found + usable(by_sent["places"][nxt])
    if event_class(cand.etype) == "repatriation" and same_block(si, nxt):
        found = found + [p for p in usable(by_sent["places"][nxt]) if p.ref.country == "KP"]
    if not found and cand.victims:
        names = {v[0] for v in cand.victims}
        seen = [v.sentence for v in victims if v.name in names and v.sentence < si]
        for s in reversed(seen):
            ps = usable(by_sent["places"][s])
            if ps:
                found = ps
                break
    out, keys = [], set()
    for p in found:
        if p.ref.name not in keys:
            keys.add(p.ref.name)
            out.append(p.ref)
    return out


def _confidence(ev: _Event, has_date: bool, strength: str | None, cnt: _Cand | None, places: int, srcs: int) -> float:
    score = 0.3 + 0.15 * has_date + 0.15 * (cnt is not None) + 0.1 * (places > 0) + 0.1 * (srcs > 0)
    score += 0.1 * (len(ev.members) > 1) + 0.05 * any(m.victims for m in ev.members)
    if strength in ("weak", "next", "frame"):
        score -= 0.05
    if cnt is not None and cnt.count_kind == "vague":
        score -= 0.05
    return round(max(0.05, min(0.95, score)), 2)


def _to_claim(ev: _Event, text: str, published: date | None) -> Claim:
    d, strength = ev.best_date()
    cnt = ev.best_count()
    if d is not None:
        rng = DateRange(d.earliest, d.latest, d.text, None)
    else:
        rng = DateRange(None, published, "", None)
    places: list[PlaceRef] = []
    victims: list[Victim] = []
    sources: list[str] = []
    spans: set[tuple[int, int]] = set()
    share = None
    for m in ev.members:
        for p in m.places:
            if all(p.name != q.name for q in places):
                places.append(p)
        for nm, tx in m.victims:
            if all(nm != v.name for v in victims):
                victims.append(Victim(name=nm, text=tx))
        for s in m.sources:
            if s not in sources:
                sources.append(s)
        spans.update(m.evidence)
        if share is None and m.share is not None:
            share = m.share
    first = min(ev.members, key=lambda m: m.pos)
    etype = cnt.etype if cnt is not None else first.etype
    evidence = [Span(s, e, text[s:e]) for s, e in sorted(spans)]
    aggregate = any(m.aggregate for m in ev.members) or (cnt is not None and cnt.count is not None
                                                         and cnt.count.unit == "cases")
    return Claim(type=etype, date=rng, places=places, count=cnt.count if cnt else None, victims=victims,
                 sources=sources, evidence=evidence,
                 confidence=_confidence(ev, d is not None, strength, cnt, len(places), len(sources)),
                 aggregate=aggregate, share_women=share, extractor=EXTRACTOR)


@Language.component("refwatch_events", assigns=["doc._.events"],
                    requires=["doc._.sentences", "doc._.places", "doc._.dates", "doc._.counts", "doc._.triggers",
                              "doc._.victims", "doc._.sources"])
def events_component(doc: Doc) -> Doc:
    doc._.events = assemble_events(doc.text, doc._.published, doc._.sentences, doc._.places, doc._.dates,
                                   doc._.counts, doc._.shares, doc._.triggers, doc._.victims, doc._.sources,
                                   doc._.main_source)
    return doc
