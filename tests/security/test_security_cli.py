from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from refwatch.cli import _register, app
from refwatch.security import keys

from security_store import PASSPHRASE, init_store

_register()
runner = CliRunner()


@pytest.fixture()
def data(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    init_store(data_dir, monkeypatch)
    for var in ("REFWATCH_USER", "REFWATCH_TOKEN", "REFWATCH_PASSWORD", "REFWATCH_NEW_PASSPHRASE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("REFWATCH_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("REFWATCH_DATA", str(data_dir))
    return data_dir


def run(*args, env=None):
    return runner.invoke(app, list(args), env=env or {}, catch_exceptions=False)


def _add(name, role, env=None):
    result = run("user", "add", name, "--role", role, "--json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_first_admin_by_the_local_operator_then_tokens_are_required(data):
    admin = _add("ada", "admin")  # no users yet: the operator with the passphrase is admin
    assert admin["token"].startswith("rwt_") and len(admin["password"]) >= 20
    result = run("user", "add", "bob", "--role", "analyst")
    assert result.exit_code == 3 and "authentication failed" in result.output
    as_ada = {"REFWATCH_TOKEN": admin["token"]}
    bob = _add("bob", "analyst", env=as_ada)
    listed = json.loads(run("user", "list", "--json", env=as_ada).stdout)
    assert [(u["name"], u["role"]) for u in listed] == [("ada", "admin"), ("bob", "analyst")]
    assert admin["token"] not in json.dumps(listed) and bob["password"] not in json.dumps(listed)
    # bob is an analyst: no user management, no audit log, but may verify
    as_bob = {"REFWATCH_USER": "bob", "REFWATCH_PASSWORD": bob["password"]}
    denied = run("user", "add", "eve", "--role", "admin", env=as_bob)
    assert denied.exit_code == 3 and "permission denied: users.manage" in denied.output
    assert run("audit", "log", env=as_bob).exit_code == 3
    assert run("audit", "verify", env=as_bob).exit_code == 0
    # disabling bob locks him out at once
    assert run("user", "disable", "bob", env=as_ada).exit_code == 0
    assert run("audit", "verify", env=as_bob).exit_code == 3


def test_audit_verify_and_log(data):
    admin = _add("ada", "admin")
    env = {"REFWATCH_TOKEN": admin["token"]}
    _add("rae", "researcher", env=env)
    result = run("audit", "verify", "--json", env=env)
    report = json.loads(result.stdout)
    assert result.exit_code == 0 and report["ok"] and report["count"] == 2
    lines = [json.loads(x) for x in run("audit", "log", "--json", env=env).stdout.splitlines()]
    assert [(e["actor"], e["action"], e["target"]) for e in lines] == [
        ("local-operator", "users.add", "user:ada"), ("ada", "users.add", "user:rae")]
    head = json.loads(run("audit", "verify", "--json", env=env).stdout)["head"]
    assert run("audit", "verify", "--expect-head", head, env=env).exit_code == 0
    assert run("audit", "verify", "--expect-head", "0" * 64, env=env).exit_code == 1


def test_wrong_passphrase_is_refused_with_a_clear_message(data, monkeypatch):
    monkeypatch.setenv("REFWATCH_PASSPHRASE", "not the passphrase")
    result = run("user", "list")
    assert result.exit_code == 2 and "wrong passphrase" in result.output


def test_key_rotate_rewraps_the_same_data_key(data):
    before = keys.unlock(data, PASSPHRASE)
    admin = _add("ada", "admin")
    env = {"REFWATCH_TOKEN": admin["token"], "REFWATCH_NEW_PASSPHRASE": "a new long passphrase"}
    result = run("key", "rotate", env=env)
    assert result.exit_code == 0, result.output
    assert keys.unlock(data, "a new long passphrase") == before
    with pytest.raises(keys.KeyUnavailable):
        keys.unlock(data, PASSPHRASE)


def test_key_rotate_needs_admin(data):
    admin = _add("ada", "admin")
    ana = _add("ana", "analyst", env={"REFWATCH_TOKEN": admin["token"]})
    result = run("key", "rotate", env={"REFWATCH_TOKEN": ana["token"], "REFWATCH_NEW_PASSPHRASE": "x" * 20})
    assert result.exit_code == 3 and "keys.manage" in result.output
    assert keys.unlock(data, PASSPHRASE)


EVENTS = [{"id": "ev-1", "type": "arrest", "date": {"earliest": "2019-04-28", "latest": "2019-04-28"},
           "places": [{"name": "Tumen", "kind": "city", "country": "CN", "lat": 42.9, "lon": 129.8,
                       "place_id": "cn-tumen"}],
           "count": {"best": 1, "qualifier": "exact", "low": 1, "high": 1, "unit": "persons"},
           "victims": [{"name": "Kim Cheol Ok"}], "sources": ["Daily NK", "Kang Min"],
           "evidence": [{"text": "Kim Cheol Ok was arrested"}]}]


@pytest.mark.parametrize("fmt", ["json", "csv", "geojson"])
def test_public_export_for_a_public_user(data, tmp_path, fmt):
    admin = _add("ada", "admin")
    pub = _add("pia", "public", env={"REFWATCH_TOKEN": admin["token"]})
    src = tmp_path / "events.json"
    src.write_text(json.dumps(EVENTS))
    out = tmp_path / f"out.{fmt}"
    result = run("export", "--public", "--format", fmt, "--input", str(src), str(out), "--json",
                 env={"REFWATCH_TOKEN": pub["token"]})
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "Tumen" not in text and "Kim" not in text and "Kang" not in text
    assert json.loads(result.stdout)["events"] == 1
    log = run("audit", "log", "--json", env={"REFWATCH_TOKEN": admin["token"]}).stdout
    assert f"export:{fmt}" in log


def test_export_refuses_unknown_format_and_missing_public_flag(data, tmp_path):
    assert run("export", "--format", "json", str(tmp_path / "x")).exit_code == 1
    assert run("export", "--public", "--format", "xml", str(tmp_path / "x")).exit_code == 1


def test_secrets_and_names_do_not_leak_through_errors(data, tmp_path):
    admin = _add("ada", "admin")
    env = {"REFWATCH_TOKEN": admin["token"]}
    outputs = []
    outputs.append(run("user", "add", "Kim Cheol Ok", "--role", "analyst", env=env).output)
    outputs.append(run("user", "disable", "kim-cheol-ok", env=env).output)
    outputs.append(run("user", "list", env={"REFWATCH_TOKEN": admin["token"][:-2] + "zz"}).output)
    outputs.append(run("user", "list", env={"REFWATCH_USER": "ada", "REFWATCH_PASSWORD": "Kim Cheol Ok"}).output)
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": 1, "victims": [{"name": "Kim Cheol Ok"}]}\n{"Kim Cheol Ok": ')
    outputs.append(run("export", "--public", "--input", str(bad), str(tmp_path / "o.json"), env=env).output)
    text = "\n".join(outputs)
    assert "Kim Cheol Ok" not in text and admin["token"][:12] not in text
    assert re.search(r"already|no user|authentication failed|neither JSON", text)
