"""Benchmark: what the hub spends answering a terminal's search for closed work.

A hub on a temporary SQLite file holds a workshop of N cars, each with two
visits (a closed one and a later one, with their progress events). Prints
p50/p95 of the hub's answer to a search by work order number
(`hub.work_order_rows`) and by plate and by VIN (`hub.car_rows`), for random
cars, at each size.

    python tests/bench/bench_closed_search.py [--cars 1000 5000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sync import hub
from sync.cloud import CloudService
from sync.cloud_db import CloudDatabase, CloudTx

WORKSHOP = "Bench Motors"
AT = "2026-11-{day:02d}T09:00:00.000Z"


def _vin(n: int) -> str:
    return f"LBENCH{n:011d}"


def _plate(n: int) -> str:
    return f"粤B{n:05d}"


def _workshop(cars: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n in range(1, cars + 1):
        car = {
            "id": n,
            "vin": _vin(n),
            "vin_reversed": _vin(n)[::-1],
            "plate": _plate(n),
            "powertrain": "ICE",
            "customer_id": None,
            "created_at": AT.format(day=1),
        }
        rows.append({"table": "vehicles", "key": str(n), "row": car})
        for visit, (status, day) in enumerate((("delivered", 2), ("checked_in", 20))):
            wo_id = n * 2 + visit
            wo = {
                "id": wo_id,
                "number": f"WO-202611{day:02d}-B1-{wo_id:06d}",
                "vehicle_id": n,
                "status": status,
                "version": 2,
                "status_since": AT.format(day=day),
                "created_at": AT.format(day=day),
                "created_by": 1,
            }
            rows.append({"table": "work_orders", "key": str(wo_id), "row": wo})
            for step, to_status in enumerate(("booked", status)):
                event = {
                    "id": wo_id * 2 + step,
                    "work_order_id": wo_id,
                    "to_status": to_status,
                    "at": AT.format(day=day),
                }
                rows.append({"table": "progress_events", "key": str(event["id"]), "row": event})
    return rows


def _time(service: CloudService, ask: Callable[[CloudTx], object], n: int) -> str:
    took = []
    for _ in range(n):
        start = time.perf_counter()
        with service.db.transaction(reading=True) as tx:
            assert ask(tx)
        took.append((time.perf_counter() - start) * 1000)
    p95 = statistics.quantiles(took, n=20)[-1]
    return f"p50 {statistics.median(took):.1f} ms, p95 {p95:.1f} ms"


def bench(cars: int, lookups: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        service = CloudService(CloudDatabase(str(Path(folder) / "hub.db")))
        service.add_first_admin(WORKSHOP, "admin", "1234")
        rows = _workshop(cars)
        with service.db.transaction() as tx:
            for start in range(0, len(rows), 500):
                hub.apply_changeset(tx, WORKSHOP, rows[start : start + 500], None)
        pick = random.Random(7)

        def number(tx: CloudTx) -> object:
            n = pick.randint(1, cars)
            return hub.work_order_rows(tx, WORKSHOP, f"WO-20261102-B1-{n * 2:06d}")

        def plate(tx: CloudTx) -> object:
            return hub.car_rows(tx, WORKSHOP, None, _plate(pick.randint(1, cars)))

        def vin(tx: CloudTx) -> object:
            return hub.car_rows(tx, WORKSHOP, _vin(pick.randint(1, cars)), None)

        print(f"{cars} cars, {cars * 2} work orders, {len(rows)} rows at the hub:")
        print(f"  by number: {_time(service, number, lookups)}")
        print(f"  by plate:  {_time(service, plate, lookups)}")
        print(f"  by VIN:    {_time(service, vin, lookups)}")
        service.db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cars", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--lookups", type=int, default=50)
    args = parser.parse_args()
    for cars in args.cars:
        bench(cars, args.lookups)


if __name__ == "__main__":
    main()
