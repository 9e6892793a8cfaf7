"""Every failure becomes ``{"error": ..., "hint": ...}`` with a fitting status, nothing more.

Rules: no stack trace, no request value echoed back (a query or an id may be a
name), no value read from the store. FastAPI's own validation errors repeat
the offending input, so they are replaced by the field names only. The core's
``ProcessError`` messages quote the value they refused (``'...'``); the quoted
part is cut out before the message is shown.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from refwatch.api.responses import SafeJSONResponse, error_response
from refwatch.resolve.process import ProcessError
from refwatch.security.roles import PermissionDenied
from refwatch.security.users import AuthenticationFailed

log = logging.getLogger("refwatch.api")

LOGIN_HINT = "log in (POST /api/login) or send Authorization: Bearer <API token>"
_QUOTES = "'\""


class ApiError(Exception):
    """Raised by routes and the auth layer; becomes the JSON error as is."""

    def __init__(self, status: int, error: str, hint: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(error)
        self.status, self.error, self.hint, self.headers = status, error, hint, headers


def unauthenticated(error: str = "not logged in") -> ApiError:
    return ApiError(401, error, LOGIN_HINT, headers={"WWW-Authenticate": "Bearer"})


def not_found(what: str = "resource") -> ApiError:
    return ApiError(404, f"no such {what}")


def without_values(message: str, limit: int = 200) -> str:
    """Drop the quoted part of a core message: from the first quote to the last.

    Every value the core repeats is quoted (``{value!r}``); a value holding
    quotes itself still lies between the first and the last quote.
    """
    first = min((i for i in (message.find(q) for q in _QUOTES) if i >= 0), default=-1)
    if first >= 0:
        last = max(message.rfind(q) for q in _QUOTES)
        message = message[:first] + "<value>" + message[last + 1:]
    return message[:limit]


def process_error(exc: ProcessError) -> ApiError:
    message = str(exc)
    if message.startswith("no ") or "pseudonym" in message:
        return ApiError(404, "not found", "ids come from the list routes; researchers use pseudonyms")
    return ApiError(422, without_values(message))


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> SafeJSONResponse:
        return error_response(exc.status, exc.error, exc.hint, exc.headers)

    @app.exception_handler(AuthenticationFailed)
    async def _auth(_: Request, exc: AuthenticationFailed) -> SafeJSONResponse:
        e = unauthenticated(str(exc))
        return error_response(e.status, e.error, e.hint, e.headers)

    @app.exception_handler(PermissionDenied)
    async def _denied(_: Request, exc: PermissionDenied) -> SafeJSONResponse:
        if exc.role is None:
            e = unauthenticated()
            return error_response(e.status, e.error, e.hint, e.headers)
        return error_response(403, str(exc), "ask an admin for a role that allows this")

    @app.exception_handler(ProcessError)
    async def _process(_: Request, exc: ProcessError) -> SafeJSONResponse:
        e = process_error(exc)
        return error_response(e.status, e.error, e.hint)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> SafeJSONResponse:
        fields: set[str] = set()
        for err in exc.errors():
            if err.get("type") == "extra_forbidden":  # the key is the caller's: do not repeat it
                fields.add("(unexpected fields)")
                continue
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
            if loc:  # the declared field only; nested keys may be the caller's
                fields.add(loc[0])
        hint = "check " + ", ".join(sorted(fields)[:10]) if fields else None
        return error_response(422, "invalid request", hint)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> SafeJSONResponse:
        texts = {404: "not found", 405: "method not allowed", 413: "request too large"}
        return error_response(exc.status_code, texts.get(exc.status_code, "request refused"),
                              headers=getattr(exc, "headers", None))
