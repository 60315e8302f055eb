"""Terminals of one workshop: each a replica joined to the hub, with the people logged in."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from station import replica
from station.findings import FindingDraft, Severity, part
from station.lifecycle import Status
from station.roles import Role
from station.vehicles import Powertrain
from station.workshop import Actor, Workshop
from sync import hub as hub_records
from sync.client import RunReport, SyncClient, join_workshop
from tests.workshop.conftest import WORKSHOP


@dataclass
class Terminal:
    name: str
    workshop: Workshop
    client: SyncClient
    admin: Actor

    @property
    def store(self):  # type: ignore[no-untyped-def]
        return self.workshop.store

    def sync(self) -> RunReport:
        return self.client.run_once()

    def digest(self) -> str:
        return replica.digest(self.store)

    def close(self) -> None:
        self.client.close()
        self.store.close()


def join(hub: Any, root: Path, name: str, url: str | None = None, **client: Any) -> Terminal:
    secret, _ = hub.service.add_terminal(WORKSHOP, name)
    store, _answer = join_workshop(root / name / "station.db", url or hub.url, secret)
    workshop = Workshop(store)
    return Terminal(name, workshop, SyncClient(store, **client), workshop.login("admin", "1234"))


def add_technician(desk: Terminal, name: str = "li", pin: str = "5678") -> None:
    desk.workshop.add_user(desk.admin, name, Role.TECHNICIAN, pin)


def hub_digest(hub: Any) -> str:
    with hub.service.db.transaction() as tx:
        return hub_records.digest(tx, WORKSHOP)


def settle(*terminals: Terminal, rounds: int = 3) -> None:
    """Every terminal pushes and pulls until nothing is left in flight."""
    for _ in range(rounds):
        for t in terminals:
            t.sync()


def issue_report(t: Terminal, wo: int, root: Path) -> None:
    """A report file in the terminal's folder, recorded as issued to the customer."""
    reports = root / t.name / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    pdf = b"%PDF-1.7\n" + os.urandom(2000) + b"\n%%EOF\n"
    name = f"report-{wo}.pdf"
    (reports / name).write_bytes(pdf)
    t.workshop.record_report_issued(t.admin, wo, hashlib.sha256(pdf).hexdigest(), name, "zh")


class Waiting(NamedTuple):
    """A visit waiting for the customer's decision on the front pads and the rear tyres."""

    desk: Terminal
    bay: Terminal
    work_order: int
    pads: int
    tyres: int


def awaiting_decision(
    hub: Any, root: Path, customer: str, language: str, email: str | None = None
) -> Waiting:
    """A visit opened at the desk and inspected at bay 2 by li, both terminals joined to the hub."""
    desk, bay = join(hub, root, "desk"), join(hub, root, "bay-2")
    w, admin = desk.workshop, desk.admin
    owner = w.add_customer(admin, customer, "13800000000", language, email).id
    vehicle = w.add_vehicle(admin, None, "粤B12345", Powertrain.EV, "BYD", "Seal", 2023, owner).id
    wo = w.create_work_order(admin, vehicle, "brakes squeal", customer_id=owner).id
    w.check_in(admin, wo, 42_000)
    add_technician(desk)
    settle(desk, bay, rounds=1)
    li = bay.workshop.login("li", "5678")
    bay.workshop.change_status(li, wo, Status.DIAGNOSING)
    pads = bay.workshop.add_finding(
        li, wo, FindingDraft("Front pads", Severity.URGENT, [part("Pads", 1, 38000)])
    ).id
    tyres = bay.workshop.add_finding(
        li, wo, FindingDraft("Rear tyres", Severity.SOON, [part("Tyre", 2, 45000)])
    ).id
    bay.workshop.change_status(li, wo, Status.AWAITING_APPROVAL)
    settle(bay, desk, rounds=1)
    return Waiting(desk, bay, wo, pads, tyres)


def repair_and_deliver(desk: Terminal, bay: Terminal, wo: int, root: Path) -> None:
    """The approved job done and passed at the bay, then the car delivered at the desk."""
    li = bay.workshop.login("li", "5678")
    job = bay.workshop.jobs(wo)[0]["id"]
    bay.workshop.change_status(li, wo, Status.IN_REPAIR)
    bay.workshop.clock_on(li, job)
    bay.workshop.clock_off(li, job)
    bay.workshop.change_status(li, wo, Status.QUALITY_CHECK)
    bay.workshop.record_quality_check(li, wo, True)
    settle(bay, desk)
    desk.workshop.change_status(desk.admin, wo, Status.READY)
    issue_report(desk, wo, root)
    desk.workshop.change_status(desk.admin, wo, Status.DELIVERED)
    settle(desk, bay)
