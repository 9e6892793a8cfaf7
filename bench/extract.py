"""Throughput and memory of the extraction pipeline on generated reports.

usage: python bench/extract.py [--n 2000] [--batch 64] [--seed 1] [--workers 1]

Generates N reports of about 4 KB from templates (random places, dates,
figures, names, sources, phrasing and filler, so no two are alike), runs them
through ``extract_many`` in one process per worker, and prints for each
worker: articles per second per core, by wall time and by CPU time
(``time.process_time``, which other load on a shared machine does not
inflate), and RSS at each tenth of the run with the peak, so growth over a
long run (``--n 100000``) is visible. Generating the reports is timed apart
and left out of the figures. ``--workers 2`` runs two such processes side by
side (N each) to show that the work scales over cores. The load average is
printed before and after: on a shared machine wall-time figures mean little
without it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PLACES = ["Dandong", "Shenyang", "Yanji", "Tumen", "Hunchun", "Changbai", "Helong", "Longjing", "Kunming",
          "Qinhuangdao", "Beijing", "Harbin", "Sinuiju", "Hyesan", "Musan", "Onsong", "Hoeryong", "Laos", "Thailand",
          "Jilin", "Liaoning", "Vientiane", "Mongolia", "Ji'an", "Manpo"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
NAMES = ["Kim Chol-ok", "Lee Myong-hwa", "Pak Sun-hui", "Choe Kwang-il", "Ri Yong Nam", "Han Song-i",
         "Kim Cheol Ok", "Jang Mi-rae", "a woman surnamed Choi", "her uncle surnamed Kang"]
SOURCES = ["Daily NK", "TJWG", "Human Rights Watch", "RFA", "NKDB", "Korea Future", "the Transitional Justice "
           "Working Group", "a source in North Hamgyong province", "a relative in Seoul"]
QUALS = ["", "at least ", "over ", "up to ", "nearly ", "about ", "an estimated ", "more than ", "some ",
         "as many as "]
WORD_NUMBERS = ["two", "three", "five", "seven", "a dozen", "dozens of", "hundreds of", "twenty-three", "fifty"]
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
    "{w} defectors were caught near {p} last {m}, {s} said on {wd}.",
    "Over {pc} per cent of those sent back were women, {s} said.",
    "Between {n} and {n2} people were moved from {p} to {p2} in mid-{y}.",
    "{name}, who first fled in {y0}, was arrested again {ago} months ago in {p}.",
    "Since {m} last year, {q}{n} people have been returned through the {p}-{p2} crossing.",
    "The families of the {w} detainees have not heard from them since the night of {m} {d}.",
    "A court in {p} sentenced {name} to five years in a labour camp in the summer of {y}.",
    "It was not clear how many of the {n} escapees were children, {s} said in a statement on {wd}.",
    "{s} has documented {n} instances involving at least {n2} persons between {y0} and {y}.",
]


def make_report(rng: random.Random) -> tuple[str, date]:
    """One ~4 KB report and its publication date."""
    pub = date(2018, 1, 1) + timedelta(days=rng.randrange(2500))
    head = rng.choice([f"{rng.choice(['China', 'Beijing'])} sends {rng.randrange(5, 700)} escapees back, group says",
                       f"{rng.choice(PLACES)}: families fear for {rng.choice(WORD_NUMBERS)} held defectors",
                       f"Report: {rng.randrange(50, 2000)} North Koreans repatriated since {rng.randrange(2015, 2023)}"])
    parts = [head, ""]
    size = len(head)
    while size < 4000:
        para = []
        for _ in range(rng.randrange(2, 5)):
            t = rng.choice(SENTENCES)
            y = pub.year - rng.randrange(0, 3)
            s = t.format(q=rng.choice(QUALS), n=rng.randrange(2, 900), n2=rng.randrange(900, 2000),
                         p=rng.choice(PLACES), p2=rng.choice(PLACES), m=rng.choice(MONTHS), d=rng.randrange(1, 29),
                         y=y, y0=y - rng.randrange(1, 20), s=rng.choice(SOURCES), name=rng.choice(NAMES),
                         w=rng.choice(WORD_NUMBERS), wd=rng.choice(["Monday", "Tuesday", "Friday"]),
                         pc=rng.randrange(50, 90), ago=rng.choice(["two", "three", "six"]))
            para.append(s[:1].upper() + s[1:])
        paragraph = " ".join(para)
        parts.extend([paragraph, ""])
        size += len(paragraph) + 2
    return "\n".join(parts), pub


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def run(worker: int, n: int, batch: int, seed: int) -> dict:
    """Extract ``n`` generated reports in this process; returns the figures."""
    from refwatch.extract.pipeline import extract_many

    rng = random.Random(seed * 1000 + worker)
    list(extract_many([make_report(random.Random(-1))]))  # warm up: lexicons, gazetteer, pipeline
    gen_wall = gen_cpu = 0.0
    total_bytes = events = 0

    def stream():
        nonlocal gen_wall, gen_cpu, total_bytes
        for _ in range(n):
            w, c = time.perf_counter(), time.process_time()
            text, pub = make_report(rng)
            gen_wall += time.perf_counter() - w
            gen_cpu += time.process_time() - c
            total_bytes += len(text)
            yield text, pub

    step = max(1, n // 10)
    checkpoints = []
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for i, claims in enumerate(extract_many(stream(), batch_size=batch), 1):
        events += len(claims)
        if i % step == 0 or i == n:
            wall = time.perf_counter() - wall0 - gen_wall
            cpu = time.process_time() - cpu0 - gen_cpu
            checkpoints.append((i, round(rss_mb(), 1), round(i / max(cpu, 1e-9), 1)))
            print(f"  worker {worker} pid {os.getpid()}: {i} articles, rss {checkpoints[-1][1]} MB, "
                  f"{i / max(wall, 1e-9):.1f}/s wall, {i / max(cpu, 1e-9):.1f}/s cpu", flush=True)
    wall = time.perf_counter() - wall0 - gen_wall
    cpu = time.process_time() - cpu0 - gen_cpu
    return {"worker": worker, "pid": os.getpid(), "n": n, "avg_bytes": total_bytes // max(1, n), "events": events,
            "per_s_wall": n / max(wall, 1e-9), "per_s_cpu": n / max(cpu, 1e-9), "checkpoints": checkpoints,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _run_star(args: tuple[int, int, int, int]) -> dict:
    return run(*args)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="articles per worker")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1, help="processes, one core each")
    args = ap.parse_args()
    print(f"load average before: {loadavg()} (cores: {os.cpu_count()})", flush=True)
    jobs = [(w, args.n, args.batch, args.seed) for w in range(args.workers)]
    if args.workers == 1:
        results = [run(*jobs[0])]
    else:
        with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
            results = pool.map(_run_star, jobs)
    for r in results:
        print(f"worker {r['worker']} (pid {r['pid']}): articles={r['n']} avg_bytes={r['avg_bytes']} "
              f"events={r['events']}")
        print(f"  articles_per_second_per_core: {r['per_s_cpu']:.1f} by CPU time, {r['per_s_wall']:.1f} by wall time "
              f"(generation excluded)")
        print(f"  rss_mb at (articles, rss, cumulative/s cpu): {r['checkpoints']}")
        print(f"  peak_rss_mb={r['peak_rss_mb']:.1f}")
    if len(results) > 1:
        print(f"all workers: {sum(r['per_s_wall'] for r in results):.1f} articles/s by wall time, "
              f"{sum(r['per_s_cpu'] for r in results):.1f} by CPU time")
    print(f"load average after: {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
