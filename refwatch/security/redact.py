"""Redaction for public output and pseudonyms for researchers.

The policy lives in one file, ``model/data/redaction_policy.json``. Public
events are rebuilt from an allow-list of fields, so a field someone adds to
events later is withheld until the policy names it. On top of the allow-list:

* no victims, evidence text, contacts or free ``text`` fields;
* a source is kept only if it is a known organisation or reads like one
  (and never if it contains a victim's name); quoted people become a count;
* when an event concerns fewer than ``min_people_for_exact_place`` people, or
  how many is unknown, its places are coarsened to the province (to the
  country when the province is unknown) and its dates to the month.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import Any, Mapping, Protocol

from refwatch.model import vocab
from refwatch.security.crypto import blind_index


class RedactionError(Exception):
    """Public output would contain a protected value (the value is not echoed)."""


class Gazetteer(Protocol):
    def province_of(self, place_id: str) -> Any: ...


def policy() -> dict[str, Any]:
    return vocab.load("redaction_policy")


def people_concerned(event: Mapping[str, Any]) -> int | None:
    """The smallest figure the event gives for how many people it concerns.

    Conservative: the low bound when there is one, else the best figure, else
    the number of named victims; None when nothing says.
    """
    count = event.get("count") or {}
    for key in ("low", "best"):
        value = count.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    victims = event.get("victims") or []
    return len(victims) or None


def is_small(event: Mapping[str, Any], pol: Mapping[str, Any] | None = None) -> bool:
    pol = pol or policy()
    n = people_concerned(event)
    return n is None or n < int(pol["min_people_for_exact_place"])


def victim_names(event: Mapping[str, Any]) -> set[str]:
    """Every name the event's victims carry (name, text, aliases, hangul)."""
    names: set[str] = set()
    for victim in event.get("victims") or []:
        if isinstance(victim, str):
            names.add(victim)
            continue
        for key in ("name", "text", "hangul", "romanised"):
            if isinstance(victim.get(key), str):
                names.add(victim[key])
        for alias in victim.get("aliases") or []:
            if isinstance(alias, str):
                names.add(alias)
    return {n.strip() for n in names if n and n.strip()}


def _name_pattern(names: set[str]) -> re.Pattern[str] | None:
    """Word-bounded, case-insensitive pattern for names and their parts."""
    parts: set[str] = set()
    for name in names:
        parts.add(name)
        parts.update(p for p in re.split(r"[\s\-]+", name) if len(p) >= 3)
    if not parts:
        return None
    alternatives = "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _norm(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def public_source(source: str, pol: Mapping[str, Any], names: re.Pattern[str] | None) -> bool:
    """Keep a source only if it is, or reads like, an organisation, and names no victim."""
    if not isinstance(source, str) or not source.strip():
        return False
    if names is not None and names.search(source):
        return False
    text = _norm(source)
    if text in _known_organisations(tuple(pol["public_sources"])):
        return True
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text) for w in pol["organisation_words"])


@lru_cache(maxsize=8)
def _known_organisations(extra: tuple[str, ...]) -> frozenset[str]:
    """The policy's list plus every name and alias in model/data/organisations.json."""
    names = set(extra)
    try:
        for org in vocab.load("organisations").get("organisations", []):
            names.add(org.get("name", ""))
            names.update(org.get("aliases", []))
    except FileNotFoundError:
        pass
    return frozenset(_norm(n) for n in names if n)


def _pick(obj: Mapping[str, Any] | None, fields: list[str]) -> dict[str, Any]:
    return {k: obj[k] for k in fields if obj and k in obj}


def _as_place(entry: Any, fields: list[str]) -> dict[str, Any] | None:
    if entry is None:
        return None
    get = entry.get if isinstance(entry, Mapping) else (lambda k, d=None: getattr(entry, k, d))
    place = {"name": get("name"), "kind": get("kind") or "province", "country": get("country"),
             "lat": get("lat"), "lon": get("lon"), "place_id": get("place_id") or get("id"),
             "precision": vocab.load("place_kinds").get("province", {}).get("precision", 4)}
    return {k: place[k] for k in fields if k in place}


def coarsen_place(place: Mapping[str, Any], gazetteer: Gazetteer | None,
                  pol: Mapping[str, Any]) -> dict[str, Any]:
    """The place at province level (country level when the province is unknown)."""
    fields = pol["place_fields"]
    if place.get("kind") in ("province", "country", "region"):
        return _pick(place, fields)
    province = None
    if gazetteer is not None:
        place_id = place.get("place_id")
        lookup = getattr(gazetteer, "lookup", None)
        if not place_id and lookup is not None and isinstance(place.get("name"), str):
            found = lookup(place["name"])  # an unresolved name: let the gazetteer try
            place_id = getattr(found, "id", None)
        try:
            province = gazetteer.province_of(place_id) if place_id else None
        except (LookupError, ValueError):  # unknown id: fall back to the country
            province = None
    coarse = _as_place(province, fields)
    if coarse and coarse.get("name"):
        return coarse
    country_precision = vocab.load("place_kinds").get("country", {}).get("precision", 6)
    return {k: v for k, v in {"name": place.get("country") or "unknown", "kind": "country",
                              "country": place.get("country"), "lat": None, "lon": None,
                              "place_id": None, "precision": country_precision}.items() if k in fields}


def _month_bounds(value: str | None, end: bool) -> str | None:
    if not value:
        return value
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:  # the message would quote the value
        raise RedactionError("an event date is not an ISO date (YYYY-MM-DD)") from None
    if end:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1]).isoformat()
    return day.replace(day=1).isoformat()


def coarsen_date(when: Mapping[str, Any], pol: Mapping[str, Any]) -> dict[str, Any]:
    out = _pick(when, pol["date_fields"])
    if pol.get("small_event_date_precision") == "month":
        out["earliest"] = _month_bounds(out.get("earliest"), end=False)
        out["latest"] = _month_bounds(out.get("latest"), end=True)
        if out.get("precision") == "day":
            out["precision"] = "month"
        out.pop("edtf", None)
    return out


def redact_event(event: Mapping[str, Any], gazetteer: Gazetteer | None = None,
                 pol: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A public copy of one resolved event: allow-listed fields, no one named."""
    pol = pol or policy()
    names = _name_pattern(victim_names(event))
    small = is_small(event, pol)
    out: dict[str, Any] = {k: event[k] for k in pol["event_fields"]
                           if k in event and k not in ("date", "places", "count", "sources")}
    out["date"] = (coarsen_date(event.get("date") or {}, pol) if small
                   else _pick(event.get("date"), pol["date_fields"]))
    places = [p for p in event.get("places") or [] if isinstance(p, Mapping)]
    if small:
        coarse = [coarsen_place(p, gazetteer, pol) for p in places]
        places_out = [p for i, p in enumerate(coarse) if p not in coarse[:i]]  # drop duplicates
    else:
        places_out = [_pick(p, pol["place_fields"]) for p in places]
    out["places"] = places_out
    out["count"] = _pick(event.get("count"), pol["count_fields"]) if event.get("count") else None
    sources = [s for s in event.get("sources") or [] if isinstance(s, str)]
    kept = [s for s in sources if public_source(s, pol, names)]
    out["sources"] = kept
    out["sources_withheld"] = len(sources) - len(kept)
    out["coarsened"] = small
    if names is not None:
        _assert_clean(out, names)
    return out


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def _assert_clean(obj: Any, names: re.Pattern[str]) -> None:
    """Defence in depth: refuse output in which a victim's name survived."""
    for text in _strings(obj):
        if names.search(text):
            raise RedactionError("a protected name survived redaction; output refused")


def assert_no_names(obj: Any, events: list[Mapping[str, Any]]) -> None:
    """Check a whole public output against every victim name of the input events."""
    names: set[str] = set()
    for event in events:
        names |= victim_names(event)
    pattern = _name_pattern(names)
    if pattern is not None:
        _assert_clean(obj, pattern)


# --- researchers ----------------------------------------------------------------

def pseudonym(key: bytes, person: Mapping[str, Any]) -> str:
    """Stable pseudonym: a keyed hash of the person's id (of the name if no id).

    Without the data key a pseudonym cannot be linked back to anyone; with the
    same key the same person always gets the same pseudonym.
    """
    ident = person.get("id")
    basis = f"id:{ident}" if ident is not None else "name:" + _norm(_primary_name(person))
    return "P-" + blind_index(key, basis)[:12].upper()


def _primary_name(person: Mapping[str, Any]) -> str:
    names = person.get("names")
    if isinstance(names, list) and names:
        first = names[0]
        return first if isinstance(first, str) else str(first.get("name", ""))
    return str(person.get("name") or "")


def birth_decade(year: Any) -> str | None:
    if isinstance(year, int) and not isinstance(year, bool):
        return f"{year // 10 * 10}s"
    return None


def pseudonymise(person: Mapping[str, Any], key: bytes) -> dict[str, Any]:
    """A person as researchers see it: pseudonym, sex, birth decade, status, events."""
    return {
        "pseudonym": pseudonym(key, person),
        "sex": person.get("sex"),
        "birth_decade": birth_decade(person.get("birth_year")),
        "status": person.get("status"),
        "risk_level": person.get("risk_level"),
        "event_ids": list(person.get("event_ids") or []),
    }
