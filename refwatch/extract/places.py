"""Places: the gazetteer matcher as a pipeline component.

Needs: ``doc._.sentences`` (to leave out boilerplate). Adds: ``doc._.places``
(list of :class:`PlaceMention`, each holding a :class:`PlaceRef` with the
words as written). Adjectival forms the gazetteer lists ("Lao police",
"Thai authorities") count as mentions of their country.

The gazetteer (``refwatch.model.gazetteer``) is data with name variants in
both romanisations, hangul and hanzi; it is loaded once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from refwatch.extract.scan import guarded
from refwatch.extract.sentences import doc_text, set_ext
from refwatch.model.records import PlaceRef

__all__ = ["PlaceMention", "find_places", "places_component"]


@dataclass(slots=True)
class PlaceMention:
    start: int
    end: int
    text: str
    ref: PlaceRef


@lru_cache(maxsize=1)
def _gazetteer() -> Any:
    from refwatch.model.gazetteer import load_gazetteer

    return load_gazetteer()


def find_places(text: str) -> list[PlaceMention]:
    """Every gazetteer place named in ``text``."""
    from refwatch.model.gazetteer import place_ref

    gazetteer = _gazetteer()
    matches = gazetteer.match(text)
    adjectives = gazetteer.match_adjectives(text)
    if adjectives:  # "Lao police": kept where no name match covers it
        taken = [(m.start, m.end) for m in matches]
        matches = sorted(matches + [a for a in adjectives
                                    if not any(s < a.end and a.start < e for s, e in taken)],
                         key=lambda m: m.start)
    out = [PlaceMention(m.start, m.end, m.text, place_ref(m.place, m.text)) for m in matches]
    if "entre " in text or "enter " in text:
        out = _centre_at(text, gazetteer, out, place_ref)
    return out


# "the holding centre at Nongpo": the named centre, written the other way round.
# Scanned with ``guarded``: the search skips ahead to "h" and "d" instead of trying every position.
_CENTRE_AT = guarded(r"\b(holding|detention)\s+cent(?:re|er)\s+(?:at|in)\s+([A-Z][a-z]+)\b")


def _centre_at(text: str, gazetteer: Any, out: list[PlaceMention], place_ref: Any) -> list[PlaceMention]:
    """Add the North Korean holding centre of "the holding centre at X" when the gazetteer names "X Holding Centre"."""
    added = []
    for m in _CENTRE_AT.finditer(text):
        if any(p.start <= m.start() < p.end for p in out):
            continue
        name = f"{m.group(2)} {m.group(1).capitalize()} Centre"
        hit = [g for g in gazetteer.match(name) if g.start == 0 and g.end == len(name)]
        if len(hit) == 1 and hit[0].place.kind == "detention_centre" and hit[0].place.country == "KP":
            added.append(PlaceMention(m.start(), m.end(), m.group(0), place_ref(hit[0].place, m.group(0))))
    return sorted(out + added, key=lambda p: p.start) if added else out


@Language.component("refwatch_places", assigns=["doc._.places"], requires=["doc._.sentences"])
def places_component(doc: Doc) -> Doc:
    set_ext(doc, "places", find_places(doc_text(doc)))
    return doc
