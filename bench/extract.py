"""Throughput and memory of the extraction pipeline on generated reports.

usage: python bench/extract.py [--n 2000] [--batch 64] [--seed 1] [--workers 1]

Generates N reports of about 4 KB from templates (random places, dates,
figures, names, sources, phrasing, background and boilerplate, so no two are
alike; about one sentence in twenty asserts an event, giving 3-4 events per
report like the seeds and tests/data/reports), runs them
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
# Sentences that assert an event (about one sentence in twenty of a report, and the first).
EVENT_SENTENCES = [
    "{q}{n} North Koreans were arrested in {p} on {m} {d}, {s} reported.",
    "Chinese police forcibly repatriated {q}{n} escapees through {p} in {m}.",
    "{name} was detained in {p} in early {m} and sent back to North Korea two weeks later.",
    "According to {s}, {q}{n} people are currently held in detention centres in {p}.",
    "In {m} {y}, {s} recorded {n} separate cases, a total of at least {n2} persons.",
    "{w} defectors were caught near {p} last {m}, {s} said on {wd}.",
    "Between {n} and {n2} people were moved from {p} to {p2} in mid-{y}.",
    "{name}, who first fled in {y0}, was arrested again {ago} months ago in {p}.",
    "Since {m} last year, {q}{n} people have been returned through the {p}-{p2} crossing.",
    "A court in {p} sentenced {name} to five years in a labour camp in the summer of {y}.",
    "{s} has documented {n} instances involving at least {n2} persons between {y0} and {y}.",
    "A family of {w1} was caught by police at a guesthouse in {p} on {wd}, {s} said.",
    "{name} reached {p} in {m} {y} after a journey of several weeks through China.",
    "The group said the families lost contact with {name} after she crossed the border near {p}.",
]
# Sentences around the events: context, quotes, policy, history, figures that
# are not events (ages, years, money, distances), as in wire stories and NGO notes.
BACKGROUND_SENTENCES = [
    "The ministry said it could not confirm the figures but would raise the matter with Beijing.",
    "Analysts say the tightening of the border since the pandemic has made escape far more dangerous.",
    "Brokers now charge several times what they did a decade ago, and fewer people attempt the journey.",
    "Over {pc} per cent of those sent back were women, {s} said.",
    "It was not clear how many of the {n} escapees were children, {s} said in a statement on {wd}.",
    "The families of the {w} detainees have not heard from them since the night of {m} {d}.",
    "Rights groups urged China not to deport the people held in {p}.",
    "China regards those who cross the border illegally as economic migrants rather than refugees.",
    "Beijing has signed the 1951 Refugee Convention and its 1967 Protocol, which forbid sending people "
    "back to a country where they face persecution.",
    "The foreign ministry in Beijing said it handles such cases in accordance with domestic law, "
    "international law and humanitarian principles.",
    "A spokesperson for the Ministry of Unification in Seoul declined to comment on individual cases.",
    "\u201cWe do not know whether they are alive,\u201d said a relative who asked not to be named for fear "
    "of reprisals.",
    "\u201cThe international community must speak with one voice,\u201d {s} said in a statement.",
    "Those returned are typically interrogated by the Ministry of State Security and may face torture, "
    "forced labour or worse.",
    "Arrivals in South Korea fell from more than a thousand a year before the pandemic to a few dozen in {y0}.",
    "The crossing is about {km} kilometres from the nearest town, and the river freezes in January.",
    "A broker in {p} said the price of a passage had risen to {money} yuan per person.",
    "North Korea reopened its border in {y0} after more than three years of pandemic closures.",
    "The UN Special Rapporteur on human rights in North Korea has repeatedly raised the issue with China.",
    "Satellite images published in {y0} show new fences and guard posts along the Tumen River.",
    "The agency has interviewed defectors in Seoul every year since {y0}.",
    "He is {age} years old and worked as a miner before he left.",
    "The report, the {ord} of its kind, runs to {pages} pages and draws on interviews with survivors.",
    "South Korea's parliament passed a resolution on the issue in {m} by {votes} votes to {votes2}.",
    "Activists held a vigil outside the Chinese embassy in Seoul on {wd} evening.",
    "Most of those who flee are women, many of whom are sold into forced marriages in rural China.",
    "Seoul has accepted more than 30,000 North Koreans since the late 1990s.",
    "The talks in Geneva are due to resume in {m}, officials said.",
    "Neither government responded to requests for comment.",
    "Officials in Pyongyang have not commented on the reports.",
    "The border runs for about 1,400 kilometres along the Yalu and Tumen rivers.",
    "Many of those who escape spend years in hiding before they try to reach a third country.",
    "The route through Laos and Thailand can take a month or more and costs thousands of dollars.",
    "Under a 1986 agreement with Pyongyang, Chinese police hand over people who cross without papers.",
    "Human rights lawyers say the returns breach the principle of non-refoulement.",
    "The number of arrivals in Seoul has not recovered to its level before {y0}.",
    "In a speech in Geneva, the envoy called on all states to respect the rights of refugees.",
    "She said her daughter, {age}, had called her twice from a phone borrowed from a neighbour.",
    "Researchers cross-check each account with at least two other witnesses before publishing it.",
    "Local media in {p} carried no report of the operation.",
    "The embassy said in an email that it had no information about the case.",
]
BOILERPLATE = [
    "Read more: the history of the border protocol and what it means for escapees.",
    "Photo of author", "By Staff Reporter", "Share this article", "[ad_1]", "Advertisement",
    "Related: Inside the camps that hold returned defectors",
    "Copyright {y} Newswire. All rights reserved.", "Sign up for our newsletter",
    "Translated by a volunteer. Edited by the desk.",
]


def _fill(template: str, rng: random.Random, pub: date) -> str:
    y = pub.year - rng.randrange(0, 3)
    s = template.format(
        q=rng.choice(QUALS), n=rng.randrange(2, 900), n2=rng.randrange(900, 2000), p=rng.choice(PLACES),
        p2=rng.choice(PLACES), m=rng.choice(MONTHS), d=rng.randrange(1, 29), y=y, y0=y - rng.randrange(1, 20),
        s=rng.choice(SOURCES), name=rng.choice(NAMES), w=rng.choice(WORD_NUMBERS),
        w1=rng.choice(["three", "four", "five", "six"]), wd=rng.choice(["Monday", "Tuesday", "Friday"]),
        pc=rng.randrange(50, 90), ago=rng.choice(["two", "three", "six"]), km=rng.randrange(3, 80),
        money=rng.choice(["20,000", "35,000", "8,000"]), age=rng.randrange(18, 70), pages=rng.randrange(20, 300),
        ord=rng.choice(["first", "third", "fifth"]), votes=rng.randrange(150, 250), votes2=rng.randrange(0, 20))
    return s[:1].upper() + s[1:]


def make_report(rng: random.Random, event_share: float = 0.05) -> tuple[str, date]:
    """One ~4 KB report and its publication date.

    Shaped like the seeds and the test reports: a headline and byline
    clutter, paragraphs of two to five sentences of which about one in twenty
    asserts an event (so a report holds roughly two to six events), the rest
    context, quotes and figures that are not events, and boilerplate lines
    between and after the paragraphs.
    """
    pub = date(2018, 1, 1) + timedelta(days=rng.randrange(2500))
    head = rng.choice([f"{rng.choice(['China', 'Beijing'])} sends {rng.randrange(5, 700)} escapees back, group says",
                       f"{rng.choice(PLACES)}: families fear for {rng.choice(WORD_NUMBERS)} held defectors",
                       f"Report: {rng.randrange(50, 2000)} North Koreans repatriated since {rng.randrange(2015, 2023)}"])
    parts = [head, ""]
    if rng.random() < 0.6:
        parts.extend([_fill(rng.choice(BOILERPLATE), rng, pub), ""])
    parts.extend([pub.strftime("%B %-d, %Y"), ""])
    size = sum(len(p) + 1 for p in parts)
    first = True
    background: list[str] = []  # drawn without repeats, as a writer would
    while size < 4000:
        para = []
        for _ in range(rng.randrange(2, 6)):
            if first or rng.random() < event_share:
                template = rng.choice(EVENT_SENTENCES)
            else:
                if not background:
                    background = rng.sample(BACKGROUND_SENTENCES, len(BACKGROUND_SENTENCES))
                template = background.pop()
            first = False
            para.append(_fill(template, rng, pub))
        paragraph = " ".join(para)
        parts.extend([paragraph, ""])
        size += len(paragraph) + 2
        if rng.random() < 0.15:
            line = _fill(rng.choice(BOILERPLATE), rng, pub)
            parts.extend([line, ""])
            size += len(line) + 2
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
