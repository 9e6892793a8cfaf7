"""Health, login, logout, and who am I."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

import refwatch
from refwatch.api import auth
from refwatch.api.errors import ApiError
from refwatch.api.responses import SafeJSONResponse
from refwatch.api.schemas import LoginBody, LoginResult, SessionInfo
from refwatch.security import users
from refwatch.security.roles import Principal

router = APIRouter(prefix="/api", tags=["session"])
MAX_LOGIN_BODY = 8192


@router.get("/health")
def health() -> dict[str, str]:
    """Liveness only: says nothing about the store or its users."""
    return {"status": "ok", "version": refwatch.__version__}


async def _login_body(request: Request) -> LoginBody:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind == "application/json":
            raw = await request.body()
            if len(raw) > MAX_LOGIN_BODY:
                raise ApiError(413, "request too large")
            data = json.loads(raw or b"{}")
        elif kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.form(max_files=0, max_fields=4, max_part_size=MAX_LOGIN_BODY)
            data = {k: v for k, v in form.items() if isinstance(v, str)}
        else:
            raise ApiError(415, "send name and password as JSON or as a form")
        if not isinstance(data, dict):
            raise ValueError
        return LoginBody.model_validate(data)
    except (ValueError, ValidationError):  # json errors are ValueErrors; no input is repeated
        raise ApiError(422, "invalid login request", "send name and password") from None


def _check_password(request: Request, body: LoginBody) -> Principal:
    store = request.app.state.store
    failed = None
    with store.write() as conn:  # the failure counter is committed even when the login is refused
        try:
            principal = users.authenticate_password(conn, body.name, body.password)
        except users.AuthenticationFailed as exc:
            failed = exc
    if failed is not None:
        raise failed
    return principal


@router.post("/login", response_model=LoginResult,
             openapi_extra={"requestBody": {"content": {
                 "application/json": {"schema": LoginBody.model_json_schema()},
                 "application/x-www-form-urlencoded": {"schema": LoginBody.model_json_schema()}}}})
async def login(request: Request) -> Response:
    """Check name and password (throttled: locked after 5 failures); start a cookie session.

    Every refusal has the same message. Returns the CSRF token to send in
    X-CSRF-Token with every state-changing request of this session.
    """
    body = await _login_body(request)
    principal = await run_in_threadpool(_check_password, request, body)
    state = request.app.state
    old = request.cookies.get(auth.cookie_name(state.secure_cookies))
    state.sessions.drop(old)  # never keep a session id chosen before the login
    sid, session = state.sessions.create(principal)
    response = SafeJSONResponse(LoginResult(name=principal.name, role=principal.role, csrf_token=session.csrf,
                                            expires_in=auth.IDLE).model_dump())
    auth.set_session_cookie(response, sid, state.secure_cookies)
    return response


@router.post("/logout", status_code=204)
def logout(request: Request) -> Response:
    """End this cookie session (a bearer token stays valid: `refwatch user token` replaces it)."""
    caller: auth.Caller = request.state.caller
    state = request.app.state
    response = Response(status_code=204)
    if caller.via == "session":
        state.sessions.drop(caller.sid)
        auth.clear_session_cookie(response, state.secure_cookies)
    return response


@router.get("/session", response_model=SessionInfo)
def session_info(request: Request) -> SessionInfo:
    """Who is logged in, and (for a cookie session) its CSRF token again, e.g. after a page reload."""
    caller: auth.Caller = request.state.caller
    return SessionInfo(name=caller.principal.name, role=caller.principal.role, via=caller.via,
                       csrf_token=caller.session.csrf if caller.session else None)
