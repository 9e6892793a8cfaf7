"""The append-only, hash-chained audit log.

Each entry is (seq, at, actor, action, target, details, prev_hash, hash) with
``hash = SHA-256(canonical JSON of the other fields + prev_hash)``. Editing,
deleting or reordering one row breaks the chain at that row, which
``verify_chain`` reports. Truncating the newest rows, or rewriting the whole
chain, is only caught against a head hash kept elsewhere (``expect_head``):
see docs/security.md.

Details carry identifiers, field names and numbers, never the sensitive values
themselves: ``check_details`` refuses free text.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Iterable, Mapping

GENESIS = "0" * 64
# Identifiers, field names, hashes, dotted actions: no spaces, so no prose.
_TOKEN = re.compile(r"^[A-Za-z0-9_.:@/+=-]{0,160}$")


class AuditError(ValueError):
    """An audit entry that must not be written (the message never echoes values)."""


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    target: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head: str  # hash of the last entry (GENESIS when empty)
    broken_seq: int | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_scalar(value: Any, where: str) -> None:
    if value is None or isinstance(value, (bool, int, float)):
        return
    if isinstance(value, str) and _TOKEN.match(value):
        return
    raise AuditError(f"audit {where} must hold ids, field names or numbers, not free text")


def check_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return a plain copy of details, refusing free text (values are not echoed)."""
    out: dict[str, Any] = {}
    for key, value in (details or {}).items():
        _check_scalar(key, "detail keys")
        if isinstance(value, (list, tuple)):
            for item in value:
                _check_scalar(item, "details")
            out[key] = list(value)
        else:
            _check_scalar(value, "details")
            out[key] = value
    return out


def canonical(fields: Mapping[str, Any]) -> bytes:
    """Canonical JSON (sorted keys, no spaces, UTF-8) of the hashed fields."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def entry_hash(seq: int, at: str, actor: str, action: str, target: str,
               details: Mapping[str, Any], prev_hash: str) -> str:
    body = canonical({"seq": seq, "at": at, "actor": actor, "action": action, "target": target,
                      "details": dict(details), "prev_hash": prev_hash})
    return hashlib.sha256(body + prev_hash.encode("ascii")).hexdigest()


def make_entry(prev: AuditEntry | None, actor: str, action: str, target: str,
               details: Mapping[str, Any] | None = None, at: datetime | None = None) -> AuditEntry:
    """The entry that follows ``prev`` (None: the first entry). Pure."""
    for value, where in ((actor, "actor"), (action, "action"), (target, "target")):
        if not isinstance(value, str) or not value or not _TOKEN.match(value):
            raise AuditError(f"audit {where} must be a non-empty id without spaces")
    clean = check_details(details)
    stamp = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
    seq = 1 if prev is None else prev.seq + 1
    prev_hash = GENESIS if prev is None else prev.hash
    return AuditEntry(seq, stamp, actor, action, target, clean, prev_hash,
                      entry_hash(seq, stamp, actor, action, target, clean, prev_hash))


def _as_entry(row: Any) -> AuditEntry:
    data = row if isinstance(row, Mapping) else row._mapping  # SQLAlchemy Row
    details = data["details"]
    if isinstance(details, str):
        details = json.loads(details)
    return AuditEntry(int(data["seq"]), str(data["at"]), data["actor"], data["action"],
                      data["target"], dict(details or {}), data["prev_hash"], data["hash"])


def verify_chain(rows: Iterable[Any], expect_head: str | None = None) -> ChainReport:
    """Check rows in stored order; report the first broken seq and why. Pure."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for row in rows:
        entry = _as_entry(row)
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(False, count, prev_hash, entry.seq,
                               f"sequence gap or reorder: expected seq {expected_seq}, found {entry.seq}")
        if entry.prev_hash != prev_hash:
            return ChainReport(False, count, prev_hash, entry.seq,
                               "prev_hash does not match the previous entry (row deleted, inserted or moved)")
        if entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.target,
                      entry.details, entry.prev_hash) != entry.hash:
            return ChainReport(False, count, prev_hash, entry.seq,
                               "hash does not match the row's content (row edited)")
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    if expect_head is not None and expect_head != prev_hash:
        return ChainReport(False, count, prev_hash, None,
                           "head differs from the expected head (newest rows removed or chain rewritten)")
    return ChainReport(True, count, prev_hash)


# --- store functions (SQLAlchemy Core; call inside the writer's transaction) ----

def append(conn: Any, actor: str, action: str, target: str,
           details: Mapping[str, Any] | None = None, at: datetime | None = None) -> AuditEntry:
    """Append one entry on ``conn``, in the caller's transaction.

    Appending in the same transaction as the write it records means both are
    committed or neither is. Concurrent appenders are serialised: SQLite holds
    one writer at a time; on PostgreSQL a transaction-scoped advisory lock is
    taken; a race that still slips through hits the primary key on ``seq``.
    """
    from sqlalchemy import select, text

    from refwatch.store.security_tables import audit_log

    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7355608)"))
    last = conn.execute(select(audit_log).order_by(audit_log.c.seq.desc()).limit(1)).first()
    prev = _as_entry(last) if last is not None else None
    entry = make_entry(prev, actor, action, target, details, at)
    conn.execute(audit_log.insert().values(**entry.to_dict()))
    return entry


def record(conn: Any, principal: Any, action: str, target: str,
           details: Mapping[str, Any] | None = None) -> AuditEntry:
    """Append an entry for a principal (a write, or a read of a sensitive record)."""
    return append(conn, principal.name, action, target, details)


def read(conn: Any, since_seq: int = 0, limit: int | None = None) -> list[AuditEntry]:
    """Entries with seq > since_seq in order (callers check audit.read first)."""
    from sqlalchemy import select

    from refwatch.store.security_tables import audit_log

    query = select(audit_log).where(audit_log.c.seq > since_seq).order_by(audit_log.c.seq)
    if limit is not None:
        query = query.limit(limit)
    return [_as_entry(row) for row in conn.execute(query)]


def verify_store(conn: Any, expect_head: str | None = None) -> ChainReport:
    """Verify the stored chain, reading it in physical insertion order of seq."""
    return verify_chain(_stored_rows(conn), expect_head)


def _stored_rows(conn: Any) -> Iterable[Any]:
    from sqlalchemy import select

    from refwatch.store.security_tables import audit_log

    # Order by the row id the engine assigned, not by seq: a reorder (seq
    # values swapped between rows) must show up as a sequence error.
    return conn.execute(select(audit_log).order_by(audit_log.c.id))
