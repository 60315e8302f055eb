"""The workshop's own records in the cloud service: what makes it a hub for many terminals.

Every row a terminal shares (see `station.replica`) is kept here once per
workshop, keyed by table and id, whichever terminal made it. A terminal's
`rows.changed` changeset is checked and stored as one unit, in the order the
hub receives it, with the core's own rules (`replica.check_change`); then it
goes into the workshop's change feed for every terminal. Rows the hub makes
itself (a remote approval and the job it opens) take ids in block 0.
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from station import hub_rules, lifecycle, replica, replica_rows
from station.identity import (
    BLOCK,
    MAX_TERMINALS,
    check_terminal_name,
    id_base,
    terminal_code,
    terminal_of,
)
from station.inbox import Booking
from station.lifecycle import Status, WorkOrderFacts
from station.vehicles import vehicle_row
from station.workshop import SYSTEM
from sync.cloud_db import CloudTx

log = logging.getLogger(__name__)


def workshop_key(workshop: str) -> str:
    """The station key the workshop's shared work orders are filed under in the cloud's tables."""
    return f"workshop:{workshop}"


def add_terminal(tx: CloudTx, workshop: str, token_id: str, name: str, at: str) -> dict[str, Any]:
    name = check_terminal_name(name)
    same = tx.one(
        "SELECT k.revoked_at FROM terminals t JOIN tokens k ON k.id = t.token_id "
        "WHERE t.workshop = ? AND t.name = ?",
        (workshop, name),
    )
    if same is not None and same["revoked_at"] is not None:
        raise ValueError(
            f"{name} was revoked on {same['revoked_at'][:10]} and its name stays with the "
            f"records it made: add the new terminal under another name (e.g. {name}-new)"
        )
    if same is not None:
        raise ValueError(f"the workshop already has a terminal named {name}")
    last = tx.one("SELECT MAX(number) AS n FROM terminals WHERE workshop = ?", (workshop,))
    number = int(last["n"] or 0) + 1 if last else 1
    if number >= MAX_TERMINALS:  # the last block is the hub's own under a cloud
        raise ValueError("the workshop has no terminal number left")
    taken = {
        r["code"] for r in tx.all("SELECT code FROM terminals WHERE workshop = ?", (workshop,))
    }
    code = terminal_code(name, taken)
    tx.run(
        "INSERT INTO terminals (token_id, workshop, number, name, code, added_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (token_id, workshop, number, name, code, at),
    )
    return {"name": name, "number": number, "code": code, "token_id": token_id}


def workshop_pin_key(tx: CloudTx, workshop: str) -> bytes:
    """The key every terminal of `workshop` hashes PINs with, made the first time it is asked for.

    An advisor logs in at any terminal, so all must share it; the hub hands it to
    a terminal over TLS when it joins, and a terminal keeps it in a 0600 file.
    """
    tx.run(
        "INSERT INTO workshop_pin_keys (workshop, pin_key) VALUES (?, ?) "
        "ON CONFLICT (workshop) DO NOTHING",
        (workshop, secrets.token_bytes(32).hex()),
    )
    row = tx.one("SELECT pin_key FROM workshop_pin_keys WHERE workshop = ?", (workshop,))
    assert row is not None
    return bytes.fromhex(str(row["pin_key"]))


def terminal(tx: CloudTx, token_id: str) -> dict[str, Any] | None:
    return tx.one("SELECT number, name, code FROM terminals WHERE token_id = ?", (token_id,))


# The name a workshop's hub has among the brand cloud's terminals of that workshop
# (`station cloud token issue --hub`): it relays rows it has checked already.
RELAY = "hub"


def sender(tx: CloudTx, station_id: str, user: object) -> hub_rules.Sender | None:
    """Who sent a changeset, for the hub's checks (`hub_rules`); None for the workshop's hub
    relaying to the brand's cloud. A station that is no terminal shares no workshop rows."""
    found = tx.one(
        "SELECT t.number, t.name FROM terminals t JOIN tokens k ON k.id = t.token_id "
        "WHERE k.station_id = ? AND k.revoked_at IS NULL",
        (station_id,),
    )
    if found is None:
        raise replica.RowRefused(
            "only a terminal of the workshop shares its rows", [], key="hub.not_terminal"
        )
    if found["name"] == RELAY:
        return None
    return hub_rules.Sender(int(found["number"]), user if isinstance(user, str) else None)


def record(tx: CloudTx, workshop: str, table: str, key: str) -> dict[str, Any] | None:
    found = tx.one(
        "SELECT row FROM records WHERE workshop = ? AND tbl = ? AND key = ?",
        (workshop, table, key),
    )
    return None if found is None else dict(json.loads(found["row"]))


def _store(tx: CloudTx, workshop: str, table: str, key: str, row: Mapping[str, Any]) -> None:
    text = json.dumps(row, ensure_ascii=False, sort_keys=True)
    tx.run(
        "INSERT INTO records (workshop, tbl, key, row) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (workshop, tbl, key) DO UPDATE SET row = excluded.row",
        (workshop, table, key, text),
    )
    _note_owner(tx, workshop, table, key, row)


def _note_owner(tx: CloudTx, workshop: str, table: str, key: str, row: Mapping[str, Any]) -> None:
    """Which work order the row belongs to, so closed work can be handed back whole."""
    owner = _owner_of(tx, workshop, table, key, row)
    if owner is not None:
        tx.run(
            "INSERT INTO record_owners (workshop, tbl, key, work_order) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (workshop, table, key, owner),
        )


def _owner_of(
    tx: CloudTx, workshop: str, table: str, key: str, row: Mapping[str, Any]
) -> int | None:
    if table == "work_orders":
        return int(key)
    for column, parent in replica.owner_refs(table):
        value = row.get(column)
        if value is None:
            continue
        if parent == "work_orders":
            return int(value)
        found = tx.one(
            "SELECT work_order FROM record_owners WHERE workshop = ? AND tbl = ? AND key = ?",
            (workshop, parent, str(value)),
        )
        if found is not None:
            return int(found["work_order"])
    return None


def work_order_rows(tx: CloudTx, workshop: str, reference: str) -> list[dict[str, Any]]:
    """A work order (by id or number) with every row that belongs to it, parents first:
    what a terminal fetches when someone opens closed work it no longer keeps."""
    if reference.isdigit():
        wo = record(tx, workshop, "work_orders", reference)
    else:
        needle = json.dumps({"number": reference}, ensure_ascii=False)[1:-1]
        found = [
            json.loads(r["row"])
            for r in tx.all(
                "SELECT row FROM records WHERE workshop = ? AND tbl = 'work_orders' AND row LIKE ?",
                (workshop, f"%{needle}%"),
            )
        ]
        wo = next((r for r in found if r.get("number") == reference), None)
    if wo is None:
        return []
    _index_owners(tx, workshop)
    rows = tx.all(
        "SELECT r.tbl, r.key, r.row FROM records r JOIN record_owners o ON o.workshop = r.workshop "
        "AND o.tbl = r.tbl AND o.key = r.key WHERE o.workshop = ? AND o.work_order = ?",
        (workshop, int(wo["id"])),
    )
    order = {table: n for n, table in enumerate(replica.REPLICATED)}
    rows.sort(key=lambda r: (order.get(r["tbl"], len(order)), _number_first(r["key"])))
    return [{"table": r["tbl"], "key": r["key"], "row": json.loads(r["row"])} for r in rows]


def _matching(
    tx: CloudTx, workshop: str, table: str, column: str, value: Any
) -> list[dict[str, Any]]:
    """The workshop's rows of `table` whose `column` is exactly `value`."""
    needle = json.dumps({column: value}, ensure_ascii=False)[1:-1]
    found = (
        json.loads(r["row"])
        for r in tx.all(
            "SELECT row FROM records WHERE workshop = ? AND tbl = ? AND row LIKE ?",
            (workshop, table, f"%{needle}%"),
        )
    )
    return [row for row in found if row.get(column) == value]


def car_rows(
    tx: CloudTx, workshop: str, vin: str | None, plate: str | None
) -> list[dict[str, Any]]:
    """A car by VIN or plate (the one seen last when two share a plate), its owner, and its
    latest work order whole: what a terminal fetches when a search finds nothing there."""
    column, value = ("vin", vin) if vin else ("plate", plate)
    cars = _matching(tx, workshop, "vehicles", column, value)
    if not cars:
        return []
    visits = {
        int(car["id"]): _matching(tx, workshop, "work_orders", "vehicle_id", car["id"])
        for car in cars
    }

    def last_seen(car: Mapping[str, Any]) -> str:
        return max((str(w["created_at"]) for w in visits[int(car["id"])]), default="")

    car = max(cars, key=lambda c: (last_seen(c), str(c["created_at"])))
    latest = max(visits[int(car["id"])], key=lambda w: str(w["created_at"]), default=None)
    visit = [] if latest is None else work_order_rows(tx, workshop, str(latest["id"]))
    # The rows the car and its visit refer to that are kept on every terminal, parents first.
    wanted = [("customers", car.get("customer_id")), ("vehicles", car["id"])]
    if latest is not None:
        booking = latest.get("appointment_id")
        appointment = (
            None if booking is None else record(tx, workshop, "appointments", str(booking))
        )
        wanted += [("customers", latest.get("customer_id"))]
        if appointment is not None:
            wanted += [("customers", appointment.get("customer_id")), ("appointments", booking)]
    rows: list[dict[str, Any]] = []
    for table, key in dict.fromkeys((t, str(k)) for t, k in wanted if k is not None):
        found = record(tx, workshop, table, key)
        if found is not None:
            rows.append({"table": table, "key": key, "row": found})
    return rows + visit


def _number_first(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (0, key)


def _index_owners(tx: CloudTx, workshop: str) -> None:
    """Owners of rows a hub stored before it noted them (once, parents first)."""
    if tx.one("SELECT 1 AS x FROM record_owners WHERE workshop = ? LIMIT 1", (workshop,)):
        return
    order = {table: n for n, table in enumerate(replica.REPLICATED)}
    rows = tx.all("SELECT tbl, key, row FROM records WHERE workshop = ?", (workshop,))
    rows.sort(key=lambda r: (order.get(r["tbl"], len(order)), _number_first(r["key"])))
    for r in rows:
        _note_owner(tx, workshop, r["tbl"], r["key"], json.loads(r["row"]))


@dataclass
class Taken:
    """What the hub made of a terminal's changeset: the rows it stored (to fan out) and the
    rows it merged into ones the workshop had first (a car made at two terminals)."""

    stored: list[dict[str, Any]] = field(default_factory=list)
    merged: list[dict[str, Any]] = field(default_factory=list)
    kept: list[dict[str, Any]] = field(default_factory=list)  # the rows merged into
    # A row of the sender's the hub stored otherwise (a price another terminal set later),
    # what the sender is told, and the rows it takes after its own (the winning price).
    told: list[str] = field(default_factory=list)
    after: list[dict[str, Any]] = field(default_factory=list)
    # Users of the sender's the hub took under another name: {"from": name, "to": name}.
    renamed: list[dict[str, str]] = field(default_factory=list)
    # What another terminal is told through the feed: {"terminal": number, "text": ...}.
    notices: list[dict[str, Any]] = field(default_factory=list)
    # Rows of the sender's the hub kept with another terminal's changes to other columns.
    combined: list[dict[str, Any]] = field(default_factory=list)


def apply_changeset(
    tx: CloudTx,
    workshop: str,
    changes: Sequence[Mapping[str, Any]],
    sender: hub_rules.Sender | None,
) -> Taken:
    """Check a terminal's changeset as one unit and store it; returns the rows to fan out.

    Raises `replica.RowRefused` carrying the hub's current rows of everything the
    changeset touched, so the terminal can put them in place of its own. The person
    the changeset names must hold the permissions its rows take, and new rows must be
    in the sender's id block (`station.hub_rules`); `sender` is None only for the
    workshop's hub relaying what it took already. A car the workshop has already
    (its VIN) is merged into that one, and the changeset's rows that refer to it are
    stored referring to the one kept; a user name taken already is refused.
    """
    incoming = {(str(c["table"]), str(c["key"])) for c in changes}
    taken = Taken()
    person = None
    if sender is not None and sender.user:
        found = _find(tx, workshop, "users", lambda r: r["name"] == sender.user)
        person = None if found is None else hub_rules.Person.from_row(found)
    aliases = {
        (r["tbl"], r["key"]): r["target"]
        for r in tx.all(
            "SELECT tbl, key, target FROM record_aliases WHERE workshop = ?", (workshop,)
        )
    }
    try:
        if sender is not None:
            hub_rules.check_author(sender.user, person, frozenset(str(c["table"]) for c in changes))
        for change in changes:
            table, key, row = str(change["table"]), str(change["key"]), change["row"]
            if not isinstance(row, Mapping):
                raise replica.RowRefused(f"{table} {key}: a row is an object", [])
            if (fault := replica_rows.unfit(table, key, row)) is not None:
                raise replica.RowRefused(fault, [])
            current = record(tx, workshop, table, key)
            before = change.get("before")
            if before is not None and not isinstance(before, Mapping):
                raise replica.RowRefused(f"{table} {key}: a row's before is an object", [])
            merged = replica.merged_row(table, row, before, current)
            combined, row = merged != row, merged
            if table == "users" and current is not None:
                row = _keep_hub_name(tx, workshop, key, row, current)
            if sender is not None and table in replica.REPLICATED:
                hub_rules.check_block(sender.terminal, table, key, row, current)
                hub_rules.check_row(sender.user, person, table, row, current)
                if table == "findings":
                    owner = record(tx, workshop, "work_orders", str(row.get("work_order_id")))
                    hub_rules.check_work_open(table, row, current, owner)
            if (table, key) in aliases:
                continue  # a later version of a row merged away: the one kept stands
            row = replica.through_aliases(table, row, aliases)
            base = change.get("base")
            first = _same_unique(tx, workshop, table, key, row, current)
            if first is not None and table == "users" and sender is not None:
                # A person made offline under a name taken meanwhile: taken under another.
                row = _rename_user(tx, workshop, row, sender, first, taken)
            elif first is not None:
                if table not in replica.MERGED:
                    column = replica.UNIQUE[table]
                    raise replica.RowRefused(
                        f"the {table[:-1]} {column} {row[column]} is taken: another terminal "
                        "made it first",
                        [{"table": table, "key": str(first["id"]), "row": first}],
                    )
                aliases[(table, key)] = str(first["id"])
                tx.run(
                    "INSERT INTO record_aliases (workshop, tbl, key, target) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    (workshop, table, key, str(first["id"])),
                )
                taken.merged.append({"table": table, "key": key, "into": str(first["id"])})
                taken.kept.append({"table": table, "key": str(first["id"]), "row": first})
                continue
            if not replica.check_change(table, row, None if base is None else str(base), current):
                continue
            known = {
                (parent, value): (parent, value) in incoming
                or record(tx, workshop, parent, value) is not None
                for parent, value in _references(table, row)
            }
            gaps = replica.missing_parents(table, row, known)
            if gaps:
                parent, value = gaps[0]
                raise replica.RowRefused(
                    f"{table} {key} refers to {parent} {value}, which the workshop does not have",
                    [],
                )
            if table == "price_items" and row.get("active") == 1:
                row = _settle_price(tx, workshop, key, row, sender, taken)
            _store(tx, workshop, table, key, row)
            entry = {"table": table, "key": key, "row": dict(row)}
            if table in replica.VERSIONED and current is not None:
                # What the change was made on: the brand's cloud checks it again upstream.
                entry["base"] = replica.row_base(current)
            taken.stored.append(entry)
            if combined:
                taken.combined.append(entry)
    except replica.RowRefused as refused:
        # The hub's rows of everything the changeset touched, and the row that holds the
        # name it wanted (the only ones a refusal names by key).
        extra = [c for c in refused.current if "key" in c]
        told = {(c["table"], c["key"]) for c in extra}
        refused.current = [
            {"table": t, "key": k, "row": found}
            for t, k in sorted(incoming)
            if (t, k) not in told and (found := record(tx, workshop, t, k)) is not None
        ] + extra
        raise
    return taken


def _settle_price(
    tx: CloudTx,
    workshop: str,
    key: str,
    row: Mapping[str, Any],
    sender: hub_rules.Sender | None,
    taken: Taken,
) -> Mapping[str, Any]:
    """Two terminals priced the same code offline: the later price is the workshop's, the
    other is kept inactive (`hub_rules.later_price`), and the terminal whose price lost is
    told. Returns the row to store."""
    active = _find(
        tx,
        workshop,
        "price_items",
        lambda r: r["code"] == row["code"] and r["active"] == 1 and str(r["id"]) != key,
    )
    if active is None:
        return row
    theirs = _terminal_name(tx, workshop, terminal_of(int(active["id"])))
    if not hub_rules.later_price(row, active):
        taken.told.append(hub_rules.price_notice(active, row, theirs))
        taken.after.append({"table": "price_items", "key": str(active["id"]), "row": active})
        return {**row, "active": 0}
    retired = {**active, "active": 0}
    _store(tx, workshop, "price_items", str(active["id"]), retired)
    taken.stored.append({"table": "price_items", "key": str(active["id"]), "row": retired})
    if sender is not None:
        mine = _terminal_name(tx, workshop, sender.terminal)
        taken.notices.append(
            {
                "terminal": terminal_of(int(active["id"])),
                "text": hub_rules.price_notice(row, active, mine),
            }
        )
    return row


def _rename_user(
    tx: CloudTx,
    workshop: str,
    row: Mapping[str, Any],
    sender: hub_rules.Sender,
    first: Mapping[str, Any],
    taken: Taken,
) -> Mapping[str, Any]:
    """A user the sender made offline whose name another terminal gave first: kept under
    the name with the sender's code (`wang-B1`), so the work done in their name is
    theirs; the terminal is told, and its later changes carry the new name. Returns
    the row to store."""
    found = tx.one(
        "SELECT code FROM terminals WHERE workshop = ? AND number = ?", (workshop, sender.terminal)
    )
    code = str(found["code"]) if found is not None else str(sender.terminal)
    names = {str(u["name"]) for u in _all(tx, workshop, "users")}
    renamed = hub_rules.free_name(str(row["name"]), code, names)
    where = _terminal_name(tx, workshop, terminal_of(int(first["id"])))
    taken.told.append(hub_rules.renamed_notice(str(row["name"]), renamed, where))
    taken.after.append({"table": "users", "key": str(first["id"]), "row": dict(first)})
    taken.renamed.append({"from": str(row["name"]), "to": renamed})
    display = f"{row['display_name']} ({code})"
    return {**row, "name": renamed, "display_name": display}


def _keep_hub_name(
    tx: CloudTx, workshop: str, key: str, row: Mapping[str, Any], current: Mapping[str, Any]
) -> Mapping[str, Any]:
    """A user the hub took under another name: the terminal's later versions of the row,
    sent before it heard, still carry the name taken; the hub's name stands."""
    if row.get("name") == current.get("name"):
        return row
    if _same_unique(tx, workshop, "users", key, row, current) is None:
        return row
    return {**row, "name": current["name"], "display_name": current["display_name"]}


def _all(tx: CloudTx, workshop: str, table: str) -> list[dict[str, Any]]:
    rows = tx.all("SELECT row FROM records WHERE workshop = ? AND tbl = ?", (workshop, table))
    return [json.loads(r["row"]) for r in rows]


def _terminal_name(tx: CloudTx, workshop: str, number: int) -> str:
    found = tx.one(
        "SELECT name FROM terminals WHERE workshop = ? AND number = ?", (workshop, number)
    )
    return "the hub" if found is None else str(found["name"])


def _same_unique(
    tx: CloudTx,
    workshop: str,
    table: str,
    key: str,
    row: Mapping[str, Any],
    current: Mapping[str, Any] | None,
) -> dict[str, Any] | None:
    """Another row of the workshop with this row's VIN or user name, if any."""
    column = replica.UNIQUE.get(table)
    value = None if column is None else row.get(column)
    if column is None or value is None or (current is not None and current.get(column) == value):
        return None
    needle = json.dumps({column: value}, ensure_ascii=False)[1:-1]
    found = [
        json.loads(r["row"])
        for r in tx.all(
            "SELECT row FROM records WHERE workshop = ? AND tbl = ? AND key <> ? AND row LIKE ?",
            (workshop, table, key, f"%{needle}%"),
        )
    ]
    same = [r for r in found if r.get(column) == value]
    return min(same, key=lambda r: int(r["id"])) if same else None


def _references(table: str, row: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        (parent, str(row[column]))
        for column, parent in replica.parents_of(table).items()
        if row.get(column) is not None and not (table == parent and row[column] == row.get("id"))
    ]


def next_hub_id(tx: CloudTx, workshop: str, table: str) -> int:
    """The next id in the hub's own block of `table`: block 0, or the last block when the
    hub relays to the brand's cloud (whose own rows for the workshop take block 0)."""
    base = id_base(MAX_TERMINALS) if upstream(tx, workshop) is not None else 0
    row = tx.one(
        "SELECT MAX(CAST(key AS BIGINT)) AS n FROM records WHERE workshop = ? AND tbl = ? "
        "AND CAST(key AS BIGINT) >= ? AND CAST(key AS BIGINT) < ?",
        (workshop, table, base, base + BLOCK),
    )
    return int(row["n"] or base) + 1 if row else base + 1


def add_hub_row(tx: CloudTx, workshop: str, table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A row the hub itself makes (block 0 id); returns it as a feed change."""
    row_id = next_hub_id(tx, workshop, table)
    full = {"id": row_id, **row}
    _store(tx, workshop, table, str(row_id), full)
    return {"table": table, "key": str(row_id), "row": full}


def put_row(
    tx: CloudTx, workshop: str, table: str, key: str, row: Mapping[str, Any]
) -> dict[str, Any]:
    """A row the hub writes under its own key (a signature's hash, a follow-up it closes)."""
    _store(tx, workshop, table, key, row)
    return {"table": table, "key": key, "row": dict(row)}


def _find(
    tx: CloudTx, workshop: str, table: str, match: Callable[[dict[str, Any]], bool]
) -> dict[str, Any] | None:
    """The workshop's first row of `table` that `match` accepts (a scan: the hub's lookups
    by VIN, plate or phone happen once per booking)."""
    found = [r for r in _all(tx, workshop, table) if match(r)]
    return min(found, key=lambda r: int(r["id"])) if found else None


def appointment_rows(tx: CloudTx, workshop: str, booking: Booking, at: str) -> list[dict[str, Any]]:
    """A booking filed as the workshop's rows, once, at the hub: the same matching of the
    customer (name and phone) and the car (VIN, else plate) a lone station makes."""
    changes: list[dict[str, Any]] = []
    if booking.vin:
        vehicle = _find(tx, workshop, "vehicles", lambda r: r["vin"] == booking.vin)
    else:
        vehicle = _find(tx, workshop, "vehicles", lambda r: r["plate"] == booking.plate)
    customer = (
        _find(
            tx,
            workshop,
            "customers",
            lambda r: r["name"] == booking.name and r["phone"] == booking.phone,
        )
        if booking.phone
        else None
    )
    if customer is not None:
        customer_id = int(customer["id"])
    elif vehicle is not None and vehicle["customer_id"] is not None:
        customer_id = int(vehicle["customer_id"])
    else:
        added = add_hub_row(
            tx,
            workshop,
            "customers",
            {
                "name": booking.name,
                "phone": booking.phone,
                "language": booking.language,
                "created_at": at,
            },
        )
        changes.append(added)
        customer_id = int(added["row"]["id"])
    if vehicle is not None:
        vehicle_id = int(vehicle["id"])
    else:
        added = add_hub_row(
            tx,
            workshop,
            "vehicles",
            vehicle_row(
                vin=booking.vin,
                plate=booking.plate,
                make=booking.make,
                model=booking.model,
                year=booking.year,
                powertrain=booking.powertrain,
                customer_id=customer_id,
                vin_warning=None,
                at=at,
            ),
        )
        changes.append(added)
        vehicle_id = int(added["row"]["id"])
    changes.append(
        add_hub_row(
            tx,
            workshop,
            "appointments",
            {
                "customer_id": customer_id,
                "vehicle_id": vehicle_id,
                "scheduled_at": booking.scheduled_at or at,
                "complaint": booking.complaint,
                "prediagnosis": booking.prediagnosis,
                "cloud_id": booking.cloud_id,
                "status": "open",
                "created_at": at,
            },
        )
    )
    return changes


def appointment_cancelled(tx: CloudTx, workshop: str, cloud_id: str) -> list[dict[str, Any]]:
    """The customer cancelled a booking: its shared row says so (if nobody arrived yet)."""
    row = _find(tx, workshop, "appointments", lambda r: r["cloud_id"] == cloud_id)
    if row is None or row["status"] != "open":
        return []
    row = {**row, "status": "cancelled"}
    _store(tx, workshop, "appointments", str(row["id"]), row)
    return [{"table": "appointments", "key": str(row["id"]), "row": row}]


def cancel_rows(tx: CloudTx, workshop: str, wo_id: int, at: str) -> list[dict[str, Any]]:
    """The customer cancelled: the hub makes the move itself with the lifecycle's rules (a
    terminal's later move made on the old version is then refused and told)."""
    wo = record(tx, workshop, "work_orders", str(wo_id))
    if wo is None:
        return []
    current = Status(str(wo["status"]))
    lifecycle.check_transition(current, Status.CANCELLED, WorkOrderFacts())
    moved = {
        **wo,
        "status": Status.CANCELLED.value,
        "version": int(wo["version"]) + 1,
        "status_since": at,
    }
    _store(tx, workshop, "work_orders", str(wo_id), moved)
    text = lifecycle.progress_text(Status.CANCELLED)
    event = add_hub_row(
        tx,
        workshop,
        "progress_events",
        {
            "work_order_id": wo_id,
            "from_status": current.value,
            "to_status": Status.CANCELLED.value,
            "text_en": text.en,
            "text_zh": text.zh,
            "note": "cancelled by the customer",
            "at": at,
            "actor": SYSTEM.user_id,
        },
    )
    return [{"table": "work_orders", "key": str(wo_id), "row": moved}, event]


def uses_records(tx: CloudTx, workshop: str) -> bool:
    """Whether the workshop runs terminals (then the hub, not each station, makes shared rows)."""
    return (
        tx.one("SELECT 1 AS x FROM terminals WHERE workshop = ? LIMIT 1", (workshop,)) is not None
    )


def digest(tx: CloudTx, workshop: str) -> str:
    """The same hash `replica.digest` gives on a converged terminal."""
    rows = tx.all("SELECT tbl, key, row FROM records WHERE workshop = ?", (workshop,))
    return replica.digest_rows((r["tbl"], r["key"], json.loads(r["row"])) for r in rows)


# -- the hub's link to the brand's cloud (see sync.upstream) ---------------------------

# A snapshot of the workshop goes up in changesets of this many rows when the link is made.
SNAPSHOT_ROWS = 200


def upstream(tx: CloudTx, workshop: str) -> dict[str, Any] | None:
    """The brand's cloud this hub relays the workshop to, if any."""
    return tx.one("SELECT * FROM upstream WHERE workshop = ?", (workshop,))


def link_upstream(
    tx: CloudTx, workshop: str, url: str, ca: str | None, station_id: str, at: str
) -> int:
    """Relay the workshop from now on; everything the hub holds is queued first, as changesets
    in the order of the shared tables (parents first). Returns how many rows were queued."""
    tx.run(
        "INSERT INTO upstream (workshop, url, ca, station_id, queued, cursor, linked_at) "
        "VALUES (?, ?, ?, ?, 0, 0, ?)",
        (workshop, url, ca, station_id, at),
    )
    rows = tx.all("SELECT tbl, key, row FROM records WHERE workshop = ?", (workshop,))
    order = {table: n for n, table in enumerate(replica.REPLICATED)}
    rows.sort(key=lambda r: (order.get(r["tbl"], len(order)), _number_first(r["key"])))
    for start in range(0, len(rows), SNAPSHOT_ROWS):
        chunk = [
            {"table": r["tbl"], "key": r["key"], "row": json.loads(r["row"])}
            for r in rows[start : start + SNAPSHOT_ROWS]
        ]
        relay(
            tx,
            workshop,
            replica.ROWS_CHANGED,
            "changeset",
            chunk[0]["key"],
            {"rows": chunk},
            None,
            at,
        )
    return len(rows)


def relay(
    tx: CloudTx,
    workshop: str,
    kind: str,
    entity: str,
    entity_id: str,
    payload: Mapping[str, Any],
    user: str | None,
    at: str,
) -> None:
    """Queue a change the hub took for the brand's cloud, in the transaction that took it
    (nothing happens when the hub relays nowhere). The queue's order is the hub's order."""
    if not tx.run("UPDATE upstream SET queued = queued + 1 WHERE workshop = ?", (workshop,)):
        return
    row = tx.one("SELECT queued FROM upstream WHERE workshop = ?", (workshop,))
    assert row is not None
    tx.run(
        "INSERT INTO upstream_outbox (workshop, seq, mutation_id, kind, entity, entity_id, "
        "payload, user_name, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            workshop,
            int(row["queued"]),
            uuid.uuid4().hex,
            kind,
            entity,
            entity_id,
            json.dumps(payload, ensure_ascii=False, sort_keys=True),
            user,
            at,
        ),
    )


def adopt(tx: CloudTx, workshop: str, changes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows from the brand's cloud: its word wins over the hub's copy. Returns those that
    differ from what the hub had (the ones the terminals must hear of)."""
    adopted = []
    for change in changes:
        table, key, row = str(change["table"]), str(change["key"]), change["row"]
        if table not in replica.REPLICATED or not isinstance(row, Mapping):
            log.warning("a row from the cloud for %r is not a workshop row: skipped", table)
            continue
        if record(tx, workshop, table, key) == dict(row):
            continue
        _store(tx, workshop, table, key, row)
        adopted.append({"table": table, "key": key, "row": dict(row)})
    return adopted


# -- what the brand's cloud refused after the hub took it ------------------------------


def relay_mark(tx: CloudTx, workshop: str) -> int | None:
    """How many changes the hub has queued for the cloud so far (None: it relays nowhere)."""
    row = upstream(tx, workshop)
    return None if row is None else int(row["queued"])


def note_origin(tx: CloudTx, workshop: str, mark: int, station_id: str, mutation_id: str) -> None:
    """The terminal change behind every entry queued for the cloud since `mark`: a refusal
    from the cloud is then told to the person at that terminal."""
    tx.run(
        "INSERT INTO upstream_origins (workshop, seq, station_id, mutation_id) "
        "SELECT workshop, seq, ?, ? FROM upstream_outbox WHERE workshop = ? AND seq > ? "
        "ON CONFLICT DO NOTHING",
        (station_id, mutation_id, workshop, mark),
    )


def origin(tx: CloudTx, workshop: str, seq: int) -> dict[str, Any] | None:
    """The terminal (station id) and its mutation an entry for the cloud came from, if any."""
    return tx.one(
        "SELECT station_id, mutation_id FROM upstream_origins WHERE workshop = ? AND seq = ?",
        (workshop, seq),
    )


def withdraw(
    tx: CloudTx, workshop: str, sent: Sequence[Mapping[str, Any]], kept: set[tuple[str, str]]
) -> list[dict[str, str]]:
    """Take out the rows of a change the cloud refused that the cloud does not have (`kept`
    are those it answered with); a row changed here since it went up stays. Returns the
    (table, key) of each row taken out, for the terminals to take out too."""
    gone: list[dict[str, str]] = []
    for change in sent:
        table, key = str(change["table"]), str(change["key"])
        if (table, key) in kept or record(tx, workshop, table, key) != change["row"]:
            continue
        tx.run(
            "DELETE FROM records WHERE workshop = ? AND tbl = ? AND key = ?", (workshop, table, key)
        )
        tx.run(
            "DELETE FROM record_owners WHERE workshop = ? AND tbl = ? AND key = ?",
            (workshop, table, key),
        )
        gone.append({"table": table, "key": key})
    return gone


def keep_refusal(
    tx: CloudTx, workshop: str, seq: int, reason: str, corrected: bool, at: str
) -> None:
    """A change the cloud refused, kept for the workshop's admin (`station hub refusals`)."""
    tx.run(
        "INSERT INTO upstream_refusals (workshop, seq, reason, corrected, at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (workshop, seq, reason, int(corrected), at),
    )


def refusals(tx: CloudTx, workshop: str) -> list[dict[str, Any]]:
    """What the cloud refused, oldest first: when, what, from which terminal, why, and
    whether the hub took the cloud's rows in its place or still keeps its own."""
    return tx.all(
        "SELECT r.at, o.seq, o.kind, o.entity, o.entity_id, o.outcome, r.reason, r.corrected, "
        "o.user_name, (SELECT t.name FROM terminals t JOIN tokens k ON k.id = t.token_id "
        "WHERE k.station_id = g.station_id ORDER BY t.number LIMIT 1) AS terminal "
        "FROM upstream_refusals r "
        "JOIN upstream_outbox o ON o.workshop = r.workshop AND o.seq = r.seq "
        "LEFT JOIN upstream_origins g ON g.workshop = r.workshop AND g.seq = r.seq "
        "WHERE r.workshop = ? ORDER BY r.seq",
        (workshop,),
    )
