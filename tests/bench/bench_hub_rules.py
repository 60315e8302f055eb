"""Benchmark: what the hub's checks of who writes what cost per changeset.

A hub on a temporary SQLite file with a workshop of 30 users takes N changesets
of a technician's typical change (a clock entry and the job's progress event),
first as the workshop's hub relaying them (no checks), then from a terminal in
the technician's name (person, permissions and id block checked). Prints p50/p95
of `hub.apply_changeset` for each and the difference.

    python tests/bench/bench_hub_rules.py [--changesets N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from station.hub_rules import Sender
from station.identity import id_base
from sync import hub
from sync.cloud import CloudService
from sync.cloud_db import CloudDatabase

WORKSHOP = "Bench Motors"


def _changeset(row_id: int, user_id: int) -> list[dict[str, object]]:
    at = "2026-11-30T09:00:00.000Z"
    event = {
        "id": row_id,
        "work_order_id": None,
        "from_status": "in_repair",
        "to_status": "in_repair",
        "text_en": "In repair",
        "text_zh": "维修中",
        "note": "pads fitted",
        "at": at,
        "actor": user_id,
    }
    clock = {"id": row_id, "job_id": None, "technician_id": user_id, "started_at": at}
    return [
        {"table": "progress_events", "key": str(row_id), "row": event},
        {"table": "clock_entries", "key": str(row_id), "row": clock},
    ]


def _run(
    service: CloudService, sender: Sender | None, first: int, n: int, user: int
) -> list[float]:
    took = []
    for i in range(n):
        start = time.perf_counter()
        with service.db.transaction() as tx:
            hub.apply_changeset(tx, WORKSHOP, _changeset(first + i, user), sender)
        took.append((time.perf_counter() - start) * 1000)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--changesets", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        service = CloudService(CloudDatabase(str(Path(folder) / "hub.db")))
        service.add_first_admin(WORKSHOP, "admin", "1234")
        _, terminal = service.add_terminal(WORKSHOP, "bay-1")
        number = int(terminal["number"])
        with service.db.transaction() as tx:
            for n in range(30):
                added = hub.add_hub_row(
                    tx,
                    WORKSHOP,
                    "users",
                    {"name": f"tech-{n}", "display_name": f"Tech {n}", "role": "technician"}
                    | {"active": 1, "failed_attempts": 0, "created_at": "2026-11-30T08:00:00Z"},
                )
            user = int(added["row"]["id"])
        base = id_base(number)
        relayed = _run(service, None, base + 1, args.changesets, user)
        checked = _run(
            service, Sender(number, "tech-29"), base + 1 + args.changesets, args.changesets, user
        )
        service.db.close()

    def p(values: list[float], q: int) -> float:
        return statistics.quantiles(values, n=100)[q - 1]

    for label, values in (("relayed (no checks)", relayed), ("terminal (checked)", checked)):
        print(f"{label:22} p50 {p(values, 50):.3f} ms  p95 {p(values, 95):.3f} ms")
    print(f"checks cost about {p(checked, 50) - p(relayed, 50):.3f} ms per changeset (p50)")


if __name__ == "__main__":
    main()
