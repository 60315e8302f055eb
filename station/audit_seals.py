"""Row seals: what each row of a changing table must be, carried by the audit chain.

Signed records are written once and checked against the event that created
them (see `station.audit`). Other rows change: a person's role and lockout, a
work order's status, a job, a clock entry, a follow-up, an outbox payload; and
some write-once rows hold more than their event says (a scan's full result,
its per-service reads, a live recording). For these tables a trigger notes
every row a write touches, and just before COMMIT the transaction appends one
`rows.sealed` event with the SHA-256 of each touched row as it now stands
(None for a row taken out). `audit verify` compares every current row with the
latest seal of that row, so a row changed with the file alone (triggers
dropped or not) is caught: the attacker cannot add a seal without the audit key.

Rows older than the seals (a station upgraded with rows in these tables) are
named by the first seal event (`earlier`: the highest row id per table then)
and counted, not checked, until their next write seals them. The rows of a
table sealed by a later step (listed in `row_seal_since` until then) are all
sealed by the first seal after that step; a table's first boundary counts.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlite_utils

from station.audit import canonical_json

if TYPE_CHECKING:
    from station.store import Transaction

SEAL_KIND = "rows.sealed"
SEAL_SUBJECT = "rows"
PENDING = "row_seal_pending"
SINCE = "row_seal_since"

# Sealed tables, with the columns a seal covers (None: every column).
SEALED_TABLES: dict[str, tuple[str, ...] | None] = {
    "users": None,
    "work_orders": None,
    "jobs": None,
    "clock_entries": None,
    "follow_ups": None,
    "service_due": None,
    # Sending it changes acked_at and result; what was queued never changes.
    "outbox": ("mutation_id", "kind", "entity", "entity_id", "payload", "created_at", "actor"),
    "scans": None,
    "scan_reads": None,
    "finding_corrections": None,
    "live_recordings": None,
    # Sealed from the 0117 step on: who is told (email, phone, address), which car, and
    # which workshop profile version the signed report prints.
    "customers": None,
    "vehicles": None,
    "appointments": None,
    "messages": None,
    "workshop_profiles": None,
    "workshop_logos": None,
    # Sealed from the step that made it (0125): the workshop's labour rate versions.
    "labour_rates": None,
}
# Tables sealed by a step after the first one (their triggers come with that step).
NEWER_SEALED = ("labour_rates",)
LATER_SEALED = (
    "customers",
    "vehicles",
    "appointments",
    "messages",
    "workshop_profiles",
    "workshop_logos",
)


def migrate(db: sqlite_utils.Database) -> None:
    """The note of touched rows, and a trigger per sealed table and write."""
    db.execute(
        f"CREATE TABLE {PENDING} (n INTEGER PRIMARY KEY, tbl TEXT NOT NULL, key INTEGER NOT NULL)"
    )
    later = (*LATER_SEALED, *NEWER_SEALED)
    _note_writes(db, [t for t in SEALED_TABLES if t not in later])


def migrate_later(db: sqlite_utils.Database) -> None:
    """Seal the later tables; the next seal names their rows written before this step."""
    db.execute(f"CREATE TABLE {SINCE} (tbl TEXT PRIMARY KEY)")
    for table in LATER_SEALED:
        db.execute(f"INSERT INTO {SINCE} (tbl) VALUES (?)", (table,))
    _note_writes(db, LATER_SEALED)


def seal_new(db: sqlite_utils.Database, tables: Iterable[str]) -> None:
    """Seal tables a later step made; the next seal covers the rows it carried in."""
    kept = tuple(tables)
    for table in kept:
        db.execute(f"INSERT INTO {SINCE} (tbl) VALUES (?)", (table,))
    _note_writes(db, kept)


def _note_writes(db: sqlite_utils.Database, tables: Iterable[str]) -> None:
    for table in tables:
        columns = SEALED_TABLES[table]
        of = "" if columns is None else f" OF {', '.join(columns)}"
        for action, row in (("INSERT", "NEW"), (f"UPDATE{of}", "NEW"), ("DELETE", "OLD")):
            name = f"{table}_sealed_{action.split()[0].lower()}"
            db.execute(
                f"CREATE TRIGGER {name} AFTER {action} ON {table} BEGIN "
                f"INSERT INTO {PENDING} (tbl, key) VALUES ('{table}', {row}.rowid); END"
            )


def _plain(value: Any) -> Any:
    return {"hex": value.hex()} if isinstance(value, bytes) else value


def row_digest(row: Mapping[str, Any]) -> str:
    """SHA-256 of a row's columns in canonical JSON (bytes as hex)."""
    body = canonical_json({column: _plain(value) for column, value in row.items()})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _select(table: str) -> str:
    columns = SEALED_TABLES[table]
    return f"SELECT rowid AS _key, {'*' if columns is None else ', '.join(columns)} FROM {table}"


def _columns(cursor_description: Any, values: tuple[Any, ...]) -> dict[str, Any]:
    names = [c[0] for c in cursor_description]
    return {n: v for n, v in zip(names, values, strict=True) if n != "_key"}


def mark(tx: Transaction) -> int:
    """Where this transaction's notes start: notes at or below it were left outside a transaction."""
    row = tx.execute(f"SELECT COALESCE(MAX(n), 0) FROM {PENDING}").fetchone()
    return int(row[0])


def seal(tx: Transaction, since: int) -> None:
    """Append the seal event for the rows this transaction touched, then clear its notes."""
    touched = tx.execute(
        f"SELECT DISTINCT tbl, key FROM {PENDING} WHERE n > ?", (since,)
    ).fetchall()
    if not touched:
        return
    # Tables a later step sealed: their rows from before it are all sealed at once.
    later = [t for (t,) in tx.execute(f"SELECT tbl FROM {SINCE} ORDER BY tbl").fetchall()]
    for table in later:
        touched += tx.execute(f"SELECT ?, rowid FROM {table}", (table,)).fetchall()
    sealed: list[list[Any]] = []
    for table, key in sorted(set(touched)):
        cursor = tx.execute(f"{_select(table)} WHERE rowid = ?", (key,))
        found = cursor.fetchone()
        digest = None if found is None else row_digest(_columns(cursor.description, found))
        sealed.append([table, key, digest])
    data: dict[str, Any] = {"rows": sealed}
    first = tx.execute(
        "SELECT 1 FROM audit_events WHERE subject = ? LIMIT 1", (SEAL_SUBJECT,)
    ).fetchone()
    earlier = dict.fromkeys(later, 0)
    if first is None:
        # A newer step's table is in `later` at its first seal (and absent before that step).
        older = [t for t in SEALED_TABLES if t not in later and t not in NEWER_SEALED]
        earlier |= _earlier(tx, since, older)
    if earlier:
        data["earlier"] = earlier
    tx.audit(SEAL_KIND, SEAL_SUBJECT, data)
    tx.execute(f"DELETE FROM {PENDING} WHERE n > ?", (since,))
    tx.execute(f"DELETE FROM {SINCE}")


def _earlier(tx: Transaction, since: int, tables: Iterable[str]) -> dict[str, int]:
    """The highest row id per table of the rows written before the table's first seal."""
    return {
        table: int(
            tx.execute(
                f"SELECT COALESCE(MAX(rowid), 0) FROM {table} WHERE rowid NOT IN "
                f"(SELECT key FROM {PENDING} WHERE n > ? AND tbl = ?)",
                (since, table),
            ).fetchone()[0]
        )
        for table in tables
    }


# -- checking ---------------------------------------------------------------------


@dataclass
class Seals:
    """The latest seal of every sealed row, from the seal events in chain order."""

    latest: dict[tuple[str, int], str | None] = field(default_factory=dict)
    earlier: dict[str, int] | None = None


def gather_seals(events: Iterable[Mapping[str, Any]]) -> Seals:
    """Fold the `data` of the seal events, oldest first: the later seal of a row wins.

    A table's first boundary (`earlier`) wins: a later one would excuse rows added since.
    """
    seals = Seals()
    for data in events:
        if seals.earlier is None:
            seals.earlier = {}
        for table, top in (data.get("earlier") or {}).items():
            seals.earlier.setdefault(str(table), int(top))
        for table, key, digest in data.get("rows") or []:
            seals.latest[(str(table), int(key))] = digest
    return seals


@dataclass
class SealCheck:
    rows: int = 0
    sealed: int = 0  # rows that match their latest seal
    unsealed: int = 0  # rows older than the seals, not written since
    problems: list[str] = field(default_factory=list)


def check_sealed_rows(
    table: str,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    seals: Seals,
    result: SealCheck,
    limit: int = 20,
) -> None:
    """Each current row of `table` against its latest seal; each sealed row that is gone."""

    def problem(text: str) -> None:
        if len(result.problems) < limit:
            result.problems.append(text)

    # Before a table's first seal every row of it is older than the seals.
    earlier = math.inf if seals.earlier is None else seals.earlier.get(table, math.inf)
    seen: set[int] = set()
    for key, row in rows:
        result.rows += 1
        seen.add(key)
        if (table, key) not in seals.latest:
            if key <= earlier:
                result.unsealed += 1
            else:
                problem(f"{table} {key} was written without the station (no seal in the audit log)")
        elif (sealed := seals.latest[(table, key)]) is None:
            problem(f"{table} {key} was taken out by the station but is back")
        elif sealed != row_digest(row):
            problem(f"{table} {key} differs from what the audit log sealed for it")
        else:
            result.sealed += 1
    for (sealed_table, key), digest in sorted(seals.latest.items()):
        if sealed_table == table and digest is not None and key not in seen:
            problem(f"{table} {key} is sealed in the audit log but missing")


def current_rows(conn: Any, table: str) -> Iterable[tuple[int, dict[str, Any]]]:
    cursor = conn.execute(f"{_select(table)} ORDER BY rowid")
    for values in cursor:
        yield int(values[0]), _columns(cursor.description, values)


def outside_writes(conn: Any, limit: int = 5) -> list[str]:
    """Rows noted by the triggers but never sealed: written outside the station's transactions."""
    found = conn.execute(
        f"SELECT DISTINCT tbl, key FROM {PENDING} ORDER BY n LIMIT ?", (limit,)
    ).fetchall()
    return [f"{table} {key} was changed outside the station" for table, key in found]
