"""`audit verify` on workshop terminals: rows from other terminals and rows the hub refused."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from station import replica
from station.audit_keys import audit_key_path, load_audit_key
from station.demo import demo_signature_strokes
from station.findings import Channel, Decision, FindingDraft, Severity, labour, part
from station.lifecycle import Status
from station.vehicles import Powertrain
from tests.workshop.helpers import Terminal, add_technician, join, settle


def _verified(t: Terminal) -> None:
    report = t.store.verify_audit()
    assert report.problems == ()
    assert report.keyed_from == 1 and report.chain.keyed_events == report.chain.events
    assert report.anchor is not None  # the hub anchored this terminal's chain


def test_every_terminal_verifies_with_the_rows_others_made(tmp_path: Path, hub: Any) -> None:
    desk, bay = (join(hub, tmp_path, n) for n in ("desk", "bay-2"))
    assert load_audit_key(tmp_path / "desk") is not None
    assert audit_key_path(tmp_path / "bay-2").stat().st_mode & 0o777 == 0o600
    add_technician(desk)
    vehicle = desk.workshop.add_vehicle(desk.admin, None, "粤B1", Powertrain.ICE).id
    wo = desk.workshop.create_work_order(desk.admin, vehicle, "noise").id
    desk.workshop.check_in(desk.admin, wo, 10_000)
    settle(desk, bay)
    li = bay.workshop.login("li", "5678")
    bay.workshop.change_status(li, wo, Status.DIAGNOSING)
    pads = bay.workshop.add_finding(
        li,
        wo,
        FindingDraft("Pads", Severity.URGENT, [part("Pads", 1, 100, "P"), labour("Fit", 1.0, 50)]),
    ).id
    bay.workshop.change_status(li, wo, Status.AWAITING_APPROVAL)
    settle(desk, bay)
    signature = desk.workshop.record_signature(desk.admin, demo_signature_strokes(), 640, 220)
    desk.workshop.record_approval(
        desk.admin, pads, Decision.APPROVED, "Ms Wang", Channel.DESK, signature
    )
    settle(desk, bay)
    assert bay.store.query_one("SELECT id FROM approvals") is not None
    for t in (desk, bay):
        _verified(t)


def test_a_terminal_whose_change_the_hub_refused_still_verifies(tmp_path: Path, hub: Any) -> None:
    desk, bay1, bay2 = (join(hub, tmp_path, n) for n in ("desk", "bay-1", "bay-2"))
    vehicle = desk.workshop.add_vehicle(desk.admin, None, "粤B2", Powertrain.ICE).id
    wo = desk.workshop.create_work_order(desk.admin, vehicle, "noise").id
    desk.workshop.check_in(desk.admin, wo, 10_000)
    settle(desk, bay1, bay2)
    bay1.workshop.change_status(bay1.admin, wo, Status.DIAGNOSING)
    bay2.workshop.change_status(bay2.admin, wo, Status.CANCELLED, note="customer left")
    start = threading.Barrier(2)

    def push(t: Terminal) -> None:
        start.wait()
        t.client.push_once()

    threads = [threading.Thread(target=push, args=(t,)) for t in (bay1, bay2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    settle(desk, bay1, bay2)
    assert sum(len(replica.conflict_notes(t.store)) for t in (bay1, bay2)) == 1
    for t in (desk, bay1, bay2):
        _verified(t)
