"""Event triggers: the words that say something happened to someone.

Needs: ``doc._.sentences`` (and, when present, ``doc._.places`` and
``doc._.dates``). Adds: ``doc._.triggers`` (list of :class:`Trigger`).

The lexicon is data (``model/data/triggers.json``): per event type, regular
expressions over past-tense and noun forms; present-tense forms only in
headlines and in a chronology's dated lines ("14 May 2009 — Crosses the
Yalu near Hyesan"). A trigger is kept but marked ``blocked`` when a cue says it did
not (yet) happen — "should not send back", "could be deported", "risk of",
"calls on", "urge", "attempting to", "is believed to be held" — or when the
sentence is generic ("often", "If ...", or "more than once" / "once
before" without a date of its own). Cues that only hedge knowledge ("are
believed to", "may") do not block a present state that says it holds now
("may currently be held", "believed to remain in custody today"). Blocked
triggers still tell later
components that the sentence is about an event, but produce no event of
their own.

Three clause-level rules refine that:

* a trigger inside a relative clause ("women who were repatriated in
  March") is normally background, but stays an event when the clause
  carries its own date before the next trigger, or when its antecedent is
  a bare figure ("we know of 17 who were returned");
* a trigger in an "after ..." clause that follows another event of the same
  sentence ("handed over ... after they were caught", "fled ... after my
  father died") is the circumstance of that event, not an event of its own,
  unless it carries its own date ("after their repatriation in April");
* two verbs are only events when a place confirms them: "left" needs a
  North Korean place ("left Musan"), "reached"/"arrived in" a place outside
  China and North Korea ("reached Ulaanbaatar").

Interviews and hearings put the event word in the question and the figure
in the answer ("How many are still held? — Between 40 and 60."): a
question that holds a trigger (blocked or not: "how many" blocks it) lends
its type, and its present state, to the sentence right after it when that
sentence has no trigger of its own. The lent trigger is empty (it starts
and ends at the answer's first character) and is blocked only when the
answer is generic.

Speed: the full pattern (a long alternation with loose gaps) is costly to
try at every position, so a cheap pre-pass finds the anchor words every
pattern contains ("held", "deport", "caught" ...: ``anchors`` in the
lexicon), and the full pattern, compiled case-sensitively for the
lower-cased text, runs only in windows of the sentence around them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from collections.abc import Callable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from refwatch.extract.sentences import Sentence, doc_lower, doc_text, ext, set_ext
from refwatch.model.vocab import load

__all__ = ["Trigger", "Lexicon", "lexicon", "find_triggers", "triggers_component"]

#: How far back (characters, inside the sentence) a blocking cue may stand.
CUE_WINDOW = 50
#: How far after a repeat cue ("once before, in 2017") its own date may start (characters).
REPEAT_DATE_WINDOW = 12
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
    """The compiled trigger lexicon; every pattern expects lower-cased text (:func:`lower_text`)."""

    pattern: re.Pattern[str]
    group_types: dict[str, str]
    headline_only: frozenset[str]
    checked: frozenset[str]
    cues_before: re.Pattern[str]
    cues_adjacent: re.Pattern[str]
    generic: re.Pattern[str]  # searched inside the sentence
    generic_start: re.Pattern[str]  # matched at the sentence start ("If ...")
    repeat: re.Pattern[str]  # "once before", "more than once": generic unless the sentence has a date
    present_state: re.Pattern[str]
    reclassify: tuple[tuple[str, str, re.Pattern[str]], ...]
    anchors: re.Pattern[str]  # word starts every match contains, over lower-cased text
    reach_before: dict[str, int]  # per anchor: how far (characters) a match may start before it
    entry_label: re.Pattern[str]  # after a sentence-initial date: "— Arrest." (group name = type)
    denial: re.Pattern[str] = re.compile("(?!)")  # "denied that ...", "denied detaining anyone"
    denial_window: int = 0
    refuted_before: re.Pattern[str] = re.compile("(?!)")  # "rumours that ..."
    refuted_after: re.Pattern[str] = re.compile("(?!)")  # "... proved false"
    stamp: re.Pattern[str] = re.compile("(?!)")  # "Released" before the date of a stamp line


_RELATIVE = re.compile(r"\b(?:who|whom|which|that)\s+(?:had\s+|have\s+|has\s+)?(?:\w+ly\s+)?"
                       r"(?:(?:been|were|was|are|is)\s+)?(?:\w+ly\s+)?$")
_AFTER = re.compile(r"\bafter\s+(?:[\w’'-]+\s+){0,3}$")
_PLUPERFECT = re.compile(r"\bhad\s+(?:been\s+)?(?:\w+ly\s+)?$")
# "was not repatriated until May": the negation only delays the event, which happened.
_NOT_TAIL = re.compile(r"\b(?:not|n[’']t)(?:\s+(?:yet\s+)?be(?:en)?)?(?:\s+\w+ly)?\s*$")
_UNTIL_AFTER = re.compile(r"(?:\s+(?!until\b)[\w’'-]+){0,5}?\s+until\b")
_PAST = re.compile(r"\b(?:was|were|had\s+been)\b")
# An explicit present: "currently", "still", "remain", "today".
_NOW = re.compile(r"\b(?:currently|presently|still|remain(?:s|ing)?|today|now|at\s+present)\b")
# Cues that hedge what is known, not when: "are believed to remain in custody", "may currently be held".
# They block a future or possible event, but a present state they hedge is still reported as one.
_EPISTEMIC = re.compile(r"\b(?:may|might|believed|thought|estimated|feared|said|reported|(?:is|are|was|were|been)\s+"
                        r"(?:believed|thought))(?:\s+(?:to|be|have))*\s*$")


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
    # The lexicon is written in lower case and every pattern runs over the lower-cased text
    # (see ``lower_text``): case-sensitive matching is about three times faster than IGNORECASE.
    pattern = re.compile(r"\b(?:" + "|".join(parts) + r")\b")
    before = re.compile(r"\b(?:" + "|".join(lex["blocking_cues_before"]) + r")\b")
    adjacent = re.compile(r"\b(?:" + "|".join(lex["blocking_cues_adjacent"]) + r")\s*$")
    # One \b before one alternation: the engine tests the boundary once per position, not once per cue.
    generic = re.compile(r"\b(?:" + "|".join(p for p in lex["generic_cues"] if not p.startswith("^")) + r")\b")
    generic_start = re.compile("|".join(f"(?:{p[1:]})" for p in lex["generic_cues"] if p.startswith("^")) or "(?!)")
    repeat = re.compile(r"\b(?:" + "|".join(lex.get("repeat_cues", [])) + r")\b") if lex.get("repeat_cues") \
        else re.compile("(?!)")
    state = re.compile(lex["present_state"])
    recl = tuple((r["from"], r["to"], re.compile(r["when"])) for r in lex["reclassify"])
    anchors = re.compile(r"\b" + literal_trie(lex["anchors"]))
    labels = {k: v for k, v in lex.get("entry_labels", {}).items() if not k.startswith("_")}
    entry_label = re.compile(r"\s*[—–:-]+\s*(?:" + "|".join(f"(?P<{k}>{v})" for k, v in labels.items())
                             + r")\s*(?:[.:;—–-]|$)")
    never = "(?!)"
    return Lexicon(pattern, groups, frozenset(headline_only), frozenset(checked), before, adjacent, generic,
                   generic_start, repeat, state, recl, anchors, _anchor_reach(lex), entry_label,
                   denial=re.compile(lex.get("denial_cues", never)), denial_window=int(lex.get("denial_window", 0)),
                   refuted_before=re.compile(lex.get("refuted_before", never)),
                   refuted_after=re.compile(lex.get("refuted_after", never)),
                   stamp=re.compile(lex.get("stamp_line", never)))


_WORD_START = re.compile(r"\b\w")
_WORD_CHAR = re.compile(r"\w")


@lru_cache(maxsize=1)
def _anchor_gap_scan() -> re.Pattern[str] | None:
    """The anchors pattern with its leading ``\\b`` made a consumed non-word character: ``\\W(<prefix tree>)``.

    ``re`` skips ahead in C to the next non-word character, where ``\\b``
    first gave it nothing to skip with (every position was an attempt):
    about 40% less time for the scan. Valid when every anchor starts and
    ends with a word character (then a boundary before an anchor is a
    non-word character before it, which no earlier match holds); None
    otherwise, and the plain pattern is used.
    """
    words = load("triggers")["anchors"]
    lex = lexicon()
    if not words or lex.anchors.pattern != r"\b" + literal_trie(words) \
            or not all(_WORD_CHAR.fullmatch(w[:1]) and _WORD_CHAR.fullmatch(w[-1:]) for w in words):
        return None
    return re.compile(r"\W(" + lex.anchors.pattern[2:] + ")")


def _anchor_hits(low: str, lex: Lexicon) -> Iterator[tuple[int, str]]:
    """(start, anchor) of every ``lex.anchors.finditer(low)`` match, in order."""
    gap = _anchor_gap_scan() if lex is lexicon() else None
    if gap is None:
        for a in lex.anchors.finditer(low):
            yield a.start(), a.group(0)
        return
    pos = 0
    first = lex.anchors.match(low, 0)  # at the very start there is no character before
    if first is not None:
        yield 0, first.group(0)
        pos = first.end()
    for a in gap.finditer(low, pos):
        yield a.start(1), a.group(1)
_LOOKBEHIND = re.compile(r"\(\?<[!=][^)]*\)")
# What may stand before a word that still opens its pattern: group openers and plain alternatives ("(?:police|").
_OPENERS = re.compile(r"(?:\(\?:|[a-z’' -]+\|)*")
_OPTIONAL_AFTER = re.compile(r"[^()]*\)\?")


def top_level_alternatives(source: str) -> list[str]:
    """``a|b(?:c|d)`` -> ``["a", "b(?:c|d)"]``."""
    out, depth, start, escaped = [], 0, 0, False
    for i, ch in enumerate(source):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(source[start:i])
            start = i + 1
    out.append(source[start:])
    return out


def _anchor_reach(lex: dict) -> dict[str, int]:
    """How far before each anchor a match may start: 0 unless some pattern needs more.

    A pattern that opens with an anchor ("caught", "(?:police|officers|...)")
    is found from that anchor, and a match starts at it. A pattern opening
    with something else ("(are|is|...) held", "in (police )? custody") gives
    its required anchors ("held", "custody"; not an optional "police") a
    reach of ``anchor_reach`` characters. Tested in test_extract_triggers.py.
    """
    anchors = lex["anchors"]
    sources = [p for ps in lex["types"].values() for p in ps]
    sources += [p for ps in lex["headline_types"].values() for p in ps]
    sources += list(lex.get("place_checked", {}).values())
    far = int(lex["anchor_reach"])
    out = dict.fromkeys(anchors, 0)
    for alt in (a for src in sources for a in top_level_alternatives(src)):
        hits = [(a, m) for a in anchors for m in re.finditer(re.escape(a), alt)]
        if any(_OPENERS.fullmatch(_LOOKBEHIND.sub("", alt[:m.start()])) for _, m in hits):
            continue
        required = [a for a, m in hits if not _OPTIONAL_AFTER.match(alt, m.end())] or [a for a, _ in hits]
        for a in required:
            out[a] = far
    return out


def literal_trie(words: list[str], char: Callable[[str], str] = re.escape, longest: bool = False) -> str:
    """A regex matching any of ``words`` (plain literals), factored by shared prefixes.

    ``a(?:gents|rr(?:est|ived))`` tests one branch per first letter where a
    flat ``agents|arrest|arrived|...`` tests every word at every position.
    ``char`` turns one character into its pattern (e.g. a space into ``\\s+``).
    When a word is a prefix of another, the shorter wins unless ``longest``
    (then the longer is tried first, as a longest-first alternation would).
    """
    tree: dict[str, dict] = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        if ends and (not longest or len(node) == 1):
            return ""
        alts = [char(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        body = alts[0] if len(alts) == 1 and not ends else "(?:" + "|".join(alts) + ")"
        return body + ("?" if ends else "")

    return build(tree)


def lower_text(text: str) -> str:
    """``text.lower()`` with the same length, so offsets stay valid.

    A few characters lower-case to two ("İ" → "i̇"); those are kept as they are.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _scan(low: str, sentences: list[Sentence], starts: list[int], lex: Lexicon) -> list[tuple[int, int, str, Sentence]]:
    """Every pattern match in the lower-cased text as (start, end, group, sentence).

    Leftmost first and without overlaps, as ``finditer`` gives them, inside
    non-skipped sentences; the full pattern is only tried near anchor words.
    """
    out: list[tuple[int, int, str, Sentence]] = []
    # Every match starts at a word start at most ``reach_before[anchor]`` characters before an anchor it holds,
    # so only those word starts are tried, leftmost first, without overlaps (as finditer would).
    regions: list[list] = []  # [lo, last anchor start, sentence], merged when they overlap in one sentence
    max_reach = max(lex.reach_before.values(), default=0)
    for a_start, a_word in _anchor_hits(low, lex):
        si = bisect.bisect_right(starts, a_start) - 1
        if si < 0:
            continue
        sent = sentences[si]
        if sent.skip or a_start >= sent.end:
            continue
        lo = max(sent.start, a_start - lex.reach_before.get(a_word, max_reach))
        if regions and regions[-1][2] is sent and lo <= regions[-1][1]:
            regions[-1][0] = min(regions[-1][0], lo)
            regions[-1][1] = a_start
            # A far-reaching anchor can reach back over several earlier regions of the sentence.
            while len(regions) > 1 and regions[-2][2] is sent and regions[-1][0] <= regions[-2][1]:
                last = regions.pop()
                regions[-1][0] = min(regions[-1][0], last[0])
                regions[-1][1] = last[1]
        else:
            regions.append([lo, a_start, sent])
    match = lex.pattern.match
    free = 0
    for lo, top, sent in regions:
        for w in _WORD_START.finditer(low, lo, top + 1):
            ws = w.start()
            if ws < free:
                continue
            m = match(low, ws, sent.end)
            if m is not None:
                out.append((ws, m.end(), m.lastgroup or "", sent))
                free = m.end()
    return out


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


_ENTRY_DASH = re.compile(r"\s*[—–:]|\s+-\s")


def _entry_lines(low: str, sentences: list[Sentence], starts: list[int], dates: list[Any]) -> set[int]:
    """Sentences of a chronology that open with their date and a dash ("14 May 2009 — Crosses the river ..."):
    they tell past events in the present tense, as headlines do."""
    return {sent.index for sent, d in _dated_sentences(sentences, starts, dates)
            if not low[sent.start:d.start].strip(" \t\n\"'“‘*•-[(") and _ENTRY_DASH.match(low, d.end, sent.end)}


def _dated_sentences(sentences: list[Sentence], starts: list[int], dates: list[Any]) -> Iterator[tuple[Sentence, Any]]:
    """(sentence, date) for every date that lies inside a sentence."""
    for d in dates:
        si = bisect.bisect_right(starts, d.start) - 1
        if si >= 0 and d.start < sentences[si].end:
            yield sentences[si], d


def _entry_labels(low: str, sentences: list[Sentence], starts: list[int], dates: list[Any],
                  lex: Lexicon) -> list[tuple[int, int, str, Sentence]]:
    """Log entries name their event in a heading: "2023-08-14 — Arrest." (a date opening the sentence).

    Returned as (start, end, type, sentence) for the label word.
    """
    out = []
    for d in dates:
        si = bisect.bisect_right(starts, d.start) - 1
        if si < 0:
            continue
        sent = sentences[si]
        if sent.skip or d.start >= sent.end or low[sent.start:d.start].strip(" \t\n\"'“‘*•-[("):
            continue
        m = lex.entry_label.match(low, d.end, sent.end)
        if m is not None and m.lastgroup:
            out.append((m.start(m.lastgroup), m.end(m.lastgroup), m.lastgroup, sent))
    return out


def _own_date(raw: list, k: int, sent: Sentence, end: int, date_starts: list[int]) -> bool:
    """A date follows the ``k``-th trigger before the next trigger of its sentence (or the sentence end)."""
    nxt = raw[k + 1][0] if k + 1 < len(raw) and raw[k + 1][3] is sent else sent.end
    j = bisect.bisect_left(date_starts, end)
    return j < len(date_starts) and date_starts[j] < nxt


def _repeat_undated(text: str, sent: Sentence, date_starts: list[int], lex: Lexicon) -> bool:
    """"caught more than once" is generic; "repatriated once before, in 2017" names one time."""
    for m in lex.repeat.finditer(text, sent.start, sent.end):
        i = bisect.bisect_left(date_starts, m.end())
        if not (i < len(date_starts) and date_starts[i] <= m.end() + REPEAT_DATE_WINDOW):
            return True
    return False


@lru_cache(maxsize=1)
def _figure_who() -> re.Pattern[str]:
    """A relative clause whose antecedent is a bare figure ("we know of 17 who were returned, four who were
    released"): the clause is the event told of that group, not background."""
    words = load("number_words")
    names = "|".join(sorted([*words["units"], *words["tens"]], key=len, reverse=True))
    return re.compile(rf"(?:\b\d[\d,]*|\b(?:{names}))\s+(?:who|that)\s+(?:had\s+|have\s+|has\s+)?"
                      r"(?:(?:been|were|was|are|is)\s+)?(?:\w+ly\s+)?$")


_STAMP_TAIL = re.compile(r"[\s.,;:|·()\[\]\d]*(?:[ap]\.?m\.?)?[\s.,;:|·()\[\]\d]*(?:[a-z]{2,5})?\W*")


def _stamp_sentences(low: str, sentences: list[Sentence], starts: list[int], dates: list[Any],
                     lex: Lexicon) -> set[int]:
    """Sentences that are a document stamp: a stamp word, a date and nothing else ("Released 20 February 2020",
    "Updated: 3 May 2021, 14:05 KST"). The date is the document's, and the stamp word ("Released") no event."""
    return {sent.index for sent, d in _dated_sentences(sentences, starts, dates)
            if lex.stamp.match(low[sent.start:d.start]) and _STAMP_TAIL.fullmatch(low, d.end, sent.end)}


def _denied(low: str, sent: Sentence, clause_start: int, m_start: int, m_end: int, lex: Lexicon) -> bool:
    """The text denies the event: a denial governs it ("police denied that anyone was arrested") or a rumour of
    it is refuted after it ("rumours that the nine were arrested proved false")."""
    lo = max(clause_start, m_start - lex.denial_window)
    if lex.denial.search(low, lo, m_start):
        return True
    return bool(lex.refuted_before.search(low, max(sent.start, m_start - lex.denial_window), m_start)
                and lex.refuted_after.search(low, m_end, sent.end))


def _only_epistemic(window: str, lex: Lexicon) -> bool:
    """True when every blocking cue of ``window`` hedges knowledge ("believed to", "may") rather than time."""
    for m in lex.cues_before.finditer(window):
        if not _EPISTEMIC.search(window, 0, m.end()):
            return False
    return True


def find_triggers(text: str, sentences: list[Sentence], places: list[Any] | None = None,
                  dates: list[Any] | None = None, low: str | None = None) -> list[Trigger]:
    """Every trigger in the non-skipped sentences, blocked ones included (``low``: ``lower_text(text)`` if known)."""
    lex = lexicon()
    if not sentences:
        return []
    starts = [s.start for s in sentences]
    places = sorted(places or [], key=lambda p: p.start)
    place_starts = [p.start for p in places]
    # A state ("still held") is not a date of its own for a relative clause.
    date_starts = sorted(d.start for d in (dates or []) if not getattr(d, "is_publication_state", False))
    generic_cache: dict[int, bool] = {}
    raw: list[tuple[int, int, str, Sentence]] = []
    original, text = text, (lower_text(text) if low is None else low)
    entry_lines: set[int] | None = None
    stamps: set[int] | None = None
    for m_start, m_end, group, sent in _scan(text, sentences, starts, lex):
        if group in lex.headline_only and not sent.headline:
            if entry_lines is None:
                entry_lines = _entry_lines(text, sentences, starts, dates or [])
            if sent.index not in entry_lines:
                continue
        if group in lex.checked and not _place_confirms(lex.group_types[group], m_end, places, place_starts):
            continue
        raw.append((m_start, m_end, group, sent))
    labelled = {(s, e) for s, e, _, _ in raw}
    extra = [(s, e, t, sent) for s, e, t, sent in _entry_labels(text, sentences, starts, dates or [], lex)
             if (s, e) not in labelled]
    if extra:
        by_type = {v: k for k, v in reversed(list(lex.group_types.items())) if k.startswith("b")}
        raw = sorted(raw + [(s, e, by_type[t], sent) for s, e, t, sent in extra if t in by_type],
                     key=lambda r: r[0])
    out: list[Trigger] = []
    for k, (m_start, m_end, group, sent) in enumerate(raw):
        etype = lex.group_types[group]
        comma = text.find(",", m_end, sent.end)
        after = text[m_end:comma if comma >= 0 else sent.end]
        for src, dst, cond in lex.reclassify:
            if etype == src and cond.search(after):
                etype = dst
        trig = Trigger(m_start, m_end, original[m_start:m_end], etype, sent.index)
        window_start = max(_clause_start(text, sent.start, m_start), m_start - CUE_WINDOW)
        window = text[window_start:m_start]
        if sent.index not in generic_cache:
            generic_cache[sent.index] = bool(lex.generic_start.match(text, sent.start, sent.end)
                                             or lex.generic.search(text, sent.start, sent.end)
                                             or _repeat_undated(text, sent, date_starts, lex))
        # A disappearance is told from the event that caused it ("vanished after being repatriated"),
        # so an "after" clause behind one is the event itself, not a circumstance.
        earlier_here = k > 0 and raw[k - 1][3] is sent and lex.group_types[raw[k - 1][2]] != "disappearance"
        if generic_cache[sent.index]:
            trig.blocked, trig.reason = True, "generic"
        elif earlier_here and _AFTER.search(window) and not _own_date(raw, k, sent, m_end, date_starts):
            # ... unless the clause carries its own date ("sent to a camp after their repatriation in April")
            trig.blocked, trig.reason = True, "subordinate"
        elif lex.cues_adjacent.search(window):
            trig.blocked, trig.reason = True, "adjacent_cue"
            if _RELATIVE.search(window) and (_own_date(raw, k, sent, m_end, date_starts)
                                             or _figure_who().search(window)):
                trig.blocked, trig.reason = False, None
            elif _NOT_TAIL.search(window) and _UNTIL_AFTER.match(text, m_end, sent.end):
                trig.blocked, trig.reason = False, None
        elif lex.cues_before.search(window):
            trig.blocked, trig.reason = True, "cue"
        if not trig.blocked:
            clause = _clause_start(text, sent.start, m_start)
            if m_start - clause < 40 and dates:
                if stamps is None:
                    stamps = _stamp_sentences(text, sentences, starts, dates, lex)
                if sent.index in stamps:
                    trig.blocked, trig.reason = True, "stamp"
            if not trig.blocked and _denied(text, sent, clause, m_start, m_end, lex):
                trig.blocked, trig.reason = True, "denied"
        trig.pluperfect = bool(_PLUPERFECT.search(text, max(sent.start, m_start - 20), m_start)) \
            or text.startswith("had ", m_start)
        if etype == "detention":
            near = text[max(sent.start, m_start - 25):m_end]
            trig.state = bool(lex.present_state.search(near)) and not _PAST.search(near)
            if trig.state and trig.reason == "cue" and _NOW.search(text, window_start, m_end) \
                    and _only_epistemic(window, lex):
                trig.blocked, trig.reason = False, None
        out.append(trig)
    if "?" in text:
        out.extend(_answer_triggers(text, sentences, out, generic_cache, lex))
        out.sort(key=lambda t: t.start)
    return out


def _answer_triggers(low: str, sentences: list[Sentence], found: list[Trigger], generic_cache: dict[int, bool],
                     lex: Lexicon) -> list[Trigger]:
    """The answer right after a question with an event word takes that word's type (see the module docstring)."""
    with_trigger: dict[int, Trigger] = {}
    for t in found:
        with_trigger.setdefault(t.sentence, t)
    out = []
    for si, q in with_trigger.items():
        sent = sentences[si]
        if not low[sent.start:sent.end].rstrip(" \t\n\"'”’)").endswith("?"):
            continue
        ai = si + 1
        if ai >= len(sentences) or ai in with_trigger or sentences[ai].skip:
            continue
        ans = sentences[ai]
        if ai not in generic_cache:
            generic_cache[ai] = bool(lex.generic_start.match(low, ans.start, ans.end)
                                     or lex.generic.search(low, ans.start, ans.end))
        trig = Trigger(ans.start, ans.start, "", q.type, ai, state=q.state)
        if generic_cache[ai]:
            trig.blocked, trig.reason = True, "generic"
        out.append(trig)
    return out


@Language.component("refwatch_triggers", assigns=["doc._.triggers"], requires=["doc._.sentences"])
def triggers_component(doc: Doc) -> Doc:
    set_ext(doc, "triggers", find_triggers(doc_text(doc), ext(doc, "sentences"), ext(doc, "places"), ext(doc, "dates"),
                                          doc_lower(doc)))
    return doc
