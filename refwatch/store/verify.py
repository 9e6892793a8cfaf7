"""Re-hash every stored original and list what is missing or no longer matches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from refwatch.store import custody, documents
from refwatch.store.core import Store


@dataclass
class VerifyReport:
    checked: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)  # {"id", "sha256", "problem"}

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {"checked": self.checked, "ok": self.ok, "problems": self.problems}


def verify(store: Store, *, actor: str | None = None,
           progress: Callable[[int, int], None] | None = None) -> VerifyReport:
    """Decrypt every blob and compare its SHA-256 with the document's identity.

    The run itself is written to the custody log (action "verify").
    """
    report = VerifyReport()
    with store.read() as conn:
        total = documents.count(conn)
        for doc_id, sha in documents.all_hashes(conn):
            problem = store.blobs.check(sha)
            report.checked += 1
            if problem:
                report.problems.append({"id": doc_id, "sha256": sha, "problem": problem})
            if progress and report.checked % 500 == 0:
                progress(report.checked, total)
    if progress:
        progress(report.checked, total)
    with store.write() as conn:
        custody.record(conn, actor or custody.current_user(), "verify", None,
                       {"checked": report.checked, "problems": len(report.problems)})
    return report
