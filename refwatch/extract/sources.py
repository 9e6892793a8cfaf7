"""Sources: who a claim is attributed to.

Needs: ``doc._.sentences``. Adds: ``doc._.sources`` (list of
:class:`SourceMention`) and ``doc._.main_source`` (the organisation the
document attributes most to, or None).

Organisation names and aliases are data (``model/data/organisations.json``):
"TJWG", "the Transitional Justice Working Group" and "Transitional Justice
Working Group [TJWG]" all give the canonical name. A mention counts as an
attribution when an attribution phrase binds it — "according to X", "X said",
"X reported / revealed / recorded / estimates / says", "told X". A person is a
source the same way ("According to Stephen Kim, an underground missionary",
"said Phil Robertson"); "the rights group said" points at the main source.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from refwatch.extract.sentences import Sentence
from refwatch.model.vocab import load

__all__ = ["SourceMention", "Organisation", "organisations", "find_sources", "main_source", "sources_component"]


@dataclass(frozen=True)
class Organisation:
    name: str
    aliases: tuple[str, ...]
    kind: str
    connection: str


@dataclass(slots=True)
class SourceMention:
    start: int
    end: int
    text: str
    name: str
    kind: str  # organisation, person, reference (e.g. "the rights group")
    sentence: int
    attributed: bool


_VERBS = (r"(?:said|says|say|reported|reports|revealed|reveals|recorded|records|estimates|estimated|found|finds|"
          r"announced|announces|stated|states|told|tells|confirmed|confirms|documented|documents|warned|warns|"
          r"noted|notes|added|claimed|claims|believes|counted|counts|identified|learned|wrote|writes|"
          r"pointed\s+out|highlighted|disclosed|cited|has\s+(?:said|reported|documented|recorded|confirmed|learned)|"
          r"have\s+(?:said|reported|documented|recorded))")
_AFTER_RE = re.compile(
    rf"^[’'\"”]?\s*(?:\([^)]{{0,60}}\)\s*|\[[^\]]{{0,30}}\]\s*)?(?:,[^,.]{{0,90}},\s*|[^.;,“\"]{{0,50}}?)?{_VERBS}\b",
    re.IGNORECASE)
_BEFORE_RE = re.compile(
    r"(?:according\s+to|told|informed|said|says|reported\s+by|cited\s+by|quoted\s+by|speaking\s+to|data\s+from|"
    r"figures\s+from|a\s+report\s+by|report\s+from|statement\s+by|according\s+to\s+(?:a|an|the)\s+"
    r"(?:\w+\s+){0,2}(?:by|from))\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}?$",
    re.IGNORECASE)
_PERSON_ACCORDING = re.compile(
    r"\b(?:[Aa]ccording\s+to|said|says|told\s+by)\s+(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+|-[A-Za-z][a-z]+){1,2})(?=\s*[,.;]|\s+said|\s*$)")
_PERSON_SAID = re.compile(r"\b(?P<name>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2})(?:,[^,.]{3,90},)?\s+(?:said|says|told)\b")
_GROUP_REF = re.compile(
    r"\b(?:the|this|that)\s+(?:rights\s+|advocacy\s+|human\s+rights\s+|civic\s+)?(?:group|organi[sz]ation|NGO)\s+"
    rf"(?:also\s+)?{_VERBS}\b", re.IGNORECASE)
_NOT_PERSON_WORDS = {"North", "South", "Korea", "Korean", "China", "Chinese", "United", "Nations", "Human", "Rights",
                     "Ministry", "Foreign", "Affairs", "Beijing", "Seoul", "Pyongyang", "The", "This", "State",
                     "Department", "Office", "Group", "Working", "Justice", "Radio", "Free", "Asia", "News",
                     "Daily", "Times", "Post", "Media", "Agency", "Commission", "Council", "Government", "Police"}


@lru_cache(maxsize=1)
def organisations() -> tuple[Organisation, ...]:
    data = load("organisations")["organisations"]
    return tuple(Organisation(o["name"], tuple(o.get("aliases", [])), o.get("kind", "ngo"),
                              o.get("connection", "third_party")) for o in data)


@lru_cache(maxsize=1)
def _org_patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    canon: dict[str, str] = {}
    exact: list[str] = []
    loose: list[str] = []
    for org in organisations():
        for form in (org.name, *org.aliases):
            canon[_key(form)] = org.name
            (exact if form.isupper() or len(form) <= 4 else loose).append(form)

    def alt(forms: list[str]) -> str:
        forms = sorted(set(forms), key=len, reverse=True)
        return "|".join(re.escape(f).replace(r"\ ", r"\s+").replace("'", "['’]") for f in forms)

    return (re.compile(rf"(?<![\w-])(?:{alt(exact)})(?![\w-])"),
            re.compile(rf"(?<![\w-])(?:{alt(loose)})(?![\w-])", re.IGNORECASE), canon)


def _key(s: str) -> str:
    return " ".join(re.sub(r"[’']", "'", s).lower().split())


def canonical_organisation(text: str) -> str | None:
    """The canonical name of an organisation written as ``text``, if known."""
    return _org_patterns()[2].get(_key(text))


def _sentence_of(sentences: list[Sentence], pos: int) -> int:
    for s in sentences:
        if s.start <= pos < s.end:
            return s.index
    return -1


def find_sources(text: str, sentences: list[Sentence]) -> list[SourceMention]:
    """Organisation and person sources, attributed or merely mentioned."""
    exact, loose, canon = _org_patterns()
    out: list[SourceMention] = []
    spans: list[tuple[int, int]] = []
    by_pos = sorted([*exact.finditer(text), *loose.finditer(text)], key=lambda m: (m.start(), -m.end()))
    for m in by_pos:
        if any(a <= m.start() < b for a, b in spans):
            continue
        spans.append((m.start(), m.end()))
        idx = _sentence_of(sentences, m.start())
        if idx < 0 or sentences[idx].skip:
            continue
        name = canon.get(_key(m.group(0)), m.group(0))
        attributed = bool(_AFTER_RE.search(text[m.end():m.end() + 140])
                          or _BEFORE_RE.search(text[max(sentences[idx].start, m.start() - 60):m.start()]))
        out.append(SourceMention(m.start(), m.end(), m.group(0), name, "organisation", idx, attributed))
    for pattern in (_PERSON_ACCORDING, _PERSON_SAID):
        for m in pattern.finditer(text):
            name = re.sub(r"^(?:Mr|Ms|Mrs|Dr)\.?\s+", "", m.group("name"))
            s = m.start("name")
            if any(a <= s < b for a, b in spans) or set(name.replace("-", " ").split()) & _NOT_PERSON_WORDS:
                continue
            idx = _sentence_of(sentences, s)
            if idx < 0 or sentences[idx].skip:
                continue
            spans.append((s, m.end("name")))
            out.append(SourceMention(s, m.end("name"), name, name, "person", idx, True))
    for m in _GROUP_REF.finditer(text):
        idx = _sentence_of(sentences, m.start())
        if idx >= 0 and not sentences[idx].skip:
            out.append(SourceMention(m.start(), m.end(), m.group(0), "", "reference", idx, True))
    out.sort(key=lambda s: s.start)
    main = main_source(out)
    for s in out:
        if s.kind == "reference":
            s.name = main or ""
    return [s for s in out if s.name]


def main_source(mentions: list[SourceMention]) -> str | None:
    """The organisation a document leans on: most attributions, then most mentions."""
    orgs = [m for m in mentions if m.kind == "organisation" or (m.kind == "person" and m.attributed)]
    if not orgs:
        return None
    attributed = Counter(m.name for m in orgs if m.attributed)
    mentioned = Counter(m.name for m in orgs)
    return max(mentioned, key=lambda n: (attributed.get(n, 0), mentioned[n], -min(m.start for m in orgs if m.name == n)))


@Language.component("refwatch_sources", assigns=["doc._.sources", "doc._.main_source"],
                    requires=["doc._.sentences"])
def sources_component(doc: Doc) -> Doc:
    found = find_sources(doc.text, doc._.sentences)
    doc._.sources = found
    doc._.main_source = main_source(found)
    return doc
