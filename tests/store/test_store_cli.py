"""The capture commands end to end: init, ingest, search, documents, show, verify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refwatch.cli import _register
from refwatch.cli.app import app
from refwatch.store.migrate import head_revisions

_register()
PASS = "cli-test-passphrase"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """Run `refwatch ...` in-process against a fresh data folder; returns (run, data_dir)."""
    data = tmp_path / "data"
    monkeypatch.setenv("REFWATCH_PASSPHRASE", PASS)
    monkeypatch.setenv("REFWATCH_DATA", str(data))
    monkeypatch.delenv("REFWATCH_DATABASE_URL", raising=False)
    runner = CliRunner()

    def run(*args: str, input: str | None = None):  # noqa: A002, ANN202
        return runner.invoke(app, list(args), input=input)

    return run, data


def _files(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("On 9 October 2023 China repatriated about 600 people through Dandong.",
                                  encoding="utf-8")
    (folder / "b.html").write_text(
        "<html><head><title>Arrests in Tumen</title></head><body><article><p>Police in Tumen arrested "
        "five women from North Korea on Monday, a relative said.</p><p>They are held at the detention "
        "centre.</p></article></body></html>", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"this is not a pdf at all")
    return folder


def test_store_cli_init_twice_and_ingest_reports_failures(cli, tmp_path: Path) -> None:  # noqa: ANN001
    run, data = cli
    first = run("init", "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["revision"] == sorted(head_revisions())
    assert run("init", "--json").exit_code == 0  # upgrade in place, not an error
    folder = _files(tmp_path)
    result = run("ingest", str(folder), "--json", "--source", "Field office")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["ingested"] == 2 and summary["duplicates"] == 0
    assert [Path(f["path"]).name for f in summary["failed"]] == ["broken.pdf"]
    assert "broken.pdf" in result.stderr and "failed" in result.stderr
    again = json.loads(run("ingest", str(folder / "a.txt"), "--json").stdout)
    assert again == {"ingested": 0, "duplicates": 1, "failed": []}

    hits = json.loads(run("search", "Tumen arrested", "--json").stdout)
    assert hits[0]["title"] == "Arrests in Tumen" and "\u27e6" in hits[0]["snippet"]
    listed = json.loads(run("documents", "--json").stdout)
    assert {d["source"] for d in listed} == {"Field office"} and all("text" not in d for d in listed)
    shown = json.loads(run("show", str(hits[0]["id"]), "--json").stdout)
    assert "Police in Tumen" in shown["text"] and shown["custody"][0]["action"] == "ingest"
    assert run("show", "999").exit_code == 1
    human = run("show", hits[0]["sha256"][:12])
    assert human.exit_code == 0 and "Police in Tumen" in human.stdout

    report = json.loads(run("verify", "--json").stdout)
    assert report == {"checked": 2, "ok": True, "problems": []}
    blob = next(p for p in (data / "blobs").rglob("*") if p.is_file())
    blob.write_bytes(blob.read_bytes()[:-1] + b"\x00")
    bad = run("verify", "--json")
    assert bad.exit_code == 1 and json.loads(bad.stdout)["problems"][0]["problem"] == "altered"


def test_store_cli_stdin_and_bad_options(cli, tmp_path: Path) -> None:  # noqa: ANN001
    run, _ = cli
    assert run("init").exit_code == 0
    result = run("ingest", "-", "--json", "--published", "2023-12-08", input="Report read from standard input.")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ingested"] == 1
    shown = json.loads(run("show", "1", "--json").stdout)
    assert shown["published"] == "2023-12-08"
    bad_date = run("ingest", "-", "--published", "2023-02-30", input="x")
    assert bad_date.exit_code != 0 and "2023-02-30" in bad_date.stderr and "YYYY-MM-DD" in bad_date.stderr
    bad_map = run("ingest", "-", "--csv-map", "text", input="x")
    assert bad_map.exit_code != 0 and "FIELD=COLUMN" in bad_map.stderr
    big = tmp_path / "big.txt"
    big.write_text("x " * 700_000, encoding="utf-8")
    too_big = run("ingest", str(big), "--max-mb", "1", "--json")
    assert too_big.exit_code == 1 and "big.txt" in too_big.stderr


def test_store_cli_wrong_passphrase_and_missing_store(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    run, _ = cli
    missing = run("documents")
    assert missing.exit_code == 2 and "refwatch init" in missing.stderr
    assert run("init").exit_code == 0
    monkeypatch.setenv("REFWATCH_PASSPHRASE", "not the passphrase")
    wrong = run("search", "Dandong")
    assert wrong.exit_code == 2 and "wrong passphrase" in wrong.stderr
    assert "Traceback" not in wrong.output
