"""Round-3 speed-ups (byte-table head keys, bounded word-before search, the "state" word check) give exactly
what the plain forms give."""

from __future__ import annotations

import random

from refwatch.extract import dates, sentences

# --- sentence head keys: _spaced == the [^\w ] substitution --------------------------------------

_CHARS = ["a", "Z", "q", "7", "_", " ", "  ", "\n", "\t", "\u00a0", ",", ".", "?", "!", "-", "'", "’", "“", "”", "—",
          "–", "é", "ü", "ß", "İ", "ı", "ſ", "한", "국", "²", "½", "٣", "ـ", "\u200b", "…", "€", "(", ")", "\x7f",
          "\x00", "\u3000", "Ω", "ﬁ"]


def test_spaced_equals_the_substitution_on_random_text() -> None:
    rng = random.Random(31)
    for _ in range(3000):
        text = "".join(rng.choice(_CHARS) for _ in range(rng.randrange(0, 40)))
        assert sentences._spaced(text) == sentences._NON_WORD_RE.sub(" ", text), repr(text)


def test_spaced_on_every_ascii_character_and_some_wide_ones() -> None:
    text = "".join(chr(i) for i in range(128)) + "".join(chr(i) for i in range(128, 3000, 7))
    assert sentences._spaced(text) == sentences._NON_WORD_RE.sub(" ", text)
    assert sentences._spaced("") == ""


def test_norm_heads_still_match_norm_head() -> None:
    rng = random.Random(5)
    words = ["He", "said", "“we", "fled”", "—", "in", "2019,", "Ji’an", "한국", "café", "?", "x" * 30]
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 80)))
        spans = [(0, len(text)), (0, len(text) // 2), (len(text) // 3, len(text))]
        assert sentences._norm_heads(text, None, spans) == [sentences._norm_head(text, s, e) for s, e in spans]


# --- sentences: the word before a full stop, found by a bounded regex search ----------------------

def _word_before_plain(text: str, start: int, end: int) -> str:
    m = sentences._WORD_BEFORE_RE.search(text, start, end)
    return m.group(1).lower() if m else ""


def test_word_before_equals_the_plain_search() -> None:
    rng = random.Random(41)
    pieces = ["U.S", "e.g", "Mr", "word", "x" * 20, "a_b", "é", "İ", "한국", "²", "’", " ", "(", "-", ".", "..", "7"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12)))
        end = rng.randrange(0, len(text) + 1)
        start = rng.randrange(0, end + 1)
        assert sentences._word_before(text, start, end) == _word_before_plain(text, start, end), (text, start, end)


def test_split_sentences_unchanged_on_random_lines(monkeypatch) -> None:
    rng = random.Random(43)
    pieces = ["He said so", ".", ". ", "! ", "? ", "Mr. Kim", "U.S. troops", "Oct. 9", "no. 3", "e.g. this", "”",
              "’ ", ")", " the", "And", "a", "X.", "x" * 25 + ".", "\n", "\n\n", "  ", "İ", "한국."]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 30))) for _ in range(1500)]
    fast = [sentences.split_sentences(t) for t in texts]
    monkeypatch.setattr(sentences, "_word_before", _word_before_plain)
    monkeypatch.setattr(sentences, "_spaced", lambda low: sentences._NON_WORD_RE.sub(" ", low))
    assert [sentences.split_sentences(t) for t in texts] == fast


# --- dates: the "state" word check passes every text the phrase check passes ----------------------

def test_state_word_check_is_installed() -> None:
    # dropped (silently) when a "state" phrase is no longer covered by its words; then extend the words
    assert dates._PAIR_GATES.get("state") is dates._STATE_WORDS
    assert "state" in dates._PHRASE_GATE_REPLACED


_STATE_PIECES = ["currently", "presently", "at", "present", "the", "moment", "as of", "now", "right", "to", "this",
                 "day", "date", "remain", "remains", "being", "still", "is", "are", "be", "held", "detained",
                 "imprisoned", "in", "detention", "custody", "prison", "jail", "China", "know", "Monday", "IS",
                 "Still", "ı", "İ", "ſ", "x", "estimated", "believed", "to be"]
_STATE_GAPS = [" ", "  ", "\n", "\t", "\u00a0", "", ",", ". ", "-"]


def test_state_word_check_never_drops_a_phrase() -> None:
    phrase_gate = dates.re.compile(dates._trie(set(dates._PHRASE_HINTS["state"])))
    rng = random.Random(47)
    passed = 0
    for _ in range(20000):
        parts = []
        for _ in range(rng.randrange(1, 7)):
            parts.append(rng.choice(_STATE_PIECES))
            parts.append(rng.choice(_STATE_GAPS))
        low = "".join(parts).lower()
        if phrase_gate.search(low) is not None:
            passed += 1
            assert dates._pairs_present(low, *dates._STATE_WORDS), low
    assert passed > 2000


def test_collect_unchanged_with_the_phrase_check(monkeypatch) -> None:
    rng = random.Random(53)
    texts = []
    for _ in range(1500):
        parts = []
        for _ in range(rng.randrange(1, 9)):
            parts.append(rng.choice(_STATE_PIECES))
            parts.append(rng.choice(_STATE_GAPS))
        texts.append("".join(parts))

    def atoms(text):
        return [(a.kind, a.start, a.end, sorted(a.g.items())) for a in dates._collect(text)]

    fast = [atoms(t) for t in texts]
    assert sum(any(a[0] == "state" for a in f) for f in fast) > 100
    gates = dict(dates._PAIR_GATES)
    del gates["state"]
    monkeypatch.setattr(dates, "_PAIR_GATES", gates)
    monkeypatch.setattr(dates, "_PHRASE_GATE_REPLACED", set())
    assert [atoms(t) for t in texts] == fast


# --- dates: "weekday", "ago", "ctx_year" and the season kinds tried only at their words ------------------------------------------

def test_word_start_kinds_are_installed() -> None:
    # dropped (silently) when the core is edited; then this speed-up is gone
    assert set(dates._WORD_STARTS) == {"weekday", "ago", "season_y", "season_rel", "season_ry", "season_in", "ctx_year"}


_AGO_PIECES = ["day", "days", "Day", "DAYS", "dAy", "week", "weeks", "month", "Months", "year", "YEARS", "decade",
               "decades", "weekday", "ago", "AGO", "Ago", "earlier", "Earlier", "later", "LATER", "translater",
               "Monday", "MONDAY", "monday", "Tuesdays", "Sunday", "Wednesday", "Friday", "Saturday", "Thursday",
               "two", "a", "s", "x", "é", "한", "spring", "Springs", "SUMMER", "autumn", "fall", "Fall", "rainfall",
               "winter", "wintery", "of", "last", "that", "same", "1999", "2020", "in", "the", "during", "this year",
               "The", "THE", "xthe", "next", "previous", "following", "prior", "before", "year", "Year", "YEAR",
               "That", "SAME"]


def test_word_start_matches_equal_the_scan() -> None:
    rng = random.Random(59)
    cores = {kind: core for kind, core, _pre, _req in dates._COMPILED}
    found = 0
    for _ in range(6000):
        text = "".join(rng.choice(_AGO_PIECES) + rng.choice(_STATE_GAPS) for _ in range(rng.randrange(1, 10)))
        low = text.lower()
        for kind in dates._WORD_STARTS:
            plain = [(m.span(), m.groupdict()) for m in cores[kind].finditer(text)]
            fast = [(m.span(), m.groupdict()) for m in dates._word_start_matches(kind, cores[kind], text, low, {})]
            assert fast == plain, (kind, text)
            found += len(plain)
    assert found > 3000


def test_collect_unchanged_without_word_starts(monkeypatch) -> None:
    rng = random.Random(61)
    texts = ["".join(rng.choice(_AGO_PIECES + ["on", "about", "some"]) + rng.choice(_STATE_GAPS)
                     for _ in range(rng.randrange(1, 12))) for _ in range(1500)]

    def atoms(text):
        return [(a.kind, a.start, a.end, sorted(a.g.items())) for a in dates._collect(text)]

    fast = [atoms(t) for t in texts]
    monkeypatch.setattr(dates, "_WORD_STARTS", set())
    assert [atoms(t) for t in texts] == fast


def test_year_phrase_starts_equal_the_scan() -> None:
    words = ["the", "The", "THE", "xthe", "that", "That", "same", "SAME", "next", "previous", "following", "prior",
             "last", "this", "year", "Year", "YEAR", "years", "before", "x", "2019"]
    gaps = [" ", " ", " ", "  ", "\n", "\t", "\u00a0", "", ","]
    core = {kind: c for kind, c, _pre, _req in dates._COMPILED}["ctx_year"]
    rng = random.Random(67)
    found = 0
    for _ in range(8000):
        text = "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randrange(1, 8)))
        plain = [(m.span(), m.groupdict()) for m in core.finditer(text)]
        fast = [(m.span(), m.groupdict()) for m in dates._word_start_matches("ctx_year", core, text, text.lower(), {})]
        assert fast == plain, text
        found += sum(len(m[1]["ry"].split()) == 3 for m in plain)
    assert found > 10  # three-word phrases among them
