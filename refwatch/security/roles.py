"""Roles, principals and the permission check every core function makes.

The matrix is data (``model/data/permissions.json``: action → allowed roles),
so docs/security.md and the tests read the same table the code enforces.
Checks compare exact role strings taken from ``model/data/roles.json``: a
role spelt "Admin", "admin " or "root" is not a role and is refused, never
mapped to something close.
"""

from __future__ import annotations

from dataclasses import dataclass

import re

from refwatch.model import vocab

_ACTION = re.compile(r"^[a-z_]{1,40}\.[a-z_]{1,40}$")


class PermissionDenied(Exception):
    """The principal may not do this. The message names the action and role only."""

    def __init__(self, action: str, role: str | None, reason: str = "not allowed") -> None:
        self.action = action
        self.role = role
        # Echo only what looks like an action or a role, never arbitrary input.
        shown = action if isinstance(action, str) and _ACTION.match(action) else "<invalid action>"
        role_shown = role if is_role(role) else "unknown"
        super().__init__(f"permission denied: {shown} ({reason} for role {role_shown})")


class UnknownAction(PermissionDenied):
    """An action missing from the matrix: refused (fail closed) and flagged as a bug."""

    def __init__(self, action: str, role: str | None) -> None:
        super().__init__(action, role, reason="unknown action")


def roles() -> tuple[str, ...]:
    return vocab.roles()


def is_role(role: object) -> bool:
    return isinstance(role, str) and role in vocab.load("roles")


def matrix() -> dict[str, tuple[str, ...]]:
    """Action → the roles allowed to do it."""
    return {action: tuple(entry["roles"]) for action, entry in vocab.load("permissions").items()}


def actions() -> tuple[str, ...]:
    return tuple(vocab.load("permissions"))


def describe(action: str) -> str:
    return vocab.load("permissions")[action].get("description", "")


@dataclass(frozen=True)
class Principal:
    """Who is acting: a user name and a role, passed to every core function.

    Made only after authentication (``users.authenticate_*``) or for the local
    operator bootstrap (see docs/security.md). The role is checked on creation.
    """

    name: str
    role: str

    def __post_init__(self) -> None:
        if not is_role(self.role):
            raise ValueError("invalid role (see `refwatch user add --help` for the roles)")
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("a principal needs a user name")


def can(principal: Principal | None, action: str) -> bool:
    try:
        authorize(principal, action)
    except PermissionDenied:
        return False
    return True


def authorize(principal: Principal | None, action: str) -> Principal:
    """Return the principal if it may do ``action``; raise PermissionDenied otherwise."""
    if principal is None or not isinstance(principal, Principal):
        raise PermissionDenied(action, None, reason="no authenticated user")
    role = principal.role
    if not is_role(role):  # e.g. a Principal built with object.__setattr__ tricks
        raise PermissionDenied(action, None, reason="invalid role")
    allowed = matrix().get(action)
    if allowed is None:
        raise UnknownAction(action, role)
    if role not in allowed:
        raise PermissionDenied(action, role)
    return principal


def matrix_markdown() -> str:
    """The permission matrix as a Markdown table (docs/security.md embeds it; a test compares)."""
    ranked = sorted(roles(), key=vocab.role_rank, reverse=True)
    lines = ["| action | " + " | ".join(ranked) + " | what it allows |",
             "|---|" + "---|" * len(ranked) + "---|"]
    for action, allowed in matrix().items():
        cells = " | ".join("yes" if role in allowed else "—" for role in ranked)
        lines.append(f"| `{action}` | {cells} | {describe(action)} |")
    return "\n".join(lines)


# --- commands -----------------------------------------------------------------------
# The command line's verbs and the actions each needs live in one data file,
# model/data/command_actions.json: the CLI, the README table and the matrix test
# read it, so a command without an entry is noticed.

def command_actions() -> dict[str, tuple[str, ...]]:
    """Command ("ingest", "user add", ...) → the actions it needs (all of them)."""
    return {name: tuple(entry["actions"]) for name, entry in vocab.load("command_actions")["commands"].items()}


def command_scope(command: str) -> str:
    return vocab.load("command_actions")["commands"][command].get("scope", "")


def command_allowed(command: str, role: str) -> bool:
    """Whether ``role`` may run ``command`` (every action of the command allows it)."""
    table = matrix()
    return all(role in table[action] for action in command_actions()[command])


def authorize_all(principal: Principal | None, *actions: str) -> Principal:
    """authorize() for several actions; the first refused one is reported."""
    for action in actions:
        authorize(principal, action)
    if not actions:
        authorize(principal, "stats.read")  # at least a known, authenticated principal
    return principal  # type: ignore[return-value]


def command_matrix_markdown() -> str:
    """Commands × roles as a Markdown table (README "Permissions"; a test compares)."""
    ranked = sorted(roles(), key=vocab.role_rank, reverse=True)
    lines = ["| command | " + " | ".join(ranked) + " | needs | notes |",
             "|---|" + "---|" * len(ranked) + "---|---|"]
    for command, needed in command_actions().items():
        cells = " | ".join("yes" if command_allowed(command, role) else "—" for role in ranked)
        needs = ", ".join(f"`{a}`" for a in needed) or "no store"
        lines.append(f"| `refwatch {command}` | {cells} | {needs} | {command_scope(command)} |")
    return "\n".join(lines)
