"""Who is calling, and may they: bearer tokens, cookie sessions, CSRF, the route table.

Sessions are server-side. The cookie holds a random 256-bit session id; the
server keeps only HMAC-SHA256(session key, id), the session key being derived
from the data key (``crypto.subkey(data_key, "sessions")``), so a memory dump
of the session table cannot be replayed as cookies. A session ends after
``IDLE`` without use, after ``LIFETIME`` in any case, on logout, and when the
server restarts (sessions are not persisted: logging in again is cheap, a
stolen session file would not be).

CSRF: a cookie-authenticated request that changes state (any method but GET,
HEAD, OPTIONS) must carry the session's CSRF token in ``X-CSRF-Token``
(synchronizer token: the server compares against the value it stored, in
constant time). Bearer-token requests need none: a browser never attaches
the Authorization header on its own.

The route table (``model/data/route_actions.json``) is enforced here, before a
route runs, by ``guard``; a route missing from the table is refused (fail
closed). The core functions check the same permissions again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from starlette.responses import Response

from refwatch.api.errors import ApiError, unauthenticated
from refwatch.model import vocab
from refwatch.security import users
from refwatch.security.crypto import subkey
from refwatch.security.roles import Principal, authorize_all

IDLE = 30 * 60  # seconds
LIFETIME = 12 * 60 * 60
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def cookie_name(secure: bool) -> str:
    """``__Host-`` makes the browser insist on Secure, path / and no Domain (when Secure is on)."""
    return "__Host-refwatch_session" if secure else "refwatch_session"


@dataclass
class Session:
    principal: Principal
    csrf: str
    created: float
    last_seen: float


@dataclass
class SessionStore:
    """In-memory sessions keyed by the HMAC of their id. Thread-safe."""

    key: bytes
    clock: Any = time.monotonic
    _sessions: dict[str, Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def for_data_key(cls, data_key: bytes) -> "SessionStore":
        return cls(subkey(data_key, "sessions"))

    def _digest(self, sid: str) -> str:
        return hmac.new(self.key, sid.encode("utf-8"), hashlib.sha256).hexdigest()

    def create(self, principal: Principal) -> tuple[str, Session]:
        sid = secrets.token_urlsafe(32)
        now = self.clock()
        session = Session(principal, secrets.token_urlsafe(32), now, now)
        with self._lock:
            self._expire(now)
            self._sessions[self._digest(sid)] = session
        return sid, session

    def get(self, sid: str | None) -> Session | None:
        if not sid or len(sid) > 100:
            return None
        now = self.clock()
        with self._lock:
            digest = self._digest(sid)
            session = self._sessions.get(digest)
            if session is None:
                return None
            if now - session.last_seen > IDLE or now - session.created > LIFETIME:
                del self._sessions[digest]
                return None
            session.last_seen = now
            return session

    def drop(self, sid: str | None) -> None:
        if sid:
            with self._lock:
                self._sessions.pop(self._digest(sid), None)

    def drop_user(self, name: str) -> None:
        with self._lock:
            for digest in [d for d, s in self._sessions.items() if s.principal.name == name]:
                del self._sessions[digest]

    def _expire(self, now: float) -> None:
        for digest in [d for d, s in self._sessions.items()
                       if now - s.last_seen > IDLE or now - s.created > LIFETIME]:
            del self._sessions[digest]

    def __len__(self) -> int:
        return len(self._sessions)


def set_session_cookie(response: Response, sid: str, secure: bool) -> None:
    response.set_cookie(cookie_name(secure), sid, max_age=LIFETIME, path="/", secure=secure,
                        httponly=True, samesite="strict")


def clear_session_cookie(response: Response, secure: bool) -> None:
    response.delete_cookie(cookie_name(secure), path="/", secure=secure, httponly=True, samesite="strict")


# --- the route table -------------------------------------------------------------------------------

@dataclass(frozen=True)
class RouteRule:
    auth: str  # "none", "any" or "actions"
    actions: tuple[str, ...]


def route_table() -> dict[str, RouteRule]:
    """``"GET /api/documents"`` → what it needs, from model/data/route_actions.json."""
    table = {}
    for key, entry in vocab.load("route_actions")["routes"].items():
        auth = entry.get("auth", "actions")
        if auth not in ("none", "any", "actions"):
            raise ValueError(f"route_actions.json: bad auth for {key}")
        table[key] = RouteRule(auth, tuple(entry.get("actions", ())))
    return table


def route_key(request: Request) -> str | None:
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return f"{request.method} {path}" if path else None


@dataclass(frozen=True)
class Caller:
    principal: Principal
    via: str  # "token" or "session"
    session: Session | None = None
    sid: str | None = None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise unauthenticated("malformed Authorization header")
    return value.strip()


def identify(request: Request) -> Caller | None:
    """The caller from a bearer token (preferred) or the session cookie; None if neither.

    A bearer token that does not authenticate is refused outright, never
    silently replaced by the cookie.
    """
    state = request.app.state
    token = _bearer(request)
    if token is not None:
        with state.store.read() as conn:
            principal = users.authenticate_token(conn, token)  # AuthenticationFailed → 401
        return Caller(principal, "token")
    sid = request.cookies.get(cookie_name(state.secure_cookies))
    session = state.sessions.get(sid)
    if session is None:
        return None
    return Caller(session.principal, "session", session, sid)


def check_csrf(request: Request, caller: Caller) -> None:
    if caller.via != "session" or request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not (caller.session and sent and hmac.compare_digest(sent.encode(), caller.session.csrf.encode())):
        raise ApiError(403, "missing or wrong CSRF token",
                       f"send the token /api/login returned in the {CSRF_HEADER} header")


def guard(request: Request) -> None:
    """App-wide dependency: enforce the route table, authenticate, check CSRF.

    Sets ``request.state.caller`` (None for routes open to anyone).
    """
    request.state.caller = None
    key = route_key(request)
    rule = request.app.state.routes.get(key) if key else None
    if rule is None:  # a route without a table entry: refuse, it was never reviewed
        raise ApiError(403, "this route has no permission entry", "add it to route_actions.json")
    if rule.auth == "none":
        return
    caller = identify(request)
    if caller is None:
        raise unauthenticated()
    if rule.auth == "actions":
        authorize_all(caller.principal, *rule.actions)  # PermissionDenied → 403
    check_csrf(request, caller)
    request.state.caller = caller


def principal_of(request: Request) -> Principal:
    caller = getattr(request.state, "caller", None)
    if caller is None:
        raise unauthenticated()
    return caller.principal
