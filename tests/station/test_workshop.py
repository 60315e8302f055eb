"""The workshop's commands against a real database: guards, roles, bad input, records."""

from __future__ import annotations

import math
import sqlite3

import pytest

from station import inbox
from station.checklists import Rating
from station.errors import (
    AccountLocked,
    AuthenticationFailed,
    ImmutableRecord,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransitionRefused,
)
from station.findings import Channel, Decision, FindingDraft, Severity, labour, part
from station.lifecycle import Status
from station.roles import PERMISSIONS, Role, may
from station.vehicles import Powertrain
from station.workshop import Actor, Workshop

VIN = "1HGCM82633A004352"  # a valid check digit
# A signature drawn across most of a 300 x 100 pad.
SIGNATURE = [[(float(x), 50.0 + 20.0 * math.sin(x / 15)) for x in range(20, 280, 10)]]


def counts(workshop: Workshop) -> dict[str, int]:
    tables = (
        "work_orders",
        "vehicles",
        "audit_events",
        "outbox",
        "mileage_readings",
        "findings",
        "approvals",
    )
    return {t: workshop.store.query_one(f"SELECT COUNT(*) AS n FROM {t}")["n"] for t in tables}  # type: ignore[index]


@pytest.fixture
def vehicle_id(workshop: Workshop, advisor: Actor) -> int:
    customer = workshop.add_customer(advisor, "王芳", "+86 138", "zh").id
    return workshop.add_vehicle(
        advisor, VIN, "粤B 12345", Powertrain.ICE, "Bay", "Sedan", 2019, customer
    ).id


def open_in_diagnosis(
    workshop: Workshop, technician: Actor, vehicle_id: int, km: int = 1000
) -> int:
    wo = workshop.create_work_order(technician, vehicle_id, "noise", bay="Bay 1").id
    workshop.check_in(technician, wo, km, customer_confirmed=True)
    workshop.change_status(technician, wo, Status.DIAGNOSING)
    return wo


def add_pad_finding(workshop: Workshop, actor: Actor, wo: int) -> int:
    return workshop.add_finding(
        actor,
        wo,
        FindingDraft(
            "Rear pads 2.6 mm",
            Severity.URGENT,
            [part("pads", 1, 38_000), labour("fit", 0.8, 30_000)],
            "replace pads",
        ),
    ).id


def test_first_user_must_be_an_admin_and_later_users_need_one(workshop: Workshop) -> None:
    with pytest.raises(InvalidInput, match="first user"):
        workshop.add_user(None, "tom", Role.TECHNICIAN, "1234")
    workshop.add_user(None, "boss", Role.ADMIN, "9876")
    with pytest.raises(AuthenticationFailed):
        workshop.add_user(None, "tom", Role.TECHNICIAN, "1234")


def test_pins_are_salted_scrypt_hashes(workshop: Workshop, admin: Actor) -> None:
    workshop.add_user(admin, "a", Role.TECHNICIAN, "5555")
    workshop.add_user(admin, "b", Role.TECHNICIAN, "5555")
    rows = workshop.store.query("SELECT pin_salt, pin_hash FROM users WHERE name IN ('a', 'b')")
    assert rows[0]["pin_salt"] != rows[1]["pin_salt"]
    assert rows[0]["pin_hash"] != rows[1]["pin_hash"]
    assert b"5555" not in rows[0]["pin_hash"]


def test_wrong_pin_counts_and_locks_after_five(
    workshop: Workshop, admin: Actor, technician: Actor
) -> None:
    for attempt in range(4):
        with pytest.raises(AuthenticationFailed, match=f"{4 - attempt} attempts left"):
            workshop.login("tech", "0000")
    with pytest.raises(AccountLocked):
        workshop.login("tech", "0000")
    with pytest.raises(AccountLocked):
        workshop.login("tech", "2222")  # even the right PIN
    with pytest.raises(PermissionDenied):
        workshop.unlock_user(technician, "tech")
    workshop.unlock_user(admin, "tech")
    assert workshop.login("tech", "2222").role is Role.TECHNICIAN


def test_a_right_pin_resets_the_failure_count(workshop: Workshop, technician: Actor) -> None:
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            workshop.login("tech", "9999")
    workshop.login("tech", "2222")
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            workshop.login("tech", "9999")
    assert workshop.login("tech", "2222").name == "tech"


def test_malformed_vin_is_refused_and_changes_nothing(workshop: Workshop, advisor: Actor) -> None:
    before = counts(workshop)
    for bad in ("123", "1HGCM82633A00435I", "1HGCM82633A0043521"):
        with pytest.raises(InvalidInput, match="malformed VIN"):
            workshop.add_vehicle(advisor, bad, None, Powertrain.ICE)
    assert counts(workshop) == before


def test_vin_check_digit_warns_but_does_not_block(workshop: Workshop, advisor: Actor) -> None:
    created = workshop.add_vehicle(advisor, "LBV3A5C18K1234567", None, Powertrain.EV)
    assert created.warnings and "check digit" in created.warnings[0]
    assert workshop.vehicle(created.id)["vin_warning"]


def test_mileage_going_down_is_refused_unless_confirmed(
    workshop: Workshop, technician: Actor, vehicle_id: int
) -> None:
    workshop.record_mileage(technician, vehicle_id, 50_000)
    before = counts(workshop)
    with pytest.raises(InvalidInput, match="went down from 50000 km to 49000 km"):
        workshop.record_mileage(technician, vehicle_id, 49_000)
    assert counts(workshop) == before
    warnings = workshop.record_mileage(technician, vehicle_id, 49_000, confirm_lower=True)
    assert warnings == ("mileage went down from 50000 km to 49000 km",)
    row = workshop.store.query_one("SELECT warning FROM mileage_readings ORDER BY id DESC LIMIT 1")
    assert row is not None and "went down" in row["warning"]


def test_check_in_with_lower_mileage_changes_nothing(
    workshop: Workshop, technician: Actor, vehicle_id: int
) -> None:
    workshop.record_mileage(technician, vehicle_id, 50_000)
    wo = workshop.create_work_order(technician, vehicle_id).id
    before = counts(workshop)
    with pytest.raises(InvalidInput):
        workshop.check_in(technician, wo, 10)
    assert counts(workshop) == before
    assert workshop.work_order(wo)["status"] == "booked"


def test_unknown_work_order_and_template_are_clear_errors(
    workshop: Workshop, technician: Actor, vehicle_id: int
) -> None:
    with pytest.raises(NotFound, match="work order 999"):
        workshop.change_status(technician, 999, Status.DIAGNOSING)
    wo = workshop.create_work_order(technician, vehicle_id).id
    before = counts(workshop)
    with pytest.raises(NotFound, match="no checklist template nonsense"):
        workshop.start_checklist(technician, wo, "nonsense")
    assert counts(workshop) == before


def test_every_status_change_writes_progress_audit_and_outbox(
    workshop: Workshop, technician: Actor, vehicle_id: int
) -> None:
    wo = open_in_diagnosis(workshop, technician, vehicle_id)
    events = workshop.progress_events(wo)
    assert [e["to_status"] for e in events] == ["booked", "checked_in", "diagnosing"]
    assert all(e["text_zh"] and e["text_en"] for e in events)
    outbox = workshop.store.query(
        "SELECT kind, payload FROM outbox WHERE kind = 'work_order.status_changed'"
    )
    assert len(outbox) == 3
    assert workshop.work_order(wo)["version"] == 3
    assert workshop.store.verify_audit_chain().ok


def test_full_visit_with_per_item_approval(
    workshop: Workshop, technician: Actor, advisor: Actor, vehicle_id: int
) -> None:
    wo = open_in_diagnosis(workshop, technician, vehicle_id)
    pads = add_pad_finding(workshop, technician, wo)
    tyre = workshop.add_finding(
        technician, wo, FindingDraft("tyre", Severity.SOON, [part("tyre", 1, 72_000)])
    ).id
    with pytest.raises(TransitionRefused, match="waiting for approval"):
        workshop.change_status(technician, wo, Status.IN_REPAIR)
    workshop.change_status(technician, wo, Status.AWAITING_APPROVAL)
    signature = workshop.record_signature(advisor, SIGNATURE, 300, 100)
    workshop.record_approval(advisor, pads, Decision.APPROVED, "王芳", Channel.DESK, signature)
    workshop.record_approval(advisor, tyre, Decision.DECLINED, "王芳", Channel.DESK)
    states = {f["id"]: f["state"] for f in workshop.findings(wo)}
    assert states == {pads: "approved", tyre: "declined"}
    workshop.change_status(technician, wo, Status.IN_REPAIR)
    jobs = workshop.jobs(wo)
    assert [j["finding_id"] for j in jobs] == [pads]
    workshop.clock_on(technician, jobs[0]["id"])
    with pytest.raises(TransitionRefused, match="clocked on"):
        workshop.change_status(technician, wo, Status.QUALITY_CHECK)
    workshop.clock_off(technician, jobs[0]["id"])
    workshop.change_status(technician, wo, Status.QUALITY_CHECK)
    workshop.record_quality_check(technician, wo, passed=False, note="pedal soft")
    with pytest.raises(TransitionRefused, match="quality check"):
        workshop.change_status(advisor, wo, Status.READY)
    workshop.change_status(technician, wo, Status.IN_REPAIR, "rework")
    workshop.change_status(technician, wo, Status.QUALITY_CHECK)
    workshop.record_quality_check(technician, wo, passed=True)
    workshop.change_status(advisor, wo, Status.READY)
    with pytest.raises(TransitionRefused, match="health report"):
        workshop.change_status(advisor, wo, Status.DELIVERED)
    workshop.record_report_issued(advisor, wo, "ab" * 32, "r.pdf", "zh")
    workshop.change_status(advisor, wo, Status.DELIVERED)
    follow_ups = workshop.store.query(
        "SELECT kind, due_at FROM follow_ups WHERE work_order_id = ? ORDER BY id", (wo,)
    )
    assert [f["kind"] for f in follow_ups] == ["day1", "day7"]
    due = workshop.next_service_due(vehicle_id)
    assert due is not None and due["due_km"] == 11_000
    assert workshop.store.verify_audit_chain().ok


def test_declined_finding_can_be_approved_later_but_not_withdrawn(
    workshop: Workshop, technician: Actor, advisor: Actor, vehicle_id: int
) -> None:
    wo = open_in_diagnosis(workshop, technician, vehicle_id)
    pads = add_pad_finding(workshop, technician, wo)
    workshop.record_approval(advisor, pads, Decision.DECLINED, "王芳", Channel.DESK)
    change = {"finding_id": pads, "decision": "approved", "customer_name": "王芳"}
    applied = inbox.apply_changes(
        workshop.store, [{"seq": 1, "kind": "approval.remote", "payload": change}], 1
    )
    assert [a.outcome for a in applied] == ["applied"]
    finding = workshop.findings(wo)[0]
    assert finding["state"] == "approved"
    assert [a["decision"] for a in finding["approvals"]] == ["declined", "approved"]
    assert [a["channel"] for a in finding["approvals"]] == ["desk", "remote"]
    with pytest.raises(ImmutableRecord):
        workshop.record_approval(advisor, pads, Decision.DECLINED, "王芳", Channel.DESK)


def test_desk_approval_needs_a_real_signature(
    workshop: Workshop, technician: Actor, advisor: Actor, vehicle_id: int
) -> None:
    wo = open_in_diagnosis(workshop, technician, vehicle_id)
    pads = add_pad_finding(workshop, technician, wo)
    with pytest.raises(InvalidInput, match="signature"):
        workshop.record_approval(advisor, pads, Decision.APPROVED, "王芳", Channel.DESK)
    with pytest.raises(NotFound):
        workshop.record_approval(advisor, pads, Decision.APPROVED, "王芳", Channel.DESK, "00" * 32)
    with pytest.raises(InvalidInput, match="empty"):
        workshop.record_signature(advisor, [[(1.0, 1.0)]], 300, 100)
    assert workshop.findings(wo)[0]["state"] == "pending"


def test_no_repair_on_a_finding_that_is_not_approved(
    workshop: Workshop, technician: Actor, advisor: Actor, vehicle_id: int
) -> None:
    wo = workshop.create_work_order(technician, vehicle_id, booked_jobs=["oil service"]).id
    workshop.check_in(technician, wo, 100)
    workshop.change_status(technician, wo, Status.DIAGNOSING)
    workshop.change_status(technician, wo, Status.IN_REPAIR)
    pads = add_pad_finding(workshop, technician, wo)
    workshop.record_approval(advisor, pads, Decision.DECLINED, "王芳", Channel.DESK)
    # the only finding was declined: it has no job to clock on
    assert [j["finding_id"] for j in workshop.jobs(wo)] == [None]
    # a hand-made job on an unapproved finding is refused at clock-on
    with workshop.store.transaction("test") as tx:
        job = tx.insert(
            "jobs",
            {"work_order_id": wo, "finding_id": pads, "description": "x", "created_at": tx.at},
        )
    with pytest.raises(TransitionRefused, match="not approved"):
        workshop.clock_on(technician, job)


def test_approved_and_signed_records_cannot_be_changed_in_place(
    workshop: Workshop, technician: Actor, advisor: Actor, vehicle_id: int
) -> None:
    wo = open_in_diagnosis(workshop, technician, vehicle_id)
    pads = add_pad_finding(workshop, technician, wo)
    signature = workshop.record_signature(advisor, SIGNATURE, 300, 100)
    workshop.record_approval(advisor, pads, Decision.APPROVED, "王芳", Channel.DESK, signature)
    workshop.record_report_issued(advisor, wo, "cd" * 32, "r.pdf", "zh")
    conn = workshop.store.db.conn
    for sql in (
        "UPDATE approvals SET decision = 'declined'",
        "DELETE FROM approvals",
        "UPDATE findings SET title = 'x'",
        "UPDATE estimate_lines SET unit_price_cents = 1",
        "UPDATE signatures SET strokes = '[]'",
        "UPDATE reports SET sha256 = 'x'",
        "DELETE FROM audit_events",
        "UPDATE audit_events SET data = '{}'",
        "DELETE FROM work_orders",
    ):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(sql)


def test_cancelled_not_deleted(
    workshop: Workshop, admin: Actor, technician: Actor, vehicle_id: int
) -> None:
    wo = workshop.create_work_order(admin, vehicle_id).id
    workshop.change_status(admin, wo, Status.CANCELLED, "customer called off")
    assert workshop.work_order(wo)["status"] == "cancelled"
    with pytest.raises(TransitionRefused):
        workshop.change_status(admin, wo, Status.IN_REPAIR)
    with pytest.raises(TransitionRefused):
        workshop.add_finding(technician, wo, FindingDraft("x", Severity.SOON, [part("p", 1, 1)]))


ROLE_REFUSALS = [
    (Role.TECHNICIAN, "user.manage"),
    (Role.ADVISOR, "user.manage"),
    (Role.TECHNICIAN, "work_order.deliver"),
    (Role.TECHNICIAN, "work_order.ready"),
    (Role.TECHNICIAN, "work_order.cancel"),
    (Role.TECHNICIAN, "report.issue"),
    (Role.TECHNICIAN, "customer.manage"),
    (Role.ADVISOR, "job.clock"),
    (Role.ADVISOR, "dtc.clear"),
    (Role.ADVISOR, "work_order.diagnose"),
    (Role.ADVISOR, "work_order.repair"),
]


@pytest.mark.parametrize(("role", "permission"), ROLE_REFUSALS)
def test_role_table_refusals(role: Role, permission: str) -> None:
    assert not may(role, permission)


def test_admin_may_do_everything() -> None:
    assert all(may(Role.ADMIN, p) for p in PERMISSIONS)


def test_role_checks_in_the_commands(
    workshop: Workshop, admin: Actor, technician: Actor, advisor: Actor, vehicle_id: int
) -> None:
    with pytest.raises(PermissionDenied):
        workshop.add_user(technician, "x", Role.TECHNICIAN, "1111")
    with pytest.raises(PermissionDenied):
        workshop.add_user(advisor, "x", Role.ADMIN, "1111")
    with pytest.raises(PermissionDenied):
        workshop.add_customer(technician, "x")
    wo = open_in_diagnosis(workshop, technician, vehicle_id)
    with pytest.raises(PermissionDenied):
        workshop.change_status(advisor, wo, Status.IN_REPAIR)
    with pytest.raises(PermissionDenied):
        workshop.change_status(technician, wo, Status.CANCELLED)
    with pytest.raises(PermissionDenied):
        workshop.record_report_issued(technician, wo, "ab" * 32, "r.pdf", "zh")
    workshop.change_status(admin, wo, Status.CANCELLED)
    assert workshop.work_order(wo)["status"] == "cancelled"


def test_checklist_measurements_are_rated_and_remembered(
    workshop: Workshop, technician: Actor, vehicle_id: int
) -> None:
    first = open_in_diagnosis(workshop, technician, vehicle_id, km=40_000)
    checklist = workshop.start_checklist(technician, first, "inspection").id
    assert workshop.record_item(technician, checklist, "pads_front", value=6.0) is Rating.GREEN
    assert workshop.record_item(technician, checklist, "pads_rear", value=3.5) is Rating.AMBER
    assert workshop.record_item(technician, checklist, "tread_rr", value=1.2) is Rating.RED
    assert workshop.record_item(technician, checklist, "discs", Rating.GREEN) is Rating.GREEN
    with pytest.raises(InvalidInput, match="takes no measurement"):
        workshop.record_item(technician, checklist, "discs", value=3.0)
    with pytest.raises(InvalidInput, match="needs a rating"):
        workshop.record_item(technician, checklist, "wipers")
    assert workshop.rating_summary(first) == {"green": 2, "amber": 1, "red": 1}
    workshop.change_status(technician, first, Status.QUALITY_CHECK)
    second = workshop.create_work_order(technician, vehicle_id).id
    last = workshop.last_visit_value(vehicle_id, "pads_front", second)
    assert last is not None and last["value"] == 6.0 and last["unit"] == "mm"
    assert workshop.last_visit_value(vehicle_id, "pads_front", first) is None


def test_finding_from_a_measurement_carries_remaining_life(
    workshop: Workshop, technician: Actor, vehicle_id: int
) -> None:
    wo = open_in_diagnosis(workshop, technician, vehicle_id)
    checklist = workshop.start_checklist(technician, wo, "inspection").id
    workshop.record_item(technician, checklist, "pads_front", value=6.0)
    result = workshop.checklist_results(checklist)["pads_front"]
    finding = workshop.add_finding(
        technician,
        wo,
        FindingDraft(
            "front pads",
            Severity.ADVISORY,
            [labour("check", 0.1, 30_000)],
            checklist_result_id=result["id"],
        ),
    ).id
    row = next(f for f in workshop.findings(wo) if f["id"] == finding)
    assert row["measurement_value"] == 6.0 and row["remaining_life_km"] == 10_000
    assert row["total_cents"] == 3_000


def test_bad_estimate_lines_are_refused_and_change_nothing(
    workshop: Workshop, technician: Actor, vehicle_id: int
) -> None:
    wo = open_in_diagnosis(workshop, technician, vehicle_id)
    before = counts(workshop)
    with pytest.raises(InvalidInput, match="quantity"):
        workshop.add_finding(technician, wo, FindingDraft("x", Severity.SOON, [part("p", 0, 100)]))
    with pytest.raises(InvalidInput, match="negative"):
        workshop.add_finding(technician, wo, FindingDraft("x", Severity.SOON, [part("p", 1, -100)]))
    assert counts(workshop) == before


def test_vehicle_search_by_vin_suffix_and_plate(workshop: Workshop, vehicle_id: int) -> None:
    assert [v["id"] for v in workshop.find_vehicles(vin=VIN.lower())] == [vehicle_id]
    assert [v["id"] for v in workshop.find_vehicles(vin_suffix="004352")] == [vehicle_id]
    assert workshop.find_vehicles(vin_suffix="999999") == []
    assert [v["id"] for v in workshop.find_vehicles(plate="粤b12345")] == [vehicle_id]
    with pytest.raises(InvalidInput):
        workshop.find_vehicles()


def test_an_update_to_the_customer_without_a_status_change(
    workshop: Workshop, technician: Actor, advisor: Actor, vehicle_id: int
) -> None:
    wo = open_in_diagnosis(workshop, technician, vehicle_id)
    workshop.post_update(advisor, wo, "waiting for the part, ready by 3 pm")
    last = workshop.progress_events(wo)[-1]
    assert (last["from_status"], last["to_status"], last["note"]) == (
        "diagnosing",
        "diagnosing",
        "waiting for the part, ready by 3 pm",
    )
    assert last["text_zh"] and last["text_en"]
    assert workshop.work_order(wo)["version"] == 3
    assert workshop.store.query_one("SELECT kind FROM outbox ORDER BY seq DESC LIMIT 1") == {
        "kind": "work_order.update_posted"
    }
    with pytest.raises(InvalidInput):
        workshop.post_update(advisor, wo, "  ")
    workshop.change_status(advisor, wo, Status.CANCELLED)
    with pytest.raises(TransitionRefused):
        workshop.post_update(advisor, wo, "too late")


def test_handover_signed_by_the_customer_delivers_in_one_step(
    workshop: Workshop, technician: Actor, advisor: Actor, vehicle_id: int
) -> None:
    wo = workshop.create_work_order(technician, vehicle_id, booked_jobs=["service"]).id
    workshop.check_in(technician, wo, 100)
    workshop.change_status(technician, wo, Status.DIAGNOSING)
    workshop.change_status(technician, wo, Status.IN_REPAIR)
    workshop.change_status(technician, wo, Status.QUALITY_CHECK)
    workshop.record_quality_check(technician, wo, passed=True)
    workshop.change_status(advisor, wo, Status.READY)
    signature = workshop.record_signature(advisor, SIGNATURE, 300, 100)
    before = counts(workshop)
    with pytest.raises(TransitionRefused, match="health report"):
        workshop.hand_over(advisor, wo, "王芳", signature)
    assert counts(workshop) == before and workshop.handover(wo) is None
    report = workshop.record_report_issued(advisor, wo, "ef" * 32, "r.pdf", "zh").id
    with pytest.raises(PermissionDenied):
        workshop.hand_over(technician, wo, "王芳", signature)
    with pytest.raises(NotFound):
        workshop.hand_over(advisor, wo, "王芳", "00" * 32)
    with pytest.raises(InvalidInput):
        workshop.hand_over(advisor, wo, " ", signature)
    workshop.hand_over(advisor, wo, "王芳", signature)
    handover = workshop.handover(wo)
    assert handover is not None and (
        handover["customer_name"],
        handover["signature_ref"],
        handover["report_id"],
    ) == ("王芳", signature, report)
    assert workshop.work_order(wo)["status"] == "delivered"
    assert [
        f["kind"]
        for f in workshop.store.query("SELECT kind FROM follow_ups WHERE work_order_id = ?", (wo,))
    ] == ["day1", "day7"]
    with pytest.raises(TransitionRefused):
        workshop.hand_over(advisor, wo, "王芳", signature)
    with pytest.raises(sqlite3.IntegrityError):
        workshop.store.db.conn.execute("UPDATE handovers SET customer_name = 'x'")


def test_only_an_advisor_takes_consent_at_the_desk_and_remote_comes_from_the_inbox(
    workshop: Workshop, technician: Actor, advisor: Actor, vehicle_id: int
) -> None:
    wo = open_in_diagnosis(workshop, technician, vehicle_id)
    pads = add_pad_finding(workshop, technician, wo)
    signature = workshop.record_signature(technician, SIGNATURE, 300, 100)
    with pytest.raises(PermissionDenied, match="advisor"):
        workshop.record_approval(
            technician, pads, Decision.APPROVED, "王芳", Channel.DESK, signature
        )
    with pytest.raises(PermissionDenied, match="inbox"):
        workshop.record_approval(advisor, pads, Decision.APPROVED, "王芳", Channel.REMOTE)
    assert workshop.findings(wo)[0]["approvals"] == []
    # at the bay the technician hands the tablet to the customer, who signs
    workshop.record_approval(technician, pads, Decision.APPROVED, "王芳", Channel.BAY, signature)
    assert workshop.findings(wo)[0]["state"] == "approved"


@pytest.mark.parametrize(
    "strokes",
    [
        [[(10.0, 10.0), (12.0, 11.0)]],  # a two-point scribble
        [[(100.0, 50.0), (101.0, 50.0), (101.0, 51.0), (100.0, 51.0)] * 3],  # a blob of ink
        [[(float(x), 50.0) for x in range(100, 130, 3)]],  # a short dash
    ],
)
def test_a_signature_must_be_a_plausible_drawing(
    workshop: Workshop, advisor: Actor, strokes: list[list[tuple[float, float]]]
) -> None:
    with pytest.raises(InvalidInput, match="signature"):
        workshop.record_signature(advisor, strokes, 300, 100)
    assert workshop.store.query("SELECT * FROM signatures") == []


def test_the_same_decision_twice_is_recorded_once(
    workshop: Workshop, technician: Actor, advisor: Actor, vehicle_id: int
) -> None:
    wo = open_in_diagnosis(workshop, technician, vehicle_id)
    pads = add_pad_finding(workshop, technician, wo)
    first = workshop.record_approval(advisor, pads, Decision.DECLINED, "王芳", Channel.DESK)
    second = workshop.record_approval(advisor, pads, Decision.DECLINED, "王芳", Channel.DESK)
    assert first.id == second.id
    assert len(workshop.findings(wo)[0]["approvals"]) == 1


def test_lockout_counts_every_try_and_the_recovery_code_lets_the_admin_back(
    workshop: Workshop, admin: Actor
) -> None:
    code = workshop.issue_recovery_code(admin)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            workshop.login("admin", "0000")
    with pytest.raises(AccountLocked):
        workshop.login("admin", "1234")
    with pytest.raises(AuthenticationFailed, match="recovery code"):
        workshop.recover_admin("admin", "AAAAA-AAAAA-AAAAA-AAAAA", "5678")
    next_code = workshop.recover_admin("admin", code.lower(), "5678")
    assert workshop.login("admin", "5678").name == "admin"
    # the code worked once; its successor works next time
    with pytest.raises(AuthenticationFailed):
        workshop.recover_admin("admin", code, "9999")
    assert next_code != code
    workshop.recover_admin("admin", next_code, "9999")
    assert workshop.login("admin", "9999").role is Role.ADMIN
