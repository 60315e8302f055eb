"""Pure parsers of OBD-II service replies (J1979) into values the scan reports."""

from __future__ import annotations

import logging

from drivers.errors import DecodeError, NegativeResponse
from drivers.obd.dtc import decode_dtcs, dtc_from_bytes
from drivers.obd.pids import Reading, decode_pid, pid_length

log = logging.getLogger(__name__)

DTC_SERVICES = {0x03: "stored", 0x07: "pending", 0x0A: "permanent"}
MAX_PIDS_PER_REQUEST = 6


def check_positive(service: int, reply: bytes) -> bytes:
    """The reply after its service byte; a negative reply raises NegativeResponse."""
    if len(reply) >= 3 and reply[0] == 0x7F and reply[1] == service:
        raise NegativeResponse(service, reply[2])
    if not reply or reply[0] != service + 0x40:
        raise DecodeError(f"reply {reply.hex()} does not answer service {service:02X}")
    return reply[1:]


def parse_current_data(reply: bytes) -> dict[int, bytes]:
    """Service 01 reply, one or more PIDs each followed by its data: PID -> data bytes."""
    body = check_positive(0x01, reply)
    values: dict[int, bytes] = {}
    i = 0
    while i < len(body):
        pid = body[i]
        length = pid_length(pid)
        if i + 1 + length > len(body):
            raise DecodeError(f"PID {pid:02X} cut short in {reply.hex()}")
        values[pid] = body[i + 1 : i + 1 + length]
        i += 1 + length
    return values


def parse_freeze_frame(reply: bytes) -> dict[int, bytes]:
    """Service 02 reply (PID, frame number, data)...: PID -> data bytes of frame 0."""
    body = check_positive(0x02, reply)
    values: dict[int, bytes] = {}
    i = 0
    while i + 1 < len(body):
        pid, _frame = body[i], body[i + 1]
        length = pid_length(pid)
        if i + 2 + length > len(body):
            raise DecodeError(f"freeze frame PID {pid:02X} cut short")
        values[pid] = body[i + 2 : i + 2 + length]
        i += 2 + length
    if i != len(body):
        raise DecodeError(f"stray bytes at the end of freeze frame {reply.hex()}")
    return values


def parse_dtc_reply(service: int, reply: bytes, *, counted: bool = True) -> list[str]:
    """Service 03/07/0A reply. On CAN (ISO 15765-4) the count byte always leads and says
    how many code pairs follow; bytes after them are padding. K-line and J1850 replies
    (`counted=False`) are code pairs only, with zero pairs as padding. A reply holding
    fewer codes than its count says is cut short and raises DecodeError."""
    body = check_positive(service, reply)
    if not counted:
        return decode_dtcs(body)
    if not body:
        raise DecodeError(f"reply {reply.hex()} lacks its code count")
    count, pairs = body[0], body[1:]
    if len(pairs) < 2 * count:
        raise DecodeError(
            f"reply {reply.hex()} announces {count} codes but carries {len(pairs) // 2}"
        )
    if any(pairs[2 * count :]):
        log.debug("bytes after the %d announced codes ignored: %s", count, pairs.hex())
    return [dtc_from_bytes(pairs[i], pairs[i + 1]) for i in range(0, 2 * count, 2)]


def freeze_frame_cause(data: bytes) -> str | None:
    """PID 02 of a freeze frame: the code that stored it; 0000 means no frame is stored."""
    if len(data) < 2:
        raise DecodeError("the freeze frame's code needs 2 bytes")
    return dtc_from_bytes(data[0], data[1]) if data[0] or data[1] else None


def parse_vehicle_info(reply: bytes, info: int) -> tuple[int, bytes]:
    """Service 09 reply: (number of data items, the item bytes)."""
    body = check_positive(0x09, reply)
    if len(body) < 1 or body[0] != info:
        raise DecodeError(f"reply {reply.hex()} is not for info type {info:02X}")
    if info in (0x00, 0x20, 0x40, 0x60):
        return 1, body[1:5]
    if len(body) < 2:
        raise DecodeError(f"info type {info:02X} reply is empty")
    return body[1], body[2:]


def text_items(data: bytes, count: int, size: int) -> list[str]:
    """Fixed-size ASCII items (VIN 17, calibration id 16, ECU name 20), NULs dropped."""
    if count <= 0:
        count = max(1, len(data) // size)
    items = []
    for n in range(count):
        chunk = data[n * size : (n + 1) * size]
        text = chunk.replace(b"\x00", b"").decode("ascii", errors="replace").strip()
        if text:
            items.append(text)
    return items


def parse_vin(data: bytes) -> str:
    # Some ECUs pad the VIN with leading NULs to 20 bytes; the VIN is its last 17 characters.
    text = data.replace(b"\x00", b"").decode("ascii", errors="replace").strip()
    if len(text) < 17:
        raise DecodeError(f"VIN {text!r} is shorter than 17 characters")
    return text[-17:]


def hex_items(data: bytes, size: int) -> list[str]:
    return [data[i : i + size].hex().upper() for i in range(0, len(data) - size + 1, size)]


def reading_json(reading: Reading) -> dict[str, object]:
    return {"name": reading.name, "value": reading.value, "unit": reading.unit}


def decode_values(values: dict[int, bytes]) -> dict[int, Reading]:
    readings: dict[int, Reading] = {}
    for pid, data in values.items():
        try:
            readings[pid] = decode_pid(pid, data)
        except DecodeError as err:
            log.warning("PID %02X not decoded: %s", pid, err)
    return readings
