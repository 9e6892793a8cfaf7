"""Content-addressed store of original bytes, each file sealed with AES-256-GCM.

Layout: ``blobs/ab/cd/<sha256>``. The plaintext's SHA-256 is both the file name
and the associated data of the seal, so a blob copied under another name does
not open. Writes go to a temporary file that is renamed into place: a reader
never sees half a blob, and a killed process leaves at most a stray temporary
file.

Durability comes in two ways. ``put(..., durable=True)`` fsyncs the file
before the rename (one disk flush per blob: ~0.5-2.5 ms each here). A bulk
import instead writes with ``durable=False`` and later calls
:meth:`BlobStore.make_durable` once for a whole batch — the fsyncs of the
files and of their folders run in parallel threads, and the file system
commits them together (group commit). The caller must do that before it
commits any row that names those blobs.

Because a blob renamed into place but not yet flushed can come back empty or
truncated after a power cut, an existing blob is trusted only after it opens
and matches its hash; otherwise ``put`` writes it again.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable

from refwatch.security.crypto import DecryptionError, open_sealed, seal, subkey


class BlobError(Exception):
    """A blob is missing, altered, or cannot be opened with this key."""

    def __init__(self, sha256: str, problem: str) -> None:
        super().__init__(f"blob {sha256[:12]}…: {problem}")
        self.sha256 = sha256
        self.problem = problem  # "missing" | "altered"


class BlobStore:
    def __init__(self, root: Path, data_key: bytes) -> None:
        self.root = Path(root)
        self._key = subkey(data_key, "blobs")
        self._made: set[str] = set()  # "abcd" prefixes whose folder exists (saves a syscall per blob)

    def __getstate__(self) -> dict:  # sent to worker processes: folder and blob subkey only
        return {"root": self.root, "_key": self._key, "_made": set()}

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a lower-case hex SHA-256")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def put(self, sha256: str, original: bytes, *, durable: bool = True) -> bool:
        """Store ``original`` under its hash; False when an intact copy was already there.

        ``durable=False`` skips the fsync: the caller then owes a
        :meth:`make_durable` for this hash before anything refers to it.
        """
        target = self.path(sha256)
        if hashlib.sha256(original).hexdigest() != sha256:
            raise ValueError("the bytes do not match the given SHA-256")
        if target.exists() and self.check(sha256) is None:
            return False
        sealed = seal(self._key, original, associated=sha256.encode())
        if sha256[:4] not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(sha256[:4])
        tmp = target.with_name(f".{sha256}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(sealed)
                fh.flush()
                if durable:
                    os.fsync(fh.fileno())
            os.replace(tmp, target)
            if durable:
                _fsync(target.parent, directory=True)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return True

    def make_durable(self, hashes: Iterable[str]) -> None:
        """Flush these blobs and the folders that name them to disk (one barrier).

        Raises OSError when any flush fails (then nothing may refer to them).
        """
        files = [self.path(h) for h in dict.fromkeys(hashes)]
        if not files:
            return
        folders = list(dict.fromkeys(f.parent for f in files))
        pool = _sync_pool()
        # Files first, then their folders (the rename): both must be on disk
        # before a row names the blob. Chunks keep the per-call overhead low.
        for paths, directory in ((files, False), (folders, True)):
            chunks = [paths[i:i + _SYNC_CHUNK] for i in range(0, len(paths), _SYNC_CHUNK)]
            for _ in pool.map(lambda chunk: [_fsync(p, directory=directory) for p in chunk], chunks):
                pass

    def get(self, sha256: str) -> bytes:
        """The original bytes, checked against their hash."""
        try:
            sealed = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise BlobError(sha256, "missing") from None
        try:
            original = open_sealed(self._key, sealed, associated=sha256.encode())
        except DecryptionError:
            raise BlobError(sha256, "altered") from None
        if hashlib.sha256(original).hexdigest() != sha256:  # cannot happen short of a forged seal
            raise BlobError(sha256, "altered")
        return original

    def check(self, sha256: str) -> str | None:
        """None when the blob is intact, else the problem ("missing" or "altered")."""
        try:
            self.get(sha256)
        except BlobError as exc:
            return exc.problem
        return None


_SYNC_THREADS = 32  # concurrent fsyncs: the file system merges them into few journal commits
_SYNC_CHUNK = 16
_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None


def _sync_pool() -> ThreadPoolExecutor:
    """One shared pool per process (re-made after a fork: threads do not survive it)."""
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        _pool = ThreadPoolExecutor(_SYNC_THREADS, thread_name_prefix="blob-fsync")
        _pool_pid = os.getpid()
    return _pool


def _fsync(path: Path, *, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
