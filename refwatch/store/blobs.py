"""Content-addressed store of original bytes, each file sealed with AES-256-GCM.

Layout: ``blobs/ab/<sha256>``: 256 folders, made once (:meth:`BlobStore.prepare`,
or on the first blob of a prefix), so a new blob costs a file and never a
folder. Stores written before this layout used ``blobs/ab/cd/<sha256>``
(65,536 folders, most of a bulk import's kernel time went into creating
them); those blobs stay where they are and are read, checked and kept from
there. The plaintext's SHA-256 is both the file name
and the associated data of the seal, so a blob copied under another name does
not open. Writes go to a temporary file that is renamed into place: a reader
never sees half a blob, and a killed process leaves at most a stray temporary
file.

Durability comes in two ways. ``put(..., durable=True)`` fsyncs the file
before the rename (one disk flush per blob: ~0.5-2.5 ms each here). A bulk
import instead writes with ``durable=False`` and later calls
:meth:`BlobStore.make_durable` once for a whole batch. For a large batch on
Linux that is one ``syncfs(2)`` of the blob folder's file system: it writes
out every dirty file and commits the journal, so the batch's files and
renames are on disk when it returns, and since Linux 5.8 it reports a failed
write-back. 1,000 blobs: ~2 ms of CPU instead of ~180 ms for 1,256 fsyncs
(files and folders). Small batches, and other systems, fsync each file and
folder in parallel threads (the file system commits them together), so a
single document never waits for unrelated dirty data. The caller must do
this before it commits any row that names those blobs.

Because a blob renamed into place but not yet flushed can come back empty or
truncated after a power cut, an existing blob is trusted only after it opens
and matches its hash; otherwise ``put`` writes it again.

Packs. Creating a file costs the kernel 60-800 µs of CPU on this machine's
ext4 (inode, folder entry, journal), appending 4 KB to an open file about
4 µs; at thousands of documents a second the loose files were the largest
cost of an import. So the ingest writer appends each new blob to a pack,
``blobs/packs/<random>.pack``, a plain sequence of records: a header (magic
``RWB1``, the SHA-256, the sealed length) and the sealed bytes, exactly as a
loose file would hold them. Where each blob sits (pack, offset, length) is a
row of the database's ``blob_packs`` table, committed in the same transaction
as the document that names it and only after :meth:`BlobStore.sync_packs`
flushed the pack: a committed row never points at bytes that are not on disk.
A killed import leaves at most some records past the last committed one,
never named by any row. The headers make a pack readable without the
database. Loose files (``put``) stay for single writes and older stores, and
reading looks in both.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import secrets
import struct
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

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
        self._made: set[str] = set()  # "ab" prefixes whose folder exists (saves a syscall per blob)
        # Looks a hash up in the pack index (the store's ``blob_packs`` table).
        self.locate = locate
        self._pack: _OpenPack | None = None  # the pack this process appends to
        self._unsynced: list[_OpenPack] = []  # packs written to since the last sync_packs

    def __getstate__(self) -> dict:  # sent to worker processes: folder and blob subkey only
        return {"root": self.root, "_key": self._key, "_made": set(), "locate": None,
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
        """Where a new blob of this hash goes (the hash is checked: no path tricks)."""
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

    def prepare(self) -> None:
        """Make the 256 prefix folders and flush them to disk (at store init; idempotent)."""
        self.root.mkdir(parents=True, exist_ok=True)
        made = False
        for i in range(256):
            folder = self.root / f"{i:02x}"
            if not folder.is_dir():
                folder.mkdir(exist_ok=True)
                made = True
            self._made.add(f"{i:02x}")
        if made:
            _fsync(self.root, directory=True)

    def put(self, sha256: str, original: bytes, *, durable: bool = True) -> bool:
        """Store ``original`` under its hash; False when an intact copy was already there.

        ``durable=False`` skips the fsync: the caller then owes a
        :meth:`make_durable` for this hash before anything refers to it.
        """
        target = self.path(sha256)
        if hashlib.sha256(original).hexdigest() != sha256:
            raise ValueError("the bytes do not match the given SHA-256")
        if target.exists():
            if self._intact(target, sha256):
                return False
        elif self.legacy_path(sha256).exists() and self._intact(self.legacy_path(sha256), sha256):
            return False  # an older store's copy; make_durable finds it there
        sealed = seal(self._key, original, associated=sha256.encode())
        if sha256[:2] not in self._made:
            if not target.parent.is_dir():
                target.parent.mkdir(parents=True, exist_ok=True)
                _fsync(self.root, directory=True)  # the new folder's name must survive too
            self._made.add(sha256[:2])
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
        wanted = list(dict.fromkeys(hashes))
        if not wanted:
            return
        if len(wanted) >= _SYNCFS_MIN and _HAS_SYNCFS:
            for sha256 in wanted:  # each must be there, in either layout, before a row names it
                if not self.path(sha256).exists():
                    os.stat(self.legacy_path(sha256))  # FileNotFoundError (an OSError) when missing
            _syncfs(self.root)
            return
        pool = _sync_pool()
        # Files first, then their folders (the rename): both must be on disk
        # before a row names the blob. Chunks keep the per-call overhead low.
        chunks = [wanted[i:i + _SYNC_CHUNK] for i in range(0, len(wanted), _SYNC_CHUNK)]
        folders: dict[Path, None] = {}
        for synced in pool.map(lambda chunk: [self._sync_blob(h) for h in chunk], chunks):
            folders.update(dict.fromkeys(synced))
        paths = list(folders)
        chunks_of_folders = [paths[i:i + _SYNC_CHUNK] for i in range(0, len(paths), _SYNC_CHUNK)]
        for _ in pool.map(lambda chunk: [_fsync(p, directory=True) for p in chunk], chunks_of_folders):
            pass

    def _sync_blob(self, sha256: str) -> Path:
        """Flush one blob's file (current layout, else legacy); its folder, to flush next."""
        path = self.path(sha256)
        try:
            _fsync(path)
        except FileNotFoundError:
            path = self.legacy_path(sha256)
            _fsync(path)  # missing in both layouts: OSError, nothing may name it
        return path.parent

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

    def _intact(self, path: Path, sha256: str) -> bool:
        """Whether the blob at ``path`` opens and matches its hash."""
        try:
            self._open(sha256, path.read_bytes())
        except (OSError, BlobError):
            return False
        return True

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


def _check_hash(sha256: str) -> None:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a lower-case hex SHA-256")


_SYNCFS_MIN = 64  # blobs in a batch from which one syncfs beats per-file fsyncs


def _syncfs_available() -> bool:
    """Linux >= 5.8 (where syncfs reports write-back errors) with syncfs in its C library."""
    if sys.platform != "linux":
        return False
    try:
        major, minor = (int(part) for part in os.uname().release.split(".")[:2])
    except ValueError:
        return False
    if (major, minor) < (5, 8):
        return False
    try:
        return hasattr(ctypes.CDLL(None, use_errno=True), "syncfs")
    except OSError:
        return False


_HAS_SYNCFS = _syncfs_available()
_LIBC = ctypes.CDLL(None, use_errno=True) if _HAS_SYNCFS else None


def _syncfs(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _LIBC.syncfs(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
    finally:
        os.close(fd)


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
