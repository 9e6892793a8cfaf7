"""Opening the SQLCipher files of an embedded store, and the page HMAC each file uses.

SQLCipher encrypts every page (AES-256-CBC) and authenticates it with an HMAC.
Its default HMAC is SHA-512; files created by Refwatch from 2026-11-23 on use
HMAC-SHA256 instead, which is just as sound for page authentication and, on
CPUs with SHA extensions, about three times cheaper: in a profile of a bulk
import, SHA-512 was 15% of the writer's main thread and 10% of the word
indexer's. Files created before keep SHA-512 and open as they are.

A file does not say which HMAC it uses (an SQLCipher file is random bytes
from its first byte), so a connection tries the current one first and the
first one after; page 1 fails its HMAC check under the wrong one. Which one
opened a file is remembered for the process, so a pool's further connections
open at the first try. An empty or new file takes the current one. A key that
opens the file under neither is a wrong key (or not a Refwatch file).

``ATTACH ... KEY`` cannot be given an HMAC: it uses the process-wide default,
so ``attach`` sets that default under a lock, attaches, and sets it back.
Every connection opened here names its HMAC itself, so none depends on the
default meanwhile.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import sqlcipher3

HMAC_CURRENT = "HMAC_SHA256"  # files created now
HMAC_FIRST = "HMAC_SHA512"  # SQLCipher 4's default: files created before 2026-11-23

_opened_with: dict[str, str] = {}  # file path -> the HMAC that opened it in this process
_default_lock = threading.Lock()

Connection = sqlcipher3.dbapi2.Connection


class WrongKeyError(Exception):
    """The file opens under neither HMAC with this key: a wrong key, or not a Refwatch file."""


def _quiet_library_log() -> None:
    # SQLCipher writes "ERROR CORE ... hmac check failed" to stderr for every
    # page that fails its check, including the expected failure of a first
    # try above; our own errors say what went wrong and what to do.
    sqlcipher3.connect(":memory:").execute("PRAGMA cipher_log_level = NONE").fetchall()


_quiet_library_log()


def key_pragma(key: bytes) -> str:
    """The statement that gives a connection its raw 256-bit key (SQLCipher skips its KDF)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


def _tries(path: Path) -> list[str]:
    known = _opened_with.get(str(path))
    return [known] + [h for h in (HMAC_CURRENT, HMAC_FIRST) if h != known] if known else [HMAC_CURRENT, HMAC_FIRST]


def connect(path: Path, key: bytes, **options: Any) -> Connection:  # noqa: ANN401
    """A connection to the encrypted file at ``path``, unlocked (it is created when missing)."""
    for hmac in _tries(path):
        conn = sqlcipher3.connect(str(path), **options)
        # The key must be the very first statement on the connection, the HMAC next.
        conn.execute(key_pragma(key))
        conn.execute(f"PRAGMA cipher_hmac_algorithm = {hmac}")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.dbapi2.DatabaseError:
            conn.close()
            continue
        _opened_with[str(path)] = hmac
        return conn
    raise WrongKeyError(str(path))


def hmac_of(path: Path, key: bytes) -> str:
    """The HMAC the file at ``path`` uses (found by opening it once, then remembered)."""
    known = _opened_with.get(str(path))
    if known is None:
        connect(path, key, check_same_thread=False).close()
        known = _opened_with[str(path)]
    return known


def attach(conn: Connection, path: Path, schema: str, key: bytes) -> None:
    """``ATTACH`` the encrypted file at ``path`` to ``conn`` as ``schema``."""
    hmac = hmac_of(path, key)
    with _default_lock:
        conn.execute(f"PRAGMA cipher_default_hmac_algorithm = {hmac}")
        try:
            conn.execute(f"ATTACH DATABASE ? AS {schema} KEY \"x'{key.hex()}'\"", (str(path),))
        finally:
            conn.execute(f"PRAGMA cipher_default_hmac_algorithm = {HMAC_FIRST}")
