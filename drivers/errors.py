"""The drivers layer's one exception tree.

Every device driver (OBD, alignment rig, camera) raises a subclass of
`DriverError`, so the core and the UI catch one type and show its message.
`DecodeError` is for bytes that do not parse; `AdapterError` for a device that
does not do what it should (absent, silent, gone).

A failure may carry a reason key and its values (`key`, `params`), as the core's
refusals do: a screen says it in its own language, the English message stays for
logs and the command line.
"""

from __future__ import annotations


class DriverError(Exception):
    """Base of every error a device driver raises on purpose."""

    def __init__(self, message: str = "", *, key: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


class DecodeError(DriverError, ValueError):
    """Bytes from a device that cannot be understood (too short, out of range, garbage)."""


class DriverUnavailable(DriverError):
    """An optional library or interface the chosen driver needs is not installed."""


class AdapterError(DriverError):
    """The device or adapter misbehaves: cannot be opened, refuses, or answers nonsense."""


class AdapterNotFound(AdapterError):
    """The port, channel or interface cannot be opened."""


class AdapterVanished(AdapterError):
    """The device was there and went away in the middle of a conversation."""


class NoVehicleResponse(AdapterError):
    """The adapter works but no ECU / device on the other side answers."""


class DeviceTimeout(AdapterError):
    """A device that answered before did not answer within its time limit."""


class NegativeResponse(AdapterError):
    """The device refused a request with a negative response code."""

    def __init__(self, service: int, code: int, message: str | None = None) -> None:
        self.service = service
        self.code = code
        super().__init__(message or f"service {service:02X} refused with code {code:02X}")
