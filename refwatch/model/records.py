"""The records every part of Refwatch passes around, declared once.

Plain dataclasses: the core (capture, extract, resolve, analysis) builds and
reads these; ``store`` maps them to tables; adapters serialise them with
``to_dict``. Dates are ``datetime.date``; ranges are inclusive.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


def to_dict(obj: Any) -> Any:
    """JSON-ready form of a record (dates as ISO strings, None kept)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, bytes):
        return None
    return obj


# --- capture -----------------------------------------------------------------

@dataclass
class CapturedDocument:
    """One document as a reader produced it, before it is stored.

    ``original`` holds the exact bytes whose SHA-256 is the identity. For
    container formats (WARC, feeds, CSV) each item is its own document and
    ``original`` is the item's own bytes; ``container_sha256`` names the file
    it came out of.
    """

    sha256: str
    original: bytes
    text: str
    kind: str  # article, report, testimony, feed_item, web_capture, pdf, text, csv_row
    filename: str | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: date | None = None
    language: str | None = None
    encoding: str | None = None
    media_type: str | None = None
    source: str | None = None
    container_sha256: str | None = None
    flags: list[str] = field(default_factory=list)  # e.g. "no_text_layer"
    metadata: dict[str, Any] = field(default_factory=dict)


# --- extraction ----------------------------------------------------------------

@dataclass
class Span:
    """Character offsets into a document's plain text; ``text == doc[start:end]``."""

    start: int
    end: int
    text: str


@dataclass
class DateRange:
    earliest: date | None
    latest: date | None
    text: str = ""
    precision: str | None = None  # day, month, year, range, unknown
    edtf: str | None = None

    def overlaps(self, other: "DateRange") -> bool:
        lo1, hi1 = self.earliest or date.min, self.latest or date.max
        lo2, hi2 = other.earliest or date.min, other.latest or date.max
        return lo1 <= hi2 and lo2 <= hi1


@dataclass
class Count:
    best: int | None
    qualifier: str
    low: int | None
    high: int | None
    unit: str = "persons"  # persons | cases
    text: str = ""


@dataclass
class PlaceRef:
    name: str
    kind: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    text: str = ""
    precision: int | None = None  # UCDP-style: 1 exact .. 4 province .. 6 country
    place_id: str | None = None


@dataclass
class Victim:
    name: str
    text: str = ""
    sex: str | None = None
    age: int | None = None
    relation: str | None = None  # e.g. "uncle of Choi"


@dataclass
class Claim:
    """One event asserted by one document (the extractor's output unit)."""

    type: str
    date: DateRange
    places: list[PlaceRef] = field(default_factory=list)
    count: Count | None = None
    victims: list[Victim] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    evidence: list[Span] = field(default_factory=list)
    confidence: float = 0.5
    aggregate: bool = False  # a total over a period ("51 instances"), not one incident
    share_women: float | None = None
    perpetrators: list[str] = field(default_factory=list)
    source_connection: str | None = None
    extractor: str | None = None
    document_sha256: str | None = None
    review_state: str = "suggested"  # suggested, accepted, edited, rejected
