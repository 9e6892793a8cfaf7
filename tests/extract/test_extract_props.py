"""Property tests: the recognisers never raise and always return well-formed mentions."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from refwatch.extract.counts import find_counts, find_shares
from refwatch.extract.dates import find_dates

# Pieces of real phrasing glued together at random reach the interesting
# branches far more often than uniform unicode does.
_PIECES = [
    "on", "in", "since", "from", "until", "between", "and", "to", "-", "–", " ", ", ", ". ",
    "October", "Oct.", "May", "February", "9", "30", "31", "29", "2023", "1998", "17", "2016-2017",
    "early", "mid-", "late", "last", "this", "next", "year", "month", "week", "ago", "earlier",
    "later", "two", "a", "dozen", "hundreds", "of", "over", "at least", "up to", "nearly",
    "an estimated", "600", "1,500", "per cent", "%", "women", "North Koreans", "instances",
    "currently", "held", "that same year", "the night of", "Monday", "summer", "the 1990s",
    "년", "월", "일", "명", "여", "수백", "이상", "9999", "0", "00", "12/31", "2023-02-30",
]
_phrases = st.lists(st.sampled_from(_PIECES), max_size=25).map(" ".join)
_texts = st.one_of(st.text(max_size=300), _phrases)
_pubs = st.one_of(st.none(), st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))


@settings(max_examples=300, deadline=None)
@given(_texts, _pubs)
def test_dates_are_well_formed(text, published):
    for m in find_dates(text, published):
        assert 0 <= m.start < m.end <= len(text)
        assert m.text == text[m.start:m.end] == m.range.text
        lo, hi = m.range.earliest, m.range.latest
        for d in (lo, hi):
            assert d is None or isinstance(d, date)
        if lo is not None and hi is not None:
            assert lo <= hi
        if published is None and m.relative:
            # nothing that depends on the publication date is guessed
            assert hi is None


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_counts_are_well_formed(text):
    for c in find_counts(text):
        assert 0 <= c.start < c.end <= len(text)
        assert c.text == text[c.start:c.end]
        n = c.count
        assert n.qualifier in {"exact", "at_least", "more_than", "up_to", "nearly", "about",
                               "between", "vague"}
        assert n.unit in {"persons", "cases"}
        if n.best is not None:
            assert n.best >= 0
            if n.low is not None:
                assert n.low <= n.best + (n.qualifier == "more_than")
            if n.high is not None:
                assert n.best <= n.high
        if n.low is not None and n.high is not None:
            assert n.low <= n.high


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_shares_are_well_formed(text):
    for s in find_shares(text):
        assert s.text == text[s.start:s.end]
        assert 0.0 <= s.share <= 1.0


# The shortcuts taken for speed must give what the plain regexes give. Texts
# here end where a number would start, and mix in letters that the regex's
# case folding treats specially ("ı", "İ", "ſ", Kelvin sign).
_TAIL_PIECES = [
    "at least", "AT LEAST", "At  least", "more than", "over", "well over", "leftover", "some", "ſome", "İn excess of",
    "approx.", "est.", "c.", "etc.", "an estimated", "estimated", "nearly", "Room", "room", "Camp", "resolution",
    "September", "Sept.", "Omar", "MAY", "$", "US$", "#", "no.", "a family of", "ages", "people", ",", "(", " ", "\t",
    "\u00a0", "\n", "thırd", "HALF", "two-thirds", "70", "%", "per cent", "pct", "of", "women", "ſpring", "K",
]
_tails = st.lists(st.sampled_from(_TAIL_PIECES), max_size=8).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(_tails, st.sampled_from(["", " ", "  ", "\t"]))
def test_count_shortcuts_match_the_plain_regexes(before, end):
    from refwatch.extract import counts

    before += end
    assert counts._excluded_before(before) == bool(counts._BEFORE_EXCLUDE_RE.search(before))
    fast, plain = counts._prefix_qualifier(before), counts._PREFIX_RE.search(before)
    assert (fast and fast.span("q")) == (plain and plain.span("q"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TAIL_PIECES), max_size=20).map(" ".join))
def test_share_scans_match_one_alternation(text):
    import re

    from refwatch.extract import counts

    one = re.compile(counts._SHARE_NUM_RE.pattern + "|" + counts._SHARE_WORD_RE.pattern)
    assert [m.span() for m in counts._share_matches(text)] == [m.span() for m in one.finditer(text)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["ſpring", "thıs", "İn", "yesterday", "Tuesday", "currently"]),
                max_size=25).map(" ".join), _pubs)
def test_date_prechecks_drop_nothing(text, published):
    from unittest import mock

    from refwatch.extract import dates

    fast = find_dates(text, published)
    with mock.patch.object(dates, "_SCAN_HINTS", {}), mock.patch.object(dates, "_PREFIX_WORDS", {}):
        plain = find_dates(text, published)
    assert fast == plain
