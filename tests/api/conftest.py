"""The ``api_world`` fixture: a store with users, documents, events and people behind the API."""

from __future__ import annotations

from typing import Iterator

import pytest

from api_store import ApiWorld, build_world


@pytest.fixture(scope="module")
def api_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiWorld]:
    with pytest.MonkeyPatch.context() as mp:
        world = build_world(tmp_path_factory.mktemp("api"), mp)
        try:
            yield world
        finally:
            world.store.close()
