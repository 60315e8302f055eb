"""A workshop of many terminals through one hub: propagation, catch-up, the hub's load.

    python tests/bench/bench_workshop.py [--terminals 20] [--seconds 30] [--backlog 1000]

The hub runs as its own process (`station cloud` on 127.0.0.1, which is the hub
for a workshop with terminals), so its memory and CPU are its own. Every
terminal is a replica in this process with live sync (push on commit, long-poll
on the feed) and makes one change a second: a customer update on a work order,
stamped with the time it was made. Printed: the time from a change's commit on
one terminal to its arrival in every other terminal's replica (p50, p95), the
time a terminal that was away during `--backlog` changes needs to catch up, and
the hub's resident memory and CPU share meanwhile.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from station.identity import BLOCK
from station.vehicles import Powertrain
from station.workshop import Actor, Workshop
from sync.client import RunReport, SyncClient, join_workshop
from sync.cloud import CloudService
from sync.cloud_db import CloudDatabase

WORKSHOP = "Bench Motors"
TICKS = os.sysconf("SC_CLK_TCK")


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   (n={len(ordered)})"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class HubProcess:
    def __init__(self, folder: Path) -> None:
        self.db = folder / "hub.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.service = CloudService(CloudDatabase(str(self.db)))
        self.service.add_first_admin(WORKSHOP, "admin", "1234")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "station.cli",
                "cloud",
                "--data-dir",
                str(folder),
                "--db",
                str(self.db),
                "--port",
                str(self.port),
            ],
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/v1/health").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the hub did not start")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


class BenchTerminal:
    """One terminal: its replica, its live sync, and the arrival times of others' changes."""

    def __init__(self, hub: HubProcess, root: Path, name: str) -> None:
        secret, _ = hub.service.add_terminal(WORKSHOP, name)
        store, _ = join_workshop(root / name / "station.db", hub.url, secret)
        self.name = name
        self.workshop = Workshop(store)
        self.actor: Actor = self.workshop.login("admin", "1234")
        self.client = SyncClient(store, timeout=30)
        self.stop = threading.Event()
        self.wake = threading.Event()
        store.listeners.append(self.wake.set)
        self.seen: dict[int, int] = {}
        self.latencies: list[float] = []
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def go_live(self) -> None:
        self.stop.clear()
        self.thread = threading.Thread(
            target=self.client.run_live,
            args=(self.stop, self.wake, self.arrived),
            kwargs={"wait": 10.0},
            daemon=True,
        )
        self.thread.start()

    def go_away(self) -> None:
        self.stop.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(30)

    def arrived(self, _report: RunReport) -> None:
        """Note the arrival of every bench update new since the last look (ids grow per block)."""
        now = time.time()
        ranges = " OR ".join("(id > ? AND id < ?)" for _ in self.seen)
        bounds = [v for block, last in self.seen.items() for v in (last, (block + 1) * BLOCK)]
        with self.lock:
            rows = self.workshop.store.query(
                f"SELECT id, note FROM progress_events WHERE note LIKE 'bench %' AND ({ranges})",
                tuple(bounds),
            )
        for row in rows:
            block = int(row["id"]) // BLOCK
            self.seen[block] = max(self.seen[block], int(row["id"]))
            _, sender, made = str(row["note"]).split()
            if sender != self.name:
                self.latencies.append(now - float(made))

    def change(self, wo_id: int) -> None:
        self.workshop.post_update(self.actor, wo_id, f"bench {self.name} {time.time():.6f}")


def bench(terminals: int, seconds: float, backlog: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-workshop-") as tmp:
        root = Path(tmp)
        hub = HubProcess(root / "hub")
        try:
            fleet = [BenchTerminal(hub, root, f"bay-{n + 1}") for n in range(terminals)]
            first = fleet[0]
            vehicle = first.workshop.add_vehicle(first.actor, None, "粤B00001", Powertrain.ICE).id
            wo = first.workshop.create_work_order(first.actor, vehicle, "bench").id
            first.client.run_once()
            for t in fleet:
                t.client.run_once()
            for t in fleet:
                t.seen = {n: n * BLOCK for n in range(terminals + 1)}
                t.seen[1] = first.workshop.store.query_one(
                    "SELECT MAX(id) AS n FROM progress_events"
                )["n"]
                t.go_live()
            cpu0, wall0 = hub.cpu_seconds(), time.monotonic()
            rss_peak = hub.rss_mib()
            start = time.monotonic()
            made = 0
            while time.monotonic() - start < seconds:
                tick = time.monotonic()
                for t in fleet:
                    t.change(wo)
                    made += 1
                rss_peak = max(rss_peak, hub.rss_mib())
                time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
            time.sleep(3)
            cpu = (hub.cpu_seconds() - cpu0) / (time.monotonic() - wall0)
            samples = [x for t in fleet for x in t.latencies]
            expected = made * (terminals - 1)
            print(
                f"{terminals} terminals, one change a second each, {seconds:.0f} s: {made} changes"
            )
            print(f"  commit on one terminal to arrival on another: {percentiles(samples)}")
            print(f"  arrivals seen {len(samples)} of {expected}")
            print(f"  hub: {cpu * 100:.0f}% of one core, resident memory peak {rss_peak:.0f} MiB")

            away = fleet[-1]
            away.go_away()
            active = fleet[:-1]
            per = backlog // len(active) + 1
            made = 0
            for _ in range(per):
                for t in active:
                    if made < backlog:
                        t.change(wo)
                        made += 1
            for t in active:
                t.wake.set()
            time.sleep(3)
            began = time.monotonic()
            report = away.client.run_once()
            caught = time.monotonic() - began
            print(
                f"  catch-up after {made} changes while away: {caught:.2f} s "
                f"({report.changes_applied} changes applied)"
            )
            for t in fleet:
                t.go_away()
                t.client.close()
                t.workshop.store.close()
        finally:
            hub.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--backlog", type=int, default=1000)
    args = parser.parse_args()
    bench(args.terminals, args.seconds, args.backlog)


if __name__ == "__main__":
    main()
