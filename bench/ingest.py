"""Ingest throughput and memory: generated ~4 KB plain-text reports, then HTML.

    .venv/bin/python bench/ingest.py [--n 100000] [--html-n 2000] [--keep DIR]

Prints documents/s for plain text (target >= 2,000/s on 2 cores), HTML through
the full reader (target >= 100/s per core, both cores used), and the peak
resident memory of the whole process tree (target < 500 MB). The reports are
templated English reporting from bench/extract.py (see ``report``). Generating
the files is not timed. With --keep the data folder is left for bench/search.py.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from html import escape
from pathlib import Path

import refwatch.store.ingest as ingest_module
from refwatch.config import Settings
from refwatch.security.crypto import new_key
from refwatch.store import Store, ingest_paths

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract import PLACES, make_report  # noqa: E402  (bench/extract.py: templated English reporting)


def report(rng: random.Random, i: int) -> str:
    """One ~4 KB report in the genre: arrests, detention, repatriation, quotes, background.

    Earlier versions of this bench filled reports with made-up Zipf words; no
    real report reads like that, and such text missed the English shortcut of
    language detection (``refwatch.capture.language``), so every document paid
    for the statistical model. The reports now come from the same templates as
    bench/extract.py (varied names, places, figures, dates, sources), plus a
    reference line that keeps every file distinct.
    """
    body, published = make_report(rng)
    return f"{body}\nRef. RW-{published:%Y%m%d}-{i:06d}\n"


def generate(folder: Path, n: int, html: bool, seed: int = 7) -> None:
    rng = random.Random(seed)
    for i in range(n):
        sub = folder / f"{i // 1000:04d}"
        if i % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        body = report(rng, i)
        if html:
            paras = "".join(f"<p>{escape(para)}</p>" for para in body.split("\n\n") if para.strip())
            page = (f"<!doctype html><html><head><meta charset='utf-8'><title>Report {i}: arrests near "
                    f"{rng.choice(PLACES)}</title><meta name='author' content='Field office'></head><body>"
                    f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Report {i}</h1>"
                    f"{paras}</article><footer>Copyright NGO</footer></body></html>")
            (sub / f"r{i}.html").write_text(page, encoding="utf-8")
        else:
            (sub / f"r{i}.txt").write_text(body, encoding="utf-8")


class TreeRSS(threading.Thread):
    """Samples the memory and CPU time of this process and all its descendants.

    Proportional set size (Pss): pages shared between the workers (forked from
    one server) are counted once overall, not once per process as RSS would.
    Only the process tree is read (smaps_rollup is costly: reading it for every
    process on the machine made this sampler a noticeable load of its own).
    """

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak = 0
        self.samples: list[int] = []
        self.cpu: dict[int, float] = {}  # pid -> latest utime+stime seen (s)
        self.stop = False

    def run(self) -> None:
        while not self.stop:
            self.sample()
            time.sleep(self.interval)

    def sample(self) -> None:
        pss, cpu = tree_usage(os.getpid())
        self.cpu.update(cpu)
        self.samples.append(pss)
        self.peak = max(self.peak, pss)

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU time (this process now, its descendants as last sampled)."""
        own = os.times()
        return own.user + own.system, sum(t for pid, t in self.cpu.items() if pid != os.getpid())

    def trace(self) -> str:
        """Memory at each quarter of the run: flat or growing."""
        n = len(self.samples)
        marks = [self.samples[min(n - 1, n * q // 4)] for q in (1, 2, 3, 4)] if n else []
        return " / ".join(f"{m / 2**20:.0f}" for m in marks)


def _pss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


_TICK = os.sysconf("SC_CLK_TCK")


def tree_usage(root: int) -> tuple[int, dict[int, float]]:
    """(Pss in bytes, {pid: CPU seconds}) of ``root`` and its descendants."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(stat[1])
            cpu[int(entry)] = (int(stat[11]) + int(stat[12])) / _TICK
        except (OSError, IndexError, ValueError):
            continue
    tree, todo = {}, [root]
    while todo:
        pid = todo.pop()
        tree[pid] = cpu.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    total = 0
    for pid in tree:
        try:
            total += _pss(pid)
        except OSError:
            continue
    return total, tree


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def run(label: str, n: int, html: bool, keep: Path | None, workers: int, merge: bool = True) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="refwatch-bench-"))
    inputs = tmp / "in"
    t0 = time.perf_counter()
    generate(inputs, n, html)
    print(f"{label}: generated {n} files in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    data = keep if keep else tmp / "data"
    settings = Settings(data_dir=data, database_url=None, max_file_bytes=50 * 1024 * 1024)
    key = new_key()
    if keep:
        (data).mkdir(parents=True, exist_ok=True)
        (data / "bench.key").write_bytes(key)  # raw data key for bench/search.py (bench only)
    sampler = TreeRSS()
    load_before = loadavg()
    merge_seconds = [0.0]
    real_merge = ingest_module._maybe_optimize  # noqa: SLF001

    def timed_merge(store: Store, added: int) -> None:  # the trigram-index merge that ends a large ingest
        t = time.perf_counter()
        if merge:
            real_merge(store, added)
        merge_seconds[0] += time.perf_counter() - t

    ingest_module._maybe_optimize = timed_merge  # noqa: SLF001
    with Store.init(settings, key) as store:
        sampler.sample()
        cpu0 = sampler.cpu_seconds()
        sampler.start()
        t0, thread0 = time.perf_counter(), time.thread_time()
        summary = ingest_paths(store, [inputs], ingested_by="bench", workers=workers)
        elapsed, writer_thread = time.perf_counter() - t0, time.thread_time() - thread0
    ingest_module._maybe_optimize = real_merge  # noqa: SLF001
    sampler.stop = True
    sampler.join()
    cpu_main, cpu_children = (after - before for after, before in zip(sampler.cpu_seconds(), cpu0))
    cpu = cpu_main + cpu_children
    assert summary.ingested == n and not summary.failed, summary.to_json() | {"failed": summary.failed[:3]}
    rate = n / elapsed
    cores = min(workers, os.cpu_count() or 1)
    print(f"{label}: {n} documents in {elapsed:.1f} s = {rate:,.0f} documents/s "
          f"({rate / cores:,.0f}/s per core, {workers} reader processes; of the time, "
          f"{merge_seconds[0]:.1f} s is the trigram-index merge that ends the ingest; the word index is not merged); "
          f"peak memory (Pss) of process tree {sampler.peak / 2**20:.0f} MB "
          f"(at 1/4, 1/2, 3/4, end: {sampler.trace()} MB); CPU time of the tree {cpu:.1f} s "
          f"({cpu / n * 1e6:,.0f} µs/document; writer process {cpu_main:.1f} s of which its main thread {writer_thread:.1f} s, readers {cpu_children:.1f} s); load average {load_before} before, {loadavg()} after")
    shutil.rmtree(inputs, ignore_errors=True)
    if not keep:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="plain-text documents (default 100000)")
    parser.add_argument("--html-n", type=int, default=2000, help="HTML documents (0 to skip)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="keep the plain-text store here (for bench/search.py)")
    parser.add_argument("--no-merge", action="store_true",
                        help="skip the trigram-index merge that ends a large import (to measure what it costs)")
    args = parser.parse_args()
    if args.n:
        run("plain text", args.n, False, args.keep, args.workers, merge=not args.no_merge)
    if args.html_n:
        run("html", args.html_n, True, None, args.workers)


if __name__ == "__main__":
    main()
