"""The hub relays the workshop to the brand's cloud: both on 127.0.0.1, the terminals on the hub.

The cloud's appointments, remote approvals (with the customer's signature) and
cancellations reach every terminal through the hub; the terminals' work goes up
once, files included, across a relay that is stopped and started again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from station.findings import FindingDraft, Severity, labour, part
from station.lifecycle import Status
from station.photos import PhotoFiles, PhotoStore, Stage
from sync import hub as hub_records
from sync import upstream
from sync.customer_rules import PAGE
from sync.server import CloudHandle, start_cloud_in_thread
from tests.sync.customer_helpers import tap
from tests.sync.helpers import jpeg
from tests.workshop.conftest import WORKSHOP
from tests.workshop.helpers import Terminal, join


def _until(what: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := what()):
        if time.monotonic() > deadline:
            raise AssertionError("the change did not arrive in time")
        time.sleep(0.05)
    return found


class Relay:
    """The hub's relay thread, stopped and started like the hub process would be."""

    def __init__(self, hub: CloudHandle, token: str) -> None:
        self.hub, self.token = hub, token
        self.stop_event: Any = None
        self.thread: Any = None

    def start(self) -> None:
        self.stop_event, self.thread = upstream.start(
            self.hub.service, self.hub.blobs, WORKSHOP, self.token, wait=2.0
        )

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(60)


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[CloudHandle]:
    handle = start_cloud_in_thread(tmp_path / "cloud" / "cloud.db", tmp_path / "cloud" / "blobs")
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def relay(hub: CloudHandle, cloud: CloudHandle) -> Iterator[Relay]:
    token, _terminal = cloud.service.add_terminal(WORKSHOP, "hub")
    linked = upstream.link(hub.service, WORKSHOP, cloud.url, token)
    assert linked["queued"] == 2  # the first admin and the profile, made at the hub's set-up
    running = Relay(hub, token)
    running.start()
    try:
        yield running
    finally:
        running.stop()


def _cloud_rows(cloud: CloudHandle, table: str) -> list[dict[str, Any]]:
    with cloud.service.db.transaction() as tx:
        rows = tx.all("SELECT row FROM records WHERE workshop = ? AND tbl = ?", (WORKSHOP, table))
    import json

    return [json.loads(r["row"]) for r in rows]


def _book(cloud: CloudHandle, vin: str) -> str:
    response = httpx.post(
        f"{cloud.url}/v1/workshops/{WORKSHOP}/appointments",
        json={
            "customer": {"name": "王芳", "phone": "13800000000", "language": "zh"},
            "vehicle": {"vin": vin, "make": "BYD", "model": "Han"},
            "scheduled_at": "2026-12-01T09:00:00Z",
            "complaint": "brakes squeal",
        },
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _live(*terminals: Terminal) -> Callable[[], None]:
    """Each terminal syncs in a loop of its own until the returned function is called."""
    import threading

    stop = threading.Event()

    def loop(t: Terminal) -> None:
        while not stop.is_set():
            try:
                t.sync()
            except Exception:  # the hub restarting: the next round catches up
                time.sleep(0.1)
            stop.wait(0.1)

    threads = [threading.Thread(target=loop, args=(t,), daemon=True) for t in terminals]
    for thread in threads:
        thread.start()

    def end() -> None:
        stop.set()
        for thread in threads:
            thread.join(30)

    return end


def test_the_cloud_and_the_workshop_meet_through_the_hub(
    tmp_path: Path, hub: CloudHandle, cloud: CloudHandle, relay: Relay
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    end = _live(desk, bay)
    try:
        # An appointment made in the cloud appears at the desk, with its customer and car.
        cloud_id = _book(cloud, "LGXCE4CB5N0000001")
        booked = _until(
            lambda: desk.store.query_one(
                "SELECT a.*, v.vin FROM appointments a JOIN vehicles v ON v.id = a.vehicle_id "
                "WHERE a.cloud_id = ?",
                (cloud_id,),
            )
        )
        assert booked["vin"] == "LGXCE4CB5N0000001" and booked["complaint"] == "brakes squeal"

        # A work order made at the bay reaches the cloud, once, with its photo file.
        w, admin = bay.workshop, bay.admin
        _until(
            lambda: w.store.query_one(
                "SELECT id FROM vehicles WHERE id = ?", (booked["vehicle_id"],)
            )
        )
        wo = w.create_work_order(admin, int(booked["vehicle_id"]), "brakes squeal").id
        w.check_in(admin, wo, 42_000)
        w.change_status(admin, wo, Status.DIAGNOSING)
        pads = w.add_finding(
            admin,
            wo,
            FindingDraft(
                "Front brake pads worn",
                Severity.URGENT,
                [part("Brake pads", 1, 38000, "BP-1"), labour("Fit pads", 1.0, 20000)],
            ),
        ).id
        files = PhotoFiles(jpeg(30_000, 1), jpeg(2000, 2), jpeg(5000, 3), 1600, 1200)
        photo = PhotoStore(bay.store, tmp_path / "bay-1" / "photos").record(
            admin, files, wo, Stage.BEFORE, finding_id=pads, caption="front pads"
        )
        w.change_status(admin, wo, Status.AWAITING_APPROVAL)
        _until(lambda: any(r["id"] == wo for r in _cloud_rows(cloud, "work_orders")))
        _until(lambda: all(cloud.blobs.path(sha).exists() for sha in photo.blobs))

        # The relay is stopped (the hub killed) and started again: nothing goes up twice.
        relay.stop()
        relay.start()
        with cloud.service.db.transaction() as tx:
            tracked = tx.all(
                "SELECT public_id, status FROM work_orders WHERE workshop = ? AND local_id = ?",
                (WORKSHOP, wo),
            )
        _until(lambda: _cloud_wo(cloud, wo)["status"] == "awaiting_approval")
        assert len(tracked) == 1
        # One link for the customer, the same at the hub and in the cloud.
        assert tracked[0]["public_id"] == bay.client.cloud_work_order(wo)["public_id"]

        # The customer approves on the cloud's page, signing on the phone: the bay sees it.
        link = tracked[0]["public_id"]
        _until(lambda: _page_sees(cloud, link, pads))
        answer = httpx.post(
            f"{cloud.url}{PAGE}/{link}/decisions", json=tap(pads, "approved", "pending"), timeout=30
        )
        assert answer.status_code == 201, answer.text
        approval = _until(
            lambda: bay.store.query_one(
                "SELECT * FROM approvals WHERE finding_id = ? AND channel = 'remote'", (pads,)
            )
        )
        assert approval["decision"] == "approved" and approval["signature_ref"]
        assert bay.store.query_one(
            "SELECT width FROM signatures WHERE sha256 = ?", (approval["signature_ref"],)
        )
        _until(lambda: len(bay.workshop.jobs(wo)) == 1)
        _until(lambda: desk.store.query_one("SELECT id FROM jobs WHERE work_order_id = ?", (wo,)))

        # The customer cancels another booking in the cloud: the desk's copy says so.
        other = _book(cloud, "LGXCE4CB5N0000002")
        _until(
            lambda: desk.store.query_one("SELECT id FROM appointments WHERE cloud_id = ?", (other,))
        )
        assert httpx.post(f"{cloud.url}/v1/appointments/{other}/cancel", timeout=30).is_success
        _until(
            lambda: desk.store.query_one(
                "SELECT id FROM appointments WHERE cloud_id = ? AND status = 'cancelled'", (other,)
            )
        )
    finally:
        end()
    # Every row the hub holds is in the cloud once, and the cloud has nothing else.
    _until(lambda: _digests(hub, cloud))
    with cloud.service.db.transaction() as tx:
        refused = tx.all(
            "SELECT kind, detail FROM mutations WHERE status IN ('conflict', 'rejected')"
        )
    assert refused == []
    desk.close()
    bay.close()


def _cloud_wo(cloud: CloudHandle, wo: int) -> dict[str, Any]:
    with cloud.service.db.transaction() as tx:
        return tx.one(
            "SELECT * FROM work_orders WHERE workshop = ? AND local_id = ?", (WORKSHOP, wo)
        ) or {"status": ""}


def _page_sees(cloud: CloudHandle, link: str, finding: int) -> bool:
    view = cloud.service.customer_view(link)
    return any(f["id"] == finding for f in view["findings"]) and any(
        r["id"] == finding for r in _cloud_rows(cloud, "findings")
    )


def _digests(hub: CloudHandle, cloud: CloudHandle) -> bool:
    with hub.service.db.transaction() as tx:
        here = hub_records.digest(tx, WORKSHOP)
    with cloud.service.db.transaction() as tx:
        there = hub_records.digest(tx, WORKSHOP)
    return here == there
