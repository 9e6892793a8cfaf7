"""Capture: one reader per format, each turning bytes into CapturedDocument records.

Formats: plain text, HTML (trafilatura), PDF (pypdf), web captures (WARC via
warcio), RSS/Atom feeds (feedparser) and CSV files of reports. A document's
identity is the SHA-256 of its original bytes; its plain text is derived
deterministically from them.
"""

from refwatch.capture.common import DEFAULT_MAX_BYTES, ReadOptions, parse_date
from refwatch.capture.csvrows import read_csv, read_csv_bytes
from refwatch.capture.encoding import decode_text, normalize_text
from refwatch.capture.errors import CaptureError, UndecodableError
from refwatch.capture.language import detect_language
from refwatch.capture.readers import (
    iter_input_paths,
    load_bytes,
    read_bytes,
    read_bytes_with_errors,
    read_path,
    read_path_with_errors,
    sniff_format,
)
from refwatch.model.records import CapturedDocument

__all__ = [
    "DEFAULT_MAX_BYTES",
    "CaptureError",
    "CapturedDocument",
    "ReadOptions",
    "UndecodableError",
    "decode_text",
    "detect_language",
    "iter_input_paths",
    "load_bytes",
    "normalize_text",
    "parse_date",
    "read_bytes",
    "read_bytes_with_errors",
    "read_csv",
    "read_csv_bytes",
    "read_path",
    "read_path_with_errors",
    "sniff_format",
]
