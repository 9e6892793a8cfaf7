"""JSON responses that are safe to show anywhere, and the error body every route uses.

``SafeJSONResponse`` escapes ``<``, ``>`` and ``&`` (and the two JavaScript line
separators) as ``\\uXXXX``: the JSON stays the same value, but a document text
holding ``<script>`` can never be read as markup, even by a browser that sniffs
the type or a page that pastes the body into HTML by mistake.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_TABLE = str.maketrans(_ESCAPES)


def dumps(content: Any) -> bytes:
    text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=str)
    return text.translate(_TABLE).encode("utf-8")


class SafeJSONResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


def error_response(status: int, error: str, hint: str | None = None,
                   headers: dict[str, str] | None = None) -> SafeJSONResponse:
    """``{"error": ..., "hint": ...}``; callers pass fixed texts, never request values."""
    body: dict[str, Any] = {"error": error}
    if hint:
        body["hint"] = hint
    return SafeJSONResponse(body, status_code=status, headers=headers)
