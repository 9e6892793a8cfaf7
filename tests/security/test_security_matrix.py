"""Every command × every role: the expected allow (exit 0) or deny (exit 3), zero surprises.

The expected outcome comes from data: ``model/data/command_actions.json`` says
which actions a command needs, ``permissions.json`` which roles hold them. The
commands are enumerated from the Typer app, so a command added without a
matrix entry fails ``test_every_registered_command_has_a_matrix_entry``.

One store is built for the whole module (users of the four roles, a few
documents, a stub extractor so that events and people exist) and each command
runs in-process with the user's API token in REFWATCH_TOKEN.
"""

from __future__ import annotations

import json
import re
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any, Callable

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from refwatch.cli import _register, app
from refwatch.model.records import Claim, Count, DateRange, PlaceRef, Span, Victim
from refwatch.security import keys, users
from refwatch.security.roles import command_actions, command_allowed, command_matrix_markdown, roles

from security_store import CHEAP_KDF, PASSPHRASE

_register()
README = Path(__file__).resolve().parents[2] / "README.md"
ROLES = ("admin", "analyst", "researcher", "public")
VICTIM = "Ri Kyong Hui"  # a made-up name: the stub documents' one named victim
DENY_EXIT = 3

# The stub extractor's line format (our own): TYPE FROM[..TO] COUNT PLACE [| VICTIM]
DOCS = {
    "oct_a.txt": "repatriation 2023-10-09 600 Tumen\nreported by group A\n",
    "oct_b.txt": "repatriation 2023-10-09 600 Tumen\nreported by group B\n",
    "oct_c.txt": "repatriation 2023-10-09 600 Tumen\nreported by group C\n",
    "july.txt": "repatriation 2023-07-10 50 Dandong\n",
    "aug.txt": "repatriation 2023-08-20 40 Hunchun\n",
    "sept.txt": "repatriation 2023-09-15 30 Changbai\n",
    "april.txt": f"arrest 2023-04-02 1 Shenyang | {VICTIM}\n",
    "nov.txt": "detention 2023-11-20 20 Yanji\n",
    "dec.txt": "detention 2023-12-01 25 Tumen\n",
}
TESTIMONY = f"My sister {VICTIM} was taken from the house in Shenyang. Call her cousin on 010-5555-0101.\n"


def stub_extract(body: str, published: date | None) -> list[Claim]:
    out, pos = [], 0
    for line in body.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        words = line.strip()
        head, _, victim = words.partition("|")
        parts = head.split()
        if len(parts) < 4 or parts[0] not in ("repatriation", "arrest", "detention"):
            continue
        kind, when, n, place = parts[:4]
        lo, _, hi = when.partition("..")
        try:
            day_lo, day_hi, n_ = date.fromisoformat(lo), date.fromisoformat(hi or lo), int(n)
        except ValueError:
            continue
        out.append(Claim(
            type=kind, date=DateRange(day_lo, day_hi, when), places=[PlaceRef(name=place, text=place)],
            count=Count(n_, "exact", n_, n_, text=n),
            victims=[Victim(name=victim.strip(), text=victim.strip())] if victim.strip() else [],
            sources=["Example Watch"], evidence=[Span(start, start + len(line.rstrip("\n")), line.rstrip("\n"))],
            confidence=0.8))
    return out


class World:
    """One data folder with users of every role; ``run`` acts as one of them."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root, self.data, self.runner = root, root / "data", CliRunner()
        self.files = root / "in"
        self.files.mkdir(parents=True)
        self.serial = count()
        monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
        monkeypatch.setattr(users, "_dummy", [])
        from refwatch.resolve import process as P

        monkeypatch.setattr(P, "default_extractor", lambda: (stub_extract, "stub/1"))
        for var in ("REFWATCH_USER", "REFWATCH_TOKEN", "REFWATCH_PASSWORD", "REFWATCH_NEW_PASSPHRASE",
                    "REFWATCH_DATABASE_URL", "REFWATCH_PASSPHRASE", "REFWATCH_DATA"):
            monkeypatch.delenv(var, raising=False)
        self.base = {"REFWATCH_PASSPHRASE": PASSPHRASE, "REFWATCH_DATA": str(self.data)}
        keys.create_keyring(self.data, PASSPHRASE, CHEAP_KDF)
        self.ok(None, "init")
        self.tokens: dict[str, str] = {}
        self.tokens["admin"] = self.json(None, "user", "add", "ada", "--role", "admin", "--json")["token"]
        for role, name in (("analyst", "ana"), ("researcher", "rae"), ("public", "pub")):
            self.tokens[role] = self.json("admin", "user", "add", name, "--role", role, "--json")["token"]
        for name, body in DOCS.items():
            (self.files / name).write_text(body, encoding="utf-8")
        (self.files / "testimony_sister.txt").write_text(TESTIMONY, encoding="utf-8")
        self.ok("admin", "ingest", str(self.files), "--published", "2023-12-10")
        self.ok("admin", "process")

    def env(self, role: str | None, **extra: str) -> dict[str, str]:
        env = dict(self.base, **extra)
        if role is not None:
            env["REFWATCH_TOKEN"] = self.tokens[role]
        return env

    def run(self, role: str | None, *args: str, **extra: str):  # noqa: ANN201
        return self.runner.invoke(app, list(args), env=self.env(role, **extra), catch_exceptions=False)

    def ok(self, role: str | None, *args: str):  # noqa: ANN201
        result = self.run(role, *args)
        assert result.exit_code == 0, (args, result.output)
        return result

    def json(self, role: str | None, *args: str) -> Any:
        return json.loads(self.ok(role, *args).stdout)

    def fresh_file(self) -> str:
        path = self.root / f"new{next(self.serial)}.txt"
        path.write_text(f"detention 2023-12-0{1 + next(self.serial) % 8} 7 Yanji\n", encoding="utf-8")
        return str(path)

    def events(self) -> list[dict[str, Any]]:
        return self.json("admin", "events", "--json")

    def documents(self) -> list[dict[str, Any]]:
        return self.json("admin", "documents", "--json")

    def plain_document(self) -> str:
        return str(next(d["id"] for d in self.documents() if "testimony" not in (d["filename"] or "")))

    def testimony(self) -> str:
        return str(next(d["id"] for d in self.documents() if "testimony" in (d["filename"] or "")))

    def throwaway_user(self) -> str:
        name = f"tmp{next(self.serial)}"
        self.json("admin", "user", "add", name, "--role", "public", "--json")
        return name


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    with pytest.MonkeyPatch.context() as mp:
        yield World(tmp_path_factory.mktemp("matrix"), mp)


def _two_events(w: World) -> list[str]:
    """Two repatriations of the summer (merged ones grow; October's is left for split)."""
    ev = [e for e in w.events() if e["type"] == "repatriation" and not e["date"]["earliest"].startswith("2023-10")]
    # Once merged down to one, a denied role gets ids that do not exist: the check comes first.
    return [ev[0]["id"], ev[1]["id"]] if len(ev) >= 2 else ["no-such-event", "no-such-event-2"]


def _splittable(w: World) -> list[str]:
    event = next((e for e in w.events() if len(e["claim_ids"]) >= 2), None)
    return [event["id"], event["claim_ids"][0]] if event else ["no-such-event", "no-such-claim"]


def _person(w: World, role: str) -> str:
    if role == "researcher":
        return w.json("researcher", "people", "--json")[0]["pseudonym"]
    return w.json("admin", "people", "--json")[0]["id"]


def _eval_files(w: World) -> list[str]:
    gold = w.root / "gold.jsonl"
    gold.write_text(json.dumps({"doc": "july.txt", "published": "2023-12-10", "events": []}) + "\n")
    return [str(gold), "--docs", str(w.files)]


# Arguments for each command, worked out just before it runs (ids change as the walk merges and splits).
ARGS: dict[str, Callable[[World, str], list[str]]] = {
    "init": lambda w, r: ["init"],
    "ingest": lambda w, r: ["ingest", w.fresh_file()],
    "search": lambda w, r: ["search", "Tumen"],
    "documents": lambda w, r: ["documents"],
    "show": lambda w, r: ["show", w.plain_document()],
    "verify": lambda w, r: ["verify"],
    "extract": lambda w, r: ["extract", str(w.files / "july.txt"), "--json"],
    "eval": lambda w, r: ["eval", *_eval_files(w)],
    "process": lambda w, r: ["process"],
    "events": lambda w, r: ["events", "--json"],
    "event": lambda w, r: ["event", w.events()[0]["id"]],
    "people": lambda w, r: ["people"],
    "person": lambda w, r: ["person", _person(w, r)],
    "merge": lambda w, r: ["merge", *_two_events(w), "--why", "same convoy"],
    "split": lambda w, r: ["split", *_splittable(w), "--why", "another crossing"],
    "judge": lambda w, r: ["judge", w.events()[0]["claim_ids"][0], "accept", "--why", "checked"],
    "stats": lambda w, r: ["stats", "--by", "type"],
    "user add": lambda w, r: ["user", "add", f"new{next(w.serial)}", "--role", "public"],
    "user list": lambda w, r: ["user", "list"],
    "user disable": lambda w, r: ["user", "disable", w.throwaway_user()],
    "user token": lambda w, r: ["user", "token", w.throwaway_user()],
    "key rotate": lambda w, r: ["key", "rotate"],
    "audit verify": lambda w, r: ["audit", "verify"],
    "audit log": lambda w, r: ["audit", "log"],
    "export": lambda w, r: ["export", "--public", "--format", "json", str(w.root / f"public-{r}.json")],
    "demo": lambda w, r: ["demo", "--keep", "--data", str(w.data)],
    "serve": lambda w, r: ["serve", "--check"],
}


def registered_commands() -> set[str]:
    """Every command of the app, sub-commands as "group verb"."""
    def name(info: Any) -> str:
        return info.name or info.callback.__name__.replace("_", "-")

    found = {name(c) for c in app.registered_commands}
    for group in app.registered_groups:
        found |= {f"{group.name} {name(c)}" for c in group.typer_instance.registered_commands}
    return found


def test_every_registered_command_has_a_matrix_entry():
    assert registered_commands() == set(command_actions()) == set(ARGS)
    assert set(roles()) == set(ROLES)


def test_readme_permissions_section_is_rendered_from_the_data():
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- commands:begin -->\n(.*?)\n<!-- commands:end -->", text, re.S)
    assert found, "README.md needs the Permissions table between <!-- commands:begin/end --> markers"
    assert found.group(1).strip() == command_matrix_markdown().strip()


def _small_demo_corpus(dest: Path) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / "demo-one.txt"
    path.write_text("detention 2023-12-03 9 Yanji\n", encoding="utf-8")
    return [path]


def test_every_command_through_every_role(world: World, monkeypatch: pytest.MonkeyPatch):
    import refwatch.demo

    monkeypatch.setattr(refwatch.demo, "write_demo_corpus", _small_demo_corpus)
    outcomes: dict[tuple[str, str], int] = {}
    surprises = []
    for command in command_actions():
        for role in ROLES:
            args = ARGS[command](world, role)
            extra = {"REFWATCH_NEW_PASSPHRASE": PASSPHRASE} if command == "key rotate" else {}
            result = world.run(role, *args, **extra)
            expected = 0 if command_allowed(command, role) else DENY_EXIT
            outcomes[(command, role)] = result.exit_code
            if result.exit_code != expected:
                surprises.append((command, role, expected, result.exit_code, result.output[-300:]))
            if expected == DENY_EXIT:  # a refusal names the action, never a value
                assert "permission denied" in result.output, (command, role, result.output)
                assert VICTIM not in result.output
    allowed = sum(1 for c, r in outcomes if command_allowed(c, r))
    print(f"matrix: {len(command_actions())} commands x {len(ROLES)} roles = {len(outcomes)} runs, "
          f"{allowed} allowed, {len(outcomes) - allowed} denied, {len(surprises)} surprises")
    assert surprises == []
    assert world.ok("admin", "audit", "verify").exit_code == 0


def test_partial_permissions_show_partial_views(world: World):
    """Researchers: no victims' names, people as pseudonyms, no testimony; public: redacted events."""
    as_admin = json.dumps(world.json("admin", "events", "--json"))
    assert VICTIM in as_admin
    for role in ("researcher", "public"):
        assert VICTIM not in world.run(role, "events", "--json").stdout
    public = world.json("public", "events", "--json")
    assert public and all("victims" not in e and "claim_ids" not in e for e in public)
    named = next(e for e in world.json("admin", "events", "--json") if e["victims"])
    detail = world.run("researcher", "event", named["id"], "--json")
    assert detail.exit_code == 0 and VICTIM not in detail.stdout and "Kyong" not in detail.stdout
    assert all(p.startswith("P-") for p in json.loads(detail.stdout)["persons"])
    people = world.json("researcher", "people", "--json")
    assert people and all(set(p) >= {"pseudonym", "status"} and "name" not in p and "id" not in p for p in people)
    assert VICTIM not in json.dumps(people)
    admin_id = world.json("admin", "people", "--json")[0]["id"]
    assert world.run("researcher", "person", admin_id).exit_code == 1  # a guessed id is not a pseudonym
    testimony = world.testimony()
    refused = world.run("researcher", "show", testimony)
    assert refused.exit_code == DENY_EXIT and "contacts.read" in refused.output and VICTIM not in refused.output
    assert "010-5555" in world.ok("analyst", "show", testimony).stdout
    assert all("testimony" not in (h["title"] or "") and "sister" not in h["snippet"]
               for h in world.json("researcher", "search", "sister", "--json"))
    assert world.json("analyst", "search", "sister", "--json")


def test_reads_of_sensitive_records_and_writes_are_audited(world: World):
    before = [e["seq"] for e in map(json.loads, world.ok("admin", "audit", "log", "--json").stdout.splitlines())]
    person = world.json("admin", "people", "--json")[0]["id"]
    world.ok("analyst", "person", person)
    world.ok("analyst", "show", world.testimony())
    world.ok("analyst", "judge", world.events()[0]["claim_ids"][0], "accept", "--why", "checked again")
    entries = [json.loads(x) for x in world.ok("admin", "audit", "log", "--json", "--since",
                                                 str(max(before))).stdout.splitlines()]
    seen = {(e["actor"], e["action"], e["target"].split(":")[0]) for e in entries}
    assert ("ana", "people.read", "person") in seen
    assert ("ana", "contacts.read", "document") in seen
    assert ("ana", "documents.write", "claim") in seen
    assert ("ana", "events.write", "events") in seen  # the re-resolution the judgement triggers
    assert VICTIM not in json.dumps(entries)

