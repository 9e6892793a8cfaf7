"""After ingesting and processing the seeds, no name is readable at rest or in a public export.

SQLite: the raw database file, its -wal and -shm files and every file under
the blob folder are searched for each name in UTF-8, UTF-16-LE and UTF-16-BE,
as written, lower- and upper-case. PostgreSQL: the claims, persons and
person_names tables and the testimony rows of documents are dumped as text and
searched the same way. The seeds come from ../shared (skipped when absent).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from refwatch.cli import _register, app
from refwatch.security import keys, users

from security_store import CHEAP_KDF, PASSPHRASE

_register()
SHARED = Path(__file__).resolve().parents[3] / "shared"
SEEDS, GOLD = SHARED / "seeds", SHARED / "gold" / "seeds.jsonl"
VICTIMS = ["Kim Cheol Ok", "Cheol Ok", "Choi", "Kang"]
QUOTED = ["Phil Robertson", "Peter Jung", "Stephen Kim", "Hee-Seok Shin", "Murdoch"]
NAMES = VICTIMS + QUOTED
TESTIMONY = ("I am the sister of Kim Cheol Ok. Peter Jung told us she was taken to Tumen. "
             "Reach me through Choi at the church.\n")


def encodings_of(name: str) -> list[bytes]:
    forms = {name, name.lower(), name.upper()}
    return [f.encode(enc) for f in forms for enc in ("utf-8", "utf-16-le", "utf-16-be")]


def names_found(blob: bytes) -> list[str]:
    return [n for n in NAMES if any(form in blob for form in encodings_of(n))]


def _seeds() -> list[tuple[Path, str]]:
    if not SEEDS.is_dir() or not GOLD.exists():
        pytest.skip("the shared seeds are not here")
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(SEEDS / g["doc"], g["published"]) for g in gold]


@pytest.fixture
def cli(store_settings, tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    """A data folder on the parametrised engine; run(*args) as the local operator (no users)."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    for var in ("REFWATCH_USER", "REFWATCH_TOKEN", "REFWATCH_PASSWORD", "REFWATCH_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    keys.create_keyring(store_settings.data_dir, PASSPHRASE, CHEAP_KDF)
    env = {"REFWATCH_PASSPHRASE": PASSPHRASE, "REFWATCH_DATA": str(store_settings.data_dir)}
    if store_settings.database_url:
        env["REFWATCH_DATABASE_URL"] = store_settings.database_url
    runner = CliRunner()

    def run(*args: str):  # noqa: ANN202
        result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output[-400:])
        return result

    run("init")
    for path, published in _seeds():
        run("ingest", str(path), "--published", published)
    testimony = tmp_path / "testimony_sister.txt"
    testimony.write_text(TESTIMONY, encoding="utf-8")
    run("ingest", str(testimony), "--published", "2023-12-10")
    run("process")
    return run


def test_the_seeds_do_name_people(cli):
    """Guards the test itself: the plaintext does hold the names we grep for."""
    seeds = b"".join(path.read_bytes() for path, _ in _seeds())
    assert set(names_found(seeds + TESTIMONY.encode())) == set(NAMES)
    events = json.loads(cli("events", "--json").stdout)
    assert any("Kim Cheol Ok" in json.dumps(e) for e in events)  # the admin view names her


def test_nothing_at_rest_names_anyone(cli, store_settings):
    if store_settings.database_url:
        pytest.skip("the PostgreSQL variant dumps tables (test_postgresql_rows_name_no_one)")
    data = store_settings.data_dir
    db = store_settings.sqlite_path
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    files += [p for p in (data / "blobs").rglob("*") if p.is_file()]
    assert db.exists() and len(files) > 6
    leaks = {str(p.relative_to(data)): names_found(p.read_bytes()) for p in files if p.exists()}
    assert {k: v for k, v in leaks.items() if v} == {}


@pytest.mark.parametrize("fmt", ["json", "csv", "geojson"])
def test_public_export_of_the_processed_seeds_names_no_one(cli, tmp_path, fmt):
    out = tmp_path / f"public.{fmt}"
    summary = json.loads(cli("export", "--public", "--format", fmt, str(out), "--json").stdout)
    assert summary["events"] > 0 and out.exists()
    text = out.read_bytes()
    assert names_found(text) == []
    if fmt == "json":
        events = json.loads(text)["events"]
        assert any(e["type"] == "repatriation" for e in events)
        assert all("victims" not in e and "evidence" not in e for e in events)
    log = [json.loads(x) for x in cli("audit", "log", "--json").stdout.splitlines()]
    assert any(e["action"] == "export.public" and e["target"] == f"export:{fmt}" for e in log)


def test_postgresql_rows_name_no_one(cli, store_settings):
    if not store_settings.database_url:
        pytest.skip("SQLite is encrypted as a whole (test_nothing_at_rest_names_anyone)")
    from sqlalchemy import create_engine, text

    engine = create_engine(store_settings.database_url)
    try:
        with engine.connect() as conn:
            dumped = []
            for table in ("claims", "persons", "person_names"):
                dumped += [repr(tuple(r)) for r in conn.execute(text(f"SELECT * FROM {table}"))]
            testimonies = [repr(tuple(r)) for r in conn.execute(
                text("SELECT * FROM documents WHERE kind = 'testimony' OR filename ILIKE '%testimon%'"))]
            assert conn.scalar(text("SELECT count(*) FROM persons")) > 0
    finally:
        engine.dispose()
    assert len(testimonies) == 1
    assert names_found("\n".join(dumped + testimonies).encode("utf-8")) == []
    # sealed, not lost: an analyst still reads the testimony, and search finds the other documents
    docs = json.loads(cli("documents", "--json").stdout)
    testimony_id = next(d["id"] for d in docs if "testimony" in d["filename"])
    assert "Kim Cheol Ok" in json.loads(cli("show", str(testimony_id), "--json").stdout)["text"]
    assert json.loads(cli("search", "Dandong", "--json").stdout)
