"""The simulated rig: a car whose right-rear toe is 1.2° out, adjusted into tolerance.

`simulated_session` is the pure script (records with the pause before each);
`RigSimulator` plays it in a thread onto a serial port (line protocol) or a
python-can bus (the DBC frames), for the tests, the demo and the app.
"""

from __future__ import annotations

import logging
import math
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from drivers.errors import AdapterNotFound, DriverError
from drivers.rig.protocol import (
    Measured,
    RigRecord,
    SessionEnd,
    SessionStart,
    SetBegin,
    SetEnd,
    format_record,
)
from drivers.running import Running
from station.alignment import Phase, Position, Quantity, thrust_angle

log = logging.getLogger(__name__)

FL, FR, RL, RR = Position.FRONT_LEFT, Position.FRONT_RIGHT, Position.REAR_LEFT, Position.REAR_RIGHT
FA, RA, VH = Position.FRONT_AXLE, Position.REAR_AXLE, Position.VEHICLE
Q = Quantity

# The demo sedan (Bay Motors Sedan 2019, 17-inch rims): everything in tolerance except
# the right-rear toe, 1.50° against a maximum of 0.30°: 1.2° out of specification.
CAR: dict[tuple[Position, Quantity], float] = {
    (FL, Q.TOE): 0.04,
    (FR, Q.TOE): 0.06,
    (FL, Q.CAMBER): -0.52,
    (FR, Q.CAMBER): -0.41,
    (FL, Q.CASTER): 4.42,
    (FR, Q.CASTER): 4.61,
    (FL, Q.SAI): 12.45,
    (FR, Q.SAI): 12.58,
    (FL, Q.INCLUDED_ANGLE): 11.93,
    (FR, Q.INCLUDED_ANGLE): 12.17,
    (RL, Q.TOE): 0.14,
    (RR, Q.TOE): 1.50,
    (RL, Q.CAMBER): -1.02,
    (RR, Q.CAMBER): -0.95,
    (FA, Q.SETBACK): 0.03,
}
ADJUSTED = (RR, Q.TOE)
TARGET_DEG = 0.16
RIM_DIAMETER_IN = 17.0


@dataclass(frozen=True)
class Pace:
    """How fast the simulated technician works; `fast()` plays a session in a fraction of a second."""

    live_rate_hz: float = 5.0
    adjust_seconds: float = 8.0
    line_gap: float = 0.01
    between_sessions: float = 2.0

    @classmethod
    def fast(cls) -> Pace:
        return cls(live_rate_hz=100.0, adjust_seconds=0.3, line_gap=0.0, between_sessions=0.05)


def _set(values: dict[tuple[Position, Quantity], float]) -> list[Measured]:
    front = values[(FL, Q.TOE)] + values[(FR, Q.TOE)]
    rear = values[(RL, Q.TOE)] + values[(RR, Q.TOE)]
    thrust = thrust_angle(values[(RL, Q.TOE)], values[(RR, Q.TOE)])
    totals = {(FA, Q.TOTAL_TOE): front, (RA, Q.TOTAL_TOE): rear, (VH, Q.THRUST_ANGLE): thrust}
    return [Measured(p, q, round(v, 4)) for (p, q), v in {**values, **totals}.items()]


def simulated_session(
    session_id: str, pace: Pace, seed: int = 7
) -> Iterator[tuple[float, RigRecord]]:
    """The records of one session and the pause before each: before set, adjustment, after set."""
    noise = random.Random(seed)
    gap = pace.line_gap
    yield 0.0, SessionStart(session_id, RIM_DIAMETER_IN)
    before = _set(CAR)
    yield gap, SetBegin(Phase.BEFORE)
    for reading in before:
        yield gap, reading
    yield gap, SetEnd(Phase.BEFORE, len(before))
    steps = max(2, round(pace.live_rate_hz * pace.adjust_seconds))
    start = CAR[ADJUSTED]
    rl = CAR[(RL, Q.TOE)]
    for step in range(steps):
        # the technician turns the tie rod: the value closes in on the target, with jitter
        left = math.exp(-5.0 * (step + 1) / steps)
        toe = TARGET_DEG + (start - TARGET_DEG) * left + noise.uniform(-0.004, 0.004) * left
        yield 1.0 / pace.live_rate_hz, Measured(RR, Q.TOE, round(toe, 4), live=True)
        yield 0.0, Measured(RA, Q.TOTAL_TOE, round(rl + toe, 4), live=True)
        yield 0.0, Measured(VH, Q.THRUST_ANGLE, round(thrust_angle(rl, toe), 4), live=True)
    after = _set({**CAR, ADJUSTED: TARGET_DEG})
    yield gap, SetBegin(Phase.AFTER)
    for reading in after:
        yield gap, reading
    yield gap, SetEnd(Phase.AFTER, len(after))
    yield gap, SessionEnd(session_id)


class RigOutput(Protocol):
    def send(self, record: RigRecord) -> None: ...
    def send_noise(self) -> None: ...
    def close(self) -> None: ...


class SerialOutput:
    """Writes lines to a serial port (path, pyserial URL, or an open pyserial object)."""

    def __init__(self, port: Any, baudrate: int = 115200) -> None:
        import serial

        self._owned = isinstance(port, str)
        try:
            self._serial = serial.serial_for_url(port, baudrate=baudrate) if self._owned else port
        except (serial.SerialException, OSError, ValueError) as err:
            raise AdapterNotFound(
                f"simulator cannot open {port}: {err}",
                key="serial.cannot_open",
                port=str(port),
                reason=str(err),
            ) from err

    def send(self, record: RigRecord) -> None:
        self._serial.write(format_record(record))

    def send_noise(self) -> None:
        """Garbage, a line with a bad checksum, and a line cut off by the next one."""
        self._serial.write(b"\x00\xff garbage \xfe\r\n")
        good = format_record(Measured(RR, Q.TOE, 1.0, live=True))
        wrong = b"00" if good[-4:-2] != b"00" else b"11"
        self._serial.write(good[:-4] + wrong + b"\r\n")
        self._serial.write(good[:12])

    def close(self) -> None:
        if self._owned:
            self._serial.close()


class CanOutput:
    """Sends the DBC frames on a python-can bus (its interface and channel, or an open bus)."""

    def __init__(self, bus: Any = None, **bus_options: Any) -> None:
        import can

        from drivers.rig.frames import RigFrames

        self._owned = bus is None
        try:
            self._bus = can.Bus(**bus_options) if bus is None else bus
        except (can.CanError, OSError, ValueError) as err:
            raise AdapterNotFound(
                f"simulator cannot open the CAN bus {bus_options}: {err}",
                key="rig.can_cannot_open",
                options=str(bus_options),
                reason=str(err),
            ) from err
        self._frames = RigFrames.load()
        self._message = can.Message

    def send(self, record: RigRecord) -> None:
        frame_id, data = self._frames.encode(record)
        self._bus.send(self._message(arbitration_id=frame_id, data=data, is_extended_id=False))

    def send_noise(self) -> None:
        frame_id, data = self._frames.encode(Measured(RR, Q.TOE, 1.0, live=True))
        broken = bytes(data[:7]) + bytes([data[7] ^ 0x5A])
        self._bus.send(self._message(arbitration_id=frame_id, data=broken, is_extended_id=False))
        self._bus.send(
            self._message(arbitration_id=frame_id, data=b"\x01\x02", is_extended_id=False)
        )

    def close(self) -> None:
        if self._owned:
            self._bus.shutdown()


class RigSimulator(Running):
    """Plays simulated sessions in a thread; a context manager (start on enter, stop on exit)."""

    def __init__(
        self,
        output: RigOutput,
        pace: Pace | None = None,
        sessions: int = 1,
        noise: bool = False,
        first_session: int = 1,
    ) -> None:
        self.output = output
        self.pace = pace or Pace()
        self.sessions = sessions  # 0: until stopped
        self.noise = noise
        self.first_session = first_session
        self.error: BaseException | None = None
        self.sent = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def on_serial(cls, port: Any, **options: Any) -> RigSimulator:
        return cls(SerialOutput(port), **options)

    @classmethod
    def on_can(
        cls,
        bus: Any = None,
        interface: str | None = None,
        channel: str | None = None,
        **options: Any,
    ) -> RigSimulator:
        bus_options = {} if bus is not None else {"interface": interface, "channel": channel}
        return cls(CanOutput(bus, **bus_options), **options)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="rig-sim", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.wait(timeout)
        self.output.close()

    def wait(self, timeout: float | None = None) -> bool:
        """True when the simulator has played all its sessions (or failed)."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def run(self) -> None:
        """Play in the calling thread (the `station rig-sim` command)."""
        self._run()
        if self.error is not None:
            raise DriverError(f"rig simulator stopped: {self.error}") from self.error

    def _run(self) -> None:
        number = self.first_session
        try:
            while not self._stop.is_set():
                self._play(f"SIM{number:04d}")
                number += 1
                if self.sessions and number - self.first_session >= self.sessions:
                    return
                if self._stop.wait(self.pace.between_sessions):
                    return
        except Exception as err:  # the thread reports through `error`, never dies silently
            log.exception("rig simulator failed")
            self.error = err

    def _play(self, session_id: str) -> None:
        for index, (pause, record) in enumerate(simulated_session(session_id, self.pace)):
            if pause and self._stop.wait(pause):
                return
            if self._stop.is_set():
                return
            if self.noise and index == 20:
                self.output.send_noise()
            self.output.send(record)
            self.sent += 1
