"""The resolve commands end to end, on SQLite (SQLCipher) and PostgreSQL.

The seed figures run the real extractor over ../shared/seeds (skipped when the
seeds are absent); the judgement commands use a stub extractor of our own so
that they test the commands, not the extractor.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refwatch.cli import _register, app
from refwatch.resolve import process as P
from refwatch.resolve.names import name_key
from refwatch.security import keys

from test_resolve_store import OCT_A, OCT_B, JULY, stub_extract

_register()
runner = CliRunner()
SHARED = Path("/work/main/../shared")
SEEDS, GOLD = SHARED / "seeds", SHARED / "gold" / "seeds.jsonl"
CHEAP_KDF = {"name": "argon2id", "time_cost": 1, "memory_cost": 1024, "parallelism": 1}
PASSPHRASE = "resolve tests only"


@pytest.fixture
def cli_env(store_settings, tmp_path, monkeypatch):
    """An initialised data folder on the parametrised engine; returns run(*args) -> result."""
    keys.create_keyring(store_settings.data_dir, PASSPHRASE, CHEAP_KDF)
    env = {"REFWATCH_PASSPHRASE": PASSPHRASE, "REFWATCH_DATA": str(store_settings.data_dir),
           "REFWATCH_USER": "reviewer1"}
    if store_settings.database_url:
        env["REFWATCH_DATABASE_URL"] = store_settings.database_url
    else:
        monkeypatch.delenv("REFWATCH_DATABASE_URL", raising=False)

    def run(*args: str, ok: bool = True):
        result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    run("init")
    return run


def ingest_text(run, tmp_path: Path, name: str, body: str, published: str = "2023-12-01") -> str:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    run("ingest", str(path), "--published", published)
    return hashlib.sha256(body.encode()).hexdigest()


def out(result):
    return json.loads(result.stdout)


# --- the seeds ---------------------------------------------------------------------------

def _seed_files() -> list[tuple[Path, str]]:
    if not SEEDS.is_dir() or not GOLD.exists():
        pytest.skip("the shared seeds are not here")
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(SEEDS / g["doc"], g["published"]) for g in gold]


def test_seed_figures(cli_env):
    run = cli_env
    shas = {}
    for path, published in _seed_files():
        run("ingest", str(path), "--published", published)
        shas[path.name[:3]] = hashlib.sha256(path.read_bytes()).hexdigest()
    report = out(run("process", "--json"))
    assert report["documents"] == 5 and report["new_claims"] > 0 and not report["failed"]

    events = out(run("events", "--type", "repatriation", "--json"))
    october = [e for e in events if e["date"]["earliest"] >= "2023-10-01" and e["date"]["latest"] <= "2023-10-31"]
    assert len(october) == 1
    oct_ = october[0]
    assert set(oct_["documents"]) == {shas["000"], shas["001"], shas["003"]}
    assert (oct_["count"]["low"], oct_["count"]["best"], oct_["count"]["high"]) == (501, 600, 600)
    months = {}
    for e in events:
        lo, hi = e["date"]["earliest"], e["date"]["latest"]
        if lo and hi and lo[:7] == hi[:7] and lo[:7] in ("2023-07", "2023-08", "2023-09"):
            months.setdefault(lo[:7], []).append(e["id"])
    assert sorted(months) == ["2023-07", "2023-08", "2023-09"]
    assert all(len(ids) == 1 for ids in months.values())

    people = out(run("people", "--json"))
    kim = [p for p in people if name_key(p["name"]) == name_key("Kim Cheol Ok")]
    assert len(kim) == 1
    person = out(run("person", kim[0]["id"], "--json"))
    assert {"escape", "arrest", "repatriation"} <= {t["type"] for t in person["timeline"]}
    assert person["status"] == "repatriated"

    detail = out(run("event", oct_["id"], "--json"))
    assert detail["count"]["rule"] and detail["claims"] and all(c["evidence"] for c in detail["claims"])
    assert {d["sha256"] for d in detail["documents"]} == set(oct_["documents"])
    assert kim[0]["id"] in detail["persons"]

    # filters: a province finds the crossings inside it; dates bound the list
    jilin = out(run("events", "--place", "Jilin", "--from", "2023-10-01", "--to", "2023-10-31", "--json"))
    assert oct_["id"] in [e["id"] for e in jilin]
    assert all(e["date"]["latest"] >= "2023-10-01" for e in jilin)

    again = run("process")
    assert "0 documents read, 0 new claims" in again.stderr
    assert out(run("events", "--type", "repatriation", "--json")) == events

    rows = {r["key"]: r for r in out(run("stats", "--by", "month", "--json"))}
    assert rows["2023-10"]["people_low"] >= 501


# --- judgements through the commands -------------------------------------------------------------

@pytest.fixture
def stubbed(cli_env, monkeypatch):
    monkeypatch.setattr(P, "default_extractor", lambda: (stub_extract, "stub/1"))
    return cli_env


def test_judge_split_and_merge_from_the_command_line(stubbed, tmp_path, monkeypatch):
    run = stubbed
    ingest_text(run, tmp_path, "a.txt", OCT_A + JULY)
    ingest_text(run, tmp_path, "b.txt", OCT_B)
    assert out(run("process", "--json"))["new_claims"] == 3
    events = out(run("events", "--json"))
    oct_ = next(e for e in events if e["date"]["earliest"].startswith("2023-10"))
    july = next(e for e in events if e["date"]["earliest"].startswith("2023-07"))

    split = out(run("split", oct_["id"], oct_["claim_ids"][1], "--why", "two crossings", "--json"))
    assert len(split["events"]) == 2 and split["judgement"]["who"] == "local-operator"  # no users yet: the passphrase holder
    assert len(out(run("events", "--from", "2023-10-01", "--json"))) == 2

    first, second = [e["id"] for e in out(run("events", "--from", "2023-10-01", "--json"))]
    merged = out(run("merge", first, second, "--why", "same day after all", "--json"))
    assert len(merged["events"]) == 1

    judged = out(run("judge", july["claim_ids"][0], "edit", "--set", "count=55", "--why", "per the NGO", "--json"))
    assert judged["judgement"]["kind"] == "edit"
    july_now = out(run("event", judged["events"][0], "--json"))
    assert july_now["count"]["best"] == 55
    assert july_now["claims"][0]["review_state"] == "edited"

    run("judge", july["claim_ids"][0], "reject", "--why", "duplicate report")
    assert not any(e["date"]["earliest"].startswith("2023-07") for e in out(run("events", "--json")))
    # a newer extractor does not bring the rejected claim back
    monkeypatch.setattr(P, "default_extractor", lambda: (stub_extract, "stub/2"))
    report = out(run("process", "--json"))
    assert report["documents"] == 2
    assert not any(e["date"]["earliest"].startswith("2023-07") for e in out(run("events", "--json")))
    assert len(out(run("events", "--from", "2023-10-01", "--json"))) == 1


def test_bad_requests_exit_with_a_message_and_name_no_one(stubbed, tmp_path):
    run = stubbed
    ingest_text(run, tmp_path, "a.txt", OCT_A)
    run("process")
    [event] = out(run("events", "--json"))
    cases = [("event", "ev-nothing"), ("person", "p-nothing"), ("events", "--type", "picnic"),
             ("events", "--from", "October"), ("stats", "--by", "week"),
             ("judge", event["claim_ids"][0], "edit", "--set", "colour=red", "--why", "x"),
             ("judge", event["claim_ids"][0], "accept", "--why", " "),
             ("split", event["id"], event["claim_ids"][0], "--why", "alone")]
    for args in cases:
        result = run(*args, ok=False)
        assert result.exit_code != 0 and "error" in result.stderr, args
        assert "Pak" not in result.stderr and "Traceback" not in result.stderr


def test_people_and_stats_tables_print(stubbed, tmp_path):
    run = stubbed
    ingest_text(run, tmp_path, "a.txt", "arrest 2023-04-02 1 exact Tumen | Pak Sun Hui\n")
    run("process")
    table = run("people").stdout
    assert "Pak Sun Hui" in table and "yes" in table  # detained in China: at risk
    [person] = out(run("people", "--json"))
    assert "AT RISK" in run("person", person["id"]).stdout
    assert "2023-04" in run("stats", "--by", "month").stdout
