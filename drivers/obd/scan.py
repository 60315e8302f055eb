"""The vehicle scan: every responding ECU, its codes, readiness, values and identity.

`scan_vehicle(link)` runs the same steps on any `ObdLink`. After the first
functional request it knows the responding ECUs and speaks to them physically,
so each later request ends as soon as every ECU that should answer has answered.

Clearing codes (service 04) is offered as `clear_codes(link)`; whether the
acting user may clear, the technician's confirmation and the audit record are
the caller's job (the core and the UI), never the driver's. Comparing the
pre-repair scan with the rescan is the core's one rule, on the scan JSON:
`station.diagnostics.compare_scans(before.to_json(), after.to_json())`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from drivers.errors import AdapterError, DecodeError, NegativeResponse, NoVehicleResponse
from drivers.obd.dtc import describe_dtc
from drivers.obd.link import ObdLink
from drivers.obd.pids import PIDS, SUPPORT_PIDS, Reading, decode_readiness, supported_pids
from drivers.obd.services import (
    DTC_SERVICES,
    MAX_PIDS_PER_REQUEST,
    decode_values,
    hex_items,
    parse_current_data,
    parse_dtc_reply,
    parse_freeze_frame,
    parse_vehicle_info,
    parse_vin,
    reading_json,
    text_items,
)

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class TroubleCode:
    code: str
    kind: str
    description: str | None

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "kind": self.kind, "description": self.description}


@dataclass
class EcuReport:
    """What one ECU told the scan."""

    id: str
    name: str | None = None
    supported: list[int] = field(default_factory=list)
    dtcs: list[TroubleCode] = field(default_factory=list)
    readiness: dict[str, Any] = field(default_factory=dict)
    pids: dict[int, Reading] = field(default_factory=dict)
    freeze_frame: dict[str, Any] | None = None
    calibration_ids: list[str] = field(default_factory=list)
    cvns: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "dtcs": [code.to_json() for code in self.dtcs],
            "readiness": self.readiness,
            "pids": {f"{pid:02X}": reading_json(r) for pid, r in sorted(self.pids.items())},
            "freeze_frame": self.freeze_frame,
            "calibration_ids": self.calibration_ids,
            "cvns": self.cvns,
        }


@dataclass
class ScanResult:
    """The scan as the station keeps it; `incomplete` with `error` when the link failed midway."""

    vin: str | None
    protocol: str
    ecus: list[EcuReport]
    elapsed_ms: float
    incomplete: bool = False
    error: str | None = None

    def codes(self) -> set[tuple[str, str]]:
        """(ECU id, code) pairs of stored, pending and permanent codes."""
        return {(ecu.id, code.code) for ecu in self.ecus for code in ecu.dtcs}

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "vin": self.vin,
            "protocol": self.protocol,
            "ecus": [ecu.to_json() for ecu in self.ecus],
            "elapsed_ms": round(self.elapsed_ms, 1),
        }
        if self.incomplete:
            out["incomplete"] = True
            out["error"] = self.error
        return out


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _Scan:
    def __init__(
        self, link: ObdLink, progress: Progress | None, language: str, pids: list[int] | None
    ) -> None:
        self.link = link
        self.progress = progress
        self.language = language
        self.wanted = pids
        self.ecus: dict[str, EcuReport] = {}
        self.vin: str | None = None

    def step(self, what: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress(what, fraction)

    def run(self) -> None:
        self.step("finding ECUs", 0.0)
        first = self.link.request(b"\x01\x00")
        if not first:
            raise NoVehicleResponse(
                "no ECU answered the first request (01 00); is the ignition on?"
            )
        for ecu_id in sorted(first):
            report = self.ecus[ecu_id] = EcuReport(ecu_id)
            try:
                report.supported = supported_pids(0, parse_current_data(first[ecu_id])[0])
            except (DecodeError, KeyError) as err:
                log.warning("ECU %s gave no support bitmap: %s", ecu_id, err)
        self.step("supported values", 0.1)
        self._support_chain()
        self.step("vehicle identity", 0.25)
        self._vehicle_info()
        self.step("trouble codes", 0.45)
        self._trouble_codes()
        self.step("live values", 0.6)
        self._current_values()
        self.step("freeze frames", 0.85)
        self._freeze_frames()
        self.step("done", 1.0)

    def _support_chain(self) -> None:
        """Follow the bitmaps 20, 40 ... E0 that each ECU claims, several per request."""
        fetched: dict[str, set[int]] = {ecu_id: {0x00} for ecu_id in self.ecus}
        while True:
            requests = {}
            for ecu_id, report in self.ecus.items():
                ask = [
                    p for p in SUPPORT_PIDS if p in report.supported and p not in fetched[ecu_id]
                ]
                if ask:
                    requests[ecu_id] = bytes((0x01, *ask[:MAX_PIDS_PER_REQUEST]))
                    fetched[ecu_id].update(ask[:MAX_PIDS_PER_REQUEST])
            if not requests:
                return
            for ecu_id, reply in self.link.request_each(requests).items():
                if ecu_id not in requests:
                    continue
                report = self.ecus[ecu_id]
                try:
                    for base, data in parse_current_data(reply).items():
                        if base in SUPPORT_PIDS:
                            report.supported = sorted(
                                set(report.supported) | set(supported_pids(base, data))
                            )
                except (DecodeError, NegativeResponse) as err:
                    log.warning("ECU %s support bitmaps unreadable: %s", ecu_id, err)

    def _info(self, info: int, ecus: Iterable[str]) -> dict[str, tuple[int, bytes]]:
        targets = list(ecus)
        if not targets:
            return {}
        out = {}
        for ecu_id, reply in self.link.request(bytes((0x09, info)), targets).items():
            try:
                out[ecu_id] = parse_vehicle_info(reply, info)
            except (DecodeError, NegativeResponse) as err:
                log.info("ECU %s: no vehicle info %02X (%s)", ecu_id, info, err)
        return out

    def _vehicle_info(self) -> None:
        bitmaps = self._info(0x00, self.ecus)
        offered = {ecu_id: set(supported_pids(0, data)) for ecu_id, (_n, data) in bitmaps.items()}

        def who(info: int) -> list[str]:
            return [ecu_id for ecu_id, infos in offered.items() if info in infos]

        for ecu_id, (_n, data) in self._info(0x02, who(0x02)).items():
            try:
                self.vin = self.vin or parse_vin(data)
            except DecodeError as err:
                log.warning("ECU %s sent an unreadable VIN: %s", ecu_id, err)
        for ecu_id, (count, data) in self._info(0x04, who(0x04)).items():
            self.ecus[ecu_id].calibration_ids = text_items(data, count, 16)
        for ecu_id, (_count, data) in self._info(0x06, who(0x06)).items():
            self.ecus[ecu_id].cvns = hex_items(data, 4)
        for ecu_id, (count, data) in self._info(0x0A, who(0x0A)).items():
            names = text_items(data, count, 20)
            self.ecus[ecu_id].name = names[0] if names else None

    def _trouble_codes(self) -> None:
        for service, kind in DTC_SERVICES.items():
            replies = self.link.request(bytes((service,)), list(self.ecus))
            for ecu_id, reply in sorted(replies.items()):
                if ecu_id not in self.ecus:
                    continue
                try:
                    codes = parse_dtc_reply(service, reply)
                except (DecodeError, NegativeResponse) as err:
                    log.info("ECU %s: no %s codes (%s)", ecu_id, kind, err)
                    continue
                self.ecus[ecu_id].dtcs += [
                    TroubleCode(code, kind, describe_dtc(code, self.language)) for code in codes
                ]

    def _current_values(self) -> None:
        plans: dict[str, list[list[int]]] = {}
        for ecu_id, report in self.ecus.items():
            wanted = [
                p
                for p in report.supported
                if p in PIDS
                and p not in SUPPORT_PIDS
                and (self.wanted is None or p in self.wanted or p == 0x01)
            ]
            plans[ecu_id] = list(_chunks(wanted, MAX_PIDS_PER_REQUEST))
        rounds = max((len(p) for p in plans.values()), default=0)
        for n in range(rounds):
            requests = {
                ecu_id: bytes((0x01, *plan[n])) for ecu_id, plan in plans.items() if n < len(plan)
            }
            replies = self.link.request_each(requests)
            missing = [ecu_id for ecu_id in requests if ecu_id not in replies]
            if missing and len(missing) == len(requests):
                raise NoVehicleResponse(f"ECU {', '.join(sorted(missing))} stopped answering")
            for ecu_id, reply in replies.items():
                if ecu_id not in requests:
                    continue
                asked = list(requests[ecu_id][1:])
                try:
                    values = parse_current_data(reply)
                except (DecodeError, NegativeResponse) as err:
                    log.info(
                        "ECU %s: multi-PID reply unreadable (%s), asking one by one", ecu_id, err
                    )
                    values = {}
                for pid in asked:
                    if pid not in values and len(asked) > 1:
                        values.update(self._single_pid(ecu_id, pid))
                self._store_values(ecu_id, values)

    def _single_pid(self, ecu_id: str, pid: int) -> dict[int, bytes]:
        reply = self.link.request(bytes((0x01, pid)), [ecu_id]).get(ecu_id)
        if reply is None:
            return {}
        try:
            return parse_current_data(reply)
        except (DecodeError, NegativeResponse):
            return {}

    def _store_values(self, ecu_id: str, values: dict[int, bytes]) -> None:
        report = self.ecus[ecu_id]
        if 0x01 in values:
            try:
                report.readiness = decode_readiness(values.pop(0x01))
            except DecodeError as err:
                log.warning("ECU %s readiness unreadable: %s", ecu_id, err)
        report.pids.update(decode_values(values))

    def _freeze_frames(self) -> None:
        with_codes = [e for e, r in self.ecus.items() if any(c.kind == "stored" for c in r.dtcs)]
        if not with_codes:
            return
        for ecu_id, reply in self.link.request(b"\x02\x00\x00", with_codes).items():
            try:
                bitmap = parse_freeze_frame(reply).get(0x00)
            except (DecodeError, NegativeResponse):
                continue
            if bitmap is None:
                continue
            wanted = [p for p in supported_pids(0, bitmap) if p in PIDS and p not in SUPPORT_PIDS]
            values: dict[int, bytes] = {}
            for chunk in _chunks(wanted, 3):
                request = bytes((0x02, *[b for p in chunk for b in (p, 0)]))
                answer = self.link.request(request, [ecu_id]).get(ecu_id)
                if answer is None:
                    continue
                try:
                    values.update(parse_freeze_frame(answer))
                except (DecodeError, NegativeResponse) as err:
                    log.info("ECU %s freeze frame unreadable: %s", ecu_id, err)
            cause = values.pop(0x02, None)
            readings = decode_values(values)
            self.ecus[ecu_id].freeze_frame = {
                "dtc": decode_values({0x02: cause})[0x02].value if cause else None,
                "frame": 0,
                "pids": {f"{pid:02X}": reading_json(r) for pid, r in sorted(readings.items())},
            }


def scan_vehicle(
    link: ObdLink,
    progress: Progress | None = None,
    *,
    language: str = "en",
    pids: list[int] | None = None,
) -> ScanResult:
    """Scan every responding ECU. Raises NoVehicleResponse when nothing answers at all;
    a link that fails later gives a partial result with `incomplete` set and the error."""
    started = time.perf_counter()
    scan = _Scan(link, progress, language, pids)
    incomplete, error = False, None
    try:
        scan.run()
    except AdapterError as err:
        if not scan.ecus:
            raise
        log.warning("scan cut short: %s", err)
        incomplete, error = True, str(err)
    return ScanResult(
        vin=scan.vin,
        protocol=link.protocol,
        ecus=[scan.ecus[e] for e in sorted(scan.ecus)],
        elapsed_ms=(time.perf_counter() - started) * 1000,
        incomplete=incomplete,
        error=error,
    )


def clear_codes(link: ObdLink) -> dict[str, bool]:
    """Service 04 to every ECU: ECU id -> cleared. Permission, confirmation and audit are the caller's."""
    replies = link.request(b"\x04")
    return {ecu_id: reply[:1] == b"\x44" for ecu_id, reply in replies.items()}
