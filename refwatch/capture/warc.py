"""Web captures (WARC, plain or gzipped) → one "web_capture" document per page.

Each successful (2xx) HTTP ``response`` record — and each ``resource`` record —
becomes a document with the record's target URL and capture time
(``metadata["captured_at"]``). Its identity is the SHA-256 of the record's
payload (HTTP body after transfer/content decoding); ``container_sha256`` is
the WARC file's. The body is read according to its Content-Type: HTML through
the article reader, plain text and PDF through theirs; other types (images,
scripts, style sheets) are not documents and are skipped. Redirects and error
pages (3xx–5xx) carry no report and are skipped too.
"""

from __future__ import annotations

import io
from pathlib import PurePath

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader

from refwatch.capture.common import ReadOptions, media_type_of, parse_date, sha256_hex
from refwatch.capture.errors import CaptureError
from refwatch.capture.html import read_html
from refwatch.capture.pdf import read_pdf
from refwatch.capture.text import read_text
from refwatch.model.records import CapturedDocument

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_TEXT_TYPES = {"text/plain", "text/markdown"}
_PDF_TYPES = {"application/pdf"}


def _read_payload(payload: bytes, media: str | None, charset: str | None, item_name: str,
                  uri: str | None, opts: ReadOptions) -> CapturedDocument | None:
    """The document in one record's body, or None when the type holds no document."""
    looks_html = payload.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))
    if media in _HTML_TYPES or (media is None and looks_html):
        return read_html(payload, item_name, opts, url=uri, declared=charset)[0]
    if media in _TEXT_TYPES:
        return read_text(payload, item_name, opts, media_type=media, declared=charset)[0]
    if media in _PDF_TYPES:
        return read_pdf(payload, item_name, opts)[0]
    return None


class _QuietArchiveIterator(ArchiveIterator):
    """warcio writes the first line after a short record to stderr: that line is
    document text, which must never reach a log. The count is kept (err_count)."""

    INC_RECORD = ""


def _record_document(record, index: int, name: str, opts: ReadOptions) -> CapturedDocument | None:  # type: ignore[no-untyped-def]
    """The document in one WARC record, or None for records that hold no page."""
    if record.rec_type not in ("response", "resource"):
        return None
    item_name = f"{name}#record{index}"
    uri = record.rec_headers.get_header("WARC-Target-URI")
    captured = record.rec_headers.get_header("WARC-Date")
    status: int | None = None
    if record.rec_type == "response":
        if record.http_headers is None:
            return None  # a non-HTTP response (dns:, whois:) holds no page
        content_type = record.http_headers.get_header("Content-Type")
        try:
            status = int(record.http_headers.get_statuscode() or 0)
        except ValueError:
            status = 0
        if not 200 <= status < 300:
            return None
    else:
        content_type = record.rec_headers.get_header("Content-Type")
    media, charset = media_type_of(content_type)
    try:
        payload = record.content_stream().read()
    except Exception as exc:  # noqa: BLE001 - bad chunking or gzip in one record
        raise CaptureError(item_name, f"unreadable record payload ({type(exc).__name__})") from exc
    doc = _read_payload(payload, media, charset, item_name, uri, opts)
    if doc is None:
        return None
    doc.kind = "web_capture"
    doc.url = uri
    doc.media_type = media or doc.media_type
    doc.metadata.update({
        "captured_at": captured,
        "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
        "record_index": index,
    })
    if status is not None:
        doc.metadata["http_status"] = status
    captured_day = parse_date(captured)
    if captured_day:
        doc.metadata["captured_date"] = captured_day.isoformat()
    return doc


def _check_complete(record, index: int, name: str) -> None:  # type: ignore[no-untyped-def]
    """Raise if the record's block is shorter than its Content-Length (a cut-off file)."""
    stream = record.raw_stream
    while stream.read(65536):
        pass
    if isinstance(stream, LimitReader) and stream.limit > 0:
        raise CaptureError(name, f"truncated WARC file: record {index} is incomplete")


def read_warc_items(data: bytes, name: str, opts: ReadOptions) -> tuple[list[CapturedDocument], list[CaptureError]]:
    """All page documents of a WARC file, and one error per record that failed."""
    container = sha256_hex(data)
    docs: list[CapturedDocument] = []
    errors: list[CaptureError] = []
    records = 0
    try:
        for index, record in enumerate(_QuietArchiveIterator(io.BytesIO(data), arc2warc=True)):
            records += 1
            if not record.rec_type:
                raise CaptureError(name, f"damaged WARC file: record {index} has no WARC-Type")
            try:
                doc = _record_document(record, index, name, opts)
            except CaptureError as exc:
                errors.append(exc)
                doc = None
            _check_complete(record, index, name)
            if doc is not None:
                doc.filename = PurePath(name).name
                doc.container_sha256 = container
                docs.append(doc)
    except ArchiveLoadFailed as exc:
        # warcio's message quotes the offending line, which may be document text: not shown
        raise CaptureError(name, "damaged WARC file: not a WARC record where one was expected") from exc
    except (ValueError, EOFError, OSError, AttributeError, TypeError, IndexError) as exc:
        raise CaptureError(name, f"damaged WARC file ({type(exc).__name__})") from exc
    if records == 0:
        raise CaptureError(name, "not a WARC file: no records")
    return docs, errors


def read_warc(data: bytes, name: str, opts: ReadOptions) -> list[CapturedDocument]:
    """Page documents of a WARC file; raises only if no page could be read but some failed,
    or the file itself is damaged. A WARC with only non-page records gives ``[]``."""
    docs, errors = read_warc_items(data, name, opts)
    if not docs and errors:
        raise CaptureError(name, f"no readable page in WARC; first problem: {errors[0].reason}")
    return docs
