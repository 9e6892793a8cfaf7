"""The third round of speed-ups gives exactly what the plain formulations give."""

from __future__ import annotations

import random

from refwatch.extract import dates

_DATE_PIECES = ["the following", "The Following", "THE NEXT", "the next", "the previous", "the preceding", "that",
                "That", "that same", "THAT SAME", "this", "same", "day", "Day", "days", "week", "month", "morning",
                "evening", "night", "nights", "'s", "’s", " ", "  ", "\n", "\t", "\u00a0", "x", "-", ",", ".",
                "early ", "late ", "mid-", "the end of ", "İ", "ı", "ſ", "é", "Monday", "in May 2020", "3"]


_RELS = ["the following", "The Following", "THE NEXT", "the next", "the previous", "the preceding", "that", "That",
         "that same", "THAT SAME", "this", "same", "the  following", "thE next", "tHat"]
_UNITS = ["day", "Day", "days", "week", "month", "morning", "evening", "night", "nights", "DAY", "weekend"]
_GAPS = [" ", "  ", "\n", "\t", "\u00a0", "", "-", " x "]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randrange(1, 8)):
            if rng.random() < 0.4:
                parts.append(rng.choice(_RELS) + rng.choice(_GAPS) + rng.choice(_UNITS))
            else:
                parts.append(rng.choice(_DATE_PIECES))
        out.append("".join(parts))
    return out


def _atoms(text: str) -> list[tuple]:
    return [(a.kind, a.start, a.end, sorted(a.g.items())) for a in dates._collect(text)]


def test_anchor_unit_pair_gate_is_installed() -> None:
    # the gate is dropped (silently) when the pattern's phrases change; then this speed-up is gone
    assert "anchor_unit" in dates._PAIR_GATES


def test_anchor_unit_pair_gate_never_drops_a_match(monkeypatch) -> None:
    texts = _texts(3000, 11)
    gated = [_atoms(t) for t in texts]
    ungated = dict(dates._PAIR_GATES)
    del ungated["anchor_unit"]
    monkeypatch.setattr(dates, "_PAIR_GATES", ungated)
    plain = [_atoms(t) for t in texts]
    assert gated == plain
    # and the random texts do exercise the pattern
    assert sum(any(a[0] == "anchor_unit" for a in atoms) for atoms in plain) > 50


def test_anchor_unit_pair_gate_agrees_with_the_pattern_alone() -> None:
    core = next(c for k, c, _p, _r in dates._COMPILED if k == "anchor_unit")
    singles, pairs = dates._PAIR_GATES["anchor_unit"]
    for text in _texts(4000, 12):
        if any(ch in text for ch in dates._FOLD_ODD):
            continue  # the pre-checks are not used on such texts
        if core.search(text) is not None:
            assert dates._pairs_present(text.lower(), singles, pairs), text
