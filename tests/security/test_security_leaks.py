"""Errors raised with a victim's name in the input must not repeat it."""

from __future__ import annotations

import logging

import pytest

from refwatch.publish.export import export_public, render_public
from refwatch.security import audit, fields, redact, users
from refwatch.security.crypto import new_key
from refwatch.security.roles import Principal, authorize

NAME = "Kim Cheol Ok"
ADMIN = Principal("ada", "admin")


def _calls(engine, tmp_path):
    key = new_key()
    ev = {"id": "e", "type": "arrest", "date": {"earliest": NAME}, "victims": [{"name": NAME}]}
    yield lambda: authorize(Principal("r", "researcher"), f"people.read {NAME}")
    yield lambda: authorize(Principal("r", "researcher"), NAME)
    yield lambda: Principal(NAME, NAME)
    yield lambda: redact.redact_event(ev)
    yield lambda: render_public([dict(ev, date={}, sources=[f"{NAME} Watch"], places=[
        {"name": f"{NAME} village", "kind": "province"}])], "json")
    yield lambda: export_public([], NAME, tmp_path / "x")
    yield lambda: fields.decrypt_field(key, "names", fields.encrypt_field(new_key(), "names", NAME))
    yield lambda: fields.decrypt_field(key, "names", NAME.encode())
    with engine.begin() as conn:
        yield lambda: audit.append(conn, "ada", "people.write", f"person:{NAME}")
        yield lambda: audit.append(conn, "ada", "people.write", "person:1", {"name": NAME})
        yield lambda: audit.append(conn, NAME, "people.write", "person:1")
        yield lambda: users.add_user(conn, ADMIN, NAME, "analyst")
        yield lambda: users.add_user(conn, ADMIN, "kim", NAME)
        yield lambda: users.disable_user(conn, ADMIN, NAME)
        yield lambda: users.new_api_token(conn, ADMIN, NAME)
        yield lambda: users.set_password(conn, ADMIN, NAME, NAME)
        yield lambda: users.authenticate_password(conn, NAME, NAME)
        yield lambda: users.authenticate_token(conn, NAME)
        yield lambda: users.principal_from_env(conn, {"REFWATCH_TOKEN": NAME})


def test_no_error_message_or_log_repeats_a_victims_name(engine, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    raised = 0
    for call in _calls(engine, tmp_path):
        with pytest.raises(Exception) as info:
            call()
        raised += 1
        exc = info.value
        # what a traceback would print: the cause, and the context unless suppressed
        chain = [exc, exc.__cause__, None if exc.__suppress_context__ else exc.__context__]
        for e in filter(None, chain):
            assert "Kim" not in str(e) and "Cheol" not in str(e), (type(e).__name__, str(e))
            assert all("Kim" not in str(a) for a in e.args)
    assert raised == 19
    assert "Kim" not in caplog.text
