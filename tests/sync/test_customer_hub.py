"""The customer's page served by the workshop hub: a decision taken on it reaches every
terminal with the drawn signature, and a follow-up answer reaches the desk's follow-up list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from station.findings import Severity, part
from station.lifecycle import Status
from station.vehicles import Powertrain
from sync import hub as hub_records
from sync.customer import signature_sha256
from tests.sync.customer_helpers import SIGNATURE, tap
from tests.workshop.conftest import WORKSHOP, hub  # noqa: F401 - the hub fixture
from tests.workshop.helpers import Terminal, add_technician, hub_digest, join, settle
from tests.workshop.test_terminals import _issue_report


def _hub_visit(desk: Terminal, bay: Terminal) -> tuple[int, int, int]:
    """A visit opened at the desk, inspected at bay 2, waiting for the customer's decision."""
    w, admin = desk.workshop, desk.admin
    customer = w.add_customer(admin, "王芳", "13800000000", "zh").id
    vehicle = w.add_vehicle(
        admin, None, "粤B12345", Powertrain.EV, "BYD", "Seal", 2023, customer
    ).id
    wo = w.create_work_order(admin, vehicle, "brakes squeal", customer_id=customer).id
    w.check_in(admin, wo, 42_000)
    add_technician(desk)
    settle(desk, bay, rounds=1)
    li = bay.workshop.login("li", "5678")
    bay.workshop.change_status(li, wo, Status.DIAGNOSING)
    pads = bay.workshop.add_finding(
        li, wo, "Front pads", Severity.URGENT, [part("Pads", 1, 38000)]
    ).id
    tyres = bay.workshop.add_finding(
        li, wo, "Rear tyres", Severity.SOON, [part("Tyre", 2, 45000)]
    ).id
    bay.workshop.change_status(li, wo, Status.AWAITING_APPROVAL)
    settle(bay, desk, rounds=1)
    return wo, pads, tyres


def test_a_decision_on_the_hubs_page_reaches_the_terminals_with_its_signature(
    tmp_path: Path,
    hub: Any,  # noqa: F811 - the fixture
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    wo, pads, tyres = _hub_visit(desk, bay)
    public = desk.client.cloud_work_order(wo)["public_id"]
    with httpx.Client(base_url=hub.url, timeout=30) as page:
        assert page.get(f"/t/{public}").status_code == 200
        approved = page.post(f"/t/{public}/decisions", json=tap(pads, "approved", "pending"))
        declined = page.post(f"/t/{public}/decisions", json=tap(tyres, "declined", "pending"))
    assert (approved.status_code, declined.status_code) == (201, 201), approved.text
    settle(desk, bay)
    reference = signature_sha256(SIGNATURE)
    for terminal in (desk, bay):
        rows = terminal.store.query(
            "SELECT finding_id, decision, channel, customer_name, signature_ref FROM approvals "
            "ORDER BY id"
        )
        assert [(r["finding_id"], r["decision"], r["channel"]) for r in rows] == [
            (pads, "approved", "remote"),
            (tyres, "declined", "remote"),
        ]
        assert [r["signature_ref"] for r in rows] == [reference, None]
        drawn = terminal.store.query_one("SELECT * FROM signatures WHERE sha256 = ?", (reference,))
        assert drawn is not None and (drawn["width"], drawn["height"]) == (300, 150)
        assert "[[10.0, 20.0], [40.0, 40.0]" in drawn["strokes"]
        assert [j["finding_id"] for j in terminal.workshop.jobs(wo)] == [pads]
    assert desk.digest() == bay.digest() == hub_digest(hub)


def test_a_follow_up_answer_on_the_hubs_page_reaches_the_desks_follow_up_list(
    tmp_path: Path,
    hub: Any,  # noqa: F811 - the fixture
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    wo, pads, tyres = _hub_visit(desk, bay)
    public = desk.client.cloud_work_order(wo)["public_id"]
    with httpx.Client(base_url=hub.url, timeout=30) as page:
        page.post(f"/t/{public}/decisions", json=tap(pads, "approved", "pending"))
        page.post(f"/t/{public}/decisions", json=tap(tyres, "declined", "pending"))
    # The advisor gives the customer's e-mail at the desk: every terminal has it.
    customer = desk.workshop.work_order(wo)["customer_id"]
    desk.workshop.set_contact(desk.admin, customer, email="wang@example.com")
    settle(desk, bay)
    assert bay.workshop.customer(customer)["email"] == "wang@example.com"
    li = bay.workshop.login("li", "5678")
    job = bay.workshop.jobs(wo)[0]["id"]
    bay.workshop.change_status(li, wo, Status.IN_REPAIR)
    bay.workshop.clock_on(li, job)
    bay.workshop.clock_off(li, job)
    bay.workshop.change_status(li, wo, Status.QUALITY_CHECK)
    bay.workshop.record_quality_check(li, wo, True)
    settle(bay, desk)
    desk.workshop.change_status(desk.admin, wo, Status.READY)
    _issue_report(desk, wo, tmp_path)
    desk.workshop.change_status(desk.admin, wo, Status.DELIVERED)
    settle(desk, bay)
    day1 = next(f for f in desk.workshop.follow_ups(wo) if f["kind"] == "day1")
    assert day1["done_at"] is None
    with httpx.Client(base_url=hub.url, timeout=30) as page:
        assert f"data-id='{day1['id']}'" in page.get(f"/t/{public}?lang=en").text
        body = {"tap": "answer-day1-0000000001", "rating": 4, "comment": "快，干净"}
        answered = page.post(f"/t/{public}/follow-ups/{day1['id']}", json=body)
        again = page.post(f"/t/{public}/follow-ups/{day1['id']}", json=body)
    assert answered.status_code == 201, answered.text
    assert again.status_code == 200 and again.json()["replayed"]
    settle(desk, bay)
    for terminal in (desk, bay):
        closed = next(f for f in terminal.workshop.follow_ups(wo) if f["id"] == day1["id"])
        assert closed["done_at"] is not None
        assert closed["outcome"] == "customer: rated 4/5 - 快，干净"
    with hub.service.db.transaction() as tx:
        row = hub_records.record(tx, WORKSHOP, "follow_ups", str(day1["id"]))
    assert row is not None and row["outcome"] == "customer: rated 4/5 - 快，干净"
    assert desk.digest() == bay.digest() == hub_digest(hub)
