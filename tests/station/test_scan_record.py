"""A kept scan keeps how each ECU's services were read, so what was not read stays known."""

from __future__ import annotations

import sqlite3

import pytest

from station.diagnostics import codes_read_completely, latest_scan, record_scan
from station.errors import InvalidInput
from station.lifecycle import Status
from station.vehicles import Powertrain
from station.workshop import Actor, Workshop

VIN = "LSVAU2180N2183741"


def _read(status: str, nrc: str | None = None) -> dict[str, object]:
    return {"status": status, "nrc": nrc, "detail": None}


SCAN = {
    "vin": VIN,
    "protocol": "ISO 15765-4 CAN 11-bit",
    "elapsed_ms": 120.0,
    "incomplete": True,
    "incomplete_reasons": [
        {
            "ecu": "7E9",
            "service": "03",
            "status": "no_answer",
            "nrc": None,
            "reason": "ECU 7E9 did not answer: stored trouble codes (03)",
        }
    ],
    "error": "ECU 7E9 did not answer: stored trouble codes (03)",
    "ecus": [
        {
            "id": "7E8",
            "dtcs": [{"code": "P0301", "kind": "stored", "description": None}],
            "reads": {
                "01": _read("read"),
                "03": _read("read"),
                "07": _read("read"),
                "0A": _read("refused", "11"),
            },
        },
        {
            "id": "7E9",
            "dtcs": [],
            "reads": {
                "01": _read("read"),
                "03": _read("no_answer"),
                "07": _read("read"),
                "0A": _read("read"),
            },
        },
    ],
}


def _work_order(workshop: Workshop, advisor: Actor, technician: Actor) -> int:
    customer = workshop.add_customer(advisor, "Li Wei", "+86 139", "zh").id
    vehicle = workshop.add_vehicle(
        advisor, VIN, "粤B 54321", Powertrain.ICE, "VW", "Lavida", 2022, customer
    ).id
    wo = workshop.create_work_order(technician, vehicle, "MIL on", bay="Bay 2").id
    workshop.check_in(technician, wo, 20_000, customer_confirmed=True)
    workshop.change_status(technician, wo, Status.DIAGNOSING)
    return wo


def test_reads_are_kept_per_ecu_and_service(
    workshop: Workshop, advisor: Actor, technician: Actor
) -> None:
    wo = _work_order(workshop, advisor, technician)
    scan_id = record_scan(workshop, technician, wo, "pre", SCAN).id
    rows = workshop.store.query(
        "SELECT ecu, service, status, nrc FROM scan_reads WHERE scan_id = ? ORDER BY ecu, service",
        (scan_id,),
    )
    assert [(r["ecu"], r["service"], r["status"], r["nrc"]) for r in rows][3:5] == [
        ("7E8", "0A", "refused", "11"),
        ("7E9", "01", "read", None),
    ]
    kept = latest_scan(workshop, wo, "pre")
    assert kept is not None and kept["incomplete"] == 1
    assert [codes_read_completely(e) for e in kept["result"]["ecus"]] == [True, False]
    with pytest.raises(sqlite3.DatabaseError, match="immutable"):
        workshop.store.db.execute("UPDATE scan_reads SET status = 'read'")


def test_a_scan_kept_before_reads_existed_is_unknown_not_complete() -> None:
    assert codes_read_completely({"id": "7E8", "dtcs": []}) is None


def test_an_unknown_read_status_is_refused_and_keeps_nothing(
    workshop: Workshop, advisor: Actor, technician: Actor
) -> None:
    wo = _work_order(workshop, advisor, technician)
    bad = {**SCAN, "ecus": [{"id": "7E8", "dtcs": [], "reads": {"03": _read("maybe")}}]}
    with pytest.raises(InvalidInput, match="read status"):
        record_scan(workshop, technician, wo, "pre", bad)
    assert latest_scan(workshop, wo, "pre") is None
