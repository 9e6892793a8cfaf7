"""Language identification, fast enough to run on every captured document.

The scripts decide first: a text whose letters are mostly Hangul is Korean,
mostly Han (without kana) is Chinese — counting characters in a prefix costs
microseconds and is more reliable than a statistical model on short texts.
Latin-script text that is plainly English (many English function words) is
answered without a model too: py3langid costs 100-300 µs per call, more than
everything else a plain-text import does together, and loading its model
costs 0.5 s and ~100 MB per process. Other texts go to py3langid, on a
prefix; the model is loaded on the first such text only (py3langid loads it
lazily), so an English-only import never loads it.
"""

from __future__ import annotations

import re

import py3langid

from refwatch.textscan import may_hold

_PREFIX = 1000  # characters looked at
_LANGID_PREFIX = 400  # characters given to py3langid (accuracy flattens out early)
_MIN_LETTERS = 8

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")
_EDGE_PUNCTUATION = "\"'()[]{}<>.,;:!?*_/|\\-\u2013\u2014\u201c\u201d\u2018\u2019\u00ab\u00bb\u2026"
# Function words that are frequent in English and rare as words elsewhere
# (no "a", "in", "to", "is", "on", "an", "at", "her", "die": those are common
# words of other languages). News prose has 15-40% of its words in this set;
# French, German, Spanish, Italian, Dutch, Danish and Indonesian prose under 6%
# (and rarely "the"), so the 12% threshold leaves a wide margin on both sides.
_ENGLISH = frozenset(
    "the and of that was were with for from which this have has had they their been said "
    "are who by would there could its after into than them these when where "
    "she he his him not but what will about before more other since over should also did "
    "does because those some many most while".split()
)
_ENGLISH_PREFIX = 600
_ENGLISH_MIN_WORDS = 20
_ENGLISH_RATIO = 0.12


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language ("en", "ko", "zh", ...), or None.

    None when there is too little text to say.
    """
    sample = text[:_PREFIX]
    if sample.isascii():
        letters = sum(c.isalpha() for c in sample) if len(sample) < 64 else _MIN_LETTERS
        if letters < _MIN_LETTERS:
            return None
        if _plainly_english(sample):
            return "en"
        return _langid(sample)
    if not may_hold(sample, 0x1100, 0xFAFF) or _CJK.search(sample) is None:  # Latin, Cyrillic, ...: no
        # script count can decide (may_hold first: it settles most such texts at a third of the regex's cost)
        if _plainly_english(sample):
            return "en"
        if len(_LETTER.findall(sample)) < _MIN_LETTERS // 2:
            return None
        return _langid(sample)
    letters = len(_LETTER.findall(sample))
    if letters < _MIN_LETTERS // 2:
        return None
    hangul = len(_HANGUL.findall(sample))
    if hangul >= 0.3 * letters:
        return "ko"
    han = len(_HAN.findall(sample))
    if han >= 0.3 * letters:
        kana = len(_KANA.findall(sample))
        return "ja" if kana >= 0.1 * letters else "zh"
    if _plainly_english(sample):
        return "en"
    return _langid(sample)


def _plainly_english(sample: str) -> bool:
    # Whitespace tokens with their edge punctuation stripped: a third of the
    # cost of a regex scan for letter runs (which made a string per word).
    words = [token.strip(_EDGE_PUNCTUATION) for token in sample[:_ENGLISH_PREFIX].lower().split()]
    if len(words) < _ENGLISH_MIN_WORDS:
        return False
    hits = sum(map(_ENGLISH.__contains__, words))
    return hits >= _ENGLISH_RATIO * len(words) and "the" in words


def _langid(sample: str) -> str | None:
    lang, _score = py3langid.classify(sample[:_LANGID_PREFIX])
    return lang or None


def load_model() -> None:
    """Load py3langid's model now rather than at the first text that needs it."""
    py3langid.classify("model")
