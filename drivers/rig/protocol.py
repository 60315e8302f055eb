"""The rig line protocol, version 1: one record per ASCII line, NMEA-style checksum.

    $ALN,1,VAL,RR,TOE,1.5000,DEG*5B\\r\\n

Pure functions from bytes to records and back; the README's alignment section is
the published description. Every failure is a `LineError` (a `DecodeError`).
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

from drivers.rig.errors import ChecksumError, LineError, ProtocolVersionError
from station.alignment import Phase, Position, Quantity

log = logging.getLogger(__name__)

TALKER = "ALN"
VERSION = 1
MAX_LINE = 128  # bytes, terminator included
MAX_ANGLE_DEG = 90.0
MAX_TOE_MM = 200.0

QUANTITY_CODES: dict[str, Quantity] = {
    "TOE": Quantity.TOE,
    "CAMBER": Quantity.CAMBER,
    "CASTER": Quantity.CASTER,
    "SAI": Quantity.SAI,
    "IA": Quantity.INCLUDED_ANGLE,
    "TTOE": Quantity.TOTAL_TOE,
    "THRUST": Quantity.THRUST_ANGLE,
    "SETBACK": Quantity.SETBACK,
}
QUANTITY_NAMES = {q: code for code, q in QUANTITY_CODES.items()}
UNITS = ("DEG", "MIN", "MM")
_SESSION_ID = re.compile(r"[A-Za-z0-9_.-]{1,32}")
_NUMBER = re.compile(r"[+-]?\d{1,4}(\.\d{1,6})?")


@dataclass(frozen=True)
class SessionStart:
    session_id: str
    rim_diameter_in: float | None = None


@dataclass(frozen=True)
class SetBegin:
    phase: Phase


@dataclass(frozen=True)
class Measured:
    """A value: final (part of the open set) or live (while the technician adjusts)."""

    position: Position
    quantity: Quantity
    value: float
    unit: str = "DEG"
    live: bool = False


@dataclass(frozen=True)
class SetEnd:
    phase: Phase
    count: int


@dataclass(frozen=True)
class SessionEnd:
    session_id: str


@dataclass(frozen=True)
class SessionAbort:
    session_id: str
    reason: str


RigRecord = SessionStart | SetBegin | Measured | SetEnd | SessionEnd | SessionAbort


def checksum(body: bytes) -> int:
    """XOR of every byte between `$` and `*`."""
    value = 0
    for byte in body:
        value ^= byte
    return value


def _number(text: str, what: str) -> float:
    if not _NUMBER.fullmatch(text):
        raise LineError(f"{what} {text!r} is not a decimal number")
    return float(text)


def _phase(text: str) -> Phase:
    try:
        return Phase(text.lower())
    except ValueError as err:
        raise LineError(f"unknown phase {text!r}; use BEFORE or AFTER") from err


def _session_id(text: str) -> str:
    if not _SESSION_ID.fullmatch(text):
        raise LineError(f"session id {text!r} is not 1-32 letters, digits, '.', '_' or '-'")
    return text


def _measured(fields: list[str], live: bool) -> Measured:
    if len(fields) != 4:
        raise LineError(
            f"a value has 4 fields (position, quantity, value, unit), not {len(fields)}"
        )
    position_code, quantity_code, value_text, unit = fields
    try:
        position = Position(position_code)
    except ValueError as err:
        raise LineError(f"unknown position {position_code!r}") from err
    quantity = QUANTITY_CODES.get(quantity_code)
    if quantity is None:
        raise LineError(f"unknown quantity {quantity_code!r}")
    value = _number(value_text, "value")
    if unit not in UNITS:
        raise LineError(f"unknown unit {unit!r}; use DEG, MIN or MM")
    if unit == "MM" and quantity not in (Quantity.TOE, Quantity.TOTAL_TOE):
        raise LineError(f"{quantity_code} is an angle: it cannot be given in MM")
    limit = {"DEG": MAX_ANGLE_DEG, "MIN": MAX_ANGLE_DEG * 60, "MM": MAX_TOE_MM}[unit]
    if abs(value) > limit:
        raise LineError(f"{quantity_code} {value} {unit} is beyond any real car")
    return Measured(position, quantity, value, unit, live)


def parse_line(raw: bytes) -> RigRecord:
    """One line (with or without its terminator) to a record; any fault is a `LineError`."""
    line = raw.rstrip(b"\r\n")
    if len(line) + 2 > MAX_LINE:
        raise LineError(f"line of {len(line)} bytes is longer than {MAX_LINE}")
    if not line.startswith(b"$"):
        raise LineError("line does not start with '$'")
    star = line.rfind(b"*")
    if star < 0 or len(line) - star != 3:
        raise LineError("line has no '*HH' checksum at its end (cut off?)")
    body = line[1:star]
    try:
        sent = int(line[star + 1 :].decode("ascii"), 16)
        text = body.decode("ascii")
    except (UnicodeDecodeError, ValueError) as err:
        raise LineError("line is not ASCII or its checksum is not hex") from err
    if not text.isprintable():
        raise LineError("line has control characters")
    if checksum(body) != sent:
        raise ChecksumError(f"checksum {sent:02X} does not match {checksum(body):02X}")
    fields = text.split(",")
    if len(fields) < 3 or fields[0] != TALKER:
        raise LineError(f"not a rig line: {text[:20]!r}")
    if fields[1] != str(VERSION):
        raise ProtocolVersionError(
            f"the rig speaks protocol version {fields[1][:8]!r}; this station speaks {VERSION}"
        )
    kind, rest = fields[2], fields[3:]
    if kind in ("VAL", "LIVE"):
        return _measured(rest, live=kind == "LIVE")
    if kind == "START" and len(rest) in (1, 2):
        rim = _number(rest[1], "rim diameter") if len(rest) == 2 and rest[1] else None
        if rim is not None and not 10.0 <= rim <= 30.0:
            raise LineError(f"rim diameter {rim} in is not a car's")
        return SessionStart(_session_id(rest[0]), rim)
    if kind == "BEGIN" and len(rest) == 1:
        return SetBegin(_phase(rest[0]))
    if kind == "END" and len(rest) == 2:
        if not rest[1].isdigit() or len(rest[1]) > 3:
            raise LineError(f"reading count {rest[1]!r} is not a number")
        return SetEnd(_phase(rest[0]), int(rest[1]))
    if kind == "STOP" and len(rest) == 1:
        return SessionEnd(_session_id(rest[0]))
    if kind == "ABORT" and len(rest) >= 1:
        return SessionAbort(_session_id(rest[0]), ",".join(rest[1:]))
    raise LineError(f"unknown record {kind[:10]!r} with {len(rest)} fields")


def _decimal(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"{value} cannot be sent")
    return f"{value:.4f}"


def format_record(record: RigRecord, version: int = VERSION) -> bytes:
    """The line for a record, checksum and CR LF included (the rig's side, and tests)."""
    fields: list[str]
    match record:
        case SessionStart(session_id, rim):
            fields = ["START", session_id] + ([] if rim is None else [f"{rim:g}"])
        case SetBegin(phase):
            fields = ["BEGIN", phase.value.upper()]
        case Measured(position, quantity, value, unit, live):
            kind = "LIVE" if live else "VAL"
            fields = [kind, position.value, QUANTITY_NAMES[quantity], _decimal(value), unit]
        case SetEnd(phase, count):
            fields = ["END", phase.value.upper(), str(count)]
        case SessionEnd(session_id):
            fields = ["STOP", session_id]
        case SessionAbort(session_id, reason):
            fields = ["ABORT", session_id, reason]
    body = ",".join([TALKER, str(version), *fields]).encode("ascii")
    return b"$" + body + b"*" + f"{checksum(body):02X}".encode("ascii") + b"\r\n"


class LineSplitter:
    """Bytes in, whole lines out; an over-long run without a newline is dropped and counted."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._discarding = False
        self.dropped = 0

    def feed(self, data: bytes) -> list[bytes]:
        lines: list[bytes] = []
        self._buffer += data
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                break
            line = bytes(self._buffer[: end + 1])
            del self._buffer[: end + 1]
            if self._discarding:
                self._discarding = False
                continue
            lines.extend(_split_restarts(line))
        if len(self._buffer) > MAX_LINE:
            self._buffer.clear()
            if not self._discarding:
                self.dropped += 1
            self._discarding = True
        return lines

    def reset(self) -> bool:
        """Forget a partial line (the connection was lost); True if there was one."""
        partial = bool(self._buffer) and not self._discarding
        self._buffer.clear()
        self._discarding = False
        return partial


def _split_restarts(line: bytes) -> list[bytes]:
    """A line cut off and followed by a whole one without a newline: keep both parts.

    The part before the last `$` then fails to parse and is counted; the whole
    line after it is read as usual.
    """
    start = line.rfind(b"$")
    if start <= 0:
        return [line]
    return [line[:start], line[start:]]
