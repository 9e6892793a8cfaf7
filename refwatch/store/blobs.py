"""Content-addressed store of original bytes, each sealed with AES-256-GCM.

The plaintext's SHA-256 names each original and is the associated data of
its seal, so sealed bytes put under another hash do not open.

Packs. Creating a file costs the kernel 60-800 µs of CPU on this machine's
ext4 (inode, folder entry, journal), appending 4 KB to an open file about
4 µs; at thousands of documents a second one file per original was the
largest cost of an import. So the ingest writer appends each new original
to a pack, ``blobs/packs/<random>.pack``, a plain sequence of records: a
header (magic ``RWB1``, the SHA-256, the sealed length) and the sealed
bytes. Where each original sits (pack, offset, length) is a row of the
database's ``blob_packs`` table, committed in the same transaction as the
document that names it and only after :meth:`BlobStore.sync_packs` flushed
the pack: a committed row never points at bytes that are not on disk. A
killed import leaves at most some records past the last committed one,
never named by any row. The headers make a pack readable without the
database.

Stores written before packs hold one sealed file per original, in
``blobs/ab/<sha256>`` or, older still, ``blobs/ab/cd/<sha256>``; those are
read and checked where they are (re-ingesting the same bytes repairs a
damaged one by packing a fresh copy).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import struct
from pathlib import Path
from typing import Callable, NamedTuple

from refwatch.security.crypto import DecryptionError, open_sealed, seal, subkey


class BlobError(Exception):
    """A blob is missing, altered, or cannot be opened with this key."""

    def __init__(self, sha256: str, problem: str) -> None:
        super().__init__(f"blob {sha256[:12]}…: {problem}")
        self.sha256 = sha256
        self.problem = problem  # "missing" | "altered"


class PackLocation(NamedTuple):
    """Where a packed blob's sealed bytes are: pack file name, byte offset, length."""

    pack: str
    offset: int
    length: int


PACK_MAX = 256 * 2**20  # a pack is closed and a new one begun past this size
_PACK_NAME = re.compile(r"[0-9a-f]{32}\.pack")
_RECORD = struct.Struct(">4s32sQ")  # magic, raw SHA-256, sealed length
_MAGIC = b"RWB1"


class BlobStore:
    def __init__(self, root: Path, data_key: bytes,
                 locate: Callable[[str], PackLocation | None] | None = None) -> None:
        self.root = Path(root)
        self._key = subkey(data_key, "blobs")
        # Looks a hash up in the pack index (the store's ``blob_packs`` table).
        self.locate = locate
        self._pack: _OpenPack | None = None  # the pack this process appends to
        self._unsynced: list[_OpenPack] = []  # packs written to since the last sync_packs

    def __getstate__(self) -> dict:  # sent to worker processes: folder and blob subkey only
        return {"root": self.root, "_key": self._key, "locate": None,
                "_pack": None, "_unsynced": []}

    @property
    def pack_dir(self) -> Path:
        return self.root / "packs"

    def seal(self, sha256: str, original: bytes) -> bytes:
        """The sealed form of ``original`` (checked against its hash), ready for :meth:`append`."""
        _check_hash(sha256)
        if hashlib.sha256(original).hexdigest() != sha256:
            raise ValueError("the bytes do not match the given SHA-256")
        return seal(self._key, original, associated=sha256.encode())

    def append(self, sha256: str, sealed: bytes) -> PackLocation:
        """Append a sealed blob to this process's pack; durable only after :meth:`sync_packs`."""
        return self.append_many([(sha256, sealed)])[0]

    def append_many(self, items: list[tuple[str, bytes]]) -> list[PackLocation]:
        """Append sealed blobs (``(sha256, sealed)``) with as few writes as the pack size allows."""
        locations: list[PackLocation] = []
        records: list[bytes] = []
        pack = self._pack
        start = pack.size if pack is not None else 0
        for sha256, sealed in items:
            _check_hash(sha256)
            record = _RECORD.pack(_MAGIC, bytes.fromhex(sha256), len(sealed)) + sealed
            if pack is None or start + len(record) > PACK_MAX:
                if records:
                    self._write(pack, records)
                    records = []
                pack = self._pack = _OpenPack.create(self.pack_dir)
                start = 0
            records.append(record)
            locations.append(PackLocation(pack.name, start + _RECORD.size, len(sealed)))
            start += len(record)
        if records:
            self._write(pack, records)
        return locations

    def _write(self, pack: "_OpenPack", records: list[bytes]) -> None:
        if pack not in self._unsynced:
            self._unsynced.append(pack)
        try:
            pack.write(b"".join(records))
        except OSError:
            self._pack = None  # the pack may end in a partial record now: begin a new one next time
            raise

    def sync_packs(self) -> None:
        """Flush every pack appended to since the last call (and the folder naming new ones).

        Raises OSError when a flush fails: then no row may name those records.
        """
        unsynced, self._unsynced = self._unsynced, []
        try:
            for pack in unsynced:
                os.fsync(pack.fd)
                if pack.new:
                    _fsync(self.pack_dir, directory=True)
                    pack.new = False
        except OSError:
            self._unsynced = unsynced + self._unsynced
            raise
        for pack in unsynced:
            if pack is not self._pack:
                pack.close()  # rotated out and now on disk

    def close_packs(self) -> None:
        """Close this process's open pack (call after a last :meth:`sync_packs`)."""
        if self._pack is not None and self._pack not in self._unsynced:
            self._pack.close()
            self._pack = None

    def read_packed(self, sha256: str, location: PackLocation) -> bytes:
        """The sealed bytes at ``location``; BlobError when the pack or record is gone or wrong."""
        if not _PACK_NAME.fullmatch(location.pack) or location.offset < _RECORD.size or location.length < 0:
            raise BlobError(sha256, "altered")  # an index row that names no pack of ours
        try:
            fd = os.open(self.pack_dir / location.pack, os.O_RDONLY)
        except FileNotFoundError:
            raise BlobError(sha256, "missing") from None
        try:
            data = os.pread(fd, _RECORD.size + location.length, location.offset - _RECORD.size)
        finally:
            os.close(fd)
        if len(data) < _RECORD.size:
            raise BlobError(sha256, "missing")  # the pack was cut short before this record
        magic, raw_hash, length = _RECORD.unpack_from(data)
        if magic != _MAGIC or raw_hash.hex() != sha256 or length != location.length \
                or len(data) != _RECORD.size + length:
            raise BlobError(sha256, "altered")
        return data[_RECORD.size:]

    def path(self, sha256: str) -> Path:
        """Where a store from before packs kept this loose blob (the hash is checked: no path tricks)."""
        _check_hash(sha256)
        return self.root / sha256[:2] / sha256

    def legacy_path(self, sha256: str) -> Path:
        """Where a store written before the one-level layout kept it."""
        _check_hash(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def location(self, sha256: str) -> Path:
        """The path that holds this blob: the current layout, else the legacy one if that exists."""
        current = self.path(sha256)
        if current.exists():
            return current
        legacy = self.legacy_path(sha256)
        return legacy if legacy.exists() else current

    def exists(self, sha256: str) -> bool:
        if self.locate is not None and self.locate(sha256) is not None:
            return True
        return self.location(sha256).exists()

    def get(self, sha256: str) -> bytes:
        """The original bytes, checked against their hash (pack first, then loose files)."""
        _check_hash(sha256)
        packed = self.locate(sha256) if self.locate is not None else None
        if packed is not None:
            return self._open(sha256, self.read_packed(sha256, packed))
        try:
            sealed = self.path(sha256).read_bytes()
        except FileNotFoundError:
            try:
                sealed = self.legacy_path(sha256).read_bytes()
            except FileNotFoundError:
                raise BlobError(sha256, "missing") from None
        return self._open(sha256, sealed)

    def _open(self, sha256: str, sealed: bytes) -> bytes:
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


class _OpenPack:
    """A pack file open for appending by this process (never shared, never reopened)."""

    def __init__(self, name: str, fd: int) -> None:
        self.name, self.fd, self.size, self.new = name, fd, 0, True

    @classmethod
    def create(cls, folder: Path) -> "_OpenPack":
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{secrets.token_hex(16)}.pack"
        return cls(name, os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600))

    def write(self, record: bytes) -> int:
        """Append ``record`` whole; its offset in the pack."""
        offset = self.size
        view = memoryview(record)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        self.size += len(record)
        return offset

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


def _check_hash(sha256: str) -> None:
    if not isinstance(sha256, str) or _HEX_SHA256.fullmatch(sha256) is None:
        raise ValueError("not a lower-case hex SHA-256")


def _fsync(path: Path, *, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
