"""Documents as rows: turning a captured document into a row, and reading them back."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Iterable

from sqlalchemy import Connection, func, select

from refwatch import __version__
from refwatch.model.records import CapturedDocument
from refwatch.store.schema import documents

TOOL = f"refwatch {__version__}"

# Everything but the (possibly large) text: what a listing shows.
LIST_COLUMNS = [c for c in documents.c if c.name != "text"]


def _clean(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL; replace it the same way on both engines.
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


def to_row(doc: CapturedDocument, *, ingested_by: str, captured_at: datetime | None = None,
           source: str | None = None, published: date | None = None) -> dict[str, Any]:
    """The documents row for a captured document (``source``/``published`` fill gaps only)."""
    return {
        "sha256": doc.sha256,
        "kind": doc.kind,
        "filename": _clean(doc.filename),
        "url": _clean(doc.url),
        "title": _clean(doc.title),
        "author": _clean(doc.author),
        "publisher": _clean(doc.publisher),
        "published": doc.published or published,
        "captured_at": captured_at or datetime.now(timezone.utc),
        "language": doc.language,
        "encoding": doc.encoding,
        "media_type": doc.media_type,
        "source": _clean(doc.source or source),
        "container_sha256": doc.container_sha256,
        "flags": list(doc.flags),
        "metadata": dict(doc.metadata),
        "text": _clean(doc.text) or "",
        "size": len(doc.original),
        "ingested_by": ingested_by,
        "tool": TOOL,
    }


def existing(conn: Connection, hashes: Iterable[str]) -> set[str]:
    """Which of these hashes are already stored (one query)."""
    wanted = list(set(hashes))
    if not wanted:
        return set()
    return set(conn.scalars(select(documents.c.sha256).where(documents.c.sha256.in_(wanted))))


def insert_many(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(documents.insert(), rows)


def get(conn: Connection, id_or_sha: str | int) -> dict[str, Any] | None:
    """One document by short id, full SHA-256, or an unambiguous SHA-256 prefix (>= 8)."""
    key = str(id_or_sha).strip().lower()
    if key.isdigit() and len(key) < 19:
        query = select(documents).where(documents.c.id == int(key))
    elif len(key) == 64:
        query = select(documents).where(documents.c.sha256 == key)
    elif len(key) >= 8 and all(c in "0123456789abcdef" for c in key):
        query = select(documents).where(documents.c.sha256.startswith(key, autoescape=True)).limit(2)
    else:
        return None
    rows = conn.execute(query).all()
    if len(rows) != 1:
        return None
    return _out(dict(rows[0]._mapping))


def list_documents(conn: Connection, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Newest first, without the text."""
    query = select(*LIST_COLUMNS).order_by(documents.c.id.desc()).limit(limit).offset(offset)
    return [_out(dict(row._mapping)) for row in conn.execute(query)]


def count(conn: Connection) -> int:
    return conn.scalar(select(func.count()).select_from(documents)) or 0


def all_hashes(conn: Connection, batch: int = 5000) -> Iterable[tuple[int, str]]:
    """(id, sha256) of every document, in id order, fetched in pages."""
    last = 0
    while True:
        rows = conn.execute(select(documents.c.id, documents.c.sha256)
                            .where(documents.c.id > last).order_by(documents.c.id).limit(batch)).all()
        if not rows:
            return
        yield from ((r.id, r.sha256) for r in rows)
        last = rows[-1].id


def _out(row: dict[str, Any]) -> dict[str, Any]:
    row.pop("tsv", None)
    at = row.get("captured_at")
    if isinstance(at, datetime) and at.tzinfo is None:
        row["captured_at"] = at.replace(tzinfo=timezone.utc)
    return row
