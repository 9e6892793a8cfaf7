"""Fixtures for the resolution tests: the gold clustering set as records."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from refwatch.model.records import Claim, Count, DateRange, PlaceRef, Span, Victim

GOLD = Path(__file__).resolve().parents[1] / "data" / "clustering"


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def claim_from_row(row: dict) -> Claim:
    count = Count(**row["count"]) if row.get("count") else None
    return Claim(
        type=row["type"], date=DateRange(_day(row["earliest"]), _day(row["latest"])),
        places=[PlaceRef(name=p, text=p) for p in row["places"]], count=count,
        victims=[Victim(name=v["name"], text=v["name"], sex=v.get("sex"), age=v.get("age"))
                 for v in row["victims"]],
        sources=row["sources"], evidence=[Span(0, len(row["evidence"]), row["evidence"])],
        aggregate=row["aggregate"], document_sha256=row["doc"])


@pytest.fixture(scope="session")
def gold_claims() -> dict[str, Claim]:
    rows = [json.loads(line) for line in (GOLD / "claims.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return {row["id"]: claim_from_row(row) for row in rows}


@pytest.fixture(scope="session")
def gold_truth() -> dict:
    return json.loads((GOLD / "truth.json").read_text(encoding="utf-8"))


def make_claim(type_: str, earliest: str | None, latest: str | None = None, *, count: Count | None = None,
               places: tuple[str, ...] = (), victims: tuple[str, ...] = (), doc: str = "d1",
               evidence: str = "", aggregate: bool = False) -> Claim:
    """A claim in one line, for tests that build their own cases."""
    return Claim(type=type_, date=DateRange(_day(earliest), _day(latest or earliest)),
                 places=[PlaceRef(name=p) for p in places], count=count,
                 victims=[Victim(name=v) for v in victims],
                 evidence=[Span(0, len(evidence), evidence)] if evidence else [],
                 aggregate=aggregate, document_sha256=doc)


@pytest.fixture
def claim():
    return make_claim
