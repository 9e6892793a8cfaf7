"""Vocabularies declared as data (one JSON file each under model/data)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """Return the vocabulary stored in ``model/data/<name>.json``."""
    path = resources.files("refwatch.model") / "data" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def event_types() -> tuple[str, ...]:
    return tuple(load("event_types"))


@lru_cache(maxsize=256)
def event_class(event_type: str) -> str:
    """Coarse class used for blocking and scoring (arrest and detention are one).

    Cached: event assembly asks tens of times per document, and the answer
    only depends on the (loaded once) data.
    """
    return load("event_types").get(event_type, {}).get("class", event_type)


def qualifiers() -> tuple[str, ...]:
    return tuple(load("qualifiers"))


def place_kinds() -> tuple[str, ...]:
    return tuple(load("place_kinds"))


def roles() -> tuple[str, ...]:
    return tuple(load("roles"))


def role_rank(role: str) -> int:
    return load("roles")[role]["rank"]
