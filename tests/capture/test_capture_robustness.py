"""Damaged input of every format fails as CaptureError, never as a traceback."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from refwatch.capture import CaptureError, read_bytes
from refwatch.demo import write_demo_corpus


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_demo_corpus(tmp_path_factory.mktemp("demo_robust"))


def test_cut_and_corrupted_files_raise_only_capture_errors(demo_files: list[Path]) -> None:
    rng = random.Random(20231009)
    for path in demo_files:
        data = path.read_bytes()
        for attempt in range(6):
            damaged = bytearray(data)
            if attempt % 2 == 0:
                damaged = damaged[: rng.randrange(1, len(damaged))]
            else:
                for _ in range(20):
                    damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            try:
                docs = read_bytes(bytes(damaged), path.name)
            except CaptureError as exc:
                assert exc.reason and "\n" not in exc.reason
            else:
                assert isinstance(docs, list)
