"""Benchmark: resolve N synthetic claims into events and link N person mentions.

    .venv/bin/python bench/resolve.py --claims 100000 --people 100000
    .venv/bin/python bench/resolve.py --claims 0 --people 100000 --engine splink

Synthetic but shaped like the real stream: ~3 reports per occurrence, ten
years of incidents in six event classes, day/month/year precision, counts with
mixed qualifiers, places from a small list, a few aggregates; person mentions
spelled in several romanisations with birth years and sex. Prints one JSON line
with timings (targets: claims < 60 s, people < 120 s). ``--engine`` picks the
person linkage engine: ``rules`` (people.link_people), ``splink``
(linkage.link_people_at_scale, DuckDB) or ``both`` (the default), each with its
time, the peak resident memory of the process so far and pairwise precision, recall and F1
against the synthetic truth (the person each mention was generated from).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from collections import Counter
from datetime import date, timedelta

from refwatch.model.records import Claim, Count, DateRange, PlaceRef
from refwatch.resolve.events import resolve_events
from refwatch.resolve.linkage import link_people_at_scale
from refwatch.resolve.people import PersonMention, PersonRecord, link_people

TYPES = ["arrest", "detention", "transfer", "repatriation", "escape", "death", "disappearance"]
PLACES = ["Dandong", "Shenyang", "Tumen", "Yanji", "Hunchun", "Changbai", "Kunming", "Helong", "Jilin", "Liaoning"]
SURNAMES = [("Kim", "Gim", "김"), ("Lee", "Yi", "이"), ("Park", "Pak", "박"), ("Choi", "Choe", "최"),
            ("Jung", "Chŏng", "정"), ("Kang", "Gang", "강"), ("Han", "Han", "한"), ("Shin", "Sin", "신")]
SYLLABLES = [("cheol", "ch'ŏl"), ("ok", "ok"), ("young", "yŏng"), ("hee", "hŭi"), ("min", "min"),
             ("ji", "chi"), ("sun", "sun"), ("ja", "cha"), ("hyun", "hyŏn"), ("seong", "sŏng"),
             ("mi", "mi"), ("il", "il"), ("geum", "kŭm"), ("hwa", "hwa"), ("nam", "nam"), ("su", "su")]


def synthetic_claims(n: int, seed: int = 7) -> list[Claim]:
    rnd = random.Random(seed)
    start = date(2014, 1, 1)
    claims: list[Claim] = []
    while len(claims) < n:
        etype = rnd.choice(TYPES)
        day = start + timedelta(days=rnd.randrange(3650))
        size = rnd.choice([1, 1, 2, 3, 5, 7, 12, 40, 80, 600])
        places = rnd.sample(PLACES, rnd.choice([0, 1, 1, 2]))
        aggregate = rnd.random() < 0.005
        for _ in range(rnd.choice([1, 2, 3, 3, 4])):
            precision = rnd.random()
            if aggregate:
                rng = DateRange(date(day.year, 1, 1), date(day.year, 12, 31))
            elif precision < 0.6:
                rng = DateRange(day, day)
            elif precision < 0.95:
                first = day.replace(day=1)
                rng = DateRange(first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1))
            else:
                rng = DateRange(date(day.year, 1, 1), date(day.year, 12, 31))
            q = rnd.choice(["exact", "exact", "about", "more_than", "up_to"])
            low = size if q == "exact" else size + 1 if q == "more_than" else None
            high = size if q in ("exact", "up_to") else None
            claims.append(Claim(type=etype, date=rng, places=[PlaceRef(p) for p in places],
                                count=Count(size, q, low, high), aggregate=aggregate,
                                document_sha256=f"doc{rnd.randrange(n)}"))
    return claims[:n]


def synthetic_mentions(n: int, seed: int = 11) -> list[PersonMention]:
    rnd = random.Random(seed)
    mentions: list[PersonMention] = []
    person = 0
    while len(mentions) < n:
        person += 1
        s = rnd.choice(SURNAMES)
        given = rnd.sample(SYLLABLES, 2)
        birth, sex = rnd.randrange(1950, 2010), rnd.choice(["female", "female", "male"])
        for _ in range(rnd.choice([1, 2, 3])):
            style = rnd.random()
            if style < 0.5:
                name = f"{s[0]} {given[0][0].title()}-{given[1][0]}"
            elif style < 0.9:
                name = f"{s[1]} {given[0][1].title()}-{given[1][1]}"
            else:
                name = f"{given[0][0].title()} {given[1][0].title()} {s[0]}"
            mentions.append(PersonMention(id=f"m{len(mentions)}", name=name, document=f"doc{person}",
                                          sex=sex, birth_year=birth if rnd.random() < 0.7 else None))
    return mentions[:n]


def _pairs(sizes: Counter) -> int:
    return sum(k * (k - 1) // 2 for k in sizes.values())


def pairwise_scores(people: list[PersonRecord], truth: dict[str, str]) -> list[float]:
    """Precision, recall, F1 over pairs of mentions put on one record (truth: each mention's document)."""
    predicted = {m: p.id for p in people for m in p.mention_ids}
    both = _pairs(Counter((predicted[m], truth[m]) for m in predicted))
    pred, true = _pairs(Counter(predicted.values())), _pairs(Counter(truth.values()))
    precision, recall = both / pred if pred else 1.0, both / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return [round(precision, 4), round(recall, 4), round(f1, 4)]


def _peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--engine", choices=["rules", "splink", "both"], default="both",
                        help="person linkage engine to time")
    parser.add_argument("--threshold", type=float, default=0.9,
                        help="splink match probability at which two mentions are linked")
    args = parser.parse_args()
    out: dict[str, float | int] = {}
    if args.claims:
        claims = synthetic_claims(args.claims)
        t = time.perf_counter()
        events = resolve_events(claims)
        out.update(claims=len(claims), events=len(events), claims_seconds=round(time.perf_counter() - t, 2))
    if args.people:
        mentions = synthetic_mentions(args.people)
        truth = {m.id: m.document or m.id for m in mentions}
        out.update(mentions=len(mentions))
        for engine in (["rules", "splink"] if args.engine == "both" else [args.engine]):
            t = time.perf_counter()
            people = (link_people_at_scale(mentions, threshold=args.threshold) if engine == "splink"
                      else link_people(mentions))
            out.update({f"people_{engine}": len(people),
                        f"people_seconds_{engine}": round(time.perf_counter() - t, 2),
                        f"people_pair_p_r_f1_{engine}": pairwise_scores(people, truth),
                        f"peak_rss_mib_after_{engine}": _peak_mib()})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
