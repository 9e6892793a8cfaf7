"""Numbers written as digits or English words, shared by the date and count recognisers.

Hand-written on purpose: the libraries that turn words into numbers
(word2number, text2num) parse one isolated phrase and raise on anything else;
here we need *regex sources* that find numbers inside running text at a few
microseconds per sentence, plus a parser for exactly what the regex matched.
The word tables live in ``refwatch/model/data/number_words.json``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from refwatch.model.vocab import load

_WORDS = load("number_words")
UNITS: dict[str, int] = _WORDS["units"]
TENS: dict[str, int] = _WORDS["tens"]
SCALES: dict[str, int] = _WORDS["scales"]
DOZEN: int = _WORDS["dozen"]
VAGUE_FLOORS: dict[str, int] = {k: v for k, v in _WORDS["vague"].items() if not k.startswith("_")}
KOREAN_VAGUE_FLOORS: dict[str, int] = _WORDS["korean_vague"]
SHARE_WORDS: dict[str, float] = _WORDS["shares"]


def lower_same_length(text: str) -> str:
    """``text.lower()``, except that a character whose lower case is longer
    ("İ" -> "i̇") is kept as it is, so offsets into the result are offsets
    into ``text``. The recognisers scan this copy with plain lower-case
    literals, which ``re`` runs far faster than ``(?i)`` alternations."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def _alt(words: list[str] | dict[str, object]) -> str:
    """Regex alternation, longest first so that 'seventeen' beats 'seven'."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_UNIT_NZ = _alt([w for w in UNITS if w != "zero"])
_ONE_TO_NINE = _alt([w for w, v in UNITS.items() if 1 <= v <= 9])
# "twenty-three", "twenty three", "seventeen", "forty"
_SMALL = rf"(?:(?:{_alt(TENS)})(?:[-\s](?:{_ONE_TO_NINE})\b)?|(?:{_UNIT_NZ}))"
# "two hundred", "a hundred and fifty"
_HUNDREDS = rf"(?:(?:a|one|{_ONE_TO_NINE})[\s-]+hundred(?:\s+(?:and\s+)?{_SMALL}\b)?)"
_GROUP = rf"(?:{_HUNDREDS}|{_SMALL})"
#: English number words, e.g. "seven", "twenty-three", "a dozen", "two thousand five hundred".
NUMBER_WORDS_RE_SRC = (
    rf"(?:(?:{_GROUP}|a)[\s-]+(?:thousand|million)(?:,?\s+(?:and\s+)?{_GROUP})?"
    rf"|(?:a|one|half\s+a|{_SMALL})\s+dozen"
    rf"|{_GROUP})"
)
#: Digits with thousands separators or a multiplier: "600", "1,500", "33 000"? (no), "1.5 million".
DIGITS_RE_SRC = r"(?:\d{1,3}(?:,\d{3})+(?![\d])|\d+(?:\.\d+)?)(?:\s+(?:million|thousand))?"
#: Vague round plurals, "hundreds", "tens of thousands".
VAGUE_RE_SRC = _alt(VAGUE_FLOORS)

_TOKEN_RE = re.compile(r"[a-z]+")


@lru_cache(maxsize=4096)
def parse_number_words(phrase: str) -> int | None:
    """Value of an English number phrase as matched by ``NUMBER_WORDS_RE_SRC``.

    >>> parse_number_words("two hundred and fifty thousand")
    250000
    """
    tokens = _TOKEN_RE.findall(phrase.lower())
    if not tokens:
        return None
    total = 0
    current = 0
    seen = False
    for i, tok in enumerate(tokens):
        if tok == "and":
            continue
        if tok == "a" or (tok == "half" and i + 1 < len(tokens) and tokens[i + 1] == "a"):
            if tok == "half":
                current = 0  # "half a dozen": handled at "dozen"
            else:
                current = current or 1
            seen = True
            continue
        if tok in UNITS:
            current += UNITS[tok]
        elif tok in TENS:
            current += TENS[tok]
        elif tok == "hundred":
            current = (current or 1) * 100
        elif tok == "dozen":
            if tokens[0] == "half":
                current = DOZEN // 2
            else:
                current = (current or 1) * DOZEN
        elif tok in SCALES:
            total += (current or 1) * SCALES[tok]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_digits(text: str) -> int | None:
    """Value of a digit number as matched by ``DIGITS_RE_SRC``; None for a bare decimal."""
    t = text.strip().lower()
    mult = 1
    for word, value in (("million", 1_000_000), ("thousand", 1000)):
        if t.endswith(word):
            mult = value
            t = t[: -len(word)].strip()
            break
    t = t.replace(",", "")
    try:
        if "." in t:
            if mult == 1:
                return None  # "2.5" alone is a measurement, not a head count
            return int(round(float(t) * mult))
        return int(t) * mult
    except ValueError:
        return None


def parse_number(text: str) -> int | None:
    """Digits or words, whichever ``text`` is."""
    stripped = text.strip()
    if stripped[:1].isdigit():
        return parse_digits(stripped)
    return parse_number_words(stripped)
