from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from refwatch.security import audit, users
from refwatch.security.roles import PermissionDenied, Principal
from refwatch.security.users import AuthenticationFailed, UserError
from refwatch.store.security_tables import users as users_table

ADMIN = Principal("ada", "admin")


def _add(engine, name="bob", role="analyst", clock=None):
    with engine.begin() as conn:
        kwargs = {"clock": clock} if clock else {}
        return users.add_user(conn, ADMIN, name, role, **kwargs)


def test_password_and_token_are_stored_only_hashed(engine):
    creds = _add(engine)
    with engine.connect() as conn:
        row = conn.execute(select(users_table)).one()
    assert row.password_hash.startswith("$argon2id$")
    assert creds.password not in row.password_hash
    assert row.token_hash == users.hash_token(creds.token) and creds.token not in str(tuple(row))
    assert len(creds.token) > 40 and creds.token.startswith("rwt_")


def test_login_by_password_and_by_token(engine):
    creds = _add(engine)
    with engine.begin() as conn:
        assert users.authenticate_password(conn, "bob", creds.password) == Principal("bob", "analyst")
        assert users.authenticate_token(conn, creds.token) == Principal("bob", "analyst")


def test_bootstrap_makes_only_the_first_admin(engine):
    with engine.begin() as conn:
        users.add_user(conn, None, "root-admin", "admin", bootstrap=True)
    with engine.begin() as conn, pytest.raises(UserError):
        users.add_user(conn, None, "second", "admin", bootstrap=True)


def test_only_admins_manage_users(engine):
    _add(engine)
    for role in ("analyst", "researcher", "public"):
        with engine.begin() as conn, pytest.raises(PermissionDenied):
            users.add_user(conn, Principal("x", role), "eve", "admin")
        with engine.begin() as conn, pytest.raises(PermissionDenied):
            users.disable_user(conn, Principal("x", role), "bob")


@pytest.mark.parametrize("role", ["Admin", "root", "admin ", "analyst;admin"])
def test_user_add_refuses_made_up_roles(engine, role):
    with engine.begin() as conn, pytest.raises(UserError):
        users.add_user(conn, ADMIN, "eve", role)


def test_disabled_user_is_refused_by_password_and_token(engine):
    creds = _add(engine)
    with engine.begin() as conn:
        users.disable_user(conn, ADMIN, "bob")
    with engine.begin() as conn:
        with pytest.raises(AuthenticationFailed):
            users.authenticate_password(conn, "bob", creds.password)
        with pytest.raises(AuthenticationFailed):
            users.authenticate_token(conn, creds.token)


def test_lock_after_five_failures_in_fifteen_minutes_then_unlock(engine, clock):
    creds = _add(engine, clock=clock)
    for _ in range(5):  # failures at minutes 0..4: locked until minute 19
        with engine.begin() as conn, pytest.raises(AuthenticationFailed):
            users.authenticate_password(conn, "bob", "wrong-password", clock=clock)
        clock.advance(minutes=1)
    # locked: even the right password is refused, with the same message
    with engine.begin() as conn, pytest.raises(AuthenticationFailed) as info:
        users.authenticate_password(conn, "bob", creds.password, clock=clock)
    assert "locked or disabled" in str(info.value)
    clock.advance(minutes=13)  # minute 18
    with engine.begin() as conn, pytest.raises(AuthenticationFailed):
        users.authenticate_password(conn, "bob", creds.password, clock=clock)
    clock.advance(minutes=2)  # minute 20: the lock has expired
    with engine.begin() as conn:
        assert users.authenticate_password(conn, "bob", creds.password, clock=clock).name == "bob"
    with engine.connect() as conn:
        assert [e.action for e in audit.read(conn)] == ["users.add", "users.locked"]


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(engine, clock):
    creds = _add(engine, clock=clock)
    for burst in range(2):  # 4 failures, a pause longer than the window, 4 more
        for _ in range(4):
            with engine.begin() as conn, pytest.raises(AuthenticationFailed):
                users.authenticate_password(conn, "bob", "wrong-password", clock=clock)
            clock.advance(seconds=30)
        clock.advance(minutes=16)
    with engine.begin() as conn:
        assert users.authenticate_password(conn, "bob", creds.password, clock=clock).name == "bob"


def test_a_successful_login_resets_the_count(engine, clock):
    creds = _add(engine, clock=clock)
    for _ in range(3):
        for _ in range(4):
            with engine.begin() as conn, pytest.raises(AuthenticationFailed):
                users.authenticate_password(conn, "bob", "nope", clock=clock)
        with engine.begin() as conn:
            users.authenticate_password(conn, "bob", creds.password, clock=clock)


def test_unknown_user_and_wrong_password_fail_alike(engine):
    _add(engine)
    messages = set()
    for name, password in (("bob", "wrong"), ("nobody", "wrong"), ("Robert'); DROP TABLE users;--", "x")):
        with engine.begin() as conn, pytest.raises(AuthenticationFailed) as info:
            users.authenticate_password(conn, name, password)
        messages.add(str(info.value))
    assert len(messages) == 1


def test_guessed_and_altered_tokens_are_refused(engine):
    creds = _add(engine)
    flipped = creds.token[:-1] + ("A" if creds.token[-1] != "A" else "B")
    guesses = [flipped, creds.token[:-1], creds.token + "x", creds.token.upper(), "",
               users.hash_token(creds.token), "rwt_", "rwt_" + "A" * 43]
    guesses += [users.new_token() for _ in range(200)]
    guesses += ["rwt_" + secrets.token_urlsafe(32) for _ in range(200)]
    with engine.begin() as conn:
        for guess in guesses:
            with pytest.raises(AuthenticationFailed):
                users.authenticate_token(conn, guess)
        assert users.authenticate_token(conn, creds.token).name == "bob"


def test_new_token_replaces_the_old_one(engine):
    creds = _add(engine)
    with engine.begin() as conn:
        fresh = users.new_api_token(conn, ADMIN, "bob")
    with engine.begin() as conn:
        with pytest.raises(AuthenticationFailed):
            users.authenticate_token(conn, creds.token)
        assert users.authenticate_token(conn, fresh).name == "bob"


def test_list_users_shows_no_secrets(engine):
    _add(engine)
    with engine.connect() as conn:
        listed = [u.to_dict() for u in users.list_users(conn, ADMIN)]
    assert listed[0]["name"] == "bob" and listed[0]["role"] == "analyst"
    assert not any("hash" in key or "password" in key or "token" in key for key in listed[0])
