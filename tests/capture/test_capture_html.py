"""HTML pages: main text without scripts or page furniture, metadata, charsets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from refwatch.capture import CaptureError, read_bytes, read_path

PAGE = """<!DOCTYPE html><html><head>
<meta charset="utf-8">
<title>Seven arrested near Shenyang | Example Monitor</title>
<meta name="author" content="Desk Reporter">
<meta property="og:site_name" content="Example Monitor">
<meta property="article:published_time" content="{date}">
<script>var tracker = "SCRIPT-MARKER"; document.write("SCRIPT-MARKER");</script>
<style>.STYLE-MARKER {{ color: red }}</style>
</head><body>
<nav><a href="/">NAV-HOME</a> <a href="/donate">NAV-DONATE</a></nav>
<article><h1>Seven arrested near Shenyang</h1>
<p>Chinese police arrested seven North Koreans at a hideout near Shenyang in late April 2019, relatives said.</p>
<p>The group had been waiting to travel to a third country when the apartment was raided at night.</p>
<script>console.log("SCRIPT-MARKER-2")</script>
</article>
<footer>FOOTER-MARKER copyright</footer>
</body></html>"""


def _page(day: str = "2019-05-03") -> bytes:
    return PAGE.format(date=day).encode("utf-8")


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "article.html"
    path.write_bytes(_page())
    (doc,) = read_path(path)
    assert doc.kind == "article"
    assert "arrested seven North Koreans at a hideout near Shenyang" in doc.text
    assert "apartment was raided" in doc.text
    assert doc.title == "Seven arrested near Shenyang"
    assert doc.author == "Desk Reporter"
    assert doc.publisher == "Example Monitor"
    assert doc.published == date(2019, 5, 3)
    assert doc.language == "en"
    assert doc.media_type == "text/html"


def test_scripts_styles_and_navigation_never_reach_the_text() -> None:
    (doc,) = read_bytes(_page(), "a.html")
    for marker in ("SCRIPT-MARKER", "STYLE-MARKER", "NAV-HOME", "NAV-DONATE", "FOOTER-MARKER", "tracker"):
        assert marker not in doc.text


def test_impossible_date_is_ignored_not_guessed() -> None:
    (doc,) = read_bytes(_page("2023-02-30"), "a.html")
    assert doc.published is None
    (doc,) = read_bytes(_page("2023-02-30"), "a.html", published=date(2023, 3, 1))
    assert doc.published == date(2023, 3, 1)  # the caller's date fills the gap


def test_page_date_wins_over_callers_date() -> None:
    (doc,) = read_bytes(_page(), "a.html", published=date(2020, 1, 1))
    assert doc.published == date(2019, 5, 3)


def test_html_is_deterministic() -> None:
    a, b = read_bytes(_page(), "a.html")[0], read_bytes(_page(), "b.htm")[0]
    assert (a.sha256, a.text, a.title) == (b.sha256, b.text, b.title)


def test_html_is_sniffed_whatever_the_extension() -> None:
    (doc,) = read_bytes(_page(), "download.txt")
    assert doc.kind == "article" and "SCRIPT-MARKER" not in doc.text


def test_declared_euc_kr_page_is_decoded() -> None:
    body = "<p>중국 당국이 탈북민 약 600명을 도문과 훈춘 세관을 통해 강제북송했다고 인권단체가 밝혔다.</p>" * 3
    html = f'<html><head><meta charset="euc-kr"><title>강제북송</title></head><body><article>{body}</article></body></html>'
    (doc,) = read_bytes(html.encode("euc-kr"), "ko.html")
    assert "탈북민 약 600명" in doc.text
    assert doc.language == "ko"
    assert doc.encoding == "euc_kr"


def test_tiny_page_still_gives_its_text_without_scripts() -> None:
    html = b"<html><head><title>Note</title><script>SCRIPT()</script></head><body><p>Held in Tumen.</p></body></html>"
    (doc,) = read_bytes(html, "n.html")
    assert doc.text == "Held in Tumen."
    assert doc.title == "Note"


def test_binary_named_html_is_refused() -> None:
    with pytest.raises(CaptureError):
        read_bytes(bytes(range(1, 32)) * 40, "page.html")
