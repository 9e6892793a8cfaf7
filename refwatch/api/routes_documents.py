"""Documents: list, read one, search, upload. Each calls ``refwatch.store.guarded``."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from refwatch.api.auth import principal_of
from refwatch.api.errors import ApiError, not_found
from refwatch.api.responses import SafeJSONResponse
from refwatch.api.schemas import SearchBody
from refwatch.api.upload import UploadFolder, receive_file
from refwatch.model.records import to_dict
from refwatch.store import guarded

router = APIRouter(prefix="/api", tags=["documents"])

# a short id (digits) or a SHA-256 / prefix of 8+ hex digits; anything else never reaches the store
DOC_ID = r"^(?:[0-9]{1,18}|[0-9a-fA-F]{8,64})$"


@router.get("/documents")
def documents(request: Request, limit: int = Query(50, ge=1, le=500),
              offset: int = Query(0, ge=0, le=10_000_000)) -> list[dict[str, Any]]:
    """Stored documents, newest first, without their text."""
    state = request.app.state
    return to_dict(guarded.list_documents(state.store, principal_of(request), limit=limit, offset=offset))


@router.get("/documents/{doc_id}")
def document(request: Request, doc_id: str = Path(max_length=64, pattern=DOC_ID)) -> dict[str, Any]:
    """One document: metadata, text (a JSON string, never markup) and custody history."""
    row = guarded.get_document(request.app.state.store, principal_of(request), doc_id)
    if row is None:
        raise not_found("document")
    return to_dict(row)


def _hits(request: Request, q: str, limit: int) -> list[dict[str, Any]]:
    found = guarded.search(request.app.state.store, principal_of(request), q, limit=limit)
    return [{"id": h.id, "sha256": h.sha256, "title": h.title, "snippet": h.snippet, "score": round(h.score, 6)}
            for h in found]


@router.get("/search")
def search_get(request: Request, q: str = Query(min_length=1, max_length=500),
               limit: int = Query(20, ge=1, le=200)) -> list[dict[str, Any]]:
    """Full-text search. The words end up in URLs and proxy logs: prefer POST /api/search for names."""
    return _hits(request, q, limit)


@router.post("/search")
def search_post(request: Request, body: SearchBody) -> list[dict[str, Any]]:
    """Full-text search with the words in the body (kept out of URLs and logs)."""
    return _hits(request, body.q, body.limit)


def _published(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid request", "check published (YYYY-MM-DD)") from None


UPLOAD_DOC = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"},
                   "published": {"type": "string", "format": "date"},
                   "source": {"type": "string", "maxLength": 200}}}}}}}


@router.post("/documents", status_code=201, openapi_extra=UPLOAD_DOC)
async def upload(request: Request) -> Response:
    """Ingest one uploaded file (multipart field ``file``; optional ``published``, ``source``).

    Over the size limit: 413, and nothing is stored. Unreadable: 422. The
    same bytes again: 200 with ``duplicates: 1``.
    """
    state = request.app.state
    principal = principal_of(request)
    limit = state.store.settings.max_file_bytes
    with UploadFolder() as folder:
        path, sha256, fields = await receive_file(request, limit, folder)
        source = (fields.get("source") or "").strip()[:200] or None
        summary = await run_in_threadpool(
            guarded.ingest_paths, state.store, principal, [path], published=_published(fields.get("published")),
            source=source, max_bytes=limit, workers=0)
    if summary.failed:
        raise ApiError(422, "the file could not be read as a document",
                       "supported: plain text, HTML, PDF, WARC, RSS/Atom, CSV")
    body: dict[str, Any] = {"ingested": summary.ingested, "duplicates": summary.duplicates, "sha256": sha256}
    row = await run_in_threadpool(guarded.get_document, state.store, principal, sha256)
    if row is not None:  # a container (feed, WARC, CSV) is stored as several documents instead
        body["document"] = {"id": row["id"], "sha256": row["sha256"], "title": row.get("title")}
    return SafeJSONResponse(body, status_code=201 if summary.ingested else 200)
