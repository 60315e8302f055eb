"""Commands that must not let a false fact in: a scan of another car, a clear that would
hide unrepaired faults. Real store, real transactions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from station import alignment as al
from station.adjustment import AdjustmentState, adjustment_state, propose_adjustment
from station.catalogue import load_starter
from station.demo import demo_signature_strokes
from station.diagnostics import (
    CodesAtRisk,
    OtherVehicle,
    authorise_code_clear,
    codes_at_risk_on_clear,
    latest_scan,
    record_scan,
)
from station.errors import ImmutableRecord, InvalidInput
from station.findings import Channel, Decision, FindingDraft, Severity, labour, part
from station.lifecycle import Status
from station.truth import CodeAtRisk
from station.vehicles import Powertrain
from station.workshop import Actor, Workshop

VIN = "LSVAU2180N2183741"
OTHER_VIN = "LGXCE4CB5N0123456"


def scan(vin: str, *codes: str) -> dict[str, Any]:
    return {
        "vin": vin,
        "protocol": "CAN",
        "ecus": [{"id": "7E8", "dtcs": [{"code": c, "kind": "stored"} for c in codes]}],
    }


@pytest.fixture
def wo_id(workshop: Workshop, admin: Actor, technician: Actor) -> int:
    vehicle = workshop.add_vehicle(admin, VIN, "B1", Powertrain.ICE, "Bay", "Sedan", 2019).id
    wo = workshop.create_work_order(admin, vehicle).id
    workshop.check_in(admin, wo, 45_000)
    workshop.change_status(technician, wo, Status.DIAGNOSING)
    return wo


def test_a_scan_of_another_car_is_not_kept_unless_confirmed(
    workshop: Workshop, technician: Actor, wo_id: int
) -> None:
    with pytest.raises(OtherVehicle, match=f"VIN {OTHER_VIN}.*has {VIN}"):
        record_scan(workshop, technician, wo_id, "pre", scan(OTHER_VIN, "P0420"))
    assert latest_scan(workshop, wo_id, "pre") is None
    record_scan(
        workshop, technician, wo_id, "pre", scan(OTHER_VIN, "P0420"), confirm_other_vin=True
    )
    kept = latest_scan(workshop, wo_id, "pre")
    assert kept is not None and kept["vin"] == OTHER_VIN
    event = workshop.store.query_one(
        "SELECT actor, data FROM audit_events WHERE kind = 'diagnostics.scan_recorded'"
    )
    assert event is not None and event["actor"] == "tech"
    assert json.loads(event["data"])["other_vin_confirmed"] == {
        "scanned": OTHER_VIN,
        "work_order": VIN,
    }
    # the right car, or a car that gives no VIN, needs no confirmation
    record_scan(workshop, technician, wo_id, "pre", scan(VIN.lower(), "P0301"))
    record_scan(workshop, technician, wo_id, "pre", scan("", "P0301") | {"vin": None})


def test_a_clear_names_declined_and_unrepaired_codes_first(
    workshop: Workshop, technician: Actor, advisor: Actor, wo_id: int
) -> None:
    record_scan(workshop, technician, wo_id, "pre", scan(VIN, "P0301", "P0420", "P0171"))
    lines = [labour("Work", 1, 30_000)]
    coil = workshop.add_finding(
        technician, wo_id, FindingDraft("Coil", Severity.URGENT, lines, dtc="P0301")
    )
    cat = workshop.add_finding(
        technician, wo_id, FindingDraft("Catalyst", Severity.SOON, lines, dtc="P0420")
    )
    workshop.change_status(technician, wo_id, Status.AWAITING_APPROVAL)
    signed = workshop.record_signature(advisor, demo_signature_strokes(), 600, 200)
    for finding, decision in ((coil, Decision.APPROVED), (cat, Decision.DECLINED)):
        workshop.record_approval(advisor, finding.id, decision, "Ms Wang", Channel.DESK, signed)
    assert codes_at_risk_on_clear(workshop, wo_id) == (
        CodeAtRisk("P0171", "not_repaired"),
        CodeAtRisk("P0301", "not_repaired"),  # approved, but nobody has done the job yet
        CodeAtRisk("P0420", "declined"),
    )
    with pytest.raises(CodesAtRisk, match=r"P0420 \(declined by the customer\)"):
        authorise_code_clear(workshop, technician, wo_id, ["7E8"], True)
    assert workshop.store.query("SELECT * FROM code_clears") == []
    workshop.change_status(technician, wo_id, Status.IN_REPAIR)
    job = next(j for j in workshop.jobs(wo_id) if j["finding_id"] == coil.id)
    workshop.clock_on(technician, job["id"])
    workshop.clock_off(technician, job["id"])
    with pytest.raises(CodesAtRisk) as refused:
        authorise_code_clear(workshop, technician, wo_id, ["7E8"], True, ("P0171",))
    assert [c.code for c in refused.value.codes] == ["P0420"]
    authorise_code_clear(workshop, technician, wo_id, ["7E8"], True, ("P0171", "P0420"))
    event = workshop.store.query_one(
        "SELECT data FROM audit_events WHERE kind = 'diagnostics.codes_cleared'"
    )
    assert event is not None
    assert json.loads(event["data"])["unrepaired_accepted"] == [
        {"code": "P0171", "reason": "not_repaired"},
        {"code": "P0420", "reason": "declined"},
    ]


def decided(workshop: Workshop, advisor: Actor, *findings: tuple[int, Decision]) -> None:
    signed = workshop.record_signature(advisor, demo_signature_strokes(), 600, 200)
    for finding_id, decision in findings:
        workshop.record_approval(advisor, finding_id, decision, "Ms Wang", Channel.DESK, signed)


def test_a_finding_is_withdrawn_or_superseded_never_edited(
    workshop: Workshop, technician: Actor, advisor: Actor, wo_id: int
) -> None:
    lines = [labour("Work", 1, 30_000)]
    mistap = workshop.add_finding(
        technician,
        wo_id,
        FindingDraft("P0420 + ignition coil 610", Severity.URGENT, lines, dtc="P0420"),
    ).id
    wrong_price = workshop.add_finding(
        technician, wo_id, FindingDraft("Coil", Severity.URGENT, lines, dtc="P0301")
    )
    with pytest.raises(InvalidInput, match="say why"):
        workshop.withdraw_finding(technician, mistap, "  ")
    workshop.withdraw_finding(technician, mistap, "tapped the wrong code")
    with pytest.raises(ImmutableRecord, match="already withdrawn"):
        workshop.withdraw_finding(technician, mistap, "again")
    better = workshop.supersede_finding(
        technician,
        wrong_price.id,
        "coil is ¥610, not ¥300",
        FindingDraft(
            "Ignition coil cylinder 1", Severity.URGENT, [part("Ignition coil", 1, 61_000)]
        ),
    ).id
    findings = {f["id"]: f for f in workshop.findings(wo_id)}
    assert findings[mistap]["standing"] == "withdrawn"  # still on record
    assert findings[mistap]["correction_reason"] == "tapped the wrong code"
    assert findings[wrong_price.id]["standing"] == "superseded"
    assert findings[wrong_price.id]["replaced_by"] == better
    assert findings[better]["source_ref"] == "P0301" and findings[better]["total_cents"] == 61_000
    workshop.change_status(technician, wo_id, Status.AWAITING_APPROVAL)
    with pytest.raises(ImmutableRecord, match="withdrawn"):
        decided(workshop, advisor, (mistap, Decision.APPROVED))
    decided(workshop, advisor, (better, Decision.APPROVED))
    with pytest.raises(ImmutableRecord, match="customer approved"):
        workshop.withdraw_finding(technician, better, "changed my mind")
    kinds = [
        e["kind"]
        for e in workshop.store.query("SELECT kind FROM audit_events WHERE kind LIKE 'finding.%'")
    ]
    assert "finding.withdrawn" in kinds and "finding.superseded" in kinds
    assert workshop.store.verify_audit_chain().ok


def test_repair_with_decisions_waiting_says_so_to_the_customer(
    workshop: Workshop, technician: Actor, advisor: Actor, wo_id: int
) -> None:
    lines = [labour("Work", 1, 30_000)]
    pads = workshop.add_finding(technician, wo_id, FindingDraft("Pads", Severity.URGENT, lines)).id
    workshop.add_finding(technician, wo_id, FindingDraft("Tyre", Severity.SOON, lines))
    workshop.add_finding(technician, wo_id, FindingDraft("Wipers", Severity.ADVISORY, lines))
    workshop.change_status(technician, wo_id, Status.AWAITING_APPROVAL)
    decided(workshop, advisor, (pads, Decision.APPROVED))
    workshop.change_status(technician, wo_id, Status.IN_REPAIR)
    event = workshop.progress_events(wo_id)[-1]
    assert event["to_status"] == "in_repair"
    assert event["text_en"] == "Your car is being repaired. Waiting for your decision on 2 items."
    assert event["text_zh"] == "您的爱车正在维修中。有 2 项等待您的决定。"


def test_a_second_quality_check_tap_records_nothing_more(
    workshop: Workshop, technician: Actor, admin: Actor, wo_id: int
) -> None:
    wo = workshop.create_work_order(
        admin, workshop.work_order(wo_id)["vehicle_id"], booked_jobs=["service"]
    )
    workshop.check_in(admin, wo.id, 45_100)
    workshop.change_status(technician, wo.id, Status.DIAGNOSING)
    workshop.change_status(technician, wo.id, Status.IN_REPAIR)
    workshop.change_status(technician, wo.id, Status.QUALITY_CHECK)
    first = workshop.record_quality_check(technician, wo.id, True, "road test ok")
    again = workshop.record_quality_check(technician, wo.id, True, "road test ok")
    assert (again.id, again.warnings) == (first.id, ("already recorded",))
    rows = workshop.store.query("SELECT * FROM quality_checks WHERE work_order_id = ?", (wo.id,))
    assert len(rows) == 1
    failed = workshop.record_quality_check(technician, wo.id, False, "noise from the rear")
    assert failed.id != first.id and failed.warnings == ()


def test_an_adjustment_is_proposed_from_the_rig_priced_and_kept_through_a_correction(
    workshop: Workshop, technician: Actor, admin: Actor, wo_id: int
) -> None:
    with pytest.raises(InvalidInput, match="measure the alignment on the rig first"):
        propose_adjustment(workshop, technician, wo_id)
    toe = (al.Position.REAR_RIGHT, al.Quantity.TOE)
    spec = al.spec_for("Bay Motors", "Sedan", 2019)
    within = al.AlignmentSet((al.AlignmentReading(*toe, 0.10),))
    al.store_alignment(workshop, technician, wo_id, al.AlignmentSession(within), spec)
    with pytest.raises(InvalidInput, match="within its specification"):
        propose_adjustment(workshop, technician, wo_id)
    out = al.AlignmentSet((al.AlignmentReading(*toe, 1.30),))
    session = al.store_alignment(
        workshop, technician, wo_id, al.AlignmentSession(out, within), spec
    )
    assert adjustment_state(workshop, wo_id) == AdjustmentState(True, True, False, False)
    load_starter(workshop.store, admin)  # the price list: L-ALIGN, 1 h at the labour rate
    finding = propose_adjustment(workshop, technician, wo_id).id
    proposed = next(f for f in workshop.findings(wo_id) if f["id"] == finding)
    assert (proposed["source_kind"], proposed["source_ref"]) == ("alignment", str(session))
    assert (proposed["severity"], proposed["total_cents"]) == ("urgent", 30_000)
    assert proposed["lines"][0]["description"] == "Wheel alignment / 四轮定位"
    cheaper = workshop.supersede_finding(
        technician,
        finding,
        "a loyal customer",
        FindingDraft(
            proposed["title"], Severity.URGENT, [labour("Wheel alignment / 四轮定位", 1, 20_000)]
        ),
    ).id
    replaced = next(f for f in workshop.findings(wo_id) if f["id"] == cheaper)
    assert (replaced["source_kind"], replaced["source_ref"]) == ("alignment", str(session))
    # the readings taken before the customer's approval are still no adjustment
    assert adjustment_state(workshop, wo_id) == AdjustmentState(True, True, False, True)
