"""What the cloud sends the station, applied with the new cursor in one transaction.

The cloud's change feed brings appointments (complaint and remote
pre-diagnosis), approvals the customer gave through the approval link, and
cancellations. A batch of changes and the cursor after it are committed
together: after a crash the station either has both or neither, so a change is
never applied twice and never skipped. Each change's outcome is kept in
`inbox_log` for the UI; a change the station cannot apply (an approval for a
delivered car) is logged as refused, not retried forever.

The sync state (files waiting for upload, the log) lives in tables this module
migrates; the cursor and the cloud URL live in `meta`. The bearer token is a
secret: it lives in its own 0600 file in the data folder, never in the
database, so a copied database or backup cannot speak for the station.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from station import limits, messages, replica
from station.approvals import keep_signature, record_remote_decision, signature_row
from station.customers import check_phone
from station.errors import InvalidInput, StationError, StoreError
from station.findings import Decision, parse_enum
from station.prediagnosis import parse as parse_prediagnosis
from station.private import SYNC_TOKEN_FILE, read_secret, write_secret
from station.store import Store, Transaction
from station.vehicles import (
    Powertrain,
    insert_vehicle,
    parse_powertrain,
    plate_key,
    plausible_year,
)
from station.vin import check_vin
from station.work_orders import cancel_on_request

log = logging.getLogger(__name__)

CURSOR_KEY = "sync.cursor"
# When the change at the cursor was made: the feed checks it is still the same change.
CURSOR_AT_KEY = "sync.cursor_at"
URL_KEY = "sync.url"
# Where stations before the token file kept it; `move_token_out` empties it.
OLD_TOKEN_KEY = "sync.token"
CA_KEY = "sync.ca"
CLOUD_ACTOR = "cloud"


def migrate(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE sync_blobs (
            sha256 TEXT PRIMARY KEY, source TEXT NOT NULL CHECK (source IN ('photo','report')),
            file_name TEXT, size INTEGER, queued_at TEXT NOT NULL, uploaded_at TEXT,
            last_error TEXT);
        CREATE INDEX sync_blobs_pending ON sync_blobs(uploaded_at, queued_at);
        CREATE TABLE inbox_log (
            change_seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, outcome TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '', applied_at TEXT NOT NULL);
        """
    )


def token_path(data_dir: Path) -> Path:
    return data_dir / SYNC_TOKEN_FILE


def sync_token(data_dir: Path) -> str | None:
    """The station's bearer token for the cloud, or None before enrolment."""
    return read_secret(token_path(data_dir))


def save_sync_token(data_dir: Path, token: str) -> None:
    write_secret(token_path(data_dir), token)


def move_token_out(db: sqlite_utils.Database) -> None:
    """Migration: the token kept in `meta` moves to its file beside the database."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", (OLD_TOKEN_KEY,)).fetchone()
    if row is None:
        return
    folder = next(
        (Path(r[2]).parent for r in db.execute("PRAGMA database_list") if r[1] == "main" and r[2]),
        None,
    )
    if folder is None:
        raise StoreError("the sync token cannot leave an in-memory database")
    save_sync_token(folder, str(row[0]))
    db.execute("PRAGMA secure_delete = ON")  # the freed bytes are zeroed, not left in the page
    db.execute("DELETE FROM meta WHERE key = ?", (OLD_TOKEN_KEY,))
    log.info("moved the sync token out of the database into %s", token_path(folder))


@dataclass(frozen=True)
class Applied:
    seq: int
    kind: str
    outcome: str  # applied, duplicate, refused, ignored
    detail: str = ""


def cursor(store: Store) -> int:
    value = store.meta(CURSOR_KEY)
    return int(value) if value else 0


def set_meta(tx: Transaction, key: str, value: str) -> None:
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def apply_changes(
    store: Store, changes: Sequence[Mapping[str, Any]], new_cursor: int
) -> list[Applied]:
    """Apply the cloud's changes in order and move the cursor, all in one transaction."""
    own_station = store.meta("station_id")
    done: list[Applied] = []
    with store.transaction(CLOUD_ACTOR) as tx:
        for change in changes:
            seq = int(change["seq"])
            kind = str(change.get("kind"))
            if tx.execute("SELECT 1 FROM inbox_log WHERE change_seq = ?", (seq,)).fetchone():
                done.append(Applied(seq, kind, "duplicate"))
                continue
            payload = change.get("payload") or {}
            # A change that fails halfway leaves nothing behind: only its refusal is logged.
            tx.execute("SAVEPOINT inbox_change")
            try:
                outcome, detail = _apply(tx, own_station, kind, payload)
            except (StationError, KeyError, ValueError, TypeError) as err:
                tx.execute("ROLLBACK TO SAVEPOINT inbox_change")
                outcome, detail = "refused", str(err)
            tx.execute("RELEASE SAVEPOINT inbox_change")
            tx.insert(
                "inbox_log",
                {
                    "change_seq": seq,
                    "kind": kind,
                    "outcome": outcome,
                    "detail": detail,
                    "applied_at": tx.at,
                },
            )
            done.append(Applied(seq, kind, outcome, detail))
        # Never backwards: a feed answer that raced a newer one is only duplicates.
        current = tx.execute("SELECT value FROM meta WHERE key = ?", (CURSOR_KEY,)).fetchone()
        set_meta(tx, CURSOR_KEY, str(max(new_cursor, int(current[0]) if current else 0)))
        last = changes[-1] if changes else None
        moved = current is None or new_cursor >= int(current[0])
        if moved and last is not None and int(last["seq"]) == new_cursor and last.get("at"):
            set_meta(tx, CURSOR_AT_KEY, str(last["at"]))
    for item in done:
        if item.outcome == "refused":
            log.warning("cloud change %d (%s) refused: %s", item.seq, item.kind, item.detail)
    return done


def _apply(
    tx: Transaction, own_station: str | None, kind: str, p: Mapping[str, Any]
) -> tuple[str, str]:
    if (
        kind in ("approval.remote", "work_order.cancel_requested", "follow_up.answered")
        and p.get("station_id") != own_station
    ):
        return "ignored", "another station's work order"
    if kind == replica.ROWS_CHANGED:
        written = replica.apply_rows(tx, p.get("rows") or [])
        replica.take_notices(tx, p.get("notices") or [])
        return "applied", f"{written} row(s)"
    if kind == replica.UPSTREAM_REFUSED:
        return "applied", replica.refused_upstream(tx, own_station, p)
    if kind == "appointment.booked":
        return _appointment(tx, p)
    if kind == "appointment.cancelled":
        changed = tx.execute(
            "UPDATE appointments SET status = 'cancelled' WHERE cloud_id = ? AND status = 'open'",
            (str(p.get("id")),),
        ).rowcount
        if not changed:
            return "ignored", "no open appointment with that id"
        tx.audit("appointment.cancelled", f"appointment:{p.get('id')}", {"by": "customer"})
        return "applied", ""
    if kind == "approval.remote":
        return _remote_approval(tx, p)
    if kind == "work_order.cancel_requested":
        return _cancel(tx, p)
    if kind == "follow_up.answered":
        return messages.record_answer(tx, p)
    return "ignored", f"unknown change {kind}"


def _one(tx: Transaction, sql: str, params: tuple[Any, ...]) -> dict[str, Any] | None:
    cursor_ = tx.execute(sql, params)
    row = cursor_.fetchone()
    if row is None:
        return None
    return dict(zip([c[0] for c in cursor_.description], row, strict=True))


@dataclass(frozen=True)
class Booking:
    """A booking from the customer app, checked: what a station or the hub files from it."""

    cloud_id: str
    name: str
    phone: str | None
    language: str
    vin: str | None
    plate: str | None
    make: str | None
    model: str | None
    year: int | None
    powertrain: Powertrain
    scheduled_at: str | None
    complaint: str
    prediagnosis: str  # JSON


def _optional_text(limit: limits.Limit, value: Any) -> str | None:
    """An optional text of a booking: anyone can book, so a number or a list is refused."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{limit.what} is text, not {type(value).__name__}")
    return limits.check(limit, value)


def parse_booking(p: Mapping[str, Any]) -> Booking:
    """The `appointment.booked` change's payload, checked; raises `InvalidInput`."""
    cloud_id = str(p.get("id") or "")
    if not cloud_id:
        raise InvalidInput("an appointment from the cloud has an id")
    customer = p.get("customer") or {}
    vehicle = p.get("vehicle") or {}
    name = limits.check(limits.NAME, str(customer.get("name") or "").strip())
    if not name:
        raise InvalidInput("the appointment names no customer")
    vin = check_vin(str(vehicle["vin"])).vin if vehicle.get("vin") else None
    plate = plate_key(str(vehicle.get("plate") or "")) or None
    if vin is None and plate is None:
        raise InvalidInput("the appointment identifies no vehicle")
    year = vehicle.get("year")
    return Booking(
        cloud_id=cloud_id,
        name=name,
        phone=check_phone(_optional_text(limits.PHONE, customer.get("phone"))),
        language=str(customer["language"]) if customer.get("language") in ("zh", "en") else "zh",
        vin=vin,
        plate=plate,
        make=_optional_text(limits.MAKE_MODEL, vehicle.get("make")),
        model=_optional_text(limits.MAKE_MODEL, vehicle.get("model")),
        year=int(year) if isinstance(year, int) and plausible_year(year) else None,
        powertrain=parse_powertrain(str(vehicle.get("powertrain") or "ICE")),
        scheduled_at=str(p["scheduled_at"]) if p.get("scheduled_at") else None,
        complaint=limits.check(limits.COMPLAINT, str(p.get("complaint") or "")),
        prediagnosis=json.dumps(
            parse_prediagnosis(p.get("prediagnosis")).to_json(), ensure_ascii=False
        ),
    )


def _appointment(tx: Transaction, p: Mapping[str, Any]) -> tuple[str, str]:
    booking = parse_booking(p)
    if _one(tx, "SELECT id FROM appointments WHERE cloud_id = ?", (booking.cloud_id,)):
        return "duplicate", "appointment already received"
    existing = (
        _one(tx, "SELECT id, customer_id FROM vehicles WHERE vin = ?", (booking.vin,))
        if booking.vin
        else _one(
            tx, "SELECT id, customer_id FROM vehicles WHERE plate = ? ORDER BY id", (booking.plate,)
        )
    )
    known = (
        _one(
            tx,
            "SELECT id FROM customers WHERE name = ? AND phone = ?",
            (booking.name, booking.phone),
        )
        if booking.phone
        else None
    )
    if known is not None:
        customer_id = int(known["id"])
    elif existing is not None and existing["customer_id"] is not None:
        customer_id = int(existing["customer_id"])
    else:
        person = {
            "name": booking.name,
            "phone": booking.phone,
            "language": booking.language,
            "created_at": tx.at,
        }
        customer_id = tx.insert("customers", person)
        tx.record("customer.added", "customer", customer_id, person)
    if existing is not None:
        vehicle_id = int(existing["id"])
    else:
        vehicle_id = insert_vehicle(
            tx,
            vin=booking.vin,
            plate=booking.plate,
            make=booking.make,
            model=booking.model,
            year=booking.year,
            powertrain=booking.powertrain,
            customer_id=customer_id,
            vin_warning=None,
        )
    row = {
        "customer_id": customer_id,
        "vehicle_id": vehicle_id,
        "scheduled_at": booking.scheduled_at or tx.at,
        "complaint": booking.complaint,
        "prediagnosis": booking.prediagnosis,
        "cloud_id": booking.cloud_id,
        "created_at": tx.at,
    }
    appointment_id = tx.insert("appointments", row)
    tx.record("appointment.added", "appointment", appointment_id, row, sync=False)
    return "applied", f"appointment {appointment_id}"


def _remote_approval(tx: Transaction, p: Mapping[str, Any]) -> tuple[str, str]:
    """The customer's decision through the approval link: a new approval row, never an update."""
    return record_remote_decision(
        tx,
        int(p.get("finding_id") or 0),
        parse_enum(Decision, str(p.get("decision"))),
        limits.check(limits.NAME, str(p.get("customer_name") or "").strip()) or "customer",
        str(p.get("at") or tx.at),
        _remote_signature(tx, p.get("signature")),
    )


def _remote_signature(tx: Transaction, raw: Any) -> str | None:
    """The signature the customer drew on the phone, kept like one drawn on the desk's pad."""
    if raw is None:
        return None
    strokes = [[(float(x), float(y)) for x, y in stroke] for stroke in raw["strokes"]]
    row = signature_row(strokes, int(raw["width"]), int(raw["height"]), tx.at)
    return keep_signature(tx, row, sync=False)


def _cancel(tx: Transaction, p: Mapping[str, Any]) -> tuple[str, str]:
    """The customer cancelled: the station owns the status, so it makes the move itself."""
    return cancel_on_request(tx, int(p.get("work_order_id") or 0), "cancelled by the customer")


# -- what the UI shows ---------------------------------------------------------


def conflicts(store: Store) -> list[dict[str, Any]]:
    """Mutations the cloud answered with a conflict or a rejection, newest first."""
    rows = store.query(
        "SELECT seq, mutation_id, kind, entity, entity_id, created_at, acked_at, result FROM outbox "
        "WHERE acked_at IS NOT NULL AND json_extract(result, '$.status') IN ('conflict', 'rejected') "
        "ORDER BY seq DESC"
    )
    for row in rows:
        row["result"] = json.loads(row["result"])
    return rows


def inbox_log(store: Store, limit: int = 100) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM inbox_log ORDER BY change_seq DESC LIMIT ?", (limit,))


def appointment(store: Store, cloud_id: str) -> dict[str, Any] | None:
    row = store.query_one("SELECT * FROM appointments WHERE cloud_id = ?", (cloud_id,))
    if row is not None:
        row["prediagnosis"] = json.loads(row["prediagnosis"])
    return row
