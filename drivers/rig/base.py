"""The alignment rig interface, the shared streaming loop, and backends chosen by name.

A backend is a subclass of `AlignmentRig`. The ones shipped here are found in
`BACKENDS` and imported only when chosen, so a missing library (python-can,
pyserial) fails only for the backend that needs it; a vendor's backend can be
added under the `bay_station.rig_backends` entry-point group without touching
this package.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import TracebackType
from typing import Any, ClassVar, Self

from drivers.errors import AdapterError, AdapterVanished, DeviceTimeout, DriverUnavailable
from drivers.rig.errors import ChecksumError, LineError, ProtocolVersionError, RigError
from drivers.rig.protocol import Measured, RigRecord
from drivers.rig.session import SessionAssembler
from station.alignment import AlignmentReading, AlignmentSession

log = logging.getLogger(__name__)

LiveCallback = Callable[[AlignmentReading], None]
DEFAULT_TIMEOUT = 600.0
BACKEND_GROUP = "bay_station.rig_backends"
BACKENDS: dict[str, tuple[str, str]] = {
    "serial": ("drivers.rig.serial_rig", "SerialRig"),
    "can": ("drivers.rig.can_rig", "CanRig"),
    "folder": ("drivers.rig.folder", "FolderRig"),
}


@dataclass
class RigStats:
    """What came in during a read: shown to the technician and printed by `station align`."""

    records: int = 0
    live: int = 0
    skipped: int = 0
    checksum_errors: int = 0
    partial_lines: int = 0
    reconnects: int = 0
    restarts: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


class AlignmentRig(ABC):
    """A rig that delivers one finished alignment session per `read_session` call."""

    name: ClassVar[str] = "rig"

    def __init__(self) -> None:
        self.stats = RigStats()
        self._cancelled = threading.Event()

    @abstractmethod
    def open(self) -> None:
        """Connect; `AdapterNotFound` if the device is not there."""

    @abstractmethod
    def close(self) -> None:
        """Let go of the device; safe to call twice."""

    @abstractmethod
    def read_session(
        self, on_live: LiveCallback | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> AlignmentSession:
        """Block until the rig sends a whole session; live values go to `on_live` meanwhile."""

    def cancel(self) -> None:
        """Stop a `read_session` running in another thread (it raises `RigError`)."""
        self._cancelled.set()

    def _check_cancelled(self) -> None:
        if self._cancelled.is_set():
            self._cancelled.clear()
            raise RigError("alignment read cancelled", key="rig.cancelled")

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


Item = RigRecord | LineError


class StreamingRig(AlignmentRig):
    """A rig that streams records (lines, frames): one loop for reading, skipping, reconnecting."""

    def __init__(self, reconnect_timeout: float = 5.0) -> None:
        super().__init__()
        self.reconnect_timeout = reconnect_timeout

    @abstractmethod
    def _poll(self, wait: float) -> list[Item]:
        """What arrived within `wait` seconds; `AdapterVanished` when the link is lost."""

    def _forget_partial(self) -> None:
        """Drop a half-received line after the link was lost (counted by the backend)."""

    def read_session(
        self, on_live: LiveCallback | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> AlignmentSession:
        assembler = SessionAssembler(rig=self.name)
        deadline = time.monotonic() + timeout
        while True:
            self._check_cancelled()
            left = deadline - time.monotonic()
            if left <= 0:
                raise DeviceTimeout(
                    f"no whole alignment session from the {self.name} rig in {timeout:g} s",
                    key="rig.timeout",
                    seconds=f"{timeout:g}",
                )
            try:
                items = self._poll(min(0.1, left))
            except AdapterVanished as err:
                log.warning("%s rig lost: %s; reconnecting", self.name, err)
                self._reconnect(err)
                continue
            for item in items:
                session = self._take(item, assembler, on_live)
                if session is not None:
                    self.stats.skipped += assembler.skipped
                    self.stats.restarts += assembler.restarts
                    return session

    def _take(
        self, item: Item, assembler: SessionAssembler, on_live: LiveCallback | None
    ) -> AlignmentSession | None:
        if isinstance(item, ProtocolVersionError):
            raise item
        if isinstance(item, LineError):
            self.stats.skipped += 1
            if isinstance(item, ChecksumError):
                self.stats.checksum_errors += 1
            log.debug("skipped: %s", item)
            return None
        self.stats.records += 1
        if isinstance(item, Measured) and item.live:
            reading = assembler.live(item)
            if reading is not None:
                self.stats.live += 1
                if on_live is not None:
                    on_live(reading)
            return None
        return assembler.feed(item)

    def _reconnect(self, cause: AdapterVanished) -> None:
        self._forget_partial()
        self.close()
        deadline = time.monotonic() + self.reconnect_timeout
        while True:
            self._check_cancelled()
            try:
                self.open()
            except AdapterError as err:
                if time.monotonic() >= deadline:
                    raise AdapterVanished(
                        f"the {self.name} rig went away and did not come back within "
                        f"{self.reconnect_timeout:g} s: {err}",
                        key="rig.gone",
                        seconds=f"{self.reconnect_timeout:g}",
                        reason=str(err),
                    ) from cause
                time.sleep(0.1)
            else:
                self.stats.reconnects += 1
                log.info("%s rig reconnected", self.name)
                return


def backend_names() -> list[str]:
    extra = [ep.name for ep in entry_points(group=BACKEND_GROUP)]
    return sorted(set(BACKENDS) | set(extra))


def rig_class(name: str) -> type[AlignmentRig]:
    """The backend class for `name`, imported now (its library must be installed)."""
    if name in BACKENDS:
        module_name, class_name = BACKENDS[name]
        try:
            module = importlib.import_module(module_name)
        except ImportError as err:
            raise DriverUnavailable(
                f"the {name} rig backend needs {err.name}: {err}",
                key="rig.backend_needs",
                backend=name,
                library=str(err.name),
            ) from err
        cls: Any = getattr(module, class_name)
    else:
        found = [ep for ep in entry_points(group=BACKEND_GROUP) if ep.name == name]
        if not found:
            known = ", ".join(backend_names())
            raise RigError(
                f"unknown rig backend {name!r}; known: {known}",
                key="rig.backend_unknown",
                backend=name,
                known=known,
            )
        try:
            cls = found[0].load()
        except ImportError as err:
            raise DriverUnavailable(
                f"the {name} rig backend cannot be loaded: {err}",
                key="rig.backend_unloadable",
                backend=name,
                reason=str(err),
            ) from err
    if not (isinstance(cls, type) and issubclass(cls, AlignmentRig)):
        raise RigError(
            f"rig backend {name!r} is not an AlignmentRig", key="rig.backend_not_rig", backend=name
        )
    return cls


def open_rig(name: str, **options: Any) -> AlignmentRig:
    """A backend by name, constructed (not yet opened): use it as a context manager."""
    return rig_class(name)(**options)


def run_session(
    rig: AlignmentRig, on_live: LiveCallback | None = None, timeout: float = DEFAULT_TIMEOUT
) -> AlignmentSession:
    """Open the rig, read one whole session, close the rig."""
    with rig:
        return rig.read_session(on_live=on_live, timeout=timeout)
