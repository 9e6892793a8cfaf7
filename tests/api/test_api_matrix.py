"""Every route of the app × every role (and anonymous): allow or deny exactly as the tables say.

The routes are enumerated from the app itself (``routes_of``), so a route
added without an entry in ``model/data/route_actions.json`` fails the first
test; the expected outcome of each call is worked out from that table and
``permissions.json``, never written by hand.
"""

from __future__ import annotations

from itertools import count
from typing import Any, Callable

from refwatch.api.app import routes_of
from refwatch.api.auth import route_table
from refwatch.security.roles import matrix

from api_store import API_ROLES, NAMED, ApiWorld

_serial = count()


def _events(w: ApiWorld, c: Any) -> list[dict[str, Any]]:
    r = c.get("/api/events", headers=w.bearer("admin"))
    assert r.status_code == 200
    return r.json()


def _two_summer_events(w: ApiWorld, c: Any) -> list[str]:
    found = [e["id"] for e in _events(w, c)
             if e["type"] == "repatriation" and not e["date"]["earliest"].startswith("2023-10")]
    return found[:2] if len(found) >= 2 else ["no-such-event", "no-such-event-2"]


def _splittable(w: ApiWorld, c: Any) -> tuple[str, str]:
    event = next((e for e in _events(w, c) if len(e["claim_ids"]) >= 2), None)
    return (event["id"], event["claim_ids"][0]) if event else ("no-such-event", "no-such-claim")


def _person(w: ApiWorld, c: Any, role: str | None) -> str:
    if role == "researcher":
        return c.get("/api/people", headers=w.bearer("researcher")).json()[0]["pseudonym"]
    return c.get("/api/people", headers=w.bearer("admin")).json()[0]["id"]


def _plain_document(w: ApiWorld, c: Any) -> str:
    docs = c.get("/api/documents", headers=w.bearer("admin")).json()
    return str(next(d["id"] for d in docs if "testimony" not in (d["filename"] or "")))


Call = dict[str, Any]
# How to call each route, worked out just before the call (merges and splits change the ids).
CALLS: dict[str, Callable[[ApiWorld, Any, str | None], Call]] = {
    "GET /api/health": lambda w, c, r: {"url": "/api/health"},
    "GET /api/openapi.json": lambda w, c, r: {"url": "/api/openapi.json"},
    "POST /api/login": lambda w, c, r: {"url": "/api/login",
                                        "json": {"name": w.names[r or "public"], "password": w.passwords[r or "public"]}},
    "POST /api/logout": lambda w, c, r: {"url": "/api/logout"},
    "GET /api/session": lambda w, c, r: {"url": "/api/session"},
    "GET /api/documents": lambda w, c, r: {"url": "/api/documents"},
    "POST /api/documents": lambda w, c, r: {
        "url": "/api/documents",
        "files": {"file": (f"new{next(_serial)}.txt", f"detention 2023-11-{10 + next(_serial) % 18} 7 Yanji\n")}},
    "GET /api/documents/{doc_id}": lambda w, c, r: {"url": f"/api/documents/{_plain_document(w, c)}"},
    "GET /api/search": lambda w, c, r: {"url": "/api/search", "params": {"q": "Tumen"}},
    "POST /api/search": lambda w, c, r: {"url": "/api/search", "json": {"q": "Tumen"}},
    "GET /api/events": lambda w, c, r: {"url": "/api/events", "params": {"type": "repatriation"}},
    "GET /api/events/{event_id}": lambda w, c, r: {"url": f"/api/events/{_events(w, c)[0]['id']}"},
    "POST /api/events/merge": lambda w, c, r: dict(zip(("first", "second"), _two_summer_events(w, c)),
                                                   url="/api/events/merge", why="same convoy"),
    "POST /api/events/{event_id}/split": lambda w, c, r: (lambda e: {
        "url": f"/api/events/{e[0]}/split", "json": {"claim": e[1], "why": "another crossing"}})(_splittable(w, c)),
    "POST /api/claims/{claim_id}/judge": lambda w, c, r: {
        "url": f"/api/claims/{_events(w, c)[0]['claim_ids'][0]}/judge", "json": {"verdict": "accept", "why": "checked"}},
    "GET /api/people": lambda w, c, r: {"url": "/api/people"},
    "GET /api/people/{person_id}": lambda w, c, r: {"url": f"/api/people/{_person(w, c, r)}"},
    "GET /api/stats": lambda w, c, r: {"url": "/api/stats", "params": {"by": "month"}},
    "GET /api/public/events": lambda w, c, r: {"url": "/api/public/events"},
}


def expected_allowed(route: str, role: str | None) -> bool:
    rule = route_table()[route]
    if rule.auth == "none":
        return True
    if role is None:
        return False
    table = matrix()
    return rule.auth == "any" or all(role in table[a] for a in rule.actions)


def _send(c: Any, method: str, call: Call, headers: dict[str, str]) -> Any:
    call = dict(call)
    url = call.pop("url")
    if method == "POST" and "json" not in call and "files" not in call:
        body = {k: call.pop(k) for k in list(call) if k != "params"}
        call["json"] = body or None
    return c.request(method, url, headers=headers, **call)


def test_every_route_has_a_table_entry_and_every_entry_a_route(api_world: ApiWorld):
    declared = {f"{m} {p}" for m, p in routes_of(api_world.app)}
    assert declared == set(route_table()) == set(CALLS)


def test_every_route_through_every_role(api_world: ApiWorld):
    w = api_world
    c = w.client()
    surprises, calls, allowed = [], 0, 0
    for method, path in routes_of(w.app):
        route = f"{method} {path}"
        for role in (*API_ROLES, None):
            call = CALLS[route](w, c, role)
            response = _send(c, method, call, w.bearer(role))
            calls += 1
            expect = expected_allowed(route, role)
            allowed += expect
            ok = 200 <= response.status_code < 300 if expect else response.status_code == (401 if role is None else 403)
            if not ok:
                surprises.append((route, role, expect, response.status_code, response.text[:200]))
            if not expect:
                assert NAMED not in response.text
                assert set(response.json()) <= {"error", "hint"}
            c.cookies.clear()  # a login of this walk must not authenticate the next anonymous call
    print(f"api matrix: {len(CALLS)} routes x {len(API_ROLES) + 1} callers = {calls} calls, "
          f"{allowed} allowed, {calls - allowed} denied, {len(surprises)} surprises")
    assert surprises == []
