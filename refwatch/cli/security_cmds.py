"""Commands: `user add|list|disable|token`, `key rotate`, `audit verify|log`, `export --public`.

Every command opens the store with the data key, works out who is acting
(``users.principal_from_env``; see docs/security.md) and lets the core check
the permission. Errors print a fixed message, never the values involved.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

import typer

from refwatch.cli.app import app, console, emit_json, fail
from refwatch.cli.common import session

# SQLAlchemy, the store, argon2 and the key code are imported inside the
# commands: importing this module must stay cheap (`refwatch --help`).

user_app = typer.Typer(help="Users and roles: add, list, disable, new token.", no_args_is_help=True)
key_app = typer.Typer(help="The passphrase that wraps the data key.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(key_app, name="key")
app.add_typer(audit_app, name="audit")

DataOpt = typer.Option(None, "--data", help="Data folder (env REFWATCH_DATA, default ./refwatch-data).")
KeyFileOpt = typer.Option(None, "--key-file", help="File holding the passphrase (else REFWATCH_PASSPHRASE or a prompt).")
JsonOpt = typer.Option(False, "--json", help="Print JSON.")


@contextmanager
def _session(data: Optional[Path], key_file: Optional[Path]) -> Iterator[tuple[Any, Any]]:
    """The shared CLI session (open, authenticate, refusals exit 3) plus user errors."""
    from refwatch.security import users

    with session(data, key_file) as (store, principal, _key):
        try:
            yield store, principal
        except users.UserError as exc:
            fail(str(exc))


# --- users ----------------------------------------------------------------------

@user_app.command("add")
def user_add(name: str = typer.Argument(..., help="User name: lower-case letters, digits, _ . -"),
             role: str = typer.Option(..., "--role", help="admin, analyst, researcher or public."),
             data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt,
             as_json: bool = JsonOpt) -> None:
    """Add a user; prints a password and an API token ONCE (only hashes are kept)."""
    from refwatch.security import users

    with _session(data, key_file) as (store, principal):
        with store.write() as conn:
            creds = users.add_user(conn, principal, name, role)
    if as_json:
        emit_json({"name": creds.name, "role": creds.role, "password": creds.password,
                   "token": creds.token})
        return
    typer.echo(f"user {creds.name} ({creds.role}) added. Shown once, store them now:")
    typer.echo(f"  password: {creds.password}")
    typer.echo(f"  token:    {creds.token}")


@user_app.command("list")
def user_list(data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt,
              as_json: bool = JsonOpt) -> None:
    """List users, their roles and whether they are disabled or locked."""
    from refwatch.security import users

    with _session(data, key_file) as (store, principal):
        with store.read() as conn:
            listed = [u.to_dict() for u in users.list_users(conn, principal)]
    if as_json:
        emit_json(listed)
        return
    for u in listed:
        state = "disabled" if u["disabled"] else ("locked" if u["locked_until"] else "active")
        typer.echo(f"{u['name']:<24} {u['role']:<11} {state}")


@user_app.command("disable")
def user_disable(name: str, data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt,
                 as_json: bool = JsonOpt) -> None:
    """Disable a user: their password and token stop working at once."""
    from refwatch.security import users

    with _session(data, key_file) as (store, principal):
        with store.write() as conn:
            users.disable_user(conn, principal, name)
    emit_json({"name": name, "disabled": True}) if as_json else typer.echo(f"user {name} disabled")


@user_app.command("token")
def user_token(name: str, data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt,
               as_json: bool = JsonOpt) -> None:
    """Issue a new API token for a user (the old one stops working); shown once."""
    from refwatch.security import users

    with _session(data, key_file) as (store, principal):
        with store.write() as conn:
            token = users.new_api_token(conn, principal, name)
    emit_json({"name": name, "token": token}) if as_json else typer.echo(f"token: {token}")


# --- keys -----------------------------------------------------------------------

@key_app.command("rotate")
def key_rotate(data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt,
               new_key_file: Optional[Path] = typer.Option(
                   None, "--new-key-file", help="File with the new passphrase (else REFWATCH_NEW_PASSPHRASE or a prompt)."),
               as_json: bool = JsonOpt) -> None:
    """Re-wrap the data key under a new passphrase (nothing else is re-encrypted)."""
    from refwatch.security import audit, keys
    from refwatch.security.roles import authorize

    with _session(data, key_file) as (store, principal):
        authorize(principal, "keys.manage")
        cfg = store.settings
        try:
            old = keys.passphrase_from(key_file)
            new = _new_passphrase(new_key_file)
            keys.rotate(cfg.data_dir, old, new)
        except keys.KeyUnavailable as exc:
            fail(str(exc))
        with store.write() as conn:
            audit.record(conn, principal, "keys.rotate", "keyring")
    emit_json({"rotated": True}) if as_json else typer.echo("passphrase changed; the data key is unchanged")


def _new_passphrase(new_key_file: Optional[Path]) -> str:
    from refwatch.security import keys

    if new_key_file:
        return keys.passphrase_from(new_key_file)
    env = os.environ.get("REFWATCH_NEW_PASSPHRASE")
    if env:
        return env
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("New passphrase: ")
        if getpass.getpass("Repeat new passphrase: ") != first:
            raise keys.KeyUnavailable("the two passphrases differ")
        return first
    raise keys.KeyUnavailable("no new passphrase: set REFWATCH_NEW_PASSPHRASE or pass --new-key-file")


# --- audit ----------------------------------------------------------------------

@audit_app.command("verify")
def audit_verify(data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt,
                 expect_head: Optional[str] = typer.Option(
                     None, "--expect-head", help="A head hash noted earlier: catches removed newest rows."),
                 as_json: bool = JsonOpt) -> None:
    """Check the audit chain; exit 1 and name the first broken entry if it is not intact."""
    from refwatch.security import audit
    from refwatch.security.roles import authorize

    with _session(data, key_file) as (store, principal):
        authorize(principal, "audit.verify")
        with store.read() as conn:
            report = audit.verify_store(conn, expect_head)
    if as_json:
        emit_json(report.to_dict())
    elif report.ok:
        typer.echo(f"audit chain intact: {report.count} entries, head {report.head}")
    else:
        console.print(f"[bold red]audit chain broken[/] at seq {report.broken_seq}: {report.reason}",
                      highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("log")
def audit_log(data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt,
              since: int = typer.Option(0, "--since", help="Only entries after this seq."),
              limit: int = typer.Option(1000, "--limit", help="At most this many entries."),
              as_json: bool = JsonOpt) -> None:
    """Print audit entries (who, what, when; never the sensitive values)."""
    from refwatch.security import audit
    from refwatch.security.roles import authorize

    with _session(data, key_file) as (store, principal):
        authorize(principal, "audit.read")
        with store.write() as conn:
            entries = audit.read(conn, since, limit)
            audit.record(conn, principal, "audit.read", "audit_log", {"since": since, "n": len(entries)})
    if as_json:
        for entry in entries:
            emit_json(entry.to_dict())
        return
    for e in entries:
        details = json.dumps(e.details, sort_keys=True) if e.details else ""
        typer.echo(f"{e.seq:>6} {e.at} {e.actor:<16} {e.action:<18} {e.target} {details}")


# --- export ---------------------------------------------------------------------

@app.command("export")
def export_cmd(out: Path = typer.Argument(..., help="Output file."),
               public: bool = typer.Option(False, "--public", help="The redacted public data set."),
               fmt: str = typer.Option("json", "--format", help="json, csv or geojson."),
               input_file: Optional[Path] = typer.Option(
                   None, "--input", help="Resolved events (JSON list, {\"events\": [...]}, or JSON lines) "
                                         "instead of the store's events."),
               data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt,
               as_json: bool = JsonOpt) -> None:
    """Export events. `--public`: no names, contacts or evidence; small events coarsened.

    Without --input the store's resolved events are exported (after `refwatch process`).
    """
    from refwatch.publish.export import FORMATS, export_store
    from refwatch.security.redact import RedactionError
    from refwatch.security.roles import authorize

    if not public:
        fail("only the public export is available here", "add --public")
    if fmt not in FORMATS:
        fail("unknown format", f"choose one of {', '.join(FORMATS)}")
    with session(data, key_file) as (store, principal, key):
        authorize(principal, "export.public")
        events = _read_events(input_file) if input_file else None
        try:
            summary = export_store(store, key, principal, fmt, out, gazetteer=_gazetteer(), events=events)
        except RedactionError as exc:
            fail(str(exc), "fix the event data or the redaction policy; nothing was written")
    if as_json:
        emit_json(summary)
    else:
        typer.echo(f"{summary['events']} events written to {summary['path']} ({summary['bytes']} bytes)")


def _read_events(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        try:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:  # the message quotes no content, only the position
            fail(f"{path} is neither JSON nor JSON lines (line {exc.lineno}, column {exc.colno})")
    if isinstance(data, dict):
        data = data.get("events", [])
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        fail(f"{path} holds no list of event objects")
    return data


def _gazetteer() -> Any:
    """The gazetteer if it is installed; without it small events coarsen to the country."""
    try:
        from refwatch.model.gazetteer import load_gazetteer
    except ImportError:
        return None
    return load_gazetteer()
