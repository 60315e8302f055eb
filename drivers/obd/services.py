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


def dtc_readings(service: int, reply: bytes) -> tuple[list[str] | None, list[str] | None]:
    """The two ways a service 03/07/0A reply can be read: (with its count byte, as code
    pairs only), None where the bytes do not fit that way. Pure.

    On CAN (ISO 15765-4) the count byte leads and says how many pairs follow; anything
    after them is padding. Code pairs without a count are K-line and J1850, and some
    CAN emulations. `43 01 01 43 00` fits both (P0143, or P0101 and C0300): the caller
    settles it with what else it knows of the ECU (`parse_dtc_reply`).
    """
    body = check_positive(service, reply)
    counted: list[str] | None = None
    if body:
        count, pairs = body[0], body[1:]
        padding = pairs[2 * count :]
        if len(pairs) >= 2 * count and not any(b not in (0x00, 0xAA, 0x55) for b in padding):
            counted = [dtc_from_bytes(pairs[i], pairs[i + 1]) for i in range(0, 2 * count, 2)]
    paired = decode_dtcs(body) if len(body) % 2 == 0 and body != b"\x00" else None
    return counted, paired


def parse_dtc_reply(service: int, reply: bytes, *, counted: bool | None = True) -> list[str]:
    """Codes of a service 03/07/0A reply. `counted` True reads the count byte (CAN),
    False code pairs only (K-line, J1850), None whichever way the bytes fit, the count
    byte first. Bytes that fit neither way raise DecodeError: fewer codes than the count
    says is a reply cut short, never a shorter list."""
    with_count, pairs_only = dtc_readings(service, reply)
    if counted is None:
        counted = with_count is not None
    chosen = with_count if counted else pairs_only
    if chosen is None:
        if counted and reply[1:2]:
            raise DecodeError(
                f"reply {reply.hex()} announces {reply[1]} codes but carries "
                f"{(len(reply) - 2) // 2}"
            )
        raise DecodeError(f"reply {reply.hex()} is not a list of trouble codes")
    return chosen


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
