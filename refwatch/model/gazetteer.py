"""The gazetteer: places declared as data, name lookup and a place matcher.

The places live in ``model/data/gazetteer.json`` (one entry per place, with
every written variant of its name). This module loads and validates them once
and answers three questions:

* ``lookup(name)``: which place does this written name mean? Forgiving about
  case, diacritics, hyphens, apostrophes, spaces and a trailing "City" /
  "Province" / 市 / 省 (when the suffix fits the place's kind).
* ``match(text)``: where in running text are places mentioned? Exact character
  offsets, longest mention wins ("Tumen River" is the river, "Jilin City" the
  city), mentions never overlap.
* ``ancestors`` / ``within`` / ``province_of``: containment (a crossing lies in
  its prefecture, province and country).

Why a hand-written matcher rather than one big regex alternation: Python's
``re`` tries the alternatives of an alternation one after another at every
position, so a thousand names cost about a thousand attempts per character.
Instead one simple compiled regex finds, in C, the words that start with a
capital letter some name starts with and the runs of Han or Hangul; from
each, a token trie (Latin script) or a character trie (Han and Hangul, written
without spaces) is walked. One pass over the text and a few dict lookups per
capitalised word: about 0.25-0.4 ms for 4 KB of English news on a busy core.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from refwatch.model import vocab
from refwatch.model.records import PlaceRef

__all__ = [
    "Gazetteer",
    "GazetteerError",
    "Place",
    "PlaceMatch",
    "load_gazetteer",
    "place_ref",
]


class GazetteerError(ValueError):
    """A gazetteer entry is malformed; the message names the entry by position and id."""


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str
    country: str
    lat: float
    lon: float
    parent: str | None
    names: tuple[str, ...]
    pair: str | None
    precision: int | None = None  # overrides the kind's precision (coordinates only approximate)
    province_level: bool = False  # municipality / special city that counts as a province
    notes: str | None = None
    adjectives: tuple[str, ...] = ()  # "Lao": names the place only before a noun such as "police"


@dataclass(frozen=True)
class PlaceMatch:
    start: int
    end: int
    text: str
    place: Place


# --- text normalisation --------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HANGUL = "\uac00-\ud7a3"
_COMBINING = "\u0300-\u036f"
# A letter of an alphabetic script: a word character that is neither a digit,
# an underscore, Han, Hangul (syllables or jamo) nor Japanese kana.
_LETTER = rf"[^\W\d_{_HAN}{_HANGUL}\u1100-\u11ff\u3130-\u318f\u3040-\u30ff]"
_APOSTROPHES = "'\u2019\u2018\u02bc"
# The rest of a Latin-script word; an inner apostrophe stays in it (Ji'an,
# Kimch'aek) unless it is a possessive 's (China's).
_WORD_REST = rf"(?:{_LETTER}|[{_COMBINING}]|[{_APOSTROPHES}](?!s\b)(?={_LETTER}))*"
_TOKEN_RE = re.compile(
    rf"(?P<w>{_LETTER}{_WORD_REST})"
    r"|(?P<n>\d+)"
    rf"|(?P<h>[{_HAN}]+)"
    rf"|(?P<k>[{_HANGUL}]+)"
)
_HYPHENS = frozenset("-\u2010\u2011")
_JOINERS = frozenset(" \t\u00a0\r\n.") | _HYPHENS
_WORD_RE = re.compile(rf"{_LETTER}{_WORD_REST}")
_HAN_RE = re.compile(rf"[{_HAN}]+")
_HANGUL_RE = re.compile(rf"[{_HANGUL}]+")
# A character right after a run of letters that may still belong to the word.
_WORD_CONTINUES = frozenset(_APOSTROPHES) | {chr(c) for c in range(0x300, 0x370)}
# What may join two words of one name (a short space, one line break, a hyphen,
# the dot of "No. 15"), then the next word or number.
_STEP_RE = re.compile(
    r"(?P<gap>[ \t\u00a0]{1,3}|[ \t]?\r?\n[ \t]{0,2}|[-\u2010\u2011]|\.[ \u00a0]?)"
    rf"(?P<tok>{_LETTER}{_WORD_REST}|\d+)(?![\d{_COMBINING}])"
)
_WORD, _NUMBER, _HAN_RUN, _HANGUL_RUN = "w", "n", "h", "k"
_END = None  # trie key under which a node stores the place id ending there


@lru_cache(maxsize=1 << 16)
def _token_key(token: str) -> str:
    """Compare key of one Latin token: no diacritics, no apostrophes, case-folded."""
    text = unicodedata.normalize("NFKD", token)
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and ch not in _APOSTROPHES)
    return text.casefold()


def _fold(text: str) -> str:
    """Strip diacritics and compatibility forms but keep Hangul syllables whole."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", text)


def _lookup_key(name: str) -> str:
    """Key for ``lookup``: folded, case-folded, letters and digits only."""
    return "".join(ch for ch in _fold(name).casefold() if ch.isalnum())


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.lastgroup or "") for m in _TOKEN_RE.finditer(text)]


def _is_cjk(name: str) -> bool:
    return all(re.match(rf"[{_HAN}{_HANGUL}]", ch) for ch in name)


# --- loading and validation ------------------------------------------------------

@dataclass(frozen=True)
class _Suffix:
    keys: tuple[str, ...]
    kinds: frozenset[str]
    countries: frozenset[str] | None
    hyphen_only: bool

    def fits(self, place: Place) -> bool:
        return place.kind in self.kinds and (self.countries is None or place.country in self.countries)


def _build_place(index: int, raw: Any, kinds: Iterable[str]) -> Place:
    def bad(problem: str) -> GazetteerError:
        ident = raw.get("id") if isinstance(raw, Mapping) else None
        return GazetteerError(f"gazetteer entry #{index} ({ident!r}): {problem}")

    if not isinstance(raw, Mapping):
        raise bad("is not an object")
    for key in ("id", "name", "kind", "country"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise bad(f"'{key}' must be a non-empty string")
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", raw["id"]):
        raise bad("'id' must be a lower-case slug")
    if raw["kind"] not in set(kinds):
        raise bad(f"unknown kind {raw['kind']!r}")
    if not re.fullmatch(r"[A-Z]{2}", raw["country"]):
        raise bad("'country' must be an ISO 3166-1 alpha-2 code")
    for key, limit in (("lat", 90.0), ("lon", 180.0)):
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not -limit <= value <= limit:
            raise bad(f"'{key}' must be a number within ±{limit:g}")
    for key in ("parent", "pair", "notes"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise bad(f"'{key}' must be a string or null")
    names = raw.get("names", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise bad("'names' must be a list of non-empty strings")
    adjectives = raw.get("adjectives", [])
    if not isinstance(adjectives, list) or not all(isinstance(a, str) and a.isalpha() for a in adjectives):
        raise bad("'adjectives' must be a list of single words")
    precision = raw.get("precision")
    if precision is not None and (isinstance(precision, bool) or not isinstance(precision, int)
                                  or not 1 <= precision <= 6):
        raise bad("'precision' must be an integer 1..6")
    ordered = list(dict.fromkeys([raw["name"], *names]))  # canonical name first, no repeats
    return Place(
        id=raw["id"], name=raw["name"], kind=raw["kind"], country=raw["country"],
        lat=float(raw["lat"]), lon=float(raw["lon"]), parent=raw.get("parent"),
        names=tuple(ordered), pair=raw.get("pair"), precision=precision,
        province_level=bool(raw.get("province_level", False)), notes=raw.get("notes"),
        adjectives=tuple(adjectives),
    )


class Gazetteer:
    """Validated places with name lookup, containment and a text matcher."""

    def __init__(self, entries: Iterable[Mapping[str, Any]],
                 suffixes: Iterable[Mapping[str, Any]] = (),
                 cjk_suffixes: Iterable[Mapping[str, Any]] = (),
                 adjective_nouns: Iterable[str] = ()) -> None:
        kinds = vocab.place_kinds()
        places: dict[str, Place] = {}
        position: dict[str, int] = {}
        for index, raw in enumerate(entries):
            place = _build_place(index, raw, kinds)
            if place.id in places:
                raise GazetteerError(f"gazetteer entry #{index} ({place.id!r}): duplicate id "
                                     f"(first at #{position[place.id]})")
            places[place.id] = place
            position[place.id] = index
        self._places = places
        self._validate_links(position)
        self._suffixes = [self._suffix(s) for s in suffixes]
        self._suffixes.sort(key=lambda s: -len(s.keys))
        self._suffix_first: dict[str, list[_Suffix]] = {}
        for suffix in self._suffixes:
            self._suffix_first.setdefault(suffix.keys[0], []).append(suffix)
        self._suffix_kinds = frozenset(k for s in self._suffixes for k in s.kinds)
        self._lookup_suffixes = [("".join(s.keys), s) for s in self._suffixes]
        self._build_indexes(position, list(cjk_suffixes))
        self._compile_adjectives(list(adjective_nouns))

    # -- construction helpers ---------------------------------------------------

    def _validate_links(self, position: Mapping[str, int]) -> None:
        places = self._places
        for place in places.values():
            where = f"gazetteer entry #{position[place.id]} ({place.id!r})"
            if place.parent is not None and place.parent not in places:
                raise GazetteerError(f"{where}: parent {place.parent!r} does not exist")
            if place.pair is not None:
                other = places.get(place.pair)
                if other is None:
                    raise GazetteerError(f"{where}: pair {place.pair!r} does not exist")
                if other.country == place.country:
                    raise GazetteerError(f"{where}: pair {place.pair!r} is in the same country")
            if place.kind == "crossing" and place.pair is None:
                raise GazetteerError(f"{where}: a crossing needs the 'pair' across the border")
            seen = {place.id}
            current = place
            while current.parent is not None:
                if current.parent in seen:
                    raise GazetteerError(f"{where}: parent chain loops")
                seen.add(current.parent)
                current = places[current.parent]

    @staticmethod
    def _suffix(raw: Mapping[str, Any]) -> _Suffix:
        text = raw["words"]
        keys = tuple(_token_key(text[s:e]) for s, e, _ in _tokens(text))
        countries = raw.get("countries")
        return _Suffix(keys, frozenset(raw["kinds"]),
                       frozenset(countries) if countries else None, bool(raw.get("hyphen_only")))

    def _build_indexes(self, position: Mapping[str, int],
                       cjk_suffixes: list[Mapping[str, Any]]) -> None:
        self._lookup: dict[str, str] = {}
        self._latin: dict[Any, Any] = {}
        self._cjk: dict[Any, Any] = {}
        self._latin_first_letters: set[str] = set()
        generated: list[tuple[str, Place]] = []
        for place in self._places.values():
            where = f"gazetteer entry #{position[place.id]} ({place.id!r})"
            for name in place.names:
                key = _lookup_key(name)
                if not key:
                    raise GazetteerError(f"{where}: a name has no letters or digits")
                owner = self._lookup.setdefault(key, place.id)
                if owner != place.id:
                    raise GazetteerError(f"{where}: a name is also a name of {owner!r}")
                self._index_for_match(name, place)
                if _is_cjk(name):
                    for rule in cjk_suffixes:
                        countries = rule.get("countries")
                        if place.kind in rule["kinds"] and (not countries or place.country in countries) \
                                and not name.endswith(rule["suffix"]):
                            generated.append((name + rule["suffix"], place))
        # Generated forms (辽宁省) never override a name written in the data.
        for name, place in generated:
            if self._lookup.setdefault(_lookup_key(name), place.id) == place.id:
                self._index_for_match(name, place, explicit=False)
        self._compile_start()

    def _index_for_match(self, name: str, place: Place, explicit: bool = True) -> None:
        if _is_cjk(name):
            node = self._cjk
            for ch in name:
                node = node.setdefault(ch, {})
        else:
            toks = _tokens(name)
            # Only names made of Latin words and numbers are matched in running
            # text; mixed forms such as "14호 관리소" still resolve via lookup().
            if not toks or any(kind not in (_WORD, _NUMBER) for _, _, kind in toks) \
                    or toks[0][2] != _WORD:
                return
            self._latin_first_letters.add(name[0])
            node = self._latin
            for start, end, _ in toks:
                node = node.setdefault(_token_key(name[start:end]), {})
        if explicit or _END not in node:
            node[_END] = place.id

    # -- public API ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places.values())

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._places

    def get(self, place_id: str) -> Place:
        try:
            return self._places[place_id]
        except KeyError:
            raise KeyError(f"no place with id {place_id!r}") from None

    def lookup(self, name: str) -> Place | None:
        """The place a written name means, or None.

        Insensitive to case, diacritics, hyphens, apostrophes and spaces; a
        trailing suffix that fits the kind is dropped ("Shenyang City",
        "Liaoning Province", "辽宁省"). Never guesses between similar names.
        """
        key = _lookup_key(name or "")
        if key.startswith("the") and key not in self._lookup and key[3:] in self._lookup:
            key = key[3:]
        place_id = self._lookup.get(key)
        if place_id is not None:
            return self._places[place_id]
        for suffix_key, suffix in self._lookup_suffixes:
            if len(key) > len(suffix_key) and key.endswith(suffix_key):
                place_id = self._lookup.get(key[: -len(suffix_key)])
                if place_id is not None and suffix.fits(self._places[place_id]):
                    return self._places[place_id]
        return None

    def ancestors(self, place_id: str) -> list[Place]:
        """Containing places, nearest first (crossing → prefecture → province → country)."""
        out: list[Place] = []
        current = self.get(place_id)
        while current.parent is not None:
            current = self._places[current.parent]
            out.append(current)
        return out

    def within(self, child_id: str, ancestor_id: str) -> bool:
        """True when ``ancestor_id`` contains ``child_id`` (strictly: a place is not within itself)."""
        self.get(ancestor_id)
        return any(p.id == ancestor_id for p in self.ancestors(child_id))

    def province_of(self, place_id: str) -> Place | None:
        """The province (or province-level city) the place is in, itself if it is one."""
        for place in (self.get(place_id), *self.ancestors(place_id)):
            if place.kind == "province" or place.province_level:
                return place
        return None

    def country_of(self, place_id: str) -> Place | None:
        """The country entry for the place's country code, if the gazetteer has one."""
        code = self.get(place_id).country
        for place in (self.get(place_id), *self.ancestors(place_id)):
            if place.kind == "country" and place.country == code:
                return place
        return next((p for p in self._places.values() if p.kind == "country" and p.country == code), None)

    def match(self, text: str) -> list[PlaceMatch]:
        """Every place mentioned in ``text``, in order, never overlapping.

        Latin-script names must start with a capital letter and stand as whole
        words; later words of a name may be lower case ("Liaoning province").
        Han and Hangul names need no word boundary after them (Korean attaches
        particles: 혜산에서), and a Hangul name must start a run of Hangul.
        """
        out: list[PlaceMatch] = []
        done = 0  # end of the last match; later candidates must start after it
        latin = self._latin
        # The candidate regex is deliberately simple (a character class then
        # \w*): re scans for such a pattern in C far faster than for one with a
        # look-behind or groups; the finer checks are then made per candidate.
        for m in self._start_re.finditer(text):
            start = m.start()
            if start < done:
                continue
            first = text[start]
            if first in self._latin_starts:
                if start and (text[start - 1].isalnum() or unicodedata.combining(text[start - 1])):
                    continue  # inside a word ("McDonald")
                word, end = m.group(), m.end()
                if not word.isalpha() or text[end:end + 1] in _WORD_CONTINUES:
                    end = _WORD_RE.match(text, start).end()  # type: ignore[union-attr]
                    word = text[start:end]
                if _token_key(word) not in latin and text[end:end + 1] not in _HYPHENS:
                    continue  # the common case: a capitalised word that starts no name
                found = self._walk_latin(text, start, end)
                if found is not None:
                    m_end, place_id = found
                    out.append(PlaceMatch(start, m_end, text[start:m_end], self._places[place_id]))
                    done = m_end
            elif "\uac00" <= first <= "\ud7a3":
                run = _HANGUL_RE.match(text, start)
                self._match_cjk(text, start, run.end(), out, every_position=False)  # type: ignore[union-attr]
            else:
                run = _HAN_RE.match(text, start)
                if run is not None:
                    self._match_cjk(text, start, run.end(), out, every_position=True)
        return out

    def match_adjectives(self, text: str) -> list[PlaceMatch]:
        """Adjectival forms that name a place: "Lao police", "Thai authorities".

        Only the forms listed in an entry's ``adjectives`` (written with a
        capital, as a whole word) and only right before one of the data's
        ``adjective_nouns``: "Lao" alone may be a surname, and forms such as
        "Chinese" or "North Korean" describe nationality far more often than
        where something happened, so the data leaves them out. The match
        covers the adjective only.
        """
        if self._adjective_re is None:
            return []
        # the word-start test is made here: a pattern opening with a look-behind
        # makes ``re`` try every position of the text
        return [PlaceMatch(m.start(), m.end(), m.group(), self._places[self._adjectives[m.group()]])
                for m in self._adjective_re.finditer(text)
                if not m.start() or not (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_-")]

    # -- matcher internals ----------------------------------------------------------

    def _compile_adjectives(self, nouns: list[str]) -> None:
        self._adjectives = {form: place.id for place in self._places.values() for form in place.adjectives}
        if not self._adjectives or not nouns:
            self._adjective_re = None
            return
        forms = "|".join(re.escape(f) for f in sorted(self._adjectives, key=len, reverse=True))
        words = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
        self._adjective_re = re.compile(rf"(?:{forms})(?=[ \t\u00a0]+(?i:{words})\b)")

    def _compile_start(self) -> None:
        """One regex for every place a name can start: capitalised words whose
        first letter begins some name, and runs of Han or Hangul."""
        firsts: set[str] = set()
        for name in self._latin_first_letters:
            for ch in (name, name.upper(), unicodedata.normalize("NFD", name.upper())[0]):
                if ch.isupper():
                    firsts.add(ch)
        self._latin_starts = frozenset(firsts)
        letters = "".join(sorted(re.escape(ch) for ch in firsts))
        self._start_re = re.compile(rf"[{letters}{_HAN}{_HANGUL}]\w*")

    @staticmethod
    def _next(text: str, pos: int) -> tuple[str, int, int] | None:
        """The word or number right after ``pos`` and how it is joined: (gap, start, end)."""
        m = _STEP_RE.match(text, pos)
        if m is None:
            return None
        gap = m.group("gap")
        joint = "hyphen" if gap in _HYPHENS else "dot" if gap[0] == "." else "space"
        return joint, m.start("tok"), m.end("tok")

    def _walk_latin(self, text: str, start: int, end: int) -> tuple[int, str] | None:
        """Longest (end offset, place id) of a name starting with the word text[start:end]."""
        best: tuple[int, int, str] | None = None  # (end offset, explicit 1/0, place id)
        stack: list[tuple[dict[Any, Any], int, int]] = [(self._latin, start, end)]
        suffix_kinds = self._suffix_kinds
        while stack:
            node, t_start, t_end = stack.pop()
            key = _token_key(text[t_start:t_end])
            child = node.get(key)
            joinable = text[t_end:t_end + 1] in _JOINERS
            # Fast path, the usual case ("China has ..."): a name that nothing
            # can extend needs no look at the next word.
            if child is not None and (not joinable or (
                    len(child) == 1 and _END in child and text[t_end] not in _HYPHENS
                    and self._places[child[_END]].kind not in suffix_kinds)):
                place_id = child.get(_END)
                if place_id is not None and (best is None or t_end > best[0]):
                    best = (t_end, 1, place_id)
                continue
            after = self._next(text, t_end) if joinable else None
            steps = []
            if child is not None:
                steps.append((child, t_end, key, after))
            if after is not None and after[0] == "hyphen":  # "Sin-uiju" written for "Sinuiju"
                merged = node.get(key + _token_key(text[after[1]:after[2]]))
                if merged is not None:
                    steps.append((merged, after[2], _token_key(text[after[1]:after[2]]),
                                  self._next(text, after[2])))
            for child, last_end, last_key, following in steps:
                place_id = child.get(_END)
                if place_id is not None:
                    place = self._places[place_id]
                    candidate = last_end
                    if place.kind in suffix_kinds:
                        candidate = self._with_suffix(text, last_end, following, place)
                    score = (candidate, 1 if candidate == last_end else 0, place_id)
                    if best is None or score[:2] > best[:2]:
                        best = score
                if following is not None and len(child) > (_END in child) and (
                        following[0] in ("space", "hyphen")
                        or (following[0] == "dot" and last_key == "no")):
                    stack.append((child, following[1], following[2]))
        return None if best is None else (best[0], best[2])

    def _with_suffix(self, text: str, end: int, following: tuple[str, int, int] | None,
                     place: Place) -> int:
        """End offset once a fitting suffix ("Province", "City") is taken in."""
        if following is None or following[0] not in ("space", "hyphen"):
            return end
        joint, s_start, s_end = following
        for suffix in self._suffix_first.get(_token_key(text[s_start:s_end]), ()):
            if not suffix.fits(place) or (suffix.hyphen_only and joint != "hyphen"):
                continue
            last = s_end
            for key in suffix.keys[1:]:
                nxt = self._next(text, last)
                if nxt is None or nxt[0] != "space" or _token_key(text[nxt[1]:nxt[2]]) != key:
                    break
                last = nxt[2]
            else:
                return last
        return end

    def _match_cjk(self, text: str, start: int, end: int, out: list[PlaceMatch], every_position: bool) -> None:
        root = self._cjk
        p = start
        while p < end:
            node = root.get(text[p])
            found = None
            q = p
            while node is not None:
                q += 1
                if _END in node:
                    found = (q, node[_END])
                if q >= end:
                    break
                node = node.get(text[q])
            if found is not None:
                out.append(PlaceMatch(p, found[0], text[p:found[0]], self._places[found[1]]))
                p = found[0]
                if not every_position:
                    return
                continue
            if not every_position:
                return
            p += 1

# --- the project's gazetteer -----------------------------------------------------

@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer from ``model/data/gazetteer.json``, validated, built once per process."""
    path = resources.files("refwatch.model") / "data" / "gazetteer.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return Gazetteer(data["places"], data.get("suffixes", ()), data.get("cjk_suffixes", ()),
                     data.get("adjective_nouns", ()))


def place_ref(place: Place, text: str) -> PlaceRef:
    """A record's reference to ``place`` as written ``text``, with its map precision."""
    precision = place.precision or vocab.load("place_kinds")[place.kind]["precision"]
    return PlaceRef(name=place.name, kind=place.kind, country=place.country, lat=place.lat,
                    lon=place.lon, text=text, precision=precision, place_id=place.id)
