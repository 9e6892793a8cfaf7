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


def _plain_words(text: str, pos: int) -> list[tuple[str, int]]:
    """The word-by-word reading ``counts._read_head`` used before ``_WORDS6_RE``."""
    words: list[tuple[str, int]] = []
    p = pos
    for _ in range(6):
        m = counts._WORD_RE.match(text, p)
        if not m or text[p:m.start(1)].strip():
            break
        words.append((m.group(1).lower().replace("’", "'"), m.end(1)))
        p = m.end(1)
    return words


def test_head_words_read_in_one_match_equal_word_by_word_reading() -> None:
    rng = random.Random(11)
    pieces = ["Men", "women", "NORTH", "Korean's", "O’Brien", "-", ",", " ", "  ", "\n", "\u00a0", "7", "İ", "ſ",
              "é", "x", "persons", "of", "'", "’"]
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 14)))
        for pos in range(len(text) + 1):
            run = counts._WORDS6_RE.match(text, pos)
            fast = [] if run is None else [
                (run.group(k).lower().replace("’", "'"), run.end(k)) for k in range(1, 7) if run.end(k) >= 0]
            assert fast == _plain_words(text, pos), (text, pos)
            head = counts._read_head(text, pos)
            assert head[1] >= pos or head[0] is None, (text, pos)


def test_state_phrase_check_equals_substring_test_of_every_phrase() -> None:
    rng = random.Random(12)
    words = ["still", "now", "is", "are", "to be", "held", "detained", "imprisoned", "in detention", "in custody",
             "in", "this", "currently", "remain", "being", "at present", "x", "  ", " ", "jail", "prison", "known"]
    phrases = dates._PHRASE_HINTS["state"]
    for _ in range(6000):
        s = "".join(rng.choice(words) + rng.choice(["", " "]) for _ in range(rng.randrange(1, 8)))
        assert dates._has_state_phrase(s) == any(h in s for h in phrases), s


def test_fuzzy_prefix_precheck_never_drops_a_prefix_the_regex_finds() -> None:
    prefix_rx = dict((kind, pre) for kind, _core, pre, _req in dates._COMPILED)["fz_year"]
    rng = random.Random(13)
    hits = 0
    pieces = ["early", "Early", "EARLY", "mid", "Mid", "late", "the end of", "the first half of", "of", "-", " ",
              "  ", "\n", "x", "amid", "mid–", "ſ", "ı", "the", "middle", "quarter", "week", "chocolate", "1"]
    for _ in range(6000):
        tail = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 6)))
        text = tail + "2019"
        s = len(tail)
        found = dates._prefix(prefix_rx, text, s)
        found = found is not None and found.end() != found.start("_all")
        if found:
            hits += 1
            assert not dates._prefix_impossible("fz_year", text, s), text
    assert hits > 50  # the sample does exercise real prefixes
