"""Text limits: refused with the limit and the length, never cut silently."""

from __future__ import annotations

import pytest

from station import inbox, limits
from station.alignment import (
    AlignmentReading,
    AlignmentSession,
    AlignmentSet,
    Position,
    Quantity,
    store_alignment,
)
from station.errors import InvalidInput
from station.findings import FindingDraft, Severity, part, validate_lines
from station.roles import Role
from station.store import Store
from station.vehicles import Powertrain, insert_vehicle
from station.workshop import Actor, Workshop


def test_text_at_the_limit_is_returned_unchanged() -> None:
    text = "刹" * limits.COMPLAINT.max_chars
    assert limits.check(limits.COMPLAINT, text) is text
    assert limits.check(limits.TITLE, "") == ""


def test_one_character_over_is_refused_with_the_limit_and_the_length() -> None:
    with pytest.raises(
        InvalidInput, match=r"a title has at most 200 characters \(this one has 201\)"
    ):
        limits.check(limits.TITLE, "x" * 201)


def test_a_huge_complaint_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"at most 2,000 characters \(this one has 2,000,000\)"):
        limits.check(limits.COMPLAINT, "x" * 2_000_000)


def test_a_missing_optional_text_passes_and_a_long_one_does_not() -> None:
    assert limits.check_optional(limits.PHONE, None) is None
    assert limits.check_optional(limits.PHONE, "+86 21 5555 0100") == "+86 21 5555 0100"
    with pytest.raises(InvalidInput, match="a phone number"):
        limits.check_optional(limits.PHONE, "1" * 41)


def test_the_limits_the_issue_asks_for() -> None:
    assert (limits.COMPLAINT.max_chars, limits.TITLE.max_chars, limits.NAME.max_chars) == (
        2000,
        200,
        100,
    )
    assert limits.NOTE.max_chars == 2000


def test_a_cloud_appointment_with_a_huge_complaint_is_refused_and_leaves_nothing(
    store: Store,
) -> None:
    booking = {
        "id": "c1",
        "customer": {"name": "Wang Fang", "phone": "138 0000 0000"},
        "vehicle": {"plate": "沪A12345"},
        "complaint": "noise " * 400_000,
    }
    changes = [
        {"seq": 1, "kind": "appointment.booked", "payload": booking},
        {
            "seq": 2,
            "kind": "appointment.booked",
            "payload": {**booking, "id": "c2", "complaint": "noise"},
        },
    ]
    applied = inbox.apply_changes(store, changes, 2)
    assert [a.outcome for a in applied] == ["refused", "applied"]
    assert "a complaint has at most 2,000 characters" in applied[0].detail
    assert [r["cloud_id"] for r in store.query("SELECT cloud_id FROM appointments")] == ["c2"]


def test_estimate_lines_and_vehicles_are_checked_too() -> None:
    with pytest.raises(InvalidInput, match="a description has at most 500"):
        validate_lines([part("pads " * 200, 1, 100)])
    with pytest.raises(InvalidInput, match="a part number has at most 60"):
        validate_lines([part("pads", 1, 100, "P" * 61)])
    validate_lines([part("pads", 1, 100, "BP-1")])


def test_a_plate_longer_than_a_plate_is_refused_and_nothing_is_written(store: Store) -> None:
    with pytest.raises(InvalidInput, match="a plate has at most 20"), store.transaction("t") as tx:
        insert_vehicle(
            tx,
            vin=None,
            plate="X" * 21,
            make=None,
            model=None,
            year=None,
            powertrain=Powertrain.ICE,
            customer_id=None,
            vin_warning=None,
        )
    assert store.query("SELECT id FROM vehicles") == []


def test_a_rig_label_of_a_megabyte_is_refused(workshop: Workshop, technician: Actor) -> None:
    vehicle = workshop.add_vehicle(technician, None, "B1", Powertrain.ICE).id
    wo = workshop.create_work_order(technician, vehicle, "pulls left").id
    session = AlignmentSession(
        before=AlignmentSet((AlignmentReading(Position.FRONT_LEFT, Quantity.TOE, 0.1),)),
        rig="rig " * 250_000,
    )
    with pytest.raises(InvalidInput, match="a device label has at most 200"):
        store_alignment(workshop, technician, wo, session)
    assert workshop.store.query("SELECT id FROM alignment_sessions") == []


def test_the_workshop_s_commands_refuse_text_over_the_limits(
    workshop: Workshop, technician: Actor, advisor: Actor, admin: Actor
) -> None:
    vehicle = workshop.add_vehicle(technician, None, "C1", Powertrain.ICE).id
    with pytest.raises(InvalidInput, match="a complaint has at most 2,000 characters"):
        workshop.create_work_order(technician, vehicle, "noise " * 400_000)
    with pytest.raises(InvalidInput, match="a description has at most 500"):
        workshop.create_work_order(technician, vehicle, "noise", booked_jobs=["oil " * 200])
    assert workshop.store.query("SELECT id FROM work_orders") == []
    wo = workshop.create_work_order(technician, vehicle, "noise").id
    events = workshop.store.query("SELECT COUNT(*) AS n FROM audit_events")[0]["n"]
    refused = [
        (
            lambda: workshop.add_finding(
                technician, wo, FindingDraft("pads " * 200_000, Severity.SOON, [])
            ),
            "a title",
        ),
        (lambda: workshop.post_update(advisor, wo, "part " * 1000), "a note"),
        (lambda: workshop.add_customer(advisor, "Wang " * 30), "a name"),
        (lambda: workshop.add_user(admin, "x" * 101, Role.TECHNICIAN, "1357"), "a name"),
    ]
    for command, what in refused:
        with pytest.raises(InvalidInput, match=f"{what} has at most"):
            command()
    assert workshop.store.query("SELECT COUNT(*) AS n FROM audit_events")[0]["n"] == events
    assert workshop.store.query("SELECT COUNT(*) AS n FROM findings")[0]["n"] == 0
