"""The car's own periodic frames: what the simulated control units broadcast beside OBD.

The messages are those of `fixtures/dbc/station_broadcast.dbc`, encoded with
cantools. Their values come from the profile's live values where an ECU offers
the matching PID (engine speed, coolant, 12 V, battery state of charge), so the
broadcast and the OBD answers agree and both move; `broadcast_values` is the pure
part, `Broadcaster` the thread that sends them at their rates.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drivers.ecu_sim.model import VehicleProfile, wave
from drivers.errors import AdapterVanished, DriverError, DriverUnavailable
from drivers.obd.pids import decode_pid
from drivers.running import Running
from station.fixtures import fixtures_dir

log = logging.getLogger(__name__)

# Cycle times from the DBC's comments: the VCU every 20 ms, the BMS every 100 ms.
RATES_HZ = {"VehicleStatus": 50.0, "BatteryStatus": 10.0}
ISOLATION_FAULT = "P0AA6"
TRACTION_BATTERY_PID = 0x5B
MAX_CATCH_UP = 0.25  # seconds of missed cycles made up in a burst, no more


@dataclass(frozen=True)
class Source:
    """Where a signal's value comes from: the first profile PID offered, else a slow wave."""

    pids: tuple[int, ...]
    base: float
    wander: float = 0.0
    period: float = 11.0


SIGNALS: dict[str, dict[str, Source]] = {
    "VehicleStatus": {
        "VehicleSpeed": Source((0x0D,), 0.0),
        "EngineSpeed": Source((0x0C,), 0.0),  # no PID 0C: an electric car, no engine turning
        "GearPosition": Source((), 0.0),  # park, as in every workshop profile
        "CoolantTemp": Source((0x05, 0x46), 25.0),
    },
    "BatteryStatus": {
        "StateOfCharge": Source((TRACTION_BATTERY_PID,), 70.0),
        "PackVoltage": Source((), 355.0, wander=1.5),
        "LowVoltageBattery": Source((0x42,), 12.6),
        "IsolationResistance": Source((), 500.0),
    },
}


def default_dbc() -> Path:
    return fixtures_dir() / "dbc" / "station_broadcast.dbc"


def broadcast_messages(profile: VehicleProfile) -> list[str]:
    """A battery status only comes from cars with a traction battery (PID 5B offered)."""
    has_battery = any(TRACTION_BATTERY_PID in ecu.pids for ecu in profile.ecus)
    return [name for name in SIGNALS if name != "BatteryStatus" or has_battery]


def _pid_value(profile: VehicleProfile, pids: tuple[int, ...], now: float) -> float | None:
    for pid in pids:
        for ecu in profile.ecus:
            live = ecu.pids.get(pid)
            if live is None:
                continue
            value = decode_pid(pid, live.bytes_at(now - ecu.started)).value
            if isinstance(value, int | float):
                return float(value)
    return None


def broadcast_values(profile: VehicleProfile, now: float) -> dict[str, dict[str, float]]:
    """Message name -> signal values at monotonic time `now`; pure given the profile."""
    out: dict[str, dict[str, float]] = {}
    for name in broadcast_messages(profile):
        signals = {}
        for signal, source in SIGNALS[name].items():
            value = _pid_value(profile, source.pids, now)
            signals[signal] = (
                value if value is not None else wave(source.base, source.wander, source.period, now)
            )
        out[name] = signals
    if "BatteryStatus" in out and any(
        ISOLATION_FAULT in ecu.stored + ecu.permanent for ecu in profile.ecus
    ):
        out["BatteryStatus"]["IsolationResistance"] = 85.0  # the fault the BMS reports
    return out


def encode_frame(message: Any, signals: Mapping[str, float]) -> bytes:
    """cantools bytes for `signals`, each held inside the range the DBC gives it."""
    held = {}
    for signal in message.signals:
        value = signals[signal.name]
        if signal.minimum is not None:
            value = max(value, signal.minimum)
        if signal.maximum is not None:
            value = min(value, signal.maximum)
        held[signal.name] = value
    return bytes(message.encode(held))


class Broadcaster(Running):
    """Sends the profile's broadcast frames on `bus` at their rates, from one thread.

    `rates` (Hz by message name) overrides the DBC's cycle times, e.g. to load a
    listener. A bus that refuses a frame stops the broadcast and is kept in `error`.
    """

    def __init__(
        self,
        bus: Any,
        profile: VehicleProfile,
        *,
        dbc: Path | None = None,
        rates: Mapping[str, float] | None = None,
    ) -> None:
        try:
            import cantools
        except ImportError as err:
            raise DriverUnavailable(
                "broadcasting needs cantools", key="device.library_missing", library="cantools"
            ) from err
        database: Any = cantools.database.load_file(str(dbc or default_dbc()))
        self.bus = bus
        self.profile = profile
        self.messages = {
            name: database.get_message_by_name(name) for name in broadcast_messages(profile)
        }
        wanted = {**RATES_HZ, **(rates or {})}
        self.periods = {name: 1.0 / wanted[name] for name in self.messages}
        self.sent = 0
        self.error: DriverError | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Broadcaster:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="broadcast", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def _run(self) -> None:
        import can

        due = dict.fromkeys(self.messages, time.monotonic())
        while not self._stop.is_set():
            now = time.monotonic()
            values = broadcast_values(self.profile, now)
            for name, message in self.messages.items():
                if due[name] > now:
                    continue
                frame = can.Message(
                    arbitration_id=message.frame_id,
                    data=encode_frame(message, values[name]),
                    is_extended_id=message.is_extended_frame,
                )
                try:
                    self.bus.send(frame)
                except (can.CanError, OSError, ValueError) as err:
                    self.error = AdapterVanished(
                        f"broadcast stopped, the bus refused {name}: {err}",
                        key="sim.broadcast_refused",
                        frame=name,
                        reason=str(err),
                    )
                    log.error("%s", self.error)
                    return
                self.sent += 1
                # A late frame is sent at once and the cadence kept, as an ECU's cyclic
                # timer does; only after a long stall does it start again from now.
                due[name] += self.periods[name]
                if due[name] < now - MAX_CATCH_UP:
                    due[name] = now + self.periods[name]
            self._stop.wait(max(0.0, min(due.values()) - time.monotonic()))
