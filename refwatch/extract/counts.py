"""Find head counts ("at least 92 persons", "hundreds of North Koreans") and
shares ("over 70 per cent are women") in text.

Pure functions over plain strings; offsets are into the string given.
Qualifiers and the low/high they imply follow DESIGN.md "Conventions" and
``refwatch/model/data/qualifiers.json``:

=========  ======================  ===========
qualifier  example                 low .. high
=========  ======================  ===========
exact      "600", "seven"          N .. N
at_least   "at least 92"           N .. None
more_than  "over 500"              N+1 .. None
up_to      "as many as 1,500"      None .. N
nearly     "nearly 50"             None .. N
about      "an estimated 300"      None .. None
between    "50 to 60"              50 .. 60 (best None)
vague      "hundreds"              floor .. None (best None)
=========  ======================  ===========

Nouns that count people are listed below, with more (``person_heads``:
"arrivals") in ``refwatch/model/data/number_words.json``.

Every number is returned together with the noun it counts (``head``), so the
caller decides what is a count of people: "five crossings" comes back with
head "crossings" and ``refers_to == "other"``. Numbers that are not counts
(years, dates, ages, times, money, percentages, ordinals, names such as
"Camp 16", durations such as "three years") are not returned at all.

Written with ``re`` rather than a parser library so that both functions stay
well under a millisecond for a 4 KB text (see tests for the measurement).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from refwatch.extract.numbers import (
    DIGITS_RE_SRC,
    KOREAN_VAGUE_FLOORS,
    TENS,
    UNITS,
    NUMBER_WORDS_RE_SRC,
    SHARE_WORDS,
    VAGUE_FLOORS,
    VAGUE_RE_SRC,
    lower_same_length,
    parse_number,
)
from refwatch.extract.triggers import literal_trie
from refwatch.model.vocab import load
from refwatch.model.records import Count

__all__ = [
    "CountMention",
    "ShareMention",
    "find_counts",
    "find_shares",
    "make_count",
    "head_kind",
]

# --- vocabularies -------------------------------------------------------------

#: Qualifier phrases written before the number, longest match wins.
_PREFIX_QUALIFIERS: dict[str, str] = {
    "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least",
    "not less than": "at_least", "not fewer than": "at_least", "a minimum of": "at_least",
    "at minimum": "at_least", "a confirmed": "at_least", "at the very least": "at_least",
    "more than": "more_than", "over": "more_than", "upwards of": "more_than",
    "in excess of": "more_than", "well over": "more_than", "just over": "more_than",
    "greater than": "more_than", "above": "more_than", "well above": "more_than",
    "up to": "up_to", "as many as": "up_to", "no more than": "up_to", "not more than": "up_to",
    "a maximum of": "up_to", "at most": "up_to", "fewer than": "up_to", "less than": "up_to",
    "under": "up_to", "at the most": "up_to", "as much as": "up_to",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just under": "nearly",
    "nearing": "nearly", "approaching": "nearly", "just shy of": "nearly", "near": "nearly",
    "about": "about", "around": "about", "some": "about", "roughly": "about",
    "approximately": "about", "approx.": "about", "an estimated": "about", "estimated": "about",
    "est.": "about", "circa": "about", "c.": "about", "an approximate": "about",
    "a reported": "about", "reportedly": "about", "perhaps": "about", "possibly": "about",
    "an average of": "about", "on average": "about", "or so": "about", "something like": "about",
    "exactly": "exact", "precisely": "exact", "a total of": "exact", "only": "exact",
    "just": "exact", "all": "exact", "a further": "exact", "another": "exact",
}
#: Qualifier phrases written after the number ("92 or more").
_SUFFIX_QUALIFIERS: dict[str, str] = {
    "or more": "at_least", "and more": "at_least", "or above": "at_least", "plus": "at_least",
    "+": "at_least", "or so": "about", "odd": "about", "-odd": "about", "or fewer": "up_to",
    "or less": "up_to", "at most": "up_to", "at least": "at_least",
}
_QUAL_RANK = {"between": 4, "at_least": 3, "more_than": 3, "up_to": 3, "nearly": 3,
              "about": 1, "exact": 0}

_KOREAN_PREFIX = {"약": "about", "대략": "about", "최소": "at_least", "적어도": "at_least",
                  "최대": "up_to", "거의": "nearly", "무려": "exact"}
_KOREAN_SUFFIX = {"이상": "at_least", "이하": "up_to", "미만": "up_to", "가량": "about",
                  "정도": "about", "쯤": "about", "남짓": "more_than", "넘는": "more_than",
                  "넘게": "more_than", "넘": "more_than", "여": "more_than"}

#: Heads that are people. Singular forms map to the plural so heads compare equal.
_PERSON_HEADS: dict[str, str] = {}
for _plural, _singulars in [*{
    "people": ["person"], "persons": [], "individuals": ["individual"],
    "north koreans": ["north korean"], "south koreans": ["south korean"], "koreans": ["korean"],
    "defectors": ["defector"], "escapees": ["escapee"], "refugees": ["refugee"],
    "migrants": ["migrant"], "women": ["woman"], "men": ["man"], "children": ["child"],
    "girls": ["girl"], "boys": ["boy"], "babies": ["baby"], "infants": ["infant"],
    "minors": ["minor"], "teenagers": ["teenager"], "teens": ["teen"], "adults": ["adult"],
    "detainees": ["detainee"], "prisoners": ["prisoner"], "inmates": ["inmate"],
    "deportees": ["deportee"], "returnees": ["returnee"], "victims": ["victim"],
    "family members": ["family member"], "relatives": ["relative"], "members": ["member"],
    "nationals": ["national"], "citizens": ["citizen"], "residents": ["resident"],
    "workers": ["worker"], "students": ["student"], "soldiers": ["soldier"],
    "officials": ["official"], "survivors": ["survivor"], "asylum seekers": ["asylum seeker"],
    "mothers": ["mother"], "fathers": ["father"], "daughters": ["daughter"], "sons": ["son"],
    "sisters": ["sister"], "brothers": ["brother"], "wives": ["wife"], "husbands": ["husband"],
    "orphans": ["orphan"], "brokers": ["broker"], "missionaries": ["missionary"],
    "pastors": ["pastor"], "activists": ["activist"], "captives": ["captive"],
    "fugitives": ["fugitive"], "crossers": ["crosser"], "border crossers": ["border crosser"],
    "others": [], "persons detained": [], "elderly": [], "civilians": ["civilian"],
    "trafficking victims": ["trafficking victim"], "laborers": ["laborer"],
    "labourers": ["labourer"], "fishermen": ["fisherman"], "sailors": ["sailor"],
    "passengers": ["passenger"], "suspects": ["suspect"], "detainee": [],
    "pregnant women": [], "grandchildren": ["grandchild"], "nieces": ["niece"],
    "nephews": ["nephew"], "uncles": ["uncle"], "aunts": ["aunt"], "cousins": ["cousin"],
    "grandmothers": ["grandmother"], "grandfathers": ["grandfather"],
    "teenage girls": ["teenage girl"], "young women": ["young woman"],
    # one death is one person: "It recorded four deaths in custody"
    "deaths": ["death"], "executions": ["execution"], "suicides": ["suicide"],
}.items(), *((k, v) for k, v in load("number_words").get("person_heads", {}).items() if not k.startswith("_"))]:
    _PERSON_HEADS[_plural] = _plural
    for _s in _singulars:
        _PERSON_HEADS[_s] = _plural
_CASE_HEADS = {"instances": "instances", "instance": "instances", "cases": "cases",
               "case": "cases", "incidents": "incidents", "incident": "incidents",
               "occasions": "occasions", "occasion": "occasions", "episodes": "episodes",
               "episode": "episodes"}
#: Two-word nouns read as one token.
_COMPOUNDS = {
    ("north", "koreans"), ("north", "korean"), ("south", "koreans"), ("south", "korean"),
    ("crossing", "points"), ("crossing", "point"), ("border", "crossings"),
    ("border", "crossing"), ("detention", "centres"), ("detention", "centers"),
    ("detention", "centre"), ("detention", "center"), ("family", "members"),
    ("family", "member"), ("asylum", "seekers"), ("asylum", "seeker"), ("prison", "camps"),
    ("labour", "camps"), ("labor", "camps"), ("border", "crossers"), ("border", "crosser"),
}
#: Words before the noun that do not change what is counted.
_MODIFIERS = {
    "other", "more", "additional", "further", "separate", "different", "new", "individual",
    "elderly", "young", "old", "older", "younger", "female", "male", "pregnant", "teenage",
    "underage", "adult", "minor", "unaccompanied", "identified", "unidentified", "known",
    "unknown", "alleged", "suspected", "confirmed", "reported", "documented", "recorded",
    "verified", "total", "such", "north", "south", "korean", "koreans", "chinese", "foreign",
    "fellow", "former", "forced", "forcible", "illegal", "undocumented", "vulnerable",
    "missing", "innocent", "defecting", "escaping", "fleeing", "same", "whole", "entire",
    "main", "major", "official", "more", "recent", "similar", "named", "unnamed", "local",
    "ethnic", "stateless", "political", "frightened", "desperate", "detained", "deported",
    "arrested", "repatriated", "returned", "captured", "caught", "held", "imprisoned",
    "jailed", "executed", "trafficked", "sold", "abducted", "kidnapped", "dead", "killed",
    "rescued", "released", "sent", "transferred", "fled", "escaped", "newborn",
}
#: Words that end a noun phrase.
_STOPS = {
    "a", "an", "the", "this", "that", "these", "those", "their", "his", "her", "its", "our",
    "my", "your", "who", "whom", "whose", "which", "what", "were", "was", "are", "is", "be",
    "been", "being", "have", "has", "had", "do", "did", "does", "will", "would", "could",
    "should", "may", "might", "must", "can", "and", "or", "but", "nor", "to", "in", "on",
    "at", "by", "for", "from", "with", "without", "into", "onto", "of", "off", "out", "up",
    "down", "over", "under", "about", "after", "before", "since", "until", "during",
    "across", "through", "among", "between", "against", "as", "than", "then", "there",
    "here", "where", "when", "while", "if", "so", "not", "no", "all", "each", "every",
    "they", "them", "it", "he", "she", "we", "you", "i", "me", "us", "him", "per", "ago",
    "later", "earlier", "back", "away", "also", "still", "now", "just", "only", "very",
    "too", "both", "either", "neither", "via", "according", "said", "say", "says",
    "reportedly", "allegedly", "recently", "apparently", "including", "like", "near",
}
#: Heads that mean the number is a duration, a measure or money: not a count at all.
_NOT_COUNT_HEADS = {
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
    "minute", "minutes", "second", "seconds", "decade", "decades", "century", "centuries",
    "time", "times", "night", "nights", "am", "pm", "km", "kilometres", "kilometers",
    "kilometre", "kilometer", "miles", "mile", "metres", "meters", "metre", "meter", "kg",
    "kilograms", "tons", "tonnes", "feet", "foot", "inches", "hectares", "degrees",
    "dollars", "dollar", "yuan", "won", "euros", "euro", "pounds", "yen", "usd", "rmb",
    "krw", "percent", "cent", "pct", "o'clock", "oclock", "gmt", "kst", "utc", "hrs",
    "mins", "sq", "square", "acres", "lbs", "mph", "storey", "stories", "floors", "stars",
}

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|JAN|FEB|MAR|APR|MAY|JUNE?|"
    r"JULY?|AUG|SEPT?|OCT|NOV|DEC)"
)

# The period of an abbreviated month ("Oct. 9"); after a full name it ends the sentence ("on 4 June. Three men").
_ABBR_PERIOD = (r"(?:(?:(?<=Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec|JAN|FEB|MAR|APR|JUN|JUL|AUG|SEP|OCT|NOV|DEC)"
                r"(?<![A-Za-z]{4})|(?<=Sept|SEPT))\.)")

# --- regexes (compiled once at import) ---------------------------------------

# Anchor: a digit number, number words or a vague plural. Numbers glued to
# letters ("G20", "COVID-19") or to other digits are not anchors.
_ANCHOR_RE = re.compile(
    rf"(?<![\w.,/:#$€£¥₩–—-])(?<![A-Za-z]-)"
    rf"(?:(?P<vague>(?i:{VAGUE_RE_SRC}))\b|(?P<digits>{DIGITS_RE_SRC})(?!\w)|(?P<words>(?i:\b{NUMBER_WORDS_RE_SRC})\b))"
)
_DIGIT_RUN_RE = re.compile(r"[0-9][0-9]*")  # [0-9]+, written to open with a class: re then skips ahead in C
# Number words as a prefix tree, longest first (the same matches as a
# longest-first alternation of the literals, at under half the cost).
_WORD_SCAN_RE = re.compile(literal_trie(
    [*UNITS, *TENS, "a dozen", "a hundred", "a thousand", "a million", "half a", "a few",
     "dozens", "hundreds", "thousands", "millions", "tens of", "several", "scores of", "a handful"],
    longest=True))
#: Longest number phrase of ``_WORD_SCAN_RE`` (how far a match may run past a span's end).
_WORD_SCAN_OVERRUN = 16
_PREFIX_RE = re.compile(
    r"(?i:(?:^|(?<=[^\w]))(?P<q>"
    + "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(_PREFIX_QUALIFIERS, key=len, reverse=True))
    + r")\s+(?:(?:an?\s+)?estimated\s+)?$)"
)
_BETWEEN_BEFORE_RE = re.compile(r"(?i:(?:^|(?<=\W))(?:between|from)\s+$)")
_RANGE_AFTER_RE = re.compile(
    rf"(?i:\s*(?:-|–|—|to|or|and)\s*)(?P<n2>{DIGITS_RE_SRC}(?![\d,])|(?i:{NUMBER_WORDS_RE_SRC})(?![\w-]))"
)
_SUFFIX_RE = re.compile(r"(?i:\s*(?P<s>\+|-odd\b|-plus\b|\s(?:or\s+more|and\s+more|or\s+above|plus|or\s+so|odd|or\s+fewer|or\s+less)\b))")
_OF_RE = re.compile(r"(?i:\s+of(?:\s+(?:the|these|those|their))?)\s+(?=[A-Za-z])")
_WORD_RE = re.compile(r"\s*([A-Za-z][A-Za-z'’]*)")
# Up to six words separated only by whitespace (a noun phrase does not run
# across punctuation): what six successive ``_WORD_RE`` matches read.
_WORDS6_RE = re.compile(r"\s*([A-Za-z][A-Za-z'’]*)" + "".join(
    r"(?:\s*([A-Za-z][A-Za-z'’]*)" for _ in range(5)) + ")?" * 5)

# Context that says the number is not a head count.
_BEFORE_EXCLUDE_RE = re.compile(
    rf"(?:(?:{_MONTHS}){_ABBR_PERIOD}?\s*|[$€£¥₩]\s*|(?i:us|usd|rmb|krw|hk|s)\$\s*|"
    r"(?i:\b(?:camp|kwalliso|no\.?|nos\.?|number|unit|article|art\.|section|sec\.|chapter|"
    r"room|cell|ward|block|building|route|line|bureau|prison|team|resolution|code|clause|"
    r"paragraph|para\.|item|page|p\.|pp\.|vol\.|volume|level|grade|class|zone|district|"
    r"apartment|flat|gate|exit|phase|stage|division|bus|flight|aged|age|ages|"
    r"figure|fig\.|table|platform|ranked|version|covid|protocol|model|issue|episode|"
    r"season|size|id|tel\.?|phone|fax)\s*)|#\s*)$"
)
_AFTER_EXCLUDE_RE = re.compile(
    rf"(?:(?:st|nd|rd|th)\b|\s*(?:%|％)|(?i:\s*(?:-|\s)?\s*per\s*cent\b|\s*percent\b|\s*pct\b)|"
    rf"(?i:[\s-]*(?:years?|months?|weeks?|days?)[\s-]*old\b|\s+years?\s+of\s+age\b)|"
    rf"\s*:\d\d|(?i:\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock|o’clock|hrs\b|h\b))|"
    rf"\.\d|\s*(?:th\s+of\s+|of\s+)?(?:{_MONTHS})\b|-[A-Za-z]|\s*[$€£¥₩]|/\d|"
    rf"(?i:\s+(?:million|billion|thousand)?\s*(?:dollars|yuan|won|euros|pounds|yen|usd|rmb|krw)\b))"
)
#: Longest thing ``_BEFORE_EXCLUDE_RE`` can match before its trailing spaces
#: ("resolution", "September."), plus one character for its ``\b``: the
#: search starts that far before the last non-space character.
_BEFORE_EXCLUDE_REACH = 16
#: The words of ``_BEFORE_EXCLUDE_RE`` that may end its match (lower case; each
#: follows a word boundary, so it is the whole last run of letters).
_BEFORE_EXCLUDE_WORDS = frozenset(
    "camp kwalliso no nos number unit article section chapter room cell ward block building route line bureau "
    "prison team resolution code clause paragraph item page volume level grade class zone district apartment "
    "flat gate exit phase stage division bus flight aged age ages figure table platform ranked version covid "
    "protocol model issue episode season size id tel phone fax".split())
#: Month names and abbreviations in lower case: the regex matches them without
#: a word boundary, so they are tested as endings of the last run of letters.
_BEFORE_EXCLUDE_MONTHS = ("jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun",
                          "june", "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october",
                          "nov", "november", "dec", "december")
#: Last word of every prefix qualifier (and of "estimated"): text before a
#: number that ends with none of them cannot hold a qualifier.
_PREFIX_TAILS = tuple(sorted({k.split()[-1] for k in _PREFIX_QUALIFIERS} | {"estimated"}))
_PREFIX_TAIL_REACH = max(map(len, _PREFIX_TAILS)) + 1
_HANGUL_RE = re.compile("[\uac00-\ud7a3]")
# "a family of five", "a North Korean family of five" (up to three words between)
_FAMILY_OF_RE = re.compile(r"(?i)\b(?:an?|one|his|her|their)\s+(?:(?!and\b|or\b|with\b)[a-z][\w'’-]*\s+){0,3}?family\s+of\s+$")
# "a boy of 16", "a woman of 45": the number is an age
_AGE_OF_RE = re.compile(
    r"(?i)\b(?:boy|girl|man|woman|child|son|daughter|teenager|teen|youth|lady|"
    r"defector|refugee|escapee|prisoner|detainee|person|student|"
    r"worker|soldier)\s+of\s+$")
# "four of them", "five of whom": the pronoun stands for people named before
_OF_PEOPLE_RE = re.compile(r"(?i:\s+of\s+(?:them|whom|us)\b)")
# "the 1951 Refugee Convention": a capitalised name goes on after the head
_NAME_GOES_ON_RE = re.compile(r"[ \t]+[A-Z][a-z]")
_NO_BEFORE_RE = re.compile(r"(?i)\bno\s+$")
_ESTIMATED_END_RE = re.compile(r"(?i)estimated\s+$")
_SPACES_RE = re.compile(r"\s+")
_SPACES_DASHES_RE = re.compile(r"[\s-]+")
_LONG_DIGITS_RE = re.compile(r"\d{8,}")
_AGE_APPOSITION_BEFORE_RE = re.compile(r"[A-Za-z]\s*,\s*$")
_AGE_APPOSITION_AFTER_RE = re.compile(r"\s*,")
_YEAR_RE = re.compile(r"(?:1[89]\d\d|20\d\d)")

_KOREAN_RE = re.compile(
    r"(?:(?P<kq>약|대략|최소|적어도|최대|거의|무려)\s*)?"
    r"(?P<kn>\d{1,3}(?:,\d{3})+|\d+|수십|수백|수천|수만)\s*"
    r"(?P<yeo>여)?\s*(?P<ku>명|건)"
    r"(?:\s*(?P<ks>이상|이하|미만|가량|정도|쯤|남짓|넘는|넘게|넘))?"
)

# Shares are found by two scans whose matches can never overlap (a number
# before a per-cent sign; a fraction word before "of"), so their merged
# matches are exactly those of one alternation, and the slow case-insensitive
# word scan runs only when a fraction word occurs at all.
_SHARE_NUM_RE = re.compile(
    r"(?<![\w.,])(?P<n>\d{1,3}(?:\.\d+)?)\s*(?:%|％|(?i:-?\s*per\s*cent\b|percent\b|pct\b))"
)
_SHARE_WORD_RE = re.compile(
    r"(?P<w>(?i:\b(?:" + "|".join(re.escape(k).replace(r"\ ", r"\s+").replace(r"\-", "[-\\s]")
                                 for k in sorted(SHARE_WORDS, key=len, reverse=True)) + r")\b))(?=\s+of\b)"
)
#: Every fraction word contains one of these; "ı" and "İ" match "i" under
#: the regex's case folding but not after ``str.lower``, so they force the scan.
_SHARE_WORD_HINTS = ("half", "third", "quarter")
#: ... and every match has "of" after the fraction word: the case-insensitive
#: word scan (slow: it opens with ``\b``) runs only when this cheap scan finds one.
_SHARE_WORD_HINT_RE = re.compile(r"(?:half|thirds?|quarters?)\s+of\b")
_SHARE_CATEGORIES = (
    r"women|men|girls|boys|children|minors|females?|males?|elderly|infants|babies|"
    r"teenagers|adults|mothers|pregnant\s+women|young\s+women|defectors|refugees"
)
_SHARE_OF_AFTER_RE = re.compile(
    rf"(?i:(?:\s+(?:of\s+(?:them|whom|those|these|the\s+\w+(?:\s+\w+)?|all\s+\w+))?)?"
    rf"(?:\s*,)?\s+(?:(?:are|were|is|was|being|be|estimated\s+to\s+be|believed\s+to\s+be|"
    rf"thought\s+to\s+be|reported\s+to\s+be|said\s+to\s+be|reportedly|of\s+them|of\s+whom\s+(?:are|were))\s+)*"
    rf"(?:(?:estimated|believed|thought|reported|said)\s+to\s+be\s+)?"
    rf"(?P<cat>{_SHARE_CATEGORIES})\b)"
)
_SHARE_OF_BEFORE_RE = re.compile(
    rf"(?i:\b(?P<cat>{_SHARE_CATEGORIES})\s+(?:make\s+up|made\s+up|makes\s+up|account\s+for|"
    rf"accounted\s+for|accounts\s+for|comprise|comprised|constitute|constituted|represent|"
    rf"represented|are|were)\s+(?:\w+\s+){{0,3}}$)"
)


# --- records ------------------------------------------------------------------

@dataclass
class CountMention:
    """A number that may count people or cases, with the noun it counts.

    ``refers_to`` is "persons", "cases", "other" (crossings, buses...) or
    None when no noun follows ("the seven were arrested").
    """

    start: int
    end: int
    text: str
    count: Count
    head: str | None
    share: float | None = None
    refers_to: str | None = None


@dataclass
class ShareMention:
    """A proportion: "over 70 per cent are women" -> share 0.7, of "women"."""

    start: int
    end: int
    text: str
    share: float
    of: str | None = None
    qualifier: str = "exact"


# --- helpers ------------------------------------------------------------------

def make_count(best: int | None, qualifier: str, *, low: int | None = None,
               high: int | None = None, unit: str = "persons", text: str = "") -> Count:
    """Build a ``Count`` whose low/high follow from the qualifier (DESIGN.md)."""
    if qualifier == "exact":
        low, high = best, best
    elif qualifier == "at_least":
        low, high = best, None
    elif qualifier == "more_than":
        low, high = (best + 1 if best is not None else None), None
    elif qualifier in ("up_to", "nearly"):
        low, high = None, best
    elif qualifier == "about":
        low, high = None, None
    elif qualifier == "between":
        best = None
    elif qualifier == "vague":
        best, high = None, None
    return Count(best=best, qualifier=qualifier, low=low, high=high, unit=unit, text=text)


def head_kind(head: str | None) -> str | None:
    """"persons", "cases" or "other" for a head returned by :func:`find_counts`."""
    if head is None:
        return None
    if head in _CASE_HEADS.values():
        return "cases"
    if head in _PERSON_HEADS.values():
        return "persons"
    return "other"


def _excluded_before(before: str) -> bool:
    """``_BEFORE_EXCLUDE_RE.search(before)``, searching only the tail it can match.

    On plain ASCII the regex runs only when the text (trailing spaces
    stripped) ends in ".", "$", "#", one of its words, or a month name:
    every match ends so. Other text goes to the regex, whose case folding
    differs from ``str.lower`` for a few letters.
    """
    stripped = before.rstrip()
    tail = len(stripped)
    seg = stripped[-_BEFORE_EXCLUDE_REACH - 1:]
    if seg.isascii():
        last = seg[-1:]
        if not last:
            return False
        if last not in ".$#":
            if not last.isalpha():
                return False
            i = len(seg) - 1
            while i > 0 and seg[i - 1].isalpha():
                i -= 1
            word = seg[i:].lower()
            if word not in _BEFORE_EXCLUDE_WORDS and not word.endswith(_BEFORE_EXCLUDE_MONTHS):
                return False
    return _BEFORE_EXCLUDE_RE.search(before, max(0, tail - _BEFORE_EXCLUDE_REACH)) is not None


def _prefix_qualifier(before: str) -> re.Match[str] | None:
    """``_PREFIX_RE.search(before)``, skipped when ``before`` cannot end in a qualifier.

    The pattern needs trailing space after a qualifier's last word; checking
    that word on plain ASCII is exact (other text goes to the regex, whose
    case folding differs from ``str.lower`` for a few letters).
    """
    if not before or not before[-1].isspace():
        return None
    tail = before.rstrip()[-_PREFIX_TAIL_REACH:]
    if tail.isascii() and not tail.lower().endswith(_PREFIX_TAILS):
        return None
    return _PREFIX_RE.search(before)


#: Letters the regex's case folding equates with ASCII ones that ``str.lower`` keeps apart.
_FOLD = str.maketrans({"ı": "i", "İ": "i", "ſ": "s"})


def _prefix_qualifier_of(words: str) -> str:
    """The qualifier named by a ``_PREFIX_RE`` match ("at  least" -> "at_least")."""
    key = _SPACES_RE.sub(" ", words.translate(_FOLD).lower())
    return _PREFIX_QUALIFIERS.get(key, "exact")


def _pick_qualifier(found: list[str]) -> str:
    """Several qualifier words on one number: the most informative one wins."""
    best_q = "exact"
    for q in found:
        if _QUAL_RANK.get(q, 0) >= _QUAL_RANK.get(best_q, 0):
            best_q = q
    return best_q


def _read_head(text: str, pos: int) -> tuple[str | None, int, bool]:
    """Noun counted by the number that ends at ``pos``.

    Returns (head, end offset, excluded) where ``excluded`` says the phrase
    shows the number is a duration/measure/money, not a count.
    """
    words: list[tuple[str, int]] = []
    run = _WORDS6_RE.match(text, pos)
    if run is not None:
        # one lower-casing for the whole run: ASCII letters and apostrophes keep their length
        base = run.start()
        low = run.group().lower().replace("’", "'")
        for k in range(1, 7):
            w_end = run.end(k)
            if w_end < 0:
                break
            words.append((low[run.start(k) - base:w_end - base], w_end))
    if words and words[0][0] in _NOT_COUNT_HEADS:
        return None, pos, True
    collected: list[str] = []
    end = pos
    i = 0
    while i < len(words) and i < 5:
        w, w_end = words[i]
        nxt = words[i + 1][0] if i + 1 < len(words) else None
        if w in _STOPS:
            break
        if nxt is not None and (w, nxt) in _COMPOUNDS:
            pair = f"{w} {nxt}"
            after = words[i + 2][0] if i + 2 < len(words) else None
            if not pair.endswith("s") and after is not None and after not in _STOPS:
                if pair in ("north korean", "south korean"):
                    i += 2  # "North Korean defectors": an adjective, not the head
                    continue
                collected.append(pair)  # "border crossing points"
                i += 2
                continue
            if pair in _PERSON_HEADS:
                return _PERSON_HEADS[pair], words[i + 1][1], False
            collected = [pair]
            end = words[i + 1][1]
            i += 2
            # "crossing points" is already a full noun; a following noun extends it
            if pair.endswith("s"):
                return pair, end, False
            continue
        if w in _NOT_COUNT_HEADS and not collected:
            return None, pos, True
        if w in _PERSON_HEADS and not (w in ("korean", "elderly", "adult", "minor") and nxt
                                       and nxt not in _STOPS):
            phrase = " ".join(collected + [w]) if collected else w
            if phrase in _PERSON_HEADS:
                return _PERSON_HEADS[phrase], w_end, False
            return _PERSON_HEADS[w], w_end, False
        if w in _CASE_HEADS:
            return _CASE_HEADS[w], w_end, False
        if w in _MODIFIERS or w.endswith("ly"):
            if nxt is not None and nxt not in _STOPS and not collected:
                i += 1
                continue
            break  # "thousands more": no noun follows
        if w.endswith("s") and not w.endswith(("ss", "us", "is", "ous")) and len(w) > 2:
            collected.append(w)
            return " ".join(collected), w_end, False
        if w.endswith(("ing", "ed")) and collected:
            break
        collected.append(w)
        end = w_end
        i += 1
    if collected:
        # a singular noun ("one woman" handled above; "a family") or an unknown word
        return " ".join(collected[:2]), end, False
    return None, pos, False


# --- counts -------------------------------------------------------------------

def find_counts(text: str, low: str | None = None,
                spans: list[tuple[int, int]] | None = None) -> list[CountMention]:
    """Every number in ``text`` that could count people, cases or things.

    Years, dates, ages, times, money, percentages, ordinals, numbers in names
    and durations are left out. See the module docstring for qualifiers.
    ``low`` is ``lower_same_length(text)`` when the caller already has it.
    ``spans`` (sorted, not overlapping) limits the search to numbers that
    start inside them, such as the sentences a later step will read; the
    numbers' context is still read from the whole text.
    """
    out: list[CountMention] = []
    pos = 0
    for p in _candidates(text, low, spans):
        if p < pos:
            continue
        m = _ANCHOR_RE.match(text, p)
        if not m:
            continue
        mention = _count_at(text, m)
        if mention is None:
            pos = m.end()
            continue
        out.append(mention)
        pos = max(mention.end, m.end())
    if _HANGUL_RE.search(text) is not None:
        korean = _korean_counts(text)
        if spans is not None:
            keep = set(_inside([c.start for c in korean], spans))
            korean = [c for c in korean if c.start in keep]
        out.extend(korean)
        out.sort(key=lambda c: c.start)
    return out


def _inside(positions: list[int], spans: list[tuple[int, int]]) -> list[int]:
    """The sorted ``positions`` that fall inside one of the sorted ``spans``."""
    out: list[int] = []
    k, n = 0, len(spans)
    for p in positions:
        while k < n and spans[k][1] <= p:
            k += 1
        if k == n:
            break
        if spans[k][0] <= p:
            out.append(p)
    return out


def _candidates(text: str, low: str | None = None, spans: list[tuple[int, int]] | None = None) -> list[int]:
    """Where a number may start: digit runs, and number words found by a
    plain literal scan of the lower-cased text (fast; ``(?i)`` alternations
    at every position cost ten times more). ``low`` is that text if the
    caller has it (:func:`refwatch.extract.sentences.lower_same_length`).
    With ``spans``, only starts inside them (each span is scanned on its own;
    a run or word that began before the span is not a start)."""
    if low is None:
        low = lower_same_length(text)
    if spans is None:
        spans = [(0, len(text))]
    starts: list[int] = []
    for lo, hi in spans:
        for m in _DIGIT_RUN_RE.finditer(text, lo, hi):
            p = m.start()
            if p == 0 or not text[p - 1].isdigit():
                starts.append(p)
        # A phrase may run past the span's end ("a few" at its last word): read on, keep starts inside.
        for m in _WORD_SCAN_RE.finditer(low, lo, min(len(low), hi + _WORD_SCAN_OVERRUN)):
            p = m.start()
            if p >= hi:
                break
            if p == 0 or not low[p - 1].isalpha():
                starts.append(p)
    starts.sort()
    return starts


def _count_at(text: str, m: re.Match[str]) -> CountMention | None:
    start, end = m.start(), m.end()
    before = text[max(0, start - 40):start]
    after_excl = _AFTER_EXCLUDE_RE.match(text, end)
    if after_excl:
        return None
    if _excluded_before(before):
        return None
    qualifiers: list[str] = []
    span_start = start
    low = high = None
    best: int | None
    is_year_like = False

    if m.group("vague"):
        phrase = _SPACES_RE.sub(" ", m.group("vague").lower())
        floor = VAGUE_FLOORS.get(phrase)
        if floor is None:
            return None
        qualifier = "vague"
        best = None
        low = floor
        q = _prefix_qualifier(before)
        if q:
            span_start = start - (len(before) - q.start("q"))
    else:
        raw = m.group("digits") or m.group("words")
        best = parse_number(raw)
        if best is None:
            return None
        if m.group("digits"):
            digits = m.group("digits")
            if _LONG_DIGITS_RE.fullmatch(digits):
                return None  # phone numbers, ids
            is_year_like = bool(_YEAR_RE.fullmatch(digits))
        # ranges: "50 to 60", "between 50 and 60", "two or three"
        r = _RANGE_AFTER_RE.match(text, end)
        # the regex only where the words can be there (it scans all of ``before``)
        between_before = _BETWEEN_BEFORE_RE.search(before) if before[-1:].isspace() and \
            before.rstrip()[-7:].lower().endswith(("between", "from")) else None
        if r and not _AFTER_EXCLUDE_RE.match(text, r.end()):
            connector = text[end:r.start("n2")].strip().lower()
            second = parse_number(r.group("n2"))
            ok = second is not None and second > best
            if connector == "and" and not between_before:
                ok = False
            if connector in ("-", "–", "—") and not m.group("digits"):
                ok = False
            if is_year_like and second is not None and (second > 1800 or second < 100):
                return None  # "2016-2017", "2016-17": years
            if ok:
                low, high = best, second
                best = None
                qualifiers.append("between")
                end = r.end()
                if between_before:
                    span_start = start - (len(before) - between_before.start())
        if "between" not in qualifiers:
            q = _prefix_qualifier(before)
            if q:
                qualifiers.append(_prefix_qualifier_of(q.group("q")))
                span_start = start - (len(before) - q.start("q"))
                if _ESTIMATED_END_RE.search(before[q.end("q"):]) and qualifiers[-1] == "exact":
                    qualifiers.append("about")
                before2 = before[: q.start("q")]
                q2 = _prefix_qualifier(before2)
                if q2:
                    qualifiers.append(_prefix_qualifier_of(q2.group("q")))
                    span_start = start - (len(before) - q2.start("q"))
            s = _SUFFIX_RE.match(text, end)
            if s:
                key = _SPACES_RE.sub(" ", s.group("s").strip().lower())
                if key in _SUFFIX_QUALIFIERS:
                    qualifiers.append(_SUFFIX_QUALIFIERS[key])
                    end = s.end()
        qualifier = _pick_qualifier(qualifiers)
        if m.group("words") and raw.lower().endswith("dozen") and qualifier == "exact":
            qualifier = "about"  # "a dozen" is a round figure
        # ages in apposition: "Kim, 45, was arrested"
        if (m.group("digits") and best is not None and best < 120 and not qualifiers
                and _AGE_APPOSITION_BEFORE_RE.search(before)
                and _AGE_APPOSITION_AFTER_RE.match(text, end)):
            return None

    after_of = before[-1:].isspace() and before.rstrip()[-3:].lower() in (" of", "\tof", "\nof")
    if after_of and best is not None and best < 120 and _AGE_OF_RE.search(before):
        return None  # "a boy of 16": an age
    # "a family of five": the family is the head
    fam = _FAMILY_OF_RE.search(before) if after_of else None
    of_m = None
    if fam:
        head, head_end, excluded = "family members", end, False
        span_start = start - (len(before) - fam.start())
    else:
        head, head_end, excluded = _read_head(text, end)
        if head is None and not excluded and not (m.group("words") and best == 1) \
                and _OF_PEOPLE_RE.match(text, end):
            head = "persons"  # "four of them"
        elif head is None and not excluded:
            of_m = _OF_RE.match(text, end)
            if of_m and not (m.group("words") and best == 1):
                head, head_end, excluded = _read_head(text, of_m.end() - 1)
    if excluded:
        return None
    if is_year_like and head_kind(head) not in ("persons", "cases"):
        return None
    if is_year_like and text[end + 1:end + 2].isupper() and _NAME_GOES_ON_RE.match(text, head_end):
        return None  # "the 1951 Refugee Convention": a year in a name
    if m.group("words") and best == 1 and head is None:
        return None  # "one of", "no one": the word is a pronoun, not a count
    if m.group("words") and best == 1 and _NO_BEFORE_RE.search(before):
        return None
    unit = "cases" if head_kind(head) == "cases" else "persons"
    span_text = text[span_start:end]
    count = make_count(best, qualifier, low=low, high=high, unit=unit, text=span_text)
    return CountMention(start=span_start, end=end, text=span_text, count=count, head=head,
                        refers_to=head_kind(head))


def _korean_counts(text: str) -> list[CountMention]:
    out = []
    for m in _KOREAN_RE.finditer(text):
        raw = m.group("kn")
        qualifiers = []
        if raw in KOREAN_VAGUE_FLOORS:
            best, qualifier, low = None, "vague", KOREAN_VAGUE_FLOORS[raw]
        else:
            best = int(raw.replace(",", ""))
            low = None
            if m.group("kq"):
                qualifiers.append(_KOREAN_PREFIX[m.group("kq")])
            if m.group("yeo"):
                qualifiers.append("more_than")
            if m.group("ks"):
                qualifiers.append(_KOREAN_SUFFIX[m.group("ks")])
            qualifier = _pick_qualifier(qualifiers)
        unit = "cases" if m.group("ku") == "건" else "persons"
        head = "cases" if unit == "cases" else "people"
        count = make_count(best, qualifier, low=low, unit=unit, text=m.group())
        out.append(CountMention(start=m.start(), end=m.end(), text=m.group(), count=count,
                                head=head, refers_to=unit))
    return out


# --- shares -------------------------------------------------------------------

def _share_matches(text: str, low: str | None = None,
                   spans: list[tuple[int, int]] | None = None) -> list[re.Match[str]]:
    """Matches of both share patterns, in text order.

    The number pattern is tried only where a run of digits starts: its
    look-behind forbids a start inside a run, and a scan that opens with a
    look-behind tests every position in Python's ``re``. Same matches as
    ``finditer``: a match never holds the start of another run.
    """
    found = []
    done = 0
    if spans is None:
        runs = [d.start() for d in _DIGIT_RUN_RE.finditer(text)]
    else:  # a run that began before its span is not a start
        runs = [d.start() for lo, hi in spans for d in _DIGIT_RUN_RE.finditer(text, lo, hi)
                if d.start() == 0 or not text[d.start() - 1].isdigit()]
    for start in runs:
        if start < done:
            continue
        m = _SHARE_NUM_RE.match(text, start)
        if m is not None:
            found.append(m)
            done = m.end()
    if low is None:
        low = lower_same_length(text)
    if (any(h in low for h in _SHARE_WORD_HINTS) and _SHARE_WORD_HINT_RE.search(low) is not None) \
            or "ı" in text or "İ" in text or "ſ" in text:
        if spans is None:
            words = list(_SHARE_WORD_RE.finditer(text))
        else:
            # Each span on its own; the match's "of" may lie just past the span's end.
            words = [m for lo, hi in spans for m in _SHARE_WORD_RE.finditer(text, lo, min(len(text), hi + 8))
                     if m.start() < hi]
        if words:
            found = sorted(found + words, key=lambda m: m.start())
    return found


def find_shares(text: str, low: str | None = None,
                spans: list[tuple[int, int]] | None = None) -> list[ShareMention]:
    """Proportions with the group they describe: "over 70% of them women".

    ``low`` is ``lower_same_length(text)`` when the caller already has it;
    ``spans`` limits the search as in :func:`find_counts`.
    """
    out: list[ShareMention] = []
    matches = _share_matches(text, low, spans)
    if spans is not None:
        keep = set(_inside([m.start() for m in matches], spans))
        matches = [m for m in matches if m.start() in keep]
    for m in matches:
        start, end = m.start(), m.end()
        before = text[max(0, start - 60):start]
        if m.re is _SHARE_NUM_RE:
            value = float(m.group("n")) / 100.0
            if not 0.0 <= value <= 1.0:
                continue
        else:
            value = SHARE_WORDS.get(_SPACES_DASHES_RE.sub(" ", m.group("w").lower()))
            if value is None:
                value = SHARE_WORDS.get(_SPACES_RE.sub("-", m.group("w").lower()), 0.0)
            if not value:
                continue
        qualifier = "exact"
        q = _prefix_qualifier(before)
        if q:
            qualifier = _prefix_qualifier_of(q.group("q"))
            start = start - (len(before) - q.start("q"))
        of: str | None = None
        a = _SHARE_OF_AFTER_RE.match(text, m.end())
        if a:
            of = _SPACES_RE.sub(" ", a.group("cat").lower())
        else:
            b = _SHARE_OF_BEFORE_RE.search(text[max(0, start - 60):start])
            if b:
                of = _SPACES_RE.sub(" ", b.group("cat").lower())
        if of in ("female", "females"):
            of = "women"
        elif of in ("male", "males"):
            of = "men"
        out.append(ShareMention(start=start, end=end, text=text[start:end], share=round(value, 4),
                                of=of, qualifier=qualifier))
    return out
