"""Attacks through the command line: each is refused or made harmless, and the store stays intact.

* SQL injection in every text parameter → a clean error or an empty result, never a traceback;
* script in a document's text → printed as text (there are no web pages yet: when
  they come, the same document must be escaped there too);
* path traversal on blob access → refused;
* guessing ids as a researcher or the public → refused or pseudonymised;
* editing one audit row inside the SQLCipher file → `refwatch audit verify` fails and names the seq.
"""

from __future__ import annotations

import json

import pytest

from refwatch.security import keys
from refwatch.store.blobs import BlobStore

from security_store import PASSPHRASE
from test_security_matrix import VICTIM, World

INJECTIONS = ["' OR '1'='1", "x'; DROP TABLE documents; --", '" OR 1=1 --', "1; DELETE FROM audit_log",
              "%' UNION SELECT password_hash FROM users --", "\\x00'); --", "Robert'); DROP TABLE users;--"]
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    with pytest.MonkeyPatch.context() as mp:
        yield World(tmp_path_factory.mktemp("attacks"), mp)


def _clean(result, allowed=(0, 1, 2, 3)) -> None:  # noqa: ANN001
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in allowed, result.output
    assert "Traceback" not in result.output


def _state(world: World) -> tuple[int, int, int]:
    docs = len(world.json("admin", "documents", "--json"))
    users = len(world.json("admin", "user", "list", "--json"))
    audit = world.json("admin", "audit", "verify", "--json")
    assert audit["ok"]
    return docs, users, len(world.events())


def _invoke(world: World, role: str, *args: str):  # noqa: ANN202
    from refwatch.cli import app

    return world.runner.invoke(app, list(args), env=world.env(role), catch_exceptions=True)


def test_sql_injection_in_every_text_parameter_is_inert(world: World):
    docs, users, events = _state(world)
    event, claim = world.events()[0]["id"], world.events()[0]["claim_ids"][0]
    for bad in INJECTIONS:
        attempts = [
            ("search", bad), ("show", bad), ("event", bad), ("person", bad),
            ("events", "--place", bad), ("events", "--type", bad), ("events", "--from", bad),
            ("merge", bad, event, "--why", "x"), ("split", event, bad, "--why", "x"),
            ("judge", bad, "accept", "--why", "x"), ("judge", claim, bad, "--why", "x"),
            ("judge", claim, "edit", "--set", f"places={bad}", "--why", "x"),
            ("stats", "--by", bad), ("user", "add", bad, "--role", "public"),
            ("user", "add", "mallory", "--role", bad), ("user", "disable", bad), ("user", "token", bad),
            ("export", "--public", "--format", bad, str(world.root / "x.json")),
        ]
        for args in attempts:
            result = _invoke(world, "analyst" if args[0] != "user" else "admin", *args)
            _clean(result)
            if args[0] == "search":
                assert result.exit_code == 0  # searched as words: nothing, or real documents
    # a --why full of SQL is stored as text, not run
    result = world.run("analyst", "judge", claim, "accept", "--why", INJECTIONS[1], "--json")
    _clean(result, allowed=(0,))
    # researchers searching with SQL see no testimony either
    assert all("sister" not in h["snippet"]
               for h in world.json("researcher", "search", "' OR kind='testimony", "--json"))
    after_docs, after_users, _ = _state(world)
    assert (after_docs, after_users) == (docs, users)
    assert world.ok("admin", "verify", "--json")
    assert world.json("admin", "audit", "verify", "--json")["ok"]


def test_script_in_a_document_is_printed_as_text(world: World):
    path = world.root / "script.txt"
    path.write_text(f"A report. {SCRIPT} <b onmouseover=alert(2)>x</b> [bold red]not markup[/]\n", encoding="utf-8")
    summary = json.loads(world.ok("admin", "ingest", str(path), "--json").stdout)
    assert summary["ingested"] == 1
    doc = next(d for d in world.documents() if d["filename"] == "script.txt")
    shown = world.ok("researcher", "show", str(doc["id"]))
    assert SCRIPT in shown.stdout and "[bold red]not markup[/]" in shown.stdout  # verbatim, not interpreted
    as_json = json.loads(world.ok("researcher", "show", str(doc["id"]), "--json").stdout)
    assert SCRIPT in as_json["text"]


def test_path_traversal_on_blobs_is_refused(world: World):
    from refwatch.config import settings
    from refwatch.security.roles import Principal
    from refwatch.store import Store
    from refwatch.store.guarded import read_original

    for bad in ("../../etc/passwd", "../" * 8 + "etc/passwd", "/etc/passwd", "..%2f..%2fetc%2fpasswd",
                "0" * 63 + "/", "a" * 64 + "/../../x"):
        result = _invoke(world, "admin", "show", bad)
        _clean(result, allowed=(1,))
        assert "root:" not in result.output
        with pytest.raises(ValueError):
            BlobStore(world.data / "blobs", b"k" * 32).get(bad)
    key = keys.unlock(world.data, PASSPHRASE)
    with Store.open(settings(data_dir=world.data, database_url=None), key) as store:
        admin = Principal("ada", "admin")
        with pytest.raises(ValueError):
            read_original(store, admin, "../../etc/passwd")
        with pytest.raises(LookupError):
            read_original(store, admin, "f" * 64)  # well-formed but not a stored document
        sha = world.documents()[0]["sha256"]
        assert read_original(store, admin, sha)


def test_guessing_ids_as_researcher_or_public(world: World):
    events = world.events()
    named = next(e for e in events if e["victims"])
    person = world.json("admin", "people", "--json")[0]["id"]
    for role in ("public",):
        for args in (("event", named["id"]), ("person", person), ("show", "1"), ("documents",),
                     ("people",), ("search", "Tumen")):
            result = world.run(role, *args)
            assert result.exit_code == 3 and "permission denied" in result.output, (role, args)
            assert VICTIM not in result.output
    # a researcher may read the event, but not who it names; a case file only under its pseudonym
    detail = world.run("researcher", "event", named["id"], "--json")
    assert detail.exit_code == 0 and VICTIM not in detail.stdout
    assert world.run("researcher", "person", person).exit_code == 1
    assert world.run("researcher", "person", person[:6]).exit_code == 1
    pseudonym = world.json("researcher", "people", "--json")[0]["pseudonym"]
    shown = world.ok("researcher", "person", pseudonym, "--json")
    assert VICTIM not in shown.stdout and json.loads(shown.stdout)["pseudonym"] == pseudonym
    assert world.run("researcher", "show", world.testimony()).exit_code == 3


def test_editing_an_audit_row_in_the_database_file_is_detected(world: World):
    from refwatch.store.engine import open_sqlcipher

    assert world.json("admin", "audit", "verify", "--json")["ok"]
    key = keys.unlock(world.data, PASSPHRASE)
    conn = open_sqlcipher(world.data / "refwatch.db", key)
    try:
        with pytest.raises(Exception, match="append-only"):  # the trigger stops a casual edit ...
            conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
        conn.rollback()
        conn.execute("DROP TRIGGER audit_log_no_update")  # ... an attacker with the key drops it first
        conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
        conn.commit()
    finally:
        conn.close()
    result = world.run("admin", "audit", "verify")
    assert result.exit_code == 1 and "seq 3" in result.output
    report = json.loads(world.run("admin", "audit", "verify", "--json").stdout)
    assert report["ok"] is False and report["broken_seq"] == 3
