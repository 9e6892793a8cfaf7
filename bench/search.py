"""Search latency over generated reports: p50/p95 of two-word queries (target p95 < 50 ms).

    .venv/bin/python bench/search.py [--n 100000] [--data DIR] [--queries 300]

With --data DIR, searches the store that ``bench/ingest.py --keep DIR`` left
(its raw key is in DIR/bench.key); otherwise builds one of --n documents first.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from ingest import generate  # noqa: E402  (bench/ingest.py)

from refwatch.config import Settings  # noqa: E402
from refwatch.security.crypto import new_key  # noqa: E402
from refwatch.store import Store, ingest_paths, search  # noqa: E402


def build(n: int) -> tuple[Settings, bytes]:
    tmp = Path(tempfile.mkdtemp(prefix="refwatch-search-"))
    generate(tmp / "in", n, html=False)
    settings = Settings(data_dir=tmp / "data", database_url=None, max_file_bytes=50 * 2**20)
    key = new_key()
    with Store.init(settings, key) as store:
        t0 = time.perf_counter()
        ingest_paths(store, [tmp / "in"], ingested_by="bench")
        print(f"built a store of {n} documents in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return settings, key


def sample_queries(store: Store, rng: random.Random, count: int) -> list[str]:
    """Two words taken from random stored documents: as common as the corpus makes them."""
    from sqlalchemy import func, select

    from refwatch.store.schema import documents as table

    queries = []
    with store.read() as conn:
        top = conn.scalar(select(func.max(table.c.id)))
        while len(queries) < count:
            body = conn.scalar(select(table.c.text).where(table.c.id == rng.randint(1, top))) or ""
            words = [w.strip(".,") for w in body.split() if len(w.strip(".,")) >= 3 and not w[0].isdigit()]
            if len(words) >= 2:
                queries.append(" ".join(rng.sample(words, 2)))
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if args.data:
        settings = Settings(data_dir=args.data, database_url=None, max_file_bytes=50 * 2**20)
        key = (args.data / "bench.key").read_bytes()
    else:
        settings, key = build(args.n)
    rng = random.Random(args.seed)
    with Store.open(settings, key) as store:
        queries = sample_queries(store, rng, args.queries)
        for q in queries[:10]:  # warm the page cache
            search(store, q)
        times, hits = [], 0
        for q in queries:
            t0 = time.perf_counter()
            hits += len(search(store, q, limit=20))
            times.append((time.perf_counter() - t0) * 1000)
        with store.read() as conn:
            from refwatch.store import documents

            n = documents.count(conn)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"search over {n} documents, {len(queries)} two-word queries (words sampled from stored texts): p50 {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms ({hits / len(queries):.1f} hits per query)")


if __name__ == "__main__":
    main()
