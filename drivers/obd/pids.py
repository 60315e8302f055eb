"""Service 01/02 parameter decoding (SAE J1979): bytes after the PID byte to a `Reading`.

Pure functions only: the scan, the live view and the tests all decode through
`decode_pid`, so a value shown to a customer is computed in exactly one place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from drivers.errors import DecodeError
from drivers.obd.dtc import dtc_from_bytes

log = logging.getLogger(__name__)

Value = int | float | str


@dataclass(frozen=True)
class Reading:
    """One decoded parameter: what the car reports, in metric units."""

    value: Value
    unit: str | None
    name: str


@dataclass(frozen=True)
class PidSpec:
    """How a PID is named, how many data bytes it has and how they become a value."""

    pid: int
    name: str
    length: int
    unit: str | None
    convert: Callable[[bytes], Value]


def _u16(d: bytes, i: int = 0) -> int:
    return (d[i] << 8) | d[i + 1]


def _s16(d: bytes, i: int = 0) -> int:
    raw = _u16(d, i)
    return raw - 0x10000 if raw & 0x8000 else raw


def _percent(d: bytes) -> float:
    return round(d[0] * 100 / 255, 2)


def _temp(d: bytes) -> int:
    return d[0] - 40


def _trim(d: bytes) -> float:
    return round((d[0] - 128) * 100 / 128, 2)


def _torque(d: bytes) -> int:
    return d[0] - 125


def _bitmap(d: bytes) -> str:
    return d[:4].hex().upper()


FUEL_SYSTEM_STATUS = {
    0: "off",
    1: "open loop, engine cold",
    2: "closed loop",
    4: "open loop, load or deceleration",
    8: "open loop, system fault",
    16: "closed loop, feedback fault",
}

SECONDARY_AIR_STATUS = {
    1: "upstream",
    2: "downstream of catalyst",
    4: "outside air or off",
    8: "diagnostics",
}

OBD_STANDARDS = {
    1: "OBD-II (CARB)",
    2: "OBD (EPA)",
    3: "OBD and OBD-II",
    4: "OBD-I",
    5: "not OBD compliant",
    6: "EOBD",
    7: "EOBD and OBD-II",
    8: "EOBD and OBD",
    9: "EOBD, OBD and OBD-II",
    10: "JOBD",
    11: "JOBD and OBD-II",
    12: "JOBD and EOBD",
    13: "JOBD, EOBD and OBD-II",
    17: "EMD",
    18: "EMD+",
    19: "HD OBD-C",
    20: "HD OBD",
    21: "WWH OBD",
    23: "HD EOBD-I",
    24: "HD EOBD-I N",
    25: "HD EOBD-II",
    26: "HD EOBD-II N",
    28: "OBDBr-1",
    29: "OBDBr-2",
    30: "KOBD",
    31: "IOBD I",
    32: "IOBD II",
    33: "HD EOBD-IV",
}

FUEL_TYPES = {
    0: "not available",
    1: "gasoline",
    2: "methanol",
    3: "ethanol",
    4: "diesel",
    5: "LPG",
    6: "CNG",
    7: "propane",
    8: "electric",
    9: "bifuel gasoline",
    10: "bifuel methanol",
    11: "bifuel ethanol",
    12: "bifuel LPG",
    13: "bifuel CNG",
    14: "bifuel propane",
    15: "bifuel electricity",
    16: "bifuel electric and combustion",
    17: "hybrid gasoline",
    18: "hybrid ethanol",
    19: "hybrid diesel",
    20: "hybrid electric",
    21: "hybrid electric and combustion",
    22: "hybrid regenerative",
    23: "bifuel diesel",
}


def _enum(table: dict[int, str]) -> Callable[[bytes], Value]:
    def convert(d: bytes) -> Value:
        return table.get(d[0], f"code {d[0]}")

    return convert


def _monitor_status(d: bytes) -> str:
    count = d[0] & 0x7F
    return f"MIL {'on' if d[0] & 0x80 else 'off'}, {count} code{'s' if count != 1 else ''}"


def _o2_present(d: bytes) -> str:
    return (
        ",".join(f"B{1 + bit // 4}S{1 + bit % 4}" for bit in range(8) if d[0] >> bit & 1) or "none"
    )


def _o2_present_4banks(d: bytes) -> str:
    return (
        ",".join(f"B{1 + bit // 2}S{1 + bit % 2}" for bit in range(8) if d[0] >> bit & 1) or "none"
    )


def _max_values(d: bytes) -> str:
    return f"lambda {d[0]}, {d[1]} V, {d[2]} mA, {d[3] * 10} kPa"


def _emission_requirements(d: bytes) -> str:
    return {14: "heavy duty vehicles (EURO IV) B1", 15: "heavy duty vehicles (EURO V) B2"}.get(
        d[0], f"code {d[0]}"
    )


def _actual_gear(d: bytes) -> Value:
    """PID A4 (J1979-DA): A bit 1 says the gear is given, in bits 7-4 of byte B (0 = neutral)."""
    return d[1] >> 4 if d[0] & 0x02 else "not available"


def _specs() -> dict[int, PidSpec]:
    specs: list[PidSpec] = []

    def add(
        pid: int, name: str, length: int, unit: str | None, fn: Callable[[bytes], Value]
    ) -> None:
        specs.append(PidSpec(pid, name, length, unit, fn))

    for base in (0x00, 0x20, 0x40, 0x60, 0x80, 0xA0, 0xC0, 0xE0):
        add(base, f"PIDs supported [{base + 1:02X}-{base + 0x20:02X}]", 4, None, _bitmap)
    add(0x01, "Monitor status since codes cleared", 4, None, _monitor_status)
    add(0x02, "Code that caused the freeze frame", 2, None, lambda d: dtc_from_bytes(d[0], d[1]))
    add(0x03, "Fuel system status", 2, None, _enum(FUEL_SYSTEM_STATUS))
    add(0x04, "Calculated engine load", 1, "%", _percent)
    add(0x05, "Engine coolant temperature", 1, "°C", _temp)
    for pid, name in (
        (0x06, "Short term fuel trim, bank 1"),
        (0x07, "Long term fuel trim, bank 1"),
        (0x08, "Short term fuel trim, bank 2"),
        (0x09, "Long term fuel trim, bank 2"),
    ):
        add(pid, name, 1, "%", _trim)
    add(0x0A, "Fuel pressure", 1, "kPa", lambda d: d[0] * 3)
    add(0x0B, "Intake manifold absolute pressure", 1, "kPa", lambda d: d[0])
    add(0x0C, "Engine speed", 2, "rpm", lambda d: _u16(d) / 4)
    add(0x0D, "Vehicle speed", 1, "km/h", lambda d: d[0])
    add(0x0E, "Timing advance", 1, "°", lambda d: d[0] / 2 - 64)
    add(0x0F, "Intake air temperature", 1, "°C", _temp)
    add(0x10, "Mass air flow rate", 2, "g/s", lambda d: _u16(d) / 100)
    add(0x11, "Throttle position", 1, "%", _percent)
    add(0x12, "Commanded secondary air status", 1, None, _enum(SECONDARY_AIR_STATUS))
    add(0x13, "Oxygen sensors present", 1, None, _o2_present)
    for n in range(8):
        bank, sensor = (1 + n // 4, 1 + n % 4)
        add(
            0x14 + n,
            f"Oxygen sensor voltage, bank {bank} sensor {sensor}",
            2,
            "V",
            lambda d: d[0] / 200,
        )
    add(0x1C, "OBD standard", 1, None, _enum(OBD_STANDARDS))
    add(0x1D, "Oxygen sensors present (4 banks)", 1, None, _o2_present_4banks)
    add(0x1E, "Power take-off active", 1, None, lambda d: "on" if d[0] & 1 else "off")
    add(0x1F, "Run time since engine start", 2, "s", lambda d: _u16(d))
    add(0x21, "Distance travelled with MIL on", 2, "km", lambda d: _u16(d))
    add(
        0x22,
        "Fuel rail pressure (relative to vacuum)",
        2,
        "kPa",
        lambda d: round(_u16(d) * 0.079, 3),
    )
    add(0x23, "Fuel rail gauge pressure", 2, "kPa", lambda d: _u16(d) * 10)
    for n in range(8):
        add(
            0x24 + n,
            f"Oxygen sensor {n + 1} lambda",
            4,
            "ratio",
            lambda d: round(_u16(d) * 2 / 65536, 4),
        )
    add(0x2C, "Commanded EGR", 1, "%", _percent)
    add(0x2D, "EGR error", 1, "%", lambda d: round(d[0] * 100 / 128 - 100, 2))
    add(0x2E, "Commanded evaporative purge", 1, "%", _percent)
    add(0x2F, "Fuel tank level", 1, "%", _percent)
    add(0x30, "Warm-ups since codes cleared", 1, None, lambda d: d[0])
    add(0x31, "Distance travelled since codes cleared", 2, "km", lambda d: _u16(d))
    add(0x32, "Evaporative system vapour pressure", 2, "Pa", lambda d: _s16(d) / 4)
    add(0x33, "Barometric pressure", 1, "kPa", lambda d: d[0])
    for n in range(8):
        add(
            0x34 + n,
            f"Oxygen sensor {n + 1} current",
            4,
            "mA",
            lambda d: round(_u16(d, 2) / 256 - 128, 3),
        )
    for pid, name in (
        (0x3C, "Catalyst temperature, bank 1 sensor 1"),
        (0x3D, "Catalyst temperature, bank 2 sensor 1"),
        (0x3E, "Catalyst temperature, bank 1 sensor 2"),
        (0x3F, "Catalyst temperature, bank 2 sensor 2"),
    ):
        add(pid, name, 2, "°C", lambda d: round(_u16(d) / 10 - 40, 1))
    add(0x41, "Monitor status this drive cycle", 4, None, _monitor_status)
    add(0x42, "Control module voltage", 2, "V", lambda d: _u16(d) / 1000)
    add(0x43, "Absolute load value", 2, "%", lambda d: round(_u16(d) * 100 / 255, 2))
    add(
        0x44,
        "Commanded air-fuel equivalence ratio",
        2,
        "ratio",
        lambda d: round(_u16(d) * 2 / 65536, 4),
    )
    add(0x45, "Relative throttle position", 1, "%", _percent)
    add(0x46, "Ambient air temperature", 1, "°C", _temp)
    for pid, name in (
        (0x47, "Absolute throttle position B"),
        (0x48, "Absolute throttle position C"),
        (0x49, "Accelerator pedal position D"),
        (0x4A, "Accelerator pedal position E"),
        (0x4B, "Accelerator pedal position F"),
        (0x4C, "Commanded throttle actuator"),
    ):
        add(pid, name, 1, "%", _percent)
    add(0x4D, "Time run with MIL on", 2, "min", lambda d: _u16(d))
    add(0x4E, "Time since codes cleared", 2, "min", lambda d: _u16(d))
    add(
        0x4F,
        "Maximum equivalence ratio, O2 voltage, O2 current and intake pressure",
        4,
        None,
        _max_values,
    )
    add(0x50, "Maximum mass air flow rate", 4, "g/s", lambda d: d[0] * 10)
    add(0x51, "Fuel type", 1, None, _enum(FUEL_TYPES))
    add(0x52, "Ethanol fuel share", 1, "%", _percent)
    add(0x53, "Absolute evaporative system vapour pressure", 2, "kPa", lambda d: _u16(d) / 200)
    # SAE J1979-DA, PID 54 (EVAP_VP, wide range): bytes A-B are one signed value in two's
    # complement, 1 Pa per bit, -32,768 to 32,767 Pa; not the A*256+B-32767 some tools use.
    add(0x54, "Evaporative system vapour pressure", 2, "Pa", lambda d: _s16(d))
    for pid, name in (
        (0x55, "Short term secondary oxygen sensor trim, bank 1/3"),
        (0x56, "Long term secondary oxygen sensor trim, bank 1/3"),
        (0x57, "Short term secondary oxygen sensor trim, bank 2/4"),
        (0x58, "Long term secondary oxygen sensor trim, bank 2/4"),
    ):
        add(pid, name, 2, "%", _trim)
    add(0x59, "Fuel rail absolute pressure", 2, "kPa", lambda d: _u16(d) * 10)
    add(0x5A, "Relative accelerator pedal position", 1, "%", _percent)
    add(0x5B, "Hybrid/EV battery pack remaining life", 1, "%", _percent)
    add(0x5C, "Engine oil temperature", 1, "°C", _temp)
    add(0x5D, "Fuel injection timing", 2, "°", lambda d: round(_u16(d) / 128 - 210, 3))
    add(0x5E, "Engine fuel rate", 2, "L/h", lambda d: _u16(d) / 20)
    add(0x5F, "Emission requirements", 1, None, _emission_requirements)
    add(0x61, "Driver's demand engine torque", 1, "%", _torque)
    add(0x62, "Actual engine torque", 1, "%", _torque)
    add(0x63, "Engine reference torque", 2, "Nm", lambda d: _u16(d))
    add(0x8E, "Engine friction torque", 1, "%", _torque)
    add(0xA2, "Cylinder fuel rate", 2, "mg/stroke", lambda d: _u16(d) / 32)
    add(
        0xA4,
        "Transmission actual gear",
        4,
        None,
        _actual_gear,
    )
    add(0xA6, "Odometer", 4, "km", lambda d: ((_u16(d) << 16) | _u16(d, 2)) / 10)
    return {spec.pid: spec for spec in specs}


PIDS: dict[int, PidSpec] = _specs()
SUPPORT_PIDS = (0x00, 0x20, 0x40, 0x60, 0x80, 0xA0, 0xC0, 0xE0)


def pid_length(pid: int) -> int:
    """Data bytes a PID carries; a multi-PID reply is split with this."""
    spec = PIDS.get(pid)
    if spec is None:
        raise DecodeError(f"unknown PID {pid:02X}")
    return spec.length


def decode_pid(pid: int, data: bytes) -> Reading:
    """Decode a service 01/02 payload (the bytes after the PID byte)."""
    spec = PIDS.get(pid)
    if spec is None:
        raise DecodeError(
            f"unknown PID {pid:#04x}" if 0 <= pid <= 0xFF else f"PID {pid} out of range"
        )
    if len(data) < spec.length:
        raise DecodeError(f"PID {pid:02X} needs {spec.length} data bytes, got {len(data)}")
    return Reading(spec.convert(bytes(data[: spec.length])), spec.unit, spec.name)


def supported_pids(base: int, data: bytes) -> list[int]:
    """PIDs claimed by a support bitmap reply (PID 00, 20, ... E0): MSB first means base+1."""
    if base not in SUPPORT_PIDS:
        raise DecodeError(f"PID {base:02X} is not a support bitmap")
    if len(data) < 4:
        raise DecodeError(f"support bitmap needs 4 bytes, got {len(data)}")
    bits = int.from_bytes(data[:4], "big")
    return [base + 1 + i for i in range(32) if bits & (1 << (31 - i))]


SPARK_MONITORS = (
    "catalyst",
    "heated_catalyst",
    "evaporative_system",
    "secondary_air",
    "ac_refrigerant",
    "oxygen_sensor",
    "oxygen_sensor_heater",
    "egr_system",
)
COMPRESSION_MONITORS = (
    "nmhc_catalyst",
    "nox_scr",
    None,
    "boost_pressure",
    None,
    "exhaust_gas_sensor",
    "pm_filter",
    "egr_vvt",
)
CONTINUOUS_MONITORS = ("misfire", "fuel_system", "components")


def decode_readiness(data: bytes) -> dict[str, object]:
    """MIL, code count and readiness monitors from PID 01 (4 bytes A..D).

    Each monitor is "complete", "incomplete" or left out when the car does not have it.
    """
    if len(data) < 4:
        raise DecodeError(f"PID 01 needs 4 data bytes, got {len(data)}")
    a, b, c, d = data[:4]
    compression = bool(b & 0x08)
    monitors: dict[str, str] = {}
    for bit, name in enumerate(CONTINUOUS_MONITORS):
        if b >> bit & 1:
            monitors[name] = "incomplete" if b >> (bit + 4) & 1 else "complete"
    names = COMPRESSION_MONITORS if compression else SPARK_MONITORS
    for bit, maybe_name in enumerate(names):
        if maybe_name is not None and c >> bit & 1:
            monitors[maybe_name] = "incomplete" if d >> bit & 1 else "complete"
    return {
        "mil": bool(a & 0x80),
        "dtc_count": a & 0x7F,
        "ignition": "compression" if compression else "spark",
        "monitors": monitors,
    }
