"""The fast paths added for speed give exactly the results of the plain formulations they replace."""

from __future__ import annotations

import random
import re

from refwatch.extract import counts, dates, sentences, sources
from refwatch.model.vocab import load

_PIECES = ["said", "says", "told", "sold", "Said", "tsaid", "said.", " ", "  ", ".", "!", "?", "...", "”", ")", "]",
           "death.Two", "Oct.", "U.S.", "camp", "Camp", "bootcamp", "No.", "no", "aged", "page", "Jan", "Bojan",
           "MAY", "dismay", "$", "US$", "€", "#", "resolution", "ſ", "claſs", "class", "(AP Photo", "Getty Images)",
           "file photo", "photo:", "Read more", "x", "7", "1951", "2023", "-", "\n", "word", "Kim", "ok.Then"]


def _strings(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randrange(1, 12))) for _ in range(n)]


def test_sentence_end_pattern_matches_the_plain_one() -> None:
    plain = re.compile(r"[.!?]+[\"”’')\]]*(?=\s)|(?<=[a-z]{2})\.(?=[A-Z][a-z])")
    for s in _strings(3000, 1):
        assert [m.span() for m in sentences._END_RE.finditer(s)] == [m.span() for m in plain.finditer(s)], s


def test_boilerplate_check_matches_one_combined_pattern() -> None:
    lex = load("triggers")
    anchored = [p[1:] for p in lex["boilerplate"] if p.startswith("^")]
    floating = [p for p in lex["boilerplate"] if not p.startswith("^")]
    combined = re.compile("(?:" + "|".join(f"(?:{p})" for p in anchored) + ")|.*?(?:"
                          + "|".join(f"(?:{p})" for p in floating) + ")", re.IGNORECASE)
    for s in _strings(3000, 2) + ["(AP Photo/Someone)", "A view (Getty Images)", "PHOTO: x", "By Staff Reporter"]:
        line = s.replace("\n", " ").strip()
        assert sentences._is_boilerplate(line) == bool(combined.match(line)), line


def test_sentence_key_is_words_joined_by_single_spaces() -> None:
    for s in _strings(2000, 3):
        assert sentences._norm(s) == " ".join(re.sub(r"[^\w]+", " ", s.lower()).split())


def test_said_pattern_matches_the_plain_one() -> None:
    plain = re.compile(r"\b(?:said|says|told)\b")
    for s in _strings(3000, 4):
        assert [m.span() for m in sources._SAID.finditer(s)] == [m.span() for m in plain.finditer(s)], s


def test_excluded_before_agrees_with_the_regex() -> None:
    for s in _strings(5000, 5):
        for before in (s, s + " ", s + "  "):
            expected = counts._BEFORE_EXCLUDE_RE.search(before) is not None
            assert counts._excluded_before(before) == expected, before


def test_number_word_scan_finds_longest_words_first() -> None:
    low = "a dozen sixty-six seventeen tens of thousands half a million several"
    found = [m.group() for m in counts._WORD_SCAN_RE.finditer(low)]
    assert found == ["a dozen", "sixty", "six", "seventeen", "tens of", "thousands", "half a", "several"]
    words = [*counts.UNITS, *counts.TENS, "a dozen", "a hundred", "a thousand", "a million", "half a", "a few",
             "dozens", "hundreds", "thousands", "millions", "tens of", "several", "scores of"]
    plain = re.compile("|".join(sorted(words, key=len, reverse=True)))
    rng = random.Random(6)
    for _ in range(2000):
        s = " ".join(rng.choice(words + ["of", "a", "s", "ty", "teen"]) for _ in range(6)).replace(" ", rng.choice([" ", ""]))
        assert [m.span() for m in counts._WORD_SCAN_RE.finditer(s)] == [m.span() for m in plain.finditer(s)], s


def test_digit_family_dates_start_only_at_year_or_short_runs() -> None:
    digit_kinds = {k for k, fam in dates._FAMILY.items() if fam == "digit"}
    assert digit_kinds == dates._YEAR_RUN_KINDS | dates._SHORT_RUN_KINDS
    cores = {kind: core for kind, core, _pre, _req in dates._COMPILED}
    for kind in digit_kinds:  # no match at a run of another length
        for run in ("123", "12345", "3000", "999"):
            for tail in ("", " ", "s", "-01-02", "년", "월", "th of last month", " March", "–2019"):
                assert cores[kind].match(run + tail) is None or len(run) == 4 and run[0] in "12", (kind, run, tail)
    assert dates.find_dates("On 9 October 2023 and in 2019.")[0].range.earliest.isoformat() == "2023-10-09"


def test_date_phrase_hint_regexes_find_exactly_the_listed_phrases() -> None:
    words = ["day", "days", "week", "weeks", "months", "year", "decade", "decades", "ago", "earlier", "later",
             "the", "past", "last", "previous", "spring", "summer", "fall", "winter", "autumn", " ", "s", "x",
             "thee", "yearsago", "the past", "days ago", "the autumn"]
    rng = random.Random(7)
    samples = ["".join(rng.choice(words) + rng.choice(["", " ", "  "]) for _ in range(rng.randrange(1, 10)))
               for _ in range(4000)]
    for kind, rx in dates._PHRASE_HINT_RES.items():
        phrases = dates._PHRASE_HINTS[kind]
        for s in samples:
            assert (rx.search(s) is not None) == any(h in s for h in phrases), (kind, s)
