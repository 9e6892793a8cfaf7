"""Korean personal names: one key for every spelling of one name.

The same woman is "Kim Cheol Ok" (Revised Romanization), "Kim Chol-ok" or
"Kim Ch'ŏl-ok" (McCune–Reischauer with and without diacritics), "Gim Cheol-ok",
"Cheol Ok Kim" (given name first) and 김철옥. ``name_key`` maps all of these to
``"kim|colok"``:

* the surname is looked up in ``model/data/korean_surnames.json`` (Lee/Yi/Rhee/Ri,
  Park/Pak, Choi/Choe, ...) and replaced by its canonical key; it may stand first
  or last (given-name-first order);
* hangul is romanised syllable by syllable with korean-romanizer — per syllable
  so that the liaison rules of whole-word romanisation (철옥 → "cheorok") do not
  make the hangul spelling differ from how the name is written in English;
* the given name is folded phonetically: diacritics, apostrophes, hyphens and
  spaces dropped, and the pairs that the two romanisation systems write
  differently collapsed (eo/ŏ → o, eu/ŭ → u, j/ch → c, g/k → k, d/t → t,
  b/p → p, r/l → l, doubled letters once).

The key is deliberately lossy (it is a blocking and matching key, never shown
as a name). ``name_similarity`` adds rapidfuzz similarity on the folded given
names for spellings the fold does not catch.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

from refwatch.model.vocab import load

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_APOSTROPHES = "'’‘ʼ`´"
# Order matters: vowels first (eo before o-rules), then consonant classes.
_VOWEL_FOLDS = (("eo", "o"), ("eu", "u"), ("ou", "o"), ("oo", "u"), ("ee", "i"),
                ("ui", "i"), ("wo", "o"))
_CONSONANT_FOLDS = (("tch", "c"), ("ch", "c"), ("j", "c"), ("sh", "s"), ("kk", "k"),
                    ("g", "k"), ("d", "t"), ("b", "p"), ("r", "l"), ("f", "p"))


@lru_cache(maxsize=1)
def _surnames() -> tuple[dict[str, str], dict[str, str]]:
    """(latin variant → canonical, hangul → canonical)."""
    latin: dict[str, str] = {}
    hangul: dict[str, str] = {}
    for key, entry in load("korean_surnames").items():
        if key.startswith("_"):
            continue
        for variant in entry["variants"]:
            latin[_strip_marks(variant).replace("-", "")] = key
        for form in entry["hangul"]:
            hangul[form] = key
    return latin, hangul


def _strip_marks(text: str) -> str:
    """Lower case, no diacritics (ŏ → o, ŭ → u), no apostrophes."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for mark in _APOSTROPHES:
        bare = bare.replace(mark, "")
    return bare.lower()


def fold(syllables: str) -> str:
    """Phonetic fold of a romanised name part (see module docstring)."""
    text = re.sub(r"[^a-z]", "", _strip_marks(syllables))
    for old, new in _VOWEL_FOLDS:
        text = text.replace(old, new)
    text = text.replace("ng", "\0")  # keep the final -ng apart from g → k
    for old, new in _CONSONANT_FOLDS:
        text = text.replace(old, new)
    text = text.replace("\0", "ng")
    return re.sub(r"(.)\1+", r"\1", text)


@lru_cache(maxsize=4096)
def _romanise_syllable(syllable: str) -> str:
    from korean_romanizer.romanizer import Romanizer

    return Romanizer(syllable).romanize()


def _hangul_parts(name: str) -> tuple[str, str]:
    """Split a hangul name into (canonical surname, folded given name)."""
    chars = "".join(_HANGUL.findall(name))
    _, hangul = _surnames()
    for size in (2, 1):
        head = chars[:size]
        if len(chars) > size - 1 and head in hangul and (size == 1 or len(chars) > 2):
            surname, given = hangul[head], chars[size:]
            break
    else:
        surname, given = fold(_romanise_syllable(chars[:1])), chars[1:]
    return surname, fold("".join(_romanise_syllable(s) for s in given))


def split_name(name: str) -> tuple[str, str]:
    """(canonical surname, folded given name); given is "" for a surname alone."""
    name = unicodedata.normalize("NFC", name or "").strip()
    surnamed = re.search(r"\b(?:surnamed|named|family name)\s+(\S+)", name, re.IGNORECASE)
    if surnamed:  # "a girl surnamed Choi" is the surname alone
        name = surnamed.group(1)
    if _HANGUL.search(name):
        return _hangul_parts(name)
    latin, _ = _surnames()
    tokens = [t for t in re.split(r"[\s,.]+", _strip_marks(name)) if t]
    tokens = [t for t in tokens if re.search(r"[a-z]", t)]
    if not tokens:
        return "", ""
    bare = [t.replace("-", "") for t in tokens]
    if bare[0] in latin or len(bare) == 1:
        surname = latin.get(bare[0], fold(bare[0]))
        given = bare[1:]
    elif bare[-1] in latin:  # given name first: "Cheol Ok Kim"
        surname, given = latin[bare[-1]], bare[:-1]
    else:
        surname, given = fold(bare[0]), bare[1:]
    return surname, fold("".join(given))


def name_key(name: str) -> str:
    """Canonical phonetic key, ``"surname|given"`` (``"choi|"`` for a surname alone)."""
    surname, given = split_name(name)
    return f"{surname}|{given}"


def is_surname_only(name: str) -> bool:
    return split_name(name)[1] == ""


def key_similarity(key_a: str, key_b: str) -> float:
    """Similarity in [0, 1] of two keys made by ``name_key``."""
    sa, _, ga = key_a.partition("|")
    sb, _, gb = key_b.partition("|")
    if not sa or not sb:
        return 0.0
    if not ga or not gb:  # a surname alone cannot identify anyone by itself
        return 0.5 if sa == sb else 0.0
    given = fuzz.ratio(ga, gb) / 100.0
    if sa == sb:
        return 1.0 if ga == gb else 0.4 + 0.6 * given
    return 0.5 * given


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two names written in any romanisation or hangul.

    1.0 when the keys are equal; a surname-only name scores at most 0.5 (it
    never links on its own); different surnames score at most 0.5.
    """
    return key_similarity(name_key(a), name_key(b))
