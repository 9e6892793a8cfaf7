"""The public export of events as the resolve step produces them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from refwatch.model.records import Claim, Count, DateRange, PlaceRef, Span, Victim
from refwatch.publish.export import render_public

resolve_events = pytest.importorskip("refwatch.resolve.events")

QUOTED = ["Stephen Kim", "Seok Shin", "Phil Robertson"]
VICTIMS = ["Kim Cheol Ok", "Choi", "Kang"]


def _claims() -> list[Claim]:
    crossing = PlaceRef("Tumen", "crossing", "CN", 42.97, 129.84, "Tumen", 1, "cn-tumen")
    city = PlaceRef("Shenyang", "city", "CN", 41.8, 123.43, "Shenyang", 2, "cn-shenyang")
    return [
        Claim("repatriation", DateRange(date(2023, 10, 9), date(2023, 10, 9), "9 October", "day"),
              [crossing], Count(600, "exact", 600, 600, "persons", "600"),
              [Victim("Kim Cheol Ok", "Kim Cheol Ok")], ["Transitional Justice Working Group", "Stephen Kim"],
              [Span(0, 44, "Kim Cheol Ok was among the 600 sent back")], 0.9, document_sha256="a" * 64),
        Claim("arrest", DateRange(date(2023, 4, 1), date(2023, 4, 30), "in April", "month"),
              [crossing], Count(1, "exact", 1, 1, "persons", "she"),
              [Victim("Kim Cheol Ok", "Kim Cheol Ok")], ["Seok Shin"],
              [Span(0, 30, "Kim Cheol Ok was arrested in April")], 0.8, document_sha256="a" * 64),
        Claim("arrest", DateRange(date(2023, 4, 12), date(2023, 4, 12), "12 April", "day"),
              [city], Count(2, "exact", 2, 2, "persons", "two"),
              [Victim("Choi", "Choi"), Victim("Kang", "Kang", relation="uncle of Choi")],
              ["Human Rights Watch", "Phil Robertson"],
              [Span(0, 40, "Choi and her uncle Kang were arrested")], 0.8, document_sha256="b" * 64),
    ]


@pytest.mark.parametrize("fmt", ["json", "csv", "geojson"])
def test_public_export_of_resolved_events_names_no_one(fmt):
    from refwatch.model.gazetteer import load_gazetteer

    events = [resolve_events.event_to_dict(e) for e in resolve_events.resolve_events(_claims())]
    assert any(e["victims"] for e in events)  # the input does name people
    text = render_public(events, fmt, load_gazetteer())
    for name in VICTIMS + QUOTED + ["uncle", "arrested"]:
        assert name not in text, name
    if fmt == "json":
        public = json.loads(text)["events"]
        assert {p["name"] for e in public if e["coarsened"] for p in e["places"]} <= {"Jilin", "Liaoning"}
        assert any(p["name"] == "Tumen" for e in public if not e["coarsened"] for p in e["places"])
