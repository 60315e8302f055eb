"""Full-system depth over UDS (ISO 14229), with udsoncan: the fault memory of every
ECU that answers, including the airbag, ABS, body and TPMS modules OBD never shows,
and the traction battery block read by data identifier.

udsoncan builds the requests and reads the replies; the bytes travel over the same
`ObdLink` as the OBD scan (ISO-TP on CAN, or an ELM327 adapter), through
`LinkConnection`, so one reassembly and one set of timings serve both.
"""

from __future__ import annotations

import logging
import queue
from dataclasses import dataclass
from typing import Any, cast

from drivers.errors import DriverUnavailable
from drivers.obd.dtc import describe_dtc, dtc_from_bytes
from drivers.obd.link import ObdLink

log = logging.getLogger(__name__)
# udsoncan logs every negative response as a warning; to a scan a refusal is an answer.
for _name in ("UdsClient", "Connection"):
    logging.getLogger(_name).setLevel(logging.ERROR)

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


def connection(link: ObdLink, ecu: str) -> Any:
    """A udsoncan connection to one ECU over an `ObdLink`. The link's request is the
    whole exchange (it waits out "response pending" itself), so the reply, if any, is
    queued by the time udsoncan waits for it, and no reply is a timeout at once."""
    try:
        from udsoncan.connections import BaseConnection
    except ImportError as err:
        raise DriverUnavailable("udsoncan is not installed (full-system scan)") from err

    class _Connection(BaseConnection):
        def __init__(self) -> None:
            super().__init__(f"ECU {ecu}")
            self.replies: queue.Queue[bytes] = queue.Queue()
            self.faults: dict[str, str] = {}
            self.opened = False

        def open(self) -> _Connection:
            self.opened = True
            return self

        def close(self) -> None:
            self.opened = False

        def is_open(self) -> bool:
            return self.opened

        def specific_send(self, payload: bytes, timeout: float | None = None) -> None:
            reply = link.request(bytes(payload), [ecu]).get(ecu)
            self.faults = link.fault_for(ecu)
            if reply is not None:
                self.replies.put(reply)

        def specific_wait_frame(self, timeout: float | None = None) -> bytes | None:
            try:
                return self.replies.get_nowait()
            except queue.Empty:
                return None

        def empty_rxqueue(self) -> None:
            while not self.replies.empty():
                self.replies.get_nowait()

    return _Connection()


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


def client_config() -> dict[str, Any]:
    from udsoncan import AsciiCodec
    from udsoncan.configs import default_client_config

    config: dict[str, Any] = dict(default_client_config)
    config.update(
        request_timeout=2.0,
        p2_timeout=1.0,
        use_server_timing=False,
        exception_on_negative_response=True,
        data_identifiers={
            SYSTEM_NAME: AsciiCodec(SYSTEM_NAME_LENGTH),
            **{
                did: _battery_codec(size, scale, offset)
                for did, _name, size, scale, offset, _unit in BATTERY_DIDS
            },
        },
    )
    return config


@dataclass(frozen=True)
class UdsOutcome:
    """What one UDS question gave: a value, or why not (a status of the scan's reads)."""

    value: Any = None
    status: str = "read"
    nrc: int | None = None
    detail: str | None = None


def read_fault_memory(link: ObdLink, ecu: str, language: str = "en") -> UdsOutcome:
    """ReadDTCInformation, report DTCs by status mask (0x19 0x02 0xFF) from one ECU."""
    return _ask(
        link, ecu, lambda client: _codes(client.get_dtc_by_status_mask(ALL_STATUS_BITS), language)
    )


def _codes(response: Any, language: str) -> list[UdsCode]:
    codes = []
    for dtc in response.service_data.dtcs:
        raw = int(dtc.id).to_bytes(3, "big")
        code = uds_code(raw)
        status = int(dtc.status.get_byte_as_int())
        codes.append(UdsCode(code, status, describe_dtc(code[:5], language)))
    return codes


def read_name(link: ObdLink, ecu: str) -> str | None:
    """The module's system name (DID F197), when it gives one."""
    outcome = _ask(
        link, ecu, lambda client: client.read_data_by_identifier(SYSTEM_NAME).service_data.values
    )
    if outcome.status != "read":
        return None
    text = str(outcome.value[SYSTEM_NAME]).replace("\x00", "").strip()
    return text or None


def read_battery(link: ObdLink, ecu: str) -> UdsOutcome:
    """The traction battery block (ReadDataByIdentifier), with the cell voltage spread."""

    def read(client: Any) -> dict[str, object]:
        block: dict[str, object] = {}
        for did, name, _size, _scale, _offset, _unit in BATTERY_DIDS:
            block[name] = client.read_data_by_identifier(did).service_data.values[did]
        high, low = block.get("cell_voltage_max"), block.get("cell_voltage_min")
        if isinstance(high, float) and isinstance(low, float):
            block["cell_voltage_spread_mv"] = round((high - low) * 1000)
        return block

    return _ask(link, ecu, read)


def _ask(link: ObdLink, ecu: str, question: Any) -> UdsOutcome:
    from udsoncan.client import Client
    from udsoncan.exceptions import (
        InvalidResponseException,
        NegativeResponseException,
        TimeoutException,
        UnexpectedResponseException,
    )

    conn = connection(link, ecu)
    try:
        with Client(conn, config=cast(Any, client_config())) as client:
            return UdsOutcome(value=question(client))
    except NegativeResponseException as err:
        return UdsOutcome(status="refused", nrc=err.response.code)
    except TimeoutException:
        fault = conn.faults.get(ecu)
        if fault:
            return UdsOutcome(status="adapter_error", detail=fault)
        return UdsOutcome(status="no_answer")
    except (InvalidResponseException, UnexpectedResponseException) as err:
        return UdsOutcome(status="adapter_error", detail=str(err))
