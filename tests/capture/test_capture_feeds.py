"""RSS and Atom feeds: one document per item with link, title and date."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from refwatch.capture import read_bytes, read_path


def _item(n: int, day: str) -> str:
    return (f"<item><title>Item {n}</title><link>https://feed.example.org/{n}</link>"
            f"<guid>https://feed.example.org/{n}</guid><pubDate>{day}</pubDate>"
            f"<description>&lt;p&gt;Police detained {n} people in Helong, a source said.&lt;/p&gt;"
            f"&lt;script&gt;alert('x')&lt;/script&gt;</description></item>")


def _rss(items: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Example Watch</title>'
            "<link>https://feed.example.org/</link><description>d</description>"
            + "".join(items) + "</channel></rss>").encode()


def test_rss_items_become_documents(tmp_path: Path) -> None:
    data = _rss([_item(1, "Mon, 09 Oct 2023 08:00:00 GMT"), _item(2, "Fri, 30 Feb 2024 10:00:00 GMT"),
                 _item(3, "Wed, 01 May 2024 12:00:00 +0900")])
    path = tmp_path / "news.xml"
    path.write_bytes(data)
    docs = read_path(path, published=date(2024, 6, 1))
    assert [d.url for d in docs] == [f"https://feed.example.org/{n}" for n in (1, 2, 3)]
    assert [d.title for d in docs] == ["Item 1", "Item 2", "Item 3"]
    assert docs[0].published == date(2023, 10, 9)
    assert docs[1].published == date(2024, 6, 1)  # "30 Feb" ignored, caller's date used
    assert docs[2].published == date(2024, 5, 1)
    assert all(d.kind == "feed_item" and d.publisher == "Example Watch" for d in docs)
    assert docs[0].text == "Police detained 1 people in Helong, a source said."
    assert "alert" not in docs[0].text
    assert docs[0].container_sha256 == hashlib.sha256(data).hexdigest()
    assert b"<title>Item 1</title>" in docs[0].original and b"Item 2" not in docs[0].original


def test_item_identity_does_not_depend_on_the_rest_of_the_feed() -> None:
    one = read_bytes(_rss([_item(1, "Mon, 09 Oct 2023 08:00:00 GMT")]), "a.rss")[0]
    two = read_bytes(_rss([_item(9, "Mon, 09 Oct 2023 08:00:00 GMT"), _item(1, "Mon, 09 Oct 2023 08:00:00 GMT")]),
                     "b.rss")[1]
    assert one.sha256 == two.sha256 and one.container_sha256 != two.container_sha256


def test_atom_entries() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Watch</title><id>urn:x</id><updated>2024-01-01T00:00:00Z</updated>
<entry><title>Arrest in Dandong</title><link href="https://atom.example.org/1"/><id>urn:1</id>
<published>2024-01-15T09:00:00Z</published><updated>2024-01-16T09:00:00Z</updated>
<content type="html">&lt;p&gt;Two women were arrested in Dandong in January, their families said.&lt;/p&gt;</content></entry>
</feed>"""
    (doc,) = read_bytes(atom, "feed.atom")
    assert doc.url == "https://atom.example.org/1"
    assert doc.title == "Arrest in Dandong"
    assert doc.published == date(2024, 1, 15)
    assert doc.text == "Two women were arrested in Dandong in January, their families said."
