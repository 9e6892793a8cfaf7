"""`refwatch extract` and `refwatch eval`: the extraction pipeline from the command line (no store)."""

from __future__ import annotations

import hashlib
import sys
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from refwatch.cli.app import app, console, emit_json, fail

__all__ = ["extract_cmd", "eval_cmd", "read_documents"]


def _parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be a date as YYYY-MM-DD", hint=f"for example {option} 2023-12-08")


def read_documents(path: Path, published: date | None) -> list[dict[str, Any]]:
    """Documents of one file as dicts (text, sha256, title, published, language).

    Uses the capture readers, so any format they accept works; falls back to
    reading UTF-8 text when the capture package offers no reader.
    """
    try:
        from refwatch.capture import read_path
    except ImportError:  # capture not installed in this build
        data = Path(path).read_bytes()
        return [{"text": data.decode("utf-8", errors="replace"), "sha256": hashlib.sha256(data).hexdigest(),
                 "title": None, "published": published, "language": None}]
    docs = read_path(path, published=published)
    return [{"text": d.text or "", "sha256": d.sha256, "title": d.title, "published": d.published,
             "language": d.language} for d in docs]


def _error_text(exc: Exception) -> str:
    # Never echo document content: the reason only.
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _print_table(path: str, doc: dict[str, Any], events: list[dict[str, Any]]) -> None:
    table = Table(title=f"{escape(path)} — {len(events)} event(s)", show_lines=False)
    for col in ("type", "date", "count", "places", "victims", "sources", "conf."):
        table.add_column(col)
    for e in events:
        d = e["date"]
        when = f"{d['earliest'] or '…'}..{d['latest'] or '…'}"
        c = e["count"]
        count = "" if c is None else f"{c['qualifier']} {c['best'] if c['best'] is not None else c['low']} {c['unit']}"
        table.add_row(e["type"], when, count, escape(", ".join(p["name"] for p in e["places"])),
                      escape(", ".join(v["name"] for v in e["victims"])), escape(", ".join(e["sources"])),
                      f"{e['confidence']:.2f}")
    from rich.console import Console

    Console().print(table)


@app.command("extract")
def extract_cmd(
    paths: list[Path] = typer.Argument(..., help="Files to read (any format the capture readers accept)."),
    published: str | None = typer.Option(None, "--published", help="Publication date YYYY-MM-DD (resolves 'two months ago')."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per document per line."),
) -> None:
    """Extract the events each report asserts, every figure traced to its sentence. Touches no database."""
    from refwatch.extract.pipeline import claim_to_json, extract_many

    pub = _parse_day(published, "--published")
    failed = False
    for path in paths:
        try:
            docs = read_documents(path, pub)
        except Exception as exc:  # CaptureError, OSError: report and go on with the others
            console.print(f"[bold red]error:[/] {escape(str(path))}: {escape(_error_text(exc))}", highlight=False)
            failed = True
            continue
        items = [(d["text"], pub or d["published"]) for d in docs]
        try:
            results = list(extract_many(items))
        except Exception as exc:  # pragma: no cover - a bug in a rule must not stop the batch
            console.print(f"[bold red]error:[/] {escape(str(path))}: extraction failed ({type(exc).__name__})",
                          highlight=False)
            failed = True
            continue
        for d, claims in zip(docs, results):
            doc_pub = pub or d["published"]
            record = {"document": {"path": str(path), "sha256": d["sha256"], "title": d["title"],
                                   "published": doc_pub.isoformat() if doc_pub else None, "language": d["language"]},
                      "events": [claim_to_json(c) for c in claims]}
            if as_json:
                emit_json(record)
            else:
                _print_table(str(path), d, record["events"])
    if failed:
        raise typer.Exit(1)


@app.command("eval")
def eval_cmd(
    gold: Path = typer.Argument(..., help="Gold file: one JSON object per document (doc, published, events)."),
    docs: Path = typer.Option(..., "--docs", help="Folder holding the documents named in GOLD."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
    verbose: bool = typer.Option(False, "--verbose", help="List missed and extra events."),
) -> None:
    """Run the extractor over the documents of a gold file and print the scorer's figures."""
    from refwatch.extract.evaluate import format_figures, load_gold, score
    from refwatch.extract.pipeline import claim_to_json, extract_many

    try:
        gold_lines = load_gold(gold)
    except (OSError, ValueError) as exc:
        fail(f"cannot read gold file {gold}: {_error_text(exc)}")
    items, names = [], []
    for g in gold_lines:
        path = docs / g["doc"]
        pub = date.fromisoformat(g["published"]) if g.get("published") else None
        try:
            text = read_documents(path, pub)[0]["text"]
        except Exception as exc:
            fail(f"cannot read {path}: {_error_text(exc)}")
        items.append((text, pub))
        names.append(g["doc"].rsplit("/", 1)[-1])
    preds = {name: {"events": [claim_to_json(c) for c in claims]} for name, claims in zip(names, extract_many(items))}
    gold_docs = {g["doc"].rsplit("/", 1)[-1]: g for g in gold_lines}
    figures = score(gold_docs, preds)
    if as_json:
        emit_json({k: round(v, 4) for k, v in figures.values.items()})
        return
    if verbose:
        for line in figures.missed + figures.extra:
            sys.stdout.write(line + "\n")
    sys.stdout.write(format_figures(figures.values) + "\n")
