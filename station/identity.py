"""Ids and work-order numbers unique across a workshop of many terminals, even offline.

Each terminal the hub admits gets a number; its rows take ids in that number's
own block (terminal 3's seventh work order is 3_000_000_007), so a row keeps
the same id on every replica and foreign keys need no translation. Block 0
belongs to the hub and to a station that is not part of a workshop. Work-order
numbers carry the terminal's short code (`WO-20261130-B3-0007`), so two bays
numbering offline on the same day never collide.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime

from station.errors import InvalidInput

BLOCK = 1_000_000_000
MAX_TERMINALS = 999_999  # keeps every id below 2**53: exact in JSON everywhere

TERMINAL_NUMBER_KEY = "terminal.number"
TERMINAL_CODE_KEY = "terminal.code"
TERMINAL_NAME_KEY = "terminal.name"

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


def check_terminal_name(name: str) -> str:
    """A terminal's name as the workshop says it: `bay-3`, `desk`, `desk-2`."""
    name = name.strip().lower()
    if not _NAME.match(name):
        raise InvalidInput(
            f"{name!r} is not a terminal name: lower-case letters, digits and '-', e.g. bay-3"
        )
    return name


def terminal_code(name: str, taken: set[str]) -> str:
    """The short code printed in work-order numbers: `bay-3` is B3, `desk` the first free D1, D2..."""
    name = check_terminal_name(name)
    initial = name[0].upper()
    digits = re.search(r"([0-9]+)$", name)
    if digits and f"{initial}{int(digits.group(1))}" not in taken:
        return f"{initial}{int(digits.group(1))}"
    for n in range(1, MAX_TERMINALS + 1):
        if f"{initial}{n}" not in taken:
            return f"{initial}{n}"
    raise InvalidInput("no short code is left for this terminal")


def id_base(number: int) -> int:
    """The first id of a terminal's block (0 for the hub and a lone station)."""
    if not 0 <= number <= MAX_TERMINALS:
        raise InvalidInput(f"terminal number {number} is outside 0..{MAX_TERMINALS}")
    return number * BLOCK


def terminal_of(row_id: int) -> int:
    """Which terminal made the row with this id."""
    return row_id // BLOCK


def next_id(conn: sqlite3.Connection, table: str, base: int) -> int:
    """The next free id in this terminal's block of `table` (an index lookup, not a scan)."""
    row = conn.execute(
        f"SELECT MAX(id) FROM {table} WHERE id >= ? AND id < ?", (base, base + BLOCK)
    ).fetchone()
    last = row[0] if row and row[0] is not None else base
    if last + 1 >= base + BLOCK:
        raise InvalidInput(f"the id block of {table} is full")
    return int(last) + 1


def work_order_number(when: datetime, code: str | None, sequence: int) -> str:
    """`WO-20261130-00007` on a lone station, `WO-20261130-B3-0007` on terminal B3."""
    day = f"{when:%Y%m%d}"
    if code:
        return f"WO-{day}-{code}-{sequence:04d}"
    return f"WO-{day}-{sequence:05d}"


_WORK_ORDER_NUMBER = re.compile(r"^WO-[0-9]{8}-(?:[A-Z][0-9]+-[0-9]{4,}|[0-9]{5,})$")


def is_work_order_number(text: str) -> bool:
    """Whether a search is for a work order by its number (either form above), not a car."""
    return bool(_WORK_ORDER_NUMBER.match(text.strip().upper()))


def number_prefix(when: datetime, code: str | None) -> str:
    """What every number of that day and terminal starts with (to count the day's orders)."""
    return f"WO-{when:%Y%m%d}-{code}-" if code else f"WO-{when:%Y%m%d}-"


def next_work_order_number(conn: sqlite3.Connection, when: datetime) -> str:
    """The next number of the day: the terminal's own sequence on a workshop terminal, the
    station's running number on a lone station."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (TERMINAL_CODE_KEY,)).fetchone()
    code = None if row is None else str(row[0])
    if code is None:
        last = conn.execute("SELECT COALESCE(MAX(id), 0) FROM work_orders").fetchone()[0]
        return work_order_number(when, None, int(last) + 1)
    prefix = number_prefix(when, code)
    last = conn.execute(
        "SELECT MAX(CAST(substr(number, ?) AS INTEGER)) FROM work_orders WHERE number LIKE ?",
        (len(prefix) + 1, prefix + "%"),
    ).fetchone()[0]
    return work_order_number(when, code, int(last or 0) + 1)
