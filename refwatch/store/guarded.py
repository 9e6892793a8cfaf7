"""The store's functions as adapters call them: each checks the principal first.

``refwatch.store.ingest``, ``search``, ``documents`` and ``verify`` are the
mechanisms (they know nothing of users); these wrappers are the doors. Each one
calls ``authorize`` before touching the store and appends an audit entry for
every write and for every read of a sensitive record (a testimony). The CLI,
and any future API or web page, must go through here.

Ingest commits its documents in its own batch transactions (the bulk path in
``ingest.py``), so its audit entry follows in a transaction of its own, right
after; everywhere else the audit entry is written in the same transaction as
the write or the read it records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy import select

from refwatch.security import audit
from refwatch.security.roles import PermissionDenied, Principal, authorize, can
from refwatch.store import custody, documents
from refwatch.store import ingest as _ingest
# (refwatch.store re-exports functions named search and verify: import from the modules)
from refwatch.store.search import SearchHit
from refwatch.store.search import search as _raw_search
from refwatch.store.verify import VerifyReport
from refwatch.store.verify import verify as _raw_verify
from refwatch.store.core import Store
from refwatch.store.schema import documents as documents_table

LOCAL_OPERATOR = "local-operator"


def _ingest_audit(store: Store, principal: Principal, summary: _ingest.IngestSummary) -> None:
    with store.write() as conn:
        audit.record(conn, principal, "documents.write", "documents",
                     {"ingested": summary.ingested, "duplicates": summary.duplicates,
                      "failed": len(summary.failed)})


def ingest_paths(store: Store, principal: Principal, inputs: Iterable[str | Path],
                 **options: Any) -> _ingest.IngestSummary:
    """``ingest.ingest_paths`` for a principal with documents.write; custody names the principal."""
    authorize(principal, "documents.write")
    options["ingested_by"] = principal.name
    summary = _ingest.ingest_paths(store, inputs, **options)
    _ingest_audit(store, principal, summary)
    return summary


def ingest_documents(store: Store, principal: Principal, docs: Iterable[Any],
                     **options: Any) -> _ingest.IngestSummary:
    authorize(principal, "documents.write")
    options["ingested_by"] = principal.name
    summary = _ingest.ingest_documents(store, docs, **options)
    _ingest_audit(store, principal, summary)
    return summary


def _kinds(conn: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = conn.execute(select(documents_table.c.id, documents_table.c.kind, documents_table.c.filename,
                               documents_table.c.source, documents_table.c.text)
                        .where(documents_table.c.id.in_(ids)))
    return {r.id: {"kind": r.kind, "filename": r.filename, "source": r.source,
                   "sealed": documents.is_sealed(r.text)} for r in rows}


def search(store: Store, principal: Principal, query: str, limit: int = 20) -> list[SearchHit]:
    """Full-text search. Testimonies are left out for a principal without contacts.read.

    Returning a testimony's snippet is a read of a sensitive record: audited
    (the query itself is not logged, it may be a name).
    """
    authorize(principal, "documents.read")
    hits = _raw_search(store, query, limit=limit)
    with store.write() as conn:
        info = _kinds(conn, [h.id for h in hits])
        kept, testimonies = [], []
        for hit in hits:
            row = info.get(hit.id, {})
            if documents.is_testimony(row):
                if not can(principal, "contacts.read"):
                    continue
                if row.get("sealed"):  # matched inside ciphertext on PostgreSQL: not a real hit
                    continue
                testimonies.append(hit.id)
            kept.append(hit)
        if testimonies:
            audit.record(conn, principal, "contacts.read", "documents:search",
                         {"testimonies": testimonies[:50], "hits": len(kept)})
    return kept


def list_documents(store: Store, principal: Principal, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Documents newest first, without text."""
    authorize(principal, "documents.read")
    with store.read() as conn:
        return documents.list_documents(conn, limit=limit, offset=offset)


def get_document(store: Store, principal: Principal, id_or_sha: str | int) -> dict[str, Any] | None:
    """One document with its text and custody history; None when there is no such document.

    A testimony needs contacts.read as well, and reading it is audited.
    """
    authorize(principal, "documents.read")
    with store.write() as conn:
        row = documents.get(conn, id_or_sha)
        if row is None:
            return None
        if documents.is_testimony(row):
            authorize(principal, "contacts.read")
            audit.record(conn, principal, "contacts.read", f"document:{row['id']}")
        row["custody"] = [{k: e[k] for k in ("at", "actor", "action")}
                          for e in custody.history(conn, row["sha256"])]
    return row


def read_original(store: Store, principal: Principal, sha256: str) -> bytes:
    """A document's original bytes. The hash must be 64 lower-case hex digits
    (no path can be smuggled into the blob folder) and name a stored document."""
    authorize(principal, "documents.read")
    key = str(sha256)
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise ValueError("not a lower-case hex SHA-256")
    row = get_document(store, principal, key)
    if row is None:
        raise LookupError("no such document")
    return store.blobs.get(key)


def verify(store: Store, principal: Principal,
           progress: Callable[[int, int], None] | None = None) -> VerifyReport:
    """Re-hash every original (integrity check: audit.verify); logged in custody and audit."""
    authorize(principal, "audit.verify")
    report = _raw_verify(store, actor=principal.name, progress=progress)
    with store.write() as conn:
        audit.record(conn, principal, "audit.verify", "blobs",
                     {"checked": report.checked, "problems": len(report.problems)})
    return report


def init_store(settings: Any, data_key: bytes, environ: Any = None) -> tuple[Store, Principal]:
    """Create or upgrade the store. Once users exist only an admin (keys.manage) may.

    A store without users (new, or made before users existed) is initialised by
    the local operator, who proved to hold the passphrase by unlocking the key.
    """
    from sqlalchemy import inspect

    from refwatch.security import users
    from refwatch.store import migrate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.blob_dir.mkdir(parents=True, exist_ok=True)
    store = Store._connect(settings, data_key)
    try:
        with store.engine.connect() as conn:
            has_users = inspect(conn).has_table("users")
        principal = Principal(LOCAL_OPERATOR, "admin")
        if has_users:
            with store.write() as conn:  # failure counters are committed even on refusal
                try:
                    principal = users.principal_from_env(conn, environ)
                    failed = None
                except users.AuthenticationFailed as exc:
                    failed = exc
            if failed is not None:
                raise failed
            authorize(principal, "keys.manage")
        migrate.upgrade(store.engine)
        with store.write() as conn:
            audit.record(conn, principal, "keys.manage", "store:init", {"revision": store.revision()})
    except BaseException:
        store.close()
        raise
    return store, principal


__all__ = ["ingest_paths", "ingest_documents", "search", "list_documents", "get_document", "read_original",
           "verify", "init_store", "PermissionDenied"]
