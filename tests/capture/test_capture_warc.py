"""WARC web captures: one document per HTML/text response, with URL and capture time."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from refwatch.capture import CaptureError, read_bytes, read_path, read_path_with_errors


def _html(n: int) -> bytes:
    return (f"<html><head><title>Report {n}</title><script>SCRIPT{n}()</script></head><body><article>"
            f"<p>Report number {n}: police in Yanji detained several people without papers at the bus station.</p>"
            "</article></body></html>").encode()


def _warc(responses: list[tuple[str, str, bytes, str]], gzip: bool = False) -> bytes:
    """responses: (uri, content type, body, status line)."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    for i, (uri, ctype, body, status) in enumerate(responses):
        headers = StatusAndHeaders(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                                   protocol="HTTP/1.1")
        rec = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers,
                                        warc_headers_dict={"WARC-Date": f"2023-10-1{i}T08:00:00Z"})
        writer.write_record(rec)
    return buf.getvalue()


RESPONSES = [
    ("https://news.example.org/a", "text/html; charset=utf-8", _html(1), "200 OK"),
    ("https://news.example.org/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "200 OK"),
    ("https://news.example.org/b", "text/html", _html(2), "200 OK"),
    ("https://news.example.org/gone", "text/html", b"<html><body>Not found</body></html>", "404 Not Found"),
    ("https://news.example.org/c.txt", "text/plain; charset=utf-8", b"A plain statement from a family in Seoul.", "200 OK"),
]


def test_each_page_response_is_a_document(tmp_path: Path) -> None:
    data = _warc(RESPONSES)
    path = tmp_path / "crawl.warc"
    path.write_bytes(data)
    docs = read_path(path)
    assert [d.url for d in docs] == ["https://news.example.org/a", "https://news.example.org/b",
                                     "https://news.example.org/c.txt"]
    assert all(d.kind == "web_capture" for d in docs)
    assert [d.metadata["captured_at"] for d in docs] == ["2023-10-10T08:00:00Z", "2023-10-12T08:00:00Z",
                                                         "2023-10-14T08:00:00Z"]
    assert docs[0].metadata["captured_date"] == "2023-10-10"
    first = docs[0]
    assert first.sha256 == hashlib.sha256(_html(1)).hexdigest()  # the payload, not the file
    assert first.original == _html(1)
    assert first.container_sha256 == hashlib.sha256(data).hexdigest()
    assert first.title == "Report 1" and "SCRIPT1" not in first.text and "Report number 1" in first.text
    assert docs[2].media_type == "text/plain" and docs[2].text == "A plain statement from a family in Seoul."


def test_gzipped_warc_is_read() -> None:
    docs = read_bytes(_warc(RESPONSES[:1], gzip=True), "crawl.warc.gz")
    assert [d.url for d in docs] == ["https://news.example.org/a"]


def test_same_page_in_two_crawls_has_the_same_identity() -> None:
    a = read_bytes(_warc(RESPONSES[:1]), "one.warc")[0]
    b = read_bytes(_warc(RESPONSES[2:3] + RESPONSES[:1]), "two.warc")[1]
    assert a.sha256 == b.sha256 and a.container_sha256 != b.container_sha256


def test_damaged_warc_is_a_capture_error() -> None:
    data = _warc(RESPONSES[:1])
    with pytest.raises(CaptureError, match="damaged WARC"):
        read_bytes(data[:40] + b"\nnonsense\r\n\r\n" + data[40:80], "broken.warc")


def test_truncated_warc_is_a_capture_error() -> None:
    data = _warc(RESPONSES[:3])
    with pytest.raises(CaptureError, match="truncated WARC"):
        read_bytes(data[:-30], "cut.warc")


def test_bad_record_is_reported_and_others_kept(tmp_path: Path) -> None:
    responses = [RESPONSES[0], ("https://x.example.org/r.pdf", "application/pdf", b"%PDF-1.4 truncated", "200 OK")]
    path = tmp_path / "mixed.warc"
    path.write_bytes(_warc(responses))
    docs, errors = read_path_with_errors(path)
    assert [d.url for d in docs] == ["https://news.example.org/a"]
    assert len(errors) == 1 and "truncated" in errors[0].reason


def test_irregular_warc_never_echoes_document_text(capsys: pytest.CaptureFixture[str],
                                                    caplog: pytest.LogCaptureFixture) -> None:
    body = b"<html><body><p>Lee Sun-hee is hiding in a flat in Yanji.</p></body></html>"
    good = _warc([("https://x.example.org/a b", "text/html", body, "200 OK")])
    # Content-Length one byte short: warcio would print the following line to stderr.
    head, _, rest = good.partition(b"Content-Length: ")
    number, _, tail = rest.partition(b"\r\n")
    irregular = head + b"Content-Length: " + str(int(number) - 12).encode() + b"\r\n" + tail
    try:
        read_bytes(irregular, "odd.warc")
    except CaptureError as exc:
        assert "Lee" not in str(exc)
    out = capsys.readouterr()
    assert "Lee" not in out.err + out.out
    assert "Lee" not in caplog.text and "x.example.org" not in caplog.text
