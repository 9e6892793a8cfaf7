"""Content-addressed store of original bytes, each file sealed with AES-256-GCM.

Layout: ``blobs/ab/cd/<sha256>``. The plaintext's SHA-256 is both the file name
and the associated data of the seal, so a blob copied under another name does
not open. Writes go to a temporary file, are fsynced, then renamed: a reader
never sees half a blob, and a crash leaves at most a stray temporary file.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

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

    def put(self, sha256: str, original: bytes) -> bool:
        """Store ``original`` under its hash; False when it was already there."""
        target = self.path(sha256)
        if target.exists():
            return False
        if hashlib.sha256(original).hexdigest() != sha256:
            raise ValueError("the bytes do not match the given SHA-256")
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
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return True

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
