"""Statistics over resolved events and people, never more precise than the sources.

* Each event is counted once, in one row. Each person is counted once per row
  (``named_people`` counts distinct person records, not mentions).
* People counts are summed from the events' reconciled low / best / high (unit
  persons). An unknown high makes the row's high unknown (None), never zero.
* Aggregates ("51 instances over a year") are reported beside incidents, in
  their own columns, and never added to them: they may cover the same people.
* By month, an event goes to its month only when its dates fit inside one
  month; one dated only to a year goes to the row ``"2023 (undated within
  year)"``; one spanning years goes to ``"undated"``. By place, an event goes to
  its single place, or to ``"several places"`` when it names more than one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Sequence

UNDATED = "undated"
SEVERAL = "several places"
NO_PLACE = "place unknown"


def _bucket(event: Any, by: str) -> str:
    d = event.date
    if by == "type":
        return event.type
    if by == "place":
        names = list(dict.fromkeys(p.name for p in event.places))
        return names[0] if len(names) == 1 else SEVERAL if names else NO_PLACE
    if d.earliest is None or d.latest is None or d.earliest.year != d.latest.year:
        return UNDATED
    if by == "year":
        return str(d.earliest.year)
    if by == "month":
        if d.earliest.month == d.latest.month:
            return f"{d.earliest.year}-{d.earliest.month:02d}"
        return f"{d.earliest.year} (undated within year)"
    raise ValueError(f"unknown grouping {by!r}; use month, year, place or type")


def _add(total: int | None, value: int | None) -> int | None:
    return None if total is None or value is None else total + value


def stats(events: Iterable[Any], people: Sequence[Any] = (), by: str = "month") -> list[dict[str, Any]]:
    """Rows ``{key, events, people_low, people_best, people_high, named_people,
    aggregates, aggregate_low, aggregate_best, aggregate_high}`` sorted by key."""
    events = list(events)
    person_events: dict[str, set[str]] = defaultdict(set)
    for p in people:
        for e in p.event_ids:
            person_events[e].add(p.id)
    rows: dict[str, dict[str, Any]] = {}
    for e in events:
        key = _bucket(e, by)
        row = rows.setdefault(key, {"key": key, "events": 0, "people_low": 0, "people_best": 0,
                                    "people_high": 0, "named": set(), "aggregates": 0,
                                    "aggregate_low": 0, "aggregate_best": 0, "aggregate_high": 0})
        named = person_events.get(e.id, set())
        row["named"] |= named
        c = e.count
        low, best, high = (c.low, c.best, c.high) if c.unit == "persons" else (None, None, None)
        if low is None and best is None and high is None and named:  # only named victims known
            low = best = len(named)
        prefix = "aggregate" if e.aggregate else "people"
        row["aggregates" if e.aggregate else "events"] += 1
        row[f"{prefix}_low"] += low or 0
        row[f"{prefix}_best"] += best if best is not None else (low or 0)
        row[f"{prefix}_high"] = _add(row[f"{prefix}_high"], high)
    out = []
    for key in sorted(rows):
        row = rows[key]
        row["named_people"] = len(row.pop("named"))
        out.append(row)
    return out
