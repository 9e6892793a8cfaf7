"""Event assembly: turn the annotations of one document into claims.

Needs: ``doc._.sentences``, ``doc._.places``, ``doc._.dates``, ``doc._.counts``,
``doc._.shares``, ``doc._.triggers``, ``doc._.victims``, ``doc._.sources``,
``doc._.published``. Adds: ``doc._.events`` (list of ``Claim``).

The rules, in the order they apply:

1. One candidate per sentence and event class among its unblocked triggers
   ("caught and detained" is one arrest). A sentence that pairs several dates
   with several counts ("in August (with 80), September (with 40)", or "30
   in Yanji in March and 12 in Tumen in April") gives one candidate per
   pair. A sentence with a total but no trigger ("recorded 51
   instances ... at least 92 persons") continues the event type of the
   trigger just before it and is flagged aggregate.
2. Each candidate takes the parts nearest to it: the date in its sentence
   (dates that name a report — "a May 14 announcement" — or sit behind a
   reporting verb — "reported on April 29 that ..." — are weak: the event
   happened by then); else the frame date of the previous sentences when the
   sentence continues them ("They were ...", "While ..."); else the date of
   the next sentence when that one has no event of its own; a present state
   ("currently held") is dated to publication. A "since" date (when a state
   began) dates only custody and disappearance, and a date inside a relative
   clause before the verb ("who crossed in August") gives way to another
   date of the sentence. Counts are counts of people or cases, nearest
   first, from the candidate's own clause when the sentence tells events of
   several classes ("... before she was sent back with 30 others": not her
   arrest's figure); "X, his wife and his three children" sums to five;
   "X, along with about 10 others" is about eleven, as are "him and ten
   other men" and "with ten others"; a named person alone counts one, as
   does "a woman", "her uncle", "the appellant", "Ms. Choi" or "Sister
   Grace" as the clause's subject (a participle before the verb — "a woman
   returned in April was sentenced" — stays inside the subject), and a
   second person who goes along ("with her aunt", "together with his
   girlfriend", "taking her son with her") or a pair as subject ("my
   sister and I") makes two. A partitive frame ("Of the 31 women, ...")
   and a figure with its own relative clause ("17 who were returned, four
   who were released") are not members of a list to sum; the figure whose
   relative clause holds the verb is the count. A case list's line that
   opens with its verb ("Arrested in Yanji in March ...") takes the person
   or people its heading line names ("Kim Su-ah, 29."); a chronology's
   dated line that opens with its verb ("2009 — Crosses the river") tells
   of one person (two with a companion). "The woman, named as X, ..." up to three
   sentences later names the woman of the event. Places come from the
   sentence, else a country it names (a third country; China for custody,
   also "in Chinese custody"), else its neighbours.
3. Candidates that agree (same class, overlapping dates, counts that can be
   the same figure, no conflicting named victims) merge into one event; the
   body's figure beats the headline's, digits beat words, the first statement
   beats later ones; the most specific date within a month refines a broader
   one. Mentions too thin to stand alone ("forced repatriations", undated and
   uncounted, or a present state with nobody counted, named or placed) join
   the main event of their class or are dropped. Some candidates never merge
   with what came before: "two other women", "further returns"; a running
   tally ("16 instances of arrest involving 37 people") and one occurrence
   with another figure; one woman and one man ("a woman ... died", "the man
   ... hanged himself"), or a group of men ("Two men died"); a tally and one unnamed person's story ("27
   incidents ..." and "a woman ... was picked up in February").
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
from refwatch.extract.sentences import doc_text, ext, set_ext
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
    compared: bool = False  # "up from 67 in 2022", "well above the previous twelve months": a point of comparison
    born: bool = False  # "born in 1982": never the date of an event


@dataclass(slots=True)
class _Cand:
    etype: str
    sentence: int
    pos: int
    headline: bool
    date: _Date | None = None
    date_strength: str | None = None  # same, frame, next, state, weak
    count: Count | None = None
    count_kind: str | None = None  # stated, vague, implicit, anaphoric ("they": the group counted before)
    count_digits: bool = False
    places: list[PlaceRef] = field(default_factory=list)
    victims: list[tuple[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    share: float | None = None
    aggregate: bool = False
    evidence: list[tuple[int, int]] = field(default_factory=list)
    span: tuple[int, int] | None = None  # the clause of a sentence that holds two events of one class
    sibling: "_Cand | None" = None  # a candidate of the same sentence this one must stay apart from
    background: bool = False  # told in the pluperfect ("had been caught"): background to another event
    distinct: bool = False  # "two other women", "further returns": a group apart from the events told before
    tally: bool = False  # a running total ("16 instances of arrest involving 37 people"), not one occurrence
    sex: str | None = None  # "f" / "m" when the clause's one person is a woman or a man
    own_subject: bool = False  # a clause of its own with its own date ("...; her husband was arrested ...")
    helper: bool = False  # the arrest of a broker, driver or guide, apart from the people he helped
    separate: bool = False  # "In a separate case ...": apart from the body's earlier events (a headline may tell it)

    @property
    def informative(self) -> bool:
        # A count borrowed from "they" does not make background stand alone ("Both had been caught ...").
        # A present state with nobody counted, named or placed ("they are refugees held in limbo") is too thin.
        dated = self.date is not None and not (self.date_strength == "state" and not self.places)
        return dated or (self.count is not None and not (self.count_kind == "anaphoric" and self.background)) \
            or bool(self.victims)


@dataclass(slots=True)
class _Event:
    cls: str
    members: list[_Cand] = field(default_factory=list)
    # best_count / best_date, kept until a member is added (the merge asks for them once per candidate)
    _cached: tuple | None = None

    def add(self, cand: _Cand) -> None:
        self.members.append(cand)
        self._cached = None

    def summary(self) -> tuple[_Cand | None, _Date | None, str | None]:
        """(best count, best date, its strength), computed once per membership."""
        if self._cached is None:
            self._cached = (self.best_count(), *self.best_date())
        return self._cached

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
    return (int(not c.headline), int(c.count_kind == "stated"), int(c.count_kind not in ("implicit", "anaphoric")),
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
    companion_after: re.Pattern[str] | None = None
    subjectless: re.Pattern[str] | None = None
    pair_subject: re.Pattern[str] | None = None


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    lex = load("triggers")
    nouns = "|".join(sorted((re.escape(n) for n in lex["person_nouns"]), key=len, reverse=True))
    return _Lex(
        report_verbs=re.compile(r"\b" + lex["report_verbs"] + r"\b", re.IGNORECASE),
        report_noun_after=re.compile(r"^[’']?s?\s+(?:[\w-]+\s+){0,2}?" + lex["report_nouns"] + r"\b", re.IGNORECASE),
        aggregate=re.compile(lex["aggregate_markers"], re.IGNORECASE),
        frame_start=re.compile(r"^\W*(?:" + "|".join(lex["frame_starters"]) + r")\b", re.IGNORECASE),
        # "her nine-year-old daughter Ji-woo": the noun may be followed by the person's given name
        person_np=re.compile(rf"\b(?:the|his|her|their|an?|one)\s+(?:[\w-]+\s+){{0,3}}?(?:{nouns})"
                             r"(?:\s+(?-i:[A-Z][a-z]+(?:-[a-z]+)?))?$", re.IGNORECASE),
        singular_subject=re.compile(lex["singular_subject"], re.IGNORECASE),
        reflexive=re.compile(lex["reflexive_singular"], re.IGNORECASE),
        relative_before=re.compile(lex["relative_time_before"], re.IGNORECASE),
        companion_after=re.compile(lex["companion_after"].replace("NOUNS", nouns), re.IGNORECASE),
        pair_subject=re.compile(lex["pair_subject"].replace("NOUNS", nouns), re.IGNORECASE),
        subjectless=re.compile(r"[^\w]*(?=[A-Z])(?i:" + lex["subjectless_opener"] + r")\b"),
    )


_RELATIVE_RE = re.compile(r"\b(?P<n>a|an|one|two|three|four|five|six|\d+)\s+(?P<unit>day|week|month|year)s?\s+"
                          r"(?P<dir>earlier|before|later|after|prior)\b", re.IGNORECASE)
_SAME_YEAR_RE = re.compile(r"\b(?:that|the)\s+(?:same\s+)?year\b", re.IGNORECASE)
_MONTHS = {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                             "nov", "dec"])}
_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_AUX_TAIL = re.compile(r"\s+(?:were|was|had|have|has|been|being|all|both|reportedly|later|then|also)$", re.IGNORECASE)
_YEAR_NAME = re.compile(r"(?:19|20)\d\d")
_PROPER_AFTER = re.compile(r"\s[A-Z]")
# "After his return he was sent to a camp": dated by the event it follows.
_AFTER_EVENT = re.compile(r"^\W*(?:after|following|since|upon|on)\s+(?:his|her|their)\s+(?P<noun>return|repatriation|"
                          r"deportation|arrest|detention|capture|release|escape|flight)\b", re.IGNORECASE)
_NOUN_CLASS = {"return": "repatriation", "repatriation": "repatriation", "deportation": "repatriation",
               "arrest": "arrest", "detention": "arrest", "capture": "arrest", "release": "release",
               "escape": "escape", "flight": "escape"}
_SHARE_TEXT = re.compile(r"%|per\s*cent|percent|half|third|quarter|most|majority", re.IGNORECASE)
_PARTITIVE = re.compile(r"^\s+of\s+(?:the|these|those|them|whom)\b", re.IGNORECASE)
_HEADLESS_OK = re.compile(r"^\s+(?:were|was|are|have|had|who|of\s+them|more(?!\s+than))\b", re.IGNORECASE)
# A number that names a group of people without a noun: "a defector family of five", "the seven, five women ...".
_GROUP_OF = re.compile(r"\b(?:family|group|party|household)\s+of\s+$", re.IGNORECASE)
_THE_BEFORE = re.compile(r"\b(?:the|all|these|those)\s+$", re.IGNORECASE)
_APPOSITION_AFTER = re.compile(r"^\s*[,—–]", re.IGNORECASE)
# A figure a tally changed to: "arrivals rose to 236", "returns fell from 900 to a few dozen", "deaths totalled 12".
_CHANGED_TO = re.compile(r"\b(?:rose|fell|dropped|climbed|increased|decreased|grew|declined|jumped|totall?ed|numbered|"
                         r"stood\s+at)(?:\s+from\b[^.;]{0,60}?\s+to|\s+to)?\s+$", re.IGNORECASE)
# A verb inside a relative clause of its own noun: "a broker who has since stopped answering his phone".
_OWN_RELATIVE = re.compile(r"\b(?:a|an)\s+(?:[\w-]+\s+){0,2}?[\w-]+\s+who\s+(?:[\w’'-]+\s+){0,3}$", re.IGNORECASE)
# A past-tense verb right after "the eleven": the number is the subject.
_PAST_VERB_AFTER = re.compile(r"^\s+(?:[a-z]+ed|gave|took|went|fled|made|left|came|got|spent|swam|ran|were|was)\b")
# "..., four of them children": a breakdown of the group before, as "among them" is.
_INCLUDING = re.compile(r"\b(?:including|among\s+them|among\s+whom|of\s+whom|[\w-]+\s+of\s+them)\b", re.IGNORECASE)
_CONTINUATION = re.compile(r"^\W*(?:these|those|they)\s+(?:include|included|were|are)\b", re.IGNORECASE)
_SINGULAR_NP = re.compile(
    r"\b(?:she|he)\b|\b(?:her|his)\s+(?:whereabouts|fate|current\s+location|location)\b|"
    r"\b(?:a|an|one|the|another|this|that|my|his|her|our|their)\s+(?:[\w’'-]+\s+){0,3}?(?:woman|man|boy|girl|teenager|mother|father|"
    r"wife|husband|grandmother|grandfather|defector|escapee|refugee|soldier|student|worker|trader|daughter|son|"
    r"sister|brother|member|person|child|toddler|baby|aunt|uncle|cousin|niece|nephew|grandson|granddaughter|"
    r"appellant|applicant|claimant|girlfriend|boyfriend)\b(?!\s*(?:and|,\s*(?:his|her|their)))|"
    r"(?-i:\b(?:Mr|Ms|Mrs|Miss|Brother|Sister|Deacon|Pastor|Elder)\.?\s+[A-Z][a-z]+)\b(?!\s*(?:and|,\s*(?:his|her|their)))|"
    r"\bthe\s+(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)(?=\s+(?:was|is|had|has)\b)|"
    r"(?<!\band\s)(?-i:\bI\b)(?=(?:\s+[\w’'-]+){1,4}\s*$)|"  # a narrator's own case, just before the verb
    r"\b(?:a|an|the)\s+\d{1,2}-year-old(?=\s+(?:was|is|had|has|who)\b|\s*,)",
    re.IGNORECASE)
_PLURAL_NP = re.compile(r"\b(?:they|both|families|women|men|people|children|others|group|couple|family|all)\b",
                        re.IGNORECASE)
_RELATIVE_CLAUSE = re.compile(r",\s*(?:who|whom|whose|which)\b[^,]*(?:,|$)", re.IGNORECASE)
_OF_COMPLEMENT = re.compile(r"\b(?:of|in|from)\s+(?:the|their|his|her|its|a|an|this|that)\s+(?:same\s+)?[\w-]+",
                            re.IGNORECASE)
# "They were sent back", "deported them", "The family have since been transferred": the group named before.
_GROUP_ANAPHOR = re.compile(r"\b(?:they|them|both|the\s+(?:family|group|couple|pair|(?:two|three|four|five|six|seven|"
                            r"eight|nine|ten|eleven|twelve|\d+)\b(?!\s+(?:of|women|men|people|children|defectors)\b)))"
                            r"\b", re.IGNORECASE)
#: How many sentences back a group anaphor may point.
_GROUP_REACH = 3
_SINGULAR_OBJECT = re.compile(r"\b(?:her|him|me)\b(?!\s+(?:family|families|husband|wife|children|son|daughter|"
                              r"relatives|parents))", re.IGNORECASE)
# "born in 1982", "born on 3 May 1982": a birth date never dates an event.
_BORN_BEFORE = re.compile(r"\b(?:born|b\.)\s+(?:in\s+|on\s+)?(?:the\s+)?$", re.IGNORECASE)
# A log entry heading opens its block: "2023-08-14 — Arrest." / "12 May 2021: Detention".
_ENTRY_AFTER_DATE = re.compile(r"^\s*[—–:-]")
#: At most this many words follow the date of a log entry heading ("— Arrest.", "— Forced return.").
_ENTRY_HEADING_WORDS = 5
# "... 300 in Jilin, and hundreds more in Liaoning": a further group, a separate event of the same kind.
_MORE_AFTER = re.compile(r"^\s+(?:[\w-]+\s+)?more\b", re.IGNORECASE)
_ANOTHER_BEFORE = re.compile(r"\b(?:another|a\s+further|a\s+further\s+group\s+of)\s+$", re.IGNORECASE)
_CLAUSE_BEFORE_MORE = re.compile(r"(?:,\s*(?:and|while|with)\b|;|\band\b)[^,;]*$", re.IGNORECASE)
# A date that is only the point of comparison of a figure.
_COMPARE_BEFORE = re.compile(r"\b(?:up|down|rising|falling|rose|fell|increased|decreased)\s+from\s+[^,;.]{0,25}$|"
                             r"\b(?:above|below|than|compared\s+(?:with|to)|versus|against)\s+[^,;.]{0,25}$",
                             re.IGNORECASE)
_COMPARE_WORDS = ("from", "above", "below", "than", "compared", "versus", "against")
# The figure of a comparison: "up from 67 in 2022", "compared with 41 in 2016".
_COMPARE_COUNT_BEFORE = re.compile(r"\b(?:up|down|rising|falling|rose|fell|increased|decreased)\s+from\s+$|"
                                   r"\b(?:compared\s+(?:with|to)|versus|against)\s+$", re.IGNORECASE)
# "SEOUL, Oct. 12 (Yonhap) —", "BEIJING/SEOUL, Aug. 22, 2019 —": the date the story was filed.
_DATELINE_DATE_AFTER = re.compile(r"^\s*(?:\([^)]{1,40}\)\s*)?(?:[—–]|-\s)")
_DATELINE_REACH = 50  # "Nov 14 (North Asia Press Service) - ": the agency in brackets, then the dash
_REPORTED_AT = re.compile(r"\b(?:said|says|reported|announced|told|stated|added|confirmed|wrote|disclosed|revealed)"
                          r"\s+(?:\w+\s+)?$", re.IGNORECASE)
_IN_BETWEEN = re.compile(r"\s+(?:in|during|for)\s+")
_AGE = re.compile(r"^(?:aged\s+)?\d{1,3}$")
_WOMEN = re.compile(r"\b(?:women|female|females|girls)\b", re.IGNORECASE)


# --- helpers -----------------------------------------------------------------

def _headless_people(text: str, c) -> bool:
    """A count with no noun that still counts people ("five were held", "a family of five", "the seven,")."""
    before = text[max(0, c.start - 20):c.start]
    after = text[c.end:c.end + 12]
    if _HEADLESS_OK.match(after) or _GROUP_OF.search(before):
        return True
    if _CHANGED_TO.search(text, max(0, c.start - 80), c.start):
        return True
    if _THE_BEFORE.search(before) and _PAST_VERB_AFTER.match(after):
        return True  # "The eleven slipped through the fence", "the six gave themselves up"
    return bool(_THE_BEFORE.search(before) and _APPOSITION_AFTER.match(after))


def _month_range(y: int, m: int) -> tuple[date, date]:
    first = date(y, m, 1)
    return first, first + relativedelta(months=1) - timedelta(days=1)


_PERIOD_ANAPHOR = re.compile(r"\b(?i:during|in|over|for|throughout|within)\s+(?:the|that)\s+(?:same\s+)?"
                             r"(?P<u>quarter|year)\b(?!\s+(?:of|before|after|ago|earlier|later|\d))")


def _is_period(d: _Date, unit: str) -> bool:
    lo, hi = d.earliest, d.latest
    if lo is None or hi is None or lo.day != 1:
        return False
    if unit == "year":
        return (lo.month, hi.month, hi.day, lo.year) == (1, 12, 31, hi.year)
    end = lo + relativedelta(months=3) - timedelta(days=1)
    return lo.month in (1, 4, 7, 10) and hi == end


def _period_anaphora(dates: list[_Date], text: str, sent_of, sentences) -> list[_Date]:
    """"... arrested in China during the quarter" after "the first quarter of 2025": that quarter (a year
    likewise); undated when no such period was named before."""
    out = list(dates)
    for m in _PERIOD_ANAPHOR.finditer(text):
        if any(d.start <= m.start() < d.end or m.start() <= d.start < m.end() for d in dates):
            continue
        unit = m.group("u")
        prior = [d for d in dates if d.end <= m.start() and _is_period(d, unit)]
        si = sent_of(m.start())
        if not prior or si < 0 or sentences[si].skip:
            continue
        a = prior[-1]
        out.append(_Date(m.start(), m.end(), m.group(0), a.earliest, a.latest, si))
    out.sort(key=lambda d: d.start)
    return out


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


_SHIFT_ONLY = re.compile(r"^\W*(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+"
                         r"(?P<unit>day|week|month|year)s?\s+(?P<dir>later|earlier|after|before)\W*$", re.IGNORECASE)
_NUM_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
              "nine": 9, "ten": 10}


def _shift_span(lo: date, hi: date, unit: str, n: int) -> tuple[date, date]:
    """Move a range by ``n`` units, widened to whole units as the date finder does for "a week later"."""
    if unit == "day":
        return lo + timedelta(days=n), hi + timedelta(days=n)
    if unit == "week":
        lo, hi = lo + timedelta(weeks=n), hi + timedelta(weeks=n)
        lo = lo - timedelta(days=lo.weekday())
        return lo, hi + timedelta(days=6 - hi.weekday())
    if unit == "month":
        lo, hi = lo + relativedelta(months=n), hi + relativedelta(months=n)
        return _month_range(lo.year, lo.month)[0], _month_range(hi.year, hi.month)[1]
    return date(lo.year + n, 1, 1), date(hi.year + n, 12, 31)


# "where she settled in 2015", "who moved to Seoul in 2019": a date of someone's life, not of an event told.
_LIFE_BEFORE = re.compile(r"\b(?:settled|resettled|moved|lived|living|married|graduated|born|grew\s+up)\b"
                          r"[^,;.]{0,30}$", re.IGNORECASE)
# "where her mother had been held since her arrest in the spring": background, before the story's time frame.
_PLUPERFECT_BEFORE = re.compile(r"\bhad\s+(?:been\s+)?\w+[^.;!?]{0,50}$", re.IGNORECASE)


def _reanchor_relative(dates: list[_Date], text: str) -> None:
    """"One week later ...": counted from the last date of something that happened, not of a life detail.

    The date finder counts from the date just before; when that date only
    says where someone's life stands ("where she settled in 2015", "born in
    1990"), names a report, or is pluperfect background ("had been held since
    her arrest in the spring"), the shift is counted again from the last date
    before it that is none of these.
    """
    told: dict[int, bool] = {}  # per date index: not a life detail, report name or background (text only)

    def usable(j: int) -> bool:
        p = dates[j]
        if p.earliest is None or p.latest is None:
            return False
        if j not in told:
            told[j] = not p.born and not p.names_report and not p.state and p.text != "" \
                and not _LIFE_BEFORE.search(text[max(0, p.start - 40):p.start]) \
                and not _PLUPERFECT_BEFORE.search(text[max(0, p.start - 70):p.start])
        return told[j]

    for i, d in enumerate(dates):
        m = _SHIFT_ONLY.match(d.text)
        if not m or i == 0:
            continue
        # the last usable date before this one, read backwards
        last = next((j for j in range(i - 1, -1, -1) if usable(j)), None)
        if last is None or last == i - 1:
            continue
        anchor = dates[last]
        g = m.group("n").lower()
        n = _NUM_WORDS[g] if g in _NUM_WORDS else int(g)
        sign = -1 if m.group("dir").lower() in ("earlier", "before") else 1
        assert anchor.earliest is not None and anchor.latest is not None
        d.earliest, d.latest = _shift_span(anchor.earliest, anchor.latest, m.group("unit").lower(), sign * n)


_BARE_MONTH = re.compile(r"(?:(?:early|mid|late)[\s-]+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?",
                         re.IGNORECASE)
_HAS_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DURATION = re.compile(r"\b(?:years?|decades?)\b", re.IGNORECASE)
#: How many sentences back, and how wide (days), a dated frame may be to lend its year to a bare month.
_FRAME_REACH = 3
_FRAME_WIDTH = 92
#: A bare month read this many days or fewer after the frame keeps its reading.
_FRAME_GAP = 730


def _frame_years(dates: list[_Date], text: str) -> None:
    """"In the summer of 2008 police swept the district ... She was sent back in September": that September.

    A bare month (no year, no "last"/"this") is read by the date finder as
    the latest one before publication. When a short period (at most a
    season) of an earlier, stated year opens the story's time frame up to
    three sentences before, or a short period of an earlier year comes earlier in the same sentence with no span of years
    in between ("caught that February, returned in March"), the month falls
    in that year, or in the next when it comes before the frame's month;
    unless the plain reading is within two years of the frame (then the
    story may simply have moved on).
    """
    for i, d in enumerate(dates):
        if d.earliest is None or d.latest is None or not _BARE_MONTH.fullmatch(d.text):
            continue
        frame = None
        for p in reversed(dates[:i]):
            if d.sentence - p.sentence > _FRAME_REACH:
                break
            if p.sentence == d.sentence and _DURATION.search(text, p.end, d.start):
                continue  # "picked up in December 2022 and held for over a year before ... in April"
            if p.earliest is not None and p.latest is not None and not p.born and not p.names_report \
                    and (p.latest - p.earliest).days <= _FRAME_WIDTH \
                    and (p.sentence == d.sentence or _HAS_YEAR.search(p.text)):
                frame = p
                break
        if frame is None or frame.earliest is None or frame.latest is None or frame.earliest.year >= d.earliest.year \
                or (d.earliest - frame.latest).days <= _FRAME_GAP:
            continue  # a month within two years of the frame may be a later turn of the story
        year = frame.earliest.year + (d.earliest.month < frame.earliest.month)
        shift = relativedelta(years=year - d.earliest.year)
        d.earliest, d.latest = d.earliest + shift, d.latest + shift


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
    if a.count is None or b.count is None or {"vague", "implicit", "anaphoric"} & {a.count_kind, b.count_kind}:
        return True
    if a.count.unit != b.count.unit or 1 in (a.count.best, b.count.best):
        return True
    lo1, hi1 = _range_of(a.count)
    lo2, hi2 = _range_of(b.count)
    return lo1 <= hi2 and lo2 <= hi1


def _one_person(c: _Cand) -> bool:
    """The candidate tells of one person it does not count by a figure ("a woman", "she", "Ms. Choi")."""
    return c.count is not None and c.count_kind == "implicit" and c.count.best == 1


def _tallies_compatible(ev: _Event, bc: _Cand | None, cand: _Cand) -> bool:
    """A running total and one occurrence with another figure are different events.

    "At least nine were arrested between 3 and 10 June" and "from January to
    June we logged 16 instances of arrest involving at least 37 people"
    overlap in time, but the tally counts the nine among others.
    """
    if bc is None or cand.count is None or bc.count is None or bc.count_kind != "stated" \
            or cand.count_kind != "stated":
        return True
    ev_tally = any(m.tally for m in ev.members)
    if ev_tally == cand.tally:
        return True
    return bc.count.best == cand.count.best and bc.count.unit == cand.count.unit


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
                                      ("dates", "counts", "places", "victims", "sources", "triggers", "shares",
                                       "any_counts")}
    # Dates ------------------------------------------------------------------
    all_dates: list[_Date] = []
    for d in dates:
        si = sent_of(d.start)
        if si < 0 or sentences[si].skip:
            continue
        rng = d.range
        nd = _Date(d.start, d.end, d.text, rng.earliest, rng.latest, si, bool(d.is_publication_state))
        nd.names_report = bool(lex.report_noun_after.match(text[d.end:d.end + 40])) \
            or _treaty_year(text, sentences[si].start, d.start)
        before = text[max(sentences[si].start, d.start - 40):d.start]
        low_before = before.lower()
        nd.compared = any(w in low_before for w in _COMPARE_WORDS) and bool(_COMPARE_BEFORE.search(before))
        nd.born = "b" in low_before and bool(_BORN_BEFORE.search(before[-25:]))
        all_dates.append(nd)
    _resolve_anaphora(all_dates, text)
    _reanchor_relative(all_dates, text)
    _frame_years(all_dates, text)
    if "the quarter" in text or "the year" in text or "that quarter" in text or "that year" in text:
        all_dates = _period_anaphora(all_dates, text, sent_of, sentences)
    for d in all_dates:
        if d.earliest is not None and d.latest is not None and d.earliest <= d.latest and not d.names_report \
                and not d.born:
            by_sent["dates"][d.sentence].append(d)
    date_starts = {d.start for d in all_dates}
    # An answer that took its event word from the question before it ("How many remain in custody? -
    # Perhaps 400.") gives its bare figures as head counts.
    answers = {t.sentence for t in triggers if t.start == t.end and not t.text}
    for c in counts:
        si = sent_of(c.start)
        if si < 0 or sentences[si].skip:
            continue
        if si in answers and c.refers_to is None and c.count.best is not None and not _YEAR_NAME.fullmatch(c.text):
            by_sent["counts"][si].append(c)
            continue
        if c.refers_to not in ("persons", "cases") and not _GROUP_OF.search(text[max(0, c.start - 20):c.start]) \
                and not ((c.head is None or _PAST_VERB_AFTER.match(" " + c.head)) and _headless_people(text, c)):
            continue
        if _YEAR_NAME.fullmatch(c.text) and (_PROPER_AFTER.match(text[c.end:c.end + 3]) or c.start in date_starts):
            continue  # "the 1951 Refugee Convention", "During 2024 relatives ...": a year, not a head count
        if _PARTITIVE.match(text[c.end:c.end + 12]) and _SHARE_TEXT.search(c.text):
            continue  # "80 per cent of them": a share, not a head count ("Four of them" is one)
        by_sent["counts"][si].append(c)
    for c in counts:
        si = sent_of(c.start)
        if si >= 0 and not sentences[si].skip:
            by_sent["any_counts"][si].append(c)
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

    open_triggers = [[t for t in ts if not t.blocked] for ts in by_sent["triggers"]]

    def unblocked(si: int) -> list:
        return open_triggers[si] if 0 <= si < n else []

    def same_block(a: int, b: int) -> bool:
        return 0 <= b < n and sentences[a].block == sentences[b].block and not sentences[b].skip

    entries = _entry_headings(text, sentences, by_sent)

    # Candidates -------------------------------------------------------------
    cands: list[_Cand] = []
    last_trigger_type: dict[int, str] = {}
    heads: dict[int, tuple[Count, list[tuple[str, str]]] | None] = {}  # subject-less lines: their entry's person
    for si, sent in enumerate(sentences):
        if sent.skip:
            continue
        trigs = unblocked(si)
        if not trigs and not by_sent["counts"][si]:
            continue  # nothing happens here and there is no total to continue an earlier event with
        classes: dict[str, list] = {}
        for t in trigs:
            classes.setdefault(event_class(t.type), []).append(t)
        if "disappearance" in classes and "custody" in classes and all(
                _AFTER_OWN_NOUN.search(text, max(sent.start, t.start - 12), t.start) and _OWN_NOUN.match(t.text)
                for t in classes["custody"]):
            # "lost contact with 5 people after their arrest": the arrest is what the loss followed
            del classes["custody"]
        if "disappearance" in classes and classes.keys() & _CUSTODYISH:
            del classes["disappearance"]
        if "transfer" in classes and "repatriation" in classes and not _into_china(classes["transfer"]) \
                and not _dated_apart(classes["transfer"], classes["repatriation"], by_sent["dates"][si],
                                     by_sent["triggers"][si]):
            del classes["transfer"]  # "transferred to the border and sent back": one return
        if trigs:
            last_trigger_type[si] = trigs[-1].type
        if not classes:
            agg = _aggregate_candidate(si, sent, text, by_sent, last_trigger_type, sentences, lex, entries)
            if agg is not None:
                cands.append(agg)
            continue
        owners = _date_owners(by_sent["dates"][si], by_sent["triggers"][si], text)
        for cls, all_ts in classes.items():
            main = all_ts[0]
            etype = next((t.type for t in all_ts if t.type == "arrest"), main.type)
            pairs = (_date_count_pairs(by_sent["dates"][si], by_sent["counts"][si])
                     or _count_date_pairs(by_sent["dates"][si], by_sent["counts"][si], by_sent["any_counts"][si],
                                          text)) if len(classes) == 1 else []
            if pairs:
                for d, c in pairs:
                    cand = _Cand(etype, si, d.start, sent.headline, date=d, date_strength="same")
                    _set_count(cand, c, text)
                    cands.append(cand)
                continue
            groups = _state_split(all_ts, sent, text) or _clause_groups(all_ts, owners, text, sent)
            split_state = len(groups) == 2 and groups[1][0][0].state and not groups[0][0][0].state
            prev_cand: _Cand | None = None
            for ts, span in groups:
                main = ts[0]
                etype = next((t.type for t in ts if t.type == "arrest"), main.type)
                cand = _Cand(etype, si, main.start, sent.headline, span=span, background=all(t.pluperfect for t in ts),
                             own_subject=span is not None and not split_state)
                _attach_count(cand, main, si, sent, text, by_sent, lex)
                _attach_date(cand, main, ts, si, sent, text, by_sent, sentences, published, lex, unblocked,
                             same_block, owners, entries)
                if _participial_detention(cand, ts, classes, owners):
                    continue
                if cand.count is None and si not in heads:
                    heads[si] = _entry_subject(si, sent, sentences, text, by_sent, unblocked, lex)
                if cand.count is None and heads[si] is not None:
                    cand.count, cand.count_kind = heads[si][0], "implicit"
                    cand.victims.extend(heads[si][1])
                if cand.count is None:
                    _singular_count(cand, main, ts, sent, text, unblocked(si), lex)
                if split_state and prev_cand is not None:
                    cand.sibling, prev_cand.sibling = prev_cand, cand
                    if cand.count is None and prev_cand.count is not None:
                        cand.count, cand.count_kind = prev_cand.count, "anaphoric"
                prev_cand = cand
                cands.append(cand)
                if span is None and len(groups) == 1:
                    cands.extend(_further_groups(cand, sent, text, by_sent["counts"][si]))
                    cands.extend(_compared_figures(cand, text, by_sent["dates"][si], by_sent["any_counts"][si]))
    _coordinated_followers(cands, sentences, text, by_sent, published)
    _held_since_arrest(cands, sentences, text, by_sent, published)
    _terms_after(cands, by_sent, text, published)
    cands.extend(_since_disappearances(cands, sentences, text, by_sent, published))
    # Shared parts: places, victims, sources, shares, evidence -----------------
    for cand in cands:
        si = cand.sentence
        sent = sentences[si]
        cand.evidence.append((sent.start, sent.end))
        names = [(v.name, v.text) for v in by_sent["victims"][si]
                 if not any(v.name.lower() in p or p in v.name.lower() for p in source_people)
                 and (not cand.own_subject or cand.span[0] <= v.start < cand.span[1])]
        seen_names: set[str] = set()
        for nm, tx in names:
            if nm not in seen_names:
                seen_names.add(nm)
                cand.victims.append((nm, tx))
        if not cand.victims and cand.count is not None and (cand.count.best == 1 or (
                cand.count.best == 2 and cand.count_kind == "implicit")) \
                and _PRONOUN.fullmatch((cand.count.text or "").split(" ", 1)[0]):
            prior = [v for v in victims if v.sentence < si and si - v.sentence <= _PRONOUN_REACH]
            if prior:
                cand.victims.append((prior[-1].name, cand.count.text))
        if not cand.victims and cand.count is not None and cand.count.best == 1 and cand.count_kind == "implicit":
            named = _named_after(cand.count.text or "", si, sentences, text, by_sent)
            if named is not None:
                cand.victims.append(named)
        if cand.count is None:
            _implicit_count(cand, si, text, sent, by_sent, lex)
        if cand.count is None:
            _group_count(cand, sent, text, cands)
        if cand.date is None:
            _date_after_event(cand, text[sent.start:sent.end], cands)
        cand.places = _attach_places(cand, si, by_sent, sentences, text, unblocked, same_block, victims)
        _mark_group(cand, sent, text, by_sent["triggers"][si], lex)
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
    _transfer_origins(cands, text, sentences)
    _helper_dates(cands)
    # Merge ----------------------------------------------------------------
    # Candidates only merge within their class, so each looks only at the events of its class.
    events: list[_Event] = []
    by_class: dict[str, list[_Event]] = {}
    for cand in cands:
        if not cand.informative:
            continue
        cls = event_class(cand.etype)
        bucket = by_class.setdefault(cls, [])
        cand_names = {v[0] for v in cand.victims}
        best: tuple[float, _Event] | None = None
        pool = [] if cand.distinct else bucket
        if cand.separate:
            pool = [e for e in pool if all(m.headline for m in e.members)]
        for ev in pool:
            if cand.sibling is not None and any(m is cand.sibling for m in ev.members):
                continue
            bc, d, s = ev.summary()
            if not _dates_compatible(d, s, cand.date, cand.date_strength):
                continue
            if bc is not None and not _counts_compatible(bc, cand):
                continue
            if ev.members[0].helper and (cand.count is None or cand.count.best != 1):
                continue  # "They are being held": the people the driver brought, not the driver
            ev_names = {v[0] for m in ev.members for v in m.victims}
            if ev_names and cand_names and not ev_names & cand_names:
                continue
            # A tally of cases and the story of one named person are different events.
            if (cand_names and any(m.aggregate for m in ev.members)) or (ev_names and cand.aggregate):
                continue
            # So are a tally and one unnamed person's story ("27 incidents ..." and "A woman ... was picked up").
            if (_one_person(cand) and any(m.aggregate or m.tally for m in ev.members)) or \
                    (bc is not None and _one_person(bc) and (cand.aggregate or cand.tally)):
                continue
            if not _tallies_compatible(ev, bc, cand):
                continue
            sexes = {m.sex for m in ev.members if m.sex}
            if cand.sex and sexes and cand.sex not in sexes:
                continue  # "a woman ... died" and "the man ... killed himself": two deaths
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
            ev = _Event(cls, [cand])
            events.append(ev)
            bucket.append(ev)
        else:
            best[1].add(cand)
    for cand in cands:
        if cand.informative:
            continue
        same = [ev for ev in by_class.get(event_class(cand.etype), [])
                if cand.sibling is None or not any(m is cand.sibling for m in ev.members)]
        if same:
            max(same, key=lambda ev: len(ev.members)).add(cand)
    ordered = sorted(events, key=lambda e: e.members[0].pos)
    _carry_victims(ordered, by_sent, text, sentences)
    return [_to_claim(ev, text, published) for ev in ordered]


_FROM_PLACE = re.compile(r"\bfrom\b", re.IGNORECASE)
_ORIGIN_KINDS = ("city", "town", "county", "prefecture", "detention_centre")


def _transfer_origins(cands: list[_Cand], text: str, sentences) -> None:
    """"Two weeks later he was moved to a detention centre in Dandong": a transfer that names only where it
    went starts where the arrest or detention told just before it (within three sentences) took place."""
    last: _Cand | None = None
    for cand in sorted(cands, key=lambda c: c.pos):
        cls = event_class(cand.etype)
        if cls == "custody":
            if any(p.kind in _ORIGIN_KINDS and p.country == "CN" for p in cand.places):
                last = cand
            continue
        if cls != "transfer" or last is None or cand.sentence - last.sentence > 3 or not cand.places:
            continue
        sent = sentences[cand.sentence]
        if _FROM_PLACE.search(text, sent.start, sent.end):
            continue  # the text gives the origin itself
        origin = [p for p in last.places if p.kind in _ORIGIN_KINDS and p.country == "CN"]
        names = {p.name for p in cand.places}
        if len(origin) == 1 and origin[0].name not in names and all(p.country == "CN" for p in cand.places):
            cand.places = origin + cand.places
    # "... they drove me to Tumen. In October they put about thirty of us on a bus over the bridge to Namyang":
    # a return that names only the North Korean side leaves from where the move just told ended.
    moved: _Cand | None = None
    for cand in sorted(cands, key=lambda c: c.pos):
        cls = event_class(cand.etype)
        if cls == "transfer":
            moved = cand
            continue
        if cls != "repatriation" or moved is None or not 0 < cand.sentence - moved.sentence <= 2 \
                or not cand.places or any(p.country != "KP" for p in cand.places):
            continue
        ends = [p for p in moved.places if p.country == "CN" and p.kind in (*_ORIGIN_KINDS, "crossing")]
        if ends:
            cand.places = [ends[-1]] + cand.places


def _entry_headings(text: str, sentences: list, by_sent) -> dict[int, tuple[_Date, str | None]]:
    """Blocks that open with a dated heading ("2023-08-14 — Arrest."): block -> (date, event type or None)."""
    out: dict[int, tuple[_Date, str | None]] = {}
    seen: set[int] = set()
    for si, sent in enumerate(sentences):
        if sent.skip or sent.block in seen:
            continue
        seen.add(sent.block)
        dates = by_sent["dates"][si]
        if not dates or text[sent.start:dates[0].start].strip() or not _ENTRY_AFTER_DATE.match(
                text[dates[0].end:dates[0].end + 4]):
            continue
        if len(text[dates[0].end:sent.end].split()) > _ENTRY_HEADING_WORDS:
            continue  # a dateline opening a story ("16 January 2020 — A family of five reached ..."), not a heading
        trigs = [t for t in by_sent["triggers"][si] if not t.blocked]
        out[sent.block] = (dates[0], trigs[0].type if trigs else None)
    return out


def _compared_figures(cand: _Cand, text: str, dates: list[_Date], counts: list) -> list[_Cand]:
    """"196 arrived in 2023, up from 67 in 2022": the figure compared with is an event of its own."""
    if cand.count is None or cand.date is None:
        return []
    out = []
    for d in dates:
        if not d.compared or d is cand.date:
            continue
        c = next((c for c in counts if c.end <= d.start and _IN_BETWEEN.fullmatch(text[c.end:d.start])
                  and _COMPARE_COUNT_BEFORE.search(text[max(0, c.start - 30):c.start])), None)
        if c is None or c.count.best is None:
            continue
        extra = _Cand(cand.etype, cand.sentence, c.start, cand.headline, date=d, date_strength="same", sibling=cand)
        _set_count(extra, c, text)
        out.append(extra)
    return out


def _further_groups(cand: _Cand, sent, text: str, counts: list) -> list[_Cand]:
    """"300 in Jilin, and hundreds more in Liaoning": one more candidate per further group.

    The further group keeps the type and date of the first and gets its own
    clause (its places); the two stay apart in the merge.
    """
    if cand.count is None or cand.count_kind != "stated":
        return []
    first = next((c for c in counts if c.count is cand.count), None)
    if first is None:
        return []
    out: list[_Cand] = []
    prev = cand
    for c in counts:
        if c.start <= first.end:
            continue
        more = _MORE_AFTER.match(text[c.end:c.end + 20]) or _ANOTHER_BEFORE.search(text[max(0, c.start - 25):c.start])
        if not more:
            continue
        if not _CLAUSE_BEFORE_MORE.search(text[first.end:c.start]):
            continue
        extra = _Cand(cand.etype, cand.sentence, c.start, cand.headline, date=cand.date,
                      date_strength=cand.date_strength, span=(c.start, sent.end), sibling=prev)
        _set_count(extra, c, text)
        prev.span = (prev.span[0] if prev.span else sent.start, c.start)
        out.append(extra)
        prev = extra
    return out


def _aggregate_candidate(si: int, sent, text: str, by_sent, last_trigger_type: dict[int, str], sentences,
                         lex: _Lex, entries: dict[int, tuple[_Date, str | None]]) -> _Cand | None:
    counts = by_sent["counts"][si]
    if not counts or sent.headline:
        return None
    entry = entries.get(sent.block)
    if entry is not None and entry[1] is not None and entry[0].sentence != si:
        # "Reported figure: 500–600 persons." inside a log entry: the figure of the entry's event.
        cand = _Cand(entry[1], si, counts[0].start, False)
        own = by_sent["dates"][si]
        cand.date, cand.date_strength = (own[0], "same") if own else (entry[0], "frame")
        persons = [c for c in counts if c.count.unit == "persons"]
        _set_count(cand, (persons or counts)[0], text)
        return cand
    if not lex.aggregate.search(text[sent.start:sent.end]):
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
    # (both exclusions open with one of these characters right after the name)
    if text[p.end:p.end + 1] in ("-", "’", "'") and _SCENE_EXCLUDED_AFTER.match(text[p.end:p.end + 20]):
        return True
    return p.start - sent_start < 25 and bool(_DATELINE.match(text[sent_start:p.end + 2]))


_STATE_CLAUSE_OPEN = re.compile(r",\s*(?:and|while|but|whereas)\b|;", re.IGNORECASE)


def _state_split(ts: list, sent, text: str = "") -> list[tuple[list, tuple[int, int] | None]]:
    """"were rounded up in Yanji and are now being held in Tumen": the arrest and the present detention apart.

    Arrest and detention are one class; when the sentence goes on from a past
    custody verb to a present state, the state is an event of its own (dated
    to publication, placed in its own clause) and the arrest keeps its clause.
    """
    first = next((i for i, t in enumerate(ts) if t.state), None)
    if not first or any(t.state for t in ts[:first]):
        return []
    cut = ts[first].start
    # "..., and some 70 others remain in custody": the state's clause opens with its own subject.
    opens = list(_STATE_CLAUSE_OPEN.finditer(text, ts[first - 1].end, cut)) if text else []
    if opens:
        cut = opens[-1].start()
    return [(ts[:first], (sent.start, cut)), (ts[first:], (cut, sent.end))]


# "arrested in 2019 and sent back", "detained in March and then repatriated": a later verb of the same subject.
_COORDINATED = re.compile(r"(?:,\s*|\s)and\s+(?:(?P<then>then|immediately|later|soon|subsequently|quickly)\s+)?"
                          r"(?:,\s*(?P<lag>within\s+[\w\s]{1,20}?|[\w-]+\s+(?:days?|weeks?|months?)\s+later|"
                          r"(?:soon|shortly)\s+after(?:wards)?)\s*,\s*)?"
                          r"(?:(?:was|were|is|are|had\s+been|been)\s+)?(?:(?P<then2>then|immediately|later|soon)\s+)?$",
                          re.IGNORECASE)
# "sent back within the month", "later the same year", "within weeks": how soon after the first verb the next came.
_LAG = re.compile(r"\b(?:within\s+(?:the|that)\s+(?:same\s+)?(?P<same>week|month|year)|"
                  r"(?:later\s+)?(?:on\s+|in\s+)?(?:that|the)\s+same\s+(?P<same2>day|night|week|month|year)|"
                  r"later\s+(?:that|the\s+same)\s+(?P<later>day|night|week|month|year)|"
                  r"within\s+(?:a\s+few\s+|several\s+|some\s+)?(?P<few>days|weeks)|"
                  r"within\s+(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?P<unit>day|week|month)s?)\b",
                  re.IGNORECASE)
_LAG_REACH = 60


def _lag_latest(m: re.Match, d: _Date) -> date | None:
    """The last day the next verb can fall on, from the first verb's date and how soon after it came."""
    hi = d.latest
    if hi is None:
        return None
    unit = (m.group("same") or m.group("same2") or m.group("later") or "").lower()
    if unit in ("day", "night"):
        return hi
    if unit == "week":
        return hi + timedelta(days=6)
    if unit == "month":
        return _month_range(hi.year, hi.month)[1]
    if unit == "year":
        return date(hi.year, 12, 31)
    few = (m.group("few") or "").lower()
    if few == "days":
        return hi + timedelta(days=13)
    if few == "weeks":
        nxt = hi + relativedelta(months=1)
        return _month_range(nxt.year, nxt.month)[1]
    g = (m.group("n") or "").lower()
    n = _NUM_WORDS[g] if g in _NUM_WORDS else int(g)
    return _shift_span(hi, hi, m.group("unit").lower(), n)[1]
# "detained in Laos, handed to ...": a comma-joined verb with no new subject (a participle right after the comma).
_CHAIN_COMMA = re.compile(r"^\w+\b[^,;.]*,\s*(?:(?:then|later|and)\s+)?$", re.IGNORECASE)
_PROMPT = ("then", "immediately", "soon", "quickly")


def _coordinated_followers(cands: list[_Cand], sentences, text: str, by_sent, published: date | None) -> None:
    """An undated verb joined by "and" to a dated one of another class is dated after it.

    It happened after the first: from the first event's earliest day to
    publication, or to the first event's latest day when the text says
    "then"/"immediately". Without a count of its own it takes the first's.
    """
    for cand in cands:
        if cand.headline:
            continue
        if cand.date is not None and cand.date_strength not in ("frame", "next"):
            _shared_subject_count(cand, cands, sentences, text)
            continue
        si = cand.sentence
        firsts = [c for c in cands if c.sentence == si and c.pos < cand.pos and c.date is not None
                  and c.date_strength in ("same", "frame") and event_class(c.etype) != event_class(cand.etype)]
        if not firsts:
            continue
        first = firsts[-1]
        m = _COORDINATED.search(text[sentences[si].start:cand.pos])
        chain = m is None and _CHAIN_COMMA.search(text[first.pos:cand.pos]) is not None
        if m is None and not chain:
            continue
        between = text[first.pos:cand.pos]
        if ";" in between or any(first.pos < t.start < cand.pos and not t.blocked
                                 and event_class(t.type) not in (event_class(first.etype), event_class(cand.etype))
                                 for t in by_sent["triggers"][si]):
            continue
        d = first.date
        assert d is not None
        if first.span is None:
            # Each verb of the chain keeps the places of its own clause ("detained in Laos, ... flown to Pyongyang").
            first.span = (sentences[si].start, cand.pos)
            cand.span = (cand.pos, sentences[si].end)
        if d.end <= first.pos:
            # "In late May 2013, nine were detained ..., handed ... and flown ...": the date frames the chain.
            cand.date, cand.date_strength = d, "same"
        else:
            prompt = m is not None and (m.group("then") or m.group("then2") or "").lower() in _PROMPT
            latest = d.latest if prompt else (published or d.latest)
            # "and sent back within the month", "and, within weeks, flown back": no later than the lag allows.
            lag = _LAG.search(m.group("lag") or "") if m is not None and m.group("lag") else None
            if lag is None:
                tail = text[cand.pos:min(cand.pos + _LAG_REACH, sentences[si].end)].split(";", 1)[0]
                lag = _LAG.search(tail)
            if lag is not None:
                bound = _lag_latest(lag, d)
                if bound is not None and latest is not None and bound < latest:
                    latest = bound
            if d.earliest is None or latest is None or latest < d.earliest:
                continue
            cand.date = _Date(cand.pos, cand.pos, "", d.earliest, latest, si)
        cand.date_strength = "same"
        if cand.count is None and first.count is not None:
            cand.count, cand.count_kind, cand.count_digits = first.count, "anaphoric", first.count_digits


# "fled North Korea in 2015, were caught in China in 2018": a comma, then the same subject's next verb.
_AUX_CHAIN = re.compile(r"[^,;]*,\s*(?:and\s+)?(?:then\s+)?(?:was|were|had\s+been|been)\s+(?:\w+ly\s+)?$",
                        re.IGNORECASE)


def _shared_subject_count(cand: _Cand, cands: list[_Cand], sentences, text: str) -> None:
    """"Ms. Choi was arrested in October and repatriated in December": the second verb has the first's subject."""
    if cand.count is not None:
        return
    si = cand.sentence
    firsts = [c for c in cands if c.sentence == si and c.pos < cand.pos and c.count is not None
              and event_class(c.etype) != event_class(cand.etype)]
    if not firsts:
        return
    first = firsts[-1]
    m = _COORDINATED.search(text[sentences[si].start:cand.pos])
    joined = m is not None and m.start() + sentences[si].start >= first.pos \
        and not re.search(r"[;,]", text[first.pos:cand.pos])
    if not joined and not _AUX_CHAIN.match(text[first.pos:cand.pos]):
        return
    cand.count, cand.count_kind, cand.count_digits = first.count, "anaphoric", first.count_digits


_AFTER_OWN_NOUN = re.compile(r"\b(?:after|following)\s+$", re.IGNORECASE)
_OWN_NOUN = re.compile(r"(?:his|her|their)\s+(?:arrests?|detention)$", re.IGNORECASE)
_SINCE_NOUN = re.compile(r"\bsince\s+(?:their|his|her|the)\s+$", re.IGNORECASE)
_SINCE_HELD = re.compile(r"since\s+(?:their|his|her|the)\s", re.IGNORECASE)


def _into_china(transfers: list) -> bool:
    """"handed over to Chinese police": a handover into China, never a leg of the return to North Korea."""
    return any("chin" in t.text.lower() for t in transfers)


def _dated_apart(firsts: list, seconds: list, dates: list[_Date], triggers: list) -> bool:
    """Both groups of triggers own a date of their own, and not the same one.

    "transferred them to Tumen on 10 April and deported them on 19 April"
    tells two events; "moved to the border and sent back on 19 April" one.
    """
    owners = _date_owners(dates, triggers)
    ids_a, ids_b = {id(t) for t in firsts}, {id(t) for t in seconds}
    own_a = {start for start, t in owners.items() if id(t) in ids_a}
    own_b = {start for start, t in owners.items() if id(t) in ids_b}
    return bool(own_a) and bool(own_b) and not own_a & own_b


_SINCE_AFTER = re.compile(r"\s*(?:(?:her|him|them)\s+)?(?:ever\s+)?since\b(?!\s+[A-Z0-9])")


_HELD_SINCE = re.compile(r"\b(?:held|detained|kept|jailed|locked\s+up|in\s+(?:\w+\s+)?(?:custody|detention))\b"
                         r"[^.;]{0,80}?\bsince\s+(?:their|his|her|the)\s+(?:arrests?|capture|detention)\b",
                         re.IGNORECASE)


_TERM = re.compile(r"^(?:spent|served|serving)\s+(?:(?:about|around|roughly|nearly|almost|some|more\s+than|over|"
                   r"the\s+next|the\s+following|another)\s+)?(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|"
                   r"ten|eleven|twelve|eighteen|\d{1,2})\s+(?P<unit>years?|months?|weeks?)\b", re.IGNORECASE)
_TERM_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18}


def _terms_after(cands: list[_Cand], by_sent, text: str, published: date | None) -> None:
    """"... returned in May 1999 ... spent the next 11 months in a labour camp": a term told by its length runs
    from the event just told to that length after it (at most to publication)."""
    for i, c in enumerate(cands):
        if c.date_strength == "same" and c.date is not None and c.date.text:
            continue  # a date of its own ("from April 2008 to February 2009")
        if text[c.pos:c.pos + 1] not in ("s", "S") or not text.startswith(("spent", "served", "serving", "Spent",
                                                                             "Served", "Serving"), c.pos):
            continue
        trig = next((t for t in by_sent["triggers"][c.sentence] if t.start == c.pos), None)
        m = _TERM.match(trig.text) if trig is not None else None
        if m is None:
            continue
        prev = next((p for p in reversed(cands[:i]) if p.date is not None and p.date.earliest is not None
                     and p.date.latest is not None and 0 <= c.sentence - p.sentence <= 2 and p is not c
                     and not p.date.state), None)
        if prev is None:
            continue
        g = m.group("n").lower()
        n = _TERM_NUM.get(g) if not g.isdigit() else int(g)
        unit = m.group("unit").lower().rstrip("s")
        step = relativedelta(years=n) if unit == "year" else relativedelta(months=n) if unit == "month" \
            else relativedelta(weeks=n)
        hi = prev.date.latest + step
        if published is not None:  # never past publication, never before the term began
            hi = max(min(hi, published), prev.date.earliest)
        c.date = _Date(c.pos, c.pos, "", prev.date.earliest, hi, c.sentence)
        c.date_strength = "same"


def _held_since_arrest(cands: list[_Cand], sentences, text: str, by_sent, published: date | None) -> None:
    """"They have been held at a facility in Changbai since their arrest": custody from the arrest told before
    to publication, apart from the arrest itself."""
    if published is None:
        return
    for i, c in enumerate(cands):
        if c.date_strength == "same":
            continue
        s = sentences[c.sentence]
        if text.find("since", s.start, s.end) < 0 or event_class(c.etype) != "custody" \
                or not _HELD_SINCE.search(text, s.start, s.end):
            continue
        arrest = next((a for a in reversed(cands[:i]) if event_class(a.etype) == "custody" and a.date is not None
                       and a.date_strength == "same" and a.date.earliest is not None
                       and 0 < c.sentence - a.sentence <= 3), None)
        if arrest is None or arrest.date.earliest > published:
            continue
        c.etype = "detention"
        c.date = _Date(c.pos, c.pos, "", arrest.date.earliest, published, c.sentence)
        c.date_strength = "same"
        c.sibling = arrest
        if c.count is None or c.count_kind == "anaphoric":
            c.count, c.count_kind = arrest.count, "anaphoric"


def _since_disappearances(cands: list[_Cand], sentences, text: str, by_sent,
                          published: date | None) -> list[_Cand]:
    """"Their whereabouts remain unknown since their arrest in January": the arrest and the disappearance."""
    out: list[_Cand] = []
    for c in cands:
        if event_class(c.etype) != "custody" or c.date is None or published is None or c.date.earliest is None:
            continue
        si = c.sentence
        trig = next((t for t in by_sent["triggers"][si] if t.start == c.pos), None)
        if trig is None:
            continue
        # The arrest noun follows "since": "since their arrest", or the trigger holds the pronoun ("their arrest").
        if _SINCE_NOUN.search(text[max(sentences[si].start, trig.start - 12):trig.start]) \
                or _SINCE_HELD.match(text[max(0, trig.start - 6):trig.end]):
            gone = next((t for t in by_sent["triggers"][si] if not t.blocked and t.type == "disappearance"
                         and t.end <= trig.start), None)
        else:
            # "was arrested in Harbin in 2022 and has not been heard from since": gone from the arrest on.
            gone = next((t for t in by_sent["triggers"][si] if not t.blocked and t.type == "disappearance"
                         and t.start >= trig.end and _SINCE_AFTER.match(text, t.end, sentences[si].end)), None)
        if gone is None or c.date.earliest > published:
            continue
        nd = _Date(gone.start, gone.end, "", c.date.earliest, published, si)
        cand = _Cand(gone.type, si, gone.start, c.headline, date=nd, date_strength="same", sibling=c)
        cand.count, cand.count_kind = c.count, c.count_kind
        out.append(cand)
    return out


# "two other women": a group apart from those counted before.
_OTHER_AFTER = re.compile(r"^\s+other\b", re.IGNORECASE)
# "along with two other women", "Kim and two other women": the others of the same group.
_WITH_BEFORE = re.compile(r"\b(?:along|together)\s+with\s+$|\b(?:with|and)\s+$", re.IGNORECASE)
_FURTHER = re.compile(r"(?:further|fresh|new|more|subsequent)\b", re.IGNORECASE)
_FEMALE = re.compile(r"\b(?:woman|girl|she|her|herself|mother|wife|daughter|sister|grandmother|aunt|niece)\b",
                     re.IGNORECASE)
_MALE = re.compile(r"\b(?:man|boy|he|him|his|himself|father|husband|son|brother|grandfather|uncle|nephew)\b",
                   re.IGNORECASE)


_MEMBER_OF = re.compile(r"\b(?:one|two|three|four|five|six|\d+)\s+of\s+(?:the|them|those|these|whom)\b|"
                        r"\bamong\s+(?:them|whom)\b|\bincluding\b", re.IGNORECASE)
_GROUP_SEX = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(men|women|boys|girls)\b", re.IGNORECASE)
_SUBJECT_PRONOUN = re.compile(r"\b(?:she|he)\b", re.IGNORECASE)
_VICTIM_REACH = 8  # sentences between a group's naming and a later event of the same group


def _carry_victims(events: list[_Event], by_sent, text: str, sentences) -> None:
    """Names of a group carried to the other events of the same group.

    "One of the women, Ryu Mi-ran, ..." names a member of the group counted
    before: every event of that group (the same head count, a few sentences
    apart) gets the name. "They were moved ..." / "the three were handed ..."
    with no name of its own takes the names of the nearest earlier event of
    the same head count that has names; "she was sent back ..." likewise for
    one person. Only who the events are about changes; which events there
    are does not.
    """
    if len(events) < 2 or not any(by_sent["victims"]):
        return  # nobody is named: nothing to carry
    sizes: list[int | None] = []
    named: list[dict[str, tuple[str, str]]] = []
    first: list[int] = []
    for ev in events:
        bc = ev.summary()[0]
        sizes.append(bc.count.best if bc is not None and bc.count is not None else None)
        nm: dict[str, tuple[str, str]] = {}
        for m in ev.members:
            for v in m.victims:
                nm.setdefault(v[0], v)
        named.append(nm)
        first.append(min(m.sentence for m in ev.members))

    def add(i: int, vs) -> None:
        for v in vs:
            if v[0] not in named[i]:
                named[i][v[0]] = v
                events[i].members[0].victims.append(v)

    # Members named in a group ("One of the three, Pak Sun-hui, ...").
    for si, vs in enumerate(by_sent["victims"]):
        full = [v for v in vs if v.kind in ("full", "surname")] if vs else ()
        if not full or _MEMBER_OF.search(text, sentences[si].start, full[0].start) is None:
            continue
        group = [i for i in range(len(events)) if first[i] <= si and (sizes[i] or 0) >= 2
                 and si - first[i] <= _VICTIM_REACH]
        if not group:
            continue
        k = sizes[group[-1]]
        for i in range(len(events)):
            if sizes[i] == k and abs(first[i] - si) <= _VICTIM_REACH:
                add(i, [(full[0].name, full[0].text)])
    # A group told again ("they", "the pair", "the eleven") without its names; one person told again as
    # "she" or "he".
    for i, ev in enumerate(events):
        k = sizes[i]
        if k is None or named[i]:
            continue
        if k == 1:
            m0 = min(ev.members, key=lambda m: m.pos)
            s = sentences[m0.sentence]
            if not _SUBJECT_PRONOUN.search(text, s.start, max(s.start, m0.pos)):
                continue
        for j in range(i - 1, -1, -1):
            if first[i] - first[j] > _VICTIM_REACH:
                break
            if named[j] and sizes[j] == k:
                add(i, list(named[j].values())[:k])
                break


def _helper_dates(cands: list[_Cand]) -> None:
    """"The driver ... was arrested at the quay": undated, a helper's arrest shares the date of the arrest told
    just before it (the people he brought)."""
    for i, cand in enumerate(cands):
        if not cand.helper or cand.date is not None:
            continue
        before = next((c for c in reversed(cands[:i]) if c.date is not None and event_class(c.etype) == "custody"
                       and not c.date.state and c.date_strength != "state" and not c.helper
                       and 0 <= cand.sentence - c.sentence <= 3), None)
        if before is not None:
            cand.date, cand.date_strength = before.date, "frame"


_SEPARATE = re.compile(r"\b(?:in\s+(?:a|another|an\s+unrelated)\s+(?:separate\s+)?(?:case|incident|development)|"
                       r"separately|in\s+a\s+separate\s+(?:case|incident|raid|operation))\b", re.IGNORECASE)
# Who helps people across or along the route; a clause with one as its subject tells that person's arrest.
_HELPER = re.compile(r"\b(?:broker|driver|guide|smuggler|people[- ]smuggler|middleman|middle-man|trafficker|courier|"
                     r"fixer|ferryman|boatman|helper)\b", re.IGNORECASE)
_PEOPLE_BEFORE = re.compile(r"\b(?:north\s+koreans|women|men|people|defectors|refugees|escapees|they|families|"
                            r"children)\b", re.IGNORECASE)


def _mark_group(cand: _Cand, sent, text: str, triggers: list, lex: _Lex) -> None:
    """Who the candidate is about, for the merge: a distinct group, a running tally, one woman or one man."""
    trig = next((t for t in triggers if t.start == cand.pos), None)
    if trig is not None and _FURTHER.match(trig.text):
        cand.distinct = True  # "further returns ... in November and December"
    c = cand.count
    if c is not None and cand.count_kind == "stated" and c.text:
        at = text.find(c.text, sent.start, sent.end)
        if at >= 0 and _OTHER_AFTER.match(text[at + len(c.text):at + len(c.text) + 8]) \
                and not _WITH_BEFORE.search(text[max(sent.start, at - 16):at]):
            cand.distinct = True
    lo, hi = cand.span if cand.span is not None else (sent.start, sent.end)
    cand.tally = cand.aggregate or bool(lex.aggregate.search(text, lo, hi))
    if trig is not None and text.find("eparate", sent.start, trig.start) >= 0 \
            and _SEPARATE.search(text, sent.start, trig.start):
        cand.separate = True  # "In a separate case, border guards caught four ...": not the events told before
    helper = _HELPER.search(text, lo, trig.start) if trig is not None else None
    # A figure after the verb ("..., where the two had spent their last night") is not the subject's.
    later = helper is not None and c is not None and c.best != 1 and bool(c.text) \
        and text.find(c.text, lo, trig.start) < 0 and text.find(c.text, trig.end, hi) >= 0
    if helper is not None and (c is None or c.best == 1 or later) and event_class(cand.etype) == "custody":
        if not _PEOPLE_BEFORE.search(text, lo, helper.start()):
            # "A broker surnamed Jin ... was taken into custody with them": the helper's own arrest, apart
            # from the arrest of the people he guided (one person, even without a name).
            cand.distinct = cand.helper = True
            if c is None or later:
                cand.count = Count(best=1, qualifier="exact", low=1, high=1, unit="persons", text=helper.group(0))
                cand.count_kind = "implicit"
    if c is not None and c.best == 1 and cand.count_kind == "implicit":
        words = (c.text or "") + " " + (trig.text if trig is not None else "")
        f, m = bool(_FEMALE.search(words)), bool(_MALE.search(words))
        if f != m:
            cand.sex = "f" if f else "m"
    elif trig is not None and (m := lex.reflexive.search(trig.text)) is not None:
        cand.sex = "f" if "herself" in m.group(0).lower() else "m"
    elif c is not None and (c.best or 0) >= 2 and cand.count_kind == "stated" and c.text \
            and (at := text.find(c.text, lo, hi)) >= 0 \
            and (g := _GROUP_SEX.match(text, at + len(c.text), hi)) is not None:
        cand.sex = "f" if g.group(1).lower() in ("women", "girls") else "m"  # "Two men died": not "a woman"


def _participial_detention(cand: _Cand, ts: list, classes: dict, owners: dict[int, object]) -> bool:
    """"North Koreans held in Chinese detention were forcibly returned": the detention only describes them."""
    if len(classes) < 2 or any(t.type != "detention" or t.state or not t.text.lower().startswith("held") for t in ts):
        return False
    mine = {id(t) for t in ts}
    return not any(id(o) in mine for o in owners.values()) and cand.date is None


_DATE_OPENS_CLAUSE = re.compile(r"(?:,\s*(?:and|but|then|while)|;|\band\s+then|\band,)\s+(?:(?:in|on|by|during|early|"
                                r"late|later|then)\s+)?$", re.IGNORECASE)
_CLAUSE_MARK = re.compile(r"[,;]|\b(?:and|but|while|before|after|when)\b", re.IGNORECASE)


def _date_owners(dates: list[_Date], triggers: list, text: str | None = None) -> dict[int, object]:
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
        # "..., and in May 1999 she was driven across the bridge": a date opening a clause is the time of
        # that clause's verb, not of the verb before it.
        nxt = next((t for t in ordered if t.start >= d.end), None)
        if text is not None and nxt is not None and owner.end <= d.start \
                and _DATE_OPENS_CLAUSE.search(text, max(owner.end, d.start - 30), d.start) \
                and nxt.start - d.end <= 40 and not _CLAUSE_MARK.search(text, d.end, nxt.start):
            owner = nxt
        # A date inside a trigger is that trigger's ("are now being held"), not the verb's before it.
        owner = next((t for t in ordered if t.start <= d.start and d.end <= t.end), owner)
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
    # Each clause runs to the break before the next one ("...; her husband, X, was arrested" is the second's).
    bounds = []
    for prev, nxt in zip(groups, groups[1:]):
        breaks = list(_CLAUSE_BREAK.finditer(text, prev[-1].end, nxt[0].start))
        bounds.append(breaks[-1].start() if breaks else nxt[0].start)
    out = []
    for i, g in enumerate(groups):
        lo = sent.start if i == 0 else bounds[i - 1]
        hi = bounds[i] if i + 1 < len(groups) else sent.end
        out.append((g, (lo, hi)))
    return out


def _singular_count(cand: _Cand, main, ts: list, sent, text: str, all_triggers: list, lex: _Lex) -> None:
    """One person when the clause's subject or object is one person ("a 17-year-old boy was caught", "took her")."""
    prev_end = max((t.end for t in all_triggers if t.end <= main.start), default=sent.start)
    lo = cand.span[0] if cand.span else max(sent.start, prev_end)
    subject = text[lo:main.start]
    tail = text[main.start:min(sent.end, main.end + 12)]
    pair = _PAIR_NP.search(subject) or lex.pair_subject.search(text, lo, main.end)
    if pair is not None:
        cand.count = Count(best=2, qualifier="exact", low=2, high=2, unit="persons", text=pair.group(0).strip())
        cand.count_kind = "implicit"
        return
    # "The second woman, who had no family to speak for her," / "A sixth member of their group":
    # relative clauses and of-complements do not make the subject plural.
    if _PLURAL_NP.search(_OF_COMPLEMENT.sub(" ", _RELATIVE_CLAUSE.sub(" ", subject))):
        return
    m = _SINGULAR_NP.search(text[lo:main.end]) or _SINGULAR_OBJECT.search(tail)
    if m is None and lo > sent.start and cand.span is None:
        # "A North Korean woman forcibly returned from China in April was sentenced": the verb before is a
        # participle inside the subject, so the subject starts the sentence.
        prev = max((t for t in all_triggers if t.end <= main.start), key=lambda t: t.end)
        head = text[sent.start:prev.start]
        if not _FINITE_BEFORE.search(head) and not _PLURAL_NP.search(head):
            m = _SINGULAR_NP.match(head.strip()) and _SINGULAR_NP.search(head)
    if m is None:
        return
    # "she crossed the river with her aunt", "arrested together with his girlfriend": a second person goes
    # along, up to the next event of the sentence.
    nxt = min((t.start for t in all_triggers if t.start >= main.end), default=sent.end)
    semi = text.find(";", main.end, nxt)
    comp = lex.companion_after.search(text, main.end, semi if semi >= 0 else nxt)
    if comp is not None:
        cand.count = Count(best=2, qualifier="exact", low=2, high=2, unit="persons",
                           text=f"{m.group(0).strip()} {comp.group(0).strip()}")
        cand.count_kind = "implicit"
        return
    cand.count = Count(best=1, qualifier="exact", low=1, high=1, unit="persons", text=m.group(0).strip())
    cand.count_kind = "implicit"


_ENTRY_DASH = re.compile(r"\s*[—–:]\s*|\s+-\s+")
#: At most this long, the line before a subject-less line is its entry's heading ("Kim Su-ah, 29.").
_ENTRY_HEAD_CHARS = 90


def _entry_subject(si: int, sent, sentences, text: str, by_sent, unblocked,
                   lex: _Lex) -> tuple[Count, list[tuple[str, str]]] | None:
    """A case list's line that opens with its verb ("Arrested in Yanji in March ...") is about the person its
    heading line names ("Kim Su-ah, 29." -> one, named; "Pak Eun-ji and her sister Pak Eun-mi, 19 and 22." ->
    two; "A woman from Hyesan, 25, ..." -> one)."""
    line = by_sent["dates"][si]
    first = min(line, key=lambda d: d.start) if line else None
    dash = _ENTRY_DASH.match(text, first.end, sent.end) \
        if first is not None and not text[sent.start:first.start].strip(" \t\n*•-") else None
    if dash is not None and lex.subjectless.match(text, dash.end(), sent.end):
        # "14 May 2009 — Crosses the river with her mother": the person the chronology follows.
        semi = text.find(";", dash.end(), sent.end)
        comp = lex.companion_after.search(text, dash.end(), semi if semi >= 0 else sent.end)
        k = 2 if comp is not None else 1
        return Count(best=k, qualifier="exact", low=k, high=k, unit="persons",
                     text=text[dash.end():dash.end() + 40].strip()), []
    if si == 0 or not lex.subjectless.match(text, sent.start, sent.end):
        return None
    head = sentences[si - 1]
    if head.skip or head.headline or unblocked(si - 1) or head.end - head.start > _ENTRY_HEAD_CHARS:
        return None
    named = list(dict.fromkeys((v.name, v.text) for v in by_sent["victims"][si - 1] if v.kind == "full"))
    if named and any(v.start - head.start <= 3 for v in by_sent["victims"][si - 1]):
        k = len({n for n, _ in named})
        return Count(best=k, qualifier="exact", low=k, high=k, unit="persons",
                     text=text[head.start:head.end].strip()[:80]), named
    m = _SINGULAR_NP.match(text, head.start, head.end)
    if m is not None and not _PLURAL_NP.search(m.group(0)):
        return Count(best=1, qualifier="exact", low=1, high=1, unit="persons", text=m.group(0)), []
    return None


# "The couple", "the pair", "a married couple": two people (not "a couple of").
_PAIR_NP = re.compile(r"\b(?:the|a|this|that)\s+(?:[\w-]+\s+){0,2}?(?:couple|pair)\b(?!\s+of\b)", re.IGNORECASE)
# A finite verb or a clause break before a verb: it is not a participle inside the subject.
_FINITE_BEFORE = re.compile(r"\b(?:was|were|is|are|had|has|have|been)\b|[,;:—–]")

_PERSON_HEAD = re.compile(r"\b(?P<noun>woman|man|girl|boy|teenager|mother|father|wife|husband|defector|escapee|"
                          r"refugee|soldier|student|worker|trader)$", re.IGNORECASE)
#: How many sentences ahead "The woman, named as ..." may name the person of an event.
_NAMED_AFTER_REACH = 3


@lru_cache(maxsize=64)
def _the_noun(noun: str) -> re.Pattern[str]:
    """"The woman", "the young man": a sentence opening that takes up a person told before."""
    return re.compile(rf"\W*the\s+(?:[\w-]+\s+){{0,2}}?{noun}\b", re.IGNORECASE)


def _named_after(np: str, si: int, sentences, text: str, by_sent) -> tuple[str, str] | None:
    """"A North Korean woman ... died ... The woman, whom relatives named as Choi Yun-hee, ...": her name.

    A later sentence (up to three ahead) that opens with "the" and the same
    noun and names someone near its start names the person of the event.
    """
    m = _PERSON_HEAD.search(np.strip())
    if m is None:
        return None
    opener = _the_noun(m.group("noun").lower())
    for nxt in range(si + 1, min(len(sentences), si + 1 + _NAMED_AFTER_REACH)):
        sent = sentences[nxt]
        if sent.skip or not opener.match(text, sent.start, sent.end):
            continue
        named = [v for v in by_sent["victims"][nxt] if v.kind in ("full", "surname") and v.start - sent.start <= 60]
        return (named[0].name, named[0].text) if named else None
    return None


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


def _count_date_pairs(dates: list[_Date], people: list, counts: list, text: str) -> list[tuple[_Date, object]]:
    """Counts each followed by their own date: "arrested 30 people in Yanji in March and 12 in Tumen in April".

    Only when counts and dates alternate one for one, each date within 60
    characters of its count and no count is a part of the one before
    ("including 5 children"). The first count names people (``people``);
    the later ones may leave the noun out ("and 12 in Tumen").
    """
    if not people:
        return []
    counts = [c for c in counts if c.start >= people[0].start and (c in people or c.head is None)]
    if not counts or counts[0] is not people[0]:
        return []
    strong = [d for d in dates if not d.state]
    if len(strong) < 2 or len(counts) != len(strong):
        return []
    pairs = []
    for i, (c, d) in enumerate(zip(counts, strong)):
        if not c.end <= d.start or d.start - c.end > 60 or (i + 1 < len(counts) and counts[i + 1].start < d.end):
            return []
        if i > 0 and (c.start < pairs[-1][0].end or _INCLUDING.search(text, pairs[-1][1].end, c.start)):
            return []
        pairs.append((d, c))
    return pairs


def _set_count(cand: _Cand, c, text: str) -> None:
    count = c.count
    before = text[max(0, c.start - 15):c.start]
    after = text[c.end:c.end + 60]
    # "along with about 10 others" is about eleven; "arrested with two other women" is three (a bare "with"
    # only for an exact figure: "sent back with roughly 30 other people" is the group of about 30).
    # So is "took him and two other men away", "she and three other detainees", "with at least six others".
    if (re.search(r"(?:along|together)\s+with\s+$", before, re.IGNORECASE)
            or (count.qualifier in ("exact", "at_least", "more_than") and re.search(r"\bwith\s+$", before, re.IGNORECASE))
            or _ONE_AND.search(before)) and \
            re.match(r"^\s+other\b|^\s+(?:[\w-]+\s+){0,3}?others\b", after, re.IGNORECASE) and count.best is not None:
        from refwatch.extract.counts import make_count

        count = make_count(count.best + 1, count.qualifier, unit=count.unit, text=count.text)
    cand.count = count
    cand.count_kind = "vague" if count.best is None and count.qualifier == "vague" else "stated"
    cand.count_digits = any(ch.isdigit() for ch in c.text)
    if count.unit == "cases":
        cand.aggregate = True


# One person and a group of others: "him and two other men", "She and three other detainees".
_ONE_AND = re.compile(r"\b(?:him|her|me|(?i:she|he)|(?-i:I))\s+and\s+$")


# Where one verb's clause ends and the next begins ("... in December 2022 and held ... before she was sent back").
_CLAUSE_LINK = re.compile(r",|;|\b(?:before|after|then|until|when)\b|\band\s+(?:was|were|had|has|have)\b",
                          re.IGNORECASE)
_CLAUSE_OPEN = re.compile(r"(?:,\s*(?:and|while|but|whereas)\b|;|\b(?:before|after|then|until|when)\b)",
                          re.IGNORECASE)


_OPENING_SUBORDINATE = re.compile(r"\W*(?:after|before|following|upon|while|when|having|once)\b", re.IGNORECASE)


def _sentence_start_before(text: str, pos: int) -> int:
    """Start of the sentence holding ``pos`` as far as this module needs it: after the last ". " or line break."""
    cut = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos), text.rfind("; ", 0, pos))
    return cut + 2 if cut >= 0 and text[cut] != "\n" else cut + 1


def _own_clause_counts(cand: _Cand, main, counts: list, triggers: list, text: str) -> list:
    """The counts of the candidate's own clause when the sentence tells events of several classes.

    "She was picked up ... before she was sent back with roughly 30 other
    people": the thirty belong to the return, not to her arrest. "16
    instances of arrest involving at least 37 people, and 3 instances of
    forced return": the return has its own figure, so the arrest's is not it.
    """
    cls = event_class(cand.etype)
    others = [t for t in triggers if not t.blocked and event_class(t.type) != cls]
    if not others:
        return counts
    nxt = next((t for t in others if t.start >= main.end), None)
    # "After being detained in Vietnam in March, the eight were handed over ...": the subject follows.
    opening = _OPENING_SUBORDINATE.match(text, sent_start := _sentence_start_before(text, main.start))
    if nxt is not None and not (opening and "," not in text[sent_start:main.start]):
        cut = _CLAUSE_LINK.search(text, main.end, nxt.start)
        if cut is not None:
            counts = [c for c in counts if c.start < cut.start()]
    prv = [t for t in others if t.end <= main.start]
    if prv:
        opens = list(_CLAUSE_OPEN.finditer(text, prv[-1].end, main.start))
        if opens:
            lo = opens[-1].end()
            # "..., and in May 1999 she was driven across ... in a group of about 20": the clause's own figure
            # may follow its verb.
            own = [c for c in counts if lo <= c.start]
            if own:
                counts = [c for c in counts if c.start >= lo]
    return counts


def _attach_count(cand: _Cand, main, si: int, sent, text: str, by_sent, lex: _Lex) -> None:
    lo = cand.span[0] if cand.span else sent.start
    rel = _OWN_RELATIVE.search(text, max(lo, main.start - 80), main.start)
    if rel is not None and not any(rel.start() <= c.start < main.start for c in by_sent["counts"][si]):
        return  # "... with a broker who has since stopped answering": the clause is about the broker
    summed = _list_sum(text[lo:main.start], by_sent["counts"][si], lo, lex, by_sent["victims"][si])
    if summed is not None:
        cand.count, cand.count_kind, cand.count_digits = summed, "stated", False
        return
    counts = by_sent["counts"][si]
    if len(counts) > 1:
        inc = _INCLUDING.search(text, sent.start, counts[-1].start)
        counts = [c for c in counts if inc is None or c.start < inc.end()]
    counts = _own_clause_counts(cand, main, counts, by_sent["triggers"][si], text)
    if not counts:
        return
    persons = [c for c in counts if c.count.unit == "persons"]
    if persons and len(persons) < len(counts) and lex.aggregate.search(text[sent.start:sent.end]):
        counts = persons
    stated = [c for c in counts if c.count.best is not None or c.count.qualifier == "between"] or counts
    # "Family of five reaches Thailand; teenager caught": a count in another clause is not this one's.
    stated = [c for c in stated if ";" not in text[min(c.end, main.start):max(c.start, main.end)]]
    if not stated:
        return
    if cand.span is not None:
        stated = [c for c in stated if cand.span[0] <= c.start < cand.span[1]]
        if not stated:
            return
    # The subject comes first: "a family of five — a couple, their two daughters ... — was caught".
    before = [c for c in stated if c.end <= main.start and not re.search(r"[.;]", text[c.end:main.start])]
    # "Of those 88, at least 60 were sent back": the first figure names the group the second is taken from.
    if len(before) > 1 and _PARTITIVE_FRAME.search(text, max(lo, before[0].start - 20), before[0].start):
        before = before[1:]
    # "we know of 17 who were returned, four who were released": the figure whose relative clause holds the verb.
    own_rel = [c for c in before if _COUNT_WHO.match(text, c.end, main.start)]
    if own_rel:
        before = own_rel
    if before:
        _set_count(cand, before[0], text)
        return

    def dist(c) -> int:
        return main.start - c.end if c.end <= main.start else c.start - main.end

    _set_count(cand, min(stated, key=dist), text)


# A list part that is a partitive frame ("Of the 31 women") or a group with its own relative clause
# ("17 who were returned"): it is not one more member of a list of people.
_LIST_FRAME = re.compile(r"(?:of|among|from)\s+(?:the|those|these|them|all)\b", re.IGNORECASE)
_LIST_RELATIVE = re.compile(r"\b(?:who|whom|that|which)\b", re.IGNORECASE)
_COUNT_WHO = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:who|that)\s+(?:(?:were|was|had|have|has|been|later|then)\s+)*$",
                        re.IGNORECASE)
_PARTITIVE_FRAME = re.compile(r"\b(?:of|among|from)\s+(?:those|these|the|them|this\s+group\s+of)\s+$", re.IGNORECASE)
_INDEFINITE = re.compile(r"(?:a|an)\s", re.IGNORECASE)
_ANOTHER_ONE = re.compile(r"\b(?:second|third|another|other|further)\b", re.IGNORECASE)


def _list_sum(pre: str, counts: list, offset: int, lex: _Lex, names: list = ()) -> Count | None:
    """"the official, his wife, and his three children" -> 5 (None unless ≥2 parts).

    Read from the verb backwards while the parts name people. Ages set off by
    commas ("Choe Kum-hui, 45, and her daughter, 19,") are skipped; a part
    ending in a victim's name counts one person, but a name in apposition
    ("The woman, Oh Yeong-mi, 44, and a second woman") is the same person as
    the noun before it; parts after "among them" / "including" are members
    of what precedes them; and a total followed by its breakdown ("The seven,
    five women and two men") is the total, not a sum.
    """
    if "," not in pre and " and " not in pre:
        return None  # one part only
    pre = pre.rstrip()
    aux = _AUX_TAIL.search(pre, max(0, len(pre) - 40))  # one auxiliary at the very end ("..., were")
    pre = (pre[:aux.start()] if aux else pre).rstrip(" ,")
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", pre)
    name_ends = {v.end: v.name for v in names}
    items: list[tuple] = []  # (kind, value, position in pre[, name]), last part first
    pos = len(pre)
    for part in reversed(parts):
        p = part.strip()
        pos = pre.rfind(part, 0, pos)
        start_abs = offset + pos
        if _AGE.match(p):
            continue
        if _INCLUDING.match(p):  # "Seven defectors, among them a girl": the girl is one of the seven
            items = []
            continue
        if _LIST_FRAME.match(p):
            break  # "Of the four sisters, two ...": the group the figure is taken from, not a part
        if _LIST_RELATIVE.search(p):
            if not items:
                return None  # "..., four who were released": the figure the relative clause follows is the subject
            break
        in_part = [c for c in counts if start_abs <= c.start < start_abs + len(part) and c.count.best is not None
                   and c.count.unit == "persons"]
        if in_part and in_part[0].count.qualifier == "exact":
            items.append(("count", int(in_part[0].count.best), pos))
        elif start_abs + len(part.rstrip()) in name_ends:
            items.append(("name", 1, pos, name_ends[start_abs + len(part.rstrip())]))
        elif lex.person_np.search(p):
            items.append(("np", 1, pos, p))
        else:
            break
    items.reverse()  # text order
    if len(items) < 2:
        return None
    values = [it[1] for it in items]
    # A noun then the name it introduces is one person; so is a name then its other spelling
    # ("Choe Song-ho, 40, also spelled Choi Sung-ho").
    named: set[str] = set()
    for i in range(len(items)):
        if items[i][0] == "np" and 0 < i < len(items) - 1 and items[i - 1][0] == "name" \
                and _INDEFINITE.match(items[i][3]) and not _ANOTHER_ONE.search(items[i][3]):
            values[i] = 0  # "Kang Eun-sil, a 41-year-old North Korean woman, and her daughter": the same woman
        if items[i][0] == "name":
            if (i > 0 and items[i - 1][0] == "np") or items[i][3] in named:
                values[i] = 0
            named.add(items[i][3])
    total = sum(values)
    if items[0][0] == "count" and values[0] == sum(values[1:]):
        total = values[0]
    return Count(best=total, qualifier="exact", low=total, high=total, unit="persons",
                 text=pre[items[0][2]:].strip()[:80])


def _date_after_event(cand: _Cand, s_text: str, cands: list[_Cand]) -> None:
    """"After his return he was sent to a camp": the date of the latest earlier return (as a frame)."""
    m = _AFTER_EVENT.match(s_text)
    if m is None:
        return
    cls = _NOUN_CLASS[m.group("noun").lower()]
    prior = [c for c in cands if c.sentence < cand.sentence and c.date is not None and event_class(c.etype) == cls
             and c.date_strength != "state"]
    if prior:
        src = max(prior, key=lambda c: c.pos)
        cand.date, cand.date_strength = src.date, "frame"


def _group_count(cand: _Cand, sent, text: str, cands: list[_Cand]) -> None:
    """"They" / "them" / "the family" / "the nine" count the group counted just before (up to three sentences)."""
    if not _GROUP_ANAPHOR.search(text[sent.start:min(sent.end, cand.pos + 25)]):
        return
    prior = [c for c in cands if c.count is not None and c.count_kind in ("stated", "implicit")
             and c.count.unit == "persons" and (c.count.best or 0) >= 2
             and cand.sentence - _GROUP_REACH <= c.sentence < cand.sentence]
    if not prior:
        return
    src = max(prior, key=lambda c: c.pos)
    cand.count, cand.count_kind = src.count, "anaphoric"


def _implicit_count(cand: _Cand, si: int, text: str, sent, by_sent, lex: _Lex) -> None:
    s_text = text[sent.start:sent.end]
    if cand.victims:
        k = len(cand.victims)
        cand.count = Count(best=k, qualifier="exact", low=k, high=k, unit="persons",
                           text=", ".join(v[1] for v in cand.victims))
        cand.count_kind = "implicit"
    elif cand.etype == "death" and (m := lex.reflexive.search(s_text)) is not None:
        cand.count = Count(best=1, qualifier="exact", low=1, high=1, unit="persons", text=m.group(0))
        cand.count_kind = "implicit"


def _attach_date(cand: _Cand, main, ts: list, si: int, sent, text: str, by_sent, sentences, published,
                 lex: _Lex, unblocked, same_block, owners: dict[int, object] | None = None,
                 entries: dict[int, tuple[_Date, str | None]] | None = None) -> None:
    dates = by_sent["dates"][si]
    if owners:
        mine = {id(t) for t in ts}
        own = [d for d in dates if id(owners.get(d.start)) in mine]
        # Without a date of its own, a trigger keeps the states and the date of the report that
        # governs it ("In December, RFA reported that ... detained a month earlier and then repatriated").
        dates = own if own or cand.span is not None else [
            d for d in dates if d.state or (d.end <= main.start and lex.report_verbs.search(text[d.end:main.start]))]
    strong, weak = [], []
    dates = [d for d in dates if not d.compared] or dates
    # "Since January we have recorded 12 instances of arrest": a tally's recording period is its date.
    tally = bool(dates) and bool(lex.aggregate.search(text, sent.start, sent.end))
    for d in dates:
        lo, hi = sorted((d.end, main.start)) if d.end <= main.start else sorted((main.end, d.start))
        dateline = d.start - sent.start < 40 and bool(_DATELINE_DATE_AFTER.match(text[d.end:d.end + _DATELINE_REACH]))
        reported = not (tally and d.end <= main.start) and lex.report_verbs.search(text[lo:hi])
        (weak if dateline or reported else strong).append(d)
    if len(strong) > 1:
        strong = _preferred_dates(cand, main, strong, sent, text)
    if strong:
        # Nearest to the trigger's span: "sent as many as 600 North Koreans back ... on Monday".
        cand.date = min(strong, key=lambda d: main.start - d.end if d.end <= main.start else max(0, d.start - main.end))
        cand.date_strength = "state" if cand.date.state else "same"
        return
    entry = (entries or {}).get(sent.block)
    if entry is not None and entry[0].sentence < si:
        # A log entry: what its lines report is dated by its heading, even a state ("are held").
        cand.date, cand.date_strength = entry[0], "frame"
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
            # "... on Wednesday night, a church group said on Friday": the frame is when things happened,
            # not when they were reported or the story was filed.
            prior = [d for d in prior if not _REPORTED_AT.search(text, max(sentences[back].start, d.start - 30),
                                                                  d.start)] or prior
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
        return
    if not sent.headline and lex.report_verbs.search(s_text):
        # "It recorded four deaths in custody": a finding of a round-up is dated by the year its lead gives.
        lead = _lead_year(by_sent, sentences, si)
        if lead is not None:
            cand.date, cand.date_strength = lead, "frame"


def _lead_year(by_sent, sentences, si: int) -> _Date | None:
    """The whole calendar year the first body sentence gives ("... sent back 231 people in 2024, the monitor said")."""
    for i, s in enumerate(sentences[:si]):
        if s.skip or s.headline:
            continue
        years = [d for d in by_sent["dates"][i] if not d.state and d.earliest is not None and d.latest is not None
                 and (d.earliest.month, d.earliest.day, d.latest.month, d.latest.day) == (1, 1, 12, 31)
                 and d.earliest.year == d.latest.year and str(d.earliest.year) in d.text]
        return years[0] if len({d.earliest for d in years}) == 1 else None
    return None


_RELATIVE_PRONOUN = re.compile(r"\b(?:who|whom|which)\b", re.IGNORECASE)
_SINCE_DATE = re.compile(r"^(?:ever\s+)?since\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _treaty_before() -> re.Pattern[str]:
    return re.compile(load("triggers").get("treaty_date_before", "(?!)") + r"$", re.IGNORECASE)


def _treaty_year(text: str, sent_start: int, start: int) -> bool:
    """A date that says when a treaty or law was ratified, signed or came into force ("acceded to the Refugee
    Convention in 1982"): it dates the law, not an event of the text."""
    return bool(_treaty_before().search(text, max(sent_start, start - 90), start))


def _preferred_dates(cand: _Cand, main, dates: list[_Date], sent, text: str) -> list[_Date]:
    """Of several dates of one sentence, those that can be the date of this event.

    "A man in his fifties, held since 2021, died ... on the 22nd": a "since"
    date is when a state began, so it dates only custody and disappearance.
    "A group of five who crossed the Mekong in August made it to Bangkok
    three weeks ago": a date inside a relative clause before the verb belongs
    to the clause. Either gives way when another date is left.
    """
    cls = event_class(cand.etype)
    keep = []
    for d in dates:
        if cls not in ("custody", "disappearance") and _SINCE_DATE.match(d.text):
            continue
        if d.end <= main.start and _RELATIVE_PRONOUN.search(text, sent.start, d.start):
            continue
        keep.append(d)
    return keep or dates


def _attach_places(cand: _Cand, si: int, by_sent, sentences, text: str, unblocked, same_block,
                   victims: list) -> list[PlaceRef]:
    countries_ok = cand.etype in ("release", "escape", "transfer")
    # A transfer between countries names them ("deported them to China"); a release or escape names the
    # country reached; elsewhere China and North Korea are too broad to say where anything happened.
    foreign = ("KP",) if cand.etype == "transfer" else ("CN", "KP")

    def usable(ps: list) -> list:
        return [p for p in ps if p.ref.kind != "country" or (countries_ok and p.ref.country not in foreign)
                or (cand.span is not None and cand.etype == "arrest" and p.ref.country not in ("CN", "KP"))]

    found = usable(by_sent["places"][si])
    if cand.span is not None:
        found = [p for p in found if cand.span[0] <= p.start < cand.span[1]]
    if not found:
        found = _country_scene(cand, sentences[si], text, by_sent["places"][si])
    if not found:
        for other in (si - 1, si + 1):
            if same_block(si, other) and not (other > si and unblocked(other)):
                found = usable(by_sent["places"][other])
                if found:
                    break
    if not found and si >= 2 and any(t.start == t.end and not t.text for t in by_sent["triggers"][si]):
        # An answer that names no place ("Q: How were you caught? A: Somebody reported me.") happened where
        # the previous answer left the speaker.
        block = sentences[si - 2].block
        for back in range(si - 2, max(-1, si - 2 - _ANSWER_PLACE_REACH), -1):
            if sentences[back].block != block:
                break
            found = usable(by_sent["places"][back])
            if found:
                break
    nxt = si + 1
    if same_block(si, nxt) and not unblocked(nxt):
        if _CONTINUATION.match(text[sentences[nxt].start:sentences[nxt].end]):
            found = found + usable(by_sent["places"][nxt])
    if event_class(cand.etype) == "repatriation" and same_block(si, nxt):
        found = found + [p for p in usable(by_sent["places"][nxt]) if p.ref.country == "KP"]
    sent = sentences[si]
    found = found + _place_anaphora(text[sent.start:sent.end], si, by_sent)
    if not found and cand.victims:
        found = _story_places(cand, si, by_sent, victims, usable)
    out, keys = [], set()
    for p in found:
        if p.ref.name not in keys:
            keys.add(p.ref.name)
            out.append(p.ref)
    return out


#: How many sentences of the previous answer an answer without a place looks back through.
_ANSWER_PLACE_REACH = 4

# "held in Chinese custody", "in Chinese detention centres": custody in China.
_CHINESE_CUSTODY = re.compile(r"\b(?:in|into)\s+Chinese\s+(?:police\s+)?(?:custody|detention|prisons?|jails?)\b")


class _Mention:
    """A place found by a rule of this module rather than by the gazetteer matcher."""

    __slots__ = ("start", "end", "ref")

    def __init__(self, start: int, end: int, ref: PlaceRef) -> None:
        self.start, self.end, self.ref = start, end, ref


def _country_scene(cand: _Cand, sent, text: str, places: list) -> list:
    """A country as the place when the clause names nothing finer.

    A third country says where it happened ("detained by police in Laos");
    China does for custody ("may currently be held in China", "remain in
    Chinese custody"), where no city or province is given.
    """
    lo, hi = cand.span if cand.span is not None else (sent.start, sent.end)
    custody = event_class(cand.etype) == "custody"
    out = [p for p in places if lo <= p.start < hi and p.ref.kind == "country"
           and (p.ref.country not in ("CN", "KP") or (custody and p.ref.country == "CN"))]
    if not out and custody and "Chinese" in text[lo:hi]:
        m = _CHINESE_CUSTODY.search(text, lo, hi)
        if m is not None:
            from refwatch.extract.places import _gazetteer
            from refwatch.model.gazetteer import place_ref

            china = _gazetteer().lookup("China")
            if china is not None:
                out = [_Mention(m.start(), m.end(), place_ref(china, m.group(0)))]
    return out


_PLACE_ANAPHOR = re.compile(r"\b(?:the|that|this)\s+(?:same\s+)?(?P<kind>city|town|province|county|prefecture|"
                            r"facility|centre|center|camp|prison|jail)\b(?!\s+(?:of|in|near|at)\b)", re.IGNORECASE)
_ANAPHOR_KINDS = {"city": ("city", "crossing", "county"), "town": ("city", "crossing", "county"),
                  "province": ("province",), "county": ("county",), "prefecture": ("prefecture", "county")}
_ANAPHOR_WORDS = ("city", "town", "province", "county", "prefecture", "facility", "centre", "center", "camp", "prison",
                  "jail")
#: How many sentences back "the city" / "that facility" may point.
_PLACE_ANAPHOR_REACH = 6


def _place_anaphora(s_text: str, si: int, by_sent) -> list:
    """"in the city", "a border town in the same province", "died at that facility": the place named before.

    The most recent earlier place of the right kind (a facility: the most
    recent place that is not a country or province), up to six sentences back.
    """
    out: list = []
    low = s_text.lower()
    if not any(k in low for k in _ANAPHOR_WORDS):
        return out
    for m in _PLACE_ANAPHOR.finditer(s_text):
        kinds = _ANAPHOR_KINDS.get(m.group("kind").lower())
        for back in range(si - 1, max(-1, si - 1 - _PLACE_ANAPHOR_REACH), -1):
            ps = [p for p in by_sent["places"][back]
                  if (p.ref.kind in kinds if kinds else p.ref.kind not in ("country", "province"))]
            if ps:
                out.append(ps[-1])
                break
    return out


def _story_places(cand: _Cand, si: int, by_sent, victims: list, usable) -> list:
    """Where a named person's story last put them ("sold to a farmer near Harbin ... police came to the house").

    From the sentence before the event back to the person's first mention;
    for arrest, detention and transfer a place in China is preferred.
    """
    names = {v[0] for v in cand.victims}
    first = min((v.sentence for v in victims if v.name in names), default=si)
    in_china = event_class(cand.etype) in ("arrest", "transfer")
    fallback: list = []
    for s in range(si - 1, first - 1, -1):
        ps = usable(by_sent["places"][s])
        if not ps:
            continue
        if not in_china or any(p.ref.country == "CN" for p in ps):
            return [p for p in ps if not in_china or p.ref.country == "CN"]
        fallback = fallback or ps
    return fallback


def _confidence(ev: _Event, has_date: bool, strength: str | None, cnt: _Cand | None, places: int, srcs: int) -> float:
    score = 0.3 + 0.15 * has_date + 0.15 * (cnt is not None) + 0.1 * (places > 0) + 0.1 * (srcs > 0)
    score += 0.1 * (len(ev.members) > 1) + 0.05 * any(m.victims for m in ev.members)
    if strength in ("weak", "next", "frame"):
        score -= 0.05
    if cnt is not None and cnt.count_kind == "vague":
        score -= 0.05
    return round(max(0.05, min(0.95, score)), 2)


def _to_claim(ev: _Event, text: str, published: date | None) -> Claim:
    cnt, d, strength = ev.summary()
    if d is not None:
        rng = DateRange(d.earliest, d.latest, d.text, None)
    else:
        rng = DateRange(None, published, "", None)
    places: list[PlaceRef] = []
    victims: list[Victim] = []
    sources: list[str] = []
    spans: set[tuple[int, int]] = set()
    share = None
    place_names: set[str] = set()
    victim_names: set[str] = set()
    for m in ev.members:
        for p in m.places:
            if p.name not in place_names:  # first mention of each place name wins
                place_names.add(p.name)
                places.append(p)
        for nm, tx in m.victims:
            if nm not in victim_names:
                victim_names.add(nm)
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
    e = ext
    set_ext(doc, "events", assemble_events(doc_text(doc), e(doc, "published"), e(doc, "sentences"), e(doc, "places"),
                                           e(doc, "dates"), e(doc, "counts"), e(doc, "shares"), e(doc, "triggers"),
                                           e(doc, "victims"), e(doc, "sources"), e(doc, "main_source")))
    return doc
