"""What the scan read and what it did not, per ECU and service, on the simulator over `virtual`."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import can
import pytest

from drivers.ecu_sim import EcuSimulator, load_profile
from drivers.ecu_sim.model import SimulatedEcu
from drivers.obd.can_link import CanObdLink, connect_can, is_simulated
from drivers.obd.scan import ScanResult, scan_vehicle
from station.diagnostics import codes_read_completely

_channels = itertools.count()


def _scan(profile: str, habit: Callable[[list[SimulatedEcu]], None]) -> ScanResult:
    loaded = load_profile(profile)
    habit(loaded.ecus)
    channel = f"obd-reads-{next(_channels)}"
    with (
        EcuSimulator(can.Bus(interface="virtual", channel=channel), loaded, own_bus=True),
        connect_can("virtual", channel) as link,
    ):
        return scan_vehicle(link)


def _reads(result: ScanResult, ecu: str) -> dict[str, str]:
    report = next(e for e in result.ecus if e.id == ecu)
    return {service: read.status for service, read in report.reads.items()}


def _all_codes(profile: str) -> set[tuple[str, str, str]]:
    return {
        (f"{ecu.response_id:03X}", kind, code)
        for ecu in load_profile(profile).ecus
        for kind, codes in (
            ("stored", ecu.stored),
            ("pending", ecu.pending),
            ("permanent", ecu.permanent),
        )
        for code in codes
    }


def _found(result: ScanResult) -> set[tuple[str, str, str]]:
    return {(ecu.id, code.kind, code.code) for ecu in result.ecus for code in ecu.dtcs}


def test_a_clean_scan_reads_every_service_and_is_complete() -> None:
    result = _scan("hybrid", lambda ecus: None)
    assert not result.incomplete and result.reasons == [] and result.error is None
    assert _found(result) == _all_codes("hybrid")
    for ecu in result.to_json()["ecus"]:  # type: ignore[attr-defined]
        assert {ecu["reads"][s]["status"] for s in ("01", "03", "07", "0A")} == {"read"}
        assert codes_read_completely(ecu) is True


def test_one_ecu_silent_on_stored_codes_is_incomplete_for_exactly_that() -> None:
    def silent(ecus: list[SimulatedEcu]) -> None:
        ecus[2].silent_services = {0x03}

    result = _scan("hybrid", silent)
    assert result.incomplete
    assert [(r["ecu"], r["service"], r["status"]) for r in result.reasons] == [
        ("7EA", "03", "no_answer")
    ]
    assert result.reasons[0]["reason"] == "ECU 7EA did not answer: stored trouble codes (03)"
    # the other ECU's codes and this ECU's pending code are all there, none invented
    assert _found(result) == _all_codes("hybrid")
    assert _reads(result, "7EA")["07"] == "read"
    doc = result.to_json()
    assert [codes_read_completely(e) for e in doc["ecus"]] == [True, True, False]  # type: ignore[union-attr]


def test_busy_repeat_request_is_asked_again_and_loses_nothing() -> None:
    def busy(ecus: list[SimulatedEcu]) -> None:
        ecus[0].busy_services = {0x03, 0x07}

    result = _scan("petrol_misfire", busy)
    assert not result.incomplete, result.reasons
    assert _found(result) == _all_codes("petrol_misfire")


def test_an_ecu_silent_on_several_pids_at_once_is_read_one_pid_at_a_time() -> None:
    def single(ecus: list[SimulatedEcu]) -> None:
        ecus[0].single_pid_only = True

    result = _scan("petrol_misfire", single)
    assert not result.incomplete, result.reasons
    ecm = result.ecus[0]
    assert len(ecm.pids) == len(load_profile("petrol_misfire").ecus[0].pids)
    assert ecm.freeze_frame is not None and ecm.freeze_frame["dtc"] == "P0301"
    assert ecm.freeze_frame["pids"]["0C"]["value"] == 2450.0


def test_an_ecu_answering_well_after_p2_is_still_found_on_a_simulated_bus() -> None:
    def late(ecus: list[SimulatedEcu]) -> None:
        ecus[1].reply_delay = 0.15  # twice the window of a real bus

    result = _scan("petrol_misfire", late)
    assert [e.id for e in result.ecus if e.kind == "obd"] == ["7E8", "7E9"]
    assert not result.incomplete, result.reasons


def test_an_ecu_that_loses_a_stored_code_in_its_reply_is_caught_by_its_own_count() -> None:
    def lossy(ecus: list[SimulatedEcu]) -> None:
        # PID 01 counts two stored codes, the mode 03 reply carries one
        original = ecus[0].answer

        def answer(request: bytes, functional: bool) -> bytes | None:
            if request == b"\x03":
                return bytes.fromhex("43010301")
            return original(request, functional)

        ecus[0].stored.append("P0302")
        ecus[0].answer = answer  # type: ignore[method-assign]

    result = _scan("petrol_misfire", lossy)
    assert result.incomplete
    assert [r["status"] for r in result.reasons] == ["mismatch"]
    assert "reports 2 stored codes in PID 01 but 1 were read" in str(result.reasons[0]["reason"])


@pytest.mark.parametrize("nrc", [0x22, 0x11])
def test_a_refusal_is_unread_unless_the_service_is_not_supported(nrc: int) -> None:
    def refuse(ecus: list[SimulatedEcu]) -> None:
        original = ecus[1].answer

        def answer(request: bytes, functional: bool) -> bytes | None:
            if request == b"\x0a":
                return bytes((0x7F, 0x0A, nrc))
            return original(request, functional)

        ecus[1].answer = answer  # type: ignore[method-assign]

    result = _scan("petrol_misfire", refuse)
    read = result.ecus[1].reads["0A"]
    assert (read.status, read.nrc) == ("refused", nrc)
    assert result.incomplete is (nrc == 0x22)


def test_simulated_buses_listen_longer_and_real_buses_keep_the_standard_window() -> None:
    assert is_simulated("virtual", "bay-1")
    assert is_simulated("socketcan", "vcan0")
    assert not is_simulated("socketcan", "can0")
    assert not is_simulated("slcan", "/dev/ttyACM0")
    assert not is_simulated("pcan", "PCAN_USBBUS1")
    channel = f"obd-reads-{next(_channels)}"
    with (
        EcuSimulator(can.Bus(interface="virtual", channel=channel), "hybrid", own_bus=True),
        connect_can("virtual", channel) as link,
    ):
        assert link.settle is not None and link.p2 > 0.075
        assert link.responders == {"7E8", "7E9", "7EA"}
    # a link made by hand, as on a real bus: the standard's windows and no early end
    real = CanObdLink(can.Bus(interface="virtual", channel=channel))
    try:
        assert (real.p2, real.physical_timeout, real.settle) == (0.075, 0.25, None)
    finally:
        real.close()
