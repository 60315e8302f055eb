"""Our ECU simulator behind an SLCAN adapter: python-can's `slcan` on both ends of a socat pty pair.

python-can's slcan bus writes its set-up lines (`C`, `S6`, an empty data-bitrate
line, `O`) when it opens, and a real adapter answers them with a bare `\\r`. With
python-can on both ends, each side therefore receives the other's set-up lines;
the reader skips every line that is not a frame, so frames around them arrive
whole. That makes python-can's `slcan` a real SLCAN end for the simulator too.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from typing import Any

import can
import pytest
import serial

from drivers.can_bus import is_pseudo_terminal, open_bus
from drivers.ecu_sim import EcuSimulator
from drivers.obd.can_link import connect_can
from drivers.obd.scan import scan_vehicle
from tests.hil.same_scan import assert_same_findings

_channels = itertools.count()


def _frame(message: can.Message | None) -> tuple[int, bool, bytes] | None:
    if message is None:
        return None
    return message.arbitration_id, bool(message.is_extended_id), bytes(message.data)


def test_set_up_lines_reach_the_other_end_and_frames_around_them_arrive_whole(
    pty_pair: tuple[str, str],
) -> None:
    ours, theirs = pty_pair
    assert is_pseudo_terminal(ours) and not is_pseudo_terminal("/dev/null")
    vehicle_port = serial.Serial(theirs, timeout=5)
    tester = open_bus("slcan", ours, 500_000)  # no 2 s wait for an adapter to boot: a pty
    try:
        set_up = b"C\rS6\r\rO\r"
        assert vehicle_port.read(len(set_up)) == set_up
        vehicle_port.close()
        vehicle = open_bus("slcan", theirs, 500_000)
        try:
            tester.set_bitrate(250_000)  # C, S5, empty line, O: again towards the vehicle
            sent = [
                can.Message(arbitration_id=0x7DF, data=bytes.fromhex("020100AAAAAAAAAA")),
                can.Message(arbitration_id=0x18DB33F1, is_extended_id=True, data=b"\x02\x09\x02"),
                can.Message(arbitration_id=0x3E8, data=b""),
            ]
            for message in sent:
                tester.send(message)
            assert [_frame(vehicle.recv(timeout=5)) for _ in sent] == [_frame(m) for m in sent]
            reply = can.Message(arbitration_id=0x7E8, data=bytes.fromhex("064100BE3FA813AA"))
            vehicle.send(reply)
            # the vehicle's own set-up lines came first; the tester skips them
            assert _frame(tester.recv(timeout=5)) == _frame(reply)
        finally:
            vehicle.shutdown()
    finally:
        tester.shutdown()


@pytest.mark.parametrize("profile", ["petrol_misfire", "ev_isolation", "hybrid", "truck_29bit"])
def test_simulator_over_slcan_finds_what_it_finds_over_virtual(
    pty_pair: tuple[str, str], profile: str
) -> None:
    ours, theirs = pty_pair
    # slcan on a pty is a simulated bus: it listens with the simulated bus's windows
    with EcuSimulator.open("slcan", theirs, profile), connect_can("slcan", ours) as link:
        assert link.settle is not None
        over_slcan = scan_vehicle(link)
    channel = f"hil-slcan-{next(_channels)}"
    with (
        EcuSimulator(can.Bus(interface="virtual", channel=channel), profile, own_bus=True),
        connect_can("virtual", channel) as link,
    ):
        over_virtual = scan_vehicle(link)
    assert over_slcan.protocol == over_virtual.protocol + "/500"
    assert assert_same_findings(over_slcan, over_virtual) >= 1
    assert over_slcan.codes() | over_virtual.codes()


def test_scan_command_reads_the_ecu_sim_command_in_another_process_over_slcan(
    pty_pair: tuple[str, str], tmp_path: Any
) -> None:
    ours, theirs = pty_pair
    station = [sys.executable, "-m", "station.cli"]
    sim = subprocess.Popen(
        [*station, "ecu-sim", "--interface", "slcan", "--channel", theirs, "--profile", "hybrid"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sim.stdout is not None
        assert sim.stdout.readline().startswith("simulating hybrid")
        scan = [*station, "scan", "--interface", "slcan", "--channel", ours, "--json"]
        run = subprocess.run(
            [*scan, "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["protocol"] == "ISO 15765-4 CAN 11-bit/500"
    assert [ecu["id"] for ecu in doc["ecus"]] == ["7E8", "7E9", "7EA"]
    assert {dtc["code"] for ecu in doc["ecus"] for dtc in ecu["dtcs"]} == {"P0A7F"}


def test_scan_on_a_virtual_bus_of_its_own_says_where_the_simulator_should_be(
    tmp_path: Any,
) -> None:
    scan = [sys.executable, "-m", "station.cli", "scan", "--interface", "virtual"]
    run = subprocess.run(
        [*scan, "--channel", "bay-1", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 3
    assert "exists only inside one process" in run.stderr
    assert "slcan over a socat pty pair" in run.stderr
