"""A terminal's replica of the whole workshop: its changes go to the hub as rows, the hub's come back.

On a workshop terminal every committed transaction leaves, next to the domain
mutations it queued, one `rows.changed` outbox entry with the full rows it
inserted or updated (captured by triggers, sealed just before COMMIT). The hub
checks the entry as one unit with the same lifecycle rules, stores the rows and
fans them out in the workshop's change feed; `apply_rows` writes the feed's rows
into the replica in the transaction that moves the cursor. A change the hub
refuses comes back with the hub's rows: `correct` puts them in place and takes
out the rows the refused change made, and keeps a note for the person at this
terminal (`conflict_notes`).

Rows written by `apply_rows` and `correct` are "quiet": they are not captured
again, and only they may remove a row that the immutable triggers protect.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlite_utils

from station.audit import canonical_json
from station.errors import InvalidInput
from station.identity import TERMINAL_CODE_KEY, TERMINAL_NUMBER_KEY, id_base
from station.lifecycle import TRANSITIONS, Status

if TYPE_CHECKING:
    from station.store import Store, Transaction

log = logging.getLogger(__name__)

ROWS_CHANGED = "rows.changed"
# The hub's word that the brand's cloud refused a change it had taken (see `refused_upstream`).
UPSTREAM_REFUSED = "upstream.refused"

# Every table a terminal shares with the workshop, and the column that keys its rows
# (columns joined by ':' for a table keyed by two).
FIRST: dict[str, str] = {
    "users": "id",
    "customers": "id",
    "vehicles": "id",
    "appointments": "id",
    "work_orders": "id",
    "mileage_readings": "id",
    "check_ins": "id",
    "progress_events": "id",
    "checklists": "id",
    "checklist_results": "id",
    "findings": "id",
    "estimate_lines": "id",
    "signatures": "sha256",
    "approvals": "id",
    "jobs": "id",
    "clock_entries": "id",
    "quality_checks": "id",
    "reports": "id",
    "handovers": "id",
    "follow_ups": "id",
    "service_due": "id",
    "scans": "id",
    "scan_dtcs": "id",
    "code_clears": "id",
    "alignment_sessions": "id",
    "alignment_readings": "id",
    "photos": "id",
}
# Shared from the 0121 step on: the workshop's profile versions and logo, its catalogue, finding corrections,
# live recordings, scan reads and the customer messages' state.
LATER: dict[str, str] = {
    "workshop_logos": "name",
    "workshop_profiles": "id",
    "price_items": "id",
    "canned_jobs": "id",
    "canned_job_lines": "job_id:item_id",
    "finding_corrections": "id",
    "live_recordings": "id",
    "scan_reads": "id",
    "messages": "id",
}
# Shared from the 0125 step on: the workshop's labour rate versions.
RATES: dict[str, str] = {"labour_rates": "id"}
REPLICATED: dict[str, str] = {**FIRST, **LATER, **RATES}
# Tables whose new rows take ids in the terminal's block.
ID_TABLES = frozenset(t for t, key in REPLICATED.items() if key == "id")

# Rows whose later versions the hub accepts only on top of the row they were made from.
VERSIONED = frozenset({"work_orders"})
# Rows closed once, by the column that closes them: a second closing is refused (a follow-up
# the customer answered on the page while the desk recorded its call).
CLOSED_ONCE: dict[str, str] = {"follow_ups": "done_at"}
# Rows that are written once: the same id with other content is a conflict.
IMMUTABLE = frozenset(
    {
        "mileage_readings",
        "check_ins",
        "progress_events",
        "checklist_results",
        "findings",
        "estimate_lines",
        "signatures",
        "approvals",
        "reports",
        "handovers",
        "quality_checks",
        "scans",
        "scan_dtcs",
        "code_clears",
        "alignment_sessions",
        "alignment_readings",
        "photos",
        "finding_corrections",
        "live_recordings",
        "scan_reads",
        "workshop_logos",
        "workshop_profiles",
        "labour_rates",
    }
)

# The parent each reference column points at: a row whose parent the hub lacks is refused.
PARENTS: dict[str, str] = {
    "work_order_id": "work_orders",
    "vehicle_id": "vehicles",
    "customer_id": "customers",
    "appointment_id": "appointments",
    "checklist_id": "checklists",
    "finding_id": "findings",
    "job_id": "jobs",
    "report_id": "reports",
    "technician_id": "users",
    "scan_id": "scans",
    "session_id": "alignment_sessions",
    "signature_ref": "signatures",
    "original_id": "photos",
    "before_id": "photos",
    "replaced_by": "findings",
}
# Where a table's column points elsewhere than `PARENTS` says.
TABLE_PARENTS: dict[str, dict[str, str]] = {
    "canned_job_lines": {"job_id": "canned_jobs", "item_id": "price_items"},
}


# Columns a workshop keeps unique, which two terminals offline may each fill the same.
UNIQUE: dict[str, str] = {"vehicles": "vin", "users": "name"}
# Of those, rows the hub merges into the one it had first; a second user name is refused.
MERGED = frozenset({"vehicles"})


def through_aliases(
    table: str, row: Mapping[str, Any], aliases: Mapping[tuple[str, str], str]
) -> Mapping[str, Any]:
    """The row referring to the rows kept in place of those merged away (`aliases`:
    (table, key merged away) -> key kept)."""
    changed = dict(row)
    for column, parent in parents_of(table).items():
        value = row.get(column)
        target = None if value is None else aliases.get((parent, str(value)))
        if target is not None:
            changed[column] = int(target) if isinstance(value, int) else target
    return changed if changed != row else row


def parents_of(table: str) -> dict[str, str]:
    """The parent table each reference column of `table` points at."""
    return {**PARENTS, **TABLE_PARENTS.get(table, {})}


# Rows that belong to no one work order: kept on every terminal whatever its window.
UNOWNED = frozenset(
    {
        "users",
        "customers",
        "vehicles",
        "appointments",
        "signatures",
        "workshop_logos",
        "workshop_profiles",
        "price_items",
        "canned_jobs",
        "canned_job_lines",
        "labour_rates",
    }
)


def owner_refs(table: str) -> list[tuple[str, str]]:
    """The (column, parent table) pairs through which a row of `table` belongs to a work
    order: its own `work_order_id`, or a parent that belongs to one."""
    if table in UNOWNED:
        return []
    return [(c, p) for c, p in parents_of(table).items() if p not in UNOWNED and p != table]


def _key_columns(table: str) -> list[str]:
    return REPLICATED[table].split(":")


def key_of(table: str, row: Mapping[str, Any]) -> str:
    """The key a row is shared under: its id, or its key columns joined by ':'."""
    return ":".join(str(row[c]) for c in _key_columns(table))


def _where(table: str, key: str) -> tuple[str, tuple[str, ...]]:
    """The WHERE clause (and its values) that finds the row shared under `key`."""
    columns = _key_columns(table)
    values = tuple(key.split(":")) if len(columns) > 1 else (key,)
    return " AND ".join(f"{c} = ?" for c in columns), values


def _capture(db: sqlite_utils.Database, tables: Mapping[str, str]) -> None:
    """The triggers that note each row a terminal's own transaction writes."""
    for table in tables:
        for action in ("INSERT", "UPDATE"):
            _capture_trigger(db, table, action)


def _merged_by_column(table: str) -> bool:
    """Rows the hub merges column by column: shared, rewritable and not versioned."""
    return table in REPLICATED and table not in VERSIONED and table not in IMMUTABLE


def _capture_trigger(db: sqlite_utils.Database, table: str, action: str) -> None:
    """One capture trigger; an UPDATE of a row merged by column notes the row as it was
    (`before`, from the step that made the column on; see `merged_row`)."""
    when = (
        "WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'terminal.number') "
        "AND NOT EXISTS (SELECT 1 FROM replica_quiet)"
    )
    key = " || ':' || ".join(f"NEW.{c}" for c in _key_columns(table))
    base = "OLD.version || ':' || OLD.status || ':' || OLD.status_since"
    old = base if action == "UPDATE" and table in VERSIONED else "NULL"
    pending = {c[1] for c in db.execute("PRAGMA table_info(replica_pending)").fetchall()}
    if "before" in pending:
        before = _old_row(db, table) if action == "UPDATE" and _merged_by_column(table) else "NULL"
        columns, values = "tbl, key, base, before", f"'{table}', {key}, {old}, {before}"
    else:
        columns, values = "tbl, key, base", f"'{table}', {key}, {old}"
    db.execute(
        f"CREATE TRIGGER {table}_replica_{action.lower()} AFTER {action} ON {table} {when} "
        f"BEGIN INSERT INTO replica_pending ({columns}) VALUES ({values}); END"
    )


def _old_row(db: sqlite_utils.Database, table: str) -> str:
    """SQL making the JSON of OLD's columns as they travel (`_wire`: BLOBs as hex); built
    in pieces of 30 columns, under SQLite's limit on a function's arguments."""
    parts = []
    for _cid, name, kind, *_ in db.execute(f"PRAGMA table_info({table})").fetchall():
        if str(kind).upper() == "BLOB":
            value = (
                f"json(CASE WHEN OLD.{name} IS NULL THEN 'null' "
                f"ELSE '{{\"hex\":\"' || lower(hex(OLD.{name})) || '\"}}' END)"
            )
        else:
            value = f"OLD.{name}"
        parts.append(f"'{name}', {value}")
    chunks = [parts[i : i + 30] for i in range(0, len(parts), 30)]
    objects = [f"json_object({', '.join(chunk)})" for chunk in chunks]
    return objects[0] if len(objects) == 1 else f"json_patch({', '.join(objects)})"


def migrate_row_before(db: sqlite_utils.Database) -> None:
    """An UPDATE of a row merged by column notes the row as it was, so the hub can keep
    what another terminal changed in the columns this one left alone."""
    db.execute("ALTER TABLE replica_pending ADD COLUMN before TEXT")
    for table in REPLICATED:
        if _merged_by_column(table):
            db.execute(f"DROP TRIGGER IF EXISTS {table}_replica_update")
            _capture_trigger(db, table, "UPDATE")


def _let_correct_delete(db: sqlite_utils.Database, tables: Iterable[str]) -> None:
    """The shipped guards against deleting evidence, again, with the one exception: a
    replica taking out the rows of a change the hub refused."""
    for table in tables:
        guards = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
            "AND name LIKE '%_no_delete'",
            (table,),
        ).fetchall()
        for name, sql in guards:
            message = sql[sql.index("RAISE(ABORT,") :].split("'")[1]
            db.execute(f"DROP TRIGGER {name}")
            db.execute(
                f"CREATE TRIGGER {name} BEFORE DELETE ON {table} "
                f"WHEN NOT EXISTS (SELECT 1 FROM replica_quiet) "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def migrate_later(db: sqlite_utils.Database) -> None:
    """The tables shared since this step: captured, and their guards let `correct` delete;
    and the note of closed work fetched back from the hub (kept a day past its window)."""
    _capture(db, LATER)
    _let_correct_delete(db, LATER)
    db.execute("CREATE TABLE replica_fetched (work_order_id INTEGER PRIMARY KEY, at TEXT NOT NULL)")


def share(db: sqlite_utils.Database, tables: Mapping[str, str]) -> None:
    """Tables a later step adds to the workshop's: captured, and their guards let `correct`
    delete (make the guards first)."""
    _capture(db, tables)
    _let_correct_delete(db, tables)


def migrate(db: sqlite_utils.Database) -> None:
    """Capture triggers on every shared table; immutable rows stay immutable except to `correct`."""
    db.executescript(
        """
        CREATE TABLE replica_pending (
            seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, key TEXT NOT NULL, base TEXT);
        CREATE TABLE replica_quiet (on_since TEXT NOT NULL);
        CREATE TABLE replica_unacked (
            tbl TEXT NOT NULL, key TEXT NOT NULL, mutation_id TEXT NOT NULL,
            PRIMARY KEY (tbl, key, mutation_id));
        CREATE INDEX replica_unacked_mutation ON replica_unacked(mutation_id);
        CREATE TABLE replica_conflicts (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, mutation_id TEXT NOT NULL,
            reason TEXT NOT NULL, mine TEXT NOT NULL, theirs TEXT NOT NULL, seen_at TEXT);
        """
    )
    when = (
        "WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'terminal.number') "
        "AND NOT EXISTS (SELECT 1 FROM replica_quiet)"
    )
    for table, key in FIRST.items():
        base = "OLD.version || ':' || OLD.status || ':' || OLD.status_since"
        for action in ("INSERT", "UPDATE"):
            old = base if action == "UPDATE" and table in VERSIONED else "NULL"
            db.execute(
                f"CREATE TRIGGER {table}_replica_{action.lower()} AFTER {action} ON {table} {when} "
                f"BEGIN INSERT INTO replica_pending (tbl, key, base) "
                f"VALUES ('{table}', NEW.{key}, {old}); END"
            )
    # The shipped guards against deleting evidence, again, now with the one exception:
    # a replica taking out the rows of a change the hub refused.
    guards = db.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_no_delete'"
    ).fetchall()
    for name, table, sql in guards:
        if table not in FIRST:
            continue
        message = sql[sql.index("RAISE(ABORT,") :].split("'")[1]
        db.execute(f"DROP TRIGGER {name}")
        db.execute(
            f"CREATE TRIGGER {name} BEFORE DELETE ON {table} "
            f"WHEN NOT EXISTS (SELECT 1 FROM replica_quiet) "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def attach(store: Store) -> None:
    """Make `store` a terminal's replica if it has joined a workshop (see `join`)."""
    number = store.meta(TERMINAL_NUMBER_KEY)
    if number is None:
        return
    store.id_base = id_base(int(number))
    store.id_tables = ID_TABLES
    if seal not in store.sealers:
        store.sealers.append(seal)


def terminal_code(store: Store) -> str | None:
    return store.meta(TERMINAL_CODE_KEY)


# -- this terminal's changes ------------------------------------------------------


def seal(tx: Transaction) -> None:
    """Queue the rows this transaction wrote as one `rows.changed` entry for the hub."""
    # Each row's first capture (`p.*`: a replica not yet at step 0130 has no `before`).
    cursor = tx.execute(
        "SELECT g.any_base, p.* FROM (SELECT tbl, key, MIN(seq) AS first, "
        "MIN(base) AS any_base FROM replica_pending GROUP BY tbl, key) AS g "
        "JOIN replica_pending AS p ON p.seq = g.first ORDER BY g.first"
    )
    names = [c[0] for c in cursor.description]
    captured = [dict(zip(names, found, strict=True)) for found in cursor.fetchall()]
    if not captured:
        return
    rows: list[dict[str, Any]] = []
    for first in captured:
        table, key, base, before = (
            first["tbl"],
            first["key"],
            first["any_base"],
            first.get("before"),
        )
        row = _row(tx, table, key)
        if row is None:
            continue
        change: dict[str, Any] = {"table": table, "key": key, "row": row}
        if base is not None:
            change["base"] = base
        if before is not None:  # the row as this transaction found it (its first capture)
            change["before"] = json.loads(before)
        rows.append(change)
    tx.execute("DELETE FROM replica_pending")
    if not rows:
        return
    mutation_id = tx.outbox(ROWS_CHANGED, "changeset", rows[0]["key"], {"rows": rows})
    tx.db.conn.executemany(
        "INSERT OR IGNORE INTO replica_unacked (tbl, key, mutation_id) VALUES (?, ?, ?)",
        [(r["table"], r["key"], mutation_id) for r in rows],
    )


def _row(tx: Transaction, table: str, key: str) -> dict[str, Any] | None:
    where, values = _where(table, key)
    cursor = tx.execute(f"SELECT * FROM {table} WHERE {where}", values)
    found = cursor.fetchone()
    if found is None:
        return None
    names = [c[0] for c in cursor.description]
    return {n: _wire(v) for n, v in zip(names, found, strict=True)}


def _wire(value: Any) -> Any:
    """JSON-safe column values: the few BLOB columns (PIN salt and hash) travel as hex."""
    if isinstance(value, bytes):
        return {"hex": value.hex()}
    return value


def _column(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"hex"}:
        return bytes.fromhex(str(value["hex"]))
    return value


def row_base(row: Mapping[str, Any]) -> str:
    """What a versioned row looked like when a change was made on top of it."""
    return f"{row['version']}:{row['status']}:{row['status_since']}"


def up_to_a_user(mutations: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The mutations to send in one batch: a changeset with a user in it ends the batch. The
    hub may take a user made here offline under another name (theirs was given first
    elsewhere), and the changes made after it must reach the hub in that name
    (`take_new_names`)."""
    batch = []
    for mutation in mutations:
        batch.append(mutation)
        if mutation["kind"] == ROWS_CHANGED and any(
            change.get("table") == "users" for change in mutation["payload"].get("rows") or []
        ):
            break
    return batch


def take_new_names(tx: Transaction, renamed: Iterable[Mapping[str, Any]]) -> None:
    """The hub took users made here under other names: what this terminal has not sent yet
    in their old names is theirs, and goes in their new ones."""
    for name in renamed:
        tx.execute(
            "UPDATE outbox SET actor = ? WHERE actor = ? AND acked_at IS NULL",
            (str(name["to"]), str(name["from"])),
        )
        tx.audit("sync.user_renamed", f"user:{name['to']}", dict(name))


def acked(tx: Transaction, mutation_id: str) -> None:
    """The hub has answered: this change's rows no longer shadow the feed."""
    tx.execute("DELETE FROM replica_unacked WHERE mutation_id = ?", (mutation_id,))


# -- the hub's rows -----------------------------------------------------------------


def apply_rows(tx: Transaction, rows: Sequence[Mapping[str, Any]]) -> int:
    """Write the feed's rows into the replica; rows with a change of ours in flight wait for it."""
    written = 0
    tx.execute("INSERT INTO replica_quiet (on_since) VALUES (?)", (tx.at,))
    try:
        for change in rows:
            table = str(change["table"])
            if table not in REPLICATED:
                raise InvalidInput(f"{table!r} is not a workshop table")
            key = str(change["key"])
            if tx.execute(
                "SELECT 1 FROM replica_unacked WHERE tbl = ? AND key = ?", (table, key)
            ).fetchone():
                continue
            written += _upsert(tx, table, change["row"])
    finally:
        tx.execute("DELETE FROM replica_quiet")
    return written


def _upsert(tx: Transaction, table: str, row: Mapping[str, Any], replace: bool = False) -> bool:
    """Write one of the hub's rows; False when a unique rule of this replica held it back
    (a VIN or user name this terminal made offline): the hub's answer to that change of
    ours brings it back (see `correct`). `replace`: the hub's word on a row written once
    (one that referred to a car merged away) replaces ours."""
    keys = _key_columns(table)
    columns = list(row)
    marks = ", ".join("?" for _ in columns)
    if replace and table in IMMUTABLE and _row(tx, table, key_of(table, row)) != dict(row):
        where, values = _where(table, key_of(table, row))
        tx.execute(f"DELETE FROM {table} WHERE {where}", values)
    if table in IMMUTABLE:
        tail = "DO NOTHING"
    else:
        tail = "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    try:  # a refused statement is undone alone; the transaction goes on
        tx.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) "
            f"ON CONFLICT ({', '.join(keys)}) {tail}",
            tuple(_column(row[c]) for c in columns),
        )
    except sqlite3.IntegrityError as err:
        log.warning("the hub's %s %s is held back here: %s", table, key_of(table, row), err)
        return False
    return True


@dataclass(frozen=True)
class ConflictNote:
    """A change of this terminal the hub refused, and what the workshop has instead."""

    id: int
    at: str
    reason: str
    mine: list[dict[str, Any]]
    theirs: list[dict[str, Any]]
    seen_at: str | None

    def summary(self, language: str = "en") -> str:
        """One line for the person who made the change: what they did, what won."""
        mine = next((c["row"] for c in self.mine if c["table"] == "work_orders"), None)
        won = next((t["row"] for t in self.theirs if t["table"] == "work_orders"), None)
        if mine is not None and won is not None:
            if language == "zh":
                return (
                    f"{mine['number']}：您改为 {mine['status']} 的操作未被采用，"
                    f"工单现为 {won['status']}（版本 {won['version']}）"
                )
            return (
                f"{mine['number']}: your move to {mine['status']} was not kept; "
                f"the work order is {won['status']} (version {won['version']})"
            )
        if not self.mine and not self.theirs:
            return self.reason  # a note (`tell`), not a refusal
        if language == "zh":
            return f"一项更改未被采用：{self.reason}"
        return f"a change was not kept: {self.reason}"


def correct(
    tx: Transaction,
    mutation_id: str,
    mine: Sequence[Mapping[str, Any]],
    theirs: Sequence[Mapping[str, Any]],
    reason: str,
) -> None:
    """The hub refused our change: put the hub's rows in place, take ours out, tell the person."""
    hub = {(str(t["table"]), str(t["key"])) for t in theirs}
    tx.execute("INSERT INTO replica_quiet (on_since) VALUES (?)", (tx.at,))
    # Ours out first, so the hub's rows that take their VIN or name fit; references are
    # checked at COMMIT, when the hub's rows are in.
    tx.execute("PRAGMA defer_foreign_keys = ON")
    try:
        for change in reversed(mine):
            table, key = str(change["table"]), str(change["key"])
            if table not in REPLICATED or (table, key) in hub:
                continue
            where, values = _where(table, key)
            tx.execute(f"DELETE FROM {table} WHERE {where}", values)
        for change in theirs:
            _upsert(tx, str(change["table"]), change["row"])
    finally:
        tx.execute("DELETE FROM replica_quiet")
    _note(tx, mutation_id, reason, mine, theirs)
    tx.audit("sync.conflict_corrected", f"changeset:{mutation_id}", {"reason": reason})


def _note(
    tx: Transaction,
    mutation_id: str,
    reason: str,
    mine: Sequence[Mapping[str, Any]],
    theirs: Sequence[Mapping[str, Any]],
) -> None:
    tx.insert(
        "replica_conflicts",
        {
            "at": tx.at,
            "mutation_id": mutation_id,
            "reason": reason,
            "mine": canonical_json(list(mine)),
            "theirs": canonical_json(list(theirs)),
        },
    )


def merge(
    tx: Transaction,
    mutation_id: str,
    merged: Sequence[Mapping[str, Any]],
    theirs: Sequence[Mapping[str, Any]],
    reason: str,
) -> None:
    """The hub took our change but merged a row of ours (a car it had already, by VIN) into
    its own: ours goes, the hub's comes in, and every row of ours that referred to ours
    now refers to the hub's. The person at this terminal is told (`reason`). With nothing
    merged away, the hub's rows of ours as it kept them (merged by column) come in."""
    tx.execute("INSERT INTO replica_quiet (on_since) VALUES (?)", (tx.at,))
    tx.execute("PRAGMA defer_foreign_keys = ON")
    try:
        for m in merged:
            where, values = _where(str(m["table"]), str(m["key"]))
            tx.execute(f"DELETE FROM {m['table']} WHERE {where}", values)
        for change in theirs:
            _upsert(tx, str(change["table"]), change["row"], replace=True)
        for m in merged:
            _repoint(tx, str(m["table"]), str(m["key"]), str(m["into"]))
    finally:
        tx.execute("DELETE FROM replica_quiet")
    if reason:
        tell(tx, mutation_id, reason)
    tx.audit("sync.merged", f"changeset:{mutation_id}", {"merged": list(merged)})


def _repoint(tx: Transaction, parent: str, gone: str, kept: str) -> None:
    """Rows that referred to a row merged away refer to the one kept (quietly: the hub has
    them so already)."""
    for table in REPLICATED:
        columns = {c[1] for c in tx.execute(f"PRAGMA table_info({table})").fetchall()}
        for column, target in parents_of(table).items():
            if target != parent or column not in columns:
                continue
            cursor = tx.execute(f"SELECT * FROM {table} WHERE {column} = ?", (gone,))
            names = [c[0] for c in cursor.description]
            for found in cursor.fetchall():
                row = dict(zip(names, found, strict=True))
                _upsert(tx, table, {**row, column: int(kept)}, replace=True)


def tell(tx: Transaction, mutation_id: str, text: str) -> None:
    """A note for the person at this terminal about a change of theirs the hub took with a
    consequence they should know (a desk decision replacing an earlier remote one)."""
    _note(tx, mutation_id, text, [], [])


def refused_upstream(tx: Transaction, own_station: str | None, p: Mapping[str, Any]) -> str:
    """The brand's cloud refused a change the hub had taken. The cloud's rows came before
    this in the feed; the rows of the change the cloud does not have are taken out here as
    at the hub; the terminal whose change it was keeps a note of what won (`conflict_notes`)."""
    gone = _withdraw(tx, p.get("withdrawn") or [])
    mutation_id = str(p.get("mutation_id") or "")
    if own_station is not None and p.get("by") == own_station and mutation_id:
        reason = str(p.get("reason") or "refused by the brand's cloud")
        _note(tx, mutation_id, reason, p.get("mine") or [], p.get("theirs") or [])
        tx.audit(
            "sync.refused_upstream", f"changeset:{mutation_id}", {"reason": reason, "gone": gone}
        )
    return f"{gone} row(s) taken out"


def _withdraw(tx: Transaction, rows: Sequence[Mapping[str, Any]]) -> int:
    """Take out rows quietly, last first (a row before the rows it refers to); a row a
    change of ours in flight touches, or that another row still refers to, stays."""
    gone = 0
    tx.execute("INSERT INTO replica_quiet (on_since) VALUES (?)", (tx.at,))
    try:
        for change in reversed(rows):
            table, key = str(change["table"]), str(change["key"])
            if table not in REPLICATED:
                raise InvalidInput(f"{table!r} is not a workshop table")
            if tx.execute(
                "SELECT 1 FROM replica_unacked WHERE tbl = ? AND key = ?", (table, key)
            ).fetchone():
                continue
            where, values = _where(table, key)
            tx.execute("SAVEPOINT replica_withdraw")
            try:
                gone += tx.execute(f"DELETE FROM {table} WHERE {where}", values).rowcount
            except sqlite3.IntegrityError as err:
                tx.execute("ROLLBACK TO SAVEPOINT replica_withdraw")
                log.warning("%s %s stays here: %s", table, key, err)
            tx.execute("RELEASE SAVEPOINT replica_withdraw")
    finally:
        tx.execute("DELETE FROM replica_quiet")
    return gone


def take_notices(tx: Transaction, notices: Sequence[Mapping[str, Any]]) -> None:
    """The notes the hub's feed carries for this terminal (a price of ours that another
    terminal's later one retired), kept for the person here like a refused change."""
    number = tx.execute("SELECT value FROM meta WHERE key = ?", (TERMINAL_NUMBER_KEY,)).fetchone()
    for notice in notices:
        if number is not None and str(notice.get("terminal")) == str(number[0]):
            tell(tx, "hub", str(notice.get("text") or ""))


def conflict_notes(store: Store, unseen_only: bool = False) -> list[ConflictNote]:
    """The changes of this terminal the hub refused, newest first."""
    where = "WHERE seen_at IS NULL" if unseen_only else ""
    return [
        ConflictNote(
            int(r["id"]),
            r["at"],
            r["reason"],
            json.loads(r["mine"]),
            json.loads(r["theirs"]),
            r["seen_at"],
        )
        for r in store.query(f"SELECT * FROM replica_conflicts {where} ORDER BY id DESC")
    ]


def mark_seen(store: Store, note_ids: Iterable[int]) -> None:
    with store.transaction() as tx:
        for note_id in note_ids:
            tx.execute(
                "UPDATE replica_conflicts SET seen_at = ? WHERE id = ? AND seen_at IS NULL",
                (tx.at, note_id),
            )


# -- the hub's rules, pure ------------------------------------------------------------


class RowRefused(Exception):
    """A changeset the hub does not take; `rows` are the hub's current rows it touched.
    `key` and `params` say the refusal in a screen's language (see station/errors.py)."""

    def __init__(
        self,
        reason: str,
        current: list[dict[str, Any]],
        key: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.current = current
        self.key = key
        self.params = dict(params or {})


def check_change(
    table: str,
    incoming: Mapping[str, Any],
    base: str | None,
    current: Mapping[str, Any] | None,
) -> bool:
    """Whether the hub stores `incoming` (False: it already has exactly that row).

    Raises `RowRefused` when the row was made on a state the hub no longer has,
    makes a move the lifecycle forbids, or rewrites a row that is written once.
    """
    if table not in REPLICATED:
        raise RowRefused(f"{table!r} is not a workshop table", [])
    if current is not None and dict(current) == dict(incoming):
        return False
    here = [] if current is None else [{"table": table, "row": dict(current)}]
    if current is not None and table in IMMUTABLE:
        raise RowRefused(f"{table} {incoming[REPLICATED[table]]} is recorded and immutable", here)
    closed = CLOSED_ONCE.get(table)
    if closed is not None and current is not None and current.get(closed) is not None:
        raise RowRefused(
            f"{table[:-1].replace('_', '-')} {incoming[REPLICATED[table]]} was closed already: "
            f"{current.get('outcome')}",
            here,
        )
    if table in VERSIONED and current is not None:
        if base != row_base(current):
            raise RowRefused(
                f"{incoming.get('number', 'the work order')} changed meanwhile: "
                f"the workshop has version {current['version']} ({current['status']})",
                here,
            )
        source, target = Status(str(current["status"])), Status(str(incoming["status"]))
        if source != target and target not in TRANSITIONS[source]:
            raise RowRefused(f"a work order cannot go from {source} to {target}", here)
    return True


def merged_row(
    table: str,
    incoming: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    current: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The row the hub keeps of a change to a row merged by column: its current row, with
    every column the terminal changed (incoming differs from `before`, or `before` lacks
    it) taken from `incoming`. A column both changed: the incoming, later one wins. With
    no `before` or no current row, the incoming row whole (as for every other table)."""
    if before is None or current is None or not _merged_by_column(table):
        return dict(incoming)
    merged = dict(current)
    for column, value in incoming.items():
        if column not in before or before[column] != value:
            merged[column] = value
    return merged


def missing_parents(
    table: str, row: Mapping[str, Any], known: Mapping[tuple[str, str], bool]
) -> list[tuple[str, str]]:
    """The parents a row refers to that `known` says the hub lacks."""
    gaps = []
    for column, parent in parents_of(table).items():
        value = row.get(column)
        if value is None or column not in row:
            continue
        if table == "photos" and column in ("original_id", "before_id") and value == row.get("id"):
            continue
        if not known.get((parent, str(value)), False):
            gaps.append((parent, str(value)))
    return gaps


# -- equality of replicas ---------------------------------------------------------------


def digest_rows(rows: Iterable[tuple[str, str, Mapping[str, Any]]]) -> str:
    """One hash over (table, key, row) triples in table and key order.

    A NULL column counts as absent: a row the hub made before a column was added
    equals the replica's copy, where that column reads NULL.
    """
    h = hashlib.sha256()
    for table, key, row in sorted(rows, key=lambda t: (t[0], _sort_key(t[1]))):
        present = {k: v for k, v in row.items() if v is not None}
        h.update(canonical_json({"t": table, "k": key, "r": present}).encode("utf-8"))
    return h.hexdigest()


def _sort_key(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (0, key)


def digest(store: Store) -> str:
    """The hash of every workshop row in this replica (equal on every converged terminal)."""

    def rows() -> Iterable[tuple[str, str, Mapping[str, Any]]]:
        for table in REPLICATED:
            for row in store.query(f"SELECT * FROM {table}"):
                yield table, key_of(table, row), {k: _wire(v) for k, v in row.items()}

    return digest_rows(rows())


# -- the closed-work window ----------------------------------------------------------------

CLOSED_DAYS = 30  # closed work older than this is not kept on a terminal
# Ways to bring closed work back from the hub when someone opens it (the sync layer's).
FETCHERS: list[Callable[[Store, str], bool]] = []


def fetch_on_demand(store: Store, reference: str) -> bool:
    """A work order (id or number) this terminal does not keep: asked of the hub. True when
    it arrived."""
    if store.meta(TERMINAL_NUMBER_KEY) is None:
        return False
    return any(fetch(store, reference) for fetch in FETCHERS)


def keep_fetched(tx: Transaction, rows: Sequence[Mapping[str, Any]]) -> int:
    """Closed work the hub sent on demand, written quietly (not sent back) and kept a day."""
    written = apply_rows(tx, rows)
    for change in rows:
        if change["table"] == "work_orders":
            tx.execute(
                "INSERT INTO replica_fetched (work_order_id, at) VALUES (?, ?) "
                "ON CONFLICT (work_order_id) DO UPDATE SET at = excluded.at",
                (int(change["key"]), tx.at),
            )
    return written


def prune_closed(store: Store, days: int = CLOSED_DAYS, now: datetime | None = None) -> int:
    """Take closed work older than `days` out of this terminal's replica (the hub keeps it,
    and hands it back on demand); returns how many work orders went. Nothing is pruned
    while a change of ours on it is still on its way to the hub."""
    if store.meta(TERMINAL_NUMBER_KEY) is None:
        return 0
    from station.store import timestamp  # the store imports this module

    moment = now or store.clock()
    cutoff = timestamp(moment - timedelta(days=days))
    recent = timestamp(moment - timedelta(days=1))
    with store.transaction("sync") as tx:
        old = [
            int(r[0])
            for r in tx.execute(
                "SELECT id FROM work_orders WHERE status IN ('delivered', 'cancelled') "
                "AND status_since < ? AND id NOT IN "
                "(SELECT work_order_id FROM replica_fetched WHERE at >= ?)",
                (cutoff, recent),
            ).fetchall()
        ]
        if not old:
            return 0
        owned = _owned(tx, old)
        if any(
            tx.execute(
                "SELECT 1 FROM replica_unacked WHERE tbl = ? AND key = ?", (table, key)
            ).fetchone()
            for table, keys in owned.items()
            for key in keys
        ):
            return 0
        tx.execute("INSERT INTO replica_quiet (on_since) VALUES (?)", (tx.at,))
        tx.execute("PRAGMA defer_foreign_keys = ON")
        try:
            for table in reversed(list(owned)):
                for key in owned[table]:
                    where, values = _where(table, key)
                    tx.execute(f"DELETE FROM {table} WHERE {where}", values)
            tx.execute(
                f"DELETE FROM replica_fetched WHERE work_order_id IN ({', '.join('?' * len(old))})",
                tuple(old),
            )
        finally:
            tx.execute("DELETE FROM replica_quiet")
        tx.audit("replica.pruned", "work_orders", {"work_orders": old, "days": days})
    log.info("closed work older than %d days left this terminal: %d work order(s)", days, len(old))
    return len(old)


def _owned(tx: Transaction, work_orders: Sequence[int]) -> dict[str, list[str]]:
    """Every row that belongs to these work orders, table by table, parents first."""
    owned: dict[str, list[str]] = {"work_orders": [str(w) for w in work_orders]}
    for table in REPLICATED:
        if table == "work_orders":
            continue
        columns = {c[1] for c in tx.execute(f"PRAGMA table_info({table})").fetchall()}
        keys: dict[str, None] = {}
        for column, parent in owner_refs(table):
            if column not in columns or not owned.get(parent):
                continue
            marks = ", ".join("?" for _ in owned[parent])
            cursor = tx.execute(
                f"SELECT * FROM {table} WHERE {column} IN ({marks})", tuple(owned[parent])
            )
            names = [c[0] for c in cursor.description]
            for found in cursor.fetchall():
                keys[key_of(table, dict(zip(names, found, strict=True)))] = None
        if keys:
            owned[table] = list(keys)
    return owned
