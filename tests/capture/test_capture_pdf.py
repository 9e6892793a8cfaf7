"""PDFs: page texts and offsets, scans flagged, broken files refused clearly."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from refwatch.capture import CaptureError, read_bytes, read_path


def _pdf(pages: list[str], title: str | None = "Detention report") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    if title:
        c.setTitle(title)
        c.setAuthor("Casework desk")
    for text in pages:
        if text:
            c.drawString(72, 720, text)
        else:
            c.rect(72, 72, 400, 600, fill=1)  # a page with only graphics, like a scan
        c.showPage()
    c.save()
    return buf.getvalue()


def test_pages_are_separated_and_located(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(_pdf(["Arrested in Yanji on 3 December 2023.", "Returned through Tumen to Onsong."]))
    (doc,) = read_path(path)
    assert doc.kind == "pdf"
    assert doc.text.count("\f") == 1
    pages = doc.metadata["pages"]
    assert len(pages) == 2 and doc.metadata["page_count"] == 2
    assert doc.text[pages[0][0]:pages[0][1]] == "Arrested in Yanji on 3 December 2023."
    assert doc.text[pages[1][0]:pages[1][1]] == "Returned through Tumen to Onsong."
    assert doc.title == "Detention report" and doc.author == "Casework desk"
    assert doc.flags == []
    assert doc.media_type == "application/pdf"


def test_pdf_reading_is_deterministic() -> None:
    data = _pdf(["Same bytes, same text."])
    a, b = read_bytes(data, "a.pdf")[0], read_bytes(data, "b.pdf")[0]
    assert (a.sha256, a.text, a.metadata) == (b.sha256, b.text, b.metadata)


def test_scanned_pdf_is_kept_and_flagged() -> None:
    data = _pdf(["", ""])
    (doc,) = read_bytes(data, "scan.pdf")
    assert "no_text_layer" in doc.flags
    assert doc.original == data
    assert doc.text.strip("\f") == ""
    assert doc.metadata["page_count"] == 2


def test_truncated_pdf_is_a_clear_error(tmp_path: Path) -> None:
    data = _pdf(["Page one", "Page two"])
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CaptureError) as err:
        read_path(path)
    assert err.value.path == str(path)
    assert "truncated" in err.value.reason


def test_pdf_with_damaged_body_is_a_capture_error() -> None:
    data = _pdf(["Page one"])
    damaged = data[:9] + b"\x00garbage" * 100 + b"\n%%EOF\n"
    with pytest.raises(CaptureError, match="PDF"):
        read_bytes(damaged, "bad.pdf")


def test_png_named_pdf_is_refused() -> None:
    with pytest.raises(CaptureError) as err:
        read_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "report.pdf")
    assert "PNG" in err.value.reason


def test_text_named_pdf_without_header_is_refused() -> None:
    with pytest.raises(CaptureError, match="not a PDF"):
        read_bytes(b"just some words, no pdf here", "report.pdf")
