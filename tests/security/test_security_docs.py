from __future__ import annotations

import re
from pathlib import Path

from refwatch.security.roles import matrix_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def test_the_matrix_in_the_docs_is_the_one_enforced():
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"<!-- permissions:begin -->\n(.*?)\n<!-- permissions:end -->", text, re.S)
    assert found, "docs/security.md lost its permission-matrix markers"
    assert found.group(1) == matrix_markdown(), (
        "docs/security.md differs from permissions.json; paste refwatch.security.roles.matrix_markdown()")


def test_the_threat_model_names_every_adversary():
    text = DOC.read_text(encoding="utf-8").lower()
    for adversary in ("state security", "seized", "curious insider", "compromised server"):
        assert adversary in text
