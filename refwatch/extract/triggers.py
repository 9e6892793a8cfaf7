"""Event triggers: the words that say something happened to someone.

Needs: ``doc._.sentences`` (and, when present, ``doc._.places`` and
``doc._.dates``). Adds: ``doc._.triggers`` (list of :class:`Trigger`).

The lexicon is data (``model/data/triggers.json``): per event type, regular
expressions over past-tense and noun forms; present-tense forms only in
headlines. A trigger is kept but marked ``blocked`` when a cue says it did
not (yet) happen — "should not send back", "could be deported", "risk of",
"calls on", "urge", "attempting to", "is believed to be held" — or when the
sentence is generic ("often", "If ..."). Blocked triggers still tell later
components that the sentence is about an event, but produce no event of
their own.

Three clause-level rules refine that:

* a trigger inside a relative clause ("women who were repatriated in
  March") is normally background, but stays an event when the clause
  carries its own date before the next trigger;
* a trigger in an "after ..." clause that follows another event of the same
  sentence ("handed over ... after they were caught", "fled ... after my
  father died") is the circumstance of that event, not an event of its own;
* two verbs are only events when a place confirms them: "left" needs a
  North Korean place ("left Musan"), "reached"/"arrived in" a place outside
  China and North Korea ("reached Ulaanbaatar").

All matching is one compiled pattern run once over the whole document;
matches are then mapped to their sentences by binary search.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from refwatch.extract.sentences import Sentence
from refwatch.model.vocab import load

__all__ = ["Trigger", "Lexicon", "lexicon", "find_triggers", "triggers_component"]

#: How far back (characters, inside the sentence) a blocking cue may stand.
CUE_WINDOW = 50
#: How far after a place-checked verb its place may start (characters).
PLACE_WINDOW = 30


@dataclass(slots=True)
class Trigger:
    start: int
    end: int
    text: str
    type: str
    sentence: int
    blocked: bool = False
    reason: str | None = None
    state: bool = False  # a present state ("are held", "currently held")
    pluperfect: bool = False  # "had been caught": before the time frame of its context


@dataclass(frozen=True)
class Lexicon:
    """The compiled trigger lexicon."""

    pattern: re.Pattern[str]
    group_types: dict[str, str]
    headline_only: frozenset[str]
    checked: frozenset[str]
    cues_before: re.Pattern[str]
    cues_adjacent: re.Pattern[str]
    generic: re.Pattern[str]
    present_state: re.Pattern[str]
    reclassify: tuple[tuple[str, str, re.Pattern[str]], ...]


_RELATIVE = re.compile(r"\b(?:who|whom|which|that)\s+(?:had\s+|have\s+|has\s+)?(?:\w+ly\s+)?"
                       r"(?:(?:been|were|was|are|is)\s+)?(?:\w+ly\s+)?$", re.IGNORECASE)
_AFTER = re.compile(r"\bafter\s+(?:[\w’'-]+\s+){0,3}$", re.IGNORECASE)
_PLUPERFECT = re.compile(r"\bhad\s+(?:been\s+)?(?:\w+ly\s+)?$", re.IGNORECASE)
_PAST = re.compile(r"\b(?:was|were|had\s+been)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    lex = load("triggers")
    groups: dict[str, str] = {}
    parts: list[str] = []
    headline_only: set[str] = set()
    checked: set[str] = set()

    def add(name: str, etype: str, patterns: list[str]) -> None:
        groups[name] = etype
        parts.append(f"(?P<{name}>" + "|".join(f"(?:{p})" for p in patterns) + ")")

    for i, (etype, patterns) in enumerate(lex["types"].items()):
        add(f"b{i}", etype, patterns)
    for i, (etype, pattern) in enumerate(lex.get("place_checked", {}).items()):
        add(f"p{i}", etype, [pattern])
        checked.add(f"p{i}")
    for i, (etype, patterns) in enumerate(lex["headline_types"].items()):
        add(f"h{i}", etype, patterns)
        headline_only.add(f"h{i}")
    pattern = re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)
    before = re.compile(r"\b(?:" + "|".join(lex["blocking_cues_before"]) + r")\b", re.IGNORECASE)
    adjacent = re.compile(r"\b(?:" + "|".join(lex["blocking_cues_adjacent"]) + r")\s*$", re.IGNORECASE)
    generic = re.compile("|".join(f"(?:\\b{p}\\b)" if not p.startswith("^") else f"(?:{p})"
                                  for p in lex["generic_cues"]), re.IGNORECASE)
    state = re.compile(lex["present_state"], re.IGNORECASE)
    recl = tuple((r["from"], r["to"], re.compile(r["when"], re.IGNORECASE)) for r in lex["reclassify"])
    return Lexicon(pattern, groups, frozenset(headline_only), frozenset(checked), before, adjacent, generic, state,
                   recl)


def _clause_start(text: str, start: int, pos: int) -> int:
    """Start of the clause holding ``pos``: after the last ; — or sentence start."""
    cut = max(text.rfind(";", start, pos), text.rfind(" — ", start, pos), text.rfind(" – ", start, pos))
    return cut + 1 if cut >= start else start


def _place_confirms(etype: str, end: int, places: list[Any], place_starts: list[int]) -> bool:
    """A place-checked verb: "left" + a North Korean place, "reached" + a place outside China and North Korea."""
    i = bisect.bisect_left(place_starts, end)
    if i >= len(places) or places[i].start - end > PLACE_WINDOW:
        return False
    country = places[i].ref.country
    return country == "KP" if etype == "escape" else country not in ("KP", "CN")


def find_triggers(text: str, sentences: list[Sentence], places: list[Any] | None = None,
                  dates: list[Any] | None = None) -> list[Trigger]:
    """Every trigger in the non-skipped sentences, blocked ones included."""
    lex = lexicon()
    if not sentences:
        return []
    starts = [s.start for s in sentences]
    places = sorted(places or [], key=lambda p: p.start)
    place_starts = [p.start for p in places]
    date_starts = sorted(d.start for d in (dates or []))
    generic_cache: dict[int, bool] = {}
    raw: list[tuple[re.Match[str], Sentence]] = []
    for m in lex.pattern.finditer(text):
        si = bisect.bisect_right(starts, m.start()) - 1
        if si < 0:
            continue
        sent = sentences[si]
        if sent.skip or m.start() >= sent.end:
            continue
        if m.end() > sent.end:  # a loose pattern ran past the sentence: look again inside it
            inner = lex.pattern.search(text, m.start(), sent.end)
            if inner is None:
                continue
            m = inner
        group = m.lastgroup or ""
        if group in lex.headline_only and not sent.headline:
            continue
        if group in lex.checked and not _place_confirms(lex.group_types[group], m.end(), places, place_starts):
            continue
        raw.append((m, sent))
    out: list[Trigger] = []
    for k, (m, sent) in enumerate(raw):
        etype = lex.group_types[m.lastgroup or ""]
        comma = text.find(",", m.end(), sent.end)
        after = text[m.end():comma if comma >= 0 else sent.end]
        for src, dst, cond in lex.reclassify:
            if etype == src and cond.search(after):
                etype = dst
        trig = Trigger(m.start(), m.end(), m.group(0), etype, sent.index)
        window_start = max(_clause_start(text, sent.start, m.start()), m.start() - CUE_WINDOW)
        window = text[window_start:m.start()]
        if sent.index not in generic_cache:
            generic_cache[sent.index] = bool(lex.generic.search(text, sent.start, sent.end))
        # A disappearance is told from the event that caused it ("vanished after being repatriated"),
        # so an "after" clause behind one is the event itself, not a circumstance.
        earlier_here = k > 0 and raw[k - 1][1] is sent and lex.group_types[raw[k - 1][0].lastgroup or ""] != \
            "disappearance"
        if generic_cache[sent.index]:
            trig.blocked, trig.reason = True, "generic"
        elif earlier_here and _AFTER.search(window):
            trig.blocked, trig.reason = True, "subordinate"
        elif lex.cues_adjacent.search(window):
            trig.blocked, trig.reason = True, "adjacent_cue"
            if _RELATIVE.search(window):
                nxt = raw[k + 1][0].start() if k + 1 < len(raw) and raw[k + 1][1] is sent else sent.end
                j = bisect.bisect_left(date_starts, m.end())
                if j < len(date_starts) and date_starts[j] < nxt:
                    trig.blocked, trig.reason = False, None
        elif lex.cues_before.search(window):
            trig.blocked, trig.reason = True, "cue"
        trig.pluperfect = bool(_PLUPERFECT.search(text, max(sent.start, m.start() - 20), m.start())) \
            or m.group(0).lower().startswith("had ")
        if etype == "detention":
            near = text[max(sent.start, m.start() - 25):m.end()]
            trig.state = bool(lex.present_state.search(near)) and not _PAST.search(near)
        out.append(trig)
    return out


@Language.component("refwatch_triggers", assigns=["doc._.triggers"], requires=["doc._.sentences"])
def triggers_component(doc: Doc) -> Doc:
    doc._.triggers = find_triggers(doc.text, doc._.sentences, doc._.places, doc._.dates)
    return doc
