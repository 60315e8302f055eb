"""On-board monitor test results (service 06 on CAN, SAE J1979) and the I/M readiness
verdict the inspection station would give from the readiness monitors. Pure."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from drivers.errors import DecodeError
from drivers.obd.services import check_positive

log = logging.getLogger(__name__)

# Unit and scaling ids (J1979 appendix E) the monitors of passenger cars use: (scale, unit).
UNITS: dict[int, tuple[float, str | None]] = {
    0x01: (1.0, None),
    0x02: (0.1, None),
    0x03: (0.01, None),
    0x04: (0.001, None),
    0x0A: (0.122, "mV"),
    0x0B: (0.001, "V"),
    0x0C: (0.01, "V"),
    0x0D: (0.00390625, "mA"),
    0x0E: (0.001, "A"),
    0x10: (1.0, "ms"),
    0x11: (100.0, "ms"),
    0x12: (1.0, "s"),
    0x14: (1.0, "Ω"),
    0x16: (0.1, "°C"),
    0x1E: (0.0000305, "ratio"),
    0x24: (1.0, "counts"),
    0x25: (1.0, "km"),
    0x27: (0.01, "g/s"),
}
SIGNED_UNITS = {0x81: 0x01, 0x82: 0x02, 0x83: 0x03, 0x8A: 0x0A, 0x8B: 0x0B, 0x8C: 0x0C}
OFFSETS = {0x16: -40.0}


def monitor_name(mid: int) -> str:
    """What a monitor id tests (J1979 appendix D)."""
    if 0x01 <= mid <= 0x10:
        n = mid - 1
        return f"Oxygen sensor bank {1 + n // 4} sensor {1 + n % 4}"
    if 0x21 <= mid <= 0x24:
        return f"Catalyst bank {mid - 0x20}"
    if 0x31 <= mid <= 0x38:
        return f"EGR system {mid - 0x30}"
    if 0x39 <= mid <= 0x3D:
        return "Evaporative system"
    if 0x41 <= mid <= 0x50:
        n = mid - 0x41
        return f"Oxygen sensor heater bank {1 + n // 4} sensor {1 + n % 4}"
    if 0x61 <= mid <= 0x64:
        return f"Heated catalyst bank {mid - 0x60}"
    if 0x71 <= mid <= 0x74:
        return f"Secondary air system {mid - 0x70}"
    if 0x81 <= mid <= 0x84:
        return f"Fuel system bank {mid - 0x80}"
    if mid == 0xA1:
        return "Misfire, all cylinders"
    if 0xA2 <= mid <= 0xAD:
        return f"Misfire, cylinder {mid - 0xA1}"
    if mid == 0xB0:
        return "Particulate filter bank 1"
    return f"Monitor {mid:02X}"


@dataclass(frozen=True)
class TestResult:
    """One test of one monitor: the value against its limits, in the test's unit."""

    mid: int
    tid: int
    value: float
    minimum: float
    maximum: float
    unit: str | None

    @property
    def passed(self) -> bool:
        return self.minimum <= self.value <= self.maximum

    def to_json(self) -> dict[str, object]:
        return {
            "mid": f"{self.mid:02X}",
            "tid": f"{self.tid:02X}",
            "name": monitor_name(self.mid),
            "value": self.value,
            "min": self.minimum,
            "max": self.maximum,
            "unit": self.unit,
            "passed": self.passed,
        }


def _scaled(raw: int, uas: int) -> tuple[float, str | None]:
    base = SIGNED_UNITS.get(uas)
    if base is not None and raw >= 0x8000:
        raw -= 0x10000
    scale, unit = UNITS.get(base if base is not None else uas, (1.0, None))
    offset = OFFSETS.get(base if base is not None else uas, 0.0)
    return round(raw * scale + offset, 4), unit


def parse_test_results(reply: bytes) -> list[TestResult]:
    """A service 06 reply (46, then MID TID UASID value min max, 9 bytes each)."""
    body = check_positive(0x06, reply)
    if len(body) % 9:
        raise DecodeError(f"test results come 9 bytes each, got {len(body)}")
    results = []
    for i in range(0, len(body), 9):
        mid, tid, uas = body[i], body[i + 1], body[i + 2]
        value, unit = _scaled(int.from_bytes(body[i + 3 : i + 5], "big"), uas)
        low, _u = _scaled(int.from_bytes(body[i + 5 : i + 7], "big"), uas)
        high, _u = _scaled(int.from_bytes(body[i + 7 : i + 9], "big"), uas)
        results.append(TestResult(mid, tid, value, low, high, unit))
    return results


# Continuous monitors run all the time; inspection programmes count the others.
CONTINUOUS = {"misfire", "fuel_system", "components"}


def im_verdict(readiness: Iterable[Mapping[str, Any]], model_year: int | None) -> dict[str, object]:
    """The I/M readiness verdict from every ECU's PID 01: MIL off and at most one
    non-continuous monitor incomplete (two for model years 1996-2000), as US EPA and
    most inspection programmes apply it. Without any readiness it is "unknown"."""
    monitors: dict[str, str] = {}
    mil = False
    seen = False
    for status in readiness:
        if not status:
            continue
        seen = True
        mil = mil or bool(status.get("mil"))
        for name, state in dict(status.get("monitors", {})).items():
            if name not in CONTINUOUS and monitors.get(name) != "incomplete":
                monitors[name] = str(state)
    allowed = 2 if model_year is not None and model_year <= 2000 else 1
    incomplete = sorted(name for name, state in monitors.items() if state == "incomplete")
    if not seen:
        verdict = "unknown"
    elif mil:
        verdict = "fail_mil_on"
    elif len(incomplete) > allowed:
        verdict = "not_ready"
    else:
        verdict = "ready"
    return {
        "verdict": verdict,
        "mil": mil,
        "incomplete_monitors": incomplete,
        "allowed_incomplete": allowed,
    }
