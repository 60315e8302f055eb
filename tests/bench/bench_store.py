"""Benchmark: a store with 100,000 work orders and their checklist results.

Prints p50/p95 of vehicle search by full VIN, by VIN suffix and by plate (each
followed by reading that vehicle's work orders, as the bay's search screen does),
the time to open the store, and the time of one audited write (a mileage
reading: row, audit event keyed with the station's audit key and outbox entry
in one transaction).
Goal: p95 under 10 ms.

    python tests/bench/bench_store.py [--work-orders N] [--results-per-order K]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import string
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from station import store as store_module
from station.audit_keys import create_audit_key
from station.backup import quick_check
from station.roles import Role
from station.store import Store
from station.vin import check_digit
from station.workshop import Workshop

VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
ITEMS = [
    "tread_fl",
    "tread_fr",
    "tread_rl",
    "tread_rr",
    "pads_front",
    "pads_rear",
    "discs",
    "engine_oil",
    "wipers",
    "headlights",
]


def make_vin(rng: random.Random) -> str:
    body = "".join(rng.choice(VIN_CHARS) for _ in range(17))
    return body[:8] + check_digit(body[:8] + "0" + body[9:]) + body[9:]


def seed(path: Path, work_orders: int, results_per_order: int) -> tuple[list[str], list[str]]:
    """Bulk seed in one transaction: the benchmark measures search, not seeding."""
    store = Store.open(path)
    Workshop(store).add_user(None, "admin", Role.ADMIN, "1234")
    rng = random.Random(7)
    vins, plates = [], []
    with store.transaction("bench") as tx:
        at = tx.at
        vehicle_rows, order_rows, checklist_rows, result_rows = [], [], [], []
        for n in range(1, work_orders + 1):
            vin = make_vin(rng)
            plate = "粤" + rng.choice(string.ascii_uppercase) + f"{rng.randrange(100000):05d}"
            vins.append(vin)
            plates.append(plate)
            vehicle_rows.append((n, vin, vin[::-1], plate, "ICE", at))
            order_rows.append((n, f"WO-BENCH-{n:06d}", n, "delivered", at, at, 1))
            checklist_rows.append((n, n, "inspection", 1, at))
            for item in ITEMS[:results_per_order]:
                result_rows.append((n, item, "green", rng.uniform(2, 9), "mm", at, 1))
        tx.db.conn.executemany(
            "INSERT INTO vehicles (id, vin, vin_reversed, plate, powertrain, created_at) VALUES (?,?,?,?,?,?)",
            vehicle_rows,
        )
        tx.db.conn.executemany(
            "INSERT INTO work_orders (id, number, vehicle_id, status, status_since, created_at, created_by) "
            "VALUES (?,?,?,?,?,?,?)",
            order_rows,
        )
        tx.db.conn.executemany(
            "INSERT INTO checklists (id, work_order_id, template_id, template_version, created_at) VALUES (?,?,?,?,?)",
            checklist_rows,
        )
        tx.db.conn.executemany(
            "INSERT INTO checklist_results (checklist_id, item_key, rating, value, unit, recorded_at, recorded_by) "
            "VALUES (?,?,?,?,?,?,?)",
            result_rows,
        )
    store.db.conn.execute("ANALYZE")
    store.close()
    return vins, plates


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {p50 * 1000:.3f} ms  p95 {p95 * 1000:.3f} ms  (n={len(ordered)})"


def measure(
    search: Callable[[str], list[dict[str, object]]], keys: list[str], workshop: Workshop
) -> list[float]:
    samples = []
    for key in keys:
        start = time.perf_counter()
        found = search(key)
        for vehicle in found:
            workshop.work_orders_for_vehicle(int(str(vehicle["id"])))
        samples.append(time.perf_counter() - start)
        assert found, f"nothing found for {key}"
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work-orders", type=int, default=100_000)
    parser.add_argument("--results-per-order", type=int, default=10)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--writes", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        create_audit_key(Path(folder), keyed_from=1)  # events are HMACs, as on a real station
        start = time.perf_counter()
        vins, plates = seed(path, args.work_orders, args.results_per_order)
        print(
            f"seeded {args.work_orders} work orders, {args.work_orders * args.results_per_order} checklist results "
            f"in {time.perf_counter() - start:.1f} s ({path.stat().st_size / 2**20:.0f} MiB)"
        )
        opens = []
        for _ in range(20):
            start = time.perf_counter()
            store = Store.open(path)
            opens.append(time.perf_counter() - start)
            store.close()
        print(f"open store:        {percentiles(opens)}")
        checks = []
        for _ in range(3):
            conn = sqlite3.connect(path)
            start = time.perf_counter()
            assert quick_check(conn) is None
            checks.append(time.perf_counter() - start)
            conn.close()
        print(f"start-up check:    {percentiles(checks)}  (every page read, once per process)")
        command_opens = []
        for _ in range(20):
            store_module._CHECKED_FILES.clear()  # as a new `station` command process
            start = time.perf_counter()
            store = Store.open(path, full_check=False)
            command_opens.append(time.perf_counter() - start)
            store.close()
        print(f"command open:      {percentiles(command_opens)}  (the day's check marker stands)")
        app_opens = []
        for _ in range(3):
            store_module._CHECKED_FILES.clear()  # as a new app process
            start = time.perf_counter()
            Store.open(path).close()
            app_opens.append(time.perf_counter() - start)
        print(f"app open:          {percentiles(app_opens)}  (every page read)")
        workshop = Workshop(Store.open(path))
        rng = random.Random(11)
        picks = [rng.randrange(len(vins)) for _ in range(args.queries)]
        full = measure(lambda v: workshop.find_vehicles(vin=v), [vins[i] for i in picks], workshop)
        suffix = measure(
            lambda v: workshop.find_vehicles(vin_suffix=v), [vins[i][-6:] for i in picks], workshop
        )
        plate = measure(
            lambda p: workshop.find_vehicles(plate=p), [plates[i] for i in picks], workshop
        )
        print(f"search full VIN:   {percentiles(full)}")
        print(f"search VIN suffix: {percentiles(suffix)}")
        print(f"search plate:      {percentiles(plate)}")
        admin = workshop.login("admin", "1234")
        writes = []
        for n in range(args.writes):
            start = time.perf_counter()
            workshop.record_mileage(admin, 1, 1_000 + n)
            writes.append(time.perf_counter() - start)
        print(f"audited write:     {percentiles(writes)}")
        sealed = []
        for _ in range(args.writes):
            start = time.perf_counter()
            workshop.unlock_user(admin, "admin")  # a users row rewritten: its seal event too
            sealed.append(time.perf_counter() - start)
        print(f"sealed-row write:  {percentiles(sealed)}")


if __name__ == "__main__":
    main()
