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
