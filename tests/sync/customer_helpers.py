"""A station synced with a cloud on 127.0.0.1, and a visit taken to delivery, for the page's tests."""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any, NamedTuple

import httpx
import pytest

from station.findings import Channel, Decision, FindingDraft, Severity, part
from station.lifecycle import Status
from station.roles import Role
from sync.client import SyncClient, enrol
from sync.server import CloudHandle
from tests.sync.helpers import Station

STROKES = [
    [[10.0, 20.0], [40.0, 40.0], [70.0, 25.0], [100.0, 45.0], [130.0, 30.0]],
    [[30.0, 70.0], [60.0, 75.0], [90.0, 80.0], [120.0, 78.0]],
]
# A drawing on the desk's pad (100 x 50) that passes the station's signature check.
DESK_STROKES = [
    [
        (10.0, 10.0),
        (20.0, 30.0),
        (30.0, 10.0),
        (40.0, 30.0),
        (50.0, 10.0),
        (60.0, 30.0),
        (70.0, 10.0),
        (80.0, 30.0),
    ]
]
SIGNATURE = {"strokes": STROKES, "width": 300, "height": 150}


def synced(station: Station, cloud: CloudHandle) -> SyncClient:
    _, secret = cloud.service.issue_token("Harbour Motors")
    enrol(station.store, cloud.url, secret)
    return SyncClient(station.store, timeout=10, backoff_base=0.01)


def advisor(station: Station) -> Any:
    w = station.workshop
    if w.store.query_one("SELECT id FROM users WHERE name = 'zhao'") is None:
        w.add_user(station.admin, "zhao", Role.ADVISOR, "2468")
    return w.login("zhao", "2468")


def tap(finding: int, decision: str, seen: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "tap": secrets.token_hex(16),
        "finding_id": finding,
        "decision": decision,
        "customer_name": "王芳",
        "seen_state": seen,
        "signature": SIGNATURE if decision == "approved" else None,
    }
    body.update(extra)
    return body


def add_tyres(station: Station, wo: int) -> int:
    """A third finding, so the customer can approve one and decline another on the page."""
    return station.workshop.add_finding(
        station.tech, wo, FindingDraft("Rear tyres worn", Severity.SOON, [part("Tyre", 2, 45000)])
    ).id


def deliver(station: Station, wo: int) -> None:
    """From awaiting approval (the pads approved) to delivered against the customer's signature."""
    w, tech = station.workshop, station.tech
    desk = advisor(station)
    for finding in w.findings(wo):
        if finding["state"] == "pending":
            signature = w.record_signature(desk, DESK_STROKES, 100, 50)
            w.record_approval(
                desk, finding["id"], Decision.APPROVED, "王芳", Channel.DESK, signature
            )
    if w.work_order(wo)["status"] == Status.AWAITING_APPROVAL.value:
        w.change_status(tech, wo, Status.IN_REPAIR)
    for job in w.jobs(wo):
        w.clock_on(tech, job["id"])
        w.clock_off(tech, job["id"])
    w.change_status(tech, wo, Status.QUALITY_CHECK)
    w.record_quality_check(tech, wo, passed=True)
    w.change_status(desk, wo, Status.READY)
    if not station.store.query("SELECT id FROM reports WHERE work_order_id = ?", (wo,)):
        pdf = b"%PDF-1.7\n" + os.urandom(2000) + b"\n%%EOF\n"
        folder = station.data_dir / "reports"
        folder.mkdir(exist_ok=True)
        (folder / f"report-{wo}.pdf").write_bytes(pdf)
        w.record_report_issued(desk, wo, hashlib.sha256(pdf).hexdigest(), f"report-{wo}.pdf", "zh")
    signature = w.record_signature(desk, [[(x, y + 5) for x, y in DESK_STROKES[0]]], 100, 50)
    w.hand_over(desk, wo, "王芳", signature)


def page_client(cloud: CloudHandle) -> httpx.Client:
    return httpx.Client(base_url=cloud.url, timeout=30)


class Page(NamedTuple):
    """A work order synced to the cloud, and the customer's browser on its page."""

    client: SyncClient
    public: str
    web: httpx.Client


def open_page(station: Station, cloud: CloudHandle, work_order: int) -> Page:
    """The station enrolled and synced once, so the cloud has the work order's page."""
    client = synced(station, cloud)
    client.run_once()
    return Page(client, client.cloud_work_order(work_order)["public_id"], page_client(cloud))


def cloud_count(cloud: CloudHandle, sql: str, *params: Any) -> int:
    with cloud.service.db.transaction() as tx:
        row = tx.one(sql, params)
    assert row is not None
    return int(next(iter(row.values())))


def customer_approvals(cloud: CloudHandle) -> int:
    """How many decisions the cloud took from customers' pages."""
    return cloud_count(cloud, "SELECT COUNT(*) AS n FROM approvals WHERE source = 'customer'")


class Inbox:
    """What the SMTP server on 127.0.0.1 received."""

    def __init__(self) -> None:
        self.mails: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.mails.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """An SMTP server (aiosmtpd) on 127.0.0.1 and what it received."""
    controller_module = pytest.importorskip(
        "aiosmtpd.controller", reason="aiosmtpd is a test extra"
    )
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
