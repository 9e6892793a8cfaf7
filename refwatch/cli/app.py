"""The Typer application object and helpers shared by the command modules."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from refwatch import __version__

app = typer.Typer(
    name="refwatch",
    help="Document forced repatriation of North Korean escapees: capture, extract, resolve, protect.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # tracebacks with locals could print sensitive values
)

console = Console(stderr=True, soft_wrap=True)  # one error per line, never wrapped


def emit_json(obj: Any) -> None:
    """Print one JSON value on one line to stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def fail(message: str, hint: str | None = None, code: int = 1) -> NoReturn:
    """Stop with a one-line error saying what was wrong and what to do."""
    console.print(f"[bold red]error:[/] {escape(message)}" + (f"\n[dim]{escape(hint)}[/]" if hint else ""),
                  highlight=False, markup=True)
    raise typer.Exit(code)


@app.callback(invoke_without_command=True)
def _root(version: bool = typer.Option(False, "--version", help="Print the version and exit.")) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit()
