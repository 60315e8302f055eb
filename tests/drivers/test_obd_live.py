"""Live values from the simulator, raw frame recording, DBC broadcasts and the bounded frame queue."""

from __future__ import annotations

import itertools
from pathlib import Path

import can
import pytest

from drivers.ecu_sim import EcuSimulator
from drivers.errors import DecodeError
from drivers.obd.can_link import connect_can
from drivers.obd.dtc import fixtures_dir
from drivers.obd.live import BroadcastDecoder, FrameQueue, FrameRecorder, stream_pids

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
