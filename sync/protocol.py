"""Pure rules shared by the client and the cloud: wire names, checksums, backoff, blob refs.

Nothing here does I/O, so each rule is tested with literals.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

log = logging.getLogger(__name__)

API = "/v1"
TUS_VERSION = "1.0.0"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
# tus checksum extension: a chunk whose checksum does not match is discarded.
CHECKSUM_MISMATCH = 460
MAX_CHUNK_BYTES = 16 * 1024 * 1024
MAX_BATCH = 1000
# Dedup records are kept with the mutation log they belong to, never less than this.
DEDUP_RETENTION_DAYS = 90

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class Outcome(StrEnum):
    """The cloud's answer to one mutation."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REJECTED = "rejected"


def first_answer(status: Outcome, detail: Mapping[str, Any]) -> tuple[Outcome, dict[str, Any]]:
    """What a mutation got when it was first applied: a resend (its sender died before keeping
    the answer, or a cut lost it) is answered `duplicate` with the first answer inside, and a
    refusal must still be acted on."""
    if status is Outcome.DUPLICATE:
        try:
            first = Outcome(str(detail.get("first")))
        except ValueError:
            return status, dict(detail)
        if first is not Outcome.DUPLICATE:
            return first, dict(detail.get("detail") or {})
    return status, dict(detail)


class Owner(StrEnum):
    """Who may change a field: the station (bay and desk) or the customer (app, approval link)."""

    STATION = "station"
    CUSTOMER = "customer"


# Bay and desk change a work order's lifecycle on the station; the customer only
# asks to cancel and approves findings remotely. Neither side overwrites the other's fields.
WORK_ORDER_FIELDS: dict[str, Owner] = {
    "number": Owner.STATION,
    "status": Owner.STATION,
    "version": Owner.STATION,
    "status_since": Owner.STATION,
    "bay": Owner.STATION,
    "complaint": Owner.STATION,
    "cancel_requested_at": Owner.CUSTOMER,
}


def fields_owned_by(owner: Owner, values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the fields `owner` may write; the rest of a change is ignored, not merged."""
    return {k: v for k, v in values.items() if WORK_ORDER_FIELDS.get(k) is owner}


def is_sha256(text: str) -> bool:
    return bool(_SHA256.match(text))


def chunk_checksum(data: bytes) -> str:
    """The `Upload-Checksum` header value for one chunk (tus checksum extension)."""
    return "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def checksum_matches(header: str | None, data: bytes) -> bool:
    if not header:
        return False
    algorithm, _, value = header.strip().partition(" ")
    if algorithm.lower() != "sha256":
        return False
    try:
        expected = base64.b64decode(value.strip(), validate=True)
    except ValueError:
        return False
    return hashlib.sha256(data).digest() == expected


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: retries of many stations spread out."""
    ceiling = min(cap, base * (2 ** max(attempt, 0)))
    return rng.uniform(0.0, ceiling)


@dataclass(frozen=True)
class BlobRef:
    """A file the cloud needs for a synced record: found on the station by its SHA-256."""

    sha256: str
    source: str  # "photo" or "report"
    file_name: str | None = None


def blob_refs(kind: str, payload: Mapping[str, Any]) -> list[BlobRef]:
    """The files a mutation refers to: a photo's three files, an issued report's PDF."""
    if kind == "photo.recorded":
        shas = [payload.get(k) for k in ("sha256", "thumbnail_sha256", "print_sha256")]
        return [BlobRef(s, "photo") for s in dict.fromkeys(shas) if isinstance(s, str)]
    if kind == "report.issued" and isinstance(payload.get("sha256"), str):
        return [BlobRef(payload["sha256"], "report", payload.get("file_name"))]
    return []


# -- the audit chain's anchor ----------------------------------------------------
#
# Every batch carries the station's audit chain head and the hash the station
# holds at the sequence number the cloud anchored last. The cloud keeps the last
# head it accepted, out of reach of anyone holding the station's database, and
# refuses a chain that went backwards (events deleted) or forked (an anchored
# event rewritten).


@dataclass(frozen=True)
class ChainPoint:
    """One event of a station's audit chain: its sequence number and hash."""

    seq: int
    hash: str

    def wire(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash}


@dataclass(frozen=True)
class Restored:
    """A station restored from a backup: its `station.restored` event, and where its outbox
    numbering stands again (the mutations queued after the backup are gone with it)."""

    event: ChainPoint
    outbox_seq: int

    def wire(self) -> dict[str, Any]:
        return {**self.event.wire(), "outbox_seq": self.outbox_seq}


@dataclass(frozen=True)
class ChainClaim:
    """What a batch says about the station's chain: its head, and its event at the anchor."""

    head: ChainPoint
    at_anchor: ChainPoint | None
    restored: Restored | None = None

    def wire(self) -> dict[str, Any]:
        body = {
            "head": self.head.wire(),
            "at_anchor": None if self.at_anchor is None else self.at_anchor.wire(),
        }
        if self.restored is not None:
            body["restored"] = self.restored.wire()
        return body


class ChainVerdict(StrEnum):
    ACCEPTED = "accepted"
    MISSING = "missing"  # no head sent, but the cloud holds an anchor
    BACKWARDS = "backwards"  # the head is below the anchor: events were deleted
    FORKED = "forked"  # the station's event at the anchor is not the anchored one
    STALE = "stale"  # the station compared another event: send the one at the cloud's anchor
    REANCHORED = "reanchored"  # restored from a backup: the anchor starts again, kept on record


def _point(value: Any) -> ChainPoint | None:
    if not isinstance(value, Mapping):
        return None
    seq, digest = value.get("seq"), value.get("hash")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        return None
    if not isinstance(digest, str) or not is_sha256(digest):
        return None
    return ChainPoint(seq, digest)


def parse_chain_claim(value: Any) -> ChainClaim | None:
    """A batch's `chain` field; None when it is absent or malformed."""
    if not isinstance(value, Mapping):
        return None
    head = _point(value.get("head"))
    if head is None:
        return None
    restored = None
    raw = value.get("restored")
    event = _point(raw)
    if isinstance(raw, Mapping) and event is not None and event.seq <= head.seq:
        outbox_seq = raw.get("outbox_seq")
        if isinstance(outbox_seq, int) and not isinstance(outbox_seq, bool) and outbox_seq >= 0:
            restored = Restored(event, outbox_seq)
    return ChainClaim(head, _point(value.get("at_anchor")), restored)


def judge_chain(anchored: ChainPoint | None, claim: ChainClaim | None) -> ChainVerdict:
    """Whether a station's chain still extends the head the cloud anchored last."""
    verdict = _extends(anchored, claim)
    if verdict is not ChainVerdict.ACCEPTED and claim is not None and claim.restored is not None:
        return ChainVerdict.REANCHORED
    return verdict


def _extends(anchored: ChainPoint | None, claim: ChainClaim | None) -> ChainVerdict:
    if anchored is None:
        return ChainVerdict.ACCEPTED
    if claim is None:
        return ChainVerdict.MISSING
    if claim.head.seq < anchored.seq:
        return ChainVerdict.BACKWARDS
    if claim.at_anchor is None or claim.at_anchor.seq != anchored.seq:
        return ChainVerdict.STALE
    if claim.at_anchor.hash != anchored.hash:
        return ChainVerdict.FORKED
    return ChainVerdict.ACCEPTED


def chain_refusal(verdict: ChainVerdict, anchored: ChainPoint) -> str:
    """The reason given to the station, in plain words."""
    return {
        ChainVerdict.MISSING: "the batch carries no audit chain head, and the cloud anchored "
        f"this station's chain at event {anchored.seq}",
        ChainVerdict.BACKWARDS: "the station's audit chain went backwards: the cloud anchored "
        f"it at event {anchored.seq}, so later events were deleted",
        ChainVerdict.FORKED: f"the station's audit event {anchored.seq} is not the one the cloud "
        "anchored: the chain was rewritten",
        ChainVerdict.STALE: f"the cloud anchored this station's chain at event {anchored.seq}: "
        "send the hash of that event",
        ChainVerdict.ACCEPTED: "accepted",
        ChainVerdict.REANCHORED: "restored from a backup: anchored again, kept on record",
    }[verdict]
