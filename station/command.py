"""What every command shares: who acts, what it made, and rows read inside its transaction.

A command reads the facts it decides on through the open transaction (`one`,
`rows`), never before it: the transaction begins with `BEGIN IMMEDIATE`, so no
other terminal process can change those facts until it commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from station.errors import NotFound
from station.roles import Role
from station.store import Transaction


@dataclass(frozen=True)
class Actor:
    """A logged-in person; every command takes one and checks its role."""

    user_id: int
    name: str
    role: Role

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role.value})"


# The identity the station uses for its own bootstrap and for changes that
# arrive from the cloud (a remote approval, an appointment).
SYSTEM = Actor(user_id=0, name="system", role=Role.ADMIN)


@dataclass(frozen=True)
class Created:
    id: int
    warnings: tuple[str, ...] = ()


def rows(tx: Transaction, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    cursor = tx.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def maybe_one(tx: Transaction, sql: str, params: tuple[Any, ...] = ()) -> dict[str, Any] | None:
    found = rows(tx, sql, params)
    return found[0] if found else None


def one(tx: Transaction, sql: str, params: tuple[Any, ...], what: str) -> dict[str, Any]:
    """The row `sql` finds, or `NotFound` naming `what`."""
    row = maybe_one(tx, sql, params)
    if row is None:
        raise NotFound(f"{what} does not exist", key="record.not_found")
    return row
