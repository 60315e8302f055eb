"""Who may write what through the hub: the workshop's roles, checked again where every terminal's changes meet.

A terminal's changeset names the person who made it (the transaction's actor,
sent as the mutation's `user`). The hub takes it only if that person is an
active user in the hub's own copy and holds, for every row, a permission that
the core's commands writing that row `require` (`station.roles.PERMISSIONS`):
a terminal's token alone, or its database copied elsewhere, cannot make
anyone an admin, change a PIN or a role, or move a price. The changes a
terminal makes on its own stay open: a person's failed-PIN count and lockout
at login, their PIN re-keyed at a good login, and the message sender's state.

New rows take ids in the terminal's own block (`station.identity`): a row in
another terminal's block, or the hub's, is refused when it is new.

The hub still trusts the terminal for the name: a stolen terminal acting in an
admin's name passes these checks (revoke its token: `station hub terminal revoke`).

Also here: what the hub makes of one thing made twice offline, so that no work
is held back: a code priced at two terminals (`later_price`) and a user name
given at two (`free_name`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from station.auth import is_locked
from station.identity import terminal_of
from station.lifecycle import FINAL, PERMISSION_FOR, Status
from station.replica import ID_TABLES, RowRefused
from station.roles import Role, may

# The actor the message sender writes under (`station.messages`): it only keeps the
# customer messages' state, so it may write that table and no other.
MESSAGE_SENDER = "messages"
MESSAGE_TABLES = frozenset({"messages"})

# Any status move: the progress event every move of a work order writes.
_MOVES = frozenset(PERMISSION_FOR.values())

# For each shared table: the permissions of the core's commands that add its rows. Holding
# any one of them is enough (a job is booked with the work order or opened by an approval).
NEW: dict[str, frozenset[str]] = {
    "users": frozenset({"user.manage"}),
    "customers": frozenset({"customer.manage"}),
    "vehicles": frozenset({"vehicle.manage"}),
    "appointments": frozenset({"appointment.manage"}),
    "work_orders": frozenset({"work_order.create"}),
    "mileage_readings": frozenset({"work_order.check_in", "vehicle.manage"}),
    "check_ins": frozenset({"work_order.check_in"}),
    "progress_events": frozenset({"work_order.create", "progress.update"}) | _MOVES,
    "checklists": frozenset({"checklist.record"}),
    "checklist_results": frozenset({"checklist.record"}),
    "findings": frozenset({"finding.create"}),
    "estimate_lines": frozenset({"finding.create"}),
    "signatures": frozenset({"approval.record"}),
    "approvals": frozenset({"approval.record"}),
    "jobs": frozenset({"work_order.create", "approval.record"}),
    "clock_entries": frozenset({"job.clock"}),
    "quality_checks": frozenset({"quality_check.record"}),
    "reports": frozenset({"report.issue"}),
    "handovers": frozenset({"work_order.deliver"}),
    "follow_ups": frozenset({"work_order.deliver"}),
    "service_due": frozenset({"work_order.deliver"}),
    "scans": frozenset({"work_order.diagnose"}),
    "scan_dtcs": frozenset({"work_order.diagnose"}),
    "scan_reads": frozenset({"work_order.diagnose"}),
    "live_recordings": frozenset({"work_order.diagnose"}),
    "code_clears": frozenset({"dtc.clear"}),
    "alignment_sessions": frozenset({"measurement.record"}),
    "alignment_readings": frozenset({"measurement.record"}),
    "photos": frozenset({"photo.record"}),
    "workshop_logos": frozenset({"profile.manage"}),
    "workshop_profiles": frozenset({"profile.manage"}),
    "price_items": frozenset({"catalogue.manage"}),
    "canned_jobs": frozenset({"catalogue.manage"}),
    "canned_job_lines": frozenset({"catalogue.manage"}),
    "labour_rates": frozenset({"catalogue.manage"}),
    "finding_corrections": frozenset({"finding.create"}),
    # Every status move (and a new work order) queues the customer's message for it.
    "messages": frozenset({"customer.manage", "work_order.create"}) | _MOVES,
}
# The permissions of the commands that change a row already there, where they differ:
# a work order's status move is checked by its target (`lifecycle.PERMISSION_FOR`).
CHANGED: dict[str, frozenset[str]] = {
    **NEW,
    "appointments": frozenset({"appointment.manage", "work_order.create"}),
    "follow_ups": frozenset({"follow_up.record"}),
    "messages": frozenset({"customer.manage"}),
}

# What a person may change on their own user row without `user.manage`: the failed-PIN
# count a login keeps, and a PIN hash re-keyed at a good login.
OWN_COUNT = frozenset({"failed_attempts"})
OWN_REKEY = frozenset({"failed_attempts", "pin_salt", "pin_hash", "pin_keyed"})


@dataclass(frozen=True)
class Person:
    """The user a changeset names, as the hub's copy has them."""

    name: str
    role: str
    active: bool

    @staticmethod
    def from_row(row: Mapping[str, Any]) -> Person:
        return Person(str(row["name"]), str(row["role"]), bool(row["active"]))


@dataclass(frozen=True)
class Sender:
    """Who sent a changeset: the terminal (its number) and the person named in it."""

    terminal: int
    user: str | None


def _refused(reason: str, key: str, **params: Any) -> RowRefused:
    return RowRefused(reason, [], key=key, params=params)


def check_author(user: str | None, person: Person | None, tables: frozenset[str]) -> None:
    """The person named must be an active user of the workshop (the message sender may
    only touch the messages' state)."""
    if user == MESSAGE_SENDER and person is None and tables <= MESSAGE_TABLES:
        return
    if not user:
        raise _refused(
            "the change names nobody: a terminal sends each change in the name of who made it",
            "hub.no_user",
        )
    if person is None:
        raise _refused(
            f"{user} is not a user of the workshop: the change is not taken",
            "hub.unknown_user",
            name=user,
        )
    if not person.active:
        raise _refused(
            f"{user} is no longer an active user of the workshop: the change is not taken",
            "hub.inactive_user",
            name=user,
        )


def needed(
    table: str, incoming: Mapping[str, Any], current: Mapping[str, Any] | None
) -> frozenset[str]:
    """The permissions, any one of which lets a person write this row over `current`."""
    if table == "work_orders" and current is not None:
        target = Status(str(incoming["status"]))
        if target != Status(str(current["status"])):
            return frozenset({PERMISSION_FOR[target]})
    return (NEW if current is None else CHANGED)[table]


def check_row(
    user: str | None,
    person: Person | None,
    table: str,
    incoming: Mapping[str, Any],
    current: Mapping[str, Any] | None,
) -> None:
    """Raise `RowRefused` unless the person (already `check_author`ed) may write this row."""
    if person is None:  # the message sender, on the messages' state
        return
    role = Role(person.role)
    wanted = needed(table, incoming, current)
    if any(may(role, permission) for permission in wanted):
        return
    if table == "users" and current is not None and current.get("name") == user:
        _check_own_row(incoming, current)
        return
    permission = min(wanted)
    article = "an" if role.value[0] in "aeiou" else "a"
    raise _refused(
        f"{user} is {article} {role.value} and may not change {table} (that takes "
        f"{permission!r}): the change is not taken",
        "hub.permission",
        name=str(user),
        role=role.value,
        permission=permission,
        table=table,
    )


def _check_own_row(incoming: Mapping[str, Any], current: Mapping[str, Any]) -> None:
    """A login's own writes to the person's row: the failed-PIN count (never lifting a
    lockout, which takes an admin) and a PIN hash re-keyed with the workshop's key."""
    changed = {c for c in set(incoming) | set(current) if incoming.get(c) != current.get(c)}
    rekeyed = int(incoming.get("pin_keyed") or 0) > int(current.get("pin_keyed") or 0)
    if not changed <= (OWN_REKEY if rekeyed else OWN_COUNT):
        columns = ", ".join(sorted(changed - OWN_COUNT))
        raise _refused(
            f"{current['name']} may not change their own {columns} (that takes an admin): "
            "the change is not taken",
            "hub.own_row",
            name=str(current["name"]),
            columns=columns,
        )
    before, after = int(current.get("failed_attempts") or 0), int(incoming["failed_attempts"])
    if is_locked(before) and after < before:
        raise _refused(
            f"{current['name']} is locked after too many wrong PINs and only an admin unlocks "
            "them: the change is not taken",
            "hub.locked",
            name=str(current["name"]),
        )


def check_work_open(
    table: str,
    incoming: Mapping[str, Any],
    current: Mapping[str, Any] | None,
    work_order: Mapping[str, Any] | None,
) -> None:
    """A finding is added only to open work, as at a terminal (`refuse_if_closed`): one made
    offline at a bay on work the desk has closed meanwhile is refused, so the technician is
    told, rather than kept on a delivered or cancelled work order."""
    if table != "findings" or current is not None or work_order is None:
        return
    status = Status(str(work_order["status"]))
    if status in FINAL:
        raise RowRefused(
            f"work order {work_order['number']} is {status.value}: the finding "
            f"{incoming.get('title')!r} is not taken",
            [{"table": "work_orders", "key": str(work_order["id"]), "row": dict(work_order)}],
            key="work_order.closed",
            params={"number": work_order["number"], "status": status.value},
        )


def check_block(
    terminal: int, table: str, key: str, incoming: Mapping[str, Any], current: object
) -> None:
    """A new row takes an id in the sender's block (that the row is sent under its own key
    is `station.replica_rows.unfit`'s check, made first)."""
    if current is not None or table not in ID_TABLES:
        return
    if not isinstance(incoming.get("id"), int):
        raise _refused(
            f"{table} {key}: an id is a number, the change is not taken", "hub.bad_key", table=table
        )
    block = terminal_of(incoming["id"])
    if block != terminal:
        raise _refused(
            f"{table} {key} is a new row in the id block of terminal {block}, not this "
            f"terminal's ({terminal}): the change is not taken",
            "hub.other_block",
            table=table,
            block=block,
            terminal=terminal,
        )


# -- the same thing made twice offline ------------------------------------------------


def later_price(incoming: Mapping[str, Any], active: Mapping[str, Any]) -> bool:
    """Whether a price item arriving at the hub is the workshop's price for its code over the
    `active` one the hub has (two terminals priced the same code offline). As at one
    station, where a new price retires the one before it, the one made later wins; made
    at the same moment, the one arriving (the hub's order) does."""
    return str(incoming["created_at"]) >= str(active["created_at"])


def price_notice(kept: Mapping[str, Any], retired: Mapping[str, Any], where: str) -> str:
    """What the terminal whose price was retired is told."""
    return (
        f"price item {retired['code']}: the one set at {where} ({kept['created_at'][:16]}) "
        f"is the workshop's price now; the one set here ({retired['created_at'][:16]}) is "
        "kept, inactive"
    )


def free_name(name: str, code: str, taken: set[str]) -> str:
    """The name a user made offline at terminal `code` is kept under when `name` was given
    first elsewhere: `wang-B1`, then `wang-B1-2`..."""
    base = f"{name}-{code}"
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def renamed_notice(name: str, renamed: str, where: str) -> str:
    """What the terminal where the second user of a name was made is told (its admin made it)."""
    return (
        f"user {name}: {where} made a user of that name first, so the one made here is kept "
        f"as {renamed} and logs in with that name; their work here stays theirs. If both are "
        f"the same person, an admin deactivates {renamed}"
    )
