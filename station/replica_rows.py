"""Whether a row sent as a workshop row is one every replica stores exactly as sent.

The hub keeps a terminal's rows as JSON and hands them to every other terminal,
which writes them into its own tables. A row naming a column those tables lack,
holding a value of the wrong kind (text in a number column, a list, a number
beyond 64 bits), missing a required column, or filed under a key other than
its own would stop every terminal's feed or be held back on each replica, so
the hub refuses it when it arrives. The test is the replica's own: the row is
written into an empty copy of the terminal's tables, read back and compared.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Mapping
from typing import Any

import sqlite_utils

from station import replica

_INT64 = 2**63
_lock = threading.Lock()
_scratch: sqlite3.Connection | None = None
_columns: dict[str, frozenset[str]] = {}


def _tables() -> sqlite3.Connection:
    """An empty in-memory copy of a terminal's tables, made once per process."""
    global _scratch
    if _scratch is None:
        from station.schema import MIGRATIONS  # the schema imports the replica

        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        db = sqlite_utils.Database(conn)
        for step in MIGRATIONS:
            step.apply(db)
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            conn.execute(f'DROP TRIGGER "{name}"')  # the columns are tested, not the rules
        conn.execute("PRAGMA foreign_keys = OFF")  # parents are the hub's own check
        for table in replica.REPLICATED:
            conn.execute(f"DELETE FROM {table}")  # the rows the migrations seed
            names = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
            _columns[table] = frozenset(names)
        _scratch = conn
    return _scratch


def _value_fault(value: Any) -> str | None:
    """Why a JSON value cannot be a column's value, if it cannot."""
    if value is None or isinstance(value, str):
        return None
    if isinstance(value, bool):
        return "true or false is not a column value (0 or 1 is)"
    if isinstance(value, int):
        return None if -_INT64 <= value < _INT64 else f"{value} is beyond 64 bits"
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{value} is not a finite number"
    if isinstance(value, Mapping) and set(value) == {"hex"} and isinstance(value["hex"], str):
        try:
            bytes.fromhex(value["hex"])
        except ValueError:
            return "its hex is not hex"
        return None
    return f"a {type(value).__name__} is not a column value"


def unfit(table: str, key: str, row: Mapping[str, Any]) -> str | None:
    """Why `row`, sent under `key`, is not a row of `table` every replica stores as sent;
    None when it is."""
    if table not in replica.REPLICATED:
        return f"{table!r} is not a workshop table"
    with _lock:
        conn = _tables()
        known = _columns[table]
        for column, value in row.items():
            if column not in known:
                return f"{table} has no column {column!r}"
            fault = _value_fault(value)
            if fault is not None:
                return f"{table}.{column}: {fault}"
        if any(row.get(c) is None for c in replica.REPLICATED[table].split(":")):
            return f"a row of {table} names its {replica.REPLICATED[table]}"
        if replica.key_of(table, row) != key:
            return f"{table} row {replica.key_of(table, row)} was sent as {key!r}"
        columns = list(row)
        conn.execute("SAVEPOINT fit")
        try:
            conn.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})",
                tuple(replica._column(row[c]) for c in columns),
            )
            cursor = conn.execute(f"SELECT {', '.join(columns)} FROM {table}")
            stored = dict(zip(columns, cursor.fetchone(), strict=True))
        except sqlite3.Error as err:
            return f"{table} {key}: {err}"
        finally:
            conn.execute("ROLLBACK TO fit")
            conn.execute("RELEASE fit")
    for column in columns:
        sent, kept = row[column], replica._wire(stored[column])
        if kept != sent or type(kept) is not type(sent):
            return f"{table}.{column}: {sent!r} would be stored as {kept!r}"
    return None
