"""Capture throughput on one core: ``python -m refwatch.demo.bench [N]``.

Reads N plain-text documents of about 4 KB and N HTML pages (built from the
demo texts, each made unique) through ``read_bytes`` and prints documents per
second for each. Targets: text well over 3,000/s, HTML at least 100/s.
"""

from __future__ import annotations

import sys
import time

from refwatch.capture import read_bytes
from refwatch.demo.corpus import load_reports, render_html


def _texts(n: int) -> list[bytes]:
    reports = [r for r in load_reports() if r.format != "text" or r.id != "t02"]
    out = []
    for i in range(n):
        body = ""
        j = i
        while len(body) < 4000:
            body += reports[j % len(reports)].body + "\n\n"
            j += 1
        out.append(f"Document {i}\n\n{body[:4096]}".encode("utf-8"))
    return out


def _pages(n: int) -> list[bytes]:
    reports = [r for r in load_reports() if r.format in ("html", "warc", "feed", "csv")]
    return [render_html(reports[i % len(reports)]).replace(b"<h1>", f"<h1>{i} ".encode(), 1) for i in range(n)]


def _rate(items: list[bytes], name: str) -> float:
    start = time.perf_counter()
    for i, data in enumerate(items):
        read_bytes(data, f"{i}{name}")
    return len(items) / (time.perf_counter() - start)


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 2000
    texts, pages = _texts(n), _pages(max(n // 5, 50))
    read_bytes(texts[0], "warm.txt")
    read_bytes("Die Polizei hat sieben Menschen festgenommen.".encode(), "warm.txt")  # loads py3langid's model
    read_bytes(pages[0], "warm.html")
    print(f"plain text (~4 KB): {_rate(texts, '.txt'):,.0f} docs/s over {len(texts)} docs")
    print(f"HTML (trafilatura): {_rate(pages, '.html'):,.0f} docs/s over {len(pages)} pages")


if __name__ == "__main__":
    main(sys.argv[1:])
