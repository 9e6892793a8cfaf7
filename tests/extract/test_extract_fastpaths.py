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


def test_date_phrase_gates_find_every_listed_phrase_across_any_whitespace() -> None:
    words = ["day", "days", "week", "ago", "the", "past", "last", "previous", "spring", "summer", "fall", "autumn",
             "still", "now", "is", "are", "to be", "held", "detained", "in detention", "in custody", "in",
             "currently", "remain", "being", "at present", "prison", "jail", "x", "thee", "s"]
    rng = random.Random(7)
    hits = 0
    for _ in range(5000):
        s = "".join(rng.choice(words) + rng.choice(["", " ", "  ", "\n", " \t"]) for _ in range(rng.randrange(1, 9)))
        for kind, gate in dates._PHRASE_GATES.items():
            phrases = dates._PHRASE_HINTS[kind]
            found = gate.search(s) is not None
            # every phrase the whitespace-collapsed text holds is found ...
            if any(h in " ".join(s.split()) for h in phrases):
                assert found, (kind, s)
                hits += 1
            # ... and nothing else (a trailing-space phrase may end at the text's trailing whitespace)
            if found:
                assert any(h in " ".join((s + " x").split()) for h in phrases), (kind, s)
    assert hits > 500


def _plain_lit(*words: str) -> str:
    """The flat alternation ``dates._lit`` used before it factored prefixes."""
    forms = {f for w in words for f in (w, w[:1].upper() + w[1:], w.upper())}
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in sorted(forms, key=len, reverse=True))


def test_factored_literal_alternation_matches_like_the_flat_one() -> None:
    cases = [("last year", "this year", "that year", "that same year", "the same year", "the year before",
              "the next year"),
             ("to this day", "to date", "today", "tonight", "the day before yesterday", "yesterday"),
             ("this", "last", "next", "the past", "the last", "the coming", "past"),
             ("day", "week", "month", "year", "decade")]
    pieces = ["the", "The", "THE", "that", "This", "last", "Last", "same", "year", "Year", "YEAR", "years", "to",
              "To", "day", "date", "today", "night", "before", "yesterday", "past", "coming", "next", "decade",
              "week", "x", " ", "  ", "\n", "-"]
    rng = random.Random(8)
    samples = ["".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randrange(1, 10)))
               for _ in range(3000)]
    for words in cases:
        for tail in ("", r"\b", r"s?\s+(?P<dir>ago|later)\b"):
            fast = re.compile(f"(?P<w>{dates._lit(*words)}){tail}")
            plain = re.compile(f"(?P<w>{_plain_lit(*words)}){tail}")
            for s in samples:
                assert [(m.span(), m.groupdict()) for m in fast.finditer(s)] == \
                    [(m.span(), m.groupdict()) for m in plain.finditer(s)], (words, tail, s)


def test_factored_month_and_weekday_names_match_like_the_flat_alternation() -> None:
    names = ["January", "June", "July", "March", "May", "September", "Monday", "Sunday", "Tuesday"]
    abbrs = ["Jan", "Jun", "Jul", "Mar", "Sept", "Sep", "Tue"]
    forms = sorted({f for w in names + abbrs for f in (w, w.upper())}, key=len, reverse=True)
    plain = re.compile(rf"(?P<m>{'|'.join(forms)})\.?(?![a-z])")
    fast = re.compile(rf"(?P<m>{dates._cases(names + abbrs)})\.?(?![a-z])")
    pieces = [*names, *abbrs, "SEPT", "SEPTEMBER", "ember", "e", "y", "s", ".", " ", "x", "Ju", "JUN", "MAY", "may"]
    rng = random.Random(14)
    for _ in range(4000):
        s = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 8)))
        assert [(m.span(), m.group("m")) for m in fast.finditer(s)] == \
            [(m.span(), m.group("m")) for m in plain.finditer(s)], s


_DATE_PIECES = _PIECES + ["ſpring", "thıs", "İn", "yesterday", "Tuesday", "currently", "are still held", "is being",
                          "the past two years", "the spring", "last year", "that same year", "two weeks ago",
                          "remain in China", "at  present", "early", "9 October", "since June", "to date", "the"]


def test_date_prechecks_and_shared_lowercase_change_no_date() -> None:
    from unittest import mock

    from refwatch.extract.numbers import lower_same_length

    rng = random.Random(9)
    pub = __import__("datetime").date(2023, 12, 6)
    for _ in range(1500):
        text = rng.choice([" ", "\n", "  "]).join(rng.choice(_DATE_PIECES) for _ in range(rng.randrange(1, 16)))
        fast = dates.find_dates(text, pub)
        assert dates.find_dates(text, pub, low=lower_same_length(text)) == fast, text
        with mock.patch.object(dates, "_PHRASE_GATES", {}), mock.patch.object(dates, "_SCAN_HINTS", {}):
            assert dates.find_dates(text, pub) == fast, text


def test_counts_and_shares_with_the_shared_lowercase_are_unchanged() -> None:
    from refwatch.extract.numbers import lower_same_length

    rng = random.Random(10)
    pieces = _PIECES + ["İ", "ſeven", "seven", "a dozen", "70 per cent", "half of them women", "dozens of",
                        "600여 명", "Three hundred", "at least 51"]
    for _ in range(1500):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randrange(1, 14)))
        low = lower_same_length(text)
        assert len(low) == len(text)
        assert counts.find_counts(text, low) == counts.find_counts(text), text
        assert counts.find_shares(text, low) == counts.find_shares(text), text


def test_lowercase_keeps_offsets() -> None:
    from refwatch.extract.numbers import lower_same_length

    assert lower_same_length("Kim İN Dandong") == "kim İn dandong"
    assert lower_same_length("SEVEN ſeven") == "SEVEN ſeven".lower()


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


def test_counts_and_shares_read_in_spans_equal_the_full_reading_inside_them() -> None:
    """Restricting the number search to sentences gives exactly the full search's numbers that start there."""
    from refwatch.extract.numbers import lower_same_length
    from refwatch.extract.sentences import split_sentences

    rng = random.Random(11)
    pieces = _PIECES + ["İ", "seven", "a dozen", "70 per cent", "half of them women", "dozens of", "600여 명",
                        "Three hundred", "at least 51", "It ended.", "On 4 June.", "a few", "9-11", "2016-2017."]
    for _ in range(800):
        text = rng.choice([" ", "\n", "\n\n"]).join(rng.choice(pieces) for _ in range(rng.randrange(1, 16)))
        low = lower_same_length(text)
        sents = split_sentences(text)
        spans = sorted((s.start, s.end) for s in rng.sample(sents, rng.randrange(0, len(sents) + 1)))

        def inside(pos: int) -> bool:
            return any(a <= pos < b for a, b in spans)

        assert counts.find_counts(text, low, spans=spans) == [c for c in counts.find_counts(text, low)
                                                               if inside(c.start)], text
        # A share's span opens at its qualifier ("over 70%"), so whole shares inside a span must be found,
        # and nothing found may be missing from the full reading.
        full = counts.find_shares(text, low)
        part = {(sh.start, sh.end, sh.share) for sh in counts.find_shares(text, low, spans=spans)}
        whole = {(sh.start, sh.end, sh.share) for sh in full if any(a <= sh.start and sh.end <= b for a, b in spans)}
        assert whole <= part <= {(sh.start, sh.end, sh.share) for sh in full}, text


def test_tally_words_cover_every_aggregate_marker() -> None:
    """The counts step searches for tally markers only in sentences holding one of these words."""
    import json
    from pathlib import Path

    from refwatch.extract.pipeline import _TALLY_WORDS
    from refwatch.extract.triggers import top_level_alternatives

    source = json.loads((Path(__file__).parents[2] / "refwatch/model/data/triggers.json").read_text())[
        "aggregate_markers"]
    inner = source[source.index("(?:") + 3:source.rindex(")")]
    for alt in top_level_alternatives(inner):
        plain = alt.replace("\\s+", " ").replace("?", "")
        assert any(w in plain for w in _TALLY_WORDS), alt


def test_word_before_a_full_stop_reads_like_the_regex() -> None:
    from refwatch.extract import sentences

    rng = random.Random(12)
    alphabet = "ab.Z_9 ,İé²½-\u00a0ſ"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
        start = rng.randrange(0, len(text) + 1)
        end = rng.randrange(start, len(text) + 1)
        m = sentences._WORD_BEFORE_RE.search(text, start, end)
        assert sentences._word_before(text, start, end) == (m.group(1).lower() if m else ""), (text, start, end)


def test_according_to_names_are_found_like_one_scan() -> None:
    from refwatch.extract import sources

    rng = random.Random(13)
    pieces = ["according to Kim Min-ho,", "According to Lee Young", "said Park Ji-won.", "says Choi Eun", "told by Han",
              "unsaid", "stold Kim", "xaccording to Kim Jo", "said", "Kim Min-ho said", "Accordingly", ",", ".", "\n"]
    for _ in range(2000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        said = list(sources._SAID.finditer(text))
        assert [m.span() for m in sources._person_according(text, said)] == [
            m.span() for m in sources._PERSON_ACCORDING.finditer(text)], text
