"""Receive one uploaded file with the size limit enforced while the bytes arrive.

The request body is counted chunk by chunk as the ASGI server hands it over;
the moment it passes the limit (the store's ``max_file_bytes`` plus room for
the multipart headers) reading stops and the request ends with 413. A
Content-Length above the limit is refused before anything is read. The file
part lands in a temporary folder that is removed afterwards, whatever happens;
nothing reaches the store unless the whole file was received within the limit.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.requests import Request as StarletteRequest

from refwatch.api.errors import ApiError

MULTIPART_SLACK = 64 * 1024  # boundaries and part headers around the file
CHUNK = 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class TooLarge(Exception):
    pass


def too_large(limit: int) -> ApiError:
    return ApiError(413, "file too large", f"the limit is {limit // (1024 * 1024) or 1} MB per file")


def safe_filename(name: str | None) -> str:
    """A plain file name that keeps the extension (the reader goes by it); never a path."""
    base = Path((name or "").replace("\\", "/")).name
    base = _UNSAFE.sub("_", base).strip("._")[-100:]
    return base or "upload.bin"


def _limited(request: Request, limit: int) -> StarletteRequest:
    """The same request, reading its body through a counter that stops at ``limit``."""
    seen = 0
    receive = request.receive

    async def counted() -> dict[str, Any]:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise TooLarge()
        return message

    return StarletteRequest(request.scope, counted)


async def receive_file(request: Request, max_bytes: int, folder: Path) -> tuple[Path, str, dict[str, str]]:
    """Save the one ``file`` part into ``folder``; return its path, SHA-256 and the text fields."""
    limit = max_bytes + MULTIPART_SLACK
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(max_bytes)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "multipart/form-data":
        raise ApiError(415, "upload one file as multipart/form-data", "the field is named file")
    try:
        form = await _limited(request, limit).form(max_files=1, max_fields=4, max_part_size=1024)
    except TooLarge:
        raise too_large(max_bytes) from None
    except ApiError:
        raise
    except Exception:  # malformed multipart: say so without repeating it
        raise ApiError(422, "could not read the upload", "send one file in a field named file") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(422, "no file in the upload", "send one file in a field named file")
        target = folder / safe_filename(upload.filename)
        size, digest = 0, hashlib.sha256()
        with target.open("wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise too_large(max_bytes)
                out.write(chunk)
                digest.update(chunk)
        if size == 0:
            raise ApiError(422, "the file is empty")
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        return target, digest.hexdigest(), fields
    finally:
        await form.close()


class UploadFolder:
    """A private temporary folder, removed on exit."""

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="refwatch-upload-"))
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
