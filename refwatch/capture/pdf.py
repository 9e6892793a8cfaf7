"""PDF files → one "pdf" document, page texts separated by form feeds.

``metadata["pages"]`` holds ``[start, end]`` character offsets of each page in
the text, so a claim's evidence span can be traced to its page. A PDF without
a text layer (a scan) is kept — its bytes are evidence — and flagged
``no_text_layer`` for OCR or a human to read.

The PDF's creation date goes to ``metadata["created"]``, not to
``published``: it records when the file was made (generators often write a
fixed or regeneration date), and a wrong publication date would shift every
relative date ("two months ago") the extractor resolves against it.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import PurePath

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from refwatch.capture.common import ReadOptions, sha256_hex
from refwatch.capture.encoding import normalize_text
from refwatch.capture.errors import CaptureError
from refwatch.capture.language import detect_language
from refwatch.model.records import CapturedDocument

_EOF_WINDOW = 2048
_PDF_DATE = re.compile(r"^D?:?(\d{4})(\d{2})?(\d{2})?")
_JUNK_VALUES = {"untitled", "anonymous", "unknown", "unspecified", ""}



def _pdf_date(value: object) -> date | None:
    m = _PDF_DATE.match(str(value or ""))
    if not m or not m[2] or not m[3]:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _meta_str(info: object, key: str) -> str | None:
    try:
        value = info.get(key) if info is not None else None  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - broken indirect objects in the info dictionary
        return None
    if value is None:
        return None
    text = " ".join(str(value).split())
    return None if text.lower() in _JUNK_VALUES else text


def read_pdf(data: bytes, name: str, opts: ReadOptions) -> list[CapturedDocument]:
    if b"%PDF-" not in data[:1024]:
        raise CaptureError(name, "not a PDF: no %PDF header")
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise CaptureError(name, "truncated or damaged PDF: no end-of-file marker")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # noqa: BLE001
                raise CaptureError(name, "encrypted PDF: cannot be opened without a password") from exc
            if not ok:
                raise CaptureError(name, "encrypted PDF: cannot be opened without a password")
        pages = list(reader.pages)
        info = reader.metadata
    except CaptureError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, AssertionError, OSError, NotImplementedError) as exc:
        raise CaptureError(name, f"damaged PDF: {type(exc).__name__}") from exc

    page_texts: list[str] = []
    failed: list[int] = []
    for number, page in enumerate(pages, start=1):
        try:
            page_texts.append(normalize_text(page.extract_text() or "").strip("\n"))
        except Exception:  # noqa: BLE001 - one bad page must not lose the others
            page_texts.append("")
            failed.append(number)

    offsets: list[list[int]] = []
    pos = 0
    for t in page_texts:
        offsets.append([pos, pos + len(t)])
        pos += len(t) + 1  # the "\f" between pages
    text = "\f".join(page_texts)

    flags: list[str] = []
    if not any(t.strip() for t in page_texts):
        flags.append("no_text_layer")
    if failed:
        flags.append("page_errors")
    metadata: dict[str, object] = {"pages": offsets, "page_count": len(pages)}
    if failed:
        metadata["failed_pages"] = failed
    created = _pdf_date(_meta_str(info, "/CreationDate"))
    if created:
        metadata["created"] = created.isoformat()
    return [
        CapturedDocument(
            sha256=sha256_hex(data),
            original=data,
            text=text,
            kind="pdf",
            filename=PurePath(name).name,
            title=_meta_str(info, "/Title"),
            author=_meta_str(info, "/Author"),
            published=opts.published,
            language=detect_language(text.replace("\f", "\n")),
            media_type="application/pdf",
            source=opts.source,
            flags=flags,
            metadata=metadata,
        )
    ]
