"""The report layer's one exception tree; it sits under the core's so the CLI reports it."""

from __future__ import annotations

from station.errors import StationError


class ReportError(StationError):
    """Base of every error the report layer raises on purpose."""


class FontMissing(ReportError):
    """A font the report embeds is not installed."""


class KeysMissing(ReportError):
    """The station has no signing key and certificate (run `station init` or import them)."""


class KeysInvalid(ReportError):
    """A key or certificate cannot be used to sign reports."""


class SigningFailed(ReportError):
    """pyHanko could not sign, or the timestamp server did not answer."""


class ReportExists(ReportError):
    """The file of an issued report version exists already: issued reports are immutable."""
