"""The one interface every OBD transport offers, so a scan does not care what it runs on."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping
from types import TracebackType

log = logging.getLogger(__name__)

RESPONSE_PENDING = 0x78


class ObdLink(ABC):
    """A diagnostic connection to a vehicle: requests out, one reply per answering ECU back.

    ECUs are named by the arbitration id they answer from, as hex ("7E8",
    "18DAF110"). Negative replies (0x7F ...) come back as they are, except
    "response pending" (0x78), which the link waits out.
    """

    protocol: str = "unknown"

    @abstractmethod
    def request(self, payload: bytes, ecus: Collection[str] | None = None) -> dict[str, bytes]:
        """Send one request; `ecus=None` asks every ECU within the response window,
        a collection asks those ECUs and returns as soon as all of them answered."""

    def request_each(self, payloads: Mapping[str, bytes]) -> dict[str, bytes]:
        """Different requests to different ECUs; links that can, send them in parallel."""
        replies: dict[str, bytes] = {}
        for ecu, payload in payloads.items():
            replies.update(self.request(payload, [ecu]))
        return replies

    @abstractmethod
    def close(self) -> None:
        """Release the adapter or bus."""

    def __enter__(self) -> ObdLink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def is_response_pending(reply: bytes) -> bool:
    return len(reply) >= 3 and reply[0] == 0x7F and reply[2] == RESPONSE_PENDING
