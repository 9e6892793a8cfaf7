"""Where the data lives and the limits that apply, from flags and environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "refwatch-data"
DEFAULT_MAX_FILE_MB = 50


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str | None  # None: the embedded SQLite store in data_dir
    max_file_bytes: int

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "refwatch.db"

    @property
    def is_embedded(self) -> bool:
        return self.database_url is None


def settings(data_dir: str | Path | None = None, database_url: str | None = None,
             max_file_mb: float | None = None) -> Settings:
    """Resolve settings: explicit arguments, then environment, then defaults."""
    data = Path(data_dir or os.environ.get("REFWATCH_DATA") or DEFAULT_DATA_DIR)
    url = database_url or os.environ.get("REFWATCH_DATABASE_URL") or None
    mb = max_file_mb if max_file_mb is not None else float(
        os.environ.get("REFWATCH_MAX_FILE_MB", DEFAULT_MAX_FILE_MB))
    return Settings(data_dir=data, database_url=url, max_file_bytes=int(mb * 1024 * 1024))
