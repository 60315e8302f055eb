"""What a simulated ECU answers: a pure model of its state, fed request bytes.

Profiles are JSON in fixtures/vehicles: values in metric units (turned into
bytes by inverting the decoder) or raw hex, codes by kind, and a few ECU
habits (slow services that first answer "response pending").
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from drivers.errors import DecodeError, DriverError
from drivers.obd.dtc import dtc_to_bytes
from drivers.obd.pids import PIDS, SUPPORT_PIDS, decode_pid
from station.fixtures import fixtures_dir

log = logging.getLogger(__name__)

NRC_SERVICE_NOT_SUPPORTED = 0x11
NRC_BUSY_REPEAT_REQUEST = 0x21


def encode_value(pid: int, value: float) -> bytes:
    """Raw bytes whose decoding is `value`, for PIDs decoded linearly from their first 1, 2 or 4 bytes."""
    spec = PIDS.get(pid)
    if spec is None:
        raise DecodeError(f"unknown PID {pid:02X}")
    for width in (4, 2, 1):
        if width > spec.length:
            continue

        def raw(x: int, width: int = width) -> bytes:
            return x.to_bytes(width, "big") + bytes(spec.length - width)

        top = (1 << (8 * width)) - 1
        try:
            v0 = float(decode_pid(pid, raw(0)).value)
            vmid = float(decode_pid(pid, raw(top // 2)).value)
            vtop = float(decode_pid(pid, raw(top)).value)
        except (TypeError, ValueError):
            break
        scale = (vtop - v0) / top
        if scale == 0 or abs(v0 + (top // 2) * scale - vmid) > abs(scale) + 0.01:
            continue
        x = max(0, min(top, round((value - v0) / scale)))
        return raw(x)
    raise DecodeError(f"PID {pid:02X} has no linear encoding: give raw hex in the profile")


def wave(base: float, wander: float, period: float, t: float, phase: float = 0.0) -> float:
    """A value swinging `wander` around `base` every `period` seconds: alive, yet predictable."""
    return base + wander * math.sin(2 * math.pi * t / period + phase)


@dataclass
class LiveValue:
    """A value that moves around its base, so live data looks alive."""

    pid: int
    base: float | None = None
    wander: float = 0.0
    period: float = 7.0
    raw: bytes | None = None

    def bytes_at(self, t: float) -> bytes:
        if self.raw is not None:
            return self.raw
        assert self.base is not None
        return encode_value(self.pid, wave(self.base, self.wander, self.period, t, self.pid))


def _live_value(pid: int, spec: Any) -> LiveValue:
    if isinstance(spec, str):
        return LiveValue(pid, raw=bytes.fromhex(spec))
    if isinstance(spec, int | float):
        return LiveValue(pid, base=float(spec))
    if isinstance(spec, dict):
        if "raw" in spec:
            return LiveValue(pid, raw=bytes.fromhex(spec["raw"]))
        return LiveValue(
            pid,
            base=float(spec["value"]),
            wander=float(spec.get("wander", 0)),
            period=float(spec.get("period", 7)),
        )
    raise DriverError(f"bad value for PID {pid:02X} in profile: {spec!r}")


def _bitmap(base: int, pids: set[int]) -> bytes:
    bits = 0
    for pid in pids:
        if base < pid <= base + 0x20:
            bits |= 1 << (32 - (pid - base))
    if any(p > base + 0x20 for p in pids):
        bits |= 1  # the next support bitmap exists
    return bits.to_bytes(4, "big")


def _text(value: str, size: int) -> bytes:
    return value.encode("ascii")[:size].ljust(size, b"\x00")


@dataclass
class SimulatedEcu:
    """One ECU of a profile; `answer` is its behaviour on the bus, thread-safe."""

    response_id: int
    name: str
    pids: dict[int, LiveValue]
    stored: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    permanent: list[str] = field(default_factory=list)
    readiness: bytes = b"\x07\x65\x00"
    vin: str | None = None
    calibration_ids: list[str] = field(default_factory=list)
    cvns: list[str] = field(default_factory=list)
    freeze_frame: dict[int, LiveValue] = field(default_factory=dict)
    freeze_dtc: str | None = None
    slow_services: dict[int, float] = field(default_factory=dict)
    # Habits of real ECUs the scan must survive: services it never answers, services it
    # first answers "busy, repeat request" (NRC 21), silence on several PIDs at once,
    # and a reply later than the 50 ms P2 (seconds).
    silent_services: set[int] = field(default_factory=set)
    # Full-system depth: modules that speak only UDS (ABS, airbag, body, TPMS), their
    # fault memory with status bytes, data identifiers (battery block) and mode 06 tests.
    obd: bool = True
    uds_dtcs: list[tuple[str, int, int]] = field(default_factory=list)
    dids: dict[int, bytes] = field(default_factory=dict)
    monitor_tests: list[tuple[int, int, int, int, int, int]] = field(default_factory=list)
    busy_services: set[int] = field(default_factory=set)
    single_pid_only: bool = False
    reply_delay: float = 0.0
    started: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def request_id(self) -> int:
        if self.response_id > 0x7FF:
            return 0x18DA00F1 | ((self.response_id & 0xFF) << 8)
        return self.response_id - 8

    def _status_bytes(self) -> bytes:
        mil = 0x80 if (self.stored or self.permanent) else 0
        return bytes((mil | min(len(self.stored), 0x7F),)) + self.readiness

    def _pid_data(self, pid: int, t: float) -> bytes | None:
        offered = set(self.pids) | {0x01}
        if pid in SUPPORT_PIDS:
            claimed = pid == 0 or any(p > pid for p in offered)
            return _bitmap(pid, offered) if claimed else None
        if pid == 0x01:
            return self._status_bytes()
        value = self.pids.get(pid)
        return value.bytes_at(t) if value else None

    def answer(self, request: bytes, functional: bool) -> bytes | None:
        """The reply payload to one request, or None to stay silent (as OBD ECUs do)."""
        if not request:
            return None
        service = request[0]
        if service in self.silent_services:
            return None
        if self.single_pid_only and service in (0x01, 0x02) and len(request) > 3:
            return None
        if service in self.busy_services:
            self.busy_services.discard(service)
            return bytes((0x7F, service, NRC_BUSY_REPEAT_REQUEST))
        if not self.obd and service <= 0x0A:
            return None
        with self._lock:
            if service >= 0x10:
                reply = self._uds(service, request[1:], functional)
            else:
                reply = self._answer(service, request[1:])
        if reply is None and not functional:
            return bytes((0x7F, service, NRC_SERVICE_NOT_SUPPORTED))
        return reply

    def _answer(self, service: int, args: bytes) -> bytes | None:
        t = time.monotonic() - self.started
        if service == 0x01:
            if not 1 <= len(args) <= 6:
                return None
            out = bytearray((0x41,))
            for pid in args:
                data = self._pid_data(pid, t)
                if data is not None:
                    out += bytes((pid,)) + data
            return bytes(out) if len(out) > 1 else None
        if service == 0x02:
            return self._freeze_frame(args)
        if service in (0x03, 0x07, 0x0A):
            codes = {0x03: self.stored, 0x07: self.pending, 0x0A: self.permanent}[service]
            body = b"".join(dtc_to_bytes(code) for code in codes)
            return bytes((service + 0x40, len(codes))) + body
        if service == 0x04:
            self.stored.clear()
            self.pending.clear()
            self.freeze_frame.clear()
            self.freeze_dtc = None
            return b"\x44"
        if service == 0x09:
            return self._vehicle_info(args)
        if service == 0x06:
            return self._monitor_tests(args)
        return None

    def _uds(self, service: int, args: bytes, functional: bool) -> bytes | None:
        """The few UDS services a full-system scan uses (ISO 14229)."""
        if service == 0x3E and args[:1] in (b"\x00", b"\x80"):
            return None if args[:1] == b"\x80" else b"\x7e\x00"
        if service == 0x10 and len(args) == 1 and args[0] in (0x01, 0x03):
            return bytes((0x50, args[0], 0x00, 0x32, 0x01, 0xF4))
        if service == 0x19 and len(args) == 2 and args[0] == 0x02:
            mask = args[1]
            body = b"".join(
                dtc_to_bytes(code) + bytes((failure, status))
                for code, failure, status in self.uds_dtcs
                if status & mask
            )
            return bytes((0x59, 0x02, 0xFF)) + body
        if service == 0x19:
            return bytes((0x7F, 0x19, 0x12))
        if service == 0x22 and len(args) == 2:
            did = int.from_bytes(args, "big")
            if did == 0xF190 and self.vin:
                return b"\x62" + args + self.vin.encode("ascii")
            if did in self.dids:
                return b"\x62" + args + self.dids[did]
            return None if functional else bytes((0x7F, 0x22, 0x31))
        if service == 0x14:
            self.uds_dtcs.clear()
            return b"\x54"
        return None

    def _monitor_tests(self, args: bytes) -> bytes | None:
        """Mode 06 (J1979 on CAN): MID support bitmaps and each MID's test results."""
        mids = {test[0] for test in self.monitor_tests}
        if not args or not mids:
            return None
        if all(mid in SUPPORT_PIDS for mid in args):
            out = bytearray((0x46,))
            for mid in args:
                if mid == 0 or any(m > mid for m in mids):
                    out += bytes((mid,)) + _bitmap(mid, mids)
            return bytes(out) if len(out) > 1 else None
        if len(args) != 1:
            return None
        mid = args[0]
        results = b"".join(
            bytes((m, tid, uas))
            + value.to_bytes(2, "big")
            + low.to_bytes(2, "big")
            + high.to_bytes(2, "big")
            for m, tid, uas, value, low, high in self.monitor_tests
            if m == mid
        )
        return b"\x46" + results if results else None

    def _freeze_frame(self, args: bytes) -> bytes | None:
        if len(args) < 2 or len(args) % 2 or not self.freeze_dtc:
            return None
        out = bytearray((0x42,))
        for i in range(0, len(args), 2):
            pid, frame = args[i], args[i + 1]
            if frame != 0:
                continue
            offered = set(self.freeze_frame) | {0x02}
            if pid == 0x00:
                data: bytes | None = _bitmap(0, offered)
            elif pid == 0x02:
                data = dtc_to_bytes(self.freeze_dtc)
            else:
                value = self.freeze_frame.get(pid)
                data = value.bytes_at(0) if value else None
            if data is not None:
                out += bytes((pid, frame)) + data
        return bytes(out) if len(out) > 1 else None

    def _vehicle_info(self, args: bytes) -> bytes | None:
        if len(args) != 1:
            return None
        info = args[0]
        offered = {0x0A}
        if self.vin:
            offered |= {0x02}
        if self.calibration_ids:
            offered |= {0x04}
        if self.cvns:
            offered |= {0x06}
        if info == 0x00:
            return b"\x49\x00" + _bitmap(0, offered)
        if info == 0x02 and self.vin:
            return b"\x49\x02\x01" + _text(self.vin, 17)
        if info == 0x04 and self.calibration_ids:
            return (
                b"\x49\x04"
                + bytes((len(self.calibration_ids),))
                + b"".join(_text(c, 16) for c in self.calibration_ids)
            )
        if info == 0x06 and self.cvns:
            return (
                b"\x49\x06"
                + bytes((len(self.cvns),))
                + b"".join(bytes.fromhex(c) for c in self.cvns)
            )
        if info == 0x0A:
            return b"\x49\x0a\x01" + _text(self.name, 20)
        return None


@dataclass
class VehicleProfile:
    name: str
    description: str
    extended: bool
    bitrate: int
    ecus: list[SimulatedEcu]


def profile_names() -> list[str]:
    return sorted(p.stem for p in (fixtures_dir() / "vehicles").glob("*.json"))


def load_profile(name_or_path: str) -> VehicleProfile:
    """A profile by name (fixtures/vehicles/NAME.json) or by file path; fresh state every call."""
    path = fixtures_dir() / "vehicles" / f"{name_or_path}.json"
    if not path.exists():
        from pathlib import Path

        path = Path(name_or_path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        known = ", ".join(profile_names())
        raise DriverError(
            f"cannot read vehicle profile {name_or_path!r} (known: {known}): {err}"
        ) from err
    ecus = []
    for item in raw["ecus"]:
        codes = item.get("dtcs", {})
        freeze = item.get("freeze_frame") or {}
        ecus.append(
            SimulatedEcu(
                response_id=int(item["id"], 16),
                name=item["name"],
                pids={
                    int(k, 16): _live_value(int(k, 16), v) for k, v in item.get("pids", {}).items()
                },
                stored=list(codes.get("stored", [])),
                pending=list(codes.get("pending", [])),
                permanent=list(codes.get("permanent", [])),
                readiness=bytes.fromhex(item.get("readiness", "076500")),
                vin=raw.get("vin") if item.get("reports_vin", False) else None,
                calibration_ids=list(item.get("calibration_ids", [])),
                cvns=list(item.get("cvns", [])),
                freeze_frame={
                    int(k, 16): _live_value(int(k, 16), v)
                    for k, v in freeze.get("pids", {}).items()
                },
                freeze_dtc=freeze.get("dtc"),
                slow_services={
                    int(k, 16): float(v) for k, v in item.get("slow_services", {}).items()
                },
                silent_services={int(k, 16) for k in item.get("silent_services", [])},
                busy_services={int(k, 16) for k in item.get("busy_services", [])},
                single_pid_only=bool(item.get("single_pid_only", False)),
                reply_delay=float(item.get("reply_delay_ms", 0)) / 1000,
                obd=bool(item.get("obd", True)),
                uds_dtcs=[
                    (str(d["code"]), int(d.get("failure", "00"), 16), int(d["status"], 16))
                    for d in item.get("uds_dtcs", [])
                ],
                dids={int(k, 16): bytes.fromhex(v) for k, v in item.get("dids", {}).items()},
                monitor_tests=[
                    (
                        int(t["mid"], 16),
                        int(t["tid"], 16),
                        int(t["uas"], 16),
                        int(t["value"]),
                        int(t["min"]),
                        int(t["max"]),
                    )
                    for t in item.get("monitor_tests", [])
                ],
            )
        )
    return VehicleProfile(
        name=path.stem,
        description=raw.get("description", ""),
        extended=bool(raw.get("extended_ids", False)),
        bitrate=int(raw.get("bitrate", 500_000)),
        ecus=ecus,
    )
