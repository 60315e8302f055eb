"""Live values from the simulator, raw frame recording, the simulator's DBC broadcasts, the frame queue."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import can
import pytest

from drivers.ecu_sim import Broadcaster, EcuSimulator, broadcast_values, load_profile
from drivers.ecu_sim.broadcast import default_dbc
from drivers.errors import DecodeError
from drivers.obd.can_link import connect_can
from drivers.obd.dtc import fixtures_dir
from drivers.obd.live import BroadcastDecoder, FrameQueue, FrameRecorder, stream_pids
from drivers.obd.scan import scan_vehicle
from tests.hil.same_scan import assert_same_findings

_channels = itertools.count()


def test_live_values_move_and_are_recorded_to_a_log_file(tmp_path: Path) -> None:
    channel = f"live-{next(_channels)}"
    sim = EcuSimulator(
        can.Bus(interface="virtual", channel=channel), "petrol_misfire", own_bus=True
    )
    log_file = tmp_path / "session.asc"
    with sim, connect_can("virtual", channel) as link:
        recorder_bus = can.Bus(interface="virtual", channel=channel)
        with FrameRecorder(recorder_bus, log_file):
            sweeps = []
            for sweep in stream_pids(link, "7E8", [0x0C, 0x0D, 0x05, 0x04, 0x11, 0x10, 0x42]):
                sweeps.append(sweep)
                if len(sweeps) == 20:
                    break
        recorder_bus.shutdown()
    assert all(set(s) == {0x0C, 0x0D, 0x05, 0x04, 0x11, 0x10, 0x42} for s in sweeps)
    assert len({s[0x0C].value for s in sweeps}) > 1
    frames = list(can.LogReader(str(log_file)))
    assert any(f.arbitration_id == 0x7E0 for f in frames)
    assert any(f.arbitration_id == 0x7E8 for f in frames)


def test_broadcast_frames_decode_with_the_dbc() -> None:
    decoder = BroadcastDecoder(fixtures_dir() / "dbc" / "station_broadcast.dbc")
    message = decoder.database.get_message_by_name("BatteryStatus")
    data = message.encode(
        {
            "StateOfCharge": 78.5,
            "PackVoltage": 396.2,
            "LowVoltageBattery": 11.6,
            "IsolationResistance": 85,
        }
    )
    name, signals = decoder.decode(0x3F0, data) or ("", {})
    assert name == "BatteryStatus"
    assert signals["LowVoltageBattery"] == pytest.approx(11.6)
    assert signals["IsolationResistance"] == 85
    assert decoder.decode(0x123, b"\x00") is None
    with pytest.raises(DecodeError):
        decoder.decode(0x3F0, b"\x01")


def test_full_frame_queue_counts_drops_instead_of_blocking() -> None:
    frames = FrameQueue(maxsize=3)
    for n in range(5):
        frames.on_message_received(can.Message(arbitration_id=n))
    assert (frames.received, frames.dropped, frames.qsize()) == (5, 2, 3)
    assert frames.get(timeout=0.01).arbitration_id == 0


def test_broadcast_values_follow_the_profile_and_move() -> None:
    hybrid = load_profile("hybrid")
    now = hybrid.ecus[0].started + 1.0
    values = broadcast_values(hybrid, now)
    drive, battery = values["VehicleStatus"], values["BatteryStatus"]
    assert 970 <= drive["EngineSpeed"] <= 1130  # PID 0C: 1050 rpm +- 80
    assert drive["VehicleSpeed"] == 0 and drive["GearPosition"] == 0
    assert 82 <= drive["CoolantTemp"] <= 86
    assert 54 <= battery["StateOfCharge"] <= 55
    assert 13.7 <= battery["LowVoltageBattery"] <= 14.1
    assert battery["IsolationResistance"] == 500
    later = broadcast_values(hybrid, now + 1.0)["VehicleStatus"]["EngineSpeed"]
    assert later != drive["EngineSpeed"]

    ev = load_profile("ev_isolation")
    ev_values = broadcast_values(ev, ev.ecus[0].started)
    assert ev_values["VehicleStatus"]["EngineSpeed"] == 0
    assert ev_values["VehicleStatus"]["CoolantTemp"] == 21  # no coolant PID: ambient air
    assert ev_values["BatteryStatus"]["IsolationResistance"] == 85  # P0AA6 stored
    petrol = load_profile("petrol_misfire")
    assert set(broadcast_values(petrol, petrol.ecus[0].started)) == {"VehicleStatus"}


def test_simulator_broadcasts_decode_through_the_frame_queue_without_drops() -> None:
    channel = f"live-{next(_channels)}"
    decoder = BroadcastDecoder(default_dbc())
    frames = FrameQueue(maxsize=1000)
    listener = can.Bus(interface="virtual", channel=channel)
    notifier = can.Notifier(listener, [frames], timeout=0.05)
    seen: dict[str, list[dict[str, float | str]]] = {"VehicleStatus": [], "BatteryStatus": []}
    sim = EcuSimulator(
        can.Bus(interface="virtual", channel=channel), "hybrid", own_bus=True, broadcast=True
    )
    try:
        with sim:
            deadline = time.monotonic() + 30
            while len(seen["BatteryStatus"]) < 8 and time.monotonic() < deadline:
                message = frames.get(timeout=1.0)
                if message is None:
                    continue
                decoded = decoder.decode(message.arbitration_id, bytes(message.data))
                if decoded is not None:
                    seen[decoded[0]].append(decoded[1])
    finally:
        notifier.stop()
        listener.shutdown()
    print(f"broadcast frames received {frames.received}, dropped {frames.dropped}")
    assert frames.dropped == 0
    drive, battery = seen["VehicleStatus"], seen["BatteryStatus"]
    assert len(battery) == 8
    assert len(drive) > len(battery)  # 50 Hz against 10 Hz
    assert all(970 <= float(s["EngineSpeed"]) <= 1130 for s in drive)
    assert all(80 <= float(s["CoolantTemp"]) <= 88 for s in drive)
    assert len({s["EngineSpeed"] for s in drive}) > 1
    assert all(53.5 <= float(s["StateOfCharge"]) <= 55.5 for s in battery)
    assert all(300 <= float(s["PackVoltage"]) <= 400 for s in battery)


def test_a_listener_that_falls_behind_has_its_dropped_frames_counted() -> None:
    channel = f"live-{next(_channels)}"
    frames = FrameQueue(maxsize=20)
    listener = can.Bus(interface="virtual", channel=channel)
    notifier = can.Notifier(listener, [frames], timeout=0.05)
    sender = can.Bus(interface="virtual", channel=channel)
    try:
        with Broadcaster(sender, load_profile("petrol_misfire"), rates={"VehicleStatus": 1000}):
            deadline = time.monotonic() + 30
            while frames.received < 100 and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        notifier.stop()
        listener.shutdown()
        sender.shutdown()
    assert frames.received >= 100
    assert frames.qsize() == 20
    assert frames.dropped == frames.received - 20


def test_broadcasts_do_not_disturb_a_scan() -> None:
    channel = f"live-{next(_channels)}"
    quiet = f"live-{next(_channels)}"
    sim = EcuSimulator(
        can.Bus(interface="virtual", channel=channel), "truck_29bit", own_bus=True, broadcast=True
    )
    with sim, connect_can("virtual", channel) as link:
        busy = scan_vehicle(link)
        assert sim.broadcaster is not None and sim.broadcaster.sent > 0
    alone = EcuSimulator(can.Bus(interface="virtual", channel=quiet), "truck_29bit", own_bus=True)
    with alone, connect_can("virtual", quiet) as link:
        plain = scan_vehicle(link)
    assert assert_same_findings(busy, plain) >= 1
