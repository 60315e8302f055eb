"""Commands that must not let a false fact in: a scan of another car, a clear that would
hide unrepaired faults. Real store, real transactions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from station.demo import demo_signature_strokes
from station.diagnostics import (
    CodesAtRisk,
    OtherVehicle,
    authorise_code_clear,
    codes_at_risk_on_clear,
    latest_scan,
    record_scan,
)
from station.findings import Channel, Decision, Severity, labour
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
    coil = workshop.add_finding(technician, wo_id, "Coil", Severity.URGENT, lines, dtc="P0301")
    cat = workshop.add_finding(technician, wo_id, "Catalyst", Severity.SOON, lines, dtc="P0420")
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
