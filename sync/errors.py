"""The sync layer's one exception tree; the command line shows the message."""

from station.errors import StationError


class SyncError(StationError):
    """Base of every error the sync layer raises on purpose."""


class Offline(SyncError):
    """The cloud could not be reached or did not answer in time; retried later with the same ids."""


class AuthRefused(SyncError):
    """The cloud refused the station's token (missing, revoked, another station's)."""


class WrongStation(AuthRefused):
    """A valid token used for another station's or another workshop's records."""


class NotEnrolled(SyncError):
    """The station has no cloud URL and token yet: run `station sync enrol`."""


class ProtocolViolation(SyncError):
    """The cloud answered something this client does not understand."""


class CloudStoreError(SyncError):
    """The cloud service's database refused a change or cannot be opened."""


class ChainRefused(SyncError):
    """The cloud refused the station's audit chain: it went backwards or was rewritten."""


class FeedClosed(SyncError):
    """The feed's connection was closed on purpose (sync stopping): the listener ends."""
