"""The second round of speed-ups gives exactly what the formulations they replace gave."""

from __future__ import annotations

import gc
import random
import re
from datetime import date

from refwatch.extract import dates, places, sentences, sources, triggers, victims
from refwatch.extract.pipeline import _make_doc, extract, extract_many, nlp
from refwatch.extract.scan import guarded

_PIECES = ["Kim", "Lee", "Kim-", "xKim", "McKim", " ", "  ", "\n", "Chol", "Chol-ok", "said", "surnamed", "last name,",
           "the group said", "the rights group reported", "Human Rights Watch", "-", "_", "é", "TJWG", "UNHCR",
           "xTJWG", "detention centre at Nongpo", "holding center in Onsong", "A", "a", ",", ".", "İ", "Σ", "ΣΑΣ",
           "arrested", "xarrest", "held", "deported", "caught", "on 3 May", "Monday, ", "the night of ", "mid-",
           "early ", "May 2020", "the following day", "Tue. ", "\n\n", "Read more", "“", "”"]


def _strings(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randrange(1, 20))) for _ in range(n)]


def test_guarded_scans_find_what_the_whole_patterns_find() -> None:
    full, surnamed, bare, *_ = victims._patterns()
    pats = [full, surnamed, bare, sources._org_patterns()[0], sources._PERSON_SAID, sources._GROUP_REF,
            places._CENTRE_AT, guarded(r"(?<![\w-])(?:ab|a)(?![\w-])")]
    assert all(p._rest is not None for p in pats)
    for s in _strings(600, 1) + [t.lower() for t in _strings(150, 2)]:
        for p in pats:
            assert [(m.span(), m.groupdict(), m.groups()) for m in p.finditer(s)] == \
                [(m.span(), m.groupdict(), m.groups()) for m in p.whole.finditer(s)], (p.pattern, s)
            lo, hi = min(3, len(s)), max(0, len(s) - 2)
            assert [m.span() for m in p.finditer(s, lo, hi)] == [m.span() for m in p.whole.finditer(s, lo, hi)]
            found = p.search(s, lo)
            expected = p.whole.search(s, lo)
            assert (found and found.span()) == (expected and expected.span())


def test_guarded_keeps_patterns_it_cannot_split_whole() -> None:
    for source in (r"abc", r"\b(?:a|)", r"(?=x)"):
        p = guarded(source)
        assert p._rest is None
        assert [m.span() for m in p.finditer("xabc a")] == [m.span() for m in re.finditer(source, "xabc a")]


def test_anchor_hits_are_the_anchor_matches() -> None:
    lex = triggers.lexicon()
    assert triggers._anchor_gap_scan() is not None
    words = triggers.load("triggers")["anchors"]
    rng = random.Random(3)
    pieces = list(words[:60]) + [" ", "-", "x", "\n", "’", "_", "é", "9", ".", ","]
    for _ in range(2000):
        low = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 15)))
        assert list(triggers._anchor_hits(low, lex)) == [(a.start(), a.group(0)) for a in lex.anchors.finditer(low)]


def test_sentence_heads_and_sentences_match_the_per_sentence_normalisation() -> None:
    for s in _strings(1000, 4):
        spans = [(x.start, x.end) for x in sentences.split_sentences(s)]
        expected = [sentences._norm_head(s, a, b) for a, b in spans]
        assert sentences._norm_heads(s, None, spans) == expected, s
        assert sentences._norm_heads(s, sentences.lower_same_length(s), spans) == expected, s
    made = sentences._new_sentence(1, 5, 0, 2, 1, True, False)
    assert made == sentences.Sentence(1, 5, 0, 2, 1, True, False) and hash(made) == hash(sentences.Sentence(
        1, 5, 0, 2, 1, True, False))


def test_empty_only_prefixes_give_the_groups_of_the_full_scan() -> None:
    comp = {k: (c, p) for k, c, p, _ in dates._COMPILED}
    rng = random.Random(5)
    pieces = ["on ", "On ", "the ", "of ", "night of ", "Monday ", "Monday, ", "Tue. ", "tue ", "early ", "mid-",
              "late  ", "the end of ", " ", "\n", "x", "é", "ſ", ",", "(", "-", "the first half of ", "last "]
    cores = ["3 May", "May 3", "3rd of last month", "May 2020", "May last year", "the following day"]
    checked = 0
    for _ in range(800):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 7))) + rng.choice(cores) + " x"
        for kind in dates._DAY_PREFIX_KINDS | dates._FUZZY_PREFIX_KINDS:
            core, pre = comp[kind]
            for s in range(len(text)):
                if core.match(text, s) is None or not dates._only_empty_prefix(kind, text, s):
                    continue
                a, b = dates._prefix(pre, text, s), pre.match(text, s, s)
                assert (a is None) == (b is None), (kind, text, s)
                assert a is None or (a.groupdict() == b.groupdict() and not a.group("pre")), (kind, text, s)
                checked += 1
    assert checked > 200


def test_extension_access_matches_underscore_and_gc_is_back_on() -> None:
    doc = _make_doc("Police arrested 12 North Koreans in Dandong on 3 May 2021, TJWG said.", date(2021, 6, 1))
    nlp()(doc)
    for name in ("text", "lower", "published", "sentences", "places", "dates", "triggers", "counts", "events"):
        assert sentences.ext(doc, name) is getattr(doc._, name)
    sentences.set_ext(doc, "main_source", "x")
    assert doc._.main_source == "x"
    assert gc.isenabled()
    out = list(extract_many([("Police arrested 5 people in Yanji on 2 May 2020.", date(2020, 6, 1))] * 20))
    assert gc.isenabled() and len(out) == 20
    assert [c.type for c in out[0]] == [c.type for c in extract("Police arrested 5 people in Yanji on 2 May 2020.",
                                                                    date(2020, 6, 1))]


def test_word_pair_gates_never_skip_a_match() -> None:
    from refwatch.extract.numbers import lower_same_length

    assert {"words", "rel_unit", "ctx_year", "anchor_unit"} <= set(dates._PAIR_GATES)  # all still agree with _PATTERNS
    comp = {k: c for k, c, *_ in dates._COMPILED}
    pieces = ["last", "Last", "LAST", "this", "This", "that", "same", "the", "year", "Year", "YEAR", "years", "week",
              "WeeK", "weekend", "month", "decade", "night", "morning", "evening", "today", "yesterday", "before",
              "coming", "past", "next", "prior", "following", " ", "  ", "\n", " " * 45, "x", "-", "é"]
    rng = random.Random(6)
    for _ in range(4000):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", "\n"]) for _ in range(rng.randrange(1, 9)))
        low = lower_same_length(text)
        for kind, gate in dates._PAIR_GATES.items():
            if not dates._pairs_present(low, *gate):
                assert comp[kind].search(text) is None, (kind, text)
