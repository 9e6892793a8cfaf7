"""Reconcile the date ranges several claims give for one event.

When every pair of ranges overlaps (for intervals on a line that is the same as
all of them sharing a common part) the event is dated to the intersection: the
narrowest range every source allows ("October 2023" and "9 October" give
9 October). When they do not, the event gets the union (earliest start to latest
end) and ``disagree`` is set, so a reader sees the spread instead of a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from refwatch.model.records import DateRange


@dataclass
class ReconciledDate:
    earliest: date | None
    latest: date | None
    precision: str
    disagree: bool = False
    texts: tuple[str, ...] = ()

    def as_range(self) -> DateRange:
        return DateRange(self.earliest, self.latest, text="; ".join(self.texts), precision=self.precision)


def precision_of(earliest: date | None, latest: date | None) -> str:
    """day, month, year, range or unknown — the finest unit the range fits in."""
    if earliest is None or latest is None:
        return "unknown"
    if earliest == latest:
        return "day"
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        return "month"
    if earliest.year == latest.year:
        return "year"
    return "range"


def span_days(rng: DateRange) -> float:
    if rng.earliest is None or rng.latest is None:
        return float("inf")
    return (rng.latest - rng.earliest).days + 1


def reconcile_dates(ranges: Iterable[DateRange]) -> ReconciledDate:
    """Intersection of compatible ranges; union with ``disagree`` when they conflict."""
    ranges = [r for r in ranges if r is not None and (r.earliest or r.latest)]
    texts = tuple(dict.fromkeys(r.text for r in ranges if r.text))
    if not ranges:
        return ReconciledDate(None, None, "unknown", texts=texts)
    starts = [r.earliest for r in ranges if r.earliest]
    ends = [r.latest for r in ranges if r.latest]
    lo, hi = (max(starts) if starts else None), (min(ends) if ends else None)
    if lo is None or hi is None or lo <= hi:
        return ReconciledDate(lo, hi, precision_of(lo, hi), texts=texts)
    lo, hi = (min(starts) if len(starts) == len(ranges) else None), (max(ends) if len(ends) == len(ranges) else None)
    return ReconciledDate(lo, hi, precision_of(lo, hi), disagree=True, texts=texts)
