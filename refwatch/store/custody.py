"""The chain-of-custody log: who did what to which document, when. Append-only."""

from __future__ import annotations

import getpass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, select

from refwatch.store.schema import CUSTODY_ACTIONS, custody


def current_user() -> str:
    """The OS account running Refwatch (the default for ``ingested_by``)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers)
        return "unknown"


def entry(actor: str, action: str, sha256: str | None, details: dict[str, Any] | None = None,
          at: datetime | None = None) -> dict[str, Any]:
    """One custody row, ready for an insert (batched by the caller)."""
    if action not in CUSTODY_ACTIONS:
        raise ValueError(f"unknown custody action {action!r}")
    return {"at": at or datetime.now(timezone.utc), "actor": actor, "action": action,
            "sha256": sha256, "details": details or {}}


def record(conn: Connection, actor: str, action: str, sha256: str | None = None,
           details: dict[str, Any] | None = None) -> None:
    """Append one entry inside the caller's transaction."""
    conn.execute(custody.insert(), [entry(actor, action, sha256, details)])


def history(conn: Connection, sha256: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
    """Entries, oldest first; for one document when ``sha256`` is given."""
    query = select(custody).order_by(custody.c.id).limit(limit)
    if sha256:
        query = query.where(custody.c.sha256 == sha256)
    return [_utc(dict(row._mapping)) for row in conn.execute(query)]


def _utc(row: dict[str, Any]) -> dict[str, Any]:
    if row["at"] is not None and row["at"].tzinfo is None:
        row["at"] = row["at"].replace(tzinfo=timezone.utc)
    return row
