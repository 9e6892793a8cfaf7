from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select, update

from refwatch.security import audit
from refwatch.security.audit import AuditError, GENESIS, make_entry, verify_chain
from refwatch.security.roles import Principal
from refwatch.store.security_tables import audit_log

ANA = Principal("ana", "analyst")


def _fill(engine, n=6):
    with engine.begin() as conn:
        for i in range(n):
            audit.record(conn, ANA, "people.read" if i % 2 else "events.write", f"person:{i}",
                         {"fields": ["names", "contacts"], "n": i})


def _chain(n=5):
    entries, prev = [], None
    for i in range(n):
        prev = make_entry(prev, "ana", "events.write", f"event:{i}", {"n": i},
                          at=datetime(2024, 1, 1, 0, i, tzinfo=UTC))
        entries.append(prev.to_dict())
    return entries


def test_an_untouched_chain_verifies():
    rows = _chain()
    report = verify_chain(rows)
    assert report.ok and report.count == 5 and report.head == rows[-1]["hash"]
    assert rows[0]["prev_hash"] == GENESIS
    assert verify_chain([]).ok


@pytest.mark.parametrize("field,value", [("actor", "eve"), ("action", "people.read"),
                                         ("target", "event:99"), ("details", {"n": 7}),
                                         ("at", "2024-01-01T00:00:00.000000+00:00")])
def test_editing_any_field_of_one_row_is_detected(field, value):
    rows = _chain()
    rows[2][field] = value
    report = verify_chain(rows)
    assert not report.ok and report.broken_seq == 3 and "edited" in report.reason


def test_deleting_a_row_is_detected():
    rows = _chain()
    del rows[1]
    report = verify_chain(rows)
    assert not report.ok and report.broken_seq == 3


def test_deleting_a_row_and_renumbering_is_detected():
    rows = _chain()
    del rows[1]
    for i, row in enumerate(rows, 1):
        row["seq"] = i
    assert not verify_chain(rows).ok


def test_reordering_two_rows_is_detected():
    rows = _chain()
    rows[1], rows[2] = rows[2], rows[1]
    report = verify_chain(rows)
    assert not report.ok and report.broken_seq == 3


def test_truncating_the_tail_is_caught_only_against_a_kept_head():
    rows = _chain()
    head = verify_chain(rows).head
    assert verify_chain(rows[:-1]).ok  # the chain alone cannot see it ...
    report = verify_chain(rows[:-1], expect_head=head)  # ... a head kept elsewhere can
    assert not report.ok and "head" in report.reason


def test_store_append_and_verify(engine):
    _fill(engine)
    with engine.connect() as conn:
        entries = audit.read(conn)
        report = audit.verify_store(conn)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert report.ok and report.count == 6 and report.head == entries[-1].hash


def test_store_edit_is_detected(engine):
    _fill(engine)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 4).values(actor="someone-else"))
    with engine.connect() as conn:
        report = audit.verify_store(conn)
    assert not report.ok and report.broken_seq == 4


def test_store_delete_is_detected(engine):
    _fill(engine)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 2))
    with engine.connect() as conn:
        report = audit.verify_store(conn)
    assert not report.ok and report.broken_seq == 3


def test_store_reorder_is_detected(engine):
    """Swap the contents of two rows (seq included): physical order shows it."""
    _fill(engine)
    with engine.begin() as conn:
        rows = {r.seq: dict(r._mapping) for r in conn.execute(select(audit_log))}
        a, b = rows[2], rows[3]
        conn.execute(update(audit_log).where(audit_log.c.id == a["id"]).values(seq=-1))
        conn.execute(update(audit_log).where(audit_log.c.id == b["id"]).values(
            **{k: a[k] for k in a if k != "id"}))
        conn.execute(update(audit_log).where(audit_log.c.id == a["id"]).values(
            **{k: b[k] for k in b if k != "id"}))
    with engine.connect() as conn:
        report = audit.verify_store(conn)
    assert not report.ok and report.broken_seq == 3


def test_append_is_in_the_callers_transaction(engine):
    _fill(engine, 2)
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            audit.record(conn, ANA, "events.write", "event:9")
            raise RuntimeError("the write failed")
    with engine.connect() as conn:
        assert [e.seq for e in audit.read(conn)] == [1, 2]


@pytest.mark.parametrize("details", [{"name": "Kim Cheol Ok"}, {"note": "called her sister"},
                                     {"names": ["Choi", "Kang Min Ho"]}, {"q": "a\nb"}])
def test_details_refuse_free_text_without_echoing_it(engine, details):
    with engine.begin() as conn, pytest.raises(AuditError) as info:
        audit.record(conn, ANA, "people.write", "person:1", details)
    for value in ("Kim", "sister", "Kang", "Min"):
        assert value not in str(info.value)


def test_target_must_be_an_id_not_a_name(engine):
    with engine.begin() as conn, pytest.raises(AuditError) as info:
        audit.record(conn, ANA, "people.read", "person:Kim Cheol Ok")
    assert "Kim" not in str(info.value)
