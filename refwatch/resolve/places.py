"""Place identity and containment for resolution, over the shared gazetteer.

``refwatch.model.gazetteer`` (another area) knows that the Tumen crossing lies
in Jilin. Until it is importable, or for a name it does not know, places are
compared by their normalised name only, which is conservative: two different
names are then never taken as one place, nor as containing each other.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from refwatch.model.records import PlaceRef

# Names that say nothing about where inside a country something happened.
UNINFORMATIVE = frozenset({"china", "prc", "north korea", "dprk", "korea", "the border",
                           "border", "south korea", "republic of korea"})


@lru_cache(maxsize=1)
def _gazetteer() -> Any | None:
    try:
        from refwatch.model.gazetteer import load_gazetteer  # type: ignore[import-not-found]

        return load_gazetteer()
    except Exception:  # not written yet, or its data failed to load: fall back to names
        return None


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().replace("'", "").replace("’", "").split())


def _entry_id(entry: Any) -> str | None:
    if entry is None:
        return None
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict):
        return entry.get("id")
    return getattr(entry, "id", None)


@lru_cache(maxsize=100_000)
def _lookup_id(name: str) -> str | None:
    gaz = _gazetteer()
    if gaz is None:
        return None
    try:
        return _entry_id(gaz.lookup(name))
    except Exception:
        return None


def place_key(place: PlaceRef) -> str | None:
    """A stable key for a place: gazetteer id when known, else ``name:<normalised>``.

    None for names that carry no information (a whole country, "the border").
    """
    name = _norm(place.name or place.text)
    if not name or name in UNINFORMATIVE:
        return None
    if place.place_id:
        return place.place_id
    return _lookup_id(place.name) or f"name:{name}"


@lru_cache(maxsize=200_000)
def related(a: str, b: str) -> bool:
    """Same place, one within the other (a crossing within its province), or the
    two ends of one border crossing (Dandong and Sinuiju)."""
    if a == b:
        return True
    if a.startswith("name:") or b.startswith("name:"):
        return False
    gaz = _gazetteer()
    if gaz is None:
        return False
    try:
        if gaz.within(a, b) or gaz.within(b, a):
            return True
        pa, pb = gaz.get(a), gaz.get(b)
        return getattr(pa, "pair", None) == b or getattr(pb, "pair", None) == a
    except Exception:
        return False


def shared_places(a: frozenset[str], b: frozenset[str]) -> int:
    """How many places of ``a`` are the same as, inside or around a place of ``b``."""
    if not a or not b:
        return 0
    if a & b and len(a) + len(b) < 4:
        return len(a & b)
    return sum(1 for x in a if any(related(x, y) for y in b))
