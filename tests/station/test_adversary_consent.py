"""A customer's drawn signature backs what they saw when they drew it, and nothing else.

The attack: the signature pad's SHA-256 is all an approval or a handover refers
to, so a signature kept from one sitting could be replayed to approve a finding
added later, another customer's repair, or to sign for a car.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from station.errors import InvalidInput
from station.findings import Channel, Decision, FindingDraft, Severity, part
from station.lifecycle import Status
from station.roles import Role
from station.store import Store
from station.vehicles import Powertrain
from station.workshop import Actor, Workshop

DRAWING = [[(float(x), 50.0 + 20.0 * math.sin(x / 15)) for x in range(20, 280, 10)]]
RECEIPT = [[(float(x), 50.0 + 25.0 * math.cos(x / 12)) for x in range(20, 280, 10)]]


class Ticking:
    """A clock one second further on at every reading: every row has its own moment."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Workshop, Actor, Actor]]:
    store = Store.open(tmp_path / "station.db", clock=Ticking())
    workshop = Workshop(store)
    workshop.add_user(None, "admin", Role.ADMIN, "1234")
    admin = workshop.login("admin", "1234")
    workshop.add_user(admin, "desk", Role.ADVISOR, "3333")
    workshop.add_user(admin, "tech", Role.TECHNICIAN, "2222")
    yield workshop, workshop.login("desk", "3333"), workshop.login("tech", "2222")
    store.close()


def car_in_diagnosis(workshop: Workshop, advisor: Actor, technician: Actor, plate: str) -> int:
    customer = workshop.add_customer(advisor, f"owner of {plate}").id
    vehicle = workshop.add_vehicle(advisor, None, plate, Powertrain.ICE, customer_id=customer).id
    wo = workshop.create_work_order(advisor, vehicle, "noise").id
    workshop.check_in(advisor, wo, 1000)
    workshop.change_status(technician, wo, Status.DIAGNOSING)
    return wo


def finding(workshop: Workshop, technician: Actor, wo: int, title: str) -> int:
    return workshop.add_finding(
        technician, wo, FindingDraft(title, Severity.URGENT, [part(title, 1, 38_000)])
    ).id


def car_ready(workshop: Workshop, advisor: Actor, technician: Actor, plate: str) -> int:
    customer = workshop.add_customer(advisor, f"owner of {plate}").id
    vehicle = workshop.add_vehicle(advisor, None, plate, Powertrain.ICE, customer_id=customer).id
    wo = workshop.create_work_order(advisor, vehicle, "service", booked_jobs=["service"]).id
    workshop.check_in(advisor, wo, 1000)
    for status in (Status.DIAGNOSING, Status.IN_REPAIR, Status.QUALITY_CHECK):
        workshop.change_status(technician, wo, status)
    workshop.record_quality_check(technician, wo, passed=True)
    workshop.change_status(advisor, wo, Status.READY)
    workshop.record_report_issued(advisor, wo, "ef" * 32, "r.pdf", "zh")
    return wo


def test_one_signature_backs_the_findings_the_customer_saw_when_signing(
    desk: tuple[Workshop, Actor, Actor],
) -> None:
    workshop, advisor, technician = desk
    wo = car_in_diagnosis(workshop, advisor, technician, "粤B 00001")
    pads, tyre = (
        finding(workshop, technician, wo, "pads"),
        finding(workshop, technician, wo, "tyre"),
    )
    signed = workshop.record_signature(advisor, DRAWING, 300, 100)
    # one sitting: the customer signs once for both decisions
    workshop.record_approval(advisor, pads, Decision.APPROVED, "王芳", Channel.DESK, signed)
    workshop.record_approval(advisor, tyre, Decision.APPROVED, "王芳", Channel.DESK, signed)
    later = finding(workshop, technician, wo, "discs")
    before = len(workshop.store.query("SELECT id FROM approvals"))
    with pytest.raises(InvalidInput, match="signed before this finding was added"):
        workshop.record_approval(advisor, later, Decision.APPROVED, "王芳", Channel.DESK, signed)
    with pytest.raises(InvalidInput, match="signed before this finding was added"):
        workshop.record_approval(technician, later, Decision.APPROVED, "王芳", Channel.BAY, signed)
    # the same drawing sent again is the same old signature, not a new one
    assert workshop.record_signature(advisor, DRAWING, 300, 100) == signed
    with pytest.raises(InvalidInput, match="signed before this finding was added"):
        workshop.record_approval(advisor, later, Decision.APPROVED, "王芳", Channel.DESK, signed)
    assert len(workshop.store.query("SELECT id FROM approvals")) == before
    fresh = workshop.record_signature(advisor, RECEIPT, 300, 100)
    workshop.record_approval(advisor, later, Decision.APPROVED, "王芳", Channel.DESK, fresh)


def test_a_signature_does_not_approve_another_customers_repair(
    desk: tuple[Workshop, Actor, Actor],
) -> None:
    workshop, advisor, technician = desk
    first = car_in_diagnosis(workshop, advisor, technician, "粤B 00001")
    second = car_in_diagnosis(workshop, advisor, technician, "粤B 00002")
    pads = finding(workshop, technician, first, "pads")
    theirs = finding(workshop, technician, second, "timing belt")
    signed = workshop.record_signature(advisor, DRAWING, 300, 100)
    workshop.record_approval(advisor, pads, Decision.APPROVED, "王芳", Channel.DESK, signed)
    with pytest.raises(InvalidInput, match="another work order or a handover"):
        workshop.record_approval(advisor, theirs, Decision.APPROVED, "李雷", Channel.DESK, signed)
    assert workshop.store.query("SELECT id FROM approvals WHERE finding_id = ?", (theirs,)) == []


def test_a_signature_signs_for_one_car_and_only_at_its_handover(
    desk: tuple[Workshop, Actor, Actor],
) -> None:
    workshop, advisor, technician = desk
    first = car_ready(workshop, advisor, technician, "粤B 00001")
    second = car_ready(workshop, advisor, technician, "粤B 00002")
    receipt = workshop.record_signature(advisor, RECEIPT, 300, 100)
    workshop.hand_over(advisor, first, "王芳", receipt)
    with pytest.raises(InvalidInput, match="ask the customer to sign for the car"):
        workshop.hand_over(advisor, second, "李雷", receipt)
    assert workshop.handover(second) is None
    assert workshop.work_order(second)["status"] == Status.READY.value
    # nor does a receipt approve a repair, nor an approval's signature sign for a car
    wo = car_in_diagnosis(workshop, advisor, technician, "粤B 00003")
    pads = finding(workshop, technician, wo, "pads")
    with pytest.raises(InvalidInput, match="another work order or a handover"):
        workshop.record_approval(advisor, pads, Decision.APPROVED, "王芳", Channel.DESK, receipt)
    consent = workshop.record_signature(advisor, DRAWING, 300, 100)
    workshop.record_approval(advisor, pads, Decision.APPROVED, "王芳", Channel.DESK, consent)
    with pytest.raises(InvalidInput, match="ask the customer to sign for the car"):
        workshop.hand_over(advisor, second, "李雷", consent)


def test_a_technician_cannot_decline_for_the_customer_at_the_bay_without_their_signature(
    desk: tuple[Workshop, Actor, Actor],
) -> None:
    """The report would say the customer declined a repair they never saw."""
    workshop, advisor, technician = desk
    wo = car_in_diagnosis(workshop, advisor, technician, "粤B 00001")
    brakes = finding(workshop, technician, wo, "brake fluid")
    with pytest.raises(InvalidInput, match="a decision at the bay needs the customer's signature"):
        workshop.record_approval(technician, brakes, Decision.DECLINED, "王芳", Channel.BAY)
    assert workshop.store.query("SELECT id FROM approvals") == []
    signed = workshop.record_signature(technician, DRAWING, 300, 100)
    workshop.record_approval(technician, brakes, Decision.DECLINED, "王芳", Channel.BAY, signed)
    assert workshop.findings(wo)[0]["state"] == "declined"
