"""Documents as rows: turning a captured document into a row, and reading them back."""

from __future__ import annotations

import base64
import re
import weakref
from datetime import date, datetime, timezone
from typing import Any, Iterable, Mapping

from sqlalchemy import Connection, func, select

from refwatch import __version__
from refwatch.model.records import CapturedDocument
from refwatch.store.schema import documents
from refwatch.textscan import may_hold

TOOL = f"refwatch {__version__}"

# Everything but the (possibly large) text: what a listing shows.
LIST_COLUMNS = [c for c in documents.c if c.name != "text"]


def _clean(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL; replace it the same way on both engines.
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


_CJK = re.compile("[\u3131-\ud7a3]")  # the range the trigram index is for (see migration 0004)


def has_cjk(*texts: str | None) -> bool:
    """Whether any of these strings holds Hangul or Han characters (U+3131..U+D7A3).

    Pure-ASCII text is settled by ``str.isascii``, a few hundred nanoseconds
    for 4 KB; other text (curly quotes, dashes) mostly by ``textscan.may_hold``
    at a third of the cost of the regex scan that confirms a hit.
    """
    return any(t and may_hold(t, 0x3131, 0xD7A3) and _CJK.search(t) is not None for t in texts)


def to_row(doc: CapturedDocument, *, ingested_by: str, captured_at: datetime | None = None,
           source: str | None = None, published: date | None = None) -> dict[str, Any]:
    """The documents row for a captured document (``source``/``published`` fill gaps only)."""
    title, text = _clean(doc.title), _clean(doc.text) or ""
    return {
        "sha256": doc.sha256,
        "kind": doc.kind,
        "filename": _clean(doc.filename),
        "url": _clean(doc.url),
        "title": title,
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
        "text": text,
        "size": len(doc.original),
        "ingested_by": ingested_by,
        "tool": TOOL,
        "has_cjk": has_cjk(title, text),
    }


def with_cjk_flag(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows made elsewhere than ``to_row`` get their ``has_cjk`` here (none is lost from the index)."""
    if all("has_cjk" in row for row in rows):
        return rows
    return [row if "has_cjk" in row else dict(row, has_cjk=has_cjk(row.get("title"), row.get("text")))
            for row in rows]


def existing(conn: Connection, hashes: Iterable[str]) -> set[str]:
    """Which of these hashes are already stored (one query)."""
    wanted = list(set(hashes))
    if not wanted:
        return set()
    return set(conn.scalars(select(documents.c.sha256).where(documents.c.sha256.in_(wanted))))


# --- testimonies ----------------------------------------------------------------
# A testimony names the people it is about and often how to reach them. The rule
# that says which documents are testimonies lives here, once: kind "testimony",
# or a plain-text document whose file name or source says "testimony" (the demo's
# testimonies and most hand-collected ones arrive as .txt files).
#
# On SQLite the whole file is encrypted by SQLCipher. On PostgreSQL a testimony's
# text is sealed by the application (security.fields, AES-256-GCM bound to the
# document's hash) before it reaches SQL, so a dump or a database administrator
# sees ciphertext; the generated tsvector then holds no words of it, so a
# testimony is found by its title only, and other documents search as before.

SEALED_PREFIX = "rw-sealed:v1:"
_field_keys: "weakref.WeakKeyDictionary[Any, bytes]" = weakref.WeakKeyDictionary()


def is_testimony(row: Mapping[str, Any]) -> bool:
    """Whether a document (row or dict with kind/filename/source) is a testimony."""
    kind = row.get("kind")
    if kind == "testimony":
        return True
    if kind == "text":
        marks = f"{row.get('filename') or ''} {row.get('source') or ''}".casefold()
        return "testimon" in marks
    return False


def register_sealing(engine: Any, data_key: bytes) -> None:
    """Called when a store opens: lets ``insert_many`` seal testimonies on PostgreSQL."""
    # Keyed by the pool: engines derived with execution_options() share it.
    _field_keys[engine.pool] = data_key


def _key_for(conn: Connection) -> bytes | None:
    return _field_keys.get(conn.engine.pool)


def seal_text(data_key: bytes, sha256: str, text: str) -> str:
    from refwatch.security.fields import encrypt_field

    sealed = encrypt_field(data_key, f"documents.text:{sha256}", text)
    return SEALED_PREFIX + base64.b64encode(sealed).decode("ascii")


def is_sealed(text: str | None) -> bool:
    return isinstance(text, str) and text.startswith(SEALED_PREFIX)


def open_text(conn: Connection, sha256: str, text: str | None) -> str | None:
    """The document's text, unsealed when it was sealed (needs the store's key)."""
    if not is_sealed(text):
        return text
    from refwatch.security.fields import decrypt_field

    key = _key_for(conn)
    if key is None:
        raise ValueError("a sealed testimony needs the data key (open the store with it)")
    return decrypt_field(key, f"documents.text:{sha256}", base64.b64decode(text[len(SEALED_PREFIX):]))


def _sealed_rows(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if conn.dialect.name != "postgresql" or not any(is_testimony(row) for row in rows):
        return rows
    key = _key_for(conn)
    if key is None:
        raise ValueError("cannot store a testimony on PostgreSQL without the data key")
    out = []
    for row in rows:
        if is_testimony(row) and not is_sealed(row.get("text")):
            row = dict(row, text=seal_text(key, row["sha256"], row.get("text") or ""))
        out.append(row)
    return out


def insert_many(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        # The flag comes from the plain text, before a testimony is sealed.
        conn.execute(documents.insert(), _sealed_rows(conn, with_cjk_flag(rows)))


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
    row = _out(dict(rows[0]._mapping))
    row["text"] = open_text(conn, row["sha256"], row.get("text"))
    return row


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
