"""Pure rules of the customer's page: link life, what a tap may carry, the tracker, rate limits.

Nothing here does I/O: each rule is a function of its arguments, tested with
literals. The service (`sync.customer`) and the HTTP layer (`sync.customer_routes`)
apply them.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from station import lifecycle, limits
from station.approvals import check_signature
from station.errors import InvalidInput
from station.findings import Decision
from station.lifecycle import Status

log = logging.getLogger(__name__)

# Where the customer's page lives: PAGE/{link} on the cloud or the workshop hub.
PAGE = "/t"
# A link stays open this long after the car is delivered (or the visit cancelled).
LINK_DAYS = 90
# A decision or an answer is a small JSON object; a signature is at most this many points.
MAX_BODY_BYTES = 64 * 1024
# The largest id a database keeps (SQLite INTEGER, PostgreSQL BIGINT): a larger one names
# nothing, and binding it would fail.
MAX_ID = 2**63 - 1
MAX_SIGNATURE_POINTS = 4000
MAX_STROKES = 60
# The stages the customer's tracker shows, in order (booked and cancelled are not stages).
STAGES: tuple[Status, ...] = (
    Status.CHECKED_IN,
    Status.DIAGNOSING,
    Status.AWAITING_APPROVAL,
    Status.IN_REPAIR,
    Status.QUALITY_CHECK,
    Status.READY,
    Status.DELIVERED,
)
# The workshop promises a first update within 30 minutes of check-in, then one an hour.
FIRST_UPDATE = timedelta(minutes=30)
UPDATE_EVERY = timedelta(hours=1)

_TAP = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class BadRequest(ValueError):
    """A request the customer's page refuses before touching anything; `status` is HTTP.

    `key` (and `params`) name what the page tells the customer (`sync.customer_page`);
    the English message is for the log and the API's callers.
    """

    def __init__(
        self, message: str, status: int = 400, key: str = "page_problem", **params: object
    ) -> None:
        super().__init__(message)
        self.status = status
        self.key = key
        self.params = params


def parse_time(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def link_ends(status: str, status_since: str, days: int) -> datetime | None:
    """When a link stops answering: `days` after delivery or cancellation; open visits never."""
    try:
        final = Status(status) in lifecycle.FINAL
    except ValueError:
        return None
    since = parse_time(status_since)
    if not final or since is None:
        return None
    return since + timedelta(days=days)


@dataclass(frozen=True)
class Signature:
    """A drawing made with a finger on the phone: strokes of (x, y) in canvas pixels."""

    strokes: tuple[tuple[tuple[float, float], ...], ...]
    width: int
    height: int

    def wire(self) -> dict[str, Any]:
        return {
            "strokes": [[[x, y] for x, y in stroke] for stroke in self.strokes],
            "width": self.width,
            "height": self.height,
        }


@dataclass(frozen=True)
class Tap:
    """One decision sent from the page: its idempotency key and what was decided."""

    key: str
    finding_id: int
    decision: Decision
    customer_name: str
    seen_state: str
    signature: Signature | None


@dataclass(frozen=True)
class Answer:
    """The customer's answer to a follow-up.

    Day 1: how satisfied, 1 to 5. Day 7: whether any noise or warning light came
    back (`trouble`). Both may carry a comment.
    """

    key: str
    rating: int | None
    trouble: bool | None
    comment: str

    def outcome(self) -> str:
        """The line the workshop's follow-up list shows."""
        said = (
            f"rated {self.rating}/5"
            if self.rating is not None
            else "noise or warning light since"
            if self.trouble
            else "no noise or warning light"
        )
        return f"customer: {said}" + (f" - {self.comment}" if self.comment else "")


def _tap_key(body: Mapping[str, Any]) -> str:
    key = body.get("tap")
    if not isinstance(key, str) or not _TAP.match(key):
        raise BadRequest("each tap carries a key of 16 to 64 letters, digits, - or _")
    return key


def parse_signature(raw: Any) -> Signature:
    if not isinstance(raw, Mapping):
        raise BadRequest("the signature is an object with strokes, width and height")
    width, height, strokes = raw.get("width"), raw.get("height"), raw.get("strokes")
    if not isinstance(width, int) or not isinstance(height, int) or width <= 0 or height <= 0:
        raise BadRequest("the signature pad has a positive width and height")
    if not isinstance(strokes, list) or len(strokes) > MAX_STROKES:
        raise BadRequest(f"a signature has at most {MAX_STROKES} strokes", key="signature_too_big")
    kept: list[tuple[tuple[float, float], ...]] = []
    points = 0
    for stroke in strokes:
        if not isinstance(stroke, list):
            raise BadRequest("a stroke is a list of [x, y] points")
        line: list[tuple[float, float]] = []
        for point in stroke:
            if (
                not isinstance(point, list)
                or len(point) != 2
                or not all(isinstance(v, int | float) and math.isfinite(v) for v in point)
            ):
                raise BadRequest("a point is [x, y] in pad pixels")
            x, y = float(point[0]), float(point[1])
            if not (0 <= x <= width and 0 <= y <= height):
                raise BadRequest("a point lies outside the signature pad")
            line.append((round(x, 1), round(y, 1)))
        points += len(line)
        kept.append(tuple(line))
    if points > MAX_SIGNATURE_POINTS:
        raise BadRequest(
            f"a signature has at most {MAX_SIGNATURE_POINTS} points", key="signature_too_big"
        )
    try:
        check_signature(kept, width, height)
    except InvalidInput as err:
        raise BadRequest(f"{err}", key=err.key or "signature.too_small") from err
    return Signature(tuple(kept), width, height)


def parse_tap(body: Mapping[str, Any]) -> Tap:
    """A decision from the page; an approval needs the customer's name and signature."""
    key = _tap_key(body)
    finding_id = body.get("finding_id")
    if (
        not isinstance(finding_id, int)
        or isinstance(finding_id, bool)
        or not 0 < finding_id <= MAX_ID
    ):
        raise BadRequest("finding_id is a positive whole number")
    try:
        decision = Decision(str(body.get("decision")))
    except ValueError as err:
        raise BadRequest("decision is approved or declined") from err
    name = body.get("customer_name")
    if not isinstance(name, str) or not name.strip():
        raise BadRequest("a decision records who decided: type your name", key="name_missing")
    if len(name) > limits.NAME.max_chars:
        raise BadRequest(
            f"a name has at most {limits.NAME.max_chars} characters",
            key="name_long",
            max=limits.NAME.max_chars,
        )
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        # control and invisible formatting characters (escapes, NUL, text-direction
        # overrides) would reach the signed record, the report and the staff's screens
        raise BadRequest("a name is letters, spaces and punctuation only", key="name_unprintable")
    seen = body.get("seen_state")
    if seen not in ("pending", "approved", "declined"):
        raise BadRequest("seen_state is the state the page showed: pending, approved or declined")
    raw_signature = body.get("signature")
    signature = None if raw_signature is None else parse_signature(raw_signature)
    if decision is Decision.APPROVED and signature is None:
        raise BadRequest("an approval needs your signature", key="signature_missing")
    return Tap(key, finding_id, decision, name.strip(), str(seen), signature)


def parse_answer(body: Mapping[str, Any], kind: str) -> Answer:
    """A day-1 answer needs a rating from 1 to 5; a day-7 answer says yes or no to trouble."""
    key = _tap_key(body)
    comment = body.get("comment", "")
    if not isinstance(comment, str) or len(comment) > limits.NOTE.max_chars:
        raise BadRequest(
            f"the comment is text of at most {limits.NOTE.max_chars} characters",
            key="comment_long",
            max=limits.NOTE.max_chars,
        )
    if kind == "day7":
        trouble = body.get("trouble")
        if not isinstance(trouble, bool):
            raise BadRequest(
                "trouble is true or false: any noise or warning light since?",
                key="trouble_missing",
            )
        return Answer(key, None, trouble, comment.strip())
    rating = body.get("rating")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise BadRequest("the rating is a whole number from 1 to 5", key="rating_missing")
    return Answer(key, rating, None, comment.strip())


@dataclass(frozen=True)
class Step:
    stage: Status
    at: str | None  # when the work order reached it; None when not yet
    current: bool


def tracker(status: str, events: Sequence[Mapping[str, Any]]) -> list[Step]:
    """Each stage with the time it was first reached; skipped stages show no time."""
    reached: dict[str, str] = {}
    for event in events:
        to = str(event.get("to_status"))
        if to != event.get("from_status") and to not in reached:
            reached[to] = str(event.get("at") or "")
    return [Step(stage, reached.get(stage.value), stage.value == status) for stage in STAGES]


def next_update_by(status: str, events: Sequence[Mapping[str, Any]]) -> datetime | None:
    """The promised time of the next update: 30 minutes after check-in, then hourly.

    None when nothing is promised: before check-in, while the workshop waits for
    the customer's decision, once the car is ready, and after the visit.
    """
    if status not in (
        Status.CHECKED_IN.value,
        Status.DIAGNOSING.value,
        Status.IN_REPAIR.value,
        Status.QUALITY_CHECK.value,
    ):
        return None
    times = [t for t in (parse_time(str(e.get("at") or "")) for e in events) if t is not None]
    if not times:
        return None
    last = max(times)
    return last + (FIRST_UPDATE if status == Status.CHECKED_IN.value else UPDATE_EVERY)


def approved_total_cents(findings: Sequence[Mapping[str, Any]]) -> int:
    return sum(int(f["total_cents"]) for f in findings if f.get("state") == "approved")
