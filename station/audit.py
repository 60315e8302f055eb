"""The hash-chained audit log: each event stores sha256(previous hash + canonical JSON)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_body(row: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a stored event that the hash covers."""
    data = row["data"]
    return {
        "seq": row["seq"],
        "at": row["at"],
        "actor": row["actor"],
        "kind": row["kind"],
        "subject": row["subject"],
        "data": json.loads(data) if isinstance(data, str) else data,
    }


def chain_hash(previous_hash: str, body: Mapping[str, Any]) -> str:
    return hashlib.sha256((previous_hash + canonical_json(body)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    events: int
    first_bad_seq: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def verify_chain(rows: Iterable[Mapping[str, Any]]) -> ChainCheck:
    """Walk the events in sequence order; the first mismatch is reported, not the rest."""
    previous = GENESIS_HASH
    count = 0
    expected_seq = 1
    for row in rows:
        count += 1
        if row["seq"] != expected_seq:
            return ChainCheck(count, row["seq"], f"event {expected_seq} is missing")
        if row["prev_hash"] != previous:
            return ChainCheck(count, row["seq"], "previous hash does not match")
        if chain_hash(previous, event_body(row)) != row["hash"]:
            return ChainCheck(count, row["seq"], "event content does not match its hash")
        previous = row["hash"]
        expected_seq += 1
    return ChainCheck(count, None, None)
