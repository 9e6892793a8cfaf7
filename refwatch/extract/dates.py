"""Find dates in text and turn them into inclusive day ranges (DESIGN.md "Conventions").

``find_dates(text, published)`` returns every date expression with its
character span and a :class:`~refwatch.model.records.DateRange`:

* absolute: "9 October 2023", "October 9, 2023", "Oct. 9", "2023-10-09",
  "July 2017", "in 1998", "2023년 10월 9일";
* partial, resolved against the publication date: a month or day without a
  year is the latest such month/day on or before publication ("in April"
  published 2023-12-06 -> 2023-04-01..2023-04-30); "that same year" takes the
  most recent explicit year written earlier in the text instead;
* relative to publication: "two months ago" (the whole month), "last
  October", "last year", "this June", "earlier this month" (1st..publication),
  "last week" (Monday..Sunday), "yesterday", "on Monday" (latest Monday on or
  before publication), "the past year" (publication - 1 year + 1 day ..
  publication), "since June last year" (1 June .. publication);
* relative to an earlier date in the text: "a month earlier", "two weeks later",
  "the following month", "the next day", "late that month" (the unit of the
  date told just before, moved by one or not at all), "That October" (the
  month in the year of the date told just before);
* "on the 22nd": the latest such day of a month on or before publication;
  "a year ago today": that very day; "over the weekend": the latest weekend
  begun on or before publication;
* ranges: "from July 2016 until June 2017", "between March and May 2020",
  "July and August of this year", "2016-2017", "9-11 October";
* fuzzy parts: early/mid/late of a month are days 1-10 / 11-20 / 21-end; of a
  year, January-April / May-August / September-December ("mid-2019" ->
  2019-05-01..2019-08-31); of a decade, years 0-3 / 4-6 / 7-9. "The first half
  of" is days 1-15 or January-June. Seasons are northern meteorological:
  spring March-May, summer June-August, autumn September-November, winter
  December of that year to February of the next.
* states that hold at publication ("currently", "now being held", "remain in
  detention", "are estimated to be held") are dated to the publication day and
  flagged ``is_publication_state``.

Without a publication date, anything that needs one comes back unresolved
(earliest/latest None, precision "relative"), never guessed. Impossible dates
("30 February") are skipped. A bare four-digit number is a year only after
in/since/by/of/from/until/during/year (1950-2035) or inside a fuller date.

Hand-written regexes rather than dateparser/dateutil: those parse one
isolated date string, cannot find spans in running text, know nothing of
"that same year", and cost far more than the 1 ms per 4 KB budget.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from refwatch.extract.numbers import DIGITS_RE_SRC, NUMBER_WORDS_RE_SRC, SCALES, TENS, UNITS, parse_number
from refwatch.model.records import DateRange

__all__ = ["DateMention", "find_dates"]


@dataclass
class DateMention:
    """A date expression found in text; ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    range: DateRange
    relative: bool
    is_publication_state: bool = False


# --- vocabulary ---------------------------------------------------------------

_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"]
_MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct",
               "Nov", "Dec"]
_MONTH_NUM: dict[str, int] = {}
for _i, _n in enumerate(_MONTH_NAMES, 1):
    _MONTH_NUM[_n.lower()] = _i
    _MONTH_NUM[_n[:3].lower()] = _i
_MONTH_NUM["sept"] = 9


def _trie(phrases: set[str]) -> str:
    """The alternation of ``phrases`` (a space stands for ``\\s+``) factored on shared prefixes.

    Matches exactly what the flat longest-first alternation matches, with the
    same preference (a longer phrase before its own prefix), but the engine
    tests each shared prefix once instead of once per phrase: about half the
    scan time for the many-phrase patterns ("that same year", "the past"...).
    """
    tree: dict[str, dict] = {}
    for phrase in phrases:
        node = tree
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if "" in node:
            alts.append("")  # the phrase ending here comes after every longer one
        if len(alts) <= 1:
            return alts[0] if alts else ""
        return "(?:" + "|".join(alts) + ")"

    return emit(tree)


def _cases(words: list[str]) -> str:
    """Title and UPPER case forms; month names are matched case-sensitively
    so that "may" (the verb) and "march" (the verb) are not months."""
    return _trie({w for word in words for w in (word, word.upper())})


_MON_FULL = rf"(?:{_cases(_MONTH_NAMES)})"
# abbreviations only where a day or a year follows
# (a full name never takes the period: "on 4 June. Three men ..." ends the sentence)
_MON_ANY = rf"(?:{_cases(_MONTH_NAMES)}|{_cases(_MONTH_ABBR)}\.?)(?![a-z])"
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_WEEKDAY_NUM = {w.lower(): i for i, w in enumerate(_WEEKDAYS)}
_WD = rf"(?:{_cases(_WEEKDAYS)})"
_WD_ABBR = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?"

_YEAR_CORE = r"(?:1[89]\d\d|20\d\d)"
_YEAR = rf"{_YEAR_CORE}(?![\d])"
_BARE_YEAR = r"(?:19[5-9]\d|20[0-2]\d|203[0-5])(?![\d])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_NUM = rf"(?:{DIGITS_RE_SRC}|{NUMBER_WORDS_RE_SRC}|an?|a\s+few|a\s+couple\s+of|a\s+couple|several|few)"

_FUZZY = (
    r"(?P<fz>(?i:early|mid|late|the\s+(?:very\s+)?(?:beginning|start|middle|end)\s+of|"
    r"(?:the\s+)?(?:first|second)\s+half\s+of|the\s+(?:first|second|third|fourth|last)\s+week\s+of|"
    r"(?:the\s+)?(?:first|second|third|fourth)\s+quarter\s+of))(?:\s*-\s*|\s+)"
)
_TOD = (r"(?:(?i:(?:on\s+)?the\s+)?(?i:night|morning|evening|afternoon|early\s+hours|"
        r"dawn|early\s+morning|late\s+night)\s+(?i:of)\s+)")
_WDPRE = rf"(?:(?:{_WD}|{_WD_ABBR}),?\s+(?:the\s+)?)"
_RELYEAR = (r"(?P<ry>(?i:last\s+year|this\s+year|next\s+year|that\s+(?:same\s+)?year|"
            r"the\s+same\s+year|the\s+previous\s+year|the\s+following\s+year|the\s+year\s+before|"
            r"the\s+next\s+year|the\s+prior\s+year))")
_TRIG = (r"(?:\b(?i:in|on|since|by|until|till|from|during|through|throughout|of|before|after|"
         r"between|and|or|to|around|for|late|early|mid|last|this|next|past|that|until|"
         r"including|except|nor|than)\s+|[,(;/–-]\s*)")
_SEASON = r"(?P<season>(?i:spring|summer|autumn|fall|winter))"

def _lit(*words: str) -> str:
    """Literal alternation in lower, Title and UPPER case.

    Written as plain literals (not ``(?i)``) so that ``re`` can skip ahead
    with its first-character table: each pattern below starts with a
    literal or a character class, which is what keeps a 4 KB text under a
    millisecond. Context before the core (prefixes) is matched backwards.
    """
    forms: set[str] = set()
    for w in words:
        for f in (w, w[:1].upper() + w[1:], w.upper()):
            forms.add(f)
    return _trie(forms)


def _unwrap(alternation: str) -> str:
    """``(?:a|b)`` -> ``a|b`` (anything else as it is), to splice an alternation into an enclosing one.

    ``(?:(?:a|b)|c)`` and ``(?:a|b|c)`` match the same, in the same order, but
    ``re`` skips ahead in C to a possible first letter only when every
    alternative of the pattern's opening alternation starts with a literal:
    the nested group made the "state" scan try every position of the text.
    """
    if not alternation.startswith("(?:") or not alternation.endswith(")"):
        return alternation
    depth = 0
    escaped = in_class = False
    for i, ch in enumerate(alternation):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and i != len(alternation) - 1:
                return alternation  # the first group closes before the end: not one group
    return alternation[3:-1]


_SEASON_CORE = rf"(?P<season>{_lit('spring', 'summer', 'autumn', 'fall', 'winter')})"
_D1 = r"(?P<d>[0-9][0-9]?)(?:st|nd|rd|th)?"
_D2 = r"(?P<d2>[0-9][0-9]?)(?:st|nd|rd|th)?"
_PRE_DAY = rf"(?P<pre>(?:{_TOD})?(?:{_WDPRE})?)$"
_PRE_FUZZY = rf"(?P<pre>(?:{_FUZZY})?)$"
_PRE_THE_DAY = rf"(?P<pre>(?:{_TOD})?(?:{_WDPRE})?(?:(?i:the)\s+)?)$"
# "March 3 last year", "the 9th of October that year": a day whose year is named relative to another
_DAY_RELYEAR = (r"\s+(?:of\s+)?(?P<ry>(?i:last\s+year|this\s+year|next\s+year|that\s+(?:same\s+)?year|"
                r"the\s+same\s+year|the\s+previous\s+year|the\s+following\s+year|the\s+year\s+before|"
                r"the\s+prior\s+year))\b")

# (kind, core regex, prefix regex or None, prefix required)
# The core starts at a literal or a digit; the prefix is searched in the 45
# characters before the core and must end where the core starts. Group
# "pre" of the prefix belongs to the mention's span; the rest is context.
# "their last night in hiding", "her last year at school": a possessed "last ..." is not a date.
_THAT_RELS = ("that", "that same", "the same")
_POSSESSED_BEFORE = re.compile(r"(?i:\b(?:their|his|her|its|my|our|your)\s+)$")

_PATTERNS: list[tuple[str, str, str | None, bool]] = [
    ("iso", r"(?P<y>[12][0-9][0-9][0-9])(?P<sep>[-/.])(?P<m>0?[1-9]|1[0-2])(?P=sep)"
            r"(?P<d>0?[1-9]|[12][0-9]|3[01])(?![\d\-/.]\d|\d)", None, False),
    ("ko", r"(?P<y>[12][0-9][0-9][0-9])\s*년(?:\s*(?P<m>[0-9][0-9]?)\s*월(?:\s*(?P<d>[0-9][0-9]?)\s*일)?)?",
     None, False),
    ("ko_md", r"(?P<m>[0-9][0-9]?)\s*월(?:\s*(?P<d>[0-9][0-9]?)\s*일)?", None, False),
    ("dmy", rf"{_D1}(?:\s*(?:-|–|to|and)\s*{_D2})?\s+(?:of\s+)?(?P<m>{_MON_ANY})"
            rf"(?:,?\s+(?P<y>{_YEAR})|{_DAY_RELYEAR})?", _PRE_DAY, False),
    ("mdy", rf"(?P<m>{_MON_ANY})\s+{_D1}(?![\d:])(?:\s*(?:-|–)\s*{_D2}(?![\d:]))?"
            rf"(?:,?\s+(?P<y>{_YEAR})|{_DAY_RELYEAR})?", _PRE_DAY, False),
    # "the 28th of last month": a day of a month named relative to publication
    ("d_relm", r"(?P<d>[0-9][0-9]?)(?:st|nd|rd|th)\s+(?i:of)\s+(?P<rel>(?i:last|this|next|the\s+previous))"
               r"\s+(?i:month)\b", _PRE_THE_DAY, False),
    ("my", rf"(?P<m>{_MON_ANY}),?\s+(?:of\s+)?(?P<y>{_YEAR})", _PRE_FUZZY, False),
    ("m_ry", rf"(?P<m>{_MON_ANY}),?\s+(?:of\s+)?{_RELYEAR}\b", _PRE_FUZZY, False),
    ("rel_m", rf"(?P<m>{_MON_FULL})(?:,?\s+(?P<y>{_YEAR}))?\b",
     rf"(?P<pre>(?:{_FUZZY})?(?P<rel>(?i:last|this|next|past|previous|coming))\s+)$", True),
    ("m", rf"(?P<m>{_MON_FULL})\b(?!\s*\d)",
     rf"(?:(?P<trig>{_TRIG})(?P<pre>(?:{_FUZZY})?)|(?P<pre2>{_FUZZY.replace('P<fz>', 'P<fz2>')}))$", True),
    ("year", r"(?P<y>[12][0-9][0-9][0-9])(?![0-9])",
     r"(?P<trig>\b(?i:in|since|by|of|from|until|till|during|year|throughout|before|after|"
     r"around|circa|as\s+of|(?<![\w,] )for)\s+(?:(?i:the\s+)?(?i:year)\s+)?)$", True),
    ("fz_year", r"(?P<y>[12][0-9][0-9][0-9])(?![0-9])", rf"(?P<pre>{_FUZZY})$", True),
    ("year_range", r"(?P<y>[12][0-9][0-9][0-9])(?:\s*(?:-|–|—|/)\s*|\s+(?i:and|to|until|till|through)\s+)"
                   r"(?P<y2>[12][0-9][0-9][0-9]|[0-9][0-9])(?![\d\-/])",
     r"(?P<pre>(?:(?i:between|from)\s+)?)$", False),
    ("decade", r"(?P<dec>1[89][0-9]0|20[0-3]0)['’]?s\b", rf"(?P<pre>(?:(?i:the)\s+)?(?:{_FUZZY})?)$", False),
    ("season_y", rf"{_SEASON_CORE}\s+(?:(?i:of)\s+)?(?P<y>{_YEAR})", r"(?P<pre>(?:(?i:the)\s+)?)$", False),
    # "That spring she was arrested": the season of the year the text is telling (rel "that")
    ("season_rel", rf"{_SEASON_CORE}\b", r"(?P<pre>(?P<rel>(?i:last|this|next|past|that\s+same|that|the\s+same))\s+)$",
     True),
    ("season_ry", rf"{_SEASON_CORE}\s+(?:(?i:of)\s+)?{_RELYEAR}\b", r"(?P<pre>(?:(?i:the)\s+)?)$", False),
    ("season_in", rf"{_SEASON_CORE}\b",
     r"(?P<trig>\b(?i:in|during|by|since|until|over|through|throughout)\s+)(?P<pre>(?i:the)\s+)$", True),
    ("weekday", rf"(?P<wd>{_WD})\b(?!s)", r"(?P<pre>(?:(?P<rel>(?i:last|this|next|past|on))\s+)?)$", False),
    # "on the 22nd": a day of the month, the latest such day on or before publication
    ("dom", r"(?P<d>[0-9][0-9]?)(?:st|nd|rd|th)\b(?!\s+(?i:of|century|anniversary|birthday|floor|time|round|"
            r"session|congress|edition|amendment|day|week|month|year|place|grade|minute|hour)\b)",
     r"(?P<trig>\b(?i:on|by|since|until|till|before|after)\s+)(?P<pre>(?i:the)\s+)$", True),
    # "the following month", "that day", "late that month": a unit counted from the date told just before
    ("anchor_unit", rf"(?P<rel>{_lit('the following', 'the next', 'the previous', 'the preceding', 'that same', 'that')})"
                    r"\s+(?P<u>(?i:day|week|month|morning|evening|night))\b(?!\s*(?:'s|’s))",
     rf"(?P<pre>(?:{_FUZZY})?)$", False),
    ("ago", rf"(?P<u>{_lit('day', 'week', 'month', 'year', 'decade')})s?\s+(?P<dir>(?i:ago|earlier|later))\b",
     rf"(?P<pre>(?:(?P<q>(?i:about|around|nearly|almost|some|roughly|more\s+than|over|"
     rf"less\s+than|just\s+over|just\s+under|barely|only|approximately|just))\s+)?"
     rf"(?P<n>(?i:{_NUM})))\s+$", True),
    # "over the weekend": the latest weekend begun on or before publication
    ("weekend", r"(?P<w>(?i:over|at|during))\s+the\s+weekend\b", None, False),
    ("words", rf"(?P<w>{_lit('the day before yesterday', 'yesterday', 'today', 'tonight', 'last night', 'this morning', 'this afternoon', 'this evening', 'earlier today')})\b",
     None, False),
    ("rel_unit", rf"(?P<rel>{_lit('this', 'last', 'next', 'the past', 'the last', 'the coming', 'past')})\s+"
                 rf"(?P<u>(?i:week|weekend|month|year|decade))\b(?!\s*(?:'s|’s))",
     r"(?P<pre>(?:(?P<fz>(?i:earlier|later|early|late|mid|the\s+end\s+of|the\s+beginning\s+of|"
     r"the\s+start\s+of|the\s+middle\s+of))(?:\s*-\s*|\s+))?)$", False),
    ("past_n", rf"(?:{_lit('the past', 'the last', 'the previous')})\s+(?P<n>(?i:{_NUM}))\s+"
               rf"(?P<u>(?i:days|weeks|months|years|decades))\b", None, False),
    ("ctx_year", rf"(?P<ry>{_lit('last year', 'this year', 'next year', 'that year', 'that same year', 'the same year', 'the previous year', 'the following year', 'the year before', 'the next year', 'the prior year')})\b",
     r"(?P<pre>(?:(?P<fz>(?i:earlier|later|early|late))\s+(?:(?i:in)\s+)?)?)$", False),
    ("state", rf"(?:{_unwrap(_lit('currently', 'presently', 'at present', 'at the moment', 'as of now', 'right now', 'to this day', 'to date'))}"
              r"|still\s+(?:being\s+)?(?:held|detained|imprisoned|in\s+(?:detention|custody|prison|jail))"
              r"|now\s+(?:being\s+)?(?:held|detained|imprisoned|in\s+(?:detention|custody))"
              r"|remain(?:s|ing)?\s+(?:in\s+)?(?:detention|custody|detained|held|imprisoned|jailed|"
              r"in\s+(?:detention|custody|prison|jail|[Cc]hina))"
              r"|are\s+(?:(?:estimated|believed|thought|said|reported|feared|known)\s+to\s+be\s+|"
              r"being\s+|still\s+)?(?:held|detained|in\s+detention|in\s+custody)"
              r"|is\s+(?:(?:estimated|believed|thought|said|reported|feared|known)\s+to\s+be\s+|"
              r"being\s+|still\s+)?(?:held|detained|in\s+detention|in\s+custody))\b", None, False),
]
def _compile_prefix(src: str) -> re.Pattern[str]:
    body = src[:-1] if src.endswith("$") else src
    # start at a word start (or at the punctuation a trigger may be), end at the core
    return re.compile(rf"(?s:.*?)(?P<_all>(?:(?<!\w)|(?=[,(;/–-])){body})$")


_COMPILED = [(kind, re.compile(core), _compile_prefix(pre) if pre else None, req)
             for kind, core, pre, req in _PATTERNS]
_PRIORITY = {kind: i for i, (kind, *_rest) in enumerate(_PATTERNS)}
_KOREAN_KINDS = {"ko", "ko_md"}
# Patterns whose core starts at a digit run or a month name are tried only
# there (one scan per family instead of one per pattern).
_FAMILY = {k: "digit" for k in ("iso", "ko", "ko_md", "dmy", "d_relm", "dom", "year", "fz_year", "year_range", "decade")}
_FAMILY.update({k: "month" for k in ("mdy", "my", "m_ry", "rel_m", "m")})
_DIGITS_RE = re.compile(r"[0-9][0-9]*")  # [0-9]+, written to open with a class: re then skips ahead in C
# Which digit runs a digit-family core can start at (its first match is at the
# start of a maximal run): a four-digit year [12]NNN ("iso", "ko", "year",
# "fz_year", "year_range", "decade" all open with one and then need a
# non-digit), or a day/month of one or two digits ("ko_md", "dmy", "d_relm").
_YEAR_RUN_KINDS = frozenset({"iso", "ko", "year", "fz_year", "year_range", "decade"})
_SHORT_RUN_KINDS = frozenset({"ko_md", "dmy", "d_relm", "dom"})
_MONTH_SCAN_RE = re.compile(rf"(?:{_cases(_MONTH_NAMES + _MONTH_ABBR)})")
_HANGUL_RE = re.compile("[\uac00-\ud7a3]")


# Cheap exact pre-checks, so that most patterns never scan a text they cannot match.
#
# Patterns scanned over the whole text run only when the lower-cased text
# holds one of these words: every match of the pattern contains one of them.
# "ı", "İ" and "ſ" match "i"/"s" under the regex's case folding but not after
# ``str.lower``, so a text holding any of them is always scanned.
_SCAN_HINTS: dict[str, tuple[str, ...]] = {
    "season_y": ("spring", "summer", "autumn", "fall", "winter"),
    "season_rel": ("spring", "summer", "autumn", "fall", "winter"),
    "season_ry": ("spring", "summer", "autumn", "fall", "winter"),
    "season_in": ("spring", "summer", "autumn", "fall", "winter"),
    "weekday": ("day",),
    "ago": ("ago", "earlier", "later"),
    "anchor_unit": ("following day", "following week", "following month", "next day", "next week", "next month",
                    "previous day", "previous week", "previous month", "preceding", "that day", "that week",
                    "that month", "same day", "same week", "same month", "morning", "evening", "night"),
    "weekend": ("weekend",),
    "words": ("yesterday", "today", "tonight", "night", "morning", "afternoon", "evening"),
    "rel_unit": ("week", "month", "year", "decade"),
    "past_n": ("day", "week", "month", "year", "decade"),
    "ctx_year": ("year",),
    "state": ("currently", "presently", "present", "moment", "now", "day", "date", "held", "detained",
              "imprisoned", "detention", "custody", "prison", "jail", "china"),
}
_FOLD_ODD = ("ı", "İ", "ſ")


# Word-pair pre-checks for three kinds whose scan runs in most reports (their hint words "year",
# "week", "night", "evening" are common) yet rarely matches. Every match holds one of the
# ``singles`` or a word of ``pairs`` right after its partner, across whitespace ("same year",
# "last week", "this evening"); only the few occurrences of the second words are looked at.
# Each entry is the kind's phrase list as written in _PATTERNS; an entry whose phrases are no
# longer those of the pattern is dropped (see _pair_gates), so an edit there cannot make the
# pre-check skip a match.
_PAIR_GATE_PHRASES: dict[str, tuple[tuple[str, ...], str]] = {
    "words": (("the day before yesterday", "yesterday", "today", "tonight", "last night", "this morning",
               "this afternoon", "this evening", "earlier today"), ""),
    "rel_unit": (("this", "last", "next", "the past", "the last", "the coming", "past"),
                 r"\s+(?P<u>(?i:week|weekend|month|year|decade))\b"),
    "ctx_year": (("last year", "this year", "next year", "that year", "that same year", "the same year",
                  "the previous year", "the following year", "the year before", "the next year", "the prior year"),
                 ""),
}
_PAIR_GATE_UNITS = {"rel_unit": ("week", "weekend", "month", "year", "decade")}
_PAIR_GATE_PHRASES["anchor_unit"] = (("the following", "the next", "the previous", "the preceding", "that same", "that"),
                                     r"\s+(?P<u>(?i:day|week|month|morning|evening|night))\b")
_PAIR_GATE_UNITS["anchor_unit"] = ("day", "week", "month", "morning", "evening", "night")


def _pair_gates() -> dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]]:
    """kind -> (single words, {second word: first words}) for the kinds whose pattern still opens with
    ``_lit(*phrases)`` (followed by the unit alternation for "rel_unit")."""
    cores = {kind: core for kind, core, _pre, _req in _PATTERNS}
    out = {}
    for kind, (phrases, after) in _PAIR_GATE_PHRASES.items():
        if kind not in cores or f"{_lit(*phrases)}){after}" not in cores[kind]:
            continue
        units = _PAIR_GATE_UNITS.get(kind)
        words = [p.split() + [u] for p in phrases for u in units] if units else [p.split() for p in phrases]
        singles = tuple(sorted({w[0] for w in words if len(w) == 1}))
        pairs: dict[str, set[str]] = {}
        for w in words:
            if len(w) > 1:
                # the last two words of a phrase; a single word inside a longer phrase covers it too
                pairs.setdefault(w[-1], set()).add(w[-2])
        out[kind] = (singles, {k: tuple(sorted(v)) for k, v in pairs.items()})
    return out


def _pairs_present(low: str, singles: tuple[str, ...], pairs: dict[str, tuple[str, ...]]) -> bool:
    """Some single word, or some second word of a pair right after whitespace after its first word, is in ``low``."""
    for w in singles:
        if w in low:
            return True
    for second, firsts in pairs.items():
        i = low.find(second)
        while i >= 0:
            j = i
            while j > 0 and low[j - 1].isspace():
                j -= 1
            if j < i and low.endswith(firsts, 0, j):
                return True
            i = low.find(second, i + 1)
    return False


_PAIR_GATES = _pair_gates()


def _phrases(firsts: tuple[str, ...], seconds: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{a} {b}" for a in firsts for b in seconds)


_SEASONS = ("spring", "summer", "autumn", "fall", "winter")
# Stricter pre-checks: every match of the pattern (with its required prefix)
# contains one of these phrases, a space standing for any whitespace run.
# Each kind's phrases become one prefix-factored regex over the lower-cased
# text. Only kinds whose scan costs several times the check have one: the
# cores of "ago", "words", "rel_unit", "ctx_year", "season_rel" (factored by
# ``_lit``) scan about as fast as such a check, and their phrases are in
# most reports anyway.
_PHRASE_HINTS: dict[str, tuple[str, ...]] = {
    "season_in": _phrases(("the",), _SEASONS),
    "past_n": ("the past ", "the last ", "the previous "),
    "state": ("currently", "presently", "at present", "at the moment", "as of now", "right now", "to this day",
              "to date", "remain", "being ",
              *_phrases(("still", "now", "is", "are", "to be"),
                        ("held", "detained", "imprisoned", "in detention", "in custody")),
              "still in prison", "still in jail", "are still ", "is still "),
}
_PHRASE_GATES: dict[str, re.Pattern[str]] = {kind: re.compile(_trie(set(phrases)))
                                             for kind, phrases in _PHRASE_HINTS.items()}

# "state": its phrase check (a regex entered at most letters of the text) costs more than finding a
# few rarer words and looking at the word before each. Every "state" phrase holds one of these single
# words, or a second word right after whitespace after its first word ("at present", "still held", "in
# custody"); installed only while that holds for each phrase listed above, so every text the phrase
# check passes passes this one.
_STATE_BE = ("still", "now", "is", "are", "be")
_STATE_WORDS: tuple[tuple[str, ...], dict[str, tuple[str, ...]]] = (
    ("currently", "presently", "remain", "being"),
    {"present": ("at",), "moment": ("the",), "now": ("of", "right"), "day": ("this",), "date": ("to",),
     "held": _STATE_BE, "detained": _STATE_BE, "imprisoned": _STATE_BE, "detention": ("in",),
     "custody": ("in",), "prison": ("in",), "jail": ("in",), "still": ("are", "is")},
)
_PHRASE_GATE_REPLACED: set[str] = set()  # kinds whose word check stands in for their phrase check
if "state" in _PHRASE_GATES and all(_pairs_present(ph, *_STATE_WORDS) for ph in _PHRASE_HINTS["state"]):
    _PHRASE_GATE_REPLACED.add("state")
    _PAIR_GATES["state"] = _STATE_WORDS


# Required prefixes that end in whitespace after one of these words: a core
# match whose preceding text (ASCII, spaces stripped) ends otherwise is
# dropped without running the prefix regex.
_PREFIX_WORDS: dict[str, tuple[str, ...]] = {
    "rel_m": ("last", "this", "next", "past", "previous", "coming"),
    "year": ("in", "since", "by", "of", "from", "until", "till", "during", "year", "throughout", "before",
             "after", "around", "circa", "for"),
    "ago": (*UNITS, *TENS, *SCALES, "dozen", "a", "an", "few", "couple", "of", "several",
            "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
}
_PREFIX_REACH = {kind: max(map(len, words)) + 1 for kind, words in _PREFIX_WORDS.items()}


_FUZZY_LAST_WORDS = ("early", "mid", "late", "of")


def _fuzzy_prefix_impossible(text: str, s: int) -> bool:
    """True when no ``_FUZZY`` prefix ("early ", "mid-", "the end of ") ends at ``s``.

    Every fuzzy phrase ends in one of ``_FUZZY_LAST_WORDS`` followed by
    spaces or a hyphen with optional spaces. Exact on ASCII only (the
    regex's case folding differs from ``str.lower`` for a few letters).
    """
    tail = text[max(0, s - 45):s]
    if not tail:
        return True
    if not tail.isascii():
        return False
    stripped = tail.rstrip()
    if stripped.endswith("-"):
        stripped = stripped[:-1].rstrip()
    elif len(stripped) == len(tail):
        return True  # neither whitespace nor a hyphen before the core
    return not stripped[-6:].lower().endswith(_FUZZY_LAST_WORDS)


# Kinds whose optional prefix is _PRE_DAY / _PRE_THE_DAY, or _PRE_FUZZY: a prefix that is not empty
# ends in whitespace after one of these words (a time of day's "of", "the", a weekday), or is a fuzzy part.
_DAY_PREFIX_KINDS = frozenset({"dmy", "mdy", "d_relm"})
_FUZZY_PREFIX_KINDS = frozenset({"my", "m_ry", "anchor_unit"})
_DAY_PREFIX_LAST = frozenset({"of", "the", *(w.lower() for w in _WEEKDAYS),
                              "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"})


def _only_empty_prefix(kind: str, text: str, s: int) -> bool:
    """True when the optional prefix of ``kind`` can only be empty at ``s``.

    Then the prefix regex, which takes the leftmost start whose prefix ends
    at ``s``, can only match an empty prefix: matching it over the empty
    window at ``s`` (``match(text, s, s)``; its look-behind still sees the
    text before) gives the same groups as the scan over the 45 characters
    before, at a fraction of the cost. (When a line break ends the window,
    ``$`` also matches before it, so the scan may place that empty prefix
    one character earlier; only the groups are read for these kinds.)
    Conservative: False when unsure (non-ASCII, a comma or full stop
    before, which a weekday may carry).
    """
    if kind in _FUZZY_PREFIX_KINDS:
        return _fuzzy_prefix_impossible(text, s)
    if kind not in _DAY_PREFIX_KINDS:
        return False
    if s == 0 or not text[s - 1].isspace():
        return True  # a prefix that is not empty ends in whitespace
    tail = text[max(0, s - 45):s].rstrip()
    if not tail.isascii() or tail.endswith((",", ".")):
        return False
    i = len(tail)
    while i > 0 and tail[i - 1].isalpha():
        i -= 1
    return tail[i:].lower() not in _DAY_PREFIX_LAST


def _prefix_impossible(kind: str, text: str, s: int) -> bool:
    """True when the required prefix of ``kind`` surely does not end at ``s``."""
    if kind == "fz_year":
        return _fuzzy_prefix_impossible(text, s)
    words = _PREFIX_WORDS.get(kind)
    if words is None:
        return False
    if s == 0 or not text[s - 1].isspace():
        return True
    tail = text[max(0, s - 45):s].rstrip()[-_PREFIX_REACH[kind]:]
    return tail.isascii() and not tail.lower().endswith(words)


# Words telling that time went on after a year was named ("held for more than a year before ... in April").
# A sentence end between them, too: "In 2019 she fled. She was caught in April." keeps publication's year.
_TIME_PASSES_RE = re.compile(r"(?i:\b(?:years?|months|later|after|afterwards|until|since|before)\b|[.!?][\"”’']?\s)")
_SINCE_RE = re.compile(r"(?i:\b(?:ever\s+)?since\s+)$")
_FROM_RE = re.compile(r"(?i:\b(?:from|between)\s+)$")
_RANGE_GAP_RE = re.compile(r"(?i:\s*(?:-|–|—|to|until|till|through|thru|up\s+to|and|or)\s*)")
_COUNT_AFTER_YEAR_RE = re.compile(
    r"(?i:\s*(?:%|per\s*cent|percent|people|persons|individuals|cases|instances|north\s+koreans|"
    r"defectors|refugees|escapees|women|men|children|times|km|kilomet|miles|metres|meters|"
    r"won|yuan|dollars|others)\b)"
)


# --- calendar helpers -----------------------------------------------------------

def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_months(y: int, m: int, delta: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + delta
    return idx // 12, idx % 12 + 1


def _safe_date(y: int, m: int, d: int) -> date | None:
    if not (1 <= y <= 9999 and 1 <= m <= 12):
        return None
    if d < 1 or d > calendar.monthrange(y, m)[1]:
        return None
    return date(y, m, d)


def _shift(d: date, unit: str, n: int) -> date | None:
    """``d`` moved by n days/weeks/months/years (day clamped to month end)."""
    try:
        if unit == "day":
            return d + timedelta(days=n)
        if unit == "week":
            return d + timedelta(weeks=n)
        if unit in ("month", "year", "decade"):
            months = n * {"month": 1, "year": 12, "decade": 120}[unit]
            y, m = _add_months(d.year, d.month, months)
            if not 1 <= y <= 9999:
                return None
            return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))
    except (OverflowError, ValueError):
        return None
    return None


def _fuzzy_month(y: int, m: int, fz: str | None) -> tuple[date, date]:
    last = calendar.monthrange(y, m)[1]
    lo, hi = 1, last
    f = _norm(fz)
    if f in ("early", "the beginning of", "the very beginning of", "the start of", "the very start of"):
        lo, hi = 1, 10
    elif f in ("mid", "the middle of"):
        lo, hi = 11, 20
    elif f in ("late", "the end of", "the very end of"):
        lo, hi = 21, last
    elif f.endswith("first half of"):
        lo, hi = 1, 15
    elif f.endswith("second half of"):
        lo, hi = 16, last
    elif f.startswith("the first week"):
        lo, hi = 1, 7
    elif f.startswith("the second week"):
        lo, hi = 8, 14
    elif f.startswith("the third week"):
        lo, hi = 15, 21
    elif f.startswith("the fourth week"):
        lo, hi = 22, 28
    elif f.startswith("the last week"):
        lo, hi = last - 6, last
    return date(y, m, lo), date(y, m, hi)


def _fuzzy_year(y: int, fz: str | None) -> tuple[date, date]:
    f = _norm(fz)
    lo, hi = 1, 12
    if f in ("early", "the beginning of", "the very beginning of", "the start of", "the very start of"):
        lo, hi = 1, 4
    elif f in ("mid", "the middle of"):
        lo, hi = 5, 8
    elif f in ("late", "the end of", "the very end of"):
        lo, hi = 9, 12
    elif f.endswith("first half of"):
        lo, hi = 1, 6
    elif f.endswith("second half of"):
        lo, hi = 7, 12
    elif "quarter" in f:
        q = {"first": 1, "second": 2, "third": 3, "fourth": 4}[f.split()[-3]]
        lo, hi = 3 * q - 2, 3 * q
    return date(y, lo, 1), _month_end(y, hi)


_SPACES_RE = re.compile(r"\s+")


@lru_cache(maxsize=1024)  # called for every atom's groups, on a few hundred distinct short phrases
def _norm(s: str | None) -> str:
    return _SPACES_RE.sub(" ", s.lower()).strip() if s else ""


def _season_range(y: int, season: str) -> tuple[date, date]:
    s = _norm(season)
    if s == "spring":
        return date(y, 3, 1), date(y, 5, 31)
    if s == "summer":
        return date(y, 6, 1), date(y, 8, 31)
    if s in ("autumn", "fall"):
        return date(y, 9, 1), date(y, 11, 30)
    return date(y, 12, 1), _month_end(y + 1, 2)


def _precision(lo: date | None, hi: date | None, season: bool = False) -> str:
    if lo is None or hi is None:
        return "relative"
    if lo == hi:
        return "day"
    if lo.day == 1 and hi == _month_end(lo.year, lo.month):
        return "month"
    if lo.month == 1 and lo.day == 1 and hi == date(lo.year, 12, 31):
        return "year"
    if lo.weekday() == 0 and hi - lo == timedelta(days=6):
        return "week"
    if season and lo.day == 1 and lo.month in (3, 6, 9, 12) and hi == _month_end(*_add_months(lo.year, lo.month, 2)):
        return "season"
    if lo.month == 1 and lo.day == 1 and lo.year % 10 == 0 and hi == date(lo.year + 9, 12, 31):
        return "decade"
    return "range"


_SEASON_CODE = {3: "21", 6: "22", 9: "23", 12: "24"}


def _edtf(lo: date | None, hi: date | None, precision: str) -> str | None:
    if lo is None or hi is None:
        if lo is not None:
            return f"{lo.isoformat()}/.."
        if hi is not None:
            return f"../{hi.isoformat()}"
        return None
    if precision == "day":
        return lo.isoformat()
    if precision == "month":
        return f"{lo.year:04d}-{lo.month:02d}"
    if precision == "year":
        return f"{lo.year:04d}"
    if precision == "season":
        return f"{lo.year:04d}-{_SEASON_CODE[lo.month]}"
    if precision == "decade":
        return f"{lo.year // 10:03d}X"
    return f"{lo.isoformat()}/{hi.isoformat()}"


# --- atoms ----------------------------------------------------------------------

@dataclass
class _Atom:
    kind: str
    start: int
    end: int
    g: dict[str, str | None]
    lo: date | None = None
    hi: date | None = None
    relative: bool = False
    state: bool = False
    explicit_year: int | None = None
    unresolved_reason: str | None = None
    needs_year: bool = False  # a month/day whose year came from publication


def _prefix(pre_rx: re.Pattern[str], text: str, s: int) -> re.Match[str] | None:
    """Leftmost match of a prefix that ends exactly at ``s`` (group "_all").

    One ``match`` call over the 45 characters before ``s``: the lazy scan in
    the compiled pattern tries each start in C, which is several times cheaper
    than a Python loop or a ``$``-anchored ``search``.
    """
    return pre_rx.match(text, max(0, s - 45), s)


# Kinds tried only where a word of theirs stands in the lower-cased text, instead of scanning it:
# "weekday" (its core is a whole weekday name) and the season kinds (their cores open with a
# season word, in lower, Title or UPPER case) at each such word; "ago" (a unit, an optional "s",
# whitespace, then "ago", "earlier" or "later") at the unit before each of those words. Kept only
# while the cores read so.
_AGO_UNITS = ("day", "week", "month", "year", "decade")
_SEASON_WORDS = ("spring", "summer", "autumn", "fall", "winter")
_WORD_STARTS: dict[str, tuple[str, ...]] = {}
for _kind, _core, _pre, _req in _PATTERNS:
    if (_kind, _core) == ("weekday", rf"(?P<wd>{_WD})\b(?!s)"):
        _WORD_STARTS[_kind] = tuple(w.lower() for w in _WEEKDAYS)
    elif _kind.startswith("season_") and _core.startswith(rf"(?P<season>{_lit(*_SEASON_WORDS)})"):
        _WORD_STARTS[_kind] = _SEASON_WORDS
    elif (_kind, _core) == ("ago", rf"(?P<u>{_lit(*_AGO_UNITS)})s?\s+(?P<dir>(?i:ago|earlier|later))\b"):
        _WORD_STARTS[_kind] = ()
    elif _kind == "ctx_year" and _core == rf"(?P<ry>{_lit(*_PAIR_GATE_PHRASES['ctx_year'][0])})\b" \
            and all("year" in ph.split() for ph in _PAIR_GATE_PHRASES["ctx_year"][0]):
        _WORD_STARTS[_kind] = ("year",)
del _kind, _core, _pre, _req
# "ctx_year": each phrase's words before its "year", last first, grouped by the word right before it
# ("last year" -> "last": [()], "the same year" -> "same": [("the",)], "the year before" -> "the": [()]).
_YEAR_HEADS: dict[str, list[tuple[str, ...]]] = {}
for _ph in _PAIR_GATE_PHRASES["ctx_year"][0]:
    _before = _ph.split()[:_ph.split().index("year")][::-1]
    _YEAR_HEADS.setdefault(_before[0], []).append(tuple(_before[1:]))
_YEAR_LASTS = tuple(_YEAR_HEADS)
del _ph, _before


def _year_phrase_starts(low: str) -> list[int]:
    """Where a "ctx_year" phrase may start: its words before a "year" of ``low``, each after whitespace."""
    cands: set[int] = set()
    i = low.find("year")
    while i >= 0:
        j = i
        while j > 0 and low[j - 1].isspace():
            j -= 1
        if j < i and low.endswith(_YEAR_LASTS, 0, j):
            for w, heads in _YEAR_HEADS.items():
                if not low.endswith(w, 0, j):
                    continue
                for head in heads:
                    q = j - len(w)
                    for h in head:
                        k = q
                        while k > 0 and low[k - 1].isspace():
                            k -= 1
                        if k == q or not low.endswith(h, 0, k):
                            break
                        q = k - len(h)
                    else:
                        cands.add(q)
        i = low.find("year", i + 1)
    return sorted(cands)


def _word_start_matches(kind: str, core: re.Pattern[str], text: str, low: str,
                        found: dict[tuple[str, ...], list[int]]) -> list[re.Match[str]]:
    """``list(core.finditer(text))`` for a kind of ``_WORD_STARTS``, ``low`` being ``text`` lower-cased
    character by character (same length; no letter that case folding and ``str.lower`` treat apart).

    Every match starts where ``low`` holds one of the kind's words, or (for "ago") at the unit that
    ends, with an optional "s", right before the whitespace before an "ago", "earlier" or "later".
    Trying ``core.match`` at those places in order, each after the end of the last match, is what
    ``finditer`` does at every place (its matches are never empty). ``found`` keeps the places of
    words shared by several kinds.
    """
    words = _WORD_STARTS[kind]
    if kind == "ctx_year":
        starts = _year_phrase_starts(low)
    elif words:
        starts = found.get(words)
        if starts is None:
            starts = []
            for w in words:
                i = low.find(w)
                while i >= 0:
                    starts.append(i)
                    i = low.find(w, i + 1)
            starts = found[words] = sorted(set(starts))
    else:
        cands: set[int] = set()
        for d in ("ago", "earlier", "later"):
            i = low.find(d)
            while i >= 0:
                j = i
                while j > 0 and low[j - 1].isspace():
                    j -= 1
                if j < i:
                    k = j - 1 if low[j - 1:j] == "s" else j
                    for u in _AGO_UNITS:
                        if low.endswith(u, 0, k):
                            cands.add(k - len(u))
                        if k < j and low.endswith(u, 0, j):
                            cands.add(j - len(u))
                i = low.find(d, i + 1)
        starts = sorted(cands)
    out = []
    last = 0
    for p in starts:
        if p >= last:
            m = core.match(text, p)
            if m is not None:
                out.append(m)
                last = m.end()
    return out


def _collect(text: str, low_text: str | None = None) -> list[_Atom]:
    cands: list[_Atom] = []
    korean = _HANGUL_RE.search(text) is not None
    year_starts: list[int] | None = None
    short_starts: list[int] = []
    month_starts: list[int] | None = None
    # None when case folding and str.lower disagree: then no pre-check is trusted
    low = None if any(ch in text for ch in _FOLD_ODD) else (low_text if low_text is not None else text.lower())
    hint_seen: dict[tuple[str, ...], bool] = {}  # several kinds share one hint tuple
    word_found: dict[tuple[str, ...], list[int]] = {}  # several kinds share one word tuple
    for kind, core, pre_rx, required in _COMPILED:
        if kind in _KOREAN_KINDS and not korean:
            continue
        hints = _SCAN_HINTS.get(kind)
        if hints is not None and low is not None:
            seen = hint_seen.get(hints)
            if seen is None:
                seen = hint_seen[hints] = any(h in low for h in hints)
            if not seen:
                continue
        phrase_gate = _PHRASE_GATES.get(kind) if kind not in _PHRASE_GATE_REPLACED else None
        if phrase_gate is not None and low is not None:
            if phrase_gate.search(low) is None:
                continue
        pair_gate = _PAIR_GATES.get(kind)
        if pair_gate is not None and low is not None and not _pairs_present(low, *pair_gate):
            continue
        family = _FAMILY.get(kind)
        if family == "digit":
            if year_starts is None:
                year_starts = []
                for d in _DIGITS_RE.finditer(text):
                    p, q = d.span()
                    if q - p <= 2:
                        short_starts.append(p)
                    elif q - p == 4 and text[p] in "12":
                        year_starts.append(p)
            starts = year_starts if kind in _YEAR_RUN_KINDS else short_starts
            matches = [m for m in (core.match(text, p) for p in starts) if m is not None]
        elif family == "month":
            if month_starts is None:
                month_starts = [m.start() for m in _MONTH_SCAN_RE.finditer(text)]
            matches = [m for m in (core.match(text, p) for p in month_starts) if m is not None]
        elif kind in _WORD_STARTS and low is not None and len(low) == len(text):
            matches = _word_start_matches(kind, core, text, low, word_found)
        else:
            matches = core.finditer(text)
        for m in matches:
            s, e = m.span()
            first = text[s]
            if s > 0:
                prev = text[s - 1]
                if first.isdigit() and (prev.isdigit() or (kind in ("iso", "year_range") and prev in "-/.")):
                    continue
                if first.isalpha() and prev.isalnum():
                    continue
            if required and _prefix_impossible(kind, text, s):
                continue
            if kind in ("words", "rel_unit") and first in "lL" and _POSSESSED_BEFORE.search(text, max(0, s - 7), s):
                continue
            if pre_rx is not None:
                pm = pre_rx.match(text, s, s) if not required and _only_empty_prefix(kind, text, s) \
                    else _prefix(pre_rx, text, s)
                if pm is None or (required and pm.end() == pm.start("_all")):
                    continue
                g = m.groupdict()
                pg = pm.groupdict()
                for key, val in pg.items():
                    if val is not None:
                        g[key] = val
                if pg.get("pre2") is not None:
                    g["pre"] = pg["pre2"]
                    g["fz"] = pg.get("fz2")
                if kind == "m" and not (pg.get("trig") or pg.get("pre2")):
                    continue
                pre_start = pm.start("pre") if pg.get("pre") else (pm.start("pre2") if pg.get("pre2") else s)
                if pg.get("pre") or pg.get("pre2"):
                    s = pre_start
            else:
                g = m.groupdict()
            if kind == "year" and _COUNT_AFTER_YEAR_RE.match(text, e):
                continue  # "in 2000 people": a count
            if kind == "m" and g["m"].lower() in ("may", "march") and not (g.get("trig") or "").strip()[:1].isalpha():
                continue  # "May"/"March" after a comma may be the verb or a name
            if kind == "ko_md" and s > 0 and text[max(0, s - 8):s].rstrip().endswith("년"):
                continue
            cands.append(_Atom(kind, s, e, g))
    # longest wins; ties go to the pattern listed first
    cands.sort(key=lambda a: (-(a.end - a.start), _PRIORITY[a.kind], a.start))
    taken: list[_Atom] = []
    occupied = bytearray(len(text))
    for a in cands:
        if occupied.find(1, a.start, a.end) != -1:
            continue
        taken.append(a)
        occupied[a.start:a.end] = b"\x01" * (a.end - a.start)
    taken.sort(key=lambda a: a.start)
    return taken


_DIGIT_RUN_RE = re.compile(r"\d+")


def _int(s: str | None) -> int | None:
    if s is None:
        return None
    digits = _DIGIT_RUN_RE.match(s)
    return int(digits.group()) if digits else None


def _month(s: str | None) -> int | None:
    if not s:
        return None
    return _MONTH_NUM.get(s.rstrip(".").lower())


def _count(s: str | None) -> int | None:
    t = _norm(s)
    if t in ("a", "an"):
        return 1
    if t in ("a few", "few", "several"):
        return 3
    if t in ("a couple", "a couple of"):
        return 2
    return parse_number(t) if t else None


def _year_from_rel(ry: str, pub: date | None, ctx: int | None) -> tuple[int | None, bool, str | None]:
    """Year for "last year", "that same year"...: (year, depends_on_publication, reason)."""
    r = _norm(ry)
    if r in ("this year", "last year", "next year"):
        if pub is None:
            return None, True, "relative"
        return pub.year + {"this year": 0, "last year": -1, "next year": 1}[r], True, None
    if ctx is None:
        return None, False, "unknown"
    if r in ("the previous year", "the year before", "the prior year"):
        return ctx - 1, False, None
    if r in ("the following year", "the next year"):
        return ctx + 1, False, None
    return ctx, False, None


def _unresolvable(a: "_Atom", pub: date | None) -> bool:
    """Mark a phrase as relative to publication; True when there is no date to resolve it."""
    a.relative = True
    if pub is None:
        a.unresolved_reason = "relative"
        return True
    return False


def _resolve(a: _Atom, pub: date | None, ctx_year: int | None, year_hint: int | None = None) -> None:
    """Fill ``a.lo``/``a.hi`` (or leave them None with a reason). Sets ``a.relative``."""
    g = a.g
    k = a.kind
    a.lo = a.hi = None
    a.unresolved_reason = None
    try:
        if k == "ko" and g.get("m") is None:
            y = _int(g["y"])
            a.explicit_year = y
            a.lo, a.hi = date(y, 1, 1), date(y, 12, 31)
        elif k in ("iso", "ko", "ko_md", "dmy", "mdy", "my", "m_ry", "rel_m", "m"):
            _resolve_calendar(a, pub, ctx_year, year_hint)
        elif k == "d_relm":
            if _unresolvable(a, pub):
                return
            step = {"this": 0, "next": 1}.get(_norm(g["rel"]), -1)
            y, m = _add_months(pub.year, pub.month, step)
            day = _safe_date(y, m, _int(g["d"]) or 0)
            if day is None:
                a.unresolved_reason = "invalid"
                return
            a.lo = a.hi = day
        elif k == "dom":
            if _unresolvable(a, pub):
                return
            d = _int(g["d"]) or 0
            y, m = pub.year, pub.month
            if d > pub.day:
                y, m = _add_months(y, m, -1)
            day = _safe_date(y, m, d)
            if day is None:
                a.unresolved_reason = "invalid"
                return
            a.lo = a.hi = day
        elif k in ("year", "fz_year"):
            y = _int(g["y"])
            if k == "year" and not 1950 <= y <= 2035:
                return
            a.explicit_year = y
            a.lo, a.hi = _fuzzy_year(y, g.get("fz"))
        elif k == "year_range":
            y1 = _int(g["y"])
            y2s = g["y2"]
            y2 = _int(y2s)
            if len(y2s) == 2:
                y2 = (y1 // 100) * 100 + y2
            if y2 <= y1 or y2 - y1 > 50 or not (1900 <= y1 <= 2099 and 1900 <= y2 <= 2099):
                return
            a.explicit_year = y2
            a.lo, a.hi = date(y1, 1, 1), date(y2, 12, 31)
        elif k == "decade":
            d0 = _int(g["dec"])
            f = _norm(g.get("fz"))
            lo, hi = d0, d0 + 9
            if f in ("early", "the beginning of", "the start of"):
                hi = d0 + 3
            elif f in ("mid", "the middle of"):
                lo, hi = d0 + 4, d0 + 6
            elif f in ("late", "the end of"):
                lo = d0 + 7
            a.lo, a.hi = date(lo, 1, 1), date(hi, 12, 31)
        elif k == "season_y":
            y = _int(g["y"])
            a.explicit_year = y
            a.lo, a.hi = _season_range(y, g["season"])
        elif k == "season_ry":
            y, a.relative, reason = _year_from_rel(g["ry"], pub, ctx_year)
            if y is None:
                a.unresolved_reason = reason
                return
            a.lo, a.hi = _season_range(y, g["season"])
        elif k == "season_rel" and _norm(g.get("rel")) in _THAT_RELS:
            if year_hint is None:
                a.unresolved_reason = "unknown"
                return
            a.lo, a.hi = _season_range(year_hint, g["season"])
        elif k in ("season_rel", "season_in"):
            if _unresolvable(a, pub):
                return
            rel = _norm(g.get("rel")) or "in"
            y = pub.year if rel != "last" and rel != "past" else pub.year - 1
            if rel in ("this", "next"):
                lo, hi = _season_range(pub.year, g["season"])
                if rel == "next" and lo <= pub:
                    lo, hi = _season_range(pub.year + 1, g["season"])
            else:
                # latest such season that began on or before publication
                # ("last summer" is the latest one already over)
                y = pub.year
                lo, hi = _season_range(y, g["season"])
                while lo > pub or (rel in ("last", "past") and hi >= pub):
                    y -= 1
                    lo, hi = _season_range(y, g["season"])
            a.lo, a.hi = lo, hi
        elif k == "weekday":
            if _unresolvable(a, pub):
                return
            wd = _WEEKDAY_NUM[g["wd"].lower()]
            rel = _norm(g.get("rel"))
            back = (pub.weekday() - wd) % 7
            if rel == "next":
                d = pub + timedelta(days=(wd - pub.weekday()) % 7 or 7)
            else:
                if rel in ("last", "past") and back == 0:
                    back = 7
                d = pub - timedelta(days=back)
            a.lo = a.hi = d
        elif k == "ago":
            _resolve_ago(a, pub)
        elif k == "weekend":
            if _unresolvable(a, pub):
                return
            saturday = pub - timedelta(days=(pub.weekday() - 5) % 7)
            a.lo, a.hi = saturday, min(saturday + timedelta(days=1), max(pub, saturday))
        elif k == "words":
            if _unresolvable(a, pub):
                return
            w = _norm(g["w"])
            delta = {"yesterday": 1, "last night": 1, "the day before yesterday": 2}.get(w, 0)
            a.lo = a.hi = pub - timedelta(days=delta)
        elif k == "rel_unit":
            _resolve_rel_unit(a, pub)
        elif k == "past_n":
            if _unresolvable(a, pub):
                return
            n = _count(g["n"])
            unit = _norm(g["u"]).rstrip("s")
            if n is None or n > 1000:
                return
            lo = _shift(pub, unit, -n)
            if lo is None:
                return
            a.lo, a.hi = lo + timedelta(days=1), pub
        elif k == "ctx_year":
            y, a.relative, reason = _year_from_rel(g["ry"], pub, ctx_year)
            if y is None:
                a.unresolved_reason = reason
                return
            f = _norm(g.get("fz"))
            a.lo, a.hi = _fuzzy_year(y, {"earlier": None, "later": None}.get(f, f) if f else None)
            if f in ("earlier", "later") and pub is not None and y == pub.year and a.relative:
                a.lo, a.hi = (a.lo, pub) if f == "earlier" else (pub, a.hi)
        elif k == "state":
            a.relative = True
            a.state = True
            if pub is None:
                a.unresolved_reason = "relative"
                return
            a.lo = a.hi = pub
    except (ValueError, OverflowError, KeyError, TypeError):
        a.lo = a.hi = None
        a.unresolved_reason = "invalid"


def _resolve_calendar(a: _Atom, pub: date | None, ctx_year: int | None, year_hint: int | None) -> None:
    g = a.g
    m = _int(g["m"]) if a.kind in ("iso", "ko", "ko_md") else _month(g["m"])
    if m is None or not 1 <= m <= 12:
        a.unresolved_reason = "invalid"
        return
    d = _int(g.get("d"))
    d2 = _int(g.get("d2"))
    y = _int(g.get("y"))
    if d is not None:
        # a day that exists in no year ("30 February") is dropped outright
        if _safe_date(2000, m, d) is None or (d2 is not None and (_safe_date(2000, m, d2) is None or d2 <= d)):
            a.unresolved_reason = "invalid"
            return
    if y is not None:
        a.explicit_year = y
    elif g.get("ry"):
        y, a.relative, reason = _year_from_rel(g["ry"], pub, ctx_year)
        if y is None:
            a.unresolved_reason = reason
            return
    elif g.get("rel"):
        if _unresolvable(a, pub):
            return
        rel = _norm(g["rel"])
        if rel == "this":
            y = pub.year
        elif rel == "next" or rel == "coming":
            y = pub.year if m > pub.month else pub.year + 1
        else:  # last, past, previous: the latest such month already over
            y = pub.year if m < pub.month else pub.year - 1
    elif year_hint is not None:
        y = year_hint
    else:
        a.relative = True
        a.needs_year = True
        if pub is None:
            a.unresolved_reason = "relative"
            return
        # the latest such month (or day) on or before publication
        y = pub.year
        first = _safe_date(y, m, d if d is not None else 1)
        if first is None or first > pub:
            y -= 1
        if d is not None:
            for _ in range(8):  # 29 February: go back to a leap year
                if _safe_date(y, m, d) is not None:
                    break
                y -= 1
    if d is not None:
        lo = _safe_date(y, m, d)
        hi = _safe_date(y, m, d2) if d2 is not None else lo
        if lo is None or hi is None:
            a.unresolved_reason = "invalid"
            return
        a.lo, a.hi = lo, hi
    else:
        a.lo, a.hi = _fuzzy_month(y, m, g.get("fz"))


def _resolve_ago(a: _Atom, pub: date | None) -> None:
    g = a.g
    direction = _norm(g["dir"])
    if direction != "ago":
        return  # anchored to another date: done by the caller
    if _unresolvable(a, pub):
        return
    n = _count(g["n"])
    unit = _norm(g["u"])
    if n is None or n > 1000:
        return
    few = _norm(g["n"]) in ("a few", "few", "several")
    target = _shift(pub, unit, -n)
    if target is None:
        return
    if few:
        # "a few months ago": from (n+3) units back to 2 units back
        lo = _shift(pub, unit, -6)
        hi = _shift(pub, unit, -2)
        if lo is None or hi is None:
            return
        a.lo, a.hi = _unit_span(lo, unit)[0], _unit_span(hi, unit)[1]
        return
    a.lo, a.hi = _unit_span(target, unit)


def _unit_span(d: date, unit: str) -> tuple[date, date]:
    """The whole day/week/month/year/decade containing ``d``."""
    if unit == "day":
        return d, d
    if unit == "week":
        monday = d - timedelta(days=d.weekday())
        return monday, monday + timedelta(days=6)
    if unit == "month":
        return date(d.year, d.month, 1), _month_end(d.year, d.month)
    if unit == "decade":
        return date(d.year - d.year % 10, 1, 1), date(d.year - d.year % 10 + 9, 12, 31)
    return date(d.year, 1, 1), date(d.year, 12, 31)


def _resolve_rel_unit(a: _Atom, pub: date | None) -> None:
    g = a.g
    if _unresolvable(a, pub):
        return
    rel = _norm(g["rel"])
    unit = _norm(g["u"])
    fz = _norm(g.get("fz"))
    if rel in ("the past", "the last", "past"):
        u = "week" if unit == "weekend" else unit
        lo = _shift(pub, u, -1)
        if lo is None:
            return
        a.lo, a.hi = lo + timedelta(days=1), pub
        return
    step = {"this": 0, "last": -1, "next": 1, "the coming": 1}[rel]
    if unit == "weekend":
        saturday = pub - timedelta(days=(pub.weekday() - 5) % 7)
        if rel == "next" or rel == "the coming":
            saturday = saturday + timedelta(days=7)
        elif rel == "last" and pub.weekday() in (5, 6):
            saturday = saturday - timedelta(days=7)
        a.lo, a.hi = saturday, saturday + timedelta(days=1)
        return
    anchor = _shift(pub, unit, step)
    if anchor is None:
        return
    lo, hi = _unit_span(anchor, unit)
    if fz == "earlier" and step == 0:
        hi = pub
    elif fz == "later" and step == 0:
        lo = pub
    elif fz and unit == "month":
        lo, hi = _fuzzy_month(lo.year, lo.month, fz)
    elif fz and unit == "year":
        lo, hi = _fuzzy_year(lo.year, fz)
    a.lo, a.hi = lo, hi


def _anchored(a: _Atom, anchor: DateMention | None) -> None:
    """"a month earlier", "two weeks later": move the anchor's range."""
    g = a.g
    if anchor is None or anchor.range.earliest is None or anchor.range.latest is None:
        a.unresolved_reason = "unknown"
        return
    n = _count(g["n"])
    unit = _norm(g["u"])
    if n is None or n > 1000:
        return
    sign = -1 if _norm(g["dir"]) == "earlier" else 1
    lo = _shift(anchor.range.earliest, unit, sign * n)
    hi = _shift(anchor.range.latest, unit, sign * n)
    if lo is None or hi is None:
        return
    if unit != "day":
        lo, hi = _unit_span(lo, unit)[0], _unit_span(hi, unit)[1]
    a.lo, a.hi = lo, hi
    a.relative = anchor.relative


_YEAR_IN_TEXT = re.compile(r"(?:1[89]|20)\d\d")
_STORY_REACH = 400  # characters from the last date told to a bare month that continues its story


def _story_month(a: _Atom, anchor: DateMention | None, published: date, ctx_year: int | None,
                 story: set[int]) -> bool:
    """"In the summer of 2013 somebody reported me. ... in September they drove me to Tumen": a bare month
    just after a dated past episode, later in the same year than it, continues that year's story.

    Only when the episode lies more than a year before publication (news of this year names its months bare
    too) and the month falls after the episode's end in its year ("In May 2013 ... In March" is not 2013).
    """
    if anchor is None or a.start - anchor.end > _STORY_REACH \
            or not (anchor.start in story or (not anchor.relative and _YEAR_IN_TEXT.search(anchor.text))):
        return False
    lo, hi = anchor.range.earliest, anchor.range.latest
    if lo is None or hi is None or (published - hi).days <= 365:
        return False
    if (hi - lo).days > 200:
        return False
    if a.kind == "season_in":
        # "I spent the winter of 2013 ... They let me go in the spring": the next such season after it
        s_lo, s_hi = _season_range(hi.year, a.g["season"])
        if s_lo <= hi:
            s_lo, s_hi = _season_range(hi.year + 1, a.g["season"])
        if (s_lo.year == hi.year + 1 and s_lo.month > 6) or s_hi > published:
            return False
        a.lo, a.hi, a.relative = s_lo, s_hi, False
        return True
    if a.lo.month <= hi.month:
        return False
    lo2, hi2 = a.lo, a.hi
    _resolve(a, published, ctx_year, year_hint=hi.year)
    if a.lo is None or a.hi is None or a.lo.year != hi.year:
        a.lo, a.hi = lo2, hi2
        return False
    a.relative = False
    return True


def _last_told(out: list[DateMention]) -> DateMention | None:
    """The last date found before, other than a state at publication."""
    return next((d for d in reversed(out) if not d.is_publication_state and d.range.earliest is not None
                 and d.range.latest is not None), None)


def _anchored_unit(a: _Atom, anchor: DateMention | None) -> None:
    """"the following month", "that day", "late that month": the unit of the anchor, moved by one or none."""
    g = a.g
    a.lo = a.hi = None
    if anchor is None:
        a.unresolved_reason = "unknown"
        return
    rel = _norm(g["rel"])
    unit = _norm(g["u"])
    if unit in ("morning", "evening", "night"):  # "the following morning": a day
        unit = "day"
    step = 1 if rel in ("the following", "the next") else -1 if rel in ("the previous", "the preceding") else 0
    lo = _shift(anchor.range.earliest, unit, step)
    hi = _shift(anchor.range.latest, unit, step)
    if lo is None or hi is None:
        return
    lo, hi = _unit_span(lo, unit)[0], _unit_span(hi, unit)[1]
    fz = g.get("fz")
    if fz and unit == "month" and (lo.year, lo.month) == (hi.year, hi.month):
        lo, hi = _fuzzy_month(lo.year, lo.month, fz)
    a.lo, a.hi = lo, hi
    a.relative = anchor.relative


# --- public --------------------------------------------------------------------

def _mention(text: str, start: int, end: int, lo: date | None, hi: date | None,
             relative: bool, state: bool = False, reason: str | None = None,
             season: bool = False) -> DateMention:
    span = text[start:end]
    if lo is not None and hi is not None and lo > hi:
        lo, hi = None, None
    precision = _precision(lo, hi, season)
    if lo is None and hi is None and reason == "unknown":
        precision = "unknown"
    elif (lo is None) != (hi is None):
        precision = "range"
    rng = DateRange(earliest=lo, latest=hi, text=span, precision=precision,
                    edtf=_edtf(lo, hi, precision))
    return DateMention(start=start, end=end, text=span, range=rng, relative=relative,
                       is_publication_state=state)


def find_dates(text: str, published: date | None = None, low: str | None = None) -> list[DateMention]:
    """Every date expression in ``text`` as an inclusive day range.

    ``published`` is the document's publication date; expressions that need it
    come back unresolved (earliest/latest None) when it is None. ``low`` is
    ``lower_same_length(text)`` when the caller already has it (the pipeline
    shares one per document).
    """
    if not text:
        return []
    atoms = _collect(text, low)
    out: list[DateMention] = []
    ctx_year: int | None = None
    ctx_end = 0
    story: set[int] = set()  # starts of bare months and seasons dated by the story they continue
    i = 0
    while i < len(atoms):
        a = atoms[i]
        if (a.kind == "m" and _norm(a.g.get("trig")) == "that") \
                or (a.kind == "season_rel" and _norm(a.g.get("rel")) in _THAT_RELS):
            # "That October": the month in the year of the date told just before
            anchor = _last_told(out)
            _resolve(a, published, ctx_year, year_hint=anchor.range.earliest.year if anchor else None)
        else:
            _resolve(a, published, ctx_year)
            if a.needs_year and ctx_year is not None and a.lo is not None and a.lo.year != ctx_year \
                    and not _TIME_PASSES_RE.search(text, ctx_end, a.start):
                # "For 2023 the total was ..., most on the night of 9 October": a month or day without a
                # year takes the year its sentence names before it, unless that would pass publication.
                lo, hi = a.lo, a.hi
                _resolve(a, published, ctx_year, year_hint=ctx_year)
                if a.lo is None or a.hi is None or (published is not None and a.hi > published):
                    _resolve(a, published, ctx_year)
                elif (lo, hi) != (a.lo, a.hi):
                    a.relative = False
            elif ((a.kind == "m" and a.needs_year) or a.kind == "season_in") and published is not None \
                    and a.lo is not None:
                if _story_month(a, _last_told(out), published, ctx_year, story):
                    story.add(a.start)
        if a.kind == "ago" and _norm(a.g["dir"]) != "ago":
            _anchored(a, _last_told(out))
        elif a.kind == "anchor_unit":
            _anchored_unit(a, _last_told(out))
        elif a.kind == "ago" and a.lo is not None and i + 1 < len(atoms) and atoms[i + 1].kind == "words" \
                and _norm(atoms[i + 1].g.get("w")) == "today" and text[a.end:atoms[i + 1].start].strip(" ,") == "":
            # "A year ago today": the very day, not the whole year
            n = _count(a.g["n"])
            day = _shift(published, _norm(a.g["u"]), -n) if n is not None and published is not None else None
            if day is not None:
                out.append(_mention(text, a.start, atoms[i + 1].end, day, day, True))
                i += 2
                continue
        if a.unresolved_reason == "invalid":
            i += 1
            continue
        # ranges: "from A until B", "between A and B", "A-B", "A and B of this year"
        if i + 1 < len(atoms):
            b = atoms[i + 1]
            rng = _try_range(text, a, b, published, ctx_year)
            if rng is not None:
                out.append(rng[0])
                if rng[1] is not None:
                    ctx_year, ctx_end = rng[1], b.end
                i += 2
                continue
        if a.explicit_year is not None:
            ctx_year, ctx_end = a.explicit_year, a.end
        if a.lo is None and a.hi is None and a.unresolved_reason is None and not a.state:
            i += 1
            continue  # an expression that resolved to nothing sensible
        start = a.start
        lo, hi, relative = a.lo, a.hi, a.relative
        since = _SINCE_RE.search(text, max(0, a.start - 12), a.start)
        if since and not a.state and lo is not None:
            start = since.start()
            relative = True
            hi = published if published is not None and published >= lo else None
            if published is not None and published < lo:
                start, hi = a.start, a.hi
        out.append(_mention(text, start, a.end, lo, hi, relative, a.state, a.unresolved_reason,
                            season=a.kind.startswith("season") and start == a.start))
        i += 1
    return out


_RANGEABLE = {"iso", "ko", "ko_md", "dmy", "mdy", "my", "m_ry", "rel_m", "m", "year",
              "fz_year", "season_y", "season_ry", "decade"}
_MONTHLIKE = {"my", "m_ry", "rel_m", "m"}


def _try_range(text: str, a: _Atom, b: _Atom, pub: date | None,
               ctx_year: int | None) -> tuple[DateMention, int | None] | None:
    if a.kind not in _RANGEABLE or b.kind not in _RANGEABLE:
        return None
    gap = _RANGE_GAP_RE.fullmatch(text, a.end, b.start)
    if not gap:
        return None
    connector = _norm(text[a.end:b.start])
    prefix = _FROM_RE.search(text, max(0, a.start - 10), a.start)
    if connector in ("and", "or"):
        # "between A and B"; or "July and August of this year" (A borrows B's year)
        if not prefix and not (a.kind in _MONTHLIKE and b.kind in _MONTHLIKE
                               and a.g.get("d") is None and b.g.get("d") is None):
            return None
        if prefix and _norm(prefix.group()).startswith("from"):
            return None
    _resolve(b, pub, ctx_year)
    if b.unresolved_reason == "invalid":
        return None
    # year inheritance between the two ends
    a_month = a.kind in ("m", "mdy", "dmy") and a.explicit_year is None and not a.g.get("ry") and not a.g.get("rel")
    b_month = b.kind in ("m", "mdy", "dmy") and b.explicit_year is None and not b.g.get("ry") and not b.g.get("rel")
    if a_month and b.hi is not None and not b_month:
        am, bm = _month(a.g["m"]), b.hi.month
        y = b.hi.year if am is not None and am <= bm else b.hi.year - 1
        _resolve(a, pub, ctx_year, year_hint=y)
        a.relative = b.relative
    elif b_month and a.lo is not None and not a_month:
        bm, am = _month(b.g["m"]), a.lo.month
        y = a.lo.year if bm is not None and bm >= am else a.lo.year + 1
        _resolve(b, pub, ctx_year, year_hint=y)
        b.relative = a.relative
    elif a_month and b_month and b.lo is not None and a.lo is not None and a.lo > b.lo:
        _resolve(a, pub, ctx_year, year_hint=a.lo.year - 1)
    if a.lo is None or b.hi is None:
        if a.unresolved_reason or b.unresolved_reason:
            start = prefix.start() if prefix else a.start
            reason = a.unresolved_reason or b.unresolved_reason
            return _mention(text, start, b.end, None, None, True, reason=reason), b.explicit_year
        return None
    if a.lo > b.hi:
        return None
    start = prefix.start() if prefix else a.start
    year = b.explicit_year or a.explicit_year
    return _mention(text, start, b.end, a.lo, b.hi, a.relative or b.relative), year
