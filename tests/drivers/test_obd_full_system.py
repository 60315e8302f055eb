"""Full-system depth on the simulator: UDS fault memory of every module, mode 06 test
results, the I/M verdict, what the VIN says, and the traction battery block."""

from __future__ import annotations

import itertools
from datetime import date

import can
import pytest

from drivers.ecu_sim import EcuSimulator, load_profile
from drivers.obd.can_link import connect_can
from drivers.obd.monitors import im_verdict, parse_test_results
from drivers.obd.scan import ScanResult, scan_vehicle
from drivers.obd.uds import READ_FAULT_MEMORY, fault_memory, uds_code
from station.vin import decode_vin, model_year

_channels = itertools.count()


def _scan(profile: str) -> ScanResult:
    channel = f"obd-full-{next(_channels)}"
    with (
        EcuSimulator(can.Bus(interface="virtual", channel=channel), profile, own_bus=True),
        connect_can("virtual", channel) as link,
    ):
        return scan_vehicle(link)


def test_modules_beyond_obd_give_their_fault_memory_with_status() -> None:
    result = _scan("petrol_misfire")
    assert not result.incomplete, result.reasons
    modules = {e.id: e for e in result.ecus if e.kind == "uds"}
    assert {e: m.name for e, m in modules.items()} == {
        "768": "ABS-BrakeControl",
        "778": "SRS-Airbag",
    }
    abs_code = modules["768"].uds_dtcs[0].to_json()
    assert abs_code["code"] == "C0035-11"
    assert abs_code["status"] == "2F" and abs_code["confirmed"] and abs_code["test_failed"]
    airbag = modules["778"].uds_dtcs[0].to_json()
    assert (airbag["code"], airbag["confirmed"], airbag["test_failed"]) == ("B0001-1A", True, False)
    # every module's UDS codes are exactly the simulator's
    for ecu in load_profile("petrol_misfire").ecus:
        report = next(e for e in result.ecus if e.id == f"{ecu.response_id:03X}")
        assert [(c.code, c.status) for c in report.uds_dtcs] == [
            (f"{code}-{failure:02X}", status) for code, failure, status in ecu.uds_dtcs
        ]
    # the OBD services are not asked of modules that do not speak OBD
    assert set(modules["768"].reads) == {"19"}


def test_mode_06_misfire_counts_per_cylinder_and_the_catalyst_monitor() -> None:
    ecm = _scan("petrol_misfire").ecus[0]
    tests = {t.to_json()["name"]: t for t in ecm.monitor_tests}
    assert tests["Misfire, cylinder 1"].value == 182 and not tests["Misfire, cylinder 1"].passed
    assert tests["Misfire, cylinder 2"].value == 3 and tests["Misfire, cylinder 2"].passed
    assert not tests["Catalyst bank 1"].passed
    o2 = tests["Oxygen sensor bank 1 sensor 1"]
    assert (o2.unit, o2.value, o2.passed) == ("mV", pytest.approx(450.18), True)


def test_i_m_verdict_and_vin_facts_are_in_the_scan() -> None:
    result = _scan("petrol_misfire")
    doc = result.to_json()
    assert doc["im_readiness"]["verdict"] == "fail_mil_on"  # type: ignore[index]
    assert doc["vin_info"] == {
        "wmi": "LSV",
        "manufacturer": "Volkswagen",
        "model_year": 2022,
        "check_digit_ok": False,
    }


def test_the_traction_battery_block_of_an_electric_car() -> None:
    result = _scan("ev_isolation")
    bms = next(e for e in result.ecus if e.id == "7EB")
    assert bms.battery == {
        "state_of_health": 90.0,
        "state_of_charge": 78.0,
        "cell_voltage_max": 3.912,
        "cell_voltage_min": 3.873,
        "temperature_max": 31.0,
        "temperature_min": 27.0,
        "cell_voltage_spread_mv": 39,
    }
    assert [e.battery for e in result.ecus if e.id != "7EB"] == [None] * (len(result.ecus) - 1)
    tpms = next(e for e in result.ecus if e.id == "758")
    assert tpms.name == "TPMS-TyrePressure"
    assert [c.code for c in tpms.uds_dtcs] == ["C0750-13"]


@pytest.mark.parametrize(
    ("readiness", "year", "verdict"),
    [
        (
            [{"mil": False, "monitors": {"catalyst": "complete", "egr_system": "incomplete"}}],
            2015,
            "ready",
        ),
        (
            [
                {
                    "mil": False,
                    "monitors": {"catalyst": "incomplete", "evaporative_system": "incomplete"},
                }
            ],
            2015,
            "not_ready",
        ),
        (
            [
                {
                    "mil": False,
                    "monitors": {"catalyst": "incomplete", "evaporative_system": "incomplete"},
                }
            ],
            1999,
            "ready",
        ),
        ([{"mil": True, "monitors": {}}], 2015, "fail_mil_on"),
        (
            [{"mil": False, "monitors": {"misfire": "incomplete", "catalyst": "incomplete"}}],
            2015,
            "ready",
        ),
        ([{}], 2015, "unknown"),
    ],
)
def test_i_m_verdict_rules(readiness: list[dict[str, object]], year: int, verdict: str) -> None:
    assert im_verdict(readiness, year)["verdict"] == verdict


def test_vin_facts() -> None:
    assert model_year("LGXCE4CB5N0123456", 2027) == 2022
    assert model_year("1FAHP3F28CL123456", 2027) == 2012  # letter in position 7: 2010 on
    assert model_year("1FAHP3228CL123456", 2027) == 1982
    assert decode_vin("not a vin", 2027) is None
    info = decode_vin("5YJ3E1EA2KF317000", date.today().year + 1)
    assert info is not None and info["manufacturer"] == "Tesla" and info["check_digit_ok"] is True


def test_test_results_and_uds_codes_decode_from_bytes() -> None:
    reply = bytes.fromhex("46A20B2400B60000003C")
    [result] = parse_test_results(reply)
    assert (result.mid, result.tid, result.value, result.maximum, result.passed) == (
        0xA2,
        0x0B,
        182,
        60,
        False,
    )
    assert uds_code(bytes.fromhex("C03511")) == "U0035-11"
    assert uds_code(bytes.fromhex("403511")) == "C0035-11"


def test_the_fault_memory_request_is_udsoncans_and_its_replies_are_read_by_it() -> None:
    from udsoncan.services.ReadDTCInformation import ReadDTCInformation

    request = ReadDTCInformation.make_request(
        ReadDTCInformation.Subfunction.reportDTCByStatusMask, status_mask=0xFF
    )
    assert request.get_payload() == READ_FAULT_MEMORY
    outcome = fault_memory(bytes.fromhex("5902FF4035112F9A01010 8".replace(" ", "")), None)
    assert [(c.code, c.status) for c in outcome.value] == [("C0035-11", 0x2F), ("B1A01-01", 0x08)]
    assert fault_memory(None, None).status == "no_answer"
    assert fault_memory(None, "unreadable line").status == "adapter_error"
    refused = fault_memory(bytes.fromhex("7F1911"), None)
    assert (refused.status, refused.nrc) == ("refused", 0x11)
    assert fault_memory(bytes.fromhex("5902"), None).status == "adapter_error"
