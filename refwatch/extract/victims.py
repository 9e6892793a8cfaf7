"""Named victims: Korean names as English reports write them.

Needs: ``doc._.sentences``. Adds: ``doc._.victims`` (list of :class:`NameMention`).

Finds full names in the usual romanisations ("Kim Cheol Ok", "Kim Chol-ok",
"Lee Myong-hwa": a common surname from the lexicon, then one hyphenated or
one-two capitalised given-name syllables), surnames given alone ("a girl
surnamed Choi", "her last name, Choi"), a bare surname that repeats an
earlier full name ("Kim was detained" after "Kim Cheol Ok"), and a
sentence-initial "She"/"He" that continues the story of the person named
just before. People quoted or described by a role are left out: "said Phil
Robertson", "Ethan Hee-Seok Shin, a legal analyst", "founder Peter Jung",
"Kim Kyu Li, the sister of ..." — they are sources and relatives, not victims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from refwatch.extract.scan import guarded
from refwatch.extract.sentences import Sentence, doc_text, ext, set_ext
from refwatch.extract.triggers import literal_trie
from refwatch.model.vocab import load

__all__ = ["NameMention", "find_victims", "victims_component"]


@dataclass(slots=True)
class NameMention:
    start: int
    end: int
    text: str
    name: str  # the full form the mention refers to
    sentence: int
    kind: str = "full"  # full, surname, coref, pronoun


_GIVEN_STOP = {
    "North", "South", "Korea", "Korean", "Koreans", "China", "Chinese", "Province", "City", "River", "University",
    "Institute", "Foundation", "Center", "Centre", "Street", "Road", "Said", "And", "The", "In", "On", "Of", "Was",
    "Is", "Has", "Had", "Jong", "Il", "Sung", "Group", "Ministry", "Agency", "Times", "Daily", "News", "Camp",
    "County", "Prison", "Police", "Security", "Airport", "Station", "Hospital", "Church", "Mission",
} - {"Jong", "Il", "Sung"}
_SAID_AFTER = re.compile(
    r"^[’'\"”]?\s*(?:\([^)]{0,40}\)\s*)?(?:,[^,.]{0,80},\s*)?(?:has\s+|had\s+)?"
    r"(?:said|says|told|added|wrote|explained|estimates|estimated|noted|argued|warned|stated|emphasi[sz]es|believes)\b")
_SAID_BEFORE = re.compile(r"(?:said|says|according\s+to|told|by|quoted|quoting|wrote|asked)\s+(?:[A-Z][\w.-]*\s+){0,2}$")
_RELATIVE_AFTER = re.compile(
    r"^,?\s+(?:the|her|his|their)\s+(?:\w+\s+)?(?:sister|brother|mother|father|son|daughter|wife|husband|aunt|uncle|"
    r"cousin|relative|friend|niece|nephew|grandmother|grandfather|lawyer)\s+of\b", re.IGNORECASE)
# What stands between a name and its other spelling: "(", " - ", "/", "(spelled", ", also written".
_ALIAS_BETWEEN = re.compile(r"\s*(?:\(\s*(?:(?:also\s+)?(?:spelled|spelt|written|romani[sz]ed)(?:\s+as)?\s+)?|"
                            r"[-–—/]\s*|,?\s+(?:also\s+)?(?:spelled|spelt|written|romani[sz]ed)(?:\s+as)?\s+)")
_PRONOUN_START = re.compile(r"^[“\"']?(She|He|Her|His)\b")
_POSSESSIVE = re.compile(r"^[’']s\b")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], frozenset[str], frozenset[str]]:
    lex = load("triggers")
    surnames = sorted(set(lex["korean_surnames"]), key=len, reverse=True)
    # As a prefix tree: the same matches as the flat longest-first alternation (a surname is always
    # followed by a space or a non-word character, so only one of them can match at a place), tried
    # one shared prefix at a time.
    sur = literal_trie(surnames, longest=True)
    given = r"[A-Z][a-z]{1,6}(?:-[A-Za-z][a-z]{1,6})?"
    # "(?=[A-Z])" first: the surnames are not tried at every position (about twice as fast; names
    # always start with a capital); ``guarded`` (refwatch.extract.scan) scans for the part after the
    # leading guards, so that the engine skips ahead to capitals (about three times faster again).
    full = guarded(rf"(?=[A-Z])(?<![\w-])(?P<sur>{sur})\s+(?P<g1>{given})(?:\s+(?P<g2>[A-Z][a-z]{{1,6}})(?![\w-]))?(?![\w-])")
    surnamed = guarded(
        r"(?=[sflik])\b(?:surnamed|last\s+name,?|family\s+name,?|identified\s+(?:only\s+)?as|known\s+only\s+as|"
        r"identified\s+only\s+by\s+(?:her|his)\s+(?:sur|family\s+|last\s+)?name,?)\s+"
        r"(?:(?:Mr|Ms|Mrs|Miss|Dr)\.?\s+)?(?P<name>[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?)")
    bare = guarded(rf"(?=[A-Z])(?<![A-Z][a-z]\s)(?<![\w-])(?P<sur>{sur})(?![\w-])(?!\s+[A-Z])")
    role_before = re.compile(lex["role_before_name"], re.IGNORECASE)
    not_victims = frozenset(n.lower().replace("-", " ") for n in lex["not_victims"])
    return full, surnamed, bare, role_before, not_victims, frozenset(surnames)


_VOWELS = re.compile(r"[aeiouyw]")


@lru_cache(maxsize=4096)
def _spelling_key(name: str) -> str:
    """One key for the romanisations of one full name: the surname's canonical form and the consonants of the
    folded given name ("Choe Kyong-hui" and "Choi Kyung-hee" both give "choi|kngh"); "" without a given name.

    Vowels are dropped because the systems differ most in them (yo/yeo/yu, u/oo, ui/ee); the consonants
    tell apart relatives who share one syllable ("Sim Hye-ryon", "Sim Hye-gyong").
    """
    from refwatch.resolve.names import split_name

    surname, given = split_name(name)
    given = _VOWELS.sub("", given)
    return f"{surname}|{given}" if surname and len(given) >= 2 else ""


def _is_source_or_role(text: str, start: int, end: int, role_before: re.Pattern[str]) -> bool:
    after = text[end:end + 120]
    before = text[max(0, start - 40):start]
    # "... said Choe Kum-hui, 45, and her daughter were detained": an age or a partner marks the subject
    # of the reported event, not the speaker.
    reported_subject = bool(re.match(r"^\s+(?:was|were|had|has|is|and)\b|^,\s*\d{1,3},\s*(?:and|was|were|had)\b",
                                     after))
    if _SAID_AFTER.search(after) or (_SAID_BEFORE.search(before) and not reported_subject) \
            or _RELATIVE_AFTER.search(after):
        return True
    if re.match(r"^,\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:analyst|researcher|director|founder|head|chief|spokes\w+|"
                r"official|minister|activist|pastor|missionary|professor|lawyer|journalist|reporter|member|leader|"
                r"officer|representative|envoy|rapporteur|chair\w*|president)\b", after, re.IGNORECASE):
        return True
    return bool(role_before.search(before))


def _sentence_index(sentences: list[Sentence], pos: int) -> int:
    lo, hi = 0, len(sentences) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if sentences[mid].end <= pos:
            lo = mid + 1
        elif sentences[mid].start > pos:
            hi = mid - 1
        else:
            return mid
    return -1


def find_victims(text: str, sentences: list[Sentence]) -> list[NameMention]:
    """Names that may be victims, in text order, with coreference resolved."""
    full, surnamed, bare, role_before, not_victims, _ = _patterns()
    found: list[NameMention] = []
    taken: list[tuple[int, int]] = []
    for m in full.finditer(text):
        g1, g2 = m.group("g1"), m.group("g2")
        if g1 in _GIVEN_STOP or (g2 and g2 in _GIVEN_STOP):
            if g1 in _GIVEN_STOP:
                continue
            end = m.end("g1")
        else:
            end = m.end()
        name = text[m.start():end]
        taken.append((m.start(), end))
        if name.lower().replace("-", " ") in not_victims:
            continue
        if _POSSESSIVE.match(text[end:end + 3]) or _is_source_or_role(text, m.start(), end, role_before):
            continue
        idx = _sentence_index(sentences, m.start())
        if idx >= 0 and not sentences[idx].skip:
            if found and found[-1].kind == "full" and _ALIAS_BETWEEN.fullmatch(text, found[-1].end, m.start()):
                # "Ri Chol-ho (Lee Cheol-ho)", "Ahn Chol-min - An Cheol-min on his papers": the other
                # romanisation of the same person
                found.append(NameMention(m.start(), end, name, found[-1].name, idx, "coref"))
                continue
            key = _spelling_key(name)
            same = next((v for v in found if v.kind == "full" and v.text != name and key
                         and _spelling_key(v.text) == key), None)
            if same is not None:
                # "Choe Kyong-hui; in the South we would write it Choi Kyung-hee", "registered in the
                # North as Ri Ok-nam": another romanisation of a name already given, however it is
                # introduced, is the same person under the first spelling.
                found.append(NameMention(m.start(), end, name, same.name, idx, "coref"))
                continue
            found.append(NameMention(m.start(), end, name, name, idx, "full"))
    for m in surnamed.finditer(text):
        idx = _sentence_index(sentences, m.start("name"))
        if idx >= 0 and not sentences[idx].skip:
            nm = m.group("name")
            found.append(NameMention(m.start("name"), m.end("name"), nm, nm, idx, "surname"))
            taken.append((m.start("name"), m.end("name")))
    found.sort(key=lambda v: v.start)
    # Bare surnames and pronouns refer back to a victim already named.
    extra: list[NameMention] = []
    for m in bare.finditer(text):
        s, e = m.start(), m.end()
        if any(a <= s < b for a, b in taken) or _POSSESSIVE.match(text[e:e + 3]):
            continue
        prior = [v for v in found if v.start < s and v.name.split()[0] == m.group("sur")]
        if not prior or _is_source_or_role(text, s, e, role_before):
            continue
        idx = _sentence_index(sentences, s)
        if idx >= 0 and not sentences[idx].skip:
            extra.append(NameMention(s, e, m.group(0), prior[-1].name, idx, "coref"))
    found = sorted(found + extra, key=lambda v: v.start)
    pronouns: list[NameMention] = []
    for sent in sentences:
        if sent.skip:
            continue
        pm = _PRONOUN_START.match(text[sent.start:sent.end])
        if not pm:
            continue
        prior = [v for v in found if v.sentence < sent.index and sent.index - v.sentence <= 3]
        if prior:
            s = sent.start + pm.start(1)
            pronouns.append(NameMention(s, s + len(pm.group(1)), pm.group(1), prior[-1].name, sent.index, "pronoun"))
    return sorted(found + pronouns, key=lambda v: v.start)


@Language.component("refwatch_victims", assigns=["doc._.victims"], requires=["doc._.sentences"])
def victims_component(doc: Doc) -> Doc:
    set_ext(doc, "victims", find_victims(doc_text(doc), ext(doc, "sentences")))
    return doc
