"""HTML pages → one "article" document: main text and metadata via trafilatura.

trafilatura runs in its fast mode (no fallback extractors), and its date
finder (htmldate) in its markup-only mode: the page's own metadata, ``<time>``
elements, the URL and the title decide, never a date found in the running text.
A date in the body of a report is usually the date of an event ("arrested on 9
October 2023"), not of publication, so guessing from it is wrong for us; and
the free-text search is what costs most (dateparser compiles every locale's
patterns on first use: seconds per worker process and ~100 MB each). Scripts, styles, navigation and
comments never reach the text. When trafilatura finds no main text (tiny or
odd pages) the visible text of the body is used instead, so a page is never
silently empty.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import PurePath

import lxml.html
import trafilatura
from lxml import etree

from refwatch.capture.common import ReadOptions, parse_date, sha256_hex
from refwatch.capture.encoding import decode_text, normalize_text
from refwatch.capture.errors import CaptureError, UndecodableError
from refwatch.capture.language import detect_language
from refwatch.model.records import CapturedDocument

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Meta tags by which a page states its own publication date.
_DATE_META = {
    "article:published_time", "datepublished", "date", "dc.date", "dc.date.issued",
    "dcterms.date", "dcterms.created", "pubdate", "publishdate", "publication_date",
    "og:published_time", "sailthru.date", "parsely-pub-date",
}
_INVISIBLE = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form")
_BLOCKS = re.compile(r"\n[ \t]*\n+")
# htmldate options: markup only (see the module docstring); "max_date" is added per call.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}


def html_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 2 KB (``<meta charset>``)."""
    m = _META_CHARSET.search(data[:2048])
    return m.group(1).decode("ascii", "replace") if m else None


def strip_xml_invalid(text: str) -> str:
    """Drop control characters: they are never content, and lxml refuses them."""
    return _XML_INVALID.sub("", text)


def parse_html(text: str, name: str) -> lxml.html.HtmlElement:
    text = strip_xml_invalid(_XML_DECL.sub("", text, count=1))
    try:
        tree = lxml.html.document_fromstring(text or "<html></html>")
    except (etree.ParserError, ValueError) as exc:
        raise CaptureError(name, f"unreadable HTML ({type(exc).__name__})") from exc
    return tree


def visible_text(tree: lxml.html.HtmlElement) -> str:
    """Text a reader would see, without scripts, styles and page furniture.

    Used for feed summaries and as the fallback when trafilatura finds no main
    text. Works on a copy: the caller's tree is left alone.
    """
    tree = _copy(tree)
    for el in tree.iter(*_INVISIBLE):
        el.drop_tree()
    for br in tree.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in tree.iter("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre"):
        el.tail = "\n\n" + (el.tail or "")
    body = tree.find("body")
    raw = (body if body is not None else tree).text_content()
    lines = (" ".join(line.split()) for line in raw.split("\n"))
    joined = "\n".join(lines)
    return _BLOCKS.sub("\n\n", joined).strip()


def _copy(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    return copy.deepcopy(tree)


def _declared_date_is_bad(tree: lxml.html.HtmlElement) -> bool:
    """True when the page states a publication date and it is not a real date.

    htmldate then guesses (e.g. "2023-02-30" → 1 February); a guess is worse
    than no date, so the caller drops it.
    """
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _DATE_META:
            value = meta.get("content")
            if value and parse_date(value) is None:
                return True
    return False


def extract_article(
    text: str, name: str, url: str | None = None
) -> tuple[str, dict[str, str | None], list[str]]:
    """Main text, metadata (title, author, sitename, date) and flags of a page."""
    tree = parse_html(text, name)
    bad_date = _declared_date_is_bad(tree)
    fallback_tree = _copy(tree)
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            fast=True,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
            date_extraction_params={**_DATE_PARAMS, "max_date": date.today().isoformat()},
        )
    except Exception:  # noqa: BLE001 - a bug in a third-party parser must not stop a batch
        doc = None
    flags: list[str] = []
    meta: dict[str, str | None] = {"title": None, "author": None, "sitename": None, "date": None, "url": None}
    body = ""
    if doc is not None:
        body = doc.text or ""
        meta = {"title": doc.title, "author": doc.author, "sitename": doc.sitename, "date": doc.date,
                "url": doc.url}
    if not body.strip():
        body = visible_text(fallback_tree)
        flags.append("no_main_text")
        if not meta["title"]:
            title_el = fallback_tree.find(".//title")
            meta["title"] = title_el.text_content().strip() if title_el is not None else None
    if bad_date:
        meta["date"] = None
        flags.append("bad_date")
    if not body.strip():
        flags.append("empty_text")
    return body, meta, flags


def read_html(
    data: bytes, name: str, opts: ReadOptions, *, url: str | None = None, declared: str | None = None
) -> list[CapturedDocument]:
    """Read one HTML page; ``url`` and ``declared`` charset come from a container (WARC)."""
    try:
        raw_text, encoding = decode_text(data, declared or html_charset(data))
    except UndecodableError as exc:
        raise CaptureError(name, f"not an HTML page: {exc}") from exc
    body, meta, flags = extract_article(raw_text, name, url)
    text = normalize_text(body)
    return [
        CapturedDocument(
            sha256=sha256_hex(data),
            original=data,
            text=text,
            kind="article",
            filename=PurePath(name).name,
            url=url or _clean(meta["url"]),
            title=_clean(meta["title"]),
            author=_clean(meta["author"]),
            publisher=_clean(meta["sitename"]),
            published=parse_date(meta["date"]) or opts.published,
            language=detect_language(text),
            encoding=encoding,
            media_type="text/html",
            source=opts.source,
            flags=flags,
        )
    ]


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None
