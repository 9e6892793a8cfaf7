"""The application factory: ``create_app(settings, data_key)``.

Thin, as DESIGN.md asks: routes validate, call the same core functions the
command line calls (which check the principal themselves), and serialise.
Around them: the route table guard (``auth.guard``), JSON errors without
values (``errors``), and ``SecurityHeaders`` on every response, errors and
crashes included.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from fastapi import Depends, FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import refwatch
from refwatch.api import auth, errors, routes_documents, routes_events, routes_session
from refwatch.api.responses import dumps
from refwatch.config import Settings

log = logging.getLogger("refwatch.api")

HEADERS = [
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),  # every response: most name what only a logged-in user may see
]
HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    """Adds the headers to every response, and turns a crash into a plain JSON 500.

    Pure ASGI (not BaseHTTPMiddleware) so that streaming and the upload's
    body counting are untouched. The exception is logged by type only: its
    message or traceback locals could hold a name.
    """

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self.extra = [HSTS] if hsts else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {b"content-security-policy", b"x-content-type-options", b"referrer-policy",
                         b"x-frame-options", b"cross-origin-resource-policy", b"cache-control",
                         b"strict-transport-security"}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + HEADERS + self.extra
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            log.error("request failed: %s", type(exc).__name__)
            if started:
                raise
            body = dumps({"error": "internal error", "hint": "the server log has the error type; "
                                                              "no details are shown"})
            await send_with_headers({"type": "http.response.start", "status": 500,
                                     "headers": [(b"content-type", b"application/json"),
                                                 (b"content-length", str(len(body)).encode())]})
            await send_with_headers({"type": "http.response.body", "body": body})


def create_app(settings: Settings, data_key: bytes, *, secure_cookies: bool = True, store: Any = None) -> FastAPI:
    """The HTTP API over the store in ``settings``, opened with ``data_key``.

    ``secure_cookies=False`` is for tests and plain http://localhost only (the
    session cookie then lacks Secure and the ``__Host-`` prefix). ``store``:
    an already opened store to use (and not close); else one is opened here
    and closed on shutdown.
    """
    from refwatch.api.responses import SafeJSONResponse
    from refwatch.store import Store

    owned = store is None
    opened = Store.open(settings, data_key) if owned else store

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            opened.close()

    app = FastAPI(lifespan=lifespan, title="Refwatch API", version=refwatch.__version__,
                  description="Events, people and documents on forced repatriation. Every route needs the "
                              "permission listed in route_actions.json; see README 'HTTP API'.",
                  docs_url=None, redoc_url=None,  # the UIs load scripts from a CDN: not here
                  openapi_url="/api/openapi.json", default_response_class=SafeJSONResponse,
                  dependencies=[Depends(auth.guard)],
                  responses={401: {"model": errors_model()}, 403: {"model": errors_model()},
                             422: {"model": errors_model()}})
    app.state.store = opened
    app.state.data_key = data_key
    app.state.settings = settings
    app.state.secure_cookies = secure_cookies
    app.state.sessions = auth.SessionStore.for_data_key(data_key)
    app.state.routes = auth.route_table()
    errors.install(app)
    for module in (routes_session, routes_documents, routes_events):
        app.include_router(module.router)
    app.add_middleware(SecurityHeaders, hsts=secure_cookies)

    return app


def errors_model() -> Any:
    from refwatch.api.schemas import ErrorBody

    return ErrorBody


def routes_of(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, included routers flattened; HEAD left out.

    The matrix test and the route table check walk this list, so a new route
    without a route_actions.json entry is noticed.
    """
    try:
        from fastapi.routing import iter_route_contexts

        flat = [rc.original_route for rc in iter_route_contexts(app.routes)]
    except ImportError:  # older FastAPI keeps included routes flat
        flat = list(app.routes)
    found = []
    for route in flat:
        for method in sorted(getattr(route, "methods", None) or ()):
            if method != "HEAD":
                found.append((method, route.path))
    return found
