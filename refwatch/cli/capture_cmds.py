"""Capture commands: init, ingest, search, documents, show, verify.

Thin: parse options, open the store with the data key, call refwatch.store,
print. Every command takes --data and --key-file; a missing or wrong key exits
with code 2 and a one-line message.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from refwatch.cli.app import app, console, emit_json, fail

DataOpt = typer.Option(None, "--data", help="Data folder (env REFWATCH_DATA, default ./refwatch-data).")
KeyFileOpt = typer.Option(None, "--key-file", help="File holding the passphrase (else REFWATCH_PASSPHRASE or a prompt).")
JsonOpt = typer.Option(False, "--json", help="Print JSON for scripts.")

out = Console()  # results go to stdout; progress, errors and summaries to stderr


def _settings(data: Optional[Path], max_mb: Optional[float] = None):  # noqa: ANN202
    from refwatch.config import settings

    return settings(data_dir=data, max_file_mb=max_mb)


def _data_key(cfg, key_file: Optional[Path], create: bool = False) -> bytes:  # noqa: ANN001
    from refwatch.security.keys import KeyUnavailable, open_data_key

    try:
        return open_data_key(cfg.data_dir, key_file, create=create)
    except KeyUnavailable as exc:
        fail(str(exc), code=2)


@contextmanager
def _opened(data: Optional[Path], key_file: Optional[Path], max_mb: Optional[float] = None) -> Iterator:
    from refwatch.store import Store, StoreError

    cfg = _settings(data, max_mb)
    key = _data_key(cfg, key_file)
    try:
        store = Store.open(cfg, key)
    except StoreError as exc:
        fail(str(exc), code=2)
    with store:
        yield store


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console, transient=True)


def parse_published(value: Optional[str]) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--published {value!r} is not a valid date; use YYYY-MM-DD (e.g. 2023-10-09)")


def parse_csv_map(value: Optional[str]) -> Optional[dict[str, str]]:
    """``text=body,title=headline`` → {"text": "body", "title": "headline"}."""
    if not value:
        return None
    mapping: dict[str, str] = {}
    for part in value.split(","):
        field, sep, column = part.partition("=")
        if not sep or not field.strip() or not column.strip():
            fail(f"--csv-map part {part!r} is not FIELD=COLUMN", hint="e.g. --csv-map text=body,title=headline")
        mapping[field.strip()] = column.strip()
    return mapping


@app.command()
def init(data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt, json: bool = JsonOpt) -> None:
    """Create the data folder and its encrypted store, or upgrade an existing one."""
    from refwatch.store import Store, StoreError

    cfg = _settings(data)
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    key = _data_key(cfg, key_file, create=True)
    try:
        with Store.init(cfg, key) as store:
            result = {"data": str(cfg.data_dir), "engine": store.dialect, "revision": store.revision(),
                      "encrypted": "whole database (SQLCipher) and blobs" if cfg.is_embedded else "blobs"}
    except StoreError as exc:
        fail(str(exc), code=2)
    if json:
        emit_json(result)
    else:
        console.print(f"store ready in {escape(str(cfg.data_dir))} ({result['engine']}, "
                      f"schema {', '.join(result['revision'])})", highlight=False)


@app.command()
def ingest(
    inputs: list[str] = typer.Argument(..., help="Files, folders (recursive) or - for stdin."),
    published: Optional[str] = typer.Option(None, "--published", help="Publication date YYYY-MM-DD when a document has none."),
    source: Optional[str] = typer.Option(None, "--source", help="Source name recorded on every document."),
    csv_map: Optional[str] = typer.Option(None, "--csv-map", help="CSV columns: text=body,title=headline,..."),
    max_mb: Optional[float] = typer.Option(None, "--max-mb", help="Largest file accepted, in MB (default 50)."),
    user: Optional[str] = typer.Option(None, "--user", help="Who ingests (default: the OS user)."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Reader processes (default: CPUs)."),
    data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt, json: bool = JsonOpt,
) -> None:
    """Capture documents into the store; each bad file is reported, the rest kept."""
    from refwatch.store import ingest_paths

    when = parse_published(published)
    mapping = parse_csv_map(csv_map)
    if max_mb is not None and max_mb <= 0:
        fail("--max-mb must be positive")
    with _opened(data, key_file, max_mb) as store:
        with _progress() as bar:
            task = bar.add_task("ingesting", total=None)
            summary = ingest_paths(store, inputs, published=when, source=source, ingested_by=user,
                                   max_bytes=store.settings.max_file_bytes, csv_mapping=mapping,
                                   workers=workers,
                                   progress=lambda done, total: bar.update(task, completed=done, total=total))
    for path, error in summary.failed:
        console.print(f"[red]failed:[/] {escape(path)}: {escape(error)}", highlight=False)
    if json:
        emit_json(summary.to_json())
    else:
        console.print(f"{summary.ingested} ingested, {summary.duplicates} duplicates, "
                      f"{len(summary.failed)} failed", highlight=False)
    if summary.failed:
        raise typer.Exit(1)


@app.command("search")
def search_cmd(query: str = typer.Argument(..., help="Words to find (all must match)."),
               limit: int = typer.Option(20, "--limit", min=1, max=1000),
               data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt,
               json: bool = JsonOpt) -> None:
    """Full-text search, best matches first, with highlighted snippets."""
    from refwatch.store import MARK_END, MARK_START, search

    with _opened(data, key_file) as store:
        hits = search(store, query, limit=limit)
    if json:
        emit_json([{"id": h.id, "sha256": h.sha256, "title": h.title, "snippet": h.snippet,
                    "score": round(h.score, 6)} for h in hits])
        return
    if not hits:
        console.print("no matches")
        return
    for h in hits:
        snippet = escape(h.snippet).replace(MARK_START, "[bold yellow]").replace(MARK_END, "[/]")
        out.print(f"[bold]#{h.id}[/] {escape(h.title or '(untitled)')}  [dim]{h.sha256[:12]}[/]",
                  highlight=False)
        out.print(f"  {snippet}\n", highlight=False)


@app.command()
def documents(limit: int = typer.Option(50, "--limit", min=1), offset: int = typer.Option(0, "--offset", min=0),
              data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt,
              json: bool = JsonOpt) -> None:
    """List stored documents, newest first."""
    from refwatch.model.records import to_dict
    from refwatch.store import documents as docs

    with _opened(data, key_file) as store, store.read() as conn:
        rows = docs.list_documents(conn, limit=limit, offset=offset)
    if json:
        emit_json(to_dict(rows))
        return
    table = Table("id", "sha256", "kind", "published", "title", "file")
    for r in rows:
        table.add_row(str(r["id"]), r["sha256"][:12], r["kind"], str(r["published"] or ""),
                      escape(r["title"] or ""), escape(r["filename"] or ""))
    out.print(table)


@app.command()
def show(id_or_sha: str = typer.Argument(..., help="Short id, SHA-256, or a SHA-256 prefix."),
         data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt, json: bool = JsonOpt) -> None:
    """Print one document: its metadata and text."""
    from refwatch.model.records import to_dict
    from refwatch.store import custody
    from refwatch.store import documents as docs

    with _opened(data, key_file) as store, store.read() as conn:
        row = docs.get(conn, id_or_sha)
        history = custody.history(conn, row["sha256"]) if row else []
    if row is None:
        fail(f"no document {id_or_sha!r} (or the prefix is ambiguous)")
    row["custody"] = [{k: e[k] for k in ("at", "actor", "action")} for e in history]
    if json:
        emit_json(to_dict(row))
        return
    for name, value in row.items():
        if name not in ("text", "custody") and value not in (None, "", [], {}):
            out.print(f"[bold]{name}:[/] {escape(str(value))}", highlight=False)
    typer.echo()
    typer.echo(row["text"])


@app.command("verify")
def verify_cmd(data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt,
               json: bool = JsonOpt) -> None:
    """Re-hash every stored original; list any missing or altered. Exit 1 if any."""
    from refwatch.store import verify

    with _opened(data, key_file) as store:
        with _progress() as bar:
            task = bar.add_task("verifying", total=None)
            report = verify(store, progress=lambda done, total: bar.update(task, completed=done, total=total))
    if json:
        emit_json(report.to_json())
    else:
        for p in report.problems:
            console.print(f"[red]{p['problem']}:[/] #{p['id']} {p['sha256']}", highlight=False)
        console.print(f"{report.checked} checked, {len(report.problems)} problems", highlight=False)
    if not report.ok:
        raise typer.Exit(1)
