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

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from refwatch.extract.scan import GuardedPattern, guarded
from refwatch.extract.sentences import Sentence, doc_lower, doc_text, ext, set_ext
from refwatch.extract.triggers import literal_trie, lower_text
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
# _AFTER_RE and _BEFORE_RE run over the lower-cased text (no IGNORECASE: about three times faster);
# the verb must start a word, so the lazy gap tries the verbs only at word starts. Used with
# ``match(low, pos)``, which anchors at ``pos`` (a "^" would only match at the start of the text).
_AFTER_RE = re.compile(
    rf"[’'\"”]?\s*(?:\([^)]{{0,60}}\)\s*|\[[^\]]{{0,30}}\]\s*)?(?:,[^,.]{{0,90}},\s*|[^.;,“\"]{{0,50}}?)?\b{_VERBS}\b")
_BEFORE_RE = re.compile(
    r"(?:according\s+to|told|informed|said|says|reported\s+by|cited\s+by|quoted\s+by|speaking\s+to|data\s+from|"
    r"figures\s+from|a\s+report\s+by|report\s+from|statement\s+by|according\s+to\s+(?:a|an|the)\s+"
    r"(?:\w+\s+){0,2}(?:by|from))\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}?$")
_PERSON_ACCORDING = re.compile(
    r"(?=[Aast])\b(?:[Aa]ccording\s+to|said|says|told\s+by)\s+"
    r"(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+|-[A-Za-z][a-z]+){1,2})"
    # "said Choe Kum-hui, 45, and her daughter were detained": the subject of what was said, not the speaker
    r"(?!\s*,\s*\d{1,3},\s*(?:and|was|were|had|has|is)\b)(?=\s*[,.;]|\s+said|\s*$)")
_PERSON_SAID = guarded(r"(?=[A-Z])\b(?P<name>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2})(?:,[^,.]{3,90},)?\s+"
                          r"(?:said|says|told)\b")
# Matched over the lower-cased text.
_GROUP_REF = guarded(
    r"(?=t)\b(?:the|this|that)\s+(?:rights\s+|advocacy\s+|human\s+rights\s+|civic\s+)?(?:group|organi[sz]ation|ngo)\s+"
    rf"(?:also\s+)?{_VERBS}\b")
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
def _org_patterns() -> tuple[GuardedPattern, re.Pattern[str], dict[str, str]]:
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

    def char(ch: str) -> str:
        return r"\s+" if ch == " " else "['’]" if ch == "'" else re.escape(ch)

    # "(?=[...])" names the possible first letters; scanned with ``guarded`` (refwatch.extract.scan), the
    # engine skips ahead to them instead of trying every position of the text; the long names are matched in lower case over the lower-cased text, as a prefix tree (about
    # four times faster than a flat IGNORECASE alternation).
    firsts = "".join(sorted({f[0] for f in exact}))
    lowered = {f.lower() for f in loose}
    return (guarded(rf"(?=[{re.escape(firsts)}])(?<![\w-])(?:{alt(exact)})(?![\w-])"),
            re.compile(rf"(?<![\w-]){literal_trie(sorted(lowered), char, longest=True)}(?![\w-])"), canon)


def _key(s: str) -> str:
    return " ".join(re.sub(r"[’']", "'", s).lower().split())


def canonical_organisation(text: str) -> str | None:
    """The canonical name of an organisation written as ``text``, if known."""
    return _org_patterns()[2].get(_key(text))


def _sentence_of(sentences: list[Sentence], starts: list[int], pos: int) -> int:
    """Index of the sentence holding ``pos`` (binary search over the sentence starts), or -1."""
    i = bisect.bisect_right(starts, pos) - 1
    return sentences[i].index if i >= 0 and pos < sentences[i].end else -1


# ``\b(?:said|says|told)\b``, written to open with a character class so that
# ``re`` skips ahead to the next "s" or "t" (a leading ``\b`` makes it try
# every position); the look-behinds check the consumed letter and the word start.
_SAID = re.compile(r"[st](?:(?<=\bs)a(?:id|ys)|(?<=\bt)old)\b")
#: A "X said" match ends at its verb and starts at most this many characters before it
#: (a name of up to three words, then an apposition of up to 92 characters).
_SAID_REACH = 160


def _person_said(text: str, said: list[re.Match[str]] | None = None) -> list[re.Match[str]]:
    """``_PERSON_SAID`` matches, found only in windows that end at a "said" / "says" / "told".

    The same matches as one pass over the text (leftmost first, no overlaps),
    without trying the capitalised-name pattern at every capital letter.
    """
    out: list[re.Match[str]] = []
    free = 0
    for v in (said if said is not None else _SAID.finditer(text)):
        for m in _PERSON_SAID.finditer(text, max(free, v.start() - _SAID_REACH), v.end()):
            out.append(m)
            free = m.end()
    return out


def _person_according(text: str, said: list[re.Match[str]]) -> list[re.Match[str]]:
    """``_PERSON_ACCORDING.finditer(text)``, tried only where a match can start.

    Every match opens with "according", "said", "says" or "told", so only the
    starts of "said" / "says" / "told" (``said``, the ``_SAID`` matches) and
    of "according" are tried, leftmost first and without overlaps.
    """
    starts = [v.start() for v in said]
    i = text.find("ccording")
    while i >= 0:
        if i > 0 and text[i - 1] in "Aa":
            starts.append(i - 1)
        i = text.find("ccording", i + 1)
    out: list[re.Match[str]] = []
    free = 0
    for p in sorted(starts):
        if p < free:
            continue
        m = _PERSON_ACCORDING.match(text, p)
        if m is not None:
            out.append(m)
            free = m.end()
    return out


def find_sources(text: str, sentences: list[Sentence], low: str | None = None) -> list[SourceMention]:
    """Organisation and person sources, attributed or merely mentioned.

    ``low`` is ``lower_text(text)`` when the caller has it (the pipeline
    shares one per document).
    """
    exact, loose, canon = _org_patterns()
    out: list[SourceMention] = []
    spans: list[tuple[int, int]] = []
    starts = [s.start for s in sentences]
    if low is None:
        low = lower_text(text)
    found = [(m.start(), m.end()) for m in exact.finditer(text)] + [(m.start(), m.end()) for m in loose.finditer(low)]
    for m_start, m_end in sorted(found, key=lambda se: (se[0], -se[1])):
        if any(a <= m_start < b for a, b in spans):
            continue
        spans.append((m_start, m_end))
        idx = _sentence_of(sentences, starts, m_start)
        if idx < 0 or sentences[idx].skip:
            continue
        written = text[m_start:m_end]
        name = canon.get(_key(written), written)
        attributed = bool(_AFTER_RE.match(low, m_end, m_end + 140)
                          or _BEFORE_RE.search(low, max(sentences[idx].start, m_start - 60), m_start))
        out.append(SourceMention(m_start, m_end, written, name, "organisation", idx, attributed))
    said = list(_SAID.finditer(text))
    for matches in (_person_according(text, said), _person_said(text, said)):
        for m in matches:
            name = re.sub(r"^(?:Mr|Ms|Mrs|Dr)\.?\s+", "", m.group("name"))
            s = m.start("name")
            if any(a <= s < b for a, b in spans) or set(name.replace("-", " ").split()) & _NOT_PERSON_WORDS:
                continue
            idx = _sentence_of(sentences, starts, s)
            if idx < 0 or sentences[idx].skip:
                continue
            spans.append((s, m.end("name")))
            out.append(SourceMention(s, m.end("name"), name, name, "person", idx, True))
    for m in _GROUP_REF.finditer(low):
        idx = _sentence_of(sentences, starts, m.start())
        if idx >= 0 and not sentences[idx].skip:
            out.append(SourceMention(m.start(), m.end(), text[m.start():m.end()], "", "reference", idx, True))
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
    found = find_sources(doc_text(doc), ext(doc, "sentences"), doc_lower(doc))
    set_ext(doc, "sources", found)
    set_ext(doc, "main_source", main_source(found))
    return doc
