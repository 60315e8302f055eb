"""The rig's errors, inside the drivers' one tree.

A `LineError` is one unreadable line or frame: the driver skips it and counts it.
Everything else ends the session read with a clear message, and nothing is stored.
"""

from __future__ import annotations

from drivers.errors import DecodeError, DriverError


class RigError(DriverError):
    """The rig did not deliver a usable session."""


class LineError(DecodeError):
    """One line or frame that cannot be read: garbage, cut off, out of range."""


class ChecksumError(LineError):
    """A line or frame whose checksum does not match its content."""


class ProtocolVersionError(LineError):
    """A well-formed line of a protocol version this station does not speak."""


class SessionIncomplete(RigError):
    """A set or session that the rig closed with readings missing (lines lost on the way)."""


class RigAborted(RigError):
    """The technician cancelled the measurement on the rig."""


class ImportRejected(RigError):
    """A measurement file dropped in the watched folder that cannot be imported."""
