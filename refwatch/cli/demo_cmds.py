"""`refwatch demo`: the main job on the embedded default, end to end.

A fresh store in ``./demo-data``, the project's own demo corpus in six formats,
ingest, every pipeline stage that exists, and a printed summary. The demo uses a
fixed passphrase unless REFWATCH_PASSPHRASE is set, and says so: demo data only.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from refwatch.cli.app import app, console, emit_json, fail

DEMO_PASSPHRASE = "refwatch-demo-only-not-a-secret"


@app.command()
def demo(data: Path = typer.Option(Path("demo-data"), "--data", help="Folder for the demo store (replaced)."),
         keep: bool = typer.Option(False, "--keep", help="Keep an existing demo store instead of replacing it."),
         json: bool = typer.Option(False, "--json", help="Print the summary as JSON.")) -> None:
    """Build a fresh demo store from the bundled corpus and run the whole pipeline."""
    from refwatch.config import settings
    from refwatch.demo import write_demo_corpus
    from refwatch.security.keys import create_keyring, has_keyring, unlock
    from refwatch.store import Store
    from refwatch.store.guarded import ingest_paths, list_documents, verify

    if data.exists() and not keep:
        if not (data / "refwatch.db").exists() and any(data.iterdir()):
            fail(f"{data} exists and is not a Refwatch store; refusing to replace it",
                 hint="choose another --data folder")
        shutil.rmtree(data)
    passphrase = os.environ.get("REFWATCH_PASSPHRASE") or DEMO_PASSPHRASE
    if passphrase == DEMO_PASSPHRASE:
        console.print("[yellow]demo:[/] using the built-in demo passphrase; never use it for real data")
    cfg = settings(data_dir=data, database_url=None)
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    key = unlock(cfg.data_dir, passphrase) if has_keyring(cfg.data_dir) else create_keyring(cfg.data_dir, passphrase)

    corpus_dir = cfg.data_dir / "corpus"
    files = write_demo_corpus(corpus_dir)
    console.print(f"demo corpus: {len(files)} files in {escape(str(corpus_dir))}", highlight=False)

    summary: dict = {"data": str(cfg.data_dir), "corpus_files": len(files)}
    from refwatch.security.roles import PermissionDenied

    with Store.init(cfg, key) as store:
        principal = _demo_principal(store)
        try:
            ingested = ingest_paths(store, principal, [str(corpus_dir)], max_bytes=cfg.max_file_bytes,
                                    csv_mapping=_demo_csv_mapping())
            summary["ingest"] = ingested.to_json()
            rows = list_documents(store, principal, limit=10_000, offset=0)
            summary["documents_by_kind"] = dict(Counter(r["kind"] for r in rows))
            summary["documents_by_language"] = dict(Counter(r["language"] or "?" for r in rows))
            summary.update(_run_resolution(store, key, principal))
            report = verify(store, principal)
        except PermissionDenied as exc:
            fail(str(exc), code=3)
        summary["verify"] = {"checked": report.checked, "problems": len(report.problems)}
    if json:
        emit_json(summary)
    else:
        _print_summary(summary)
    console.print(f"\nexplore: REFWATCH_PASSPHRASE='{passphrase}' refwatch search 'Tumen' --data {data}",
                  highlight=False, markup=False)


def _demo_csv_mapping() -> Optional[dict[str, str]]:
    from refwatch.demo import DEMO_CSV_MAPPING

    return dict(DEMO_CSV_MAPPING)


def _demo_principal(store):  # noqa: ANN001, ANN202
    """The local operator on a demo store without users (the demo made it); else whoever logs in."""
    from refwatch.cli.common import authenticate
    from refwatch.security.roles import Principal
    from refwatch.security.users import LOCAL_OPERATOR, count_users

    with store.read() as conn:
        if count_users(conn) == 0:
            return Principal(LOCAL_OPERATOR, "admin")
    return authenticate(store)


def _run_resolution(store, key: bytes, principal) -> dict:  # noqa: ANN001
    """Extract claims, resolve events and people, and summarise them (no names)."""
    from refwatch.resolve.process import default_extractor, list_events, people_view, process

    extract, version = default_extractor()
    report = process(store, extract, version=version, data_key=key, principal=principal)
    events = list_events(store, key, principal=principal)
    people = people_view(store, key, principal=principal)
    return {
        "claims": report.new_claims,
        "events": len(events),
        "events_by_type": dict(Counter(e.type for e in events)),
        "people": len(people),
        "at_risk": sum(1 for p in people if p["at_risk"]),
        "largest_events": [
            {"type": e.type, "date": f"{e.date.earliest}..{e.date.latest}",
             "count": f"{e.count.low}/{e.count.best}/{e.count.high}" if e.count else "-",
             "documents": len(e.documents)}
            for e in sorted(events, key=lambda e: -((e.count.best or e.count.low or 0) if e.count else 0))[:5]
        ],
    }


def _print_summary(summary: dict) -> None:
    from rich.table import Table

    table = Table("stage", "result", title="Refwatch demo", show_lines=False)
    ing = summary["ingest"]
    table.add_row("corpus", f"{summary['corpus_files']} files (HTML, PDF, WARC, RSS, CSV, text)")
    table.add_row("ingest", f"{ing['ingested']} documents, {ing['duplicates']} duplicates, {len(ing['failed'])} failed")
    table.add_row("kinds", ", ".join(f"{k} {v}" for k, v in sorted(summary["documents_by_kind"].items())))
    table.add_row("languages", ", ".join(f"{k} {v}" for k, v in sorted(summary["documents_by_language"].items())))
    for key, label in (("claims", "claims"), ("events", "events"), ("people", "people"), ("at_risk", "at risk")):
        if key in summary:
            table.add_row(label, escape(str(summary[key])))
    if "events_by_type" in summary:
        table.add_row("by type", ", ".join(f"{k} {v}" for k, v in sorted(summary["events_by_type"].items())))
    for ev in summary.get("largest_events", []):
        table.add_row("event", f"{ev['type']} {ev['date']} people low/best/high {ev['count']}, "
                      f"{ev['documents']} documents")
    table.add_row("verify", f"{summary['verify']['checked']} originals re-hashed, {summary['verify']['problems']} problems")
    console.print(table)
