"""Ingest: read files, keep their original bytes, store documents, log custody.

Order of writes, which is what makes a killed ingest safe to re-run:
1. the worker that read a file hashes and seals its original bytes;
2. the writer (this process) takes a batch of rows, drops the hashes already
   stored (one query per batch; ``sha256`` is unique), appends the new
   sealed originals to its pack file (``refwatch.store.blobs``), and, while it
   inserts the rows, flushes the pack to disk; only when that flush is done
   does it commit the rows (document, its pack index entry, the custody
   entry), all in one transaction;
3. on SQLite, the word indexer is told how far the rows are committed; in a
   thread of its own it reads them back and writes them into the search index
   file while the next batches are inserted (``refwatch.store.word_index``);
   the import ends when it has caught up.
So a committed row always names bytes that are on disk. A kill (or power
cut) before the commit leaves at most some pack records that no row names:
harmless, the re-run appends them again and commits; documents committed
but not yet indexed are indexed by the next import or search. A re-run never
duplicates a document. A document already stored whose original no longer
opens (see ``refwatch verify``) gets the freshly read bytes and its index
entry points at them.

Reading, parsing, hashing and sealing (the expensive part for HTML or PDF) run
in a pool of worker processes; one writer owns the database connection and
the pack.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from refwatch.model.records import CapturedDocument
from refwatch.store import custody, documents, packs, word_index
from refwatch.store.blobs import BlobStore
from refwatch.store.core import Store
from refwatch.store.schema import custody as custody_table
from refwatch.store.schema import documents as documents_table


BATCH_SIZE = 1000  # documents per transaction (one WAL fsync and one pack fsync each); 2000 cost 50 MB more for 8% less writer CPU
TASK_SIZE = 64  # files per task handed to a worker
OPTIMIZE_AFTER = 2000  # documents added in one run before the trigram index is merged

Progress = Callable[[int, int], None]  # (files done, files in total)


@dataclass
class IngestSummary:
    ingested: int = 0
    duplicates: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    def to_json(self) -> dict[str, Any]:
        return {"ingested": self.ingested, "duplicates": self.duplicates,
                "failed": [{"path": p, "error": e} for p, e in self.failed]}


@dataclass
class _Outcome:
    path: str
    rows: list[dict[str, Any]]
    sealed: list[bytes] = field(default_factory=list)  # each row's original, sealed for the blob store
    error: str | None = None  # the whole file failed
    item_errors: list[tuple[str, str]] = field(default_factory=list)  # bad rows/records of a container


@dataclass
class _Options:
    """What a worker needs; sent once to each worker process."""

    blobs: BlobStore  # pickles as (folder, blob subkey): it seals; never the data key itself
    published: date | None
    source: str | None
    ingested_by: str
    max_bytes: int | None
    csv_mapping: dict[str, str] | None
    reader: Callable[..., list[CapturedDocument]] | None = None


_worker: dict[str, Any] = {}


def _init_worker(options: _Options) -> None:
    _worker["options"] = options
    _worker["blobs"] = options.blobs
    if options.reader is None:
        from refwatch.capture import read_path_with_errors

        _worker["reader"] = read_path_with_errors
        _worker["with_errors"] = True
    else:
        _worker["reader"] = options.reader
        _worker["with_errors"] = False


def _read_files(paths: Sequence[str]) -> list[_Outcome]:
    """Worker side: read each file, seal its documents' original bytes."""
    options: _Options = _worker["options"]
    return [_read_one(path, options) for path in paths]


def _read_one(path: str, options: _Options) -> _Outcome:
    item_errors: list[tuple[str, str]] = []
    try:
        # The built-in reader takes the path as a string (Path objects cost
        # more than the read itself on small files); a custom reader gets a Path.
        target = path if _worker["with_errors"] else Path(path)
        result = _worker["reader"](target, published=options.published, source=options.source,
                                   max_bytes=options.max_bytes, csv_mapping=options.csv_mapping)
        if _worker["with_errors"]:
            result, errors = result
            item_errors = [(getattr(e, "path", path), _reason(e)) for e in errors]
    except Exception as exc:  # one bad file never stops the batch
        return _Outcome(path, [], error=_reason(exc))
    outcome = _stage(path, result, options, _worker["blobs"])
    outcome.item_errors = item_errors
    return outcome


def _stage(path: str, docs: Iterable[CapturedDocument], options: _Options,
           blobs: BlobStore) -> _Outcome:
    rows, sealed = [], []
    try:
        for doc in docs:
            sealed.append(blobs.seal(doc.sha256, doc.original))
            rows.append(documents.to_row(doc, ingested_by=options.ingested_by, source=options.source,
                                         published=options.published,
                                         captured_at=datetime.now(timezone.utc)))
    except Exception as exc:
        return _Outcome(path, [], error=_reason(exc))
    return _Outcome(path, rows, sealed)


def _reason(exc: Exception) -> str:
    """A one-line reason that names no content (readers' CaptureError carries one)."""
    reason = getattr(exc, "reason", None)
    if isinstance(reason, str) and reason:
        return reason
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return f"unexpected error ({type(exc).__name__})"


class _Writer:
    """Commits staged rows in batches; all or nothing per batch."""

    def __init__(self, store: Store, summary: IngestSummary, batch_size: int) -> None:
        self.store, self.summary, self.batch_size = store, summary, batch_size
        self.pending: list[tuple[str, dict[str, Any], bytes]] = []  # (path, row, sealed original)
        self._barrier = ThreadPoolExecutor(1, thread_name_prefix="blob-barrier")
        # SQLite: the word index is written beside the inserts, by its own thread.
        self.indexer = word_index.Indexer(store) if store.dialect == "sqlite" else None

    def add(self, outcome: _Outcome) -> None:
        self.summary.failed.extend(outcome.item_errors)
        if outcome.error is not None:
            self.summary.failed.append((outcome.path, outcome.error))
            return
        self.pending.extend(zip([outcome.path] * len(outcome.rows), outcome.rows, outcome.sealed))
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        try:
            self._commit(batch)
        except OSError as exc:  # the blobs could not be made durable: no row may name them
            reason = f"cannot write to the blob store: {exc.strerror or type(exc).__name__}"
            self.summary.failed.extend((path, reason) for path, _, _ in batch)
        except SQLAlchemyError:
            # Find the culprit: one transaction per document; the good ones are kept.
            for item in batch:
                try:
                    self._commit([item])
                except SQLAlchemyError as exc:
                    self.summary.failed.append((item[0], f"could not be stored ({type(exc.orig or exc).__name__})"))
                except OSError as exc:
                    self.summary.failed.append(
                        (item[0], f"cannot write to the blob store: {exc.strerror or type(exc).__name__}"))

    def close(self) -> None:
        self._barrier.shutdown(wait=True)
        self.store.blobs.close_packs()
        if self.indexer is not None:
            self.indexer.close()

    def _commit(self, batch: list[tuple[str, dict[str, Any], bytes]]) -> None:
        blobs = self.store.blobs
        with self.store.write() as conn:
            stored = documents.existing(conn, (row["sha256"] for _, row, _ in batch))
            seen: set[str] = set()
            fresh, originals, repaired = [], [], []
            for _, row, sealed in batch:
                sha = row["sha256"]
                if sha in seen:
                    continue
                seen.add(sha)
                if sha in stored:
                    if blobs.check(sha) is None:
                        continue
                    repaired.append(sha)  # a damaged original, written again
                else:
                    fresh.append(row)
                originals.append((sha, sealed))
            placed = list(zip((sha for sha, _ in originals), blobs.append_many(originals)))
            # The pack's disk flush runs while the rows are inserted (the insert
            # is CPU work, the flush is waiting); the commit waits for it.
            durable: Future = self._barrier.submit(blobs.sync_packs)
            try:
                ids = insert_documents(conn, fresh)
                packs.record(conn, placed, replacing=repaired)
                entries = custody_entries(fresh)
                if entries:
                    conn.execute(custody_table.insert(), entries)
            finally:
                durable.result()  # raises OSError if a flush failed: the transaction rolls back
        if self.indexer is not None and ids:  # committed: now they may be indexed
            self.indexer.committed(max(ids))
        self.summary.ingested += len(fresh)
        self.summary.duplicates += len(batch) - len(fresh)


def insert_documents(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert document rows; on SQLite their ids, in the order of ``rows`` (else ``[]``).

    On SQLite, ``RETURNING`` makes SQLAlchemy send the rows as multi-row
    ``INSERT ... VALUES`` pages ("insertmanyvalues"): fewer statements, and
    for Korean and Chinese documents one trigram-index segment per page
    instead of per row (FTS5 flushes at every statement).

    Rows that ``documents.insert_many`` would change before writing (sealed
    testimonies, PostgreSQL only today) go through it unchanged.
    """
    if not rows:
        return []
    rows = documents.with_cjk_flag(rows)
    if conn.dialect.name == "sqlite" and documents._sealed_rows(conn, rows) is rows:  # noqa: SLF001
        returning = documents_table.insert().returning(documents_table.c.id, sort_by_parameter_order=True)
        return list(conn.execute(returning, rows).scalars())
    documents.insert_many(conn, rows)
    return []


def custody_entries(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One "ingest" custody entry per newly stored document."""
    return [custody.entry(row["ingested_by"], "ingest", row["sha256"], {
        "filename": row["filename"], "url": row["url"], "kind": row["kind"], "size": row["size"],
        "tool": row["tool"], "container_sha256": row["container_sha256"],
        "captured_at": row["captured_at"].isoformat(),
    }, at=row["captured_at"]) for row in rows]


def ingest_documents(store: Store, docs: Iterable[CapturedDocument], *, ingested_by: str | None = None,
                     source: str | None = None, published: date | None = None,
                     batch_size: int = BATCH_SIZE, path: str = "<memory>") -> IngestSummary:
    """Store documents a reader already produced (see the module docstring)."""
    summary = IngestSummary()
    writer = _Writer(store, summary, batch_size)
    options = _Options(store.blobs, published, source, ingested_by or custody.current_user(),
                       None, None)
    try:
        for doc in docs:
            writer.add(_stage(doc.filename or path, [doc], options, store.blobs))
        writer.flush()
    finally:
        writer.close()
    return summary


def ingest_paths(store: Store, inputs: Iterable[str | Path], *, published: date | None = None,
                 source: str | None = None, ingested_by: str | None = None,
                 max_bytes: int | None = None, csv_mapping: dict[str, str] | None = None,
                 progress: Progress | None = None, workers: int | None = None,
                 batch_size: int = BATCH_SIZE,
                 reader: Callable[..., list[CapturedDocument]] | None = None) -> IngestSummary:
    """Ingest files, folders (recursively) and ``-`` (stdin); see the module docstring.

    ``workers`` reader processes (default: the number of CPUs; 0 reads in this
    process). ``reader`` replaces ``refwatch.capture.read_path`` (tests).
    """
    from refwatch.capture import iter_input_paths

    paths = [str(p) for p in iter_input_paths([str(i) for i in inputs])]
    summary = IngestSummary()
    writer = _Writer(store, summary, batch_size)
    options = _Options(store.blobs, published, source,
                       ingested_by or custody.current_user(),
                       max_bytes if max_bytes is not None else store.settings.max_file_bytes,
                       csv_mapping, reader)
    total, done = len(paths), 0

    def report(outcomes: list[_Outcome]) -> None:
        nonlocal done
        for outcome in outcomes:
            writer.add(outcome)
        done += len(outcomes)
        if progress:
            progress(done, total)

    with _fewer_collections():
        _run(store, paths, options, writer, report, workers, batch_size)
    _maybe_optimize(store, summary.ingested)
    return summary


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while an import streams rows through.

    Every unpickled batch from the readers allocates thousands of containers
    that live until their batch is committed; at the default threshold the
    collector walked them again and again (in a profile, 90% of the thread
    that receives the readers' results). Nothing here makes reference cycles
    that need it sooner.
    """
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], 50_000), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _run(store: Store, paths: list[str], options: _Options, writer: _Writer,
         report: Callable[[list[_Outcome]], None], workers: int | None, batch_size: int) -> None:
    stdin_paths = [p for p in paths if p == "-"]
    file_paths = [p for p in paths if p != "-"]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4)
    if stdin_paths or workers == 0 or len(file_paths) < 2 * TASK_SIZE:
        _init_worker(options)
    try:
        if stdin_paths:  # stdin belongs to this process
            report(_read_files(stdin_paths[:1]))
        if workers == 0 or len(file_paths) < 2 * TASK_SIZE:
            for start in range(0, len(file_paths), TASK_SIZE):
                report(_read_files(file_paths[start:start + TASK_SIZE]))
        else:
            _run_pool(file_paths, options, workers, report, batch_size)
        writer.flush()
    finally:
        writer.close()


def _maybe_optimize(store: Store, added: int) -> None:
    """Merge the trigram index after a large ingest (amortised: >= 20% of the store)."""
    if added < OPTIMIZE_AFTER:
        return
    with store.read() as conn:
        total = documents.count(conn)
    if added * 5 >= total:
        from refwatch.store.search import optimize_index

        optimize_index(store)


def _run_pool(paths: list[str], options: _Options, workers: int,
              report: Callable[[list[_Outcome]], None], batch_size: int = BATCH_SIZE) -> None:
    """Read ``paths`` in ``workers`` processes, handing each task's outcomes to ``report`` in order.

    ``concurrent.futures`` rather than ``multiprocessing.Pool``: the Pool's
    worker-handler thread wakes up whenever a result waits in the pipe and
    spun on it (6% of the import's CPU in a profile, and GIL hand-offs that
    slowed the writer); the executor's one thread sleeps until it reads a
    result. A reader process that dies (a parser crashing on a hostile file,
    or a kill) breaks the executor: the tasks in flight with it are read
    again one file at a time (see ``_isolate``), so only the file that kills
    its reader fails and the rest of the batch is stored.
    """
    # forkserver: workers must not inherit this process's open SQLite handles
    # (closing an inherited descriptor drops the parent's POSIX locks).
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["refwatch.store.ingest", "refwatch.capture", "refwatch.capture.language_preload"])
    # Bounded in-flight tasks keep memory flat. The window holds two batches of
    # reads: the workers read ahead while the writer commits a batch (one batch
    # cost 7% of the rate when the writer still waited on the word indexer).
    window = max(workers * 4, 2 * batch_size // TASK_SIZE + workers)
    tasks = deque(paths[start:start + TASK_SIZE] for start in range(0, len(paths), TASK_SIZE))
    while tasks:
        lost = _read_with_executor(ctx, workers, options, tasks, window, report)
        if lost:
            _isolate(ctx, options, [path for task in lost for path in task], report)


def _executor(ctx: Any, workers: int, options: _Options) -> ProcessPoolExecutor:  # noqa: ANN401
    return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(options,))


def _read_with_executor(ctx: Any, workers: int, options: _Options, tasks: deque,  # noqa: ANN401
                        window: int, report: Callable[[list[_Outcome]], None]) -> list[list[str]]:
    """Run ``tasks`` (taken from the left) until done or a reader dies; the tasks lost with it."""
    in_flight: deque[tuple[list[str], Future]] = deque()
    with _executor(ctx, workers, options) as pool:
        try:
            while tasks or in_flight:
                while tasks and len(in_flight) < window:
                    task = tasks.popleft()
                    in_flight.append((task, pool.submit(_read_files, task)))
                task, future = in_flight[0]
                outcomes = future.result()
                in_flight.popleft()
                report(outcomes)
        except BrokenProcessPool:
            return [task for task, _ in in_flight]
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return []


def _isolate(ctx: Any, options: _Options, paths: list[str],  # noqa: ANN401
             report: Callable[[list[_Outcome]], None]) -> None:
    """Read files one at a time in one reader process; a file its reader dies on fails alone."""
    pending = deque(paths)
    while pending:
        with _executor(ctx, 1, options) as pool:
            try:
                while pending:
                    outcomes = pool.submit(_read_files, [pending[0]]).result()
                    pending.popleft()
                    report(outcomes)
            except BrokenProcessPool:
                report([_Outcome(pending.popleft(), [], error="the reader process died while reading this file "
                                 "(a crash in a parser, or the process was killed); nothing of it was stored")])
