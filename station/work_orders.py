"""The work order and its lifecycle: creating it, moving it, and telling the customer.

Every move loads the work order and the facts its guards need inside the
transaction that writes it, so the version written is always the one read.
"""

from __future__ import annotations

import logging
from typing import Any

from station import lifecycle, limits, messages
from station.command import SYSTEM, Actor, Created, maybe_one, one, rows
from station.errors import InvalidInput, StoreError, TransitionRefused
from station.findings import ApprovalState, Decision, state_after
from station.identity import next_work_order_number
from station.lifecycle import Status, WorkOrderFacts
from station.roles import require
from station.service_plan import FOLLOW_UPS, next_service
from station.store import Store, Transaction, timestamp
from station.truth import Standing, finding_standing, with_waiting
from station.vehicles import Powertrain

log = logging.getLogger(__name__)


def load_work_order(tx: Transaction, wo_id: int) -> dict[str, Any]:
    return one(tx, "SELECT * FROM work_orders WHERE id = ?", (wo_id,), f"work order {wo_id}")


def approval_state(tx: Transaction, finding_id: int) -> ApprovalState:
    """Where the customer's decisions on one finding stand, read inside `tx`."""
    return state_after(
        [
            Decision(r["decision"])
            for r in rows(
                tx, "SELECT decision FROM approvals WHERE finding_id = ? ORDER BY id", (finding_id,)
            )
        ]
    )


def standing_of(tx: Transaction, finding_id: int) -> Standing:
    """Whether a finding still counts, or was withdrawn or superseded (station/corrections.py)."""
    return finding_standing(
        rows(
            tx,
            "SELECT replaced_by FROM finding_corrections WHERE finding_id = ? ORDER BY id",
            (finding_id,),
        )
    )


def load_facts(tx: Transaction, wo_id: int) -> WorkOrderFacts:
    """What the lifecycle guards need, read inside the transaction that acts on them.
    Withdrawn and superseded findings wait for nothing and allow nothing."""
    states = [
        approval_state(tx, f["id"])
        for f in rows(tx, "SELECT id FROM findings WHERE work_order_id = ?", (wo_id,))
        if standing_of(tx, f["id"]) is Standing.ACTIVE
    ]
    qc = maybe_one(
        tx,
        "SELECT passed FROM quality_checks WHERE work_order_id = ? ORDER BY id DESC LIMIT 1",
        (wo_id,),
    )
    booked = rows(
        tx, "SELECT id FROM jobs WHERE work_order_id = ? AND finding_id IS NULL", (wo_id,)
    )
    open_entries = rows(
        tx,
        "SELECT e.id FROM clock_entries e JOIN jobs j ON j.id = e.job_id "
        "WHERE j.work_order_id = ? AND e.ended_at IS NULL",
        (wo_id,),
    )
    report = maybe_one(tx, "SELECT id FROM reports WHERE work_order_id = ? LIMIT 1", (wo_id,))
    return WorkOrderFacts(
        pending_findings=states.count(ApprovalState.PENDING),
        approved_findings=states.count(ApprovalState.APPROVED),
        booked_jobs=len(booked),
        open_clock_entries=len(open_entries),
        quality_check_passed=bool(qc and qc["passed"]),
        report_issued=report is not None,
    )


def refuse_if_closed(wo: dict[str, Any]) -> None:
    if Status(wo["status"]) in lifecycle.FINAL:
        raise TransitionRefused(
            f"work order {wo['number']} is {wo['status']}",
            key="work_order.closed",
            number=wo["number"],
            status=wo["status"],
        )


def move(
    tx: Transaction, actor: Actor, wo: dict[str, Any], target: Status, note: str | None
) -> int:
    """Write a status change of `wo` (read in `tx`) and its progress event; the new version."""
    version = int(wo["version"]) + 1
    changed = tx.execute(
        "UPDATE work_orders SET status = ?, version = ?, status_since = ? "
        "WHERE id = ? AND version = ?",
        (target.value, version, tx.at, wo["id"], wo["version"]),
    ).rowcount
    if changed != 1:
        # Only possible when `wo` was read outside this transaction: a programming error.
        raise StoreError(
            f"work order {wo['number']} changed while it was being moved",
            key="work_order.changed_meanwhile",
            number=wo["number"],
        )
    progress(tx, actor, wo["id"], Status(wo["status"]), target, note, version)
    return version


def progress(
    tx: Transaction,
    actor: Actor,
    wo_id: int,
    current: Status | None,
    target: Status,
    note: str | None,
    version: int = 1,
) -> None:
    plain = lifecycle.progress_text(target)
    waiting = load_facts(tx, wo_id).pending_findings if current is not None else 0
    text_en, text_zh = with_waiting((plain.en, plain.zh), target.value, waiting)
    row = {
        "work_order_id": wo_id,
        "from_status": current.value if current else None,
        "to_status": target.value,
        "text_en": text_en,
        "text_zh": text_zh,
        "note": note,
        "at": tx.at,
        "actor": actor.user_id,
    }
    event_id = tx.insert("progress_events", row)
    tx.record("work_order.status_changed", "progress_event", event_id, {**row, "version": version})
    messages.queue_for_event(tx, event_id, wo_id, target, tx.at)


def schedule_after_delivery(tx: Transaction, wo: dict[str, Any]) -> None:
    """Delivery plans the follow-up calls and the next service."""
    for kind, after in FOLLOW_UPS:
        row = {"work_order_id": wo["id"], "kind": kind, "due_at": timestamp(tx.now + after)}
        follow_up_id = tx.insert("follow_ups", row)
        tx.record("follow_up.scheduled", "follow_up", follow_up_id, row)
    vehicle = one(
        tx, "SELECT powertrain FROM vehicles WHERE id = ?", (wo["vehicle_id"],), "vehicle"
    )
    km_row = maybe_one(
        tx,
        "SELECT km FROM mileage_readings WHERE vehicle_id = ? ORDER BY id DESC LIMIT 1",
        (wo["vehicle_id"],),
    )
    due = next_service(
        Powertrain(vehicle["powertrain"]), km_row["km"] if km_row else 0, tx.now.date()
    )
    row = {
        "vehicle_id": wo["vehicle_id"],
        "work_order_id": wo["id"],
        "due_km": due.km,
        "due_date": due.date.isoformat(),
        "created_at": tx.at,
    }
    due_id = tx.insert("service_due", row)
    tx.record("service_due.set", "service_due", due_id, row)
    messages.queue_after_delivery(tx, wo["id"])


class WorkOrders:
    """Opening a work order and moving it along its lifecycle."""

    store: Store

    def create_work_order(
        self,
        actor: Actor,
        vehicle_id: int,
        complaint: str = "",
        customer_id: int | None = None,
        appointment_id: int | None = None,
        bay: str | None = None,
        booked_jobs: list[str] | None = None,
    ) -> Created:
        """A work order starts `booked`; the jobs the customer booked are approved by booking them."""
        require(actor.role, "work_order.create")
        limits.check(limits.COMPLAINT, complaint)
        limits.check_optional(limits.BAY, bay)
        for job in booked_jobs or []:
            limits.check(limits.DESCRIPTION, job)
        with self.store.transaction(actor.name) as tx:
            vehicle = one(
                tx, "SELECT * FROM vehicles WHERE id = ?", (vehicle_id,), f"vehicle {vehicle_id}"
            )
            customer_id = customer_id or vehicle["customer_id"]
            if appointment_id is not None:
                appointment = one(
                    tx,
                    "SELECT * FROM appointments WHERE id = ?",
                    (appointment_id,),
                    f"appointment {appointment_id}",
                )
                complaint = complaint or appointment["complaint"]
            number = next_work_order_number(tx.db.conn, tx.now)
            row = {
                "number": number,
                "vehicle_id": vehicle_id,
                "customer_id": customer_id,
                "appointment_id": appointment_id,
                "bay": bay,
                "complaint": complaint,
                "status": Status.BOOKED.value,
                "version": 1,
                "status_since": tx.at,
                "created_at": tx.at,
                "created_by": actor.user_id,
            }
            wo_id = tx.insert("work_orders", row)
            tx.record("work_order.created", "work_order", wo_id, row)
            progress(tx, actor, wo_id, None, Status.BOOKED, None)
            for description in booked_jobs or []:
                job_id = tx.insert(
                    "jobs",
                    {"work_order_id": wo_id, "description": description, "created_at": tx.at},
                )
                tx.record(
                    "job.added", "job", job_id, {"work_order_id": wo_id, "description": description}
                )
            if appointment_id is not None:
                tx.execute(
                    "UPDATE appointments SET status = 'arrived' WHERE id = ?", (appointment_id,)
                )
        return Created(wo_id)

    def change_status(
        self, actor: Actor, wo_id: int, target: Status, note: str | None = None
    ) -> None:
        """Move a work order along its lifecycle if its guards and the actor's role allow it."""
        if target is Status.CHECKED_IN:
            raise InvalidInput(
                "check in a work order with its mileage (check_in), not a bare status",
                key="work_order.check_in_form",
            )
        if target is Status.BOOKED:
            raise TransitionRefused(
                "a work order cannot go back to booked", key="lifecycle.not_back_to_booked"
            )
        require(actor.role, lifecycle.PERMISSION_FOR[target])
        limits.check_optional(limits.NOTE, note)
        with self.store.transaction(actor.name) as tx:
            wo = load_work_order(tx, wo_id)
            lifecycle.check_transition(Status(wo["status"]), target, load_facts(tx, wo_id))
            move(tx, actor, wo, target, note)
            if target is Status.DELIVERED:
                schedule_after_delivery(tx, wo)

    def post_update(self, actor: Actor, wo_id: int, note: str) -> Created:
        """A progress message to the customer without a status change ("waiting for the part").

        The customer is owed an update within 30 minutes of check-in and hourly in
        long stages; this is how the desk keeps that promise between status changes.
        """
        require(actor.role, "progress.update")
        if not note.strip():
            raise InvalidInput(
                "an update needs a message for the customer", key="update.needs_message"
            )
        limits.check(limits.NOTE, note)
        with self.store.transaction(actor.name) as tx:
            wo = load_work_order(tx, wo_id)
            status = Status(wo["status"])
            if status in lifecycle.FINAL:
                raise TransitionRefused(
                    f"work order {wo['number']} is {status}: the visit is over",
                    key="work_order.closed",
                    number=wo["number"],
                    status=status.value,
                )
            text = lifecycle.progress_text(status)
            row = {
                "work_order_id": wo_id,
                "from_status": status.value,
                "to_status": status.value,
                "text_en": text.en,
                "text_zh": text.zh,
                "note": note.strip(),
                "at": tx.at,
                "actor": actor.user_id,
            }
            event_id = tx.insert("progress_events", row)
            tx.record("work_order.update_posted", "progress_event", event_id, row)
        return Created(event_id)


def cancel_on_request(tx: Transaction, wo_id: int, note: str) -> tuple[str, str]:
    """The customer cancelled through the cloud; decided and written inside the inbox's `tx`."""
    wo = maybe_one(tx, "SELECT * FROM work_orders WHERE id = ?", (wo_id,))
    if wo is None:
        raise InvalidInput(
            f"work order {wo_id} does not exist on this station", key="record.not_found"
        )
    lifecycle.check_transition(Status(wo["status"]), Status.CANCELLED, WorkOrderFacts())
    move(tx, SYSTEM, wo, Status.CANCELLED, note)
    return "applied", f"work order {wo['number']} cancelled"
