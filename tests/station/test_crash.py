"""SIGKILL at random moments never loses a committed change nor breaks the database."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from station.lifecycle import Status
from station.store import Store

KILLS = int(os.environ.get("STATION_CRASH_KILLS", "50"))
# The path the child walks every work order along.
ORDER = [
    s.value
    for s in (
        Status.BOOKED,
        Status.CHECKED_IN,
        Status.DIAGNOSING,
        Status.IN_REPAIR,
        Status.QUALITY_CHECK,
    )
]


def run_until_killed(db: Path, delay: float) -> list[str]:
    """Start the child, kill it after `delay` seconds of work, return what it printed."""
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("crash_child.py")), str(db)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert child.stdout is not None
    lines: list[str] = []
    started = threading.Event()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line.strip())
            started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    started.wait(timeout=60)
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    reader.join(timeout=30)
    return lines


def test_sigkill_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "station.db"
    rng = random.Random(int(os.environ.get("STATION_CRASH_SEED", "1")))
    printed_status: dict[int, str] = {}
    created: set[int] = set()
    for _ in range(KILLS):
        for line in run_until_killed(db, rng.uniform(0.0, 0.25)):
            kind, wo, *rest = line.split()
            if kind == "created":
                created.add(int(wo))
            else:
                printed_status[int(wo)] = rest[0]
        store = Store.open(db)
        try:
            assert store.integrity_ok()
            rows = {r["id"]: r["status"] for r in store.query("SELECT id, status FROM work_orders")}
            assert created <= set(rows), (
                f"committed work orders lost: {sorted(created - set(rows))}"
            )
            for wo, status in printed_status.items():
                assert ORDER.index(rows[wo]) >= ORDER.index(status), (
                    f"work order {wo} lost its {status}"
                )
            audited = {r["subject"] for r in store.query("SELECT subject FROM audit_events")}
            queued = {
                r["entity_id"]
                for r in store.query("SELECT entity_id FROM outbox WHERE entity = 'work_order'")
            }
            for wo in rows:
                assert f"work_order:{wo}" in audited
                assert str(wo) in queued
            events = store.query(
                "SELECT work_order_id, COUNT(*) AS n FROM progress_events GROUP BY work_order_id"
            )
            for event in events:
                expected = ORDER.index(rows[event["work_order_id"]]) + 1
                assert event["n"] == expected, "a status change without its progress event"
            report = store.verify_audit()  # the chain, and every sealed row as last written
            assert report.ok, report.problems
            assert report.sealed_rows >= len(rows)
        finally:
            store.close()
    assert len(created) >= KILLS // 2, "the child hardly ran: the test proves nothing"
