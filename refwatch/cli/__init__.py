"""The `refwatch` command line: a thin adapter over the core functions.

Each area registers its commands from its own module so that the modules stay
small: capture_cmds (init, ingest, search, documents, show, verify),
extract_cmds (extract, eval), resolve_cmds (process, events, people, ...),
security_cmds (user, key, audit, export), demo_cmds (demo), serve_cmds (serve).
"""

from __future__ import annotations

import importlib
import sys

from refwatch.cli.app import app

_AREAS = ("capture_cmds", "extract_cmds", "resolve_cmds", "security_cmds", "demo_cmds", "serve_cmds")


def _register() -> None:
    for name in _AREAS:
        try:
            importlib.import_module(f"refwatch.cli.{name}")
        except ModuleNotFoundError as exc:  # an area not built yet
            if exc.name != f"refwatch.cli.{name}":
                raise


def main() -> None:
    _register()
    app()


__all__ = ["app", "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
