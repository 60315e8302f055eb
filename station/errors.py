"""The core's one exception tree: callers catch `StationError` and show its message.

An error may carry a message key and its parameters (`key`, `params`): a screen says
it in its own language from the key, the English message stays for logs and the
command line."""


class StationError(Exception):
    """Base of every error the domain core raises on purpose."""

    def __init__(self, message: str = "", *, key: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


class InvalidInput(StationError):
    """Input that cannot be accepted (unknown status, malformed value...)."""


class NotFound(StationError):
    """A referenced record (work order, user, template...) does not exist."""


class PermissionDenied(StationError):
    """The acting user's role may not run this command."""


class AuthenticationFailed(StationError):
    """Wrong PIN or unknown user."""


class AccountLocked(AuthenticationFailed):
    """Too many failed PIN attempts; an admin must unlock the account."""


class TransitionRefused(StationError):
    """A work-order status change that the lifecycle's guards do not allow."""


class ImmutableRecord(StationError):
    """An attempt to change a signed, approved or issued record in place."""


class StoreError(StationError):
    """The database cannot be opened, migrated or is damaged."""
