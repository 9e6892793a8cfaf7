"""`refwatch extract` and `refwatch eval` from the command line."""

import json

from typer.testing import CliRunner

from refwatch.cli import _register
from refwatch.cli.app import app

_register()
runner = CliRunner()


def _report(tmp_path, name="r.txt", text=None):
    p = tmp_path / name
    p.write_text(text or "Twelve North Koreans were arrested in Dandong on 3 March 2024, Daily NK reported.\n",
                 encoding="utf-8")
    return p


def test_extract_json_contract(tmp_path):
    p = _report(tmp_path)
    res = runner.invoke(app, ["extract", str(p), "--published", "2024-03-20", "--json"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.stdout.strip().splitlines()[0])
    assert set(rec["document"]) == {"path", "sha256", "title", "published", "language"}
    assert rec["document"]["published"] == "2024-03-20"
    (ev,) = rec["events"]
    assert ev["type"] == "arrest" and ev["date"]["earliest"] == "2024-03-03"
    assert ev["count"]["best"] == 12 and ev["places"][0]["name"] == "Dandong"
    assert ev["sources"] == ["Daily NK"]
    for span in ev["evidence"]:
        assert p.read_text(encoding="utf-8")[span["start"]:span["end"]] == span["text"]


def test_bad_file_is_reported_and_others_still_processed(tmp_path):
    good = _report(tmp_path)
    res = runner.invoke(app, ["extract", str(tmp_path / "missing.txt"), str(good), "--json"])
    assert res.exit_code == 1
    lines = [l for l in res.stdout.splitlines() if l.startswith("{")]
    assert len(lines) == 1 and json.loads(lines[0])["document"]["path"] == str(good)


def test_bad_published_date_fails_cleanly(tmp_path):
    res = runner.invoke(app, ["extract", str(_report(tmp_path)), "--published", "March 2024"])
    assert res.exit_code != 0 and "YYYY-MM-DD" in res.output


def test_eval_prints_scorer_line(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    _report(docs, "a.txt")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc": "a.txt", "published": "2024-03-20", "events": [
        {"id": "a-1", "type": "detention", "date_earliest": "2024-03-03", "date_latest": "2024-03-03",
         "places": ["Dandong"], "count": {"best": 12, "qualifier": "exact", "unit": "persons"},
         "named_victims": [], "sources": ["Daily NK"]}]}) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["eval", str(gold), "--docs", str(docs)])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip().splitlines()[-1] == ("event_precision=1.000 event_recall=1.000 event_f1=1.000 "
                                                   "count_acc=1.000 date_exact=1.000 place_recall=1.000 "
                                                   "victim_recall=1.000")
    res = runner.invoke(app, ["eval", str(gold), "--docs", str(docs), "--json"])
    assert json.loads(res.stdout)["event_f1"] == 1.0
