"""Throughput and memory of the extraction pipeline on generated reports.

usage: python bench/extract.py [--n 2000] [--batch 64] [--seed 1]

Generates N reports of about 4 KB from templates (random places, dates,
figures, names, sources and filler), runs them through ``extract_many`` in one
process (one core), and prints articles per second, peak RSS, and RSS at each
tenth of the run so growth over a long run (``--n 100000``) is visible.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from refwatch.extract.pipeline import extract_many  # noqa: E402

PLACES = ["Dandong", "Shenyang", "Yanji", "Tumen", "Hunchun", "Changbai", "Helong", "Longjing", "Kunming",
          "Qinhuangdao", "Beijing", "Harbin", "Sinuiju", "Hyesan", "Musan", "Onsong", "Hoeryong", "Laos", "Thailand"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
NAMES = ["Kim Chol-ok", "Lee Myong-hwa", "Pak Sun-hui", "Choe Kwang-il", "Ri Yong Nam", "Han Song-i"]
SOURCES = ["Daily NK", "TJWG", "Human Rights Watch", "RFA", "NKDB", "Korea Future"]
QUALS = ["", "at least ", "over ", "up to ", "nearly ", "about ", "an estimated "]
SENTENCES = [
    "{q}{n} North Koreans were arrested in {p} on {m} {d}, {s} reported.",
    "Chinese police forcibly repatriated {q}{n} escapees through {p} in {m}.",
    "{name} was detained in {p} in early {m} and sent back to North Korea two weeks later.",
    "According to {s}, {q}{n} people are currently held in detention centres in {p}.",
    "The group said the families lost contact with {name} after she crossed the border near {p}.",
    "In {m} {y}, {s} recorded {n} separate cases, a total of at least {n2} persons.",
    "Rights groups urged China not to deport the {n} people held in {p}.",
    "The ministry said it could not confirm the figures but would raise the matter with Beijing.",
    "Analysts say the tightening of the border since the pandemic has made escape far more dangerous.",
    "Brokers now charge several times what they did a decade ago, and fewer people attempt the journey.",
    "Read more: the history of the border protocol and what it means for escapees.",
]


def make_report(rng: random.Random) -> tuple[str, date]:
    pub = date(2018, 1, 1) + timedelta(days=rng.randrange(2500))
    parts = [f"{rng.choice(['China', 'Beijing'])} sends {rng.randrange(5, 700)} escapees back, group says", ""]
    while sum(len(p) for p in parts) < 4000:
        para = []
        for _ in range(rng.randrange(2, 5)):
            t = rng.choice(SENTENCES)
            para.append(t.format(q=rng.choice(QUALS), n=rng.randrange(2, 900), n2=rng.randrange(900, 2000),
                                 p=rng.choice(PLACES), m=rng.choice(MONTHS), d=rng.randrange(1, 29),
                                 y=pub.year - rng.randrange(0, 3), s=rng.choice(SOURCES), name=rng.choice(NAMES)))
        parts.append(" ".join(para))
        parts.append("")
    return "\n".join(parts), pub


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    list(extract_many([make_report(rng)]))  # warm up: lexicons, gazetteer
    samples = []
    total_bytes = 0
    events = 0

    def stream():
        nonlocal total_bytes
        for _ in range(args.n):
            text, pub = make_report(rng)
            total_bytes += len(text)
            yield text, pub

    gen_rng_cost = time.perf_counter()
    for _ in range(200):
        make_report(random.Random(0))
    gen_rng_cost = (time.perf_counter() - gen_rng_cost) / 200
    start = time.perf_counter()
    step = max(1, args.n // 10)
    for i, claims in enumerate(extract_many(stream(), batch_size=args.batch), 1):
        events += len(claims)
        if i % step == 0:
            samples.append(round(rss_mb(), 1))
    elapsed = time.perf_counter() - start - gen_rng_cost * args.n
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    print(f"articles={args.n} avg_bytes={total_bytes // max(1, args.n)} events={events}")
    print(f"articles_per_second_per_core={args.n / elapsed:.1f} (generation time excluded)")
    print(f"rss_mb_by_tenth={samples}")
    print(f"peak_rss_mb={cpu.ru_maxrss / 1024:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
