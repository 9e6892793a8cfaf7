"""Benchmark: resolve N synthetic claims into events and link N person mentions.

    .venv/bin/python bench/resolve.py --claims 100000 --people 100000

Synthetic but shaped like the real stream: ~3 reports per occurrence, ten
years of incidents in six event classes, day/month/year precision, counts with
mixed qualifiers, places from a small list, a few aggregates; person mentions
spelled in several romanisations with birth years and sex. Prints one JSON line
with timings (targets: claims < 60 s, people < 120 s).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import date, timedelta

from refwatch.model.records import Claim, Count, DateRange, PlaceRef, Victim
from refwatch.resolve.events import resolve_events
from refwatch.resolve.people import PersonMention, link_people

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    out: dict[str, float | int] = {}
    if args.claims:
        claims = synthetic_claims(args.claims)
        t = time.perf_counter()
        events = resolve_events(claims)
        out.update(claims=len(claims), events=len(events), claims_seconds=round(time.perf_counter() - t, 2))
    if args.people:
        mentions = synthetic_mentions(args.people)
        t = time.perf_counter()
        people = link_people(mentions)
        out.update(mentions=len(mentions), people=len(people), people_seconds=round(time.perf_counter() - t, 2))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
