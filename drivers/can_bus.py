"""Open any python-can bus from its usual configuration (interface, channel, bitrate).

python-can is imported here, lazily, so the rest of the station works without it.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from drivers.errors import AdapterNotFound, DriverUnavailable

log = logging.getLogger(__name__)


def open_bus(interface: str, channel: str, bitrate: int | None = None, **options: Any) -> Any:
    """A `can.BusABC` for socketcan, slcan, pcan, kvaser, virtual... with a clear error."""
    try:
        import can
    except ImportError as err:
        raise DriverUnavailable(
            "python-can is not installed", key="device.library_missing", library="python-can"
        ) from err
    kwargs: dict[str, Any] = dict(options)
    if bitrate is not None and interface not in ("virtual", "socketcan"):
        kwargs["bitrate"] = bitrate
    if interface == "slcan" and "sleep_after_open" not in kwargs and is_pseudo_terminal(channel):
        kwargs["sleep_after_open"] = 0
    try:
        bus = can.Bus(interface=interface, channel=channel, **kwargs)
    except (can.CanError, OSError, ValueError, ImportError) as err:
        raise AdapterNotFound(
            f"cannot open CAN {interface} {channel}: {err}",
            key="can.cannot_open",
            interface=interface,
            channel=channel,
            reason=str(err),
        ) from err
    log.info("opened CAN bus %s %s", interface, channel)
    return bus


def is_pseudo_terminal(channel: str) -> bool:
    """A pty (one end of a socat pair) has no USB adapter behind it that resets when the
    port opens, so python-can's slcan need not wait its 2 s for one to boot."""
    port = channel.split("@", 1)[0]
    return os.path.realpath(port).startswith("/dev/pts/")
