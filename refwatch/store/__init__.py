"""The evidence store: the only module that speaks SQL.

``Store.init`` / ``Store.open`` give an opened store (SQLCipher-encrypted
SQLite in the data folder, or PostgreSQL); ``ingest_paths`` and
``ingest_documents`` add documents; ``search`` finds them; ``verify`` re-hashes
the originals. Tables are declared in ``schema`` and created by the Alembic
migrations in ``migrations/versions``.
"""

from refwatch.store.core import Store
from refwatch.store.engine import StoreError
from refwatch.store.blobs import BlobError, BlobStore
from refwatch.store.ingest import IngestSummary, ingest_documents, ingest_paths
from refwatch.store.search import MARK_END, MARK_START, SearchHit, search, snippet_html
from refwatch.store.verify import VerifyReport, verify

__all__ = ["Store", "StoreError", "BlobError", "BlobStore", "IngestSummary", "ingest_documents",
           "ingest_paths", "SearchHit", "search", "snippet_html", "MARK_START", "MARK_END",
           "VerifyReport", "verify"]
