"""Choosing the reader for a file, and reading files, bytes and folders.

The content decides first (magic bytes: ``%PDF``, ``WARC/``, ``<?xml`` with
``<rss``/``<feed``, ``<html``), the file name's extension second: files are
often misnamed, and a ".pdf" that is really a PNG must fail clearly rather
than be fed to the wrong parser.
"""

from __future__ import annotations

import os
import stat
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from refwatch.capture.common import DEFAULT_MAX_BYTES, ReadOptions
from refwatch.capture.csvrows import read_csv_bytes, read_csv_file
from refwatch.capture.errors import CaptureError
from refwatch.capture.feeds import read_feed
from refwatch.capture.html import read_html
from refwatch.capture.pdf import read_pdf
from refwatch.capture.text import read_text
from refwatch.capture.warc import read_warc, read_warc_items
from refwatch.model.records import CapturedDocument

Reader = Callable[[bytes, str, ReadOptions], list[CapturedDocument]]

STDIN = "-"
STDIN_NAME = "<stdin>"

READERS: dict[str, Reader] = {
    "text": read_text,
    "html": read_html,
    "pdf": read_pdf,
    "warc": read_warc,
    "feed": read_feed,
    "csv": read_csv_file,
}

# Formats we do not read, recognised so the error can say what the file is.
_FOREIGN_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg media file"),
    (b"SQLite format 3\x00", "an SQLite database"),
)

_FOREIGN_PREFIXES = tuple(magic for magic, _ in _FOREIGN_MAGIC)  # one C-level test for the common case

_EXTENSIONS: dict[str, str] = {
    ".pdf": "pdf",
    ".warc": "warc", ".arc": "warc",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".csv": "csv", ".tsv": "csv",
}


def sniff_format(data: bytes, filename: str) -> str:
    """The reader name for ``data`` ("text", "html", "pdf", "warc", "feed", "csv").

    Raises :class:`CaptureError` for files of a type Refwatch does not read.
    """
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith((b"WARC/", b"filedesc://")):
        return "warc"
    if data.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:8192], 64)
        except zlib.error:
            head = b""
        if head.startswith(b"WARC/"):
            return "warc"
        raise CaptureError(filename, "wrong file type: a gzip-compressed file that is not a web capture")
    for magic, what in _FOREIGN_MAGIC if data.startswith(_FOREIGN_PREFIXES) else ():
        if data.startswith(magic):
            if what == "a Windows executable" and b"\x00" not in data[:512]:
                continue  # "MZ" also starts ordinary text
            raise CaptureError(filename, f"wrong file type: looks like {what}")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<rdf:rdf")):
        if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
            return "feed"
        if b"<html" in head:
            return "html"
    if head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<") and b"<html" in head[:512]):
        return "html"
    name = filename.lower()
    if name.endswith(".warc.gz"):
        return "warc"
    return _EXTENSIONS.get(os.path.splitext(os.path.basename(name))[1], "text")


def _options(published: date | None, source: str | None, max_bytes: int,
             csv_mapping: dict[str, str] | None) -> ReadOptions:
    return ReadOptions(published=published, source=source, max_bytes=max_bytes, csv_mapping=csv_mapping)


def read_bytes(data: bytes, filename: str, *, published: date | None = None, source: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES, csv_mapping: dict[str, str] | None = None) -> list[CapturedDocument]:
    """Read ``data`` as the file ``filename`` would be read (see :func:`read_path`)."""
    if len(data) > max_bytes:
        raise CaptureError(filename, f"file too large: {len(data)} bytes, limit {max_bytes}")
    opts = _options(published, source, max_bytes, csv_mapping)
    fmt = sniff_format(data, filename)
    with _as_capture_error(filename, fmt):
        return READERS[fmt](data, filename, opts)


def read_bytes_with_errors(data: bytes, filename: str, *, published: date | None = None, source: str | None = None,
                           max_bytes: int = DEFAULT_MAX_BYTES, csv_mapping: dict[str, str] | None = None,
                           ) -> tuple[list[CapturedDocument], list[CaptureError]]:
    """Like :func:`read_bytes` but containers (CSV, WARC) also return their bad items' errors."""
    if len(data) > max_bytes:
        raise CaptureError(filename, f"file too large: {len(data)} bytes, limit {max_bytes}")
    opts = _options(published, source, max_bytes, csv_mapping)
    fmt = sniff_format(data, filename)
    with _as_capture_error(filename, fmt):
        if fmt == "csv":
            return read_csv_bytes(data, filename, opts)
        if fmt == "warc":
            return read_warc_items(data, filename, opts)
        return READERS[fmt](data, filename, opts), []


@contextmanager
def _as_capture_error(filename: str, fmt: str) -> Iterator[None]:
    """Last line of defence: a parser crashing on a malformed file is a bad file, not a traceback.

    The readers catch the errors they know; this turns anything else a
    third-party parser raises into a CaptureError naming only the exception
    type (its message may quote the document).
    """
    try:
        yield
    except CaptureError:
        raise
    except (MemoryError, KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001
        raise CaptureError(filename, f"damaged or unreadable {fmt} file ({type(exc).__name__})") from exc


def load_bytes(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of ``path`` (or stdin for ``-``), refusing oversized input before reading it."""
    name = os.fspath(path)
    if name == STDIN:
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise CaptureError(STDIN_NAME, f"input too large: more than {max_bytes} bytes")
        return data
    try:
        st = os.stat(name)
    except FileNotFoundError:
        raise CaptureError(name, "no such file") from None
    except PermissionError:
        raise CaptureError(name, "permission denied") from None
    except OSError as exc:
        raise CaptureError(name, f"cannot read file ({exc.strerror or type(exc).__name__})") from None
    if stat.S_ISDIR(st.st_mode):
        raise CaptureError(name, "is a directory")
    if stat.S_ISREG(st.st_mode) and st.st_size > max_bytes:
        raise CaptureError(name, f"file too large: {st.st_size} bytes, limit {max_bytes}")
    # Ask for what stat() reported (plus one byte, to notice growth): asking
    # for max_bytes + 1 makes Python allocate a buffer of that size (50 MB by
    # default) for every file, which cost more than reading a 4 KB report.
    want = min(max_bytes, st.st_size) + 1 if stat.S_ISREG(st.st_mode) else max_bytes + 1
    try:
        with open(name, "rb") as fh:
            data = fh.read(want)  # bounded even if the file grew or is not regular
            if len(data) == want and want <= max_bytes:  # it grew since stat(): the rest, still bounded
                data += fh.read(max_bytes + 1 - want)
    except PermissionError:
        raise CaptureError(name, "permission denied") from None
    except OSError as exc:
        raise CaptureError(name, f"cannot read file ({exc.strerror or type(exc).__name__})") from None
    if len(data) > max_bytes:
        raise CaptureError(name, f"file too large: more than {max_bytes} bytes")
    return data


def _name_of(path: Path | str) -> str:
    name = os.fspath(path)
    return STDIN_NAME if name == STDIN else name


def read_path(path: Path | str, *, published: date | None = None, source: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES, csv_mapping: dict[str, str] | None = None) -> list[CapturedDocument]:
    """Read one file (``-`` is stdin) into documents.

    The reader is picked by content first, extension second. ``published`` is
    used when the document gives no date of its own; ``source`` is recorded on
    every document. Raises :class:`CaptureError` (path + one-line reason) for
    missing, oversized (checked before reading), wrongly typed, corrupt or
    binary input. Containers (CSV, WARC) return their good items and raise
    only when none is good — use :func:`read_path_with_errors` to also get the
    bad items' errors.
    """
    data = load_bytes(path, max_bytes)
    return read_bytes(data, _name_of(path), published=published, source=source,
                      max_bytes=max_bytes, csv_mapping=csv_mapping)


def read_path_with_errors(path: Path | str, *, published: date | None = None, source: str | None = None,
                          max_bytes: int = DEFAULT_MAX_BYTES, csv_mapping: dict[str, str] | None = None,
                          ) -> tuple[list[CapturedDocument], list[CaptureError]]:
    """``(documents, errors of bad rows/records)``; raises like :func:`read_path` for whole-file problems."""
    data = load_bytes(path, max_bytes)
    return read_bytes_with_errors(data, _name_of(path), published=published, source=source,
                                  max_bytes=max_bytes, csv_mapping=csv_mapping)


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if _is_hidden(entry.name):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(Path(entry.path))
            elif entry.is_file(follow_symlinks=True):
                yield Path(entry.path)
        except OSError:
            continue


def iter_input_paths(inputs: list[str]) -> Iterator[Path]:
    """The files to read for command-line ``inputs``.

    Files are yielded as given (even hidden ones: the user named them),
    folders recursively in sorted order, skipping hidden files and folders
    and not following symlinked folders (no loops). ``-`` yields ``Path("-")``
    (stdin; :func:`read_path` reads it as ``<stdin>``). A path that does not
    exist is yielded too, so that reading it reports the error per file.
    """
    for item in inputs:
        if item == STDIN:
            yield Path(STDIN)
            continue
        path = Path(item)
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path
