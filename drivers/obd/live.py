"""Live data: PIDs streamed as fast as the link allows, raw frames recorded, broadcasts decoded.

Frames are handed over through `FrameQueue`, which is bounded and counts what
it had to drop, so a slow consumer shows up as a number instead of a silent gap.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from drivers.errors import DecodeError, DriverUnavailable, NegativeResponse, NoVehicleResponse
from drivers.obd.link import ObdLink
from drivers.obd.pids import Reading
from drivers.obd.services import MAX_PIDS_PER_REQUEST, decode_values, parse_current_data

log = logging.getLogger(__name__)

MIN_SAMPLES = 2


def stream_pids(
    link: ObdLink, ecu: str, pids: list[int], stop: threading.Event | None = None
) -> Iterator[dict[int, Reading]]:
    """One dict of readings per sweep over `pids` (up to six per request), until `stop` is set."""
    if not pids:
        raise ValueError("no PIDs to stream")
    chunks = [pids[i : i + MAX_PIDS_PER_REQUEST] for i in range(0, len(pids), MAX_PIDS_PER_REQUEST)]
    while stop is None or not stop.is_set():
        sweep: dict[int, Reading] = {}
        for chunk in chunks:
            reply = link.request(bytes((0x01, *chunk)), [ecu]).get(ecu)
            if reply is None:
                raise NoVehicleResponse(
                    f"ECU {ecu} stopped answering live data", key="live.stopped", ecu=ecu
                )
            try:
                sweep.update(decode_values(parse_current_data(reply)))
            except (DecodeError, NegativeResponse) as err:
                log.warning("live data from %s unreadable: %s", ecu, err)
        yield sweep


def record_live(
    link: ObdLink,
    ecu: str,
    pids: list[int],
    seconds: float,
    stop: threading.Event | None = None,
    on_sample: Callable[[float, dict[str, object]], None] | None = None,
) -> dict[str, object]:
    """Record `pids` of one ECU for `seconds` (or until `stop`), as fast as the link
    allows, and at least two sweeps (a plot needs a start and an end): the recording
    the core keeps with the work order and the report plots. `on_sample` sees each
    sample as it is taken (seconds from the start, values by PID), for a live chart."""
    started = time.monotonic()
    signals: dict[str, dict[str, object]] = {}
    samples: list[list[object]] = []
    halt = stop or threading.Event()
    for sweep in stream_pids(link, ecu, pids, halt):
        at = round(time.monotonic() - started, 3)
        values: dict[str, object] = {}
        for pid, reading in sorted(sweep.items()):
            key = f"{pid:02X}"
            signals.setdefault(key, {"name": reading.name, "unit": reading.unit})
            values[key] = reading.value
        samples.append([at, values])
        if on_sample is not None:
            on_sample(at, values)
        if at >= seconds and len(samples) >= MIN_SAMPLES:
            break
    return {"ecu": ecu, "signals": signals, "samples": samples}


class FrameQueue:
    """A bounded python-can listener: never blocks the bus thread, counts every dropped frame."""

    def __init__(self, maxsize: int = 10_000) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize)
        self.received = 0
        self.dropped = 0

    def on_message_received(self, message: Any) -> None:
        self.received += 1
        try:
            self._queue.put_nowait(message)
        except queue.Full:
            self.dropped += 1

    def __call__(self, message: Any) -> None:
        self.on_message_received(message)

    def get(self, timeout: float | None = None) -> Any:
        """The next frame, or None when none came within `timeout`."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def qsize(self) -> int:
        return self._queue.qsize()


class FrameRecorder:
    """Raw frames to a file in any python-can log format (.blf, .asc, .log, .csv ...)."""

    def __init__(self, bus: Any, path: Path) -> None:
        try:
            import can
        except ImportError as err:
            raise DriverUnavailable(
                "python-can is not installed", key="device.library_missing", library="python-can"
            ) from err
        self.path = path
        self._writer = can.Logger(str(path))
        self._notifier = can.Notifier(bus, [self._writer], timeout=0.05)

    def stop(self) -> None:
        self._notifier.stop()
        self._writer.stop()

    def __enter__(self) -> FrameRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class BroadcastDecoder:
    """Decodes the car's own periodic frames with a DBC database (cantools)."""

    def __init__(self, dbc_path: Path) -> None:
        try:
            import cantools
        except ImportError as err:
            raise DriverUnavailable(
                "cantools is not installed", key="device.library_missing", library="cantools"
            ) from err
        database: Any = cantools.database.load_file(str(dbc_path))
        self.database = database
        self._ids = {message.frame_id for message in database.messages}

    def decode(self, arbitration_id: int, data: bytes) -> tuple[str, dict[str, float | str]] | None:
        """(message name, signals) for a frame the DBC knows, else None."""
        if arbitration_id not in self._ids:
            return None
        message = self.database.get_message_by_frame_id(arbitration_id)
        try:
            signals: dict[str, Any] = dict(message.decode(data, decode_choices=False))
        except Exception as err:  # cantools raises several unrelated types for short or bad frames
            raise DecodeError(
                f"frame {arbitration_id:X} does not match {message.name}: {err}"
            ) from err
        return message.name, {
            name: value for name, value in signals.items() if isinstance(value, int | float | str)
        }
