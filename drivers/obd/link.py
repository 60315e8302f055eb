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
    # What went wrong on the adapter during the last request, per ECU id; the key ""
    # is a fault of the adapter itself that concerns every ECU asked. An ECU missing
    # from the replies and from here simply did not answer.
    last_faults: dict[str, str]
    # Whether trouble-code replies lead with their count byte (always so on CAN).
    counted_dtcs: bool = True
    # The ECUs that answered a request to all ECUs on this link so far.
    responders: set[str]

    def adapter_voltage(self) -> float | None:
        """The supply voltage the adapter measures on the OBD socket, when it can."""
        return None

    @abstractmethod
    def request(self, payload: bytes, ecus: Collection[str] | None = None) -> dict[str, bytes]:
        """Send one request; `ecus=None` asks every ECU within the response window,
        a collection asks those ECUs and returns as soon as all of them answered."""

    def request_each(self, payloads: Mapping[str, bytes]) -> dict[str, bytes]:
        """Different requests to different ECUs; links that can, send them in parallel."""
        replies: dict[str, bytes] = {}
        faults: dict[str, str] = {}
        for ecu, payload in payloads.items():
            replies.update(self.request(payload, [ecu]))
            faults.update(self.fault_for(ecu))
        self.last_faults = faults
        return replies

    def fault_for(self, ecu: str) -> dict[str, str]:
        """The last request's fault concerning `ecu`, as {ecu: text} or nothing."""
        faults = getattr(self, "last_faults", {})
        text = faults.get(ecu) or faults.get("")
        return {ecu: text} if text else {}

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
