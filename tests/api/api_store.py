"""(imported by tests/api/conftest.py and the API tests) A small store behind the HTTP API: users of every role, documents, events and people.

Events come from a stub extractor reading one line per claim in our own format
(``KIND DAY COUNT PLACE [| VICTIM]``), so the tests do not depend on the real
extraction rules. Each test module builds its own store (``api_world``), since
some tests merge, split, lock accounts or upload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from refwatch.config import Settings
from refwatch.model.records import Claim, Count, DateRange, PlaceRef, Span, Victim
from refwatch.security import keys, users
from refwatch.security.roles import Principal

API_ROLES = ("admin", "analyst", "researcher", "public")
NAMED = "Pak Sun Hwa"  # made up: the one named victim in these documents
CHEAP = {"name": "argon2id", "time_cost": 1, "memory_cost": 1024, "parallelism": 1}
REPORTS = {
    "a.txt": "repatriation 2023-10-09 600 Tumen\nsaid group one\n",
    "b.txt": "repatriation 2023-10-09 600 Tumen\nsaid group two\n",
    "c.txt": "repatriation 2023-07-11 50 Dandong\n",
    "d.txt": "repatriation 2023-08-21 40 Hunchun\n",
    "e.txt": "repatriation 2023-09-16 30 Changbai\n",
    "f.txt": f"arrest 2023-04-03 1 Shenyang | {NAMED}\n",
}
TESTIMONY = f"My aunt {NAMED} was taken away at night. Her son answers on 010-4444-0199.\n"


def stub_extract(text: str, published: date | None) -> list[Claim]:
    claims, pos = [], 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        head, _, victim = line.strip().partition("|")
        parts = head.split()
        if len(parts) != 4 or parts[0] not in ("repatriation", "arrest", "detention"):
            continue
        kind, day, n, place = parts
        try:
            when, number = date.fromisoformat(day), int(n)
        except ValueError:
            continue
        victims = [Victim(name=victim.strip(), text=victim.strip())] if victim.strip() else []
        claims.append(Claim(type=kind, date=DateRange(when, when, day), places=[PlaceRef(name=place, text=place)],
                            count=Count(number, "exact", number, number, text=n), victims=victims,
                            sources=["Example Monitor"],
                            evidence=[Span(start, start + len(line.rstrip()), line.rstrip())], confidence=0.8))
    return claims


@dataclass
class ApiWorld:
    settings: Settings
    data_key: bytes
    store: Any
    app: Any
    tokens: dict[str, str] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def client(self, **kw: Any) -> TestClient:
        """A client over https (so Secure cookies travel), server errors as 500s, not raised."""
        return TestClient(self.app, base_url="https://testserver", raise_server_exceptions=False, **kw)

    def bearer(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}

    def add_user(self, name: str, role: str) -> users.NewCredentials:
        with self.store.write() as conn:
            return users.add_user(conn, Principal("ada", "admin"), name, role)


def build_world(root: Path, mp: pytest.MonkeyPatch) -> ApiWorld:
    from refwatch.api import create_app
    from refwatch.resolve import process as core
    from refwatch.store import Store, guarded

    mp.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    mp.setattr(users, "_dummy", [])
    settings = Settings(data_dir=root / "data", database_url=None, max_file_bytes=64 * 1024)
    key = keys.create_keyring(settings.data_dir, "api test passphrase", CHEAP)
    store = Store.init(settings, key)
    world = ApiWorld(settings, key, store, None)
    with store.write() as conn:
        creds = [users.add_user(conn, None, "ada", "admin", bootstrap=True)]
    admin = Principal("ada", "admin")
    for role, name in (("analyst", "ana"), ("researcher", "rae"), ("public", "pub")):
        creds.append(world.add_user(name, role))
    for c in creds:
        world.tokens[c.role], world.passwords[c.role], world.names[c.role] = c.token, c.password, c.name
    folder = root / "in"
    folder.mkdir()
    for name, body in REPORTS.items():
        (folder / name).write_text(body, encoding="utf-8")
    (folder / "testimony_aunt.txt").write_text(TESTIMONY, encoding="utf-8")
    guarded.ingest_paths(store, admin, [folder], published=date(2023, 12, 10), workers=0)
    core.process(store, stub_extract, version="stub/api", data_key=key, principal=admin)
    world.app = create_app(settings, key, store=store)
    return world
