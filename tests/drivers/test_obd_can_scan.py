"""Scans of the simulated vehicles on python-can's virtual bus, and ISO-TP reassembly."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import can
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.ecu_sim import EcuSimulator
from drivers.errors import DecodeError, NoVehicleResponse
from drivers.obd.can_link import CanObdLink, connect_can
from drivers.obd.isotp import Reassembler, single_frame
from drivers.obd.scan import GONE_AFTER, ScanResult, clear_codes, scan_vehicle
from station.diagnostics import compare_scans

_channels = itertools.count()


def _channel() -> str:
    return f"obd-scan-{next(_channels)}"


@pytest.fixture
def petrol() -> Iterator[CanObdLink]:
    channel = _channel()
    with EcuSimulator(
        can.Bus(interface="virtual", channel=channel), "petrol_misfire", own_bus=True
    ):
        link = connect_can("virtual", channel)
        yield link
        link.close()


def _codes(result: ScanResult, ecu: str) -> list[tuple[str, str]]:
    report = next(e for e in result.ecus if e.id == ecu)
    return [(c.kind, c.code) for c in report.dtcs]


def test_petrol_car_scan_finds_both_ecus_codes_and_values(petrol: CanObdLink) -> None:
    steps: list[str] = []
    result = scan_vehicle(petrol, progress=lambda what, fraction: steps.append(what))
    assert result.vin == "LSVAU2180N2183741"
    assert result.protocol == "ISO 15765-4 CAN 11-bit"
    assert [(e.id, e.kind) for e in result.ecus] == [
        ("7E8", "obd"),
        ("7E9", "obd"),
        ("768", "uds"),
        ("778", "uds"),
    ]
    assert _codes(result, "7E8") == [
        ("stored", "P0301"),
        ("pending", "P0420"),
        ("permanent", "P0301"),
    ]
    ecm = result.ecus[0]
    assert ecm.name == "ECM-EngineControl"
    assert ecm.calibration_ids == ["EA211CAL0381", "EA211TQ0021"]
    assert ecm.cvns == ["1A2B3C4D", "0BADF00D"]
    assert ecm.readiness["mil"] is True
    assert ecm.readiness["monitors"]["catalyst"] == "incomplete"
    assert 700 <= float(ecm.pids[0x0C].value) <= 940
    assert ecm.pids[0x33].value == 101
    assert ecm.freeze_frame is not None
    assert ecm.freeze_frame["dtc"] == "P0301"
    assert ecm.freeze_frame["pids"]["0C"]["value"] == 2450.0
    assert steps[0] == "finding ECUs" and steps[-1] == "done"
    doc = result.to_json()
    assert doc["ecus"][0]["pids"]["0D"] == {"name": "Vehicle speed", "value": 0, "unit": "km/h"}
    assert doc["ecus"][0]["dtcs"][0]["description"] == "Cylinder 1 misfire detected"


def test_clearing_codes_leaves_only_the_permanent_one_which_the_rescan_does_not_count(
    petrol: CanObdLink,
) -> None:
    before = scan_vehicle(petrol, language="zh")
    assert before.ecus[0].dtcs[0].description == "检测到第1缸失火"
    assert clear_codes(petrol) == {"7E8": True, "7E9": True}
    after = scan_vehicle(petrol)
    assert _codes(after, "7E8") == [("permanent", "P0301")]
    comparison = compare_scans(before.to_json(), after.to_json())
    assert comparison.cleared == ("P0420",)  # the car still keeps P0301 as permanent
    assert comparison.remaining == ()
    assert comparison.new == ()
    assert comparison.permanent_only == ("P0301",)
    relapse = compare_scans(after.to_json(), before.to_json())
    assert relapse.new == ("P0301", "P0420")
    assert relapse.permanent_only == ()


def test_ev_isolation_fault_waits_out_response_pending() -> None:
    channel = _channel()
    sim = EcuSimulator(can.Bus(interface="virtual", channel=channel), "ev_isolation", own_bus=True)
    with sim, connect_can("virtual", channel) as link:
        result = scan_vehicle(link)
    assert [e.id for e in result.ecus] == ["7E8", "7EB", "7EC", "748", "758"]
    assert _codes(result, "7EB") == [("stored", "P0AA6"), ("permanent", "P0AA6")]
    assert not result.incomplete, result.reasons
    vcu = result.ecus[0]
    assert vcu.pids[0x42].value == pytest.approx(11.6, abs=0.1)
    assert vcu.pids[0x51].value == "electric"
    assert vcu.pids[0xA6].value == 12345.6


def test_29_bit_vehicle_is_detected_and_scanned() -> None:
    channel = _channel()
    sim = EcuSimulator(can.Bus(interface="virtual", channel=channel), "truck_29bit", own_bus=True)
    with sim, connect_can("virtual", channel) as link:
        result = scan_vehicle(link)
    assert result.protocol == "ISO 15765-4 CAN 29-bit"
    assert [(e.id, e.kind) for e in result.ecus] == [
        ("18DAF110", "obd"),
        ("18DAF118", "obd"),
        ("18DAF128", "uds"),
    ]
    assert [c.code for c in result.ecus[2].uds_dtcs] == ["C0040-29"]
    assert result.ecus[0].readiness["ignition"] == "compression"
    assert result.vin == "WDB9066351S123456"


def test_silent_bus_is_no_vehicle() -> None:
    with pytest.raises(NoVehicleResponse):
        connect_can("virtual", _channel())


def test_simulator_stopping_mid_scan_gives_an_incomplete_result() -> None:
    channel = _channel()
    sim = EcuSimulator(
        can.Bus(interface="virtual", channel=channel), "petrol_misfire", own_bus=True
    ).start()
    asked_after_stop: list[int] = []
    stopped: list[bool] = []

    def sent(message: can.Message) -> None:
        if stopped and message.arbitration_id in (0x7E0, 0x7E1):
            asked_after_stop.append(message.arbitration_id)

    link = connect_can("virtual", channel, on_frame=sent)

    def stop_at_codes(what: str, _fraction: float) -> None:
        if what == "live values":
            sim.stop()
            stopped.append(True)

    result = scan_vehicle(link, progress=stop_at_codes)
    link.close()
    # each silent ECU is asked a few more questions, not every one left (each a timeout)
    assert 1 <= asked_after_stop.count(0x7E0) <= GONE_AFTER
    assert 1 <= asked_after_stop.count(0x7E1) <= GONE_AFTER
    assert result.incomplete
    assert result.error and result.error.startswith("ECU 7E8 did not answer: current data (01)")
    assert result.vin == "LSVAU2180N2183741"
    # the codes were read before the car went quiet; the values were not
    ecm = result.to_json()["ecus"][0]
    assert ecm["reads"]["03"]["status"] == "read"
    assert ecm["reads"]["01"]["status"] == "no_answer"
    assert {r["ecu"] for r in result.reasons} == {"7E8", "7E9"}
    assert result.to_json()["incomplete"] is True


def test_single_frame_and_reassembly_of_a_vin_reply() -> None:
    assert single_frame(b"\x09\x02") == bytes.fromhex("020902AAAAAAAAAA")
    r = Reassembler()
    assert r.feed(bytes.fromhex("1014490201574450")) == ("flow_control", b"")
    assert r.feed(bytes.fromhex("2130303030303030")) == ("pending", b"")
    status, payload = r.feed(bytes.fromhex("2231323334353637"))
    assert status == "complete"
    assert payload == bytes.fromhex("4902015744503030303030303031323334353637")[:20]
    with pytest.raises(DecodeError, match="out of order"):
        r.feed(bytes.fromhex("1014490201574450"))
        r.feed(bytes.fromhex("2330303030303030"))


@given(st.lists(st.binary(max_size=8), max_size=40))
def test_any_frames_reassemble_or_fail_clearly(frames: list[bytes]) -> None:
    r = Reassembler()
    for frame in frames:
        try:
            status, payload = r.feed(frame)
        except DecodeError:
            continue
        assert status in ("complete", "flow_control", "pending", "ignored")
        if status == "complete":
            assert 1 <= len(payload) <= 4095
