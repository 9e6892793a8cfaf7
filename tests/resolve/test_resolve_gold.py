"""Pairwise F1 of event and person resolution on the project's gold clustering set."""

from __future__ import annotations

from itertools import combinations

from refwatch.resolve.events import resolve_events
from refwatch.resolve.people import link_people, mentions_from_events


def pairwise_f1(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    """Precision, recall, F1 over pairs of items put in one cluster."""
    def pairs(assign: dict[str, str]) -> set[frozenset]:
        groups: dict[str, list[str]] = {}
        for item, cluster in assign.items():
            groups.setdefault(cluster, []).append(item)
        return {frozenset(p) for members in groups.values() for p in combinations(members, 2)}
    pred, true = pairs(predicted), pairs(truth)
    tp = len(pred & true)
    precision = tp / len(pred) if pred else 1.0
    recall = tp / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def test_gold_set_is_big_enough(gold_claims, gold_truth):
    assert len(gold_claims) >= 60
    assert len({c.document_sha256 for c in gold_claims.values()}) >= 20
    assert set(gold_truth["events"]) == set(gold_claims)


def test_event_pairwise_f1_at_least_095(gold_claims, gold_truth):
    events = resolve_events(gold_claims)
    predicted = {cid: e.id for e in events for cid in e.claim_ids}
    p, r, f1 = pairwise_f1(predicted, gold_truth["events"])
    print(f"events: precision {p:.3f} recall {r:.3f} F1 {f1:.3f}")
    assert f1 >= 0.95, (p, r)


def test_person_pairwise_f1_at_least_095(gold_claims, gold_truth):
    events = resolve_events(gold_claims)
    people = link_people(mentions_from_events(events, gold_claims), events)
    predicted = {m: p.id for p in people for m in p.mention_ids}
    assert set(predicted) == set(gold_truth["people"])
    p, r, f1 = pairwise_f1(predicted, gold_truth["people"])
    print(f"people: precision {p:.3f} recall {r:.3f} F1 {f1:.3f}")
    assert f1 >= 0.95, (p, r)
