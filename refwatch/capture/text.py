"""Plain-text files (testimonies, notes, pasted articles) → one "text" document.

This is the hot path of a bulk import, so it does the minimum: strict UTF-8
decoding (charset-normalizer only if that fails), newline/NFC normalisation,
script-first language detection.
"""

from __future__ import annotations

import os

from refwatch.capture.common import ReadOptions, sha256_hex
from refwatch.capture.encoding import decode_text, normalize_text
from refwatch.capture.errors import CaptureError, UndecodableError
from refwatch.capture.language import detect_language
from refwatch.model.records import CapturedDocument


def read_text(data: bytes, name: str, opts: ReadOptions, *, media_type: str = "text/plain",
              declared: str | None = None) -> list[CapturedDocument]:
    try:
        raw, encoding = decode_text(data, declared)
    except UndecodableError as exc:
        raise CaptureError(name, f"not a text file: {exc}") from exc
    text = normalize_text(raw)
    flags = [] if text.strip() else ["empty_text"]
    return [
        CapturedDocument(
            sha256=sha256_hex(data),
            original=data,
            text=text,
            kind="text",
            filename=os.path.basename(name),
            published=opts.published,
            language=detect_language(text),
            encoding=encoding,
            media_type=media_type,
            source=opts.source,
            flags=flags,
        )
    ]
