"""The embedded store: encrypted at rest, refuses a wrong key, survives SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from refwatch.config import Settings
from refwatch.model.records import CapturedDocument
from refwatch.security import keys
from refwatch.store import Store, StoreError, ingest_documents, search, word_index
from refwatch.store.schema import custody as custody_table
from refwatch.store.schema import documents as documents_table

SECRET_WORD = "Zebulonovich"  # appears only in the ingested document


def embedded(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=None, max_file_bytes=50 * 2**20)


def test_store_database_and_blobs_hold_no_plaintext(tmp_path: Path, data_key: bytes) -> None:
    import hashlib

    body = f"Witness {SECRET_WORD} saw the transfer from Tumen to Onsong. 탈북민 구금 사실 확인"
    raw = body.encode("utf-8")
    doc = CapturedDocument(sha256=hashlib.sha256(raw).hexdigest(), original=raw, text=body, kind="testimony",
                           title=f"Testimony of {SECRET_WORD}", filename=f"{SECRET_WORD}.txt")
    settings = embedded(tmp_path)
    with Store.init(settings, data_key) as store:
        assert ingest_documents(store, [doc], ingested_by="t").ingested == 1
        assert search(store, SECRET_WORD)[0].sha256 == doc.sha256  # searchable when unlocked
    needles = [SECRET_WORD.encode(), SECRET_WORD.lower().encode(), "탈북민".encode(), b"Onsong"]
    files = [p for p in settings.data_dir.rglob("*") if p.is_file()]
    # The original went into a pack: blobs/packs/<name>.pack.
    assert any(p.parent == settings.blob_dir / "packs" and p.suffix == ".pack" for p in files)
    for path in files:
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, f"plaintext in {path.relative_to(settings.data_dir)}"
    assert not settings.sqlite_path.read_bytes().startswith(b"SQLite format 3")


def test_store_wrong_key_is_refused(tmp_path: Path, data_key: bytes) -> None:
    settings = embedded(tmp_path)
    Store.init(settings, data_key).close()
    with pytest.raises(StoreError, match="wrong key"):
        Store.open(settings, os.urandom(32))
    keys.create_keyring(tmp_path / "ring", "correct horse", kdf={"name": "argon2id", "time_cost": 1,
                                                                    "memory_cost": 8192, "parallelism": 1})
    with pytest.raises(keys.KeyUnavailable, match="wrong passphrase"):
        keys.unlock(tmp_path / "ring", "battery staple")


# --- the kill test --------------------------------------------------------------

N_FILES = 10_000


def _cli_env(data: Path) -> dict[str, str]:
    env = dict(os.environ, REFWATCH_PASSPHRASE="kill-test-passphrase", REFWATCH_DATA=str(data))
    env.pop("REFWATCH_DATABASE_URL", None)
    return env


def _refwatch(*args: str) -> list[str]:
    return [sys.executable, "-c", "from refwatch.cli import main; main()", *args]


def _count(store: Store) -> int:
    with store.read() as conn:
        return conn.scalar(select(func.count()).select_from(documents_table))


def _check_consistent(store: Store) -> int:
    """integrity_check, FTS index matches rows, each row has its blob and custody entry."""
    with store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        n = conn.scalar(select(func.count()).select_from(documents_table))
        ids = set(conn.scalars(select(documents_table.c.id)))
        hashes = list(conn.scalars(select(documents_table.c.sha256)))
        logged = set(conn.scalars(select(custody_table.c.sha256).where(custody_table.c.action == "ingest")))
    assert len(set(hashes)) == len(hashes) == n
    assert logged == set(hashes)
    bad = [h for h in hashes if store.blobs.check(h) is not None]
    assert bad == []
    # The word index (its own file): after catching up, exactly the stored documents.
    word_index.ensure_current(store)
    index = word_index.open_index(store.word_index_path, store.word_index_key)
    try:
        index.execute(f"INSERT INTO {word_index.TABLE}({word_index.TABLE}) VALUES ('integrity-check')")
        indexed = {r[0] for r in index.execute(f"SELECT id FROM {word_index.TABLE}_docsize")}
        assert word_index.indexed_through(index) == max(ids, default=0)
    finally:
        index.close()
    assert indexed == ids
    return n


@pytest.mark.slow
def test_store_sigkill_mid_ingest_then_rerun_completes(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    for i in range(N_FILES):
        sub = folder / f"{i // 500:03d}"
        if i % 500 == 0:
            sub.mkdir(parents=True)
        (sub / f"r{i:05d}.txt").write_text(
            f"Report {i}: {i % 97 + 2} people were detained near Tumen and later transferred.\n",
            encoding="utf-8")
    data = tmp_path / "data"
    env = _cli_env(data)
    subprocess.run(_refwatch("init"), env=env, check=True, capture_output=True, timeout=60)
    key = keys.unlock(data, env["REFWATCH_PASSPHRASE"])
    settings = embedded(tmp_path)

    proc = subprocess.Popen(_refwatch("ingest", str(folder), "--json"), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    committed = 0
    with Store.open(settings, key) as store:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            committed = _count(store)
            if committed >= 1000:
                break
            time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; the test proves nothing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with Store.open(settings, key) as store:
        before = _check_consistent(store)
    assert 1000 <= before < N_FILES

    rerun = subprocess.run(_refwatch("ingest", str(folder), "--json"), env=env, capture_output=True,
                           timeout=120, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    summary = json.loads(rerun.stdout)
    assert summary["failed"] == []
    assert summary["ingested"] == N_FILES - before and summary["duplicates"] == before
    with Store.open(settings, key) as store:
        assert _check_consistent(store) == N_FILES
