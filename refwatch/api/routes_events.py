"""Events, people, statistics and human judgements: each calls ``refwatch.resolve.process``.

The core decides what a role sees (researchers: no victims' names, people as
pseudonyms; public: redacted events); these routes pass the principal down
and serialise what comes back.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any, Literal

from fastapi import APIRouter, Path, Query, Request

from refwatch.api.auth import principal_of
from refwatch.api.schemas import JudgeBody, MergeBody, SplitBody
from refwatch.model.records import to_dict
from refwatch.model.vocab import event_types
from refwatch.resolve import process as core
from refwatch.resolve.events import event_to_dict

router = APIRouter(prefix="/api", tags=["events"])

ID = r"^[A-Za-z0-9_.:-]{1,80}$"
# the vocabulary is data (model/data/event_types.json); the enum only makes it visible in OpenAPI
EventType = Enum("EventType", {t: t for t in event_types()}, type=str)  # type: ignore[misc]


def _ctx(request: Request) -> tuple[Any, bytes]:
    return request.app.state.store, request.app.state.data_key


@router.get("/events")
def events(request: Request, type: EventType | None = Query(None),  # noqa: A002 (the public name)
           from_: date | None = Query(None, alias="from"), to: date | None = Query(None),
           place: str | None = Query(None, min_length=1, max_length=200)) -> list[dict[str, Any]]:
    """Events, oldest first; ``place`` also matches places inside it (a crossing in its province)."""
    store, key = _ctx(request)
    found = core.list_events(store, key, principal=principal_of(request), type_=type.value if type else None, start=from_, end=to,
                             place=place)
    return to_dict([event_to_dict(e) for e in found])


@router.get("/events/{event_id}")
def event(request: Request, event_id: str = Path(pattern=ID)) -> dict[str, Any]:
    """One event: count rule, conflicts by source, claims with evidence, documents, linked people."""
    store, key = _ctx(request)
    return to_dict(core.event_detail(store, key, event_id, principal=principal_of(request)))


@router.post("/events/merge")
def merge(request: Request, body: MergeBody) -> dict[str, Any]:
    """A human "same occurrence": the two events become one, and stay one on every re-run."""
    store, key = _ctx(request)
    principal = principal_of(request)
    return core.merge_events(store, key, body.first, body.second, principal=principal, why=body.why).to_json()


@router.post("/events/{event_id}/split")
def split(request: Request, body: SplitBody, event_id: str = Path(pattern=ID)) -> dict[str, Any]:
    """A human "not the same": this claim leaves the event and is never merged back."""
    store, key = _ctx(request)
    return core.split_event(store, key, event_id, body.claim, principal=principal_of(request),
                            why=body.why).to_json()


@router.post("/claims/{claim_id}/judge")
def judge(request: Request, body: JudgeBody, claim_id: str = Path(pattern=ID)) -> dict[str, Any]:
    """Accept, reject or edit a claim (edit: ``changes`` field → value)."""
    store, key = _ctx(request)
    changes = core.parse_sets([f"{k}={v}" for k, v in (body.changes or {}).items()]) if body.changes else None
    return core.judge_claim(store, key, claim_id, body.verdict, principal=principal_of(request), why=body.why,
                            changes=changes).to_json()


@router.get("/people")
def people(request: Request) -> list[dict[str, Any]]:
    """Case files: with names for analysts and admins (audited), pseudonymised for researchers."""
    store, key = _ctx(request)
    return to_dict(core.people_view(store, key, principal=principal_of(request)))


@router.get("/people/{person_id}")
def person(request: Request, person_id: str = Path(pattern=ID)) -> dict[str, Any]:
    """One case file by id (researchers: by pseudonym). People are never looked up by name in a URL."""
    store, key = _ctx(request)
    return to_dict(core.person_detail(store, key, person_id, principal=principal_of(request)))


@router.get("/stats")
def stats(request: Request, by: Literal["month", "year", "place", "type"] = Query("month")) -> list[dict[str, Any]]:
    """Counts of people (low / best / high) per month, year, place or type; each counted once."""
    store, key = _ctx(request)
    return to_dict(core.statistics(store, key, by, principal=principal_of(request)))


@router.get("/public/events")
def public(request: Request, type: EventType | None = Query(None)) -> list[dict[str, Any]]:  # noqa: A002
    """Redacted events (no names, small events coarsened to the province).

    Only a type filter: a place or date filter would tell which coarsened
    event lies at the exact place or day asked about.
    """
    store, key = _ctx(request)
    return to_dict(core.public_events(store, key, principal=principal_of(request),
                                      type_=type.value if type else None,
                                      gazetteer=_gazetteer()))


def _gazetteer() -> Any:
    try:
        from refwatch.model.gazetteer import load_gazetteer

        return load_gazetteer()
    except Exception:  # without a gazetteer, redaction drops the place detail instead
        return None
