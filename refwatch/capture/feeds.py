"""RSS and Atom feed files → one "feed_item" document per item.

feedparser reads the items (link, title, date, author, sanitised content). An
item's identity is the SHA-256 of its own XML, serialised canonically (C14N)
from the file, so the same item seen in two snapshots of a feed is the same
document; ``container_sha256`` names the feed file.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import PurePath

import feedparser
import lxml.html
from lxml import etree

from refwatch.capture.common import ReadOptions, parse_date, sha256_hex
from refwatch.capture.encoding import normalize_text
from refwatch.capture.errors import CaptureError
from refwatch.capture.html import strip_xml_invalid, visible_text
from refwatch.capture.language import detect_language
from refwatch.model.records import CapturedDocument

_ITEM_TAGS = {"item", "entry"}
# No entity expansion, no network, no DTD loading: a feed is untrusted input.
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                              recover=True, huge_tree=False, remove_blank_text=False)


def _item_elements(data: bytes) -> list[bytes] | None:
    """Canonical XML of each item/entry element in document order, or None if unparsable."""
    try:
        root = etree.fromstring(data, _XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    out = []
    for el in root.iter(etree.Element):
        if etree.QName(el).localname in _ITEM_TAGS:
            try:
                out.append(etree.tostring(el, method="c14n"))
            except (etree.C14NError, ValueError):
                out.append(etree.tostring(el, encoding="utf-8"))
    return out


def _struct_date(value: object) -> date | None:
    try:
        return date(value.tm_year, value.tm_mon, value.tm_mday)  # type: ignore[attr-defined]
    except (AttributeError, ValueError, TypeError):
        return None


def _entry_date(entry: dict) -> date | None:
    # dict.get: feedparser's own lookup maps missing keys to others (with a warning).
    for key in ("published", "updated", "created"):
        raw = dict.get(entry, key)
        if raw:
            # Our parser first: it refuses impossible dates instead of rolling them over.
            return parse_date(raw) or _struct_date(dict.get(entry, f"{key}_parsed"))
    return None


def _html_fragment_text(value: str) -> str:
    value = strip_xml_invalid(value)
    if "<" not in value:
        return " ".join(value.split())
    try:
        fragment = lxml.html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(value.split())
    return visible_text(fragment)


def _entry_text(entry: dict) -> str:
    parts = entry.get("content") or []
    value = parts[0].get("value", "") if parts else ""
    if not value.strip():
        value = entry.get("summary", "") or ""
    return _html_fragment_text(value)


def read_feed(data: bytes, name: str, opts: ReadOptions) -> list[CapturedDocument]:
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    entries = parsed.entries
    if not entries:
        if parsed.bozo and not parsed.feed:
            raise CaptureError(name, "not a readable RSS/Atom feed (malformed XML)")
        return []
    raw_items = _item_elements(data)
    exact = raw_items is not None and len(raw_items) == len(entries)
    container = sha256_hex(data)
    publisher = " ".join((parsed.feed.get("title") or "").split()) or None
    docs = []
    for index, entry in enumerate(entries):
        flags: list[str] = []
        if exact:
            original = raw_items[index]  # type: ignore[index]
        else:
            # The XML could not be split the way feedparser read it (broken
            # markup feedparser recovered from): identify the item by a
            # canonical JSON of what was read instead.
            fields = {k: entry.get(k) for k in ("id", "link", "title", "published", "updated", "summary")}
            original = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
            flags.append("item_bytes_reconstructed")
        text = normalize_text(_entry_text(entry))
        if not text.strip():
            flags.append("empty_text")
        docs.append(
            CapturedDocument(
                sha256=sha256_hex(original),
                original=original,
                text=text,
                kind="feed_item",
                filename=PurePath(name).name,
                url=entry.get("link") or None,
                title=" ".join((entry.get("title") or "").split()) or None,
                author=entry.get("author") or None,
                publisher=publisher,
                published=_entry_date(entry) or opts.published,
                language=detect_language(text),
                encoding=parsed.get("encoding"),
                media_type="application/xml",
                source=opts.source,
                container_sha256=container,
                flags=flags,
                metadata={"item_index": index, "item_id": entry.get("id")},
            )
        )
    return docs
