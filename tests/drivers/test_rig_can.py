"""The rig's CAN variant over python-can's virtual bus, with the published DBC."""

from __future__ import annotations

import time

import can
import pytest

from drivers.rig import ProtocolVersionError, SessionIncomplete, run_session
from drivers.rig.can_rig import CanRig
from drivers.rig.errors import ChecksumError, LineError
from drivers.rig.frames import READING_FRAME, SESSION_FRAME, RigFrames, frame_checksum
from drivers.rig.protocol import Measured, SessionEnd, SessionStart, SetBegin, SetEnd
from drivers.rig.simulator import Pace, RigSimulator
from station.alignment import AlignmentReading, Phase, Position, Quantity, rate_session, spec_for
from station.checklists import Rating

RR, TOE = Position.REAR_RIGHT, Quantity.TOE
FRAMES = RigFrames.load()


def test_frames_decode_from_literals() -> None:
    # version 1, final; RR (3), toe (0); value 15000 * 0.0001 = 1.5°; counter 7; checksum
    body = bytes([0x01, 0x03, 0x98, 0x3A, 0x00, 0x00, 0x07])
    frame = body + bytes([frame_checksum(body)])
    assert FRAMES.decode(READING_FRAME, frame) == Measured(RR, TOE, 1.5, "DEG", False)
    # live, FL (0), camber (1), -0.52°: -5200 = 0xFFFFEBB0
    body = bytes([0x11, 0x10, 0xB0, 0xEB, 0xFF, 0xFF, 0x00])
    assert FRAMES.decode(READING_FRAME, body + bytes([frame_checksum(body)])) == Measured(
        Position.FRONT_LEFT, Quantity.CAMBER, -0.52, "DEG", True
    )
    # session start 42 on a 17-inch rim (1700 = 0x06A4)
    body = bytes([0x01, 0x01, 0x00, 0xA4, 0x06, 0x2A, 0x00])
    assert FRAMES.decode(SESSION_FRAME, body + bytes([frame_checksum(body)])) == SessionStart(
        "0042", 17.0
    )
    body = bytes([0x01, 0x04, 0x12, 0, 0, 0, 0])
    assert FRAMES.decode(SESSION_FRAME, body + bytes([frame_checksum(body)])) == SetEnd(
        Phase.BEFORE, 18
    )


def test_damaged_frames_are_line_errors() -> None:
    body = bytes([0x01, 0x03, 0x98, 0x3A, 0x00, 0x00, 0x07])
    with pytest.raises(ChecksumError):
        FRAMES.decode(READING_FRAME, body + bytes([frame_checksum(body) ^ 1]))
    with pytest.raises(LineError, match="8"):
        FRAMES.decode(READING_FRAME, body)
    bad_position = bytes([0x01, 0x0F, 0, 0, 0, 0, 0])
    with pytest.raises(LineError, match="position 15"):
        FRAMES.decode(READING_FRAME, bad_position + bytes([frame_checksum(bad_position)]))
    v2 = bytes([0x02, 0x01, 0, 0, 0, 1, 0])
    with pytest.raises(ProtocolVersionError):
        FRAMES.decode(SESSION_FRAME, v2 + bytes([frame_checksum(v2)]))
    with pytest.raises(LineError):
        FRAMES.decode(0x123, bytes(8))


def test_every_record_survives_encode_and_decode() -> None:
    for record in (
        SessionStart("0007", 18.5),
        SetBegin(Phase.AFTER),
        SetEnd(Phase.AFTER, 18),
        SessionEnd("0007"),
        Measured(Position.VEHICLE, Quantity.THRUST_ANGLE, -0.6875, "DEG", True),
    ):
        assert FRAMES.decode(*FRAMES.encode(record)) == record


def test_simulated_session_on_the_virtual_bus() -> None:
    channel = f"rig-{time.monotonic_ns()}"
    rig = CanRig(interface="virtual", channel=channel)
    live: list[AlignmentReading] = []
    with (
        rig,
        RigSimulator.on_can(
            interface="virtual", channel=channel, pace=Pace.fast(), noise=True
        ) as sim,
    ):
        session = rig.read_session(on_live=live.append, timeout=30)
    assert sim.error is None
    rated = rate_session(session, spec_for("Bay Motors", "Sedan", 2019))
    before = rated.reading(Phase.BEFORE, RR, TOE)
    after = rated.reading(Phase.AFTER, RR, TOE)
    assert before is not None and before.rating is Rating.RED
    assert before.beyond_limit_deg == pytest.approx(1.2)
    assert after is not None and after.rating is Rating.GREEN
    toe = [r.value_deg for r in live if r.position is RR and r.quantity is TOE]
    assert toe[0] > 1.0 and abs(toe[-1] - 0.16) < 0.02
    assert rig.stats.checksum_errors == 1
    assert rig.stats.skipped >= 2


def test_a_lost_frame_in_a_set_is_an_error() -> None:
    channel = f"rig-{time.monotonic_ns()}"
    with can.Bus(interface="virtual", channel=channel) as sender:
        rig = CanRig(interface="virtual", channel=channel)
        with rig:
            for record in (
                SessionStart("0001", 17.0),
                SetBegin(Phase.BEFORE),
                Measured(RR, TOE, 1.5),
                SetEnd(Phase.BEFORE, 2),
            ):
                frame_id, data = FRAMES.encode(record)
                sender.send(can.Message(arbitration_id=frame_id, data=data, is_extended_id=False))
            with pytest.raises(SessionIncomplete):
                rig.read_session(timeout=10)


def test_run_session_closes_the_bus_it_opened() -> None:
    channel = f"rig-{time.monotonic_ns()}"
    rig = CanRig(interface="virtual", channel=channel)
    with RigSimulator.on_can(interface="virtual", channel=channel, pace=Pace.fast(), sessions=0):
        # the simulator may start before the reader joins: the reader waits for the next start
        session = run_session(rig, timeout=30)
    assert session.after is not None
    assert rig._bus is None
