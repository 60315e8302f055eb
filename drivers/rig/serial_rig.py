"""The rig on a serial line (a real port, a pty, or any pyserial URL such as loop://)."""

from __future__ import annotations

import logging
from typing import Any

import serial

from drivers.errors import AdapterNotFound, AdapterVanished
from drivers.rig.base import Item, StreamingRig
from drivers.rig.errors import LineError
from drivers.rig.protocol import LineSplitter, parse_line

log = logging.getLogger(__name__)


class SerialRig(StreamingRig):
    """Reads the line protocol; a port given as an open pyserial object is used as is."""

    name = "serial"

    def __init__(
        self,
        port: str | serial.SerialBase,
        baudrate: int = 115200,
        reconnect_timeout: float = 5.0,
        **_: Any,
    ) -> None:
        super().__init__(reconnect_timeout)
        self.port = port
        self.baudrate = baudrate
        self._serial: serial.SerialBase | None = (
            port if isinstance(port, serial.SerialBase) else None
        )
        self._splitter = LineSplitter()

    def open(self) -> None:
        if isinstance(self.port, serial.SerialBase):
            if not self.port.is_open:
                raise AdapterNotFound(
                    "the given serial port is closed and cannot be reopened here",
                    key="rig.port_closed",
                )
            self._serial = self.port
            return
        try:
            self._serial = serial.serial_for_url(self.port, baudrate=self.baudrate, timeout=0.05)
        except (serial.SerialException, OSError, ValueError) as err:
            raise AdapterNotFound(
                f"cannot open rig port {self.port}: {err}",
                key="serial.cannot_open",
                port=str(self.port),
                reason=str(err),
            ) from err

    def close(self) -> None:
        if self._serial is not None and not isinstance(self.port, serial.SerialBase):
            self._serial.close()
        self._serial = None

    def _forget_partial(self) -> None:
        if self._splitter.reset():
            self.stats.partial_lines += 1
            self.stats.skipped += 1

    def _poll(self, wait: float) -> list[Item]:
        port = self._serial
        if port is None:
            raise AdapterVanished("rig port is not open", key="rig.not_open")
        try:
            port.timeout = wait
            data = port.read(max(1, port.in_waiting))
        except (serial.SerialException, OSError, TypeError) as err:
            raise AdapterVanished(
                f"rig port {self.port} failed: {err}",
                key="rig.port_failed",
                port=str(self.port),
                reason=str(err),
            ) from err
        dropped = self._splitter.dropped
        lines = self._splitter.feed(data)
        if self._splitter.dropped != dropped:
            self.stats.partial_lines += 1
            self.stats.skipped += 1
        items: list[Item] = []
        for line in lines:
            try:
                items.append(parse_line(line))
            except LineError as err:
                items.append(err)
        return items
