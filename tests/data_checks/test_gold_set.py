"""Keep the hand-annotated extraction test set (tests/data) well-formed.

The set is the yardstick the extractor is measured against, so a typo in it
(a date that does not exist, a type outside the vocabulary, evidence that is
not in the text) would silently distort every score. These checks catch that.
"""

from __future__ import annotations

import importlib.util
import json
import re
from datetime import date
from pathlib import Path

import pytest

from refwatch.model import vocab

DATA = Path(__file__).resolve().parents[1] / "data"
REPORTS = DATA / "reports"
GOLD = DATA / "gold.jsonl"
SCORER = Path("/work/shared/tools/score_extraction.py")

# A place in the gold is written as a gazetteer's canonical English name:
# plain Latin letters, no administrative suffix ("Liaoning", not "Liaoning Province").
PLAIN_PLACE = re.compile(r"^[A-Z][A-Za-z'.]*(?:[ -][A-Za-z0-9'.]+)*$")
SUFFIXES = {"province", "city", "county", "prefecture", "district", "region"}
UNITS = {"persons", "cases"}
VAGUE_OR_RANGE = {"vague", "between"}


def _gold() -> list[dict]:
    with GOLD.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _events() -> list[tuple[dict, dict]]:
    return [(d, e) for d in _gold() for e in d["events"]]


def _day(value: str) -> date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
    return date.fromisoformat(value)


def test_every_line_parses_and_names_an_existing_report():
    docs = _gold()
    names = [d["doc"] for d in docs]
    assert len(names) >= 30
    assert len(set(names)) == len(names), "a report is annotated twice"
    for d in docs:
        assert set(d) >= {"doc", "published", "events"}
        assert (REPORTS / d["doc"]).is_file(), d["doc"]
    assert {p.name for p in REPORTS.glob("*.txt")} == set(names), "every report needs a gold line"


def test_event_ids_are_unique_and_name_their_report():
    ids = [e["id"] for _, e in _events()]
    assert len(set(ids)) == len(ids)
    for d, e in _events():
        assert e["id"].startswith(d["doc"].split("_", 1)[0] + "-"), e["id"]


def test_dates_are_real_days_in_order_and_not_after_publication():
    for d, e in _events():
        published = _day(d["published"])
        earliest = _day(e["date_earliest"]) if e["date_earliest"] is not None else None
        latest = _day(e["date_latest"]) if e["date_latest"] is not None else None
        assert earliest is not None or latest is not None, e["id"]
        if earliest and latest:
            assert earliest <= latest, e["id"]
        assert (earliest or latest) <= published, f"{e['id']} starts after publication"


def test_types_are_in_the_vocabulary():
    allowed = set(vocab.event_types())
    for _, e in _events():
        assert e["type"] in allowed, e["id"]


def test_counts_follow_the_qualifier_rules():
    allowed = set(vocab.qualifiers())
    for _, e in _events():
        c = e["count"]
        if c is None:
            continue
        quals = c["qualifier"] if isinstance(c["qualifier"], list) else [c["qualifier"]]
        assert quals and set(quals) <= allowed, e["id"]
        assert c["unit"] in UNITS, e["id"]
        if set(quals) & VAGUE_OR_RANGE:
            # vague words and ranges never become one precise number
            assert c["best"] is None, e["id"]
            assert isinstance(c.get("low"), int), e["id"]
        else:
            assert isinstance(c["best"], int) and c["best"] > 0, e["id"]
        if "between" in quals:
            assert c["low"] < c["high"], e["id"]


def test_places_are_plain_canonical_names():
    for _, e in _events():
        assert len(set(e["places"])) == len(e["places"]), e["id"]
        for name in e["places"]:
            assert PLAIN_PLACE.match(name), f"{e['id']}: {name!r}"
            assert not (set(name.lower().split()) & SUFFIXES), f"{e['id']}: {name!r}"


def test_victims_and_sources_are_lists_of_names():
    for _, e in _events():
        for key in ("named_victims", "sources"):
            assert isinstance(e[key], list) and all(isinstance(x, str) and x.strip() for x in e[key]), e["id"]
        # a source organisation is never a victim
        assert not set(e["named_victims"]) & set(e["sources"]), e["id"]


def test_evidence_is_quoted_verbatim_from_the_report():
    texts = {d["doc"]: (REPORTS / d["doc"]).read_text(encoding="utf-8") for d in _gold()}
    for d, e in _events():
        for piece in e["evidence"].split(" ... "):
            assert piece.strip() and piece in texts[d["doc"]], f"{e['id']}: {piece[:60]!r}"


def test_reports_are_short_and_state_their_year():
    for d in _gold():
        text = (REPORTS / d["doc"]).read_text(encoding="utf-8")
        words = len(text.split())
        assert 150 <= words <= 700, f"{d['doc']}: {words} words"
        assert d["published"][:4] in text, f"{d['doc']} does not state its year"


def test_the_set_covers_the_hard_cases():
    events = [e for _, e in _events()]
    assert any(not d["events"] for d in _gold()), "need a report with no event"
    assert any(e.get("optional") for e in events)
    assert any(e["count"] and e["count"]["qualifier"] == "vague" for e in events)
    assert any(e["count"] and e["count"]["qualifier"] == "between" for e in events)
    assert any(e["count"] and e["count"]["unit"] == "cases" for e in events)
    assert {e["type"] for e in events} == set(vocab.event_types())
    assert sum(not e.get("optional") for e in events) >= 90


@pytest.mark.skipif(not SCORER.is_file(), reason="shared scorer not present")
def test_the_shared_scorer_reads_the_set_and_scores_a_perfect_copy_as_perfect(tmp_path):
    """The gold, turned into `refwatch extract --json` shape, must score 1.0 —
    proof that the format is the one the scorer expects."""
    spec = importlib.util.spec_from_file_location("score_extraction", SCORER)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as f:
        for d in _gold():
            events = [{
                "type": e["type"],
                "date": {"earliest": e["date_earliest"], "latest": e["date_latest"]},
                "places": [{"name": p} for p in e["places"]],
                "count": None if e["count"] is None else {
                    **e["count"],
                    "qualifier": e["count"]["qualifier"][0] if isinstance(e["count"]["qualifier"], list)
                    else e["count"]["qualifier"]},
                "victims": [{"name": v} for v in e["named_victims"]],
                "sources": e["sources"],
            } for e in d["events"]]
            f.write(json.dumps({"document": {"path": f"x/{d['doc']}"}, "events": events}) + "\n")
    figures = scorer.score(scorer.load(GOLD, lambda d: d["doc"]),
                           scorer.load(pred, lambda d: d["document"]["path"]))
    assert figures["event_f1"] == 1.0
    assert figures["count_acc"] == figures["date_exact"] == 1.0
    assert figures["place_recall"] == figures["victim_recall"] == 1.0
