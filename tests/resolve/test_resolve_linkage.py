"""Person linkage with splink (DuckDB): gold set, romanisation variants, guards, engine choice."""

from __future__ import annotations

import logging
import random
import socket
from itertools import combinations

import pytest

from refwatch.resolve import linkage
from refwatch.resolve.events import resolve_events
from refwatch.resolve.linkage import choose_engine, link, link_people_at_scale
from refwatch.resolve.people import PersonMention, mentions_from_events


def _pairs(assign: dict[str, str]) -> set[frozenset]:
    groups: dict[str, list[str]] = {}
    for item, cluster in assign.items():
        groups.setdefault(cluster, []).append(item)
    return {frozenset(p) for members in groups.values() for p in combinations(members, 2)}


def _scores(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    pred, true = _pairs(predicted), _pairs(truth)
    tp = len(pred & true)
    precision = tp / len(pred) if pred else 1.0
    recall = tp / len(true) if true else 1.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _clusters(people) -> set[frozenset]:
    return {frozenset(p.mention_ids) for p in people}


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_gold_people_pairwise_f1_with_splink(gold_claims, gold_truth, offline):
    events = resolve_events(gold_claims)
    people = link_people_at_scale(mentions_from_events(events, gold_claims), events=events)
    predicted = {m: p.id for p in people for m in p.mention_ids}
    assert set(predicted) == set(gold_truth["people"])
    precision, recall, f1 = _scores(predicted, gold_truth["people"])
    assert f1 >= 0.95, (precision, recall)
    kim = next(p for p in people if "김철옥" in p.names)
    assert [e.type for e in kim.timeline] == ["escape", "arrest", "repatriation"]
    assert kim.status == "repatriated"


def test_romanisation_variants_are_one_person_and_a_near_name_is_not(offline):
    names = ["Kim Cheol Ok", "Kim Chol-ok", "Gim Cheol-ok", "김철옥", "Kim Ch'ŏl-ok", "Kim Chol-su"]
    mentions = [PersonMention(id=f"m{i}", name=n, document=f"d{i}", sex="female") for i, n in enumerate(names)]
    people = link_people_at_scale(mentions)
    assert _clusters(people) == {frozenset({"m0", "m1", "m2", "m3", "m4"}), frozenset({"m5"})}
    kim = people[0]
    assert kim.id == "p-m0" and kim.key == "kim|colok"


def test_birth_year_sex_and_origin_keep_same_named_people_apart():
    mentions = [
        PersonMention("a1", "Lee Young-hee", "d1", birth_year=1975, sex="female"),
        PersonMention("a2", "Yi Yŏng-hŭi", "d2", birth_year=1976, sex="female"),
        PersonMention("b1", "Lee Young-hee", "d3", birth_year=1990, sex="female"),
        PersonMention("c1", "Park Ji-hoon", "d4", birth_year=1980, sex="male"),
        PersonMention("c2", "Pak Chi-hun", "d5", birth_year=1980, sex="female"),
        PersonMention("e1", "Han Song-mi", "d6", birth_year=1985, origin="Hyesan"),
        PersonMention("e2", "Han Sŏng-mi", "d7", birth_year=1985, origin="Musan"),
    ]
    assert _clusters(link_people_at_scale(mentions)) == {
        frozenset({"a1", "a2"}), frozenset({"b1"}), frozenset({"c1"}), frozenset({"c2"}),
        frozenset({"e1"}), frozenset({"e2"})}


def test_a_mention_fitting_two_people_joins_only_the_one_it_shares_an_event_with():
    mentions = [
        PersonMention("old", "Lee Young-hee", "d1", event_id="e1", birth_year=1975, sex="female"),
        PersonMention("young", "Lee Young-hee", "d2", event_id="e2", birth_year=1990, sex="female"),
        PersonMention("same-event", "이영희", "d3", event_id="e1", sex="female"),
        PersonMention("nowhere", "Rhee Young-hee", "d4", event_id="e9", sex="female"),
    ]
    assert _clusters(link_people_at_scale(mentions)) == {
        frozenset({"old", "same-event"}), frozenset({"young"}), frozenset({"nowhere"})}


def test_surname_only_mentions_never_link_across_documents():
    mentions = [
        PersonMention("full", "Choi Min-ji", "d1", sex="female"),
        PersonMention("same-doc", "Choi", "d1", sex="female"),
        PersonMention("other-doc", "Choi", "d2", sex="female"),
        PersonMention("third-doc", "a girl surnamed Choi", "d3", sex="female"),
    ]
    people = link_people_at_scale(mentions)
    assert _clusters(people) == {frozenset({"full", "same-doc"}), frozenset({"other-doc"}),
                                 frozenset({"third-doc"})}
    assert "surname_only" in next(p for p in people if p.mention_ids == ["other-doc"]).flags


SYLLABLES = ["cheol", "ok", "young", "hee", "min", "ji", "sun", "ja", "hyun", "seong", "mi", "il",
             "geum", "hwa", "nam", "su", "bok", "dong", "gwang", "hye", "jin", "kyung", "myung", "ran",
             "sook", "tae", "won", "yeon", "chan", "hoon", "bin", "chul", "eun", "gil", "hak", "hyeok",
             "jae", "jun", "kwan", "mun", "pil", "ryong", "sang", "seok", "taek", "ung", "yong", "yul",
             "beom", "deok"]


def _diverse_mentions(persons: int, seed: int = 3) -> tuple[list[PersonMention], dict[str, str]]:
    """Mentions of people with realistically varied names, in RR and McCune–Reischauer-like spellings."""
    rnd = random.Random(seed)
    surnames = [("Kim", "Gim"), ("Lee", "Yi"), ("Park", "Pak"), ("Choi", "Choe"), ("Jung", "Chong")]
    mentions, truth = [], {}
    for p in range(persons):
        surname, given = rnd.choice(surnames), rnd.sample(SYLLABLES, 2)
        birth, sex = rnd.randrange(1950, 2010), rnd.choice(["female", "male"])
        for k in range(rnd.choice([1, 2, 3])):
            name = (f"{surname[0]} {given[0].title()}-{given[1]}" if k % 2 == 0
                    else f"{surname[1]} {given[0].title()} {given[1].title()}")
            mid = f"m{len(mentions)}"
            mentions.append(PersonMention(mid, name, f"d{rnd.randrange(10**6)}", sex=sex,
                                          birth_year=birth if rnd.random() < 0.8 else None))
            truth[mid] = f"P{p}"
    return mentions, truth


def test_parameters_estimated_from_a_large_enough_data_set(monkeypatch, caplog):
    mentions, truth = _diverse_mentions(2600)
    assert len(mentions) >= linkage.ESTIMATE_ABOVE
    trained = []
    real_train = linkage._train
    monkeypatch.setattr(linkage, "_train", lambda linker, n: trained.append(n) or real_train(linker, n))
    with caplog.at_level(logging.WARNING, logger="refwatch.resolve.linkage"):
        people = link_people_at_scale(mentions)
    assert trained == [len(mentions)] and "estimation failed" not in caplog.text
    predicted = {m: p.id for p in people for m in p.mention_ids}
    precision, _, _ = _scores(predicted, truth)
    assert precision >= 0.98
    # name + sex alone is not enough at 0.9 among thousands of people (by design);
    # name + birth year + sex is: those pairs are all found
    dated = {m.id for m in mentions if m.birth_year}
    _, recall, _ = _scores({m: c for m, c in predicted.items() if m in dated},
                           {m: c for m, c in truth.items() if m in dated})
    assert recall >= 0.95


def test_failed_estimation_falls_back_to_the_declared_parameters(monkeypatch, caplog):
    def broken(linker, n):
        raise RuntimeError("boom")
    monkeypatch.setattr(linkage, "_train", broken)
    mentions = [PersonMention("a", "Kim Cheol Ok", "d1", sex="female"),
                PersonMention("b", "김철옥", "d2", sex="female"),
                PersonMention("c", "Kim Chol-su", "d3", sex="female")]
    with caplog.at_level(logging.WARNING, logger="refwatch.resolve.linkage"):
        people = link_people_at_scale(mentions, estimate=True)
    assert _clusters(people) == {frozenset({"a", "b"}), frozenset({"c"})}
    assert "estimation failed" in caplog.text
    assert "Kim" not in caplog.text and "김" not in caplog.text  # no names in logs


def test_engine_is_chosen_by_the_number_of_full_name_mentions(monkeypatch):
    mentions = [PersonMention(f"m{i}", n, f"d{i}", sex="female")
                for i, n in enumerate(["Kim Cheol Ok", "Kim Chol-ok", "Choi", "Choi"])]
    monkeypatch.setattr(linkage, "SPLINK_ABOVE", 2)
    assert choose_engine(mentions) == "rules"  # two full names, surnames alone do not count
    monkeypatch.setattr(linkage, "SPLINK_ABOVE", 1)
    assert choose_engine(mentions) == "splink"
    assert _clusters(link(mentions)) == _clusters(link(mentions, engine="rules")) == {
        frozenset({"m0", "m1"}), frozenset({"m2"}), frozenset({"m3"})}
    with pytest.raises(ValueError):
        link(mentions, engine="spark")
