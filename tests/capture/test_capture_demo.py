"""The demo corpus: written in every format, reproducible, and every file readable."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from refwatch.capture import iter_input_paths, read_path
from refwatch.demo import DEMO_CSV_MAPPING, load_reports, write_demo_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    dest = tmp_path_factory.mktemp("demo")
    return dest, write_demo_corpus(dest)


def test_texts_are_enough_and_of_report_length() -> None:
    reports = load_reports()
    assert len(reports) >= 14
    for r in reports:
        if r.id != "t02":  # the Korean testimony: words are not space-counted the same way
            assert 120 <= len(r.body.split()) <= 400, r.id


def test_every_format_is_written(corpus: tuple[Path, list[Path]]) -> None:
    _, paths = corpus
    suffixes = Counter(p.suffix for p in paths)
    assert suffixes == {".html": 4, ".pdf": 2, ".warc": 1, ".rss": 1, ".csv": 1, ".txt": 2}


def test_every_file_reads_and_yields_the_expected_documents(corpus: tuple[Path, list[Path]]) -> None:
    dest, _ = corpus
    docs = [d for p in iter_input_paths([str(dest)]) for d in read_path(p, csv_mapping=DEMO_CSV_MAPPING)]
    kinds = Counter(d.kind for d in docs)
    assert kinds == {"article": 4, "pdf": 2, "web_capture": 3, "feed_item": 3, "csv_row": 3, "text": 2}
    assert len({d.sha256 for d in docs}) == len(docs)
    assert all(d.text.strip() and not d.flags for d in docs)
    assert all("DEMO-TRACKER-SCRIPT" not in d.text and "Donate" not in d.text for d in docs)
    languages = Counter(d.language for d in docs)
    assert languages == {"en": 16, "ko": 1}
    assert any("Lee Sun-hee" in d.text and "Tumen" in d.text for d in docs)
    web = [d for d in docs if d.kind == "web_capture"]
    assert all(d.url and d.metadata["captured_at"] for d in web)
    multipage = [d for d in docs if d.kind == "pdf" and len(d.metadata["pages"]) > 1]
    assert multipage


def test_corpus_is_reproducible(corpus: tuple[Path, list[Path]], tmp_path: Path) -> None:
    dest, paths = corpus
    again = write_demo_corpus(tmp_path)
    assert [p.relative_to(tmp_path) for p in again] == [p.relative_to(dest) for p in paths]
    for a, b in zip(paths, again):
        assert a.read_bytes() == b.read_bytes(), a.name
