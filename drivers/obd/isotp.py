"""ISO 15765-2 framing for the tester side, as pure functions and a small state machine.

The tester must accept first replies from ECUs it does not know yet, inside the
response window of a functional request, so it keeps one `Reassembler` per
responding arbitration id rather than one pre-bound socket per ECU.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from drivers.errors import DecodeError

log = logging.getLogger(__name__)

PADDING = 0xAA
FLOW_CONTROL_CONTINUE = bytes((0x30, 0x00, 0x00)) + bytes((PADDING,)) * 5


def single_frame(payload: bytes) -> bytes:
    """One padded single frame; OBD requests always fit (at most 7 bytes)."""
    if not 1 <= len(payload) <= 7:
        raise DecodeError(f"a single frame carries 1 to 7 bytes, not {len(payload)}")
    return bytes((len(payload),)) + payload + bytes((PADDING,)) * (7 - len(payload))


@dataclass
class Reassembler:
    """Collects the frames of one ECU's reply; `feed` says what the frame completed."""

    expected: int = 0
    buffer: bytearray = field(default_factory=bytearray)
    next_sequence: int = 1

    @property
    def in_progress(self) -> bool:
        return self.expected > 0

    def reset(self) -> None:
        self.expected = 0
        self.buffer = bytearray()
        self.next_sequence = 1

    def feed(self, frame: bytes) -> tuple[str, bytes]:
        """Returns ("complete", payload), ("flow_control", b"") after a first frame,
        ("ignored", b"") for frames that are not part of a reply, or raises DecodeError."""
        if not frame:
            raise DecodeError("empty CAN frame")
        kind = frame[0] >> 4
        if kind == 0:
            length = frame[0] & 0x0F
            if length == 0 or length > len(frame) - 1:
                raise DecodeError(f"single frame length {length} does not fit {len(frame)} bytes")
            self.reset()
            return "complete", bytes(frame[1 : 1 + length])
        if kind == 1:
            if len(frame) < 8:
                raise DecodeError("first frame shorter than 8 bytes")
            length = ((frame[0] & 0x0F) << 8) | frame[1]
            if length < 8:
                raise DecodeError(f"first frame announces {length} bytes, a single frame would do")
            self.reset()
            self.expected = length
            self.buffer.extend(frame[2:])
            return "flow_control", b""
        if kind == 2:
            if not self.in_progress:
                return "ignored", b""
            sequence = frame[0] & 0x0F
            if sequence != self.next_sequence:
                wanted = self.next_sequence
                self.reset()
                raise DecodeError(f"consecutive frame {sequence} out of order, wanted {wanted}")
            self.next_sequence = (self.next_sequence + 1) & 0x0F
            self.buffer.extend(frame[1:])
            if len(self.buffer) >= self.expected:
                payload = bytes(self.buffer[: self.expected])
                self.reset()
                return "complete", payload
            return "pending", b""
        if kind == 3:
            return "ignored", b""
        raise DecodeError(f"unknown frame type {kind:X}")
