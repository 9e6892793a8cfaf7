"""Write the demo corpus: the texts in ``data/*.md`` wrapped into every format.

The texts are the project's own (public events, invented private persons;
see ``data/README.md``). The generator wraps them as HTML pages (with a
script, a style sheet and navigation, to show that cleaning works), PDFs
(one of several pages), one WARC file of three HTTP responses, one RSS feed
of three items, one CSV file and plain-text testimonies (one in Korean).

Output is byte-for-byte reproducible: fixed dates and record ids in the
WARC, ReportLab's invariant mode for the PDFs. The same corpus always has the
same SHA-256 identities, which tests and demos rely on.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

DEMO_CSV_MAPPING: dict[str, str] = {
    "text": "text",
    "title": "title",
    "url": "url",
    "published": "published",
    "source": "source",
}

CSV_COLUMNS = ("text", "title", "url", "published", "source")


@dataclass(frozen=True)
class DemoReport:
    id: str
    format: str  # html, pdf, warc, feed, csv, text
    title: str
    publisher: str
    author: str
    published: date
    url: str | None
    paragraphs: tuple[str, ...]
    filename: str  # the data file it came from

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def _parse_report(name: str, raw: str) -> DemoReport:
    _, header, body = raw.split("---\n", 2)
    fields: dict[str, str] = {}
    for line in header.strip().splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    paragraphs = tuple(" ".join(p.split()) for p in body.strip().split("\n\n") if p.strip())
    return DemoReport(
        id=fields["id"],
        format=fields["format"],
        title=fields["title"],
        publisher=fields["publisher"],
        author=fields.get("author", ""),
        published=date.fromisoformat(fields["published"]),
        url=fields.get("url") or None,
        paragraphs=paragraphs,
        filename=name,
    )


def load_reports() -> list[DemoReport]:
    """All demo texts, sorted by id."""
    folder = resources.files("refwatch.demo") / "data"
    reports = [
        _parse_report(entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".md") and entry.name != "README.md"
    ]
    return sorted(reports, key=lambda r: r.id)


# --- formats -----------------------------------------------------------------

_HTML_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | {publisher}</title>
<meta name="author" content="{author}">
<meta property="og:site_name" content="{publisher}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published}">
<link rel="canonical" href="{url}">
<style>body {{ font-family: sans-serif; }} .nav a {{ margin-right: 1em; }}</style>
<script>window.demoAnalytics = {{"tracker": "DEMO-TRACKER-SCRIPT", "page": "{id}"}}; console.log("demo tracker loaded");</script>
</head>
<body>
<header><div class="logo">{publisher}</div>
<nav class="nav"><a href="/">Home</a> <a href="/reports">Reports</a> <a href="/appeals">Appeals</a> <a href="/donate">Donate</a> <a href="/about">About us</a></nav>
</header>
<main>
<article>
<h1>{title}</h1>
<p class="byline">By {author} &middot; <time datetime="{published}">{published_human}</time></p>
{paragraphs}
</article>
</main>
<aside><h2>Most read</h2><ul><li><a href="/x">Subscribe to our newsletter</a></li><li><a href="/y">Support our work</a></li></ul></aside>
<footer><p>&copy; {year} {publisher}. All rights reserved. Cookie settings.</p></footer>
<script>document.querySelectorAll("a").forEach(function (a) {{ a.dataset.demo = "DEMO-TRACKER-SCRIPT"; }});</script>
</body>
</html>
"""


def _human_date(d: date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"


def render_html(report: DemoReport) -> bytes:
    esc = html.escape
    page = _HTML_PAGE.format(
        id=esc(report.id),
        title=esc(report.title),
        publisher=esc(report.publisher),
        author=esc(report.author),
        published=report.published.isoformat(),
        published_human=_human_date(report.published),
        url=esc(report.url or ""),
        year=report.published.year,
        paragraphs="\n".join(f"<p>{esc(p)}</p>" for p in report.paragraphs),
    )
    return page.encode("utf-8")


def render_pdf(report: DemoReport, *, paragraphs_per_page: int | None = None) -> bytes:
    """A PDF of the report; ``paragraphs_per_page`` forces page breaks (multi-page)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, title=report.title, author=report.author, subject=report.publisher,
        creator="Refwatch demo corpus", invariant=1,
    )
    styles = getSampleStyleSheet()
    story: list = [Paragraph(xml_escape(report.title), styles["Title"]),
                   Paragraph(xml_escape(f"{report.publisher}, {_human_date(report.published)}"), styles["Normal"]),
                   Spacer(1, 12)]
    for i, para in enumerate(report.paragraphs):
        if paragraphs_per_page and i and i % paragraphs_per_page == 0:
            story.append(PageBreak())
        story.append(Paragraph(xml_escape(para), styles["BodyText"]))
        story.append(Spacer(1, 6))
    doc.build(story)
    return buf.getvalue()


def render_warc(reports: list[DemoReport]) -> bytes:
    """One WARC file: a warcinfo record, then one HTTP response per report."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    info = writer.create_warcinfo_record(
        "demo-captures.warc", {"software": "refwatch demo corpus", "format": "WARC File Format 1.1"}
    )
    info.rec_headers.replace_header("WARC-Date", "2024-10-01T00:00:00Z")
    info.rec_headers.replace_header("WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-000000000000>")
    writer.write_record(info)
    for n, report in enumerate(reports, start=1):
        body = render_html(report)
        captured = datetime.combine(report.published + timedelta(days=1), time(9, 30), tzinfo=timezone.utc)
        http_headers = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
             ("Date", format_datetime(captured, usegmt=True))],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            report.url, "response", payload=io.BytesIO(body), http_headers=http_headers,
            warc_headers_dict={
                "WARC-Date": captured.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>",
            },
        )
        writer.write_record(record)
    return buf.getvalue()


def render_rss(reports: list[DemoReport]) -> bytes:
    publisher = reports[0].publisher
    items = []
    for report in reports:
        published = datetime.combine(report.published, time(8, 0), tzinfo=timezone.utc)
        description = "".join(f"<p>{html.escape(p)}</p>" for p in report.paragraphs)
        items.append(
            "  <item>\n"
            f"    <title>{xml_escape(report.title)}</title>\n"
            f"    <link>{xml_escape(report.url or '')}</link>\n"
            f"    <guid isPermaLink=\"true\">{xml_escape(report.url or '')}</guid>\n"
            f"    <pubDate>{format_datetime(published, usegmt=True)}</pubDate>\n"
            f"    <dc:creator>{xml_escape(report.author)}</dc:creator>\n"
            f"    <description>{xml_escape(description)}</description>\n"
            "  </item>\n"
        )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "<channel>\n"
        f"  <title>{xml_escape(publisher)}</title>\n"
        "  <link>https://nearwatch.example.net/</link>\n"
        "  <description>News and casework updates (demo feed)</description>\n"
        "  <language>en</language>\n"
        + "".join(items)
        + "</channel>\n</rss>\n"
    )
    return feed.encode("utf-8")


def render_csv(reports: list[DemoReport]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in reports:
        writer.writerow([r.body, r.title, r.url or "", r.published.isoformat(), r.publisher])
    return buf.getvalue().encode("utf-8")


def render_text(report: DemoReport) -> bytes:
    head = f"{report.title}\n{report.publisher}, {report.published.isoformat()}\n\n"
    return (head + report.body + "\n").encode("utf-8")


def write_demo_corpus(dest: Path) -> list[Path]:
    """Write the corpus under ``dest`` (created if needed); return the files written, sorted.

    Layout: ``html/*.html`` (4), ``pdf/*.pdf`` (2, the first multi-page),
    ``web/demo-captures.warc`` (3 responses), ``feeds/news.rss`` (3 items),
    ``csv/reports.csv`` (3 rows; read it with :data:`DEMO_CSV_MAPPING`),
    ``text/*.txt`` (2 testimonies, one in Korean).
    """
    dest = Path(dest)
    by_format: dict[str, list[DemoReport]] = {}
    for report in load_reports():
        by_format.setdefault(report.format, []).append(report)

    files: dict[Path, bytes] = {}
    for report in by_format.get("html", []):
        files[dest / "html" / f"{_stem(report)}.html"] = render_html(report)
    for i, report in enumerate(by_format.get("pdf", [])):
        files[dest / "pdf" / f"{_stem(report)}.pdf"] = render_pdf(report, paragraphs_per_page=2 if i == 0 else None)
    if by_format.get("warc"):
        files[dest / "web" / "demo-captures.warc"] = render_warc(by_format["warc"])
    if by_format.get("feed"):
        files[dest / "feeds" / "news.rss"] = render_rss(by_format["feed"])
    if by_format.get("csv"):
        files[dest / "csv" / "reports.csv"] = render_csv(by_format["csv"])
    for report in by_format.get("text", []):
        files[dest / "text" / f"{_stem(report)}.txt"] = render_text(report)

    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return sorted(files)


def _stem(report: DemoReport) -> str:
    return Path(report.filename).stem
