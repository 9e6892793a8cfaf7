"""What every store-opening command shares: the --data/--key-file/--json options,
opening the store with the data key, working out who is acting, and the
progress bar. A missing or wrong key exits 2; a refused login or permission
exits 3, with a message that names the action and the role, never a value.

Heavy libraries are imported inside the functions so `refwatch --help` and
`refwatch extract` start fast.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer

from refwatch.cli.app import console, fail

DataOpt = typer.Option(None, "--data", help="Data folder (env REFWATCH_DATA, default ./refwatch-data).")
KeyFileOpt = typer.Option(None, "--key-file", help="File holding the passphrase (else REFWATCH_PASSPHRASE or a prompt).")
JsonOpt = typer.Option(False, "--json", help="Print JSON for scripts.")

AUTH_EXIT = 3  # refused login or permission; 2 is a missing or wrong key
AUTH_HINT = "set REFWATCH_TOKEN (or REFWATCH_USER and REFWATCH_PASSWORD)"


def settings_for(data: Optional[Path], max_mb: Optional[float] = None):  # noqa: ANN202
    from refwatch.config import settings

    return settings(data_dir=data, max_file_mb=max_mb)


def data_key(cfg, key_file: Optional[Path], create: bool = False) -> bytes:  # noqa: ANN001
    from refwatch.security.keys import KeyUnavailable, open_data_key

    try:
        return open_data_key(cfg.data_dir, key_file, create=create)
    except KeyUnavailable as exc:
        fail(str(exc), code=2)


def authenticate(store) -> "Principal":  # noqa: ANN001, F821
    """Who runs this command (docs/security.md); exits 3 when the login is refused.

    Runs in a write transaction so that failure counters are committed even
    when the login fails.
    """
    from refwatch.security import users

    failed = None
    with store.write() as conn:
        try:
            principal = users.principal_from_env(conn)
        except users.AuthenticationFailed as exc:
            failed = exc
    if failed is not None:
        fail(str(failed), AUTH_HINT, code=AUTH_EXIT)
    return principal


@contextmanager
def session(data: Optional[Path], key_file: Optional[Path], max_mb: Optional[float] = None) -> Iterator[tuple]:
    """Open the store, authenticate the caller; yield (store, principal, data key).

    A PermissionDenied raised anywhere inside becomes exit 3 with its message
    (action and role only).
    """
    from refwatch.security.roles import PermissionDenied
    from refwatch.store import Store, StoreError

    cfg = settings_for(data, max_mb)
    key = data_key(cfg, key_file)
    try:
        store = Store.open(cfg, key)
    except StoreError as exc:
        fail(str(exc), code=2)
    with store:
        principal = authenticate(store)
        try:
            yield store, principal, key
        except PermissionDenied as exc:
            fail(str(exc), code=AUTH_EXIT)


def progress_bar():  # noqa: ANN202
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console, transient=True)
