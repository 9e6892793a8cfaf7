"""Cookie sessions, CSRF, login throttling, tokens: what a browser user and an attacker meet."""

from __future__ import annotations

import pytest

from refwatch.api import create_app
from refwatch.security import users
from refwatch.security.roles import Principal

from api_store import ApiWorld


def _login(c, w: ApiWorld, role: str = "analyst"):  # noqa: ANN001, ANN202
    r = c.post("/api/login", json={"name": w.names[role], "password": w.passwords[role]})
    assert r.status_code == 200, r.text
    return r


def test_cookie_is_secure_httponly_samesite_strict_and_host_prefixed(api_world: ApiWorld):
    c = api_world.client()
    cookie = _login(c, api_world).headers["set-cookie"]
    attrs = [a.strip().lower() for a in cookie.split(";")]
    assert cookie.startswith("__Host-refwatch_session=")
    assert {"secure", "httponly", "samesite=strict", "path=/"} <= set(attrs)
    assert not any(a.startswith("domain") for a in attrs)


def test_cookie_flags_can_be_relaxed_only_by_the_factory_for_plain_http_tests(api_world: ApiWorld):
    app = create_app(api_world.settings, api_world.data_key, store=api_world.store, secure_cookies=False)
    from fastapi.testclient import TestClient

    c = TestClient(app, base_url="http://localhost")
    cookie = _login(c, api_world).headers["set-cookie"].lower()
    assert cookie.startswith("refwatch_session=") and "secure" not in cookie
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert c.get("/api/session").json()["via"] == "session"


def test_session_ids_are_stored_only_as_keyed_hashes(api_world: ApiWorld):
    c = api_world.client()
    _login(c, api_world)
    sid = c.cookies.get("__Host-refwatch_session")
    stored = api_world.app.state.sessions._sessions
    assert sid and len(sid) >= 40 and sid not in stored and all(sid not in k for k in stored)


def test_cookie_session_reads_and_logout_ends_it(api_world: ApiWorld):
    c = api_world.client()
    csrf = _login(c, api_world).json()["csrf_token"]
    assert c.get("/api/people").status_code == 200
    assert c.get("/api/session").json() == {"name": "ana", "role": "analyst", "via": "session", "csrf_token": csrf}
    assert c.post("/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert c.get("/api/people").status_code == 401


def test_state_changing_cookie_requests_need_the_csrf_token(api_world: ApiWorld):
    c = api_world.client()
    csrf = _login(c, api_world).json()["csrf_token"]
    body = {"q": "Tumen"}
    for headers in ({}, {"X-CSRF-Token": "x" * len(csrf)}, {"X-CSRF-Token": ""}):
        refused = c.post("/api/search", json=body, headers=headers)
        assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
    assert c.post("/api/logout").status_code == 403  # even logging out
    assert c.post("/api/documents", files={"file": ("x.txt", "detention 2023-11-02 3 Yanji\n")}).status_code == 403
    assert c.post("/api/search", json=body, headers={"X-CSRF-Token": csrf}).status_code == 200
    # another session's token does not fit this one
    other = api_world.client()
    other_csrf = _login(other, api_world).json()["csrf_token"]
    assert c.post("/api/search", json=body, headers={"X-CSRF-Token": other_csrf}).status_code == 403


def test_bearer_requests_need_no_csrf_and_bad_tokens_are_refused(api_world: ApiWorld):
    c = api_world.client()
    assert c.post("/api/search", json={"q": "Tumen"}, headers=api_world.bearer("analyst")).status_code == 200
    for header in ("Bearer rwt_not-a-token", "Bearer ", "Basic YWRhOnB3", "rwt_x"):
        r = c.get("/api/events", headers={"Authorization": header})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    # a wrong bearer token is not rescued by a valid cookie
    _login(c, api_world)
    assert c.get("/api/events", headers={"Authorization": "Bearer rwt_wrong"}).status_code == 401


def test_login_is_throttled_and_the_lock_looks_like_a_wrong_password(api_world: ApiWorld):
    creds = api_world.add_user("victim-of-guessing", "analyst")
    c = api_world.client()
    bad = [c.post("/api/login", json={"name": creds.name, "password": f"guess-{i}"}) for i in range(5)]
    assert [r.status_code for r in bad] == [401] * 5
    locked = c.post("/api/login", json={"name": creds.name, "password": creds.password})  # the right one, 6th
    unknown = c.post("/api/login", data={"name": "nobody-here", "password": "whatever"})  # a form, too
    assert locked.status_code == unknown.status_code == 401
    assert locked.json() == bad[0].json() == unknown.json()
    assert "set-cookie" not in locked.headers
    assert creds.name not in locked.text and "guess" not in locked.text


def test_login_refuses_malformed_bodies_without_echoing_them(api_world: ApiWorld):
    c = api_world.client()
    for kwargs in ({"content": b"{not json", "headers": {"content-type": "application/json"}},
                   {"json": {"name": "Pak Sun Hwa"}}, {"json": ["Pak Sun Hwa"]},
                   {"content": b"Pak Sun Hwa", "headers": {"content-type": "text/plain"}}):
        r = c.post("/api/login", **kwargs)
        assert r.status_code in (415, 422) and "Pak" not in r.text


def test_a_disabled_user_loses_token_access_at_once(api_world: ApiWorld):
    creds = api_world.add_user("leaving-soon", "researcher")
    c = api_world.client()
    headers = {"Authorization": f"Bearer {creds.token}"}
    assert c.get("/api/events", headers=headers).status_code == 200
    with api_world.store.write() as conn:
        users.disable_user(conn, Principal("ada", "admin"), creds.name)
    assert c.get("/api/events", headers=headers).status_code == 401


@pytest.mark.parametrize("when", [31 * 60, 13 * 3600])
def test_sessions_expire_when_idle_or_old(api_world: ApiWorld, when: int):
    sessions = api_world.app.state.sessions
    now = [1000.0]
    original = sessions.clock
    sessions.clock = lambda: now[0]
    try:
        sid, _ = sessions.create(Principal("ana", "analyst"))
        if when > 3600:  # keep it busy, so only the lifetime can end it
            for _ in range(when // 600):
                now[0] += 600
                sessions.get(sid)
        now[0] = 1000.0 + when
        assert sessions.get(sid) is None
    finally:
        sessions.clock = original
