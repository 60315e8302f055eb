"""The rig's CAN variant: two frames described by fixtures/dbc/alignment_rig.dbc.

Decoding goes through cantools with the published DBC; the checksum byte and
the protocol version are checked before a record is made. Pure: frame id and
bytes in, a record (or a `LineError`) out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import cantools
import cantools.database.errors

from drivers.errors import DriverUnavailable
from drivers.rig.errors import ChecksumError, LineError, ProtocolVersionError
from drivers.rig.protocol import (
    VERSION,
    Measured,
    RigRecord,
    SessionAbort,
    SessionEnd,
    SessionStart,
    SetBegin,
    SetEnd,
)
from station.alignment import Phase, Position, Quantity
from station.fixtures import fixtures_dir

log = logging.getLogger(__name__)

DBC_FIXTURE = "dbc/alignment_rig.dbc"
SESSION_FRAME = 0x6A0
READING_FRAME = 0x6A1
POSITIONS = (
    Position.FRONT_LEFT,
    Position.FRONT_RIGHT,
    Position.REAR_LEFT,
    Position.REAR_RIGHT,
    Position.FRONT_AXLE,
    Position.REAR_AXLE,
    Position.VEHICLE,
)
QUANTITIES = (
    Quantity.TOE,
    Quantity.CAMBER,
    Quantity.CASTER,
    Quantity.SAI,
    Quantity.INCLUDED_ANGLE,
    Quantity.TOTAL_TOE,
    Quantity.THRUST_ANGLE,
    Quantity.SETBACK,
)
START, BEGIN_BEFORE, BEGIN_AFTER, END_BEFORE, END_AFTER, STOP, ABORT = range(1, 8)


def frame_checksum(data: bytes) -> int:
    """0xFF minus the sum of bytes 0-6, modulo 256."""
    return (0xFF - sum(data[:7])) & 0xFF


def _session_number(session_id: str) -> int:
    digits = "".join(ch for ch in session_id if ch.isdigit())
    return int(digits[-5:] or "0") % 65536


@dataclass(frozen=True)
class RigFrames:
    """The DBC database for the rig's frames."""

    db: Any

    @classmethod
    def load(cls) -> RigFrames:
        path = fixtures_dir() / DBC_FIXTURE
        try:
            return cls(cantools.database.load_file(str(path)))
        except (OSError, cantools.database.errors.Error) as err:
            raise DriverUnavailable(
                f"the rig's DBC file {path} cannot be read: {err}",
                key="rig.dbc_unreadable",
                path=str(path),
                reason=str(err),
            ) from err

    def _encode(self, frame_id: int, signals: dict[str, float]) -> bytes:
        data = bytearray(self.db.encode_message(frame_id, {**signals, "Checksum": 0}, scaling=True))
        data[7] = frame_checksum(bytes(data))
        return bytes(data)

    def encode(self, record: RigRecord, counter: int = 0) -> tuple[int, bytes]:
        """The frame for a record (the rig's side); session ids travel as their number."""
        event: int
        count, rim, number = 0, 0.0, 0
        match record:
            case Measured(position, quantity, value, unit, live):
                if unit != "DEG":
                    raise ValueError("the CAN variant sends degrees only")
                signals = {
                    "Version": VERSION,
                    "Kind": 1 if live else 0,
                    "Position": POSITIONS.index(position),
                    "Quantity": QUANTITIES.index(quantity),
                    "Value": round(value, 4),
                    "Counter": counter % 256,
                }
                return READING_FRAME, self._encode(READING_FRAME, signals)
            case SessionStart(session_id, rim_diameter):
                event, number, rim = START, _session_number(session_id), rim_diameter or 0.0
            case SetBegin(phase):
                event = BEGIN_BEFORE if phase is Phase.BEFORE else BEGIN_AFTER
            case SetEnd(phase, set_count):
                event, count = (END_BEFORE if phase is Phase.BEFORE else END_AFTER), set_count
            case SessionEnd(session_id):
                event, number = STOP, _session_number(session_id)
            case SessionAbort(session_id, _reason):
                event, number = ABORT, _session_number(session_id)
        signals = {
            "Version": VERSION,
            "Event": event,
            "Count": count,
            "RimDiameter": rim,
            "SessionNumber": number,
        }
        return SESSION_FRAME, self._encode(SESSION_FRAME, signals)

    def decode(self, frame_id: int, data: bytes) -> RigRecord:
        """A record from one of the rig's frames; any fault is a `LineError`."""
        if frame_id not in (SESSION_FRAME, READING_FRAME):
            raise LineError(f"frame {frame_id:03X} is not the rig's")
        if len(data) != 8:
            raise LineError(f"rig frame {frame_id:03X} has {len(data)} bytes, not 8")
        if frame_checksum(data) != data[7]:
            raise ChecksumError(f"rig frame {frame_id:03X} checksum {data[7]:02X} is wrong")
        try:
            signals = self.db.decode_message(frame_id, data, decode_choices=False, scaling=False)
        except (cantools.database.DecodeError, ValueError, KeyError) as err:
            raise LineError(f"rig frame {frame_id:03X} does not decode: {err}") from err
        if signals["Version"] != VERSION:
            raise ProtocolVersionError(
                f"the rig speaks protocol version {signals['Version']}; this station speaks {VERSION}"
            )
        if frame_id == READING_FRAME:
            return self._reading(signals)
        return self._session(signals)

    def _reading(self, signals: dict[str, int]) -> Measured:
        kind, position, quantity = signals["Kind"], signals["Position"], signals["Quantity"]
        if kind > 1 or position >= len(POSITIONS) or quantity >= len(QUANTITIES):
            raise LineError(
                f"reading frame with kind {kind}, position {position}, quantity {quantity}"
            )
        value = signals["Value"] * 0.0001
        if abs(value) > 90.0:
            raise LineError(f"reading {value:.4f}° is beyond any real car")
        return Measured(
            POSITIONS[position], QUANTITIES[quantity], round(value, 4), "DEG", kind == 1
        )

    def _session(self, signals: dict[str, int]) -> RigRecord:
        event, number = signals["Event"], f"{signals['SessionNumber']:04d}"
        rim = signals["RimDiameter"] * 0.01
        if event == START:
            if rim and not 10.0 <= rim <= 30.0:
                raise LineError(f"rim diameter {rim:.2f} in is not a car's")
            return SessionStart(number, round(rim, 2) or None)
        if event in (BEGIN_BEFORE, BEGIN_AFTER):
            return SetBegin(Phase.BEFORE if event == BEGIN_BEFORE else Phase.AFTER)
        if event in (END_BEFORE, END_AFTER):
            return SetEnd(Phase.BEFORE if event == END_BEFORE else Phase.AFTER, signals["Count"])
        if event == STOP:
            return SessionEnd(number)
        if event == ABORT:
            return SessionAbort(number, "cancelled on the rig")
        raise LineError(f"unknown session event {event}")
