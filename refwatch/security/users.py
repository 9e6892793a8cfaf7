"""Users: add, list, disable, and authenticate by password or API token.

Passwords are hashed with argon2id (argon2-cffi's PasswordHasher). API tokens
are 256-bit random values shown once and stored only as SHA-256: a token has
enough entropy that a fast hash is safe, and a fast hash lets the server find
the user by the token's hash with one indexed look-up.

Login throttle: after ``MAX_FAILURES`` wrong passwords within ``WINDOW`` the
account is locked for ``LOCK_FOR``; a locked or disabled account is refused
even with the right password. The clock is a parameter so tests can move time.
All refusals carry the same message, so a caller cannot tell which user names
exist or why a login failed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Callable, Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select

from refwatch.security import audit
from refwatch.security.roles import Principal, authorize, is_role
from refwatch.store.security_tables import users

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
TOKEN_PREFIX = "rwt_"  # lets secret scanners recognise a leaked token
_NAME = re.compile(r"^[a-z][a-z0-9_.-]{1,63}$")

Clock = Callable[[], datetime]
_hasher = PasswordHasher()  # argon2id with the library's current defaults
_dummy: list[str] = []


def _dummy_hash() -> str:
    """Verified against when the user does not exist, so timing does not reveal it."""
    if not _dummy:
        _dummy.append(_hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[0]


class AuthenticationFailed(Exception):
    """Login refused. One message for every reason (unknown, wrong, locked, disabled)."""

    def __init__(self) -> None:
        super().__init__("authentication failed (wrong credentials, locked or disabled account)")


class UserError(ValueError):
    """A user-management request that cannot be done (message has no secrets)."""


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: str
    disabled: bool
    created_at: datetime
    locked_until: datetime | None
    last_login_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "disabled": self.disabled,
                "created_at": _iso(self.created_at), "locked_until": _iso(self.locked_until),
                "last_login_at": _iso(self.last_login_at)}


@dataclass(frozen=True)
class NewCredentials:
    """What `user add` prints once: nothing here is stored in clear."""

    name: str
    role: str
    password: str
    token: str


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything here is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_password() -> str:
    return secrets.token_urlsafe(18)


def valid_name(name: str) -> bool:
    return bool(_NAME.match(name or ""))


def _check_name(name: str) -> None:
    if not valid_name(name):
        raise UserError("no such user (user names are lower-case letters, digits, _ . -)")


def count_users(conn: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def add_user(conn: Any, actor: Principal | None, name: str, role: str, *,
             clock: Clock = _now, bootstrap: bool = False) -> NewCredentials:
    """Create a user with a random password and API token, returned once.

    ``bootstrap`` lets the first admin be made when no user exists yet (the
    local operator who holds the passphrase); it is refused once any user exists.
    """
    if bootstrap:
        if count_users(conn) > 0:
            raise UserError("users already exist: authenticate as an admin to add more")
        actor_name = LOCAL_OPERATOR
    else:
        authorize(actor, "users.manage")
        actor_name = actor.name  # type: ignore[union-attr]
    if not valid_name(name):
        raise UserError("a user name is 2-64 characters: lower-case letters, digits, _ . -")
    if not is_role(role):
        raise UserError("unknown role; choose one of admin, analyst, researcher, public")
    if conn.execute(select(users.c.id).where(users.c.name == name)).first() is not None:
        raise UserError(f"user {name} already exists")
    password, token = new_password(), new_token()
    conn.execute(users.insert().values(
        name=name, role=role, password_hash=_hasher.hash(password), token_hash=hash_token(token),
        disabled=False, created_at=clock(), created_by=actor_name, failed_logins=0))
    audit.append(conn, actor_name, "users.add", f"user:{name}", {"role": role})
    return NewCredentials(name, role, password, token)


def list_users(conn: Any, actor: Principal) -> list[UserInfo]:
    authorize(actor, "users.manage")
    rows = conn.execute(select(users).order_by(users.c.name))
    return [UserInfo(r.name, r.role, bool(r.disabled), _aware(r.created_at), _aware(r.locked_until),
                     _aware(r.last_login_at)) for r in rows]


def disable_user(conn: Any, actor: Principal, name: str) -> None:
    """Disable a user: password and token stop working at once."""
    authorize(actor, "users.manage")
    _check_name(name)
    result = conn.execute(users.update().where(users.c.name == name).values(disabled=True))
    if result.rowcount == 0:
        raise UserError(f"no user {name}")
    audit.append(conn, actor.name, "users.disable", f"user:{name}")


def new_api_token(conn: Any, actor: Principal, name: str) -> str:
    """Replace a user's API token (the old one stops working); returned once."""
    if actor.name != name:
        authorize(actor, "users.manage")
    _check_name(name)
    token = new_token()
    result = conn.execute(users.update().where(users.c.name == name).values(token_hash=hash_token(token)))
    if result.rowcount == 0:
        raise UserError(f"no user {name}")
    audit.append(conn, actor.name, "users.token", f"user:{name}")
    return token


def set_password(conn: Any, actor: Principal, name: str, password: str) -> None:
    if actor.name != name:
        authorize(actor, "users.manage")
    _check_name(name)
    if len(password) < 12:
        raise UserError("a password needs at least 12 characters")
    result = conn.execute(users.update().where(users.c.name == name).values(
        password_hash=_hasher.hash(password)))
    if result.rowcount == 0:
        raise UserError(f"no user {name}")
    audit.append(conn, actor.name, "users.password", f"user:{name}")


def authenticate_password(conn: Any, name: str, password: str, *, clock: Clock = _now) -> Principal:
    """Check a password, counting failures and locking after too many.

    Writes the failure counter, so commit ``conn`` even when this raises.
    """
    now = clock()
    row = conn.execute(select(users).where(users.c.name == name)).first() if valid_name(name) else None
    if row is None:
        _verify(_dummy_hash(), password)  # same cost as a real check
        raise AuthenticationFailed()
    locked_until = _aware(row.locked_until)
    if row.disabled or (locked_until is not None and now < locked_until):
        _verify(_dummy_hash(), password)
        raise AuthenticationFailed()
    if not (row.password_hash and _verify(row.password_hash, password)):
        _record_failure(conn, row, now)
        raise AuthenticationFailed()
    values: dict[str, Any] = {"failed_logins": 0, "first_failure_at": None, "locked_until": None,
                              "last_login_at": now}
    if _hasher.check_needs_rehash(row.password_hash):
        values["password_hash"] = _hasher.hash(password)
    conn.execute(users.update().where(users.c.id == row.id).values(**values))
    return Principal(row.name, row.role)


def authenticate_token(conn: Any, token: str) -> Principal:
    """Find the user whose token hashes to this one; refuse disabled users."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise AuthenticationFailed()
    digest = hash_token(token)
    row = conn.execute(select(users).where(users.c.token_hash == digest)).first()
    # compare_digest: the look-up is by hash, the final check constant-time anyway
    if row is None or not hmac.compare_digest(row.token_hash or "", digest) or row.disabled:
        raise AuthenticationFailed()
    return Principal(row.name, row.role)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _record_failure(conn: Any, row: Any, now: datetime) -> None:
    first = _aware(row.first_failure_at)
    if first is None or now - first > WINDOW:
        failures, first = 1, now  # a new window starts with this failure
    else:
        failures = row.failed_logins + 1
    values: dict[str, Any] = {"failed_logins": failures, "first_failure_at": first}
    if failures >= MAX_FAILURES:
        values.update(locked_until=now + LOCK_FOR, failed_logins=0, first_failure_at=None)
    conn.execute(users.update().where(users.c.id == row.id).values(**values))
    if failures >= MAX_FAILURES:
        audit.append(conn, "system", "users.locked", f"user:{row.name}",
                     {"failures": failures, "minutes": int(LOCK_FOR.total_seconds() // 60)})


LOCAL_OPERATOR = "local-operator"


def principal_from_env(conn: Any, environ: Mapping[str, str] | None = None, *,
                       clock: Clock = _now) -> Principal:
    """Who runs a command line: the rule documented in docs/security.md.

    1. ``REFWATCH_TOKEN`` (an API token), checked against ``REFWATCH_USER`` if set;
    2. ``REFWATCH_USER`` + ``REFWATCH_PASSWORD``;
    3. while the store has no users at all, the local operator (who just
       unlocked the data key with the passphrase) acts as admin, so the first
       admin can be made; once a user exists this path is closed.
    Anything else is refused. Commit ``conn`` even on failure (failure counts).
    """
    env = os.environ if environ is None else environ
    token, name, password = env.get("REFWATCH_TOKEN"), env.get("REFWATCH_USER"), env.get("REFWATCH_PASSWORD")
    if token:
        principal = authenticate_token(conn, token)
        if name and name != principal.name:
            raise AuthenticationFailed()
        return principal
    if name and password:
        return authenticate_password(conn, name, password, clock=clock)
    if count_users(conn) == 0:
        return Principal(LOCAL_OPERATOR, "admin")
    raise AuthenticationFailed()
