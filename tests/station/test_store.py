"""The store: pragmas, named migrations, one transaction per change, rollback on failure."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from station.errors import StoreError
from station.schema import MIGRATIONS
from station.store import Store


def test_pragmas_and_migrations(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    conn = store.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    applied = [r["name"] for r in store.query("SELECT name FROM _migrations ORDER BY name")]
    assert applied == sorted(m.name for m in MIGRATIONS)
    store.close()
    again = Store.open(tmp_path / "s.db")
    assert again.migrate(MIGRATIONS) == []


def test_a_failed_change_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction("t") as tx:
        tx.insert("customers", {"name": "x", "language": "zh", "created_at": tx.at})
        tx.record("customer.added", "customer", 1, {"name": "x"})
        raise RuntimeError("power cut")
    for table in ("customers", "audit_events", "outbox"):
        assert store.query(f"SELECT * FROM {table}") == []


def test_transactions_of_two_threads_take_turns(store: Store) -> None:
    inside = threading.Event()
    release = threading.Event()

    def slow_writer() -> None:
        with store.transaction("worker") as tx:
            tx.insert("customers", {"name": "worker", "language": "zh", "created_at": tx.at})
            inside.set()
            release.wait(10)

    worker = threading.Thread(target=slow_writer)
    worker.start()
    assert inside.wait(10)
    threading.Timer(0.2, release.set).start()
    with store.transaction("gui") as tx:  # waits for the worker instead of failing
        tx.insert("customers", {"name": "gui", "language": "en", "created_at": tx.at})
    worker.join(10)
    assert [r["name"] for r in store.query("SELECT name FROM customers ORDER BY id")] == [
        "worker",
        "gui",
    ]


def test_nested_transactions_are_refused(store: Store) -> None:
    with (
        store.transaction("t"),
        pytest.raises(StoreError, match="already open"),
        store.transaction("t"),
    ):
        pass


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"), store.transaction("t") as tx:
        tx.insert(
            "vehicles", {"plate": "X", "powertrain": "EV", "customer_id": 42, "created_at": tx.at}
        )


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable station database"):
        Store.open(path)
