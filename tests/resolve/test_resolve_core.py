"""Counts, dates, names, judgements, aggregates, people and statistics."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from refwatch.model.records import Count, DateRange
from refwatch.resolve.counts import reconcile_counts
from refwatch.resolve.dates import reconcile_dates
from refwatch.resolve.events import Judgement, resolve_events
from refwatch.resolve.names import name_key, name_similarity
from refwatch.resolve.people import PersonMention, link_people, mentions_from_events
from refwatch.resolve.stats import stats


def c(best, q, low=None, high=None, unit="persons", text=""):
    return Count(best, q, low, high, unit, text)


def test_seed_october_deportation_counts(claim):
    claims = [claim("repatriation", "2023-10-01", "2023-10-31", count=c(600, "exact", 600, 600), doc="a"),
              claim("repatriation", "2023-10-09", count=c(600, "up_to", None, 600), doc="b"),
              claim("repatriation", "2023-10-09", count=c(500, "more_than", 501, None), doc="c")]
    for c_ in claims:
        c_.sources = ["TJWG"]
    r = reconcile_counts(claims)
    assert (r.low, r.best, r.high) == (501, 600, 600)
    assert not r.conflicts and "low" in r.rule


def test_conflicting_figures_are_listed_and_low_stays_visible(claim):
    claims = [claim("repatriation", "2023-10-09", count=c(600, "exact", 600, 600), doc="a"),
              claim("repatriation", "2023-10-09", count=c(600, "exact", 600, 600), doc="b"),
              claim("repatriation", "2023-10-09", count=c(200, "exact", 200, 200), doc="c")]
    r = reconcile_counts(claims)
    assert (r.low, r.best, r.high) == (200, 600, 600)
    assert [(x["figure"], x["document"]) for x in r.conflicts] == [(200, "c")]


def test_vague_words_never_become_a_best_figure(claim):
    r = reconcile_counts([claim("arrest", "2020-01-01", count=c(None, "vague", 200, None, text="hundreds"))])
    assert (r.low, r.best, r.high) == (200, None, None)


def test_cases_and_persons_are_not_mixed(claim):
    r = reconcile_counts([claim("repatriation", "2017-01-01", count=c(51, "exact", 51, 51, unit="cases")),
                          claim("repatriation", "2017-01-01", count=c(92, "at_least", 92, None))])
    assert (r.unit, r.low, r.best, r.high) == ("persons", 92, 92, None)


def test_dates_intersect_when_compatible_and_union_with_flag_otherwise():
    month = DateRange(date(2023, 10, 1), date(2023, 10, 31))
    day = DateRange(date(2023, 10, 9), date(2023, 10, 9))
    r = reconcile_dates([month, day])
    assert (r.earliest, r.latest, r.precision, r.disagree) == (date(2023, 10, 9), date(2023, 10, 9), "day", False)
    r = reconcile_dates([day, DateRange(date(2023, 10, 12), date(2023, 10, 12))])
    assert (r.earliest, r.latest, r.disagree) == (date(2023, 10, 9), date(2023, 10, 12), True)


@pytest.mark.parametrize("variant", ["Kim Chol-ok", "Kim Ch'ŏl-ok", "Gim Cheol-ok", "김철옥", "Cheol Ok Kim",
                                     "KIM CHEOL-OK", "Kim Cheolok"])
def test_romanisations_share_one_key(variant):
    assert name_key(variant) == name_key("Kim Cheol Ok")


@pytest.mark.parametrize("a,b", [("Lee Young-hee", "Yi Yŏng-hŭi"), ("Rhee Young-hee", "이영희"),
                                 ("Park Ji-hoon", "Pak Chi-hun"), ("Choi Min-ji", "Choe Min-chi"),
                                 ("Kang Song-il", "Gang Seong-il"), ("Jung Sun-ja", "Chŏng Sun-ja"),
                                 ("Shin Hye-jin", "Sin Hye-jin")])
def test_surname_and_system_variants_match(a, b):
    assert name_similarity(a, b) == 1.0


def test_different_people_and_surnames_alone_do_not_match():
    assert name_similarity("Kim Cheol Ok", "Kim Myong Hui") < 0.8
    assert name_similarity("Kim Cheol Ok", "Park Cheol Ok") <= 0.5
    assert name_similarity("Choi", "Choi Min-ji") == 0.5
    assert name_key("a girl surnamed Choi") == "choi|"


def test_same_day_different_places_stay_apart(claim):
    events = resolve_events([claim("arrest", "2022-08-02", count=c(4, "exact", 4, 4), places=("Yanji",), doc="a"),
                             claim("arrest", "2022-08-02", count=c(4, "exact", 4, 4), places=("Kunming",), doc="b")])
    assert len(events) == 2


def test_month_claim_does_not_chain_two_different_days(claim):
    events = resolve_events([claim("repatriation", "2023-10-01", "2023-10-31", count=c(600, "exact", 600, 600), doc="a"),
                             claim("repatriation", "2023-10-09", count=c(600, "up_to", None, 600), doc="b"),
                             claim("repatriation", "2023-10-25", count=c(600, "exact", 600, 600), doc="c")])
    assert all(len(e.claim_ids) <= 2 for e in events)
    assert len(events) == 2


def test_link_reasons_are_given(claim):
    events = resolve_events([claim("repatriation", "2023-10-09", count=c(600, "up_to", None, 600), doc="b"),
                             claim("repatriation", "2023-10-09", count=c(500, "more_than", 501, None), doc="c")])
    assert len(events) == 1
    assert "same day; ≤600 vs >500 compatible" in events[0].reasons[0]


def test_aggregate_never_merges_with_an_incident_but_covers_it(claim):
    agg = claim("repatriation", "2016-07-01", "2017-06-30", count=c(51, "exact", 51, 51, unit="cases"),
                aggregate=True, doc="hrw")
    inside = claim("repatriation", "2016-11-14", count=c(5, "exact", 5, 5), places=("Tumen",), doc="x")
    outside = claim("repatriation", "2017-07-14", count=c(5, "exact", 5, 5), doc="y")
    events = {e.claim_ids[0]: e for e in resolve_events({"agg": agg, "in": inside, "out": outside})}
    assert len(events) == 3
    assert events["agg"].covers == [events["in"].id]
    assert events["in"].covered_by == [events["agg"].id] and not events["out"].covered_by


def test_human_judgements_override_the_machine_and_survive_reruns(claim):
    claims = {"a": claim("repatriation", "2023-10-09", count=c(600, "up_to", None, 600), doc="b"),
              "b": claim("repatriation", "2023-10-09", count=c(500, "more_than", 501, None), doc="c"),
              "x": claim("arrest", "2023-05-01", doc="d"), "y": claim("arrest", "2023-05-01", "2023-05-31", doc="e")}
    apart = Judgement("not_same", ("a",), ("b",), who="ana", when=datetime(2024, 1, 1), why="different crossings")
    together = Judgement("same", ("x",), ("y",), who="ana", when=datetime(2024, 1, 2), why="same raid")
    for _ in range(2):  # a re-run with the same judgements gives the same answer
        events = resolve_events(claims, [apart, together])
        groups = sorted(sorted(e.claim_ids) for e in events)
        assert groups == [["a"], ["b"], ["x", "y"]]
    rejected = Judgement("reject", ("b",), who="ana", when=datetime(2024, 1, 3), why="misread")
    assert all("b" not in e.claim_ids for e in resolve_events(claims, [rejected]))


def test_person_timeline_status_and_risk(gold_claims):
    events = resolve_events(gold_claims)
    people = link_people(mentions_from_events(events, gold_claims), events)
    kim = next(p for p in people if p.key == name_key("Kim Cheol Ok"))
    assert [t.type for t in kim.timeline] == ["escape", "arrest", "repatriation"]
    assert kim.status == "repatriated" and not kim.at_risk
    assert {"Kim Cheol Ok", "김철옥", "Kim Chol-ok"} <= set(kim.names)
    park = next(p for p in people if p.key == name_key("Park Ji-hoon"))
    assert park.status == "detained_in_china" and park.at_risk
    lees = [p for p in people if p.key == name_key("Lee Young-hee")]
    assert len(lees) == 2  # same name, born ~1975 and ~1990: two people


def test_surname_only_mentions_link_only_in_context():
    people = link_people([PersonMention("1", "a girl surnamed Choi", document="d1", event_id="e1"),
                          PersonMention("2", "Choi", document="d2", event_id="e1"),
                          PersonMention("3", "Choi", document="d3", event_id="e9")])
    assert sorted(sorted(p.mention_ids) for p in people) == [["1", "2"], ["3"]]


def test_stats_count_once_and_keep_precision(claim, gold_claims):
    events = resolve_events(gold_claims)
    rows = {r["key"]: r for r in stats(events, [], by="month")}
    assert rows["2023-10"]["people_low"] >= 501
    assert "1998 (undated within year)" in rows
    assert "1998-01" not in rows
    agg_rows = [r for r in rows.values() if r["aggregates"]]
    assert agg_rows and all(r["key"] == "undated" for r in agg_rows)
    total_events = sum(r["events"] + r["aggregates"] for r in rows.values())
    assert total_events == len(events)
    by_type = {r["key"]: r for r in stats(events, [], by="type")}
    assert by_type["repatriation"]["aggregate_best"] == 0  # the 51 cases are cases, not persons


def test_places_match_within_province_and_across_a_crossing(claim):
    from refwatch.resolve.places import place_key, related
    from refwatch.model.records import PlaceRef

    tumen, jilin = place_key(PlaceRef("Tumen")), place_key(PlaceRef("Jilin"))
    dandong, sinuiju, yanji = (place_key(PlaceRef(n)) for n in ("Dandong", "Sinuiju", "Yanji"))
    assert related(tumen, jilin) and related(dandong, sinuiju)
    assert not related(dandong, yanji)
    events = resolve_events([claim("repatriation", "2024-04-26", count=c(200, "exact", 200, 200), places=("Dandong",), doc="a"),
                             claim("repatriation", "2024-04-26", count=c(200, "about"), places=("Sinuiju",), doc="b")])
    assert len(events) == 1
