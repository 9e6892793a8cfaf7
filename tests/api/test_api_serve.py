"""`refwatch serve`: who may start it, and where it refuses to listen in plain HTTP."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from refwatch.cli import _register, app
from refwatch.cli.serve_cmds import is_loopback

from api_store import ApiWorld

_register()


def _serve(w: ApiWorld, role: str | None, *args: str, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN202
    for var in ("REFWATCH_USER", "REFWATCH_PASSWORD", "REFWATCH_TOKEN", "REFWATCH_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    env = {"REFWATCH_PASSPHRASE": "api test passphrase", "REFWATCH_DATA": str(w.settings.data_dir)}
    if role:
        env["REFWATCH_TOKEN"] = w.tokens[role]
    return CliRunner().invoke(app, ["serve", *args], env=env, catch_exceptions=False)


def test_serve_check_builds_the_app_for_an_admin_only(api_world: ApiWorld, monkeypatch: pytest.MonkeyPatch):
    result = _serve(api_world, "admin", "--check", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["host"] == "127.0.0.1" and summary["port"] == 8765 and summary["routes"] >= 19
    for role in ("analyst", "researcher", "public"):
        refused = _serve(api_world, role, "--check", monkeypatch=monkeypatch)
        assert refused.exit_code == 3 and "permission denied" in refused.output
    assert _serve(api_world, None, "--check", monkeypatch=monkeypatch).exit_code == 3


def test_serve_refuses_plain_http_off_loopback(api_world: ApiWorld, monkeypatch: pytest.MonkeyPatch):
    result = _serve(api_world, "admin", "--check", "--host", "0.0.0.0", monkeypatch=monkeypatch)
    assert result.exit_code == 1 and "loopback" in result.output
    assert _serve(api_world, "admin", "--check", "--host", "0.0.0.0", "--behind-proxy",
                  monkeypatch=monkeypatch).exit_code == 0
    assert _serve(api_world, "admin", "--check", "--ssl-certfile", "x.pem",
                  monkeypatch=monkeypatch).exit_code == 1  # a key file is needed as well


def test_loopback_addresses():
    assert all(map(is_loopback, ("127.0.0.1", "::1", "localhost", "127.8.0.1")))
    assert not any(map(is_loopback, ("0.0.0.0", "192.168.1.4", "example.org", "::")))
