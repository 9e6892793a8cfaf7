"""Capture commands: init, ingest, search, documents, show, verify.

Thin: parse options, open the store with the data key, work out who is acting
(``users.principal_from_env``), call the guarded store functions
(``refwatch.store.guarded``, which check the permission themselves), print.
Every command takes --data and --key-file; a missing or wrong key exits with
code 2, a refused login or permission with code 3, each with a one-line message
that names the action and the role, never a value.

Heavy libraries (SQLAlchemy, Alembic, the store, argon2) are imported inside
the commands, so `refwatch --help` and `refwatch extract` start fast.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

from refwatch.cli.app import app, console, emit_json, fail
from refwatch.cli.common import (AUTH_EXIT, AUTH_HINT, DataOpt, JsonOpt, KeyFileOpt, data_key,
                                 progress_bar, session, settings_for)

out = Console()  # results go to stdout; progress, errors and summaries to stderr


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
    """Create the data folder and its encrypted store, or upgrade an existing one (admin once users exist)."""
    from refwatch.security.roles import PermissionDenied
    from refwatch.security.users import AuthenticationFailed
    from refwatch.store import StoreError
    from refwatch.store.guarded import init_store

    cfg = settings_for(data)
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    key = data_key(cfg, key_file, create=True)
    try:
        store, _principal = init_store(cfg, key)
        with store:
            indexed = 0
            if store.dialect == "sqlite":  # an upgraded store builds its word index now, not at the first search
                from refwatch.store import word_index

                with console.status("indexing stored documents for search…"):
                    indexed = word_index.ensure_current(store)
            result = {"data": str(cfg.data_dir), "engine": store.dialect, "revision": store.revision(),
                      "indexed": indexed,
                      "encrypted": ("whole database (SQLCipher) and blobs" if cfg.is_embedded
                                    else "blobs, and names, evidence and testimonies in the application")}
    except StoreError as exc:
        fail(str(exc), code=2)
    except AuthenticationFailed as exc:
        fail(str(exc), AUTH_HINT, code=AUTH_EXIT)
    except PermissionDenied as exc:
        fail(str(exc), code=AUTH_EXIT)
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
    user: Optional[str] = typer.Option(None, "--user", help="Deprecated: custody names the authenticated user; "
                                                            "a different name is refused."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Reader processes (default: CPUs)."),
    data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt, json: bool = JsonOpt,
) -> None:
    """Capture documents into the store; each bad file is reported, the rest kept."""
    from refwatch.store.guarded import ingest_paths

    when = parse_published(published)
    mapping = parse_csv_map(csv_map)
    if max_mb is not None and max_mb <= 0:
        fail("--max-mb must be positive")
    with session(data, key_file, max_mb) as (store, principal, _key):
        if user and user != principal.name:
            fail("--user must be the authenticated user (custody records who really ingested)", AUTH_HINT)
        with progress_bar() as bar:
            task = bar.add_task("ingesting", total=None)
            summary = ingest_paths(store, principal, inputs, published=when, source=source,
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
    from refwatch.store.guarded import search
    from refwatch.store.search import MARK_END, MARK_START

    with session(data, key_file) as (store, principal, _key):
        hits = search(store, principal, query, limit=limit)
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
    from rich.table import Table

    from refwatch.model.records import to_dict
    from refwatch.store.guarded import list_documents

    with session(data, key_file) as (store, principal, _key):
        rows = list_documents(store, principal, limit=limit, offset=offset)
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
    """Print one document: its metadata and text (printed as plain text, never interpreted)."""
    from refwatch.model.records import to_dict
    from refwatch.store.guarded import get_document

    with session(data, key_file) as (store, principal, _key):
        row = get_document(store, principal, id_or_sha)
    if row is None:
        fail("no such document (give a short id, a SHA-256 or an unambiguous prefix of 8+ hex digits)")
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
    from refwatch.store.guarded import verify

    with session(data, key_file) as (store, principal, _key):
        with progress_bar() as bar:
            task = bar.add_task("verifying", total=None)
            report = verify(store, principal, progress=lambda done, total: bar.update(task, completed=done, total=total))
    if json:
        emit_json(report.to_json())
    else:
        for p in report.problems:
            console.print(f"[red]{p['problem']}:[/] #{p['id']} {p['sha256']}", highlight=False)
        console.print(f"{report.checked} checked, {len(report.problems)} problems", highlight=False)
    if not report.ok:
        raise typer.Exit(1)
