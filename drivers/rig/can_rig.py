"""The rig on a CAN bus (python-can: socketcan, virtual, slcan...), frames from the DBC."""

from __future__ import annotations

import logging
from typing import Any

import can

from drivers.errors import AdapterNotFound, AdapterVanished
from drivers.rig.base import Item, StreamingRig
from drivers.rig.errors import LineError
from drivers.rig.frames import READING_FRAME, SESSION_FRAME, RigFrames

log = logging.getLogger(__name__)


class CanRig(StreamingRig):
    """Reads the rig's frames; an open `can.BusABC` given as `bus` is used as is."""

    name = "can"

    def __init__(
        self,
        interface: str | None = None,
        channel: str | None = None,
        bitrate: int | None = None,
        bus: can.BusABC | None = None,
        reconnect_timeout: float = 5.0,
        **_: Any,
    ) -> None:
        super().__init__(reconnect_timeout)
        self.options: dict[str, Any] = {"interface": interface, "channel": channel}
        if bitrate:
            self.options["bitrate"] = bitrate
        self._given = bus
        self._bus: can.BusABC | None = bus
        self._frames = RigFrames.load()

    def open(self) -> None:
        if self._given is not None:
            self._bus = self._given
            return
        try:
            self._bus = can.Bus(
                **self.options,
                can_filters=[
                    {"can_id": SESSION_FRAME, "can_mask": 0x7FF, "extended": False},
                    {"can_id": READING_FRAME, "can_mask": 0x7FF, "extended": False},
                ],
            )
        except (can.CanError, OSError, ValueError, ImportError) as err:
            raise AdapterNotFound(
                f"cannot open the CAN bus {self.options}: {err}",
                key="rig.can_cannot_open",
                options=str(self.options),
                reason=str(err),
            ) from err

    def close(self) -> None:
        if self._bus is not None and self._given is None:
            self._bus.shutdown()
        self._bus = None

    def _poll(self, wait: float) -> list[Item]:
        if self._bus is None:
            raise AdapterVanished("rig CAN bus is not open", key="rig.not_open")
        try:
            message = self._bus.recv(wait)
        except (can.CanError, OSError) as err:
            raise AdapterVanished(
                f"rig CAN bus failed: {err}", key="rig.can_failed", reason=str(err)
            ) from err
        if message is None or message.is_error_frame or message.is_remote_frame:
            return []
        if message.arbitration_id not in (SESSION_FRAME, READING_FRAME):
            return []
        try:
            return [self._frames.decode(message.arbitration_id, bytes(message.data))]
        except LineError as err:
            return [err]
