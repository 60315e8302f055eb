"""A hub and three terminals as separate processes on 127.0.0.1: the hub is SIGKILLed mid-visit.

The hub is `station hub` over TLS with the workshop CA made by `station hub init`;
each terminal joined with `station hub join` and runs `station sync --loop` (live:
it listens on the hub's feed). The people's work is done on each terminal's own
database from this process, as the app would. While the hub is dead the
terminals keep working; after its restart every replica converges on the hub's.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from station import replica
from station.demo import demo_signature_strokes
from station.findings import Channel, Decision, FindingDraft, Severity, labour, part
from station.lifecycle import Status
from station.store import Store
from station.vehicles import Powertrain
from station.workshop import Workshop
from sync import hub as hub_records
from sync.client import join_workshop
from sync.cloud import CloudService
from sync.cloud_db import CloudDatabase
from sync.customer_rules import PAGE
from tests.sync.customer_helpers import tap

WORKSHOP = "Harbour Motors"
TERMINALS = ("desk", "bay-1", "bay-2")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _station(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "station.cli", *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _until(what: Callable[[], bool], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not what():
        if time.monotonic() > deadline:
            raise AssertionError("the workshop did not converge in time")
        time.sleep(0.05)


class Workshop3:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.hub_dir = root / "hub"
        self.port = _free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        _station(
            "hub", "init", "--data-dir", str(self.hub_dir), "--workshop", WORKSHOP,
            "--admin-pin", "1234",
        )  # fmt: skip
        self.hub: subprocess.Popen[bytes] | None = None
        self.start_hub()
        ca = str(self.hub_dir / "hub" / "workshop-ca.pem")
        self.syncs: list[subprocess.Popen[bytes]] = []
        self.terminals: dict[str, Workshop] = {}
        for name in TERMINALS:
            out = _station("hub", "terminal", "add", name, "--data-dir", str(self.hub_dir))
            token = next(line.split()[1] for line in out.splitlines() if line.startswith("token:"))
            data = root / name
            _station(
                "hub",
                "join",
                "--data-dir",
                str(data),
                "--url",
                self.url,
                "--token",
                token,
                "--ca",
                ca,
            )
            self.syncs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "station.cli", "sync", "--loop", "--interval", "0.2",
                     "--timeout", "5", "--data-dir", str(data)],
                    stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip
            self.terminals[name] = Workshop(Store.open(data / "station.db"))

    def start_hub(self) -> None:
        self.hub = subprocess.Popen(
            [sys.executable, "-m", "station.cli", "hub", "--data-dir", str(self.hub_dir),
             "--host", "127.0.0.1", "--port", str(self.port)],
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill_hub(self) -> None:
        assert self.hub is not None
        self.hub.send_signal(signal.SIGKILL)
        self.hub.wait(10)

    def hub_digest(self) -> str:
        service = CloudService(CloudDatabase(str(self.hub_dir / "hub" / "hub.db")))
        try:
            with service.db.transaction() as tx:
                return hub_records.digest(tx, WORKSHOP)
        finally:
            service.db.close()

    def close(self) -> None:
        for proc in [*self.syncs, self.hub]:
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
        for w in self.terminals.values():
            w.store.close()


@pytest.fixture
def workshop(tmp_path: Path) -> Iterator[Workshop3]:
    shop = Workshop3(tmp_path)
    try:
        yield shop
    finally:
        shop.close()


def _status(w: Workshop, wo: int) -> str:
    row = w.store.query_one("SELECT status FROM work_orders WHERE id = ?", (wo,))
    return "" if row is None else str(row["status"])


def test_the_visit_crosses_three_terminal_processes_and_survives_a_killed_hub(
    workshop: Workshop3,
) -> None:
    desk, bay1, bay2 = (workshop.terminals[n] for n in TERMINALS)
    admin_desk, admin_bay2 = desk.login("admin", "1234"), bay2.login("admin", "1234")
    vehicle = desk.add_vehicle(admin_desk, None, "粤B12345", Powertrain.ICE, "BYD", "Qin").id
    wo = desk.create_work_order(admin_desk, vehicle, "brakes squeal").id
    desk.check_in(admin_desk, wo, 42_000)
    _until(lambda: _status(bay2, wo) == "checked_in")
    bay2.change_status(admin_bay2, wo, Status.DIAGNOSING)
    pads = bay2.add_finding(
        admin_bay2,
        wo,
        FindingDraft(
            "Front brake pads worn",
            Severity.URGENT,
            [part("Brake pads", 1, 38000, "BP-1"), labour("Fit pads", 1.0, 20000)],
        ),
    ).id
    bay2.change_status(admin_bay2, wo, Status.AWAITING_APPROVAL)
    _until(lambda: _status(desk, wo) == "awaiting_approval")

    workshop.kill_hub()
    # The desk takes the customer's approval with the hub dead; bay 1 opens another visit.
    signature = desk.record_signature(admin_desk, demo_signature_strokes(), 640, 220)
    desk.record_approval(admin_desk, pads, Decision.APPROVED, "Ms Wang", Channel.DESK, signature)
    admin_bay1 = bay1.login("admin", "1234")
    other = bay1.add_vehicle(admin_bay1, None, "粤B99999", Powertrain.EV).id
    wo2 = bay1.create_work_order(admin_bay1, other, "battery warning").id
    time.sleep(1.0)
    assert _status(bay2, wo) == "awaiting_approval" and bay2.jobs(wo) == []
    workshop.start_hub()

    _until(lambda: len(bay2.jobs(wo)) == 1)
    job = bay2.jobs(wo)[0]["id"]
    bay2.change_status(admin_bay2, wo, Status.IN_REPAIR)
    bay2.clock_on(admin_bay2, job)
    bay2.clock_off(admin_bay2, job)
    bay2.change_status(admin_bay2, wo, Status.QUALITY_CHECK)
    bay2.record_quality_check(admin_bay2, wo, True)
    _until(lambda: desk.store.query_one("SELECT id FROM quality_checks") is not None)
    desk.change_status(admin_desk, wo, Status.READY)

    def converged() -> bool:
        pending = sum(
            w.store.query_one("SELECT COUNT(*) AS n FROM outbox WHERE acked_at IS NULL")["n"]
            for w in (desk, bay1, bay2)
        )
        if pending:
            return False
        expected = workshop.hub_digest()
        return all(replica.digest(w.store) == expected for w in (desk, bay1, bay2))

    _until(converged)
    assert {_status(w, wo) for w in (desk, bay1, bay2)} == {"ready"}
    assert {_status(w, wo2) for w in (desk, bay1, bay2)} == {"booked"}


class Relayed:
    """The brand's cloud, a hub relaying to it and two terminals syncing with the hub: each a
    process of its own (tokens and joins are made in this process, as the commands would)."""

    def __init__(self, root: Path) -> None:
        self.cloud_db = root / "cloud" / "cloud.db"
        cloud_port = _free_port()
        self.cloud_url = f"http://127.0.0.1:{cloud_port}"
        token, _ = CloudService(CloudDatabase(str(self.cloud_db))).add_terminal(WORKSHOP, "hub")
        self.procs = [_serve("cloud", "--db", str(self.cloud_db), "--port", str(cloud_port))]
        _wait_port(cloud_port)
        self.hub_dir = root / "hub"
        _station(
            "hub", "init", "--data-dir", str(self.hub_dir), "--workshop", WORKSHOP,
            "--admin-pin", "1234",
        )  # fmt: skip
        _station(
            "hub", "upstream", self.cloud_url, "--token", token, "--data-dir", str(self.hub_dir)
        )
        self.hub_port = _free_port()
        self.hub: subprocess.Popen[bytes] = self.start_hub()
        hub = CloudService(CloudDatabase(str(self.hub_dir / "hub" / "hub.db")))
        self.terminals: dict[str, Workshop] = {}
        for name in TERMINALS[:2]:
            secret, _ = hub.add_terminal(WORKSHOP, name)
            store, _answer = join_workshop(
                root / name / "station.db",
                f"https://127.0.0.1:{self.hub_port}",
                secret,
                str(self.hub_dir / "hub" / "workshop-ca.pem"),
            )
            self.terminals[name] = Workshop(store)
            self.procs.append(
                _serve("sync", "--loop", "--interval", "0.2", "--timeout", "5",
                       "--data-dir", str(root / name))
            )  # fmt: skip
        hub.db.close()

    def start_hub(self) -> subprocess.Popen[bytes]:
        self.hub = _serve("hub", "--data-dir", str(self.hub_dir), "--host", "127.0.0.1",
                          "--port", str(self.hub_port))  # fmt: skip
        _wait_port(self.hub_port)
        return self.hub

    def kill_hub(self) -> None:
        self.hub.send_signal(signal.SIGKILL)
        self.hub.wait(10)

    def cloud_service(self) -> CloudService:
        return CloudService(CloudDatabase(str(self.cloud_db)))

    def close(self) -> None:
        for proc in [*self.procs, self.hub]:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
        for w in self.terminals.values():
            w.store.close()


def _serve(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "station.cli", *args], stderr=subprocess.DEVNULL)


def _wait_port(port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _cloud_one(service: CloudService, sql: str, *params: Any) -> list[dict[str, Any]]:
    with service.db.transaction(reading=True) as tx:
        return tx.all(sql, params)


def test_the_hub_relays_the_workshop_to_the_brand_cloud_across_processes(tmp_path: Path) -> None:
    relayed = Relayed(tmp_path)
    cloud = relayed.cloud_service()
    try:
        desk, bay = (relayed.terminals[n] for n in TERMINALS[:2])
        booking = httpx.post(
            f"{relayed.cloud_url}/v1/workshops/{WORKSHOP}/appointments",
            json={
                "customer": {"name": "王芳", "phone": "13800000000"},
                "vehicle": {"vin": "LGXCE4CB5N0000001", "make": "BYD", "model": "Han"},
                "scheduled_at": "2026-12-01T09:00:00Z",
                "complaint": "brakes squeal",
            },
            timeout=30,
        )
        assert booking.status_code == 201, booking.text
        cloud_id = booking.json()["id"]
        # The appointment made in the cloud appears at the desk terminal.
        _until(
            lambda: (
                desk.store.query_one("SELECT id FROM appointments WHERE cloud_id = ?", (cloud_id,))
                is not None
            )
        )
        vehicle = desk.store.query_one("SELECT id FROM vehicles WHERE vin = 'LGXCE4CB5N0000001'")
        assert vehicle is not None
        _until(
            lambda: (
                bay.store.query_one("SELECT id FROM vehicles WHERE id = ?", (vehicle["id"],))
                is not None
            )
        )

        # A work order made at the bay reaches the cloud once, across a killed hub.
        admin = bay.login("admin", "1234")
        wo = bay.create_work_order(admin, int(vehicle["id"]), "brakes squeal").id
        bay.check_in(admin, wo, 42_000)
        bay.change_status(admin, wo, Status.DIAGNOSING)
        pads = bay.add_finding(
            admin,
            wo,
            FindingDraft("Front brake pads worn", Severity.URGENT, [part("Brake pads", 1, 38000)]),
        ).id
        relayed.kill_hub()
        bay.change_status(admin, wo, Status.AWAITING_APPROVAL)
        relayed.start_hub()
        tracked = "SELECT public_id, status FROM work_orders WHERE workshop = ? AND local_id = ?"
        _until(
            lambda: (
                [r["status"] for r in _cloud_one(cloud, tracked, WORKSHOP, wo)]
                == ["awaiting_approval"]
            )
        )
        numbers = _cloud_one(
            cloud, "SELECT key FROM records WHERE workshop = ? AND tbl = 'work_orders'", WORKSHOP
        )
        assert [r["key"] for r in numbers] == [str(wo)]

        # A remote approval in the cloud, signed on the phone, reaches the bay.
        link = _cloud_one(cloud, tracked, WORKSHOP, wo)[0]["public_id"]
        _until(
            lambda: (
                _cloud_one(
                    cloud,
                    "SELECT 1 AS x FROM records WHERE tbl = 'findings' AND key = ?",
                    str(pads),
                )
                != []
            )
        )
        answer = httpx.post(
            f"{relayed.cloud_url}{PAGE}/{link}/decisions",
            json=tap(pads, "approved", "pending"),
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        _until(lambda: len(bay.jobs(wo)) == 1)
        approval = bay.store.query_one("SELECT * FROM approvals WHERE finding_id = ?", (pads,))
        assert approval is not None and approval["channel"] == "remote"
        assert approval["signature_ref"] is not None

        # Nothing refused, nothing twice.
        outcomes = _cloud_one(cloud, "SELECT kind, status FROM mutations")
        assert {r["status"] for r in outcomes} <= {"applied", "duplicate"}
        assert [r["kind"] for r in outcomes if r["status"] == "applied"].count(
            "work_order.created"
        ) == 1
        assert _cloud_one(
            cloud,
            "SELECT COUNT(*) AS n FROM progress_events WHERE work_order_id = ?",
            wo,
        )[0]["n"] == len(
            bay.store.query("SELECT id FROM progress_events WHERE work_order_id = ?", (wo,))
        )
    finally:
        cloud.db.close()
        relayed.close()
