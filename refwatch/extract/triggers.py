"""Event triggers: the words that say something happened to someone.

Needs: ``doc._.sentences``. Adds: ``doc._.triggers`` (list of :class:`Trigger`).

The lexicon is data (``model/data/triggers.json``): per event type, regular
expressions over past-tense and noun forms; present-tense forms only in
headlines. A trigger is kept but marked ``blocked`` when a cue says it did
not (yet) happen — "should not send back", "could be deported", "risk of",
"calls on", "urge", "attempting to" — or when the sentence is generic
("often", "If ..."). Blocked triggers still tell later components that the
sentence is about an event, but produce no event of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from refwatch.extract.sentences import Sentence
from refwatch.model.vocab import load

__all__ = ["Trigger", "Lexicon", "lexicon", "find_triggers", "triggers_component"]

#: How far back (characters, inside the sentence) a blocking cue may stand.
CUE_WINDOW = 50


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


@dataclass(frozen=True)
class Lexicon:
    """The compiled trigger lexicon."""

    body: re.Pattern[str]
    headline: re.Pattern[str]
    group_types: dict[str, str]
    cues_before: re.Pattern[str]
    cues_adjacent: re.Pattern[str]
    generic: re.Pattern[str]
    present_state: re.Pattern[str]
    reclassify: tuple[tuple[str, str, re.Pattern[str]], ...]


def _alternation(types: dict[str, list[str]], prefix: str, group_types: dict[str, str]) -> re.Pattern[str]:
    parts = []
    for i, (etype, patterns) in enumerate(types.items()):
        name = f"{prefix}{i}"
        group_types[name] = etype
        parts.append(f"(?P<{name}>" + "|".join(f"(?:{p})" for p in patterns) + ")")
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    lex = load("triggers")
    groups: dict[str, str] = {}
    body = _alternation(lex["types"], "b", groups)
    merged = {k: list(v) for k, v in lex["types"].items()}
    for k, v in lex["headline_types"].items():
        merged.setdefault(k, []).extend(v)
    head = _alternation(merged, "h", groups)
    before = re.compile(r"\b(?:" + "|".join(lex["blocking_cues_before"]) + r")\b", re.IGNORECASE)
    adjacent = re.compile(r"\b(?:" + "|".join(lex["blocking_cues_adjacent"]) + r")\s*$", re.IGNORECASE)
    generic = re.compile("|".join(f"(?:\\b{p}\\b)" if not p.startswith("^") else f"(?:{p})"
                                  for p in lex["generic_cues"]), re.IGNORECASE)
    state = re.compile(lex["present_state"], re.IGNORECASE)
    recl = tuple((r["from"], r["to"], re.compile(r["when"], re.IGNORECASE)) for r in lex["reclassify"])
    return Lexicon(body, head, groups, before, adjacent, generic, state, recl)


def _clause_start(text: str, start: int, pos: int) -> int:
    """Start of the clause holding ``pos``: after the last ; — or sentence start."""
    cut = max(text.rfind(";", start, pos), text.rfind(" — ", start, pos), text.rfind(" – ", start, pos))
    return cut + 1 if cut >= start else start


def find_triggers(text: str, sentences: list[Sentence]) -> list[Trigger]:
    """Every trigger in the non-skipped sentences, blocked ones included."""
    lex = lexicon()
    out: list[Trigger] = []
    for sent in sentences:
        if sent.skip:
            continue
        pattern = lex.headline if sent.headline else lex.body
        s_text = text[sent.start:sent.end]
        generic = bool(lex.generic.search(s_text))
        for m in pattern.finditer(text, sent.start, sent.end):
            etype = lex.group_types[m.lastgroup or ""]
            comma = text.find(",", m.end(), sent.end)
            after = text[m.end():comma if comma >= 0 else sent.end]
            for src, dst, cond in lex.reclassify:
                if etype == src and cond.search(after):
                    etype = dst
            trig = Trigger(m.start(), m.end(), m.group(0), etype, sent.index)
            window_start = max(_clause_start(text, sent.start, m.start()), m.start() - CUE_WINDOW)
            window = text[window_start:m.start()]
            if generic:
                trig.blocked, trig.reason = True, "generic"
            elif lex.cues_adjacent.search(window):
                trig.blocked, trig.reason = True, "adjacent_cue"
            elif lex.cues_before.search(window):
                trig.blocked, trig.reason = True, "cue"
            if etype == "detention":
                near = text[max(sent.start, m.start() - 25):m.end()]
                trig.state = bool(lex.present_state.search(near)) and not re.search(
                    r"\b(?:was|were|had\s+been)\b", near, re.IGNORECASE)
            out.append(trig)
    return out


@Language.component("refwatch_triggers", assigns=["doc._.triggers"], requires=["doc._.sentences"])
def triggers_component(doc: Doc) -> Doc:
    doc._.triggers = find_triggers(doc.text, doc._.sentences)
    return doc
