"""Reconcile the figures several claims give for one event, in the UCDP manner.

Each claim's count becomes an interval of what its source asserts:

=============  ==================  ==========================================
qualifier      interval            e.g.
=============  ==================  ==========================================
exact N        N .. N              "600"
at_least N     N .. open           "at least 92"
more_than N    N+1 .. open         "over 500"
up_to N        unknown .. N        "up to 600", "as many as 1,500"
nearly N       unknown .. N        "nearly 50"
about N        open .. open        "an estimated 300" (compatibility ±25 %)
between L H    L .. H              "50 to 60"
vague          floor .. open       "hundreds" (floor 200); never a best figure
=============  ==================  ==========================================

The rule (``RULE`` below, also stored on every result):

* **low** is the lowest lower figure any source gives (as UCDP's low estimate
  is the lowest credible figure): "600", "up to 600" and "over 500" give 501.
* **high** is the highest upper figure any source gives: 600. A source with no
  upper figure ("over 500") does not raise it; when nobody gives an upper
  figure, high stays unknown (None) rather than becoming a number.
* **best** is the exact figure cited by the most claims that lies within
  [low, high] (ties: the lower, the conservative choice); else the most cited
  "about" estimate; else the most cited stated figure of an "at least", "over",
  "up to" or "nearly" claim, keeping its qualifier in ``best_qualifier``; best
  is then moved inside [low, high] ("over 500" alone gives best 501).
  Vague words ("hundreds", "dozens") never become a best figure.
* **conflicts**: the point supported by the most claims' intervals is found;
  every claim whose interval does not contain it is listed as a conflict with
  source, figure, qualifier and document, and ``conflict`` is set. Conflicting
  figures still take part in low and high, so the low figure stays visible.

Claims in ``cases`` (instances) are never mixed with ``persons``: persons are
reconciled when any claim gives persons, else cases.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from refwatch.model.records import Claim, Count

RULE = ("low = lowest lower figure of any source; high = highest upper figure "
        "(unknown when no source gives one); best = most-cited exact figure within "
        "[low, high], else most-cited estimate, else most-cited stated bound; "
        "vague words give no best; figures outside the best-supported value are conflicts")

ABOUT_TOLERANCE = 0.25
VAGUE_FLOORS = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "tens": 20}


@dataclass
class Reconciled:
    low: int | None
    best: int | None
    high: int | None
    rule: str = RULE
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    unit: str = "persons"
    best_qualifier: str | None = None
    figures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def conflict(self) -> bool:
        return bool(self.conflicts)


def bounds(count: Count) -> tuple[int | None, int | None]:
    """(lower, upper) figure a count asserts; None where it asserts nothing."""
    q, n = count.qualifier, count.best
    if q == "exact":
        return (count.low if count.low is not None else n), (count.high if count.high is not None else n)
    if q == "at_least":
        return (count.low if count.low is not None else n), None
    if q == "more_than":
        return (count.low if count.low is not None else (n + 1 if n is not None else None)), None
    if q in ("up_to", "nearly"):
        return None, (count.high if count.high is not None else n)
    if q == "about":  # an estimate bounds nothing (DESIGN: about → open)
        return None, None
    if q == "between":
        return count.low, count.high
    if q == "vague":
        floor = count.low if count.low is not None else VAGUE_FLOORS.get(count.text.strip().lower())
        return floor, None
    return count.low, count.high


def interval(count: Count) -> tuple[float, float]:
    """Interval used to test compatibility (an "about" figure is taken loosely)."""
    lo, hi = bounds(count)
    if count.qualifier == "about" and count.best is not None:
        lo = count.best * (1 - ABOUT_TOLERANCE)
        hi = count.best * (1 + ABOUT_TOLERANCE)
    return (float(lo) if lo is not None else 0.0), (float(hi) if hi is not None else float("inf"))


def compatible(a: Count | None, b: Count | None) -> bool:
    """True when two counts could describe the same number of people (or unknown)."""
    if a is None or b is None or a.unit != b.unit:
        return True
    lo1, hi1 = interval(a)
    lo2, hi2 = interval(b)
    return lo1 <= hi2 and lo2 <= hi1


def _most_cited(values: Iterable[int]) -> int | None:
    tally = Counter(values)
    if not tally:
        return None
    return min(tally, key=lambda v: (-tally[v], v))


def _best_point(intervals: list[tuple[float, float]]) -> float | None:
    """The value contained in the most intervals (the sources' consensus)."""
    if not intervals:
        return None
    edges = sorted({lo for lo, _ in intervals} | {hi for _, hi in intervals if hi != float("inf")})
    best, best_n = None, -1
    for x in edges:
        n = sum(1 for lo, hi in intervals if lo <= x <= hi)
        if n > best_n:
            best, best_n = x, n
    return best


def reconcile_counts(claims: Iterable[Claim]) -> Reconciled:
    """Low, best and high for the figures the claims give; see the module docstring."""
    counted = [c for c in claims if c.count is not None]
    unit = "persons" if any(c.count.unit == "persons" for c in counted) or not counted else "cases"
    counted = [c for c in counted if c.count.unit == unit]
    lowers, uppers, exact, about, stated = [], [], [], [], []
    figures = []
    for claim in counted:
        count = claim.count
        lo, hi = bounds(count)
        if lo is not None:
            lowers.append(lo)
        if hi is not None:
            uppers.append(hi)
        if count.qualifier == "exact" and count.best is not None:
            exact.append(count.best)
        elif count.qualifier == "about" and count.best is not None:
            about.append(count.best)
        elif count.qualifier != "vague" and count.best is not None:
            stated.append((count.best, count.qualifier))
        figures.append(_figure(claim))
    low = min(lowers) if lowers else None
    high = max(uppers) if uppers else None
    if low is not None and high is not None and high < low:
        high = low  # sources contradict each other; the conflict list says so

    def inside(v: int) -> bool:
        return (low is None or v >= low) and (high is None or v <= high)

    best, best_q = _most_cited(v for v in exact if inside(v)), "exact"
    if best is None:
        best, best_q = _most_cited(about), "about"
    if best is None and stated:
        best = _most_cited(v for v, _ in stated)
        best_q = next(q for v, q in stated if v == best)
    if best is None:
        best_q = None
    elif low is not None and best < low:  # "over 500" alone: best is 501, never below low
        best = low
    elif high is not None and best > high:
        best = high

    point = _best_point([interval(c.count) for c in counted])
    conflicts = []
    if point is not None:
        for claim in counted:
            lo, hi = interval(claim.count)
            if not lo <= point <= hi:
                conflicts.append(_figure(claim))
    return Reconciled(low=low, best=best, high=high, conflicts=conflicts, unit=unit,
                      best_qualifier=best_q, figures=figures)


def _figure(claim: Claim) -> dict[str, Any]:
    count = claim.count
    return {"source": ", ".join(claim.sources) or None, "figure": count.best,
            "qualifier": count.qualifier, "text": count.text,
            "document": claim.document_sha256}
