"""CSV files of reports → one "csv_row" document per row.

A column mapping says which column holds which field::

    {"text": "body", "title": "headline", "url": "link",
     "published": "date", "source": "organisation"}

Only ``text`` is required. Without a mapping, columns named like the fields
(``text``, ``title``, ``url``, ``published``, ``source``, ``author``,
``publisher``; case-insensitive) are used.

Bulk imports report each bad row and keep the good ones: :func:`read_csv`
returns the documents of the good rows *and* one :class:`CaptureError` per
bad row (a row with the wrong number of fields, no text, or unparsable CSV),
naming its line number — never its content. ``read_path`` on a CSV returns the
good rows and raises only when no row at all is good; call :func:`read_csv`
(or ``read_path_with_errors``) to see the bad rows. An impossible date
("30 February") does not make a row bad: it is ignored (``published`` falls
back to the caller's date) and the document is flagged ``bad_date``.

A row's identity is the SHA-256 of its own raw line(s) as they are in the
file, without the line terminator; ``container_sha256`` is the file's.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path, PurePath

from refwatch.capture.common import DEFAULT_MAX_BYTES, ReadOptions, parse_date, sha256_hex
from refwatch.capture.encoding import decode_text, normalize_text
from refwatch.capture.errors import CaptureError, UndecodableError
from refwatch.capture.language import detect_language
from refwatch.model.records import CapturedDocument

FIELDS = ("text", "title", "url", "published", "source", "author", "publisher")
_ROW_ENCODING = {"utf-8-sig": "utf-8", "utf-16": "utf-8", "utf-32": "utf-8"}

csv.field_size_limit(max(csv.field_size_limit(), min(sys.maxsize, 2**31 - 1)))  # report texts can be long


class _LineTap:
    """Feeds lines to ``csv.reader`` and remembers those the current row used."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.taken: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.taken.append(line)
        return line

    def pop_raw(self) -> str:
        raw = "".join(self.taken)
        self.taken = []
        return raw.rstrip("\r\n")


def _resolve_mapping(header: list[str], mapping: dict[str, str] | None, name: str) -> dict[str, int]:
    index = {h.strip().lower(): i for i, h in enumerate(header)}
    if mapping is None:
        columns = {f: index[f] for f in FIELDS if f in index}
    else:
        unknown = sorted(set(mapping) - set(FIELDS))
        if unknown:
            raise CaptureError(name, f"column mapping has unknown field(s) {unknown}; known: {list(FIELDS)}")
        columns = {}
        for field, column in mapping.items():
            key = column.strip().lower()
            if key not in index:
                raise CaptureError(name, f"column mapping names column {column!r} (for {field}) that the header lacks")
            columns[field] = index[key]
    if "text" not in columns:
        raise CaptureError(name, "no text column: name one in the column mapping ({'text': COLUMN})")
    return columns


def read_csv_bytes(data: bytes, name: str, opts: ReadOptions) -> tuple[list[CapturedDocument], list[CaptureError]]:
    """Documents of the good rows and one error per bad row (see module doc)."""
    try:
        decoded, encoding = decode_text(data)
    except UndecodableError as exc:
        raise CaptureError(name, f"not a CSV file: {exc}") from exc
    row_encoding = _ROW_ENCODING.get(encoding, encoding)
    if decoded.startswith("\ufeff"):
        decoded = decoded[1:]
    delimiter = "\t" if PurePath(name).suffix.lower() in (".tsv", ".tab") else ","
    tap = _LineTap(decoded)
    reader = csv.reader(tap, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise CaptureError(name, "empty CSV file: no header") from None
    except csv.Error as exc:
        raise CaptureError(name, f"unreadable CSV header ({exc})") from exc
    tap.pop_raw()
    columns = _resolve_mapping(header, opts.csv_mapping, name)
    mapped = set(columns.values())
    container = sha256_hex(data)
    docs: list[CapturedDocument] = []
    errors: list[CaptureError] = []
    row_number = 0
    while True:
        start_line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            tap.pop_raw()
            errors.append(CaptureError(name, f"line {start_line}: unreadable CSV row ({exc})"))
            continue
        raw = tap.pop_raw()
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        row_number += 1
        if len(row) != len(header):
            errors.append(CaptureError(name, f"line {start_line}: expected {len(header)} fields, found {len(row)}"))
            continue
        values = {field: row[i].strip() for field, i in columns.items()}
        text = normalize_text(row[columns["text"]].strip())
        if not text:
            errors.append(CaptureError(name, f"line {start_line}: empty text"))
            continue
        try:
            original = raw.encode(row_encoding)
        except (UnicodeEncodeError, LookupError):
            original = raw.encode("utf-8")
        flags: list[str] = []
        published = parse_date(values.get("published")) if values.get("published") else None
        if values.get("published") and published is None:
            flags.append("bad_date")
        extra = {h: row[i] for i, h in enumerate(header) if i not in mapped and row[i].strip()}
        docs.append(
            CapturedDocument(
                sha256=sha256_hex(original),
                original=original,
                text=text,
                kind="csv_row",
                filename=PurePath(name).name,
                url=values.get("url") or None,
                title=values.get("title") or None,
                author=values.get("author") or None,
                publisher=values.get("publisher") or None,
                published=published or opts.published,
                language=detect_language(text),
                encoding=encoding,
                media_type="text/csv",
                source=values.get("source") or opts.source,
                container_sha256=container,
                flags=flags,
                metadata={"line": start_line, "row": row_number, **({"extra": extra} if extra else {})},
            )
        )
    return docs, errors


def read_csv_file(data: bytes, name: str, opts: ReadOptions) -> list[CapturedDocument]:
    """The good rows; raises only when the file has no good row (reader for ``read_path``)."""
    docs, errors = read_csv_bytes(data, name, opts)
    if not docs:
        if errors:
            raise CaptureError(name, f"no good row ({len(errors)} bad); first: {errors[0].reason}")
        raise CaptureError(name, "CSV file has a header but no rows")
    return docs


def read_csv(path: Path, mapping: dict[str, str] | None = None, *, published=None, source: str | None = None,
             max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[CapturedDocument], list[CaptureError]]:
    """Read a CSV file: ``(documents of the good rows, one error per bad row)``."""
    from refwatch.capture.readers import load_bytes  # the size check lives there

    data = load_bytes(Path(path), max_bytes)
    return read_csv_bytes(data, str(path), ReadOptions(published, source, max_bytes, mapping))
