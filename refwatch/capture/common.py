"""Small helpers the readers share: hashing, lenient date parsing, options."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# The parsers we call log URLs, header lines and excerpts of the documents
# they read ("Replacing spaces in invalid WARC-Target-URI: <text>"). Documents
# can name people at risk, so none of that may reach a log: only errors that
# Refwatch words itself (CaptureError) are reported.
for _name in ("trafilatura", "htmldate", "courlan", "justext", "warcio", "pypdf", "charset_normalizer"):
    logging.getLogger(_name).setLevel(logging.CRITICAL + 1)


@dataclass(frozen=True)
class ReadOptions:
    """What the caller told ``read_path`` / ``read_bytes``; passed to every reader."""

    published: date | None = None  # used when the document gives no date
    source: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    csv_mapping: dict[str, str] | None = None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
# Two far-apart defaults: a part the string does not give takes the default's
# value, so it comes out different under the two defaults and is detected.
_DEFAULT_A = datetime(2001, 1, 1)
_DEFAULT_B = datetime(2002, 2, 2)


def parse_date(value: object) -> date | None:
    """A calendar date from metadata, or None — never an exception.

    Accepts ``date``/``datetime``, ISO 8601 ("2023-10-09", "2023-10-09T08:00Z"),
    RFC 2822 ("Mon, 09 Oct 2023 08:00:00 +0000") and plain English forms
    ("9 October 2023"). Impossible dates ("30 February 2023") and dates that
    lack a day, month or year are ignored rather than guessed.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text or len(text) > 100:
        return None
    m = _ISO_DATE.match(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    try:
        a = dateutil_parser.parse(text, default=_DEFAULT_A, fuzzy=False)
        b = dateutil_parser.parse(text, default=_DEFAULT_B, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    if a.date() != b.date():
        return None
    return a.date()


def media_type_of(content_type: str | None) -> tuple[str | None, str | None]:
    """``("text/html", "utf-8")`` from ``"text/html; charset=UTF-8"``."""
    if not content_type:
        return None, None
    parts = [p.strip() for p in content_type.split(";")]
    media = parts[0].lower() or None
    charset = None
    for p in parts[1:]:
        key, _, val = p.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return media, charset
