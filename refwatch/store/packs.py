"""The pack index (``blob_packs``): where each packed original sits. See ``refwatch.store.blobs``."""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Connection, select
from sqlalchemy.engine import Engine

from refwatch.store.blobs import PackLocation
from refwatch.store.schema import blob_packs


def locator(engine: Engine):  # noqa: ANN201  (a callable for BlobStore.locate)
    """A look-up of one hash in the pack index, on its own short connection."""

    def locate(sha256: str) -> PackLocation | None:
        with engine.connect() as conn:
            return lookup(conn, sha256)

    return locate


def lookup(conn: Connection, sha256: str) -> PackLocation | None:
    row = conn.execute(select(blob_packs.c.pack, blob_packs.c.offset, blob_packs.c.length)
                       .where(blob_packs.c.sha256 == sha256)).first()
    return PackLocation(row.pack, int(row.offset), int(row.length)) if row else None


def record(conn: Connection, placed: Iterable[tuple[str, PackLocation]], replacing: Iterable[str] = ()) -> None:
    """Index blobs just appended (in the transaction of the rows that name them).

    ``replacing``: hashes indexed before whose damaged original was written
    again; their entries now point at the new copy.
    """
    rows: list[dict[str, Any]] = [{"sha256": sha, "pack": loc.pack, "offset": loc.offset, "length": loc.length}
                                  for sha, loc in placed]
    old = list(replacing)
    if old:
        conn.execute(blob_packs.delete().where(blob_packs.c.sha256.in_(old)))
    if rows:
        conn.execute(blob_packs.insert(), rows)
