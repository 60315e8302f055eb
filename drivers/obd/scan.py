"""The vehicle scan: every responding ECU, its codes, readiness, values and identity.

`scan_vehicle(link)` runs the same steps on any `ObdLink`. After the first
functional request it knows the responding ECUs and speaks to them physically,
so each later request ends as soon as every ECU that should answer has answered.

The scan knows what it did not read: every ECU carries one `ServiceRead` per
service (read, no data, refused with its code, did not answer, adapter error),
and anything unread marks the result incomplete with the reason. A bad line or
frame costs that ECU's reply to that request, never the scan.

Clearing codes (service 04) is offered as `clear_codes(link)`; whether the
acting user may clear, the technician's confirmation and the audit record are
the caller's job (the core and the UI), never the driver's. Comparing the
pre-repair scan with the rescan is the core's one rule, on the scan JSON:
`station.diagnostics.compare_scans(before.to_json(), after.to_json())`.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from drivers.errors import (
    AdapterError,
    AdapterVanished,
    DecodeError,
    DeviceTimeout,
    NegativeResponse,
    NoVehicleResponse,
)
from drivers.obd.dtc import describe_dtc
from drivers.obd.link import ObdLink
from drivers.obd.monitors import TestResult, im_verdict, parse_test_results
from drivers.obd.pids import PIDS, SUPPORT_PIDS, Reading, decode_readiness, supported_pids
from drivers.obd.services import (
    DTC_SERVICES,
    MAX_PIDS_PER_REQUEST,
    check_positive,
    decode_values,
    dtc_readings,
    freeze_frame_cause,
    hex_items,
    parse_current_data,
    parse_dtc_reply,
    parse_freeze_frame,
    parse_vehicle_info,
    parse_vin,
    reading_json,
    text_items,
)
from drivers.obd.uds import (
    READ_FAULT_MEMORY,
    TESTER_PRESENT,
    UdsCode,
    ask_all,
    fault_memory,
    read_batteries,
    read_names,
    uds_candidates,
)
from station import diagnostics
from station.vin import decode_vin

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]

READ = "read"
NO_DATA = "no_data"
REFUSED = "refused"
NO_ANSWER = "no_answer"
ADAPTER_ERROR = "adapter_error"
# Negative replies that mean "this ECU has no such service or item": nothing left unread.
NOT_SUPPORTED = {0x11, 0x12, 0x31}
# What an OBD ECU must answer for its scan to be complete: values and every kind of code.
REQUIRED_SERVICES = ("01", "03", "07", "0A")
BUSY_REPEAT_REQUEST = 0x21
BUSY_RETRIES = 3
# Silent on this many requests in a row: the ECU is not asked again in this scan.
GONE_AFTER = 3


@dataclass(frozen=True)
class ServiceRead:
    """How one service of one ECU was read; `complete` when nothing was left unread."""

    status: str
    nrc: int | None = None
    detail: str | None = None

    @property
    def complete(self) -> bool:
        if self.status == REFUSED:
            return self.nrc in NOT_SUPPORTED
        return self.status in (READ, NO_DATA)

    def to_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "nrc": None if self.nrc is None else f"{self.nrc:02X}",
            "detail": self.detail,
        }


@dataclass(frozen=True)
class TroubleCode:
    code: str
    kind: str
    description: str | None

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "kind": self.kind, "description": self.description}


@dataclass
class EcuReport:
    """What one ECU told the scan, and how each of its services was read."""

    id: str
    name: str | None = None
    supported: list[int] = field(default_factory=list)
    dtcs: list[TroubleCode] = field(default_factory=list)
    readiness: dict[str, Any] = field(default_factory=dict)
    pids: dict[int, Reading] = field(default_factory=dict)
    freeze_frame: dict[str, Any] | None = None
    calibration_ids: list[str] = field(default_factory=list)
    cvns: list[str] = field(default_factory=list)
    reads: dict[str, ServiceRead] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    kind: str = "obd"  # "uds": a module found by the full-system scan that speaks no OBD
    uds_dtcs: list[UdsCode] = field(default_factory=list)
    monitor_tests: list[TestResult] = field(default_factory=list)
    battery: dict[str, object] | None = None

    def note(self, service: str, read: ServiceRead) -> None:
        """Keep the first unread outcome of a service; otherwise "read" beats "no data"."""
        known = self.reads.get(service)
        if known is None or (known.complete and (not read.complete or read.status == READ)):
            self.reads[service] = read

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
            "reads": {service: read.to_json() for service, read in sorted(self.reads.items())},
            "kind": self.kind,
            "uds_dtcs": [code.to_json() for code in self.uds_dtcs],
            "monitor_tests": [test.to_json() for test in self.monitor_tests],
            "battery": self.battery,
        }


@dataclass
class ScanResult:
    """The scan as the station keeps it; `incomplete` with its reasons when anything
    was not read, and `error` when the link failed midway."""

    vin: str | None
    protocol: str
    ecus: list[EcuReport]
    elapsed_ms: float
    incomplete: bool = False
    error: str | None = None
    reasons: list[dict[str, object]] = field(default_factory=list)
    adapter_voltage: float | None = None
    vin_info: dict[str, object] | None = None
    im_readiness: dict[str, object] | None = None

    def codes(self) -> set[tuple[str, str]]:
        """(ECU id, code) pairs of stored, pending and permanent codes."""
        return {(ecu.id, code.code) for ecu in self.ecus for code in ecu.dtcs}

    def to_json(self) -> dict[str, object]:
        return {
            "vin": self.vin,
            "protocol": self.protocol,
            "ecus": [ecu.to_json() for ecu in self.ecus],
            "elapsed_ms": round(self.elapsed_ms, 1),
            "incomplete": self.incomplete,
            "incomplete_reasons": self.reasons,
            "error": self.error,
            "adapter_voltage": self.adapter_voltage,
            "vin_info": self.vin_info,
            "im_readiness": self.im_readiness,
        }


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def reason_text(ecu: str, service: str, read: ServiceRead, language: str = "en") -> str:
    """One line saying what was not read, in English or Chinese (the core's wording)."""
    nrc = None if read.nrc is None else f"{read.nrc:02X}"
    return diagnostics.reason_text(ecu, service, read.status, nrc, read.detail, language)


def stored_count_problem(ecu: EcuReport, language: str = "en") -> str | None:
    """PID 01 says how many stored codes the ECU has; fewer read means some were lost."""
    said = ecu.readiness.get("dtc_count")
    read = sum(1 for code in ecu.dtcs if code.kind == "stored")
    if not isinstance(said, int) or said <= read:
        return None
    if not ecu.reads.get("03", ServiceRead(READ)).complete:
        return None  # already said: the codes were not read at all
    if language == "zh":
        return f"ECU {ecu.id} 在 PID 01 中报告 {said} 个已存储故障码，但只读取到 {read} 个"
    return f"ECU {ecu.id} reports {said} stored codes in PID 01 but {read} were read"


def incomplete_reasons(ecus: Iterable[EcuReport], language: str = "en") -> list[dict[str, object]]:
    """Every unread service and every failed cross-check, one entry each; pure."""
    reasons: list[dict[str, object]] = []
    for ecu in ecus:
        for service, read in sorted(ecu.reads.items()):
            if not read.complete:
                reasons.append(
                    {
                        "ecu": ecu.id,
                        "service": service,
                        "status": read.status,
                        "nrc": None if read.nrc is None else f"{read.nrc:02X}",
                        "detail": read.detail,
                        "reason": reason_text(ecu.id, service, read, language),
                    }
                )
        for problem in ecu.problems:
            reasons.append(
                {
                    "ecu": ecu.id,
                    "service": "03",
                    "status": "mismatch",
                    "nrc": None,
                    "detail": None,
                    "reason": problem,
                }
            )
    return reasons


class _Scan:
    def __init__(
        self,
        link: ObdLink,
        progress: Progress | None,
        language: str,
        pids: list[int] | None,
        full_system: bool = True,
    ) -> None:
        self.link = link
        self.full_system = full_system
        self.progress = progress
        self.language = language
        self.wanted = pids
        self.ecus: dict[str, EcuReport] = {}
        self.vin: str | None = None
        self.single_pid_only: set[str] = set()
        self.silent_pids: dict[str, set[int]] = {}
        self.fault_memory: dict[str, tuple[bytes | None, str | None]] = {}
        self.silence: dict[str, int] = {}
        # ECUs the link heard before that did not answer this scan: never asked again
        self.silent: dict[str, EcuReport] = {}

    def step(self, what: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress(what, fraction)

    # --- asking ----------------------------------------------------------------
    def ask(self, requests: Mapping[str, bytes]) -> tuple[dict[str, bytes], dict[str, str]]:
        """Per-ECU requests; "busy, repeat" (NRC 21) is asked again. Replies and faults.
        An ECU silent on the last `GONE_AFTER` requests is not asked any more (a car
        switched off mid-scan would otherwise cost a timeout per question): it gives
        no reply, so whatever it was asked is unread."""
        requests = {e: p for e, p in requests.items() if self.silence.get(e, 0) < GONE_AFTER}
        if not requests:
            return {}, {}
        payloads = set(requests.values())
        try:
            if len(payloads) == 1:
                replies = self.link.request(next(iter(payloads)), list(requests))
            else:
                replies = self.link.request_each(requests)
            faults = {ecu: text for e in requests for ecu, text in self.link.fault_for(e).items()}
        except (AdapterVanished, DeviceTimeout, NoVehicleResponse):
            raise
        except AdapterError as err:
            replies, faults = {}, dict.fromkeys(requests, str(err))
        replies = {ecu: reply for ecu, reply in replies.items() if ecu in requests}
        for attempt in range(BUSY_RETRIES):
            busy = {
                ecu: requests[ecu]
                for ecu, reply in replies.items()
                if len(reply) >= 3 and reply[0] == 0x7F and reply[2] == BUSY_REPEAT_REQUEST
            }
            if not busy:
                break
            time.sleep(0.02 * (attempt + 1))
            again = self.link.request_each(busy)
            replies.update({ecu: reply for ecu, reply in again.items() if ecu in busy})
        for ecu in requests:
            silent = ecu not in replies and ecu not in faults
            self.silence[ecu] = self.silence.get(ecu, 0) + 1 if silent else 0
        return replies, faults

    def outcome(
        self, ecu: str, service: str, reply: bytes | None, faults: Mapping[str, str]
    ) -> ServiceRead | None:
        """The unread outcome of a reply (None when there is a positive reply to parse)."""
        if reply is None:
            fault = faults.get(ecu)
            return ServiceRead(ADAPTER_ERROR, detail=fault) if fault else ServiceRead(NO_ANSWER)
        if len(reply) >= 3 and reply[0] == 0x7F:
            return ServiceRead(REFUSED, nrc=reply[2])
        return None

    # --- steps -----------------------------------------------------------------
    def run(self) -> None:
        self.step("finding ECUs", 0.0)
        before = set(self.link.responders)
        first = self.link.request(b"\x01\x00")
        # an ECU that answered when the link was set up and is silent now is asked once
        # more by itself, and listed as not answering if it still does not
        missing = sorted(before - set(first))
        if missing:
            first.update(self.link.request(b"\x01\x00", missing))
        if not first:
            raise NoVehicleResponse(
                "no ECU answered the first request (01 00); is the ignition on?",
                key="scan.no_answer",
            )
        for ecu_id in missing:
            if ecu_id not in first:
                log.warning("ECU %s answered before and is silent now", ecu_id)
                self.silent[ecu_id] = silent = EcuReport(ecu_id)
                for service in REQUIRED_SERVICES:
                    silent.note(service, ServiceRead(NO_ANSWER, detail="answered before, not now"))
        for ecu_id in sorted(first):
            report = self.ecus[ecu_id] = EcuReport(ecu_id)
            try:
                report.supported = supported_pids(0, parse_current_data(first[ecu_id])[0])
            except (DecodeError, KeyError, NegativeResponse) as err:
                log.warning("ECU %s gave no support bitmap: %s", ecu_id, err)
                report.note("01", ServiceRead(ADAPTER_ERROR, detail=f"support bitmap: {err}"))
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
        for report in self.ecus.values():
            problem = stored_count_problem(report, self.language)
            if problem:
                report.problems.append(problem)
        if self.full_system:
            self.step("test results", 0.88)
            self._monitor_tests()
            self.step("other modules", 0.9)
            self._other_modules()
            self.step("fault memory", 0.93)
            self._fault_memory()
            self.step("battery", 0.97)
            self._battery()
        self.step("done", 1.0)

    # --- full-system depth ---------------------------------------------------------
    def _monitor_tests(self) -> None:
        """Service 06: which monitors each ECU has tested, then each monitor's results."""
        obd = [e for e, r in self.ecus.items() if r.kind == "obd"]
        replies, faults = self.ask(dict.fromkeys(obd, b"\x06\x00"))
        plans: dict[str, list[int]] = {}
        for ecu_id in obd:
            report = self.ecus[ecu_id]
            reply = replies.get(ecu_id)
            unread = self.outcome(ecu_id, "06", reply, faults)
            if unread is not None:
                if unread.status == NO_ANSWER:  # optional on CAN: silence is "none"
                    unread = ServiceRead(NO_DATA, detail="no test results offered")
                report.note("06", unread)
                continue
            assert reply is not None
            try:
                plans[ecu_id] = self._monitor_ids(ecu_id, check_positive(0x06, reply))
            except DecodeError as err:
                report.note("06", ServiceRead(ADAPTER_ERROR, detail=str(err)))
        rounds = max((len(p) for p in plans.values()), default=0)
        for n in range(rounds):
            requests = {e: bytes((0x06, p[n])) for e, p in plans.items() if n < len(p)}
            replies, faults = self.ask(requests)
            for ecu_id in requests:
                report = self.ecus[ecu_id]
                reply = replies.get(ecu_id)
                unread = self.outcome(ecu_id, "06", reply, faults)
                if unread is None and reply is not None:
                    try:
                        report.monitor_tests += parse_test_results(reply)
                        report.note("06", ServiceRead(READ))
                        continue
                    except DecodeError as err:
                        unread = ServiceRead(ADAPTER_ERROR, detail=str(err))
                assert unread is not None
                if unread.status == NO_ANSWER or (unread.status == REFUSED and unread.complete):
                    unread = ServiceRead(
                        NO_DATA, detail=f"monitor {requests[ecu_id][1]:02X} gave no result"
                    )
                report.note("06", unread)

    def _monitor_ids(self, ecu_id: str, first: bytes) -> list[int]:
        """The monitor ids an ECU has results for: bitmap 00, then the further bitmaps
        it claims, asked together (allowed for support bitmaps only)."""
        # some emulations leave out the echoed monitor id before the first bitmap
        bitmaps = {0x00: first if len(first) == 4 else first[1:5]}
        claimed = supported_pids(0, bitmaps[0x00])
        if 0x20 in claimed:
            replies, _faults = self.ask({ecu_id: bytes((0x06, *SUPPORT_PIDS[1:6]))})
            reply = replies.get(ecu_id, b"")
            body = reply[1:] if reply[:1] == b"\x46" else b""
            for i in range(0, len(body) - 4, 5):
                bitmaps[body[i]] = body[i + 1 : i + 5]
        mids: list[int] = []
        for base, bitmap in bitmaps.items():
            mids += [m for m in supported_pids(base, bitmap) if m not in SUPPORT_PIDS]
        return mids

    def _other_modules(self) -> None:
        """Modules beyond the OBD ones (airbag, ABS, body, TPMS): whoever answers a
        tester-present on the diagnostic ids, all asked at once."""
        probe = getattr(self.link, "probe", None)
        if probe is None:
            return  # an ELM327 would need one header change per id: OBD ECUs only
        extended = bool(getattr(getattr(self.link, "addressing", None), "extended", False))
        try:
            found = probe(uds_candidates(extended, set(self.ecus)), TESTER_PRESENT)
            # Only a module that also answers for its fault memory is listed: gateways
            # and emulations may echo tester-present from every id. Asked physically, so
            # each found module has the whole physical timeout to answer.
            confirmed = self.link.request(READ_FAULT_MEMORY, sorted(found)) if found else {}
        except (AdapterVanished, DeviceTimeout):
            raise
        except AdapterError as err:
            log.warning("no probe for other modules: %s", err)
            return
        if len(confirmed) < len(found):
            log.info("%d ids answered tester-present only", len(found) - len(confirmed))
        for ecu_id, reply in sorted(confirmed.items()):
            self.ecus[ecu_id] = EcuReport(ecu_id, kind="uds")
            self.fault_memory[ecu_id] = (reply, None)

    def _fault_memory(self) -> None:
        """UDS ReadDTCInformation on every ECU at once; an OBD ECU silent on it speaks no UDS."""
        asked = [
            e
            for e in sorted(self.ecus)
            if e not in self.fault_memory and self.silence.get(e, 0) < GONE_AFTER
        ]
        self.fault_memory.update(ask_all(self.link, asked, READ_FAULT_MEMORY))
        # an OBD ECU silent on it is asked once more before it is taken to speak no UDS:
        # a slow ECU (or a loaded machine) is not an ECU without fault memory
        silent = [e for e in asked if self.fault_memory[e] == (None, None)]
        if silent:
            self.fault_memory.update(ask_all(self.link, silent, READ_FAULT_MEMORY))
        for ecu_id, (reply, fault) in sorted(self.fault_memory.items()):
            report = self.ecus[ecu_id]
            outcome = fault_memory(reply, fault, self.language)
            if outcome.status == READ:
                report.uds_dtcs = list(outcome.value)
                report.note("19", ServiceRead(READ))
            elif outcome.status == NO_ANSWER and report.kind == "obd":
                report.note("19", ServiceRead(NO_DATA, detail="no UDS fault memory"))
            else:
                report.note("19", ServiceRead(outcome.status, outcome.nrc, outcome.detail))
        modules = [e for e, r in self.ecus.items() if r.kind == "uds"]
        for ecu_id, outcome in read_names(self.link, modules).items():
            if outcome.status == READ:
                self.ecus[ecu_id].name = outcome.value
            else:
                self.ecus[ecu_id].note(
                    "22", ServiceRead(outcome.status, outcome.nrc, detail="system name (F197)")
                )

    def _battery(self) -> None:
        """The traction battery block, from the ECU that keeps it (the others refuse)."""
        speaking = [
            e
            for e, r in sorted(self.ecus.items())
            if r.reads.get("19", ServiceRead(NO_DATA)).status == READ
        ]
        for ecu_id, outcome in read_batteries(self.link, speaking).items():
            report = self.ecus[ecu_id]
            if outcome.status == READ:
                report.battery = dict(outcome.value)
                report.note("22", ServiceRead(READ))
            else:
                report.note("22", ServiceRead(outcome.status, outcome.nrc, outcome.detail))

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
                    chunk = ask[: 1 if ecu_id in self.single_pid_only else MAX_PIDS_PER_REQUEST]
                    requests[ecu_id] = bytes((0x01, *chunk))
                    fetched[ecu_id].update(chunk)
            if not requests:
                return
            replies, faults = self.ask(requests)
            for ecu_id, request in requests.items():
                report = self.ecus[ecu_id]
                reply = replies.get(ecu_id)
                unread = self.outcome(ecu_id, "01", reply, faults)
                if unread is not None or reply is None:
                    if len(request) > 2:
                        # maybe it does not take several PIDs at once: ask again one by one
                        self.single_pid_only.add(ecu_id)
                        fetched[ecu_id] -= set(request[1:])
                    elif unread is not None:
                        report.note("01", unread)
                    continue
                try:
                    for base, data in parse_current_data(reply).items():
                        if base in SUPPORT_PIDS:
                            report.supported = sorted(
                                set(report.supported) | set(supported_pids(base, data))
                            )
                except DecodeError as err:
                    log.warning("ECU %s support bitmaps unreadable: %s", ecu_id, err)
                    if len(request) > 2:
                        self.single_pid_only.add(ecu_id)
                        fetched[ecu_id] -= set(request[1:])
                    else:
                        report.note("01", ServiceRead(ADAPTER_ERROR, detail=str(err)))

    def _info(self, info: int, ecus: Iterable[str], claimed: bool) -> dict[str, tuple[int, bytes]]:
        """Service 09 `info` from `ecus`; silence counts as unread when the ECU claimed it."""
        targets = list(ecus)
        request = bytes((0x09, info))
        replies, faults = self.ask(dict.fromkeys(targets, request))
        if not claimed:
            # silence on an unclaimed item would read as "not offered": a slow ECU (or a
            # loaded machine) is asked once more, and only the second silence is counted
            quiet = [e for e in targets if e not in replies and e not in faults]
            for ecu_id in quiet:
                self.silence[ecu_id] -= 1
            if quiet:
                again, again_faults = self.ask(dict.fromkeys(quiet, request))
                replies.update(again)
                faults.update(again_faults)
        out = {}
        for ecu_id in targets:
            reply = replies.get(ecu_id)
            unread = self.outcome(ecu_id, "09", reply, faults)
            if unread is not None:
                if not claimed and unread.status == NO_ANSWER:
                    unread = ServiceRead(NO_DATA, detail="vehicle information not offered")
                self.ecus[ecu_id].note("09", unread)
                continue
            assert reply is not None
            try:
                out[ecu_id] = parse_vehicle_info(reply, info)
                self.ecus[ecu_id].note("09", ServiceRead(READ))
            except DecodeError as err:
                log.info("ECU %s: vehicle info %02X unreadable (%s)", ecu_id, info, err)
                self.ecus[ecu_id].note("09", ServiceRead(ADAPTER_ERROR, detail=str(err)))
        return out

    def _vehicle_info(self) -> None:
        bitmaps = self._info(0x00, self.ecus, claimed=False)
        offered: dict[str, set[int]] = {}
        for ecu_id, (_n, data) in bitmaps.items():
            try:
                offered[ecu_id] = set(supported_pids(0, data))
            except DecodeError as err:
                self.ecus[ecu_id].note("09", ServiceRead(ADAPTER_ERROR, detail=str(err)))

        def who(info: int) -> list[str]:
            return [ecu_id for ecu_id, infos in offered.items() if info in infos]

        for ecu_id, (_n, data) in self._info(0x02, who(0x02), claimed=True).items():
            try:
                self.vin = self.vin or parse_vin(data)
            except DecodeError as err:
                log.warning("ECU %s sent an unreadable VIN: %s", ecu_id, err)
                self.ecus[ecu_id].note("09", ServiceRead(ADAPTER_ERROR, detail=str(err)))
        for ecu_id, (count, data) in self._info(0x04, who(0x04), claimed=True).items():
            self.ecus[ecu_id].calibration_ids = text_items(data, count, 16)
        for ecu_id, (_count, data) in self._info(0x06, who(0x06), claimed=True).items():
            self.ecus[ecu_id].cvns = hex_items(data, 4)
        for ecu_id, (count, data) in self._info(0x0A, who(0x0A), claimed=True).items():
            names = text_items(data, count, 20)
            self.ecus[ecu_id].name = names[0] if names else None

    def _trouble_codes(self) -> None:
        raw: dict[str, dict[int, bytes]] = {}
        for service in DTC_SERVICES:
            key = f"{service:02X}"
            replies, faults = self.ask(dict.fromkeys(self.ecus, bytes((service,))))
            for ecu_id, report in sorted(self.ecus.items()):
                reply = replies.get(ecu_id)
                unread = self.outcome(ecu_id, key, reply, faults)
                if unread is not None:
                    report.note(key, unread)
                    continue
                assert reply is not None
                try:
                    dtc_readings(service, reply)
                except DecodeError as err:
                    report.note(key, ServiceRead(ADAPTER_ERROR, detail=str(err)))
                    continue
                raw.setdefault(ecu_id, {})[service] = reply
        for ecu_id, codes_replies in sorted(raw.items()):
            report = self.ecus[ecu_id]
            counted = self._counted_codes(ecu_id, codes_replies)
            for service, code_reply in codes_replies.items():
                key, kind = f"{service:02X}", DTC_SERVICES[service]
                try:
                    codes = parse_dtc_reply(service, code_reply, counted=counted)
                except DecodeError as err:
                    log.warning("ECU %s: %s codes unreadable (%s)", ecu_id, kind, err)
                    report.note(key, ServiceRead(ADAPTER_ERROR, detail=str(err)))
                    continue
                report.note(key, ServiceRead(READ))
                report.dtcs += [
                    TroubleCode(code, kind, describe_dtc(code, self.language)) for code in codes
                ]

    def _counted_codes(self, ecu_id: str, replies: Mapping[int, bytes]) -> bool | None:
        """Whether this ECU's code replies lead with a count byte (CAN says they do, some
        emulations do not). A reply that fits only one way settles it for all three; when
        every reply fits both, the stored-code count of PID 01 decides; else the count."""
        if not self.link.counted_dtcs:
            return False
        readings = {service: dtc_readings(service, reply) for service, reply in replies.items()}
        only_counted = any(c is not None and p is None for c, p in readings.values())
        only_pairs = any(p is not None and c is None for c, p in readings.values())
        if only_counted != only_pairs:
            return only_counted
        if only_counted and only_pairs:
            return None  # each reply the way it fits
        with_count, pairs = readings.get(0x03, (None, None))
        if with_count is None or pairs is None or len(with_count) == len(pairs):
            return True
        answer, _faults = self.ask({ecu_id: b"\x01\x01"})
        try:
            status = parse_current_data(answer[ecu_id])[0x01]
        except (KeyError, DecodeError):
            return True
        said = status[0] & 0x7F
        return not (len(pairs) == said and len(with_count) != said)

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
            size = 1 if ecu_id in self.single_pid_only else MAX_PIDS_PER_REQUEST
            plans[ecu_id] = list(_chunks(wanted, size))
        rounds = max((len(p) for p in plans.values()), default=0)
        for n in range(rounds):
            requests = {
                ecu_id: bytes((0x01, *plan[n]))
                for ecu_id, plan in plans.items()
                if n < len(plan) and not self._gone(ecu_id)
            }
            replies, faults = self.ask(requests)
            for ecu_id, request in requests.items():
                asked = list(request[1:])
                values = self._values_of(ecu_id, replies.get(ecu_id), faults, asked)
                for pid in asked:
                    if pid not in values and len(asked) > 1 and not self._gone(ecu_id):
                        values.update(self._single_pid(ecu_id, pid))
                self._store_values(ecu_id, values)
        for ecu_id, plan in plans.items():
            never_asked = {pid for chunk in plan for pid in chunk} - set(self.ecus[ecu_id].pids)
            if self._gone(ecu_id) and never_asked - {0x01}:
                self.silent_pids.setdefault(ecu_id, set()).update(never_asked - {0x01})
        for ecu_id, pids in self.silent_pids.items():
            report = self.ecus[ecu_id]
            listed = ", ".join(f"{pid:02X}" for pid in sorted(pids))
            if self.silence.get(ecu_id, 0) >= GONE_AFTER:
                report.note("01", ServiceRead(NO_ANSWER, detail=f"stopped answering: {listed}"))
            elif report.reads.get("01", ServiceRead(NO_ANSWER)).status == READ:
                # the ECU answers service 01, only not these: it claims them but has no value
                report.note(
                    "01", ServiceRead(NO_DATA, detail=f"PIDs claimed but not given: {listed}")
                )
            else:
                report.note("01", ServiceRead(NO_ANSWER, detail=f"PIDs {listed}"))

    def _gone(self, ecu_id: str) -> bool:
        """An ECU that read nothing yet and was silent on one PID alone, or silent
        `GONE_AFTER` times running, is not asked more values: each question would wait
        out its timeout."""
        silent = self.silence.get(ecu_id, 0)
        answered = self.ecus[ecu_id].reads.get("01", ServiceRead(NO_ANSWER)).status == READ
        return silent >= GONE_AFTER or (silent >= 1 and not answered and ecu_id in self.silent_pids)

    def _values_of(
        self, ecu_id: str, reply: bytes | None, faults: Mapping[str, str], asked: list[int]
    ) -> dict[int, bytes]:
        """Values of a service 01 reply. A PID asked alone and not given is kept aside
        (`silent_pids`); several PIDs not given are asked again one by one."""
        unread = self.outcome(ecu_id, "01", reply, faults)
        if unread is None and reply is not None:
            try:
                values = parse_current_data(reply)
                self.ecus[ecu_id].note("01", ServiceRead(READ))
                return values
            except DecodeError as err:
                unread = ServiceRead(ADAPTER_ERROR, detail=str(err))
        assert unread is not None
        if len(asked) > 1:
            log.info("ECU %s: several PIDs at once not read (%s), one by one", ecu_id, unread)
        elif unread.status == NO_ANSWER or (unread.status == REFUSED and unread.complete):
            self.silent_pids.setdefault(ecu_id, set()).update(asked)
        else:
            self.ecus[ecu_id].note("01", unread)
        return {}

    def _single_pid(self, ecu_id: str, pid: int) -> dict[int, bytes]:
        replies, faults = self.ask({ecu_id: bytes((0x01, pid))})
        values = self._values_of(ecu_id, replies.get(ecu_id), faults, [pid])
        if values:
            self.single_pid_only.add(ecu_id)
        return values

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
        replies, faults = self.ask(dict.fromkeys(with_codes, b"\x02\x00\x00"))
        for ecu_id in with_codes:
            report = self.ecus[ecu_id]
            reply = replies.get(ecu_id)
            unread = self.outcome(ecu_id, "02", reply, faults)
            if unread is not None and unread.status == NO_ANSWER:
                # ECUs stay silent when they keep no frame; the codes themselves were read
                report.note("02", ServiceRead(NO_DATA, detail="no freeze frame given"))
                continue
            if unread is not None:
                report.note("02", unread)
                continue
            assert reply is not None
            try:
                bitmap = parse_freeze_frame(reply).get(0x00)
            except DecodeError as err:
                report.note("02", ServiceRead(ADAPTER_ERROR, detail=str(err)))
                continue
            if bitmap is None:
                report.note("02", ServiceRead(NO_DATA, detail="no freeze frame stored"))
                continue
            report.note("02", ServiceRead(READ))
            self._freeze_frame(report, bitmap)

    def _freeze_frame(self, report: EcuReport, bitmap: bytes) -> None:
        wanted = [p for p in supported_pids(0, bitmap) if p in PIDS and p not in SUPPORT_PIDS]
        values: dict[int, bytes] = {}
        size = 1 if report.id in self.single_pid_only else 3
        pending = list(_chunks(wanted, size))
        while pending:
            chunk = pending.pop(0)
            request = bytes((0x02, *[b for p in chunk for b in (p, 0)]))
            replies, faults = self.ask({report.id: request})
            reply = replies.get(report.id)
            unread = self.outcome(report.id, "02", reply, faults)
            got: dict[int, bytes] = {}
            if unread is None and reply is not None:
                try:
                    got = parse_freeze_frame(reply)
                except DecodeError as err:
                    unread = ServiceRead(ADAPTER_ERROR, detail=str(err))
            if unread is not None and len(chunk) > 1:
                pending[:0] = [[pid] for pid in chunk]  # one PID at a time instead
                continue
            if unread is not None and not unread.complete:
                report.note("02", unread)
            values.update(got)
        cause_bytes = values.pop(0x02, None)
        cause = None
        if cause_bytes is not None:
            try:
                cause = freeze_frame_cause(cause_bytes)
            except DecodeError as err:
                log.warning("ECU %s freeze frame code unreadable: %s", report.id, err)
        readings = decode_values(values)
        report.freeze_frame = {
            "dtc": cause,
            "frame": 0,
            "pids": {f"{pid:02X}": reading_json(r) for pid, r in sorted(readings.items())},
        }


def _cut_short(scan: _Scan, error: str) -> None:
    """The link failed midway: every required service not yet asked is unread."""
    for report in scan.ecus.values():
        for service in REQUIRED_SERVICES if report.kind == "obd" else ("19",):
            if service not in report.reads:
                report.note(service, ServiceRead(ADAPTER_ERROR, detail=f"scan cut short: {error}"))


def scan_vehicle(
    link: ObdLink,
    progress: Progress | None = None,
    *,
    language: str = "en",
    pids: list[int] | None = None,
    full_system: bool = True,
) -> ScanResult:
    """Scan every responding ECU. Raises NoVehicleResponse when nothing answers at all;
    otherwise the result says per ECU and service what was read, and is `incomplete`
    with its reasons when anything was not (a link that fails midway included)."""
    started = time.perf_counter()
    scan = _Scan(link, progress, language, pids, full_system)
    error = None
    try:
        scan.run()
    except AdapterError as err:
        if not scan.ecus:
            raise
        log.warning("scan cut short: %s", err)
        error = str(err)
        _cut_short(scan, error)
    voltage = None
    if error is None:
        try:
            voltage = link.adapter_voltage()
        except AdapterError as err:
            log.info("no adapter voltage: %s", err)
    # the OBD ECUs first, as before; the modules only a full-system scan finds after them
    ecus = sorted(
        [*scan.ecus.values(), *scan.silent.values()], key=lambda ecu: (ecu.kind != "obd", ecu.id)
    )
    reasons = incomplete_reasons(ecus, language)
    vin_info = decode_vin(scan.vin, datetime.date.today().year + 1)
    return ScanResult(
        vin=scan.vin,
        protocol=link.protocol,
        ecus=ecus,
        elapsed_ms=(time.perf_counter() - started) * 1000,
        incomplete=bool(reasons) or error is not None,
        error=error or (str(reasons[0]["reason"]) if reasons else None),
        reasons=reasons,
        adapter_voltage=voltage,
        vin_info=vin_info,
        im_readiness=im_verdict(
            [ecu.readiness for ecu in ecus if ecu.kind == "obd"],
            vin_info["model_year"]
            if vin_info and isinstance(vin_info["model_year"], int)
            else None,
        ),
    )


def clear_codes(link: ObdLink) -> dict[str, bool]:
    """Service 04 to every ECU: ECU id -> cleared. Permission, confirmation and audit are the caller's."""
    replies = link.request(b"\x04")
    return {ecu_id: reply[:1] == b"\x44" for ecu_id, reply in replies.items()}
