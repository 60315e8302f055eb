"""Full-system depth over UDS (ISO 14229), with udsoncan: the fault memory of every
ECU that answers, including the airbag, ABS, body and TPMS modules OBD never shows,
and the traction battery block read by data identifier.

udsoncan reads the replies (and is imported only when an ECU gives one); the bytes
travel over the same `ObdLink` as the OBD scan (ISO-TP on CAN, or an ELM327 adapter),
to every ECU at once where the link can, so one reassembly and one set of timings
serve both.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from drivers.obd.dtc import describe_dtc, dtc_from_bytes
from drivers.obd.link import ObdLink

log = logging.getLogger(__name__)

TESTER_PRESENT = b"\x3e\x00"
SYSTEM_NAME = 0xF197
SYSTEM_NAME_LENGTH = 20
ALL_STATUS_BITS = 0xFF
# DTC status bits (ISO 14229-1, D.2), as the technician needs them.
STATUS_BITS = (
    (0x01, "test_failed"),
    (0x04, "pending"),
    (0x08, "confirmed"),
    (0x80, "warning_indicator"),
)
# The traction battery's data identifiers of the brand the simulator models: (DID,
# name, bytes, scale, offset, unit). Other brands keep theirs elsewhere: such a car
# simply answers "request out of range" and shows no battery block.
BATTERY_DIDS = (
    (0x4010, "state_of_health", 1, 0.5, 0.0, "%"),
    (0x4015, "state_of_charge", 1, 0.5, 0.0, "%"),
    (0x4011, "cell_voltage_max", 2, 0.001, 0.0, "V"),
    (0x4012, "cell_voltage_min", 2, 0.001, 0.0, "V"),
    (0x4013, "temperature_max", 1, 1.0, -40.0, "°C"),
    (0x4014, "temperature_min", 1, 1.0, -40.0, "°C"),
)


def uds_candidates(extended: bool, known: set[str]) -> list[str]:
    """Reply ids of ECUs that may answer UDS beyond the OBD ones: on 11-bit CAN each
    request id 0x700-0x7F7 whose reply is 8 above it, on 29-bit every 18DAF1xx."""
    if extended:
        names = [f"18DAF1{n:02X}" for n in range(0x100)]
    else:
        names = [f"{rid + 8:03X}" for rid in range(0x700, 0x7F8) if rid & 0xF < 8 and rid != 0x7DF]
    return [name for name in names if name not in known]


def uds_code(data: bytes) -> str:
    """A three-byte UDS DTC as the workshop writes it: "C0035-11" (J2012 code, failure type)."""
    return f"{dtc_from_bytes(data[0], data[1])}-{data[2]:02X}"


@dataclass(frozen=True)
class UdsCode:
    code: str
    status: int
    description: str | None

    def to_json(self) -> dict[str, object]:
        flags = {name: bool(self.status & bit) for bit, name in STATUS_BITS}
        return {
            "code": self.code,
            "status": f"{self.status:02X}",
            **flags,
            "description": self.description,
        }


# ReadDTCInformation, report DTCs by status mask, every status bit: what udsoncan's
# ReadDTCInformation.make_request gives for it (tests/drivers/test_obd_full_system.py).
READ_FAULT_MEMORY = bytes((0x19, 0x02, ALL_STATUS_BITS))


def _battery_codec(size: int, scale: float, offset: float) -> Any:
    """udsoncan codec of one battery identifier: raw bytes to a scaled number."""
    from udsoncan import DidCodec

    class _Codec(DidCodec):
        def encode(self, *values: Any) -> bytes:
            return round((float(values[0]) - offset) / scale).to_bytes(size, "big")

        def decode(self, data: bytes) -> float:
            return round(int.from_bytes(data[:size], "big") * scale + offset, 3)

        def __len__(self) -> int:
            return size

    return _Codec()


def did_config() -> Any:
    from udsoncan import AsciiCodec

    config: dict[int, Any] = {
        SYSTEM_NAME: AsciiCodec(SYSTEM_NAME_LENGTH),
        **{
            did: _battery_codec(size, scale, offset)
            for did, _name, size, scale, offset, _unit in BATTERY_DIDS
        },
    }
    return config


@dataclass(frozen=True)
class UdsOutcome:
    """What one UDS question gave: a value, or why not (a status of the scan's reads)."""

    value: Any = None
    status: str = "read"
    nrc: int | None = None
    detail: str | None = None


def _unread(reply: bytes | None, fault: str | None) -> UdsOutcome | None:
    if reply is None:
        return (
            UdsOutcome(status="adapter_error", detail=fault)
            if fault
            else UdsOutcome(status="no_answer")
        )
    if len(reply) >= 3 and reply[0] == 0x7F:
        return UdsOutcome(status="refused", nrc=reply[2])
    return None


def ask_all(
    link: ObdLink, ecus: list[str], payload: bytes
) -> dict[str, tuple[bytes | None, str | None]]:
    """The same UDS request to each ECU (in parallel where the link can): reply and fault."""
    if not ecus:
        return {}
    replies = link.request(payload, ecus)
    return {ecu: (replies.get(ecu), link.fault_for(ecu).get(ecu)) for ecu in ecus}


def fault_memory(reply: bytes | None, fault: str | None, language: str = "en") -> UdsOutcome:
    """One ECU's answer to READ_FAULT_MEMORY, read by udsoncan: its codes and status bytes."""
    unread = _unread(reply, fault)
    if unread is not None:
        return unread
    from udsoncan.exceptions import InvalidResponseException
    from udsoncan.Response import Response
    from udsoncan.services.ReadDTCInformation import ReadDTCInformation

    assert reply is not None
    response = Response.from_payload(reply)
    if not response.valid or not response.positive:
        return UdsOutcome(status="adapter_error", detail=f"not a UDS reply: {reply.hex()}")
    try:
        interpreted = ReadDTCInformation.interpret_response(
            response, ReadDTCInformation.Subfunction.reportDTCByStatusMask
        )
    except (InvalidResponseException, ValueError) as err:
        return UdsOutcome(status="adapter_error", detail=str(err))
    codes = []
    for dtc in interpreted.service_data.dtcs:
        code = uds_code(int(dtc.id).to_bytes(3, "big"))
        codes.append(
            UdsCode(code, int(dtc.status.get_byte_as_int()), describe_dtc(code[:5], language))
        )
    return UdsOutcome(value=codes)


def data_by_identifier(reply: bytes | None, fault: str | None, did: int) -> UdsOutcome:
    """One ECU's answer to ReadDataByIdentifier of `did`, decoded by udsoncan."""
    unread = _unread(reply, fault)
    if unread is not None:
        return unread
    from udsoncan.exceptions import InvalidResponseException
    from udsoncan.Response import Response
    from udsoncan.services.ReadDataByIdentifier import ReadDataByIdentifier

    assert reply is not None
    response = Response.from_payload(reply)
    if not response.valid or not response.positive:
        return UdsOutcome(status="adapter_error", detail=f"not a UDS reply: {reply.hex()}")
    try:
        interpreted = ReadDataByIdentifier.interpret_response(response, did, did_config())
    except (InvalidResponseException, ValueError, IndexError) as err:
        return UdsOutcome(status="adapter_error", detail=str(err))
    values = interpreted.service_data.values
    if did not in values:
        return UdsOutcome(status="adapter_error", detail=f"reply for another identifier: {values}")
    return UdsOutcome(value=values[did])


def read_names(link: ObdLink, ecus: list[str]) -> dict[str, UdsOutcome]:
    """Each module's system name (DID F197): the text (None when it keeps none), or why
    it was not read (a module that speaks UDS answers every physical request)."""
    names: dict[str, UdsOutcome] = {}
    for ecu, (reply, fault) in ask_all(link, ecus, _did_request(SYSTEM_NAME)).items():
        outcome = data_by_identifier(reply, fault, SYSTEM_NAME)
        if outcome.status == "read":
            text = str(outcome.value).replace("\x00", "").strip()
            names[ecu] = UdsOutcome(value=text or None)
        elif outcome.status == "refused":
            names[ecu] = UdsOutcome()  # it keeps no name
        else:
            names[ecu] = outcome
    return names


def read_batteries(link: ObdLink, ecus: list[str]) -> dict[str, UdsOutcome]:
    """The traction battery block (ReadDataByIdentifier) of the ECUs that keep one, with
    the cell voltage spread; ECUs refusing the first identifier keep none."""
    first_did = BATTERY_DIDS[0][0]
    blocks: dict[str, dict[str, object]] = {}
    outcomes: dict[str, UdsOutcome] = {}
    for ecu, (reply, fault) in ask_all(link, ecus, _did_request(first_did)).items():
        outcome = data_by_identifier(reply, fault, first_did)
        if outcome.status == "read":
            blocks[ecu] = {BATTERY_DIDS[0][1]: outcome.value}
        elif outcome.status != "refused":  # silent or garbled: unread, not "no battery"
            outcomes[ecu] = outcome
    for did, name, *_rest in BATTERY_DIDS[1:]:
        for ecu, (reply, fault) in ask_all(link, sorted(blocks), _did_request(did)).items():
            outcome = data_by_identifier(reply, fault, did)
            if outcome.status == "read":
                blocks[ecu][name] = outcome.value
            else:
                outcomes[ecu] = outcome
    for ecu, block in blocks.items():
        high, low = block.get("cell_voltage_max"), block.get("cell_voltage_min")
        if isinstance(high, float) and isinstance(low, float):
            block["cell_voltage_spread_mv"] = round((high - low) * 1000)
        outcomes.setdefault(ecu, UdsOutcome(value=block))
    return outcomes


def _did_request(did: int) -> bytes:
    return bytes((0x22,)) + did.to_bytes(2, "big")
