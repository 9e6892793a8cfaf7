"""Resolve commands: process, events, event, people, person, merge, split, judge, stats.

Thin: parse options, open the store with the data key, work out who is acting,
call ``refwatch.resolve.process`` with that principal (it checks the permission
itself), print. Results go to stdout; the progress bar and messages to stderr.
Errors name ids, never a person. A refusal exits 3.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Iterator, Optional

import typer
from rich.console import Console
from rich.markup import escape

from refwatch.cli.app import app, console, emit_json, fail
from refwatch.cli.common import DataOpt, JsonOpt, KeyFileOpt, progress_bar, session


class _Out:
    """stdout for results; piped output is not wrapped at 80 columns (ids and names stay whole)."""

    def print(self, *args: Any, **kwargs: Any) -> None:
        Console(width=None if sys.stdout.isatty() else 200).print(*args, **kwargs)


out = _Out()
WhyOpt = typer.Option(..., "--why", help="Why you decide this (kept with the decision).")
WhoOpt = typer.Option(None, "--who", help="Deprecated: decisions are recorded under the authenticated user; "
                                           "a different name is refused.")


@contextmanager
def _opened(data: Optional[Path], key_file: Optional[Path]) -> Iterator[tuple[Any, bytes, Any]]:
    """The open store, the data key (names are sealed with it on PostgreSQL) and the principal."""
    from refwatch.resolve.process import ProcessError

    with session(data, key_file) as (store, principal, key):
        try:
            yield store, key, principal
        except ProcessError as exc:
            fail(str(exc))


def _who(who: Optional[str], principal: Any) -> str:
    if who and who != principal.name:
        fail("--who must be the authenticated user (decisions record who really made them)")
    return principal.name


def _tables() -> tuple[Any, Any]:
    from rich.table import Column, Table

    return Column, Table


def _day(value: Optional[str], flag: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{flag} {value!r} is not a date; use YYYY-MM-DD")


def _range(e: Any) -> str:
    d = e.get("date") or {}
    lo, hi = d.get("earliest"), d.get("latest")
    if lo is None and hi is None:
        return "undated"
    return str(lo) if lo == hi else f"{lo or '…'}..{hi or '…'}"


def _figure(n: Optional[int]) -> str:
    return "?" if n is None else f"{n:,}"


@app.command("process")
def process_cmd(everything: bool = typer.Option(False, "--all", help="Re-read every document (reviewed claims stay)."),
                data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt, json: bool = JsonOpt) -> None:
    """Extract claims from new documents, then resolve events and people."""
    from refwatch.resolve.process import default_extractor, process

    try:
        extractor, version = default_extractor()
    except ImportError:
        fail("the extractor is not available in this installation")
    with _opened(data, key_file) as (store, key, principal):
        with progress_bar() as bar:
            task = bar.add_task("extracting", total=None)
            report = process(store, extractor, version=version, data_key=key, principal=principal,
                             everything=everything,
                             progress=lambda done, total: bar.update(task, completed=done, total=total))
    for f in report.failed:
        console.print(f"[red]failed:[/] {f['document'][:12]}: {f['error']}", highlight=False)
    if json:
        emit_json(report.to_json())
    else:
        console.print(f"{report.documents} documents read, {report.new_claims} new claims; "
                      f"{report.events} events, {report.persons} people"
                      + ("" if report.resolved else " (unchanged)"), highlight=False)
    if report.failed:
        raise typer.Exit(1)


@app.command("events")
def events_cmd(type_: Optional[str] = typer.Option(None, "--type", help="Event type, e.g. repatriation."),
               start: Optional[str] = typer.Option(None, "--from", help="Events on or after YYYY-MM-DD."),
               end: Optional[str] = typer.Option(None, "--to", help="Events on or before YYYY-MM-DD."),
               place: Optional[str] = typer.Option(None, "--place", help="A place (or a place within it)."),
               data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt, json: bool = JsonOpt) -> None:
    """List resolved events, oldest first (the public role sees them redacted)."""
    from refwatch.resolve.events import event_to_dict
    from refwatch.resolve.process import list_events, public_events
    from refwatch.security.roles import can

    lo, hi = _day(start, "--from"), _day(end, "--to")
    with _opened(data, key_file) as (store, key, principal):
        if can(principal, "events.read"):
            found = [event_to_dict(e) for e in list_events(store, key, principal=principal, type_=type_,
                                                            start=lo, end=hi, place=place)]
        else:
            found = public_events(store, key, principal=principal, type_=type_, start=lo, end=hi, place=place,
                                  gazetteer=_gazetteer())
    if json:
        emit_json(found)
        return
    Column, Table = _tables()
    table = Table(Column("id", no_wrap=True), "type", Column("date", no_wrap=True), "low", "best", "high", "places",
                  "docs", "flags")
    for e in found:
        c, places = e.get("count") or {}, e.get("places") or []
        table.add_row(e["id"], e["type"] + (" (aggregate)" if e.get("aggregate") else ""), _range(e),
                      _figure(c.get("low")), _figure(c.get("best")), _figure(c.get("high")),
                      escape(", ".join(str(p.get("name")) for p in places[:4]) + (" …" if len(places) > 4 else "")),
                      str(len(e.get("documents") or [])), ", ".join(e.get("flags") or []))
    out.print(table)
    console.print(f"{len(found)} events", highlight=False)


def _gazetteer() -> Any:
    try:
        from refwatch.model.gazetteer import load_gazetteer
    except ImportError:
        return None
    return load_gazetteer()


@app.command("event")
def event_cmd(event_id: str = typer.Argument(..., help="Event id (or a unique prefix)."),
              data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt, json: bool = JsonOpt) -> None:
    """One event: count and its rule, conflicts by source, claims with evidence, documents, reasons."""
    from refwatch.resolve.process import event_detail

    with _opened(data, key_file) as (store, key, principal):
        e = event_detail(store, key, event_id, principal=principal)
    if json:
        emit_json(e)
        return
    d, c = e["date"], e["count"]
    out.print(f"[bold]{e['id']}[/] {e['type']}{' (aggregate)' if e['aggregate'] else ''}  "
              f"{d['earliest']}..{d['latest']} ({d['precision']})", highlight=False)
    out.print("places: " + escape(", ".join(p["name"] for p in e["places"]) or "-"), highlight=False)
    out.print(f"count: low {_figure(c['low'])}, best {_figure(c['best'])}, high {_figure(c['high'])} {c['unit']}",
              highlight=False)
    out.print(f"[dim]rule: {escape(c['rule'])}[/]", highlight=False)
    for f in c["figures"]:
        mark = "[red]conflict[/] " if f in c["conflicts"] else ""
        out.print(f"  {mark}{escape(str(f['source'] or 'unattributed'))}: {escape(f['text'] or str(f['figure']))} "
                  f"({f['qualifier']}) in {str(f['document'])[:12]}", highlight=False)
    if e["flags"]:
        out.print("flags: " + ", ".join(e["flags"]), highlight=False)
    out.print("[bold]claims[/]")
    for cl in e["claims"]:
        out.print(f"  {cl['id']} [{cl['review_state']}] {cl['type']} in document #{cl['document_id']} "
                  f"{escape(cl['document_title'] or '')}", highlight=False)
        for span in cl["evidence"] or []:
            out.print(f"    “{escape(span['text'])}” [dim]@{span['start']}-{span['end']}[/]", highlight=False)
    if e["reasons"]:
        out.print("[bold]why these claims are one event[/]")
        for r in e["reasons"]:
            out.print(f"  {escape(r)}", highlight=False)
    if e["judgements"]:
        out.print("judgements: " + ", ".join(e["judgements"]), highlight=False)
    if e["persons"]:
        out.print("people: " + ", ".join(e["persons"]), highlight=False)


@app.command("people")
def people_cmd(data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt, json: bool = JsonOpt) -> None:
    """List case files: status, whether at risk, last event (researchers: pseudonyms only)."""
    from refwatch.resolve.process import people_view

    with _opened(data, key_file) as (store, key, principal):
        found = people_view(store, key, principal=principal)
    if json:
        emit_json(found)
        return
    Column, Table = _tables()
    table = Table(Column("id", no_wrap=True), "name", "status", "at risk", "last event", "events")
    for p in found:
        last = p.get("last_event")
        table.add_row(p.get("id") or p["pseudonym"], escape(p.get("name") or p.get("pseudonym") or ""),
                      p["status_label"], "[bold red]yes[/]" if p["at_risk"] else "no",
                      f"{last['type']} {last.get('earliest') or ''}" if last else "",
                      str(len(p.get("events") or p.get("event_ids") or [])))
    out.print(table)


@app.command("person")
def person_cmd(person_id: str = typer.Argument(..., help="Person id (or a unique prefix)."),
               data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt, json: bool = JsonOpt) -> None:
    """One case file: names, timeline, status and risk."""
    from refwatch.resolve.process import person_detail

    with _opened(data, key_file) as (store, key, principal):
        p = person_detail(store, key, person_id, principal=principal)
    if json:
        emit_json(p)
        return
    if "pseudonym" in p:  # a researcher's view
        out.print(f"[bold]{p['pseudonym']}[/]  {p.get('sex') or ''} {p.get('birth_decade') or ''}", highlight=False)
        out.print(f"status: {p['status_label']}" + ("  [bold red]AT RISK[/]" if p["at_risk"] else ""),
                  highlight=False)
        for t in p["timeline"]:
            out.print(f"  {t['earliest']}..{t['latest']}  {t['type']}  {escape(', '.join(t['places'][:3]))}",
                      highlight=False)
        return
    out.print(f"[bold]{escape(p['name'])}[/]  {p['id']}", highlight=False)
    if len(p["names"]) > 1:
        out.print("also written: " + escape(", ".join(n for n in p["names"] if n != p["name"])), highlight=False)
    facts = [f"{k.replace('_', ' ')} {p[k]}" for k in ("sex", "birth_year", "origin") if p[k]]
    if facts:
        out.print(escape("; ".join(facts)), highlight=False)
    out.print(f"status: {p['status_label']}" + ("  [bold red]AT RISK[/]" if p["at_risk"] else ""), highlight=False)
    for t in p["timeline"]:
        when = t["earliest"] if t["earliest"] == t["latest"] else f"{t['earliest']}..{t['latest']}"
        out.print(f"  {when}  {t['type']}  {escape(', '.join(t['places'][:3]))}  [dim]{t['event_id']}[/]",
                  highlight=False)


@app.command("merge")
def merge_cmd(first: str = typer.Argument(..., help="Event id."), second: str = typer.Argument(..., help="Event id."),
              why: str = WhyOpt, who: Optional[str] = WhoOpt, data: Optional[Path] = DataOpt,
              key_file: Optional[Path] = KeyFileOpt, json: bool = JsonOpt) -> None:
    """Record that two events are one occurrence; resolution re-runs at once."""
    from refwatch.resolve.process import merge_events

    with _opened(data, key_file) as (store, key, principal):
        outcome = merge_events(store, key, first, second, principal=principal, who=_who(who, principal), why=why)
    _said(outcome, json)


@app.command("split")
def split_cmd(event_id: str = typer.Argument(..., help="Event id."), claim: str = typer.Argument(..., help="Claim id."),
              why: str = WhyOpt, who: Optional[str] = WhoOpt, data: Optional[Path] = DataOpt,
              key_file: Optional[Path] = KeyFileOpt, json: bool = JsonOpt) -> None:
    """Record that a claim is not the same occurrence as the rest of its event."""
    from refwatch.resolve.process import split_event

    with _opened(data, key_file) as (store, key, principal):
        outcome = split_event(store, key, event_id, claim, principal=principal, who=_who(who, principal), why=why)
    _said(outcome, json)


@app.command("judge")
def judge_cmd(claim: str = typer.Argument(..., help="Claim id."),
              verdict: str = typer.Argument(..., help="accept, reject or edit."),
              why: str = WhyOpt, who: Optional[str] = WhoOpt,
              sets: list[str] = typer.Option([], "--set", help="With edit: field=value (repeatable), e.g. count=600."),
              data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt, json: bool = JsonOpt) -> None:
    """Accept, reject or edit one claim; the decision survives re-processing."""
    from refwatch.resolve.process import ProcessError, judge_claim, parse_sets

    try:
        changes = parse_sets(sets)
    except ProcessError as exc:
        fail(str(exc))
    with _opened(data, key_file) as (store, key, principal):
        outcome = judge_claim(store, key, claim, verdict, principal=principal, who=_who(who, principal), why=why,
                              changes=changes)
    _said(outcome, json)


def _said(outcome: Any, json: bool) -> None:
    if json:
        emit_json(outcome.to_json())
        return
    j = outcome.judgement
    console.print(f"recorded {j.kind} {j.id} by {escape(j.who)}; now in event(s): "
                  f"{', '.join(outcome.events) or 'none'}", highlight=False)


@app.command("stats")
def stats_cmd(by: str = typer.Option("month", "--by", help="month, year, place or type."),
              data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt, json: bool = JsonOpt) -> None:
    """People counted per period, place or type: low, best, high; aggregates beside, never added."""
    from refwatch.resolve.process import statistics

    with _opened(data, key_file) as (store, key, principal):
        rows = statistics(store, key, by, principal=principal)
    if json:
        emit_json(rows)
        return
    Column, Table = _tables()
    table = Table(Column(by, no_wrap=True), "events", "low", "best", "high", "named", "aggr.", "aggr. low",
                  "aggr. best", "aggr. high")
    for r in rows:
        table.add_row(escape(r["key"]), str(r["events"]), _figure(r["people_low"]), _figure(r["people_best"]),
                      _figure(r["people_high"]), str(r["named_people"]), str(r["aggregates"]),
                      _figure(r["aggregate_low"]), _figure(r["aggregate_best"]), _figure(r["aggregate_high"]))
    out.print(table)
