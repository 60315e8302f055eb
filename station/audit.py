"""The hash-chained audit log and the checks of `station audit verify`.

Each event stores a hash over the previous hash and its canonical JSON. On a
station with an audit key (a secret kept outside the database) the hash is an
HMAC-SHA256 under that key, so someone holding only the database cannot
recompute the chain after rewriting an event. Events written before the key
existed (the legacy prefix, below `keyed_from`) stay plain SHA-256.

Everything here is pure: the store reads the rows and hands them over.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

GENESIS_HASH = "0" * 64
# meta key: the first event sequence number hashed with the audit key
KEYED_FROM_KEY = "audit_keyed_from"
# meta keys: the chain head the cloud last acknowledged (written by the sync client)
ANCHOR_SEQ_KEY = "audit_anchor_seq"
ANCHOR_HASH_KEY = "audit_anchor_hash"
# meta key, set by `station restore` until the cloud has anchored the restored chain:
# {"seq": the station.restored event, "outbox_seq": the outbox's last number then}
RESTORED_KEY = "audit_restored"


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


def chain_hash(previous_hash: str, body: Mapping[str, Any], key: bytes | None = None) -> str:
    """SHA-256 of the previous hash and the body; an HMAC under `key` when there is one."""
    message = (previous_hash + canonical_json(body)).encode("utf-8")
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    events: int
    first_bad_seq: int | None
    reason: str | None
    keyed_events: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def verify_chain(
    rows: Iterable[Mapping[str, Any]], key: bytes | None = None, keyed_from: int | None = None
) -> ChainCheck:
    """Walk the events in sequence order; the first mismatch is reported, not the rest.

    Events from `keyed_from` on are checked as HMACs under `key`; without a key
    every event is checked as plain SHA-256 (a station that never had a key).
    """
    previous = GENESIS_HASH
    count = keyed = 0
    expected_seq = 1
    for row in rows:
        count += 1
        seq = row["seq"]
        if seq != expected_seq:
            return ChainCheck(count, seq, f"event {expected_seq} is missing", keyed)
        if row["prev_hash"] != previous:
            return ChainCheck(count, seq, "previous hash does not match", keyed)
        use_key = key if key is not None and keyed_from is not None and seq >= keyed_from else None
        if not hmac.compare_digest(chain_hash(previous, event_body(row), use_key), row["hash"]):
            return ChainCheck(count, seq, "event content does not match its hash", keyed)
        keyed += use_key is not None
        previous = row["hash"]
        expected_seq += 1
    return ChainCheck(count, None, None, keyed, expected_seq - 1, previous)


# -- triggers --------------------------------------------------------------------


def _spelling(sql: str) -> str:
    return " ".join(sql.split())


def trigger_problems(expected: Mapping[str, str], found: Mapping[str, str]) -> list[str]:
    """Triggers missing, edited or added compared with what the migrations create."""
    problems = [f"trigger {name} is missing" for name in sorted(expected.keys() - found.keys())]
    problems += [
        f"trigger {name} differs from the one the schema creates"
        for name in sorted(expected.keys() & found.keys())
        if _spelling(expected[name]) != _spelling(found[name])
    ]
    problems += [
        f"trigger {name} is not part of the schema"
        for name in sorted(found.keys() - expected.keys())
    ]
    return problems


# -- signed rows against the events that created them -----------------------------


Projection = Callable[[Mapping[str, Any]], dict[str, Any]]


def _columns(row: Mapping[str, Any]) -> dict[str, Any]:
    return dict(row)


def _alignment_reading(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored reading in the shape the alignment event lists it."""
    limits = (row["spec_min"], row["spec_preferred"], row["spec_max"])
    return {
        "phase": row["phase"],
        "position": row["position"],
        "quantity": row["quantity"],
        "value_deg": round(row["value_deg"], 4),
        "rating": row["rating"],
        "spec": None
        if all(v is None for v in limits)
        else dict(zip(("minimum", "preferred", "maximum"), limits, strict=True)),
    }


def _alignment_items(data: Mapping[str, Any]) -> list[Any]:
    return [*(data.get("before") or []), *(data.get("after") or [])]


@dataclass(frozen=True)
class SignedTable:
    """A table whose rows are never changed, and where the event that created a row is.

    A row of its own is created by the event with subject `entity:<key>`; a child
    row (an estimate line, a trouble code) is listed, in insertion order, under
    `items` in the event that created its parent (`parent` names the column).
    Columns in `unchecked` are not carried by the event.
    """

    table: str
    entity: str
    key: str = "id"
    parent: str | None = None
    items: Callable[[Mapping[str, Any]], list[Any]] | None = None
    project: Projection = _columns
    unchecked: tuple[str, ...] = ()
    timestamp: str | None = None  # a column equal to the event's own time


def _listed(name: str) -> Callable[[Mapping[str, Any]], list[Any]]:
    def items(data: Mapping[str, Any]) -> list[Any]:
        value = data.get(name)
        return list(value) if isinstance(value, list) else []

    return items


SIGNED_TABLES: tuple[SignedTable, ...] = (
    SignedTable("approvals", "approval"),
    SignedTable("signatures", "signature", key="sha256"),
    SignedTable("findings", "finding"),
    SignedTable("estimate_lines", "finding", parent="finding_id", items=_listed("lines")),
    SignedTable("reports", "report"),
    SignedTable("handovers", "handover"),
    SignedTable("quality_checks", "quality_check"),
    SignedTable("check_ins", "check_in"),
    SignedTable("progress_events", "progress_event"),
    SignedTable("checklist_results", "checklist_result"),
    SignedTable("mileage_readings", "mileage_reading"),
    SignedTable("photos", "photo"),
    # The event carries the scan's summary; its full result is checked by its row seal.
    SignedTable("scans", "scan", unchecked=("result",)),
    SignedTable("scan_dtcs", "scan", parent="scan_id", items=_listed("codes")),
    SignedTable("code_clears", "code_clear"),
    SignedTable(
        "alignment_sessions",
        "alignment_session",
        unchecked=("recorded_by",),
        timestamp="recorded_at",
    ),
    SignedTable(
        "alignment_readings",
        "alignment_session",
        parent="session_id",
        items=_alignment_items,
        project=_alignment_reading,
    ),
)
# Immutable too, but not checked against a creating event: the audit log is checked
# by the chain walk, and a scan's per-service reads (which its event only summarises)
# by their row seals (see station.audit_seals), as is a scan's full result.
IMMUTABLE_TABLES: tuple[str, ...] = (
    *(t.table for t in SIGNED_TABLES),
    "audit_events",
    "scan_reads",
)


def _differences(
    spec: SignedTable, row: Mapping[str, Any], recorded: Mapping[str, Any]
) -> list[str]:
    skipped = {spec.key, spec.parent, spec.timestamp, *spec.unchecked}
    return [
        column
        for column, value in spec.project(row).items()
        if column not in skipped and (column not in recorded or recorded[column] != value)
    ]


@dataclass(frozen=True)
class CreatingEvent:
    at: str
    data: Mapping[str, Any]


@dataclass
class RowCheck:
    rows: int = 0
    problems: list[str] = field(default_factory=list)


def check_rows(
    spec: SignedTable,
    rows: Sequence[Mapping[str, Any]],
    events: Mapping[str, CreatingEvent],
    limit: int = 20,
    ours: Callable[[Mapping[str, Any]], bool] | None = None,
    taken_out: frozenset[str] = frozenset(),
) -> RowCheck:
    """Each row against the event that created it, and each such event against its rows.

    `events` maps every subject `entity:<id>` of the table's entity to the first
    event with that subject. On a workshop terminal, rows other terminals made
    arrive without an event here: only rows `ours` accepts must have one, and
    rows the hub refused (`taken_out`, by subject) were removed on purpose.
    Problems come in plain words, at most `limit`.
    """
    result = RowCheck(rows=len(rows))

    def problem(text: str) -> None:
        if len(result.problems) < limit:
            result.problems.append(text)

    prefix = spec.entity + ":"
    if spec.parent is None:
        seen: set[str] = set()
        for row in rows:
            subject = f"{prefix}{row[spec.key]}"
            seen.add(subject)
            event = events.get(subject)
            where = f"{spec.table} {row[spec.key]}"
            if event is None:
                if ours is None or ours(row):
                    problem(f"{where} has no audit event that created it")
                continue
            changed = _differences(spec, row, event.data)
            if spec.timestamp and row[spec.timestamp] != event.at:
                changed.append(spec.timestamp)
            if changed:
                problem(f"{where} differs from its audit event in {', '.join(sorted(changed))}")
        for subject in sorted(events.keys() - seen - taken_out):
            problem(
                f"{spec.table} {subject.removeprefix(prefix)} is recorded in the audit log but missing"
            )
        return result
    assert spec.items is not None
    by_parent: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_parent.setdefault(f"{prefix}{row[spec.parent]}", []).append(row)
    for subject in sorted(by_parent.keys() - events.keys()):
        if ours is None or any(ours(row) for row in by_parent[subject]):
            problem(
                f"{spec.table} of {spec.entity} {subject.removeprefix(prefix)} have no audit event"
            )
    for subject, event in events.items():
        children = by_parent.get(subject, [])
        if not children and subject in taken_out:
            continue
        listed = spec.items(event.data)
        where = f"{spec.table} of {spec.entity} {subject.removeprefix(prefix)}"
        if len(listed) != len(children):
            problem(f"{where}: {len(children)} stored, {len(listed)} in the audit event")
            continue
        for row, item in zip(children, listed, strict=True):
            changed = _differences(spec, row, item if isinstance(item, Mapping) else {})
            if changed:
                problem(
                    f"{spec.table} {row[spec.key]} differs from its audit event in "
                    f"{', '.join(sorted(changed))}"
                )
    return result


@dataclass(frozen=True)
class AuditReport:
    """What `station audit verify` found; `problems` are in plain words, first ones first."""

    chain: ChainCheck
    keyed_from: int | None  # None: no audit key, the chain can be recomputed by anyone
    anchor: tuple[int, str] | None  # the head the cloud last acknowledged, if any
    signed_rows: int
    problems: tuple[str, ...]
    more_problems: int = 0
    sealed_rows: int = 0  # rows of changing tables that match their latest seal
    unsealed_rows: int = 0  # rows older than the seals, not written since

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.problems
