"""The HTTP API (FastAPI): a thin adapter over the same core functions as the CLI.

``create_app(settings, data_key)`` builds it; ``refwatch serve`` runs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(settings: Any, data_key: bytes, **options: Any) -> "FastAPI":
    from refwatch.api.app import create_app as _create

    return _create(settings, data_key, **options)


__all__ = ["create_app"]
