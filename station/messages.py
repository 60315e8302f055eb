"""Messages to the customer: an outbox of what to send when, and its templates in both languages.

The station queues a message for each moment the customer should hear about:
the tracker link at check-in, "waiting for your decision", "ready for
pick-up", the day-1 and day-7 follow-ups and the next-service reminder a week
before it is due. A message is queued once (its `dedup_key` is unique), sent
by a sender in the sync layer, retried with backoff when the sender fails, and
its state is kept here for the desk to see. Nothing is sent from this module:
it decides and records; I/O lives in `sync.messaging`.

Messages are derived from the records that cause them (progress events,
follow-ups, the next service due) in one transaction, so a message is never
lost when a status change and the queueing would otherwise be two steps. Only
records made after this outbox was installed are considered: an existing
station does not message every customer it ever had.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlite_utils

from station import lifecycle
from station.command import Actor
from station.errors import InvalidInput, NotFound
from station.identity import next_id
from station.lifecycle import Status
from station.roles import require
from station.store import Store, Transaction, timestamp

log = logging.getLogger(__name__)

SINCE_KEY = "messages.since"
# A message is tried this many times, then shown at the desk as failed.
MAX_ATTEMPTS = 6
# A send that never reported back (the station stopped mid-send) is tried again after this.
STALE_SENDING = timedelta(minutes=10)
REMINDER_AHEAD = timedelta(days=7)
LINK_REVOKED = "work_order.link_revoked"
# How a message that found no address for its customer fails (see `queue_again_for_customer`).
NO_ADDRESS = "no address for this customer"


class Kind(StrEnum):
    TRACKER = "tracker_link"
    WAITING = "awaiting_decision"
    READY = "ready"
    DAY1 = "day1"
    DAY7 = "day7"
    SERVICE = "service_reminder"


class State(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


# The status change that queues each status message.
STATUS_MESSAGES: dict[Status, Kind] = {
    Status.CHECKED_IN: Kind.TRACKER,
    Status.AWAITING_APPROVAL: Kind.WAITING,
    Status.READY: Kind.READY,
}


def migrate(db: sqlite_utils.Database) -> None:
    """One statement at a time inside the migration's transaction: the schema is written once."""
    for statement in (
        "CREATE TABLE messages ("
        "id INTEGER PRIMARY KEY, work_order_id INTEGER NOT NULL REFERENCES work_orders(id), "
        "kind TEXT NOT NULL, dedup_key TEXT NOT NULL UNIQUE, due_at TEXT NOT NULL, "
        "state TEXT NOT NULL DEFAULT 'queued' "
        "CHECK (state IN ('queued','sending','sent','failed','skipped')), "
        "attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, "
        "channel TEXT, address TEXT, last_error TEXT, sent_at TEXT, created_at TEXT NOT NULL)",
        "CREATE INDEX messages_due ON messages(state, next_attempt_at)",
        "CREATE INDEX messages_work_order ON messages(work_order_id, id)",
        "ALTER TABLE customers ADD COLUMN email TEXT",
    ):
        db.execute(statement)
    now = timestamp(datetime.now(UTC))
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (SINCE_KEY, now))


# -- pure rules ------------------------------------------------------------------


def still_relevant(kind: Kind, status: Status, follow_up_done: bool = False) -> bool:
    """A message whose moment has passed is skipped, not sent late."""
    if kind is Kind.TRACKER:
        return status not in lifecycle.FINAL
    if kind is Kind.WAITING:
        return status is Status.AWAITING_APPROVAL
    if kind is Kind.READY:
        return status is Status.READY
    if kind in (Kind.DAY1, Kind.DAY7):
        return status is Status.DELIVERED and not follow_up_done
    return True


def retry_after(attempt: int, base: timedelta = timedelta(minutes=1)) -> timedelta | None:
    """Backoff between tries: 1, 2, 4, 8, 16 minutes; None once the message has failed for good."""
    if attempt >= MAX_ATTEMPTS:
        return None
    factor: int = 2 ** max(attempt - 1, 0)
    return base * factor


def reminder_on(
    due_date: date,
    due_km: int,
    readings: Sequence[tuple[date, int]],
    ahead: timedelta = REMINDER_AHEAD,
) -> date:
    """A week before the next service: by its date, or earlier when the car's mileage gets there first.

    The mileage date is estimated from the car's odometer readings (at least a
    month apart); with fewer readings only the date counts.
    """
    by_date = due_date - ahead
    ordered = sorted(readings)
    if len(ordered) < 2:
        return by_date
    (first_day, first_km), (last_day, last_km) = ordered[0], ordered[-1]
    days = (last_day - first_day).days
    if days < 30 or last_km <= first_km:
        return by_date
    per_day = (last_km - first_km) / days
    by_km = last_day + timedelta(days=max(due_km - last_km, 0) / per_day) - ahead
    return min(by_date, by_km)


@dataclass(frozen=True)
class Facts:
    """What a message says: filled in from the work order, the customer and the link."""

    customer: str
    workshop: str
    number: str
    plate: str
    link: str
    due_date: str = ""
    due_km: int = 0


TEMPLATES: dict[Kind, dict[str, tuple[str, str]]] = {
    Kind.TRACKER: {
        "zh": (
            "{workshop}：您的爱车已接车",
            "{customer}您好，您的车辆 {plate} 已在{workshop}接车（工单 {number}）。随时查看进度、照片和报价：{link}",
        ),
        "en": (
            "{workshop}: your car is checked in",
            "Hello {customer}, your car {plate} is checked in at {workshop} (work order {number}). "
            "Follow its progress, photos and prices here: {link}",
        ),
    },
    Kind.WAITING: {
        "zh": (
            "{workshop}：等待您的决定",
            "{customer}您好，技师在您的车辆 {plate} 上发现了需要处理的项目。请查看照片和报价，并在手机上同意或拒绝：{link}",
        ),
        "en": (
            "{workshop}: waiting for your decision",
            "Hello {customer}, the technician found work on your car {plate}. "
            "See the photos and prices, and approve or decline from your phone: {link}",
        ),
    },
    Kind.READY: {
        "zh": (
            "{workshop}：您的爱车可以取车了",
            "{customer}您好，您的车辆 {plate} 已完工并通过质检，可以取车了。健康报告：{link}",
        ),
        "en": (
            "{workshop}: your car is ready for pick-up",
            "Hello {customer}, your car {plate} is done and passed its quality check: ready for pick-up. "
            "The health report: {link}",
        ),
    },
    Kind.DAY1: {
        "zh": (
            "{workshop}：您对这次服务满意吗？",
            "{customer}您好，感谢您昨天光临{workshop}。请花十秒钟为这次服务打分：{link}",
        ),
        "en": (
            "{workshop}: how was your visit?",
            "Hello {customer}, thank you for visiting {workshop} yesterday. "
            "Ten seconds to rate it: {link}",
        ),
    },
    Kind.DAY7: {
        "zh": (
            "{workshop}：车辆使用回访",
            "{customer}您好，交车一周了，您的车辆 {plate} 有没有出现异响或故障灯？请告诉我们：{link}",
        ),
        "en": (
            "{workshop}: a week later",
            "Hello {customer}, it is a week since we handed back {plate}. "
            "Any noise or warning light since? Tell us here: {link}",
        ),
    },
    Kind.SERVICE: {
        "zh": (
            "{workshop}：保养提醒",
            "{customer}您好，您的车辆 {plate} 下次保养将于 {due_date} 或 {due_km} 公里到期（以先到者为准）。欢迎预约：{link}",
        ),
        "en": (
            "{workshop}: your next service",
            "Hello {customer}, your car {plate} is due for its next service on {due_date} "
            "or at {due_km} km, whichever comes first. Book it here: {link}",
        ),
    },
}


def render(kind: Kind, language: str, facts: Facts) -> tuple[str, str]:
    """The subject and text of one message in the customer's language (Chinese by default)."""
    subject, body = TEMPLATES[kind]["en" if language == "en" else "zh"]
    values = {
        "customer": facts.customer,
        "workshop": facts.workshop,
        "number": facts.number,
        "plate": facts.plate or "-",
        "link": facts.link,
        "due_date": facts.due_date,
        "due_km": f"{facts.due_km:,}",
    }
    return subject.format(**values), body.format(**values)


# -- queueing ------------------------------------------------------------------


def _queue(tx: Transaction, wo_id: int, kind: Kind, key: str, due_at: str) -> None:
    # On a workshop terminal the id comes from the terminal's own block (shared rows).
    base = tx.store.id_base
    row_id = None if base is None else next_id(tx.db.conn, "messages", base)
    tx.execute(
        "INSERT OR IGNORE INTO messages (id, work_order_id, kind, dedup_key, due_at, "
        "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (row_id, wo_id, kind.value, key, due_at, due_at, tx.at),
    )


def queue_for_event(tx: Transaction, event_id: int, wo_id: int, target: Status, at: str) -> None:
    """The message a status change calls for, if any (one per progress event)."""
    kind = STATUS_MESSAGES.get(target)
    if kind is not None:
        _queue(tx, wo_id, kind, f"{kind.value}:{event_id}", at)


def queue_after_delivery(tx: Transaction, wo_id: int) -> None:
    """The follow-ups at their due times and the next-service reminder a week before it."""
    for row in tx.execute(
        "SELECT id, kind, due_at FROM follow_ups WHERE work_order_id = ? ORDER BY id", (wo_id,)
    ).fetchall():
        if row[1] in (Kind.DAY1.value, Kind.DAY7.value):
            _queue(tx, wo_id, Kind(row[1]), f"{row[1]}:{row[0]}", row[2])
    due = tx.execute(
        "SELECT id, vehicle_id, due_km, due_date FROM service_due WHERE work_order_id = ? "
        "ORDER BY id DESC LIMIT 1",
        (wo_id,),
    ).fetchone()
    if due is None:
        return
    readings = [
        (date.fromisoformat(r[0][:10]), int(r[1]))
        for r in tx.execute(
            "SELECT recorded_at, km FROM mileage_readings WHERE vehicle_id = ? ORDER BY id",
            (due[1],),
        ).fetchall()
    ]
    on = reminder_on(date.fromisoformat(due[3]), int(due[2]), readings)
    _queue(
        tx, wo_id, Kind.SERVICE, f"{Kind.SERVICE.value}:{due[0]}", f"{on.isoformat()}T09:00:00.000Z"
    )


def queue_from_records(store: Store) -> int:
    """Queue every message the records call for and that is not queued yet; returns how many."""
    since = store.meta(SINCE_KEY) or ""
    with store.transaction("messages") as tx:
        before = tx.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
        for event_id, wo_id, to_status, at in tx.execute(
            "SELECT id, work_order_id, to_status, at FROM progress_events "
            "WHERE at >= ? AND to_status IN (?, ?, ?) AND (from_status IS NULL OR from_status != to_status)",
            (since, *(s.value for s in STATUS_MESSAGES)),
        ).fetchall():
            queue_for_event(tx, event_id, wo_id, Status(to_status), at)
        for (wo_id,) in tx.execute(
            "SELECT DISTINCT work_order_id FROM service_due WHERE created_at >= ?", (since,)
        ).fetchall():
            queue_after_delivery(tx, wo_id)
        queued = int(tx.execute("SELECT COUNT(*) FROM messages").fetchone()[0]) - int(before)
    return queued


# -- sending: claim, then finish -------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """A message claimed for sending, with everything its template and sender need."""

    id: int
    work_order_id: int
    kind: Kind
    attempt: int
    status: Status
    follow_up_done: bool
    language: str
    name: str
    phone: str | None
    email: str | None
    number: str
    plate: str
    due_date: str
    due_km: int


def claim_due(store: Store, now: datetime, limit: int = 50) -> list[Pending]:
    """Messages due now, marked as being sent (one attempt more) in one transaction."""
    stale = timestamp(now - STALE_SENDING)
    claimed: list[Pending] = []
    with store.transaction("messages") as tx:
        cursor = tx.execute(
            "SELECT m.id, m.work_order_id, m.kind, m.attempts, m.dedup_key, w.status, "
            "c.language, c.name, c.phone, c.email, w.number, v.plate "
            "FROM messages m JOIN work_orders w ON w.id = m.work_order_id "
            "JOIN vehicles v ON v.id = w.vehicle_id LEFT JOIN customers c ON c.id = w.customer_id "
            "WHERE (m.state = 'queued' AND m.next_attempt_at <= ?) "
            "OR (m.state = 'sending' AND m.next_attempt_at <= ?) ORDER BY m.next_attempt_at, m.id LIMIT ?",
            (timestamp(now), stale, limit),
        )
        rows = cursor.fetchall()
        for row in rows:
            (
                mid,
                wo_id,
                kind,
                attempts,
                key,
                status,
                language,
                name,
                phone,
                email,
                number,
                plate,
            ) = row
            done = False
            if kind in (Kind.DAY1.value, Kind.DAY7.value):
                follow = tx.execute(
                    "SELECT done_at FROM follow_ups WHERE id = ?", (int(key.split(":")[1]),)
                ).fetchone()
                done = follow is not None and follow[0] is not None
            due = tx.execute(
                "SELECT due_date, due_km FROM service_due WHERE work_order_id = ? ORDER BY id DESC LIMIT 1",
                (wo_id,),
            ).fetchone()
            tx.execute(
                "UPDATE messages SET state = 'sending', attempts = attempts + 1, next_attempt_at = ? "
                "WHERE id = ?",
                (timestamp(now), mid),
            )
            claimed.append(
                Pending(
                    id=mid,
                    work_order_id=wo_id,
                    kind=Kind(kind),
                    attempt=int(attempts) + 1,
                    status=Status(status),
                    follow_up_done=done,
                    language=language or "zh",
                    name=name or "",
                    phone=phone,
                    email=email,
                    number=number,
                    plate=plate or "",
                    due_date=due[0] if due else "",
                    due_km=int(due[1]) if due else 0,
                )
            )
    return claimed


def _finish(store: Store, message_id: int, values: Mapping[str, Any], audit: str | None) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    with store.transaction("messages") as tx:
        changed = tx.execute(
            f"UPDATE messages SET {sets} WHERE id = ? AND state = 'sending'",
            (*values.values(), message_id),
        ).rowcount
        if changed and audit:
            tx.audit(audit, f"message:{message_id}", dict(values))


def mark_sent(store: Store, message_id: int, channel: str, address: str) -> None:
    _finish(
        store,
        message_id,
        {
            "state": State.SENT.value,
            "channel": channel,
            "address": address,
            "sent_at": timestamp(store.clock()),
            "last_error": None,
        },
        "message.sent",
    )


def mark_skipped(store: Store, message_id: int, reason: str) -> None:
    _finish(store, message_id, {"state": State.SKIPPED.value, "last_error": reason}, None)


def mark_failed(store: Store, message_id: int, attempt: int, error: str, now: datetime) -> State:
    """A failed try: queued again after the backoff, or failed for good after the last one."""
    wait = retry_after(attempt)
    if wait is None:
        _finish(
            store, message_id, {"state": State.FAILED.value, "last_error": error}, "message.failed"
        )
        return State.FAILED
    _finish(
        store,
        message_id,
        {
            "state": State.QUEUED.value,
            "last_error": error,
            "next_attempt_at": timestamp(now + wait),
        },
        None,
    )
    return State.QUEUED


def retry(store: Store, actor: Actor, message_id: int) -> None:
    """The advisor sends a failed message again (after fixing the address, say)."""
    require(actor.role, "customer.manage")
    with store.transaction(actor.name) as tx:
        changed = tx.execute(
            "UPDATE messages SET state = 'queued', attempts = 0, next_attempt_at = ? "
            "WHERE id = ? AND state = 'failed'",
            (tx.at, message_id),
        ).rowcount
        if not changed:
            raise InvalidInput(f"message {message_id} has not failed", key="message.not_failed")
        tx.audit("message.retried", f"message:{message_id}", {})


def outbox(store: Store, limit: int = 200) -> list[dict[str, Any]]:
    """The desk's list: newest first, with the work order and the customer."""
    return store.query(
        "SELECT m.*, w.number, c.name AS customer_name FROM messages m "
        "JOIN work_orders w ON w.id = m.work_order_id LEFT JOIN customers c ON c.id = w.customer_id "
        "ORDER BY m.due_at DESC, m.id DESC LIMIT ?",
        (limit,),
    )


# -- the customer's link and answers -------------------------------------------


def revoke_link(store: Store, actor: Actor, wo_id: int) -> str:
    """Withdraw the work order's customer link; the cloud gives it a new one on sync."""
    require(actor.role, "customer.manage")
    with store.transaction(actor.name) as tx:
        wo = tx.execute("SELECT number FROM work_orders WHERE id = ?", (wo_id,)).fetchone()
        if wo is None:
            raise NotFound(f"work order {wo_id} does not exist", key="record.not_found")
        tx.record(LINK_REVOKED, "work_order", wo_id, {"work_order_id": wo_id, "at": tx.at})
    return str(wo[0])


def queue_again_for_customer(tx: Transaction, customer_id: int) -> int:
    """Messages that failed only for want of an address go out once the customer has one."""
    return int(
        tx.execute(
            "UPDATE messages SET state = 'queued', attempts = 0, next_attempt_at = ?, last_error = NULL "
            "WHERE state = 'failed' AND last_error LIKE ? "
            "AND work_order_id IN (SELECT id FROM work_orders WHERE customer_id = ?)",
            (tx.at, NO_ADDRESS + "%", customer_id),
        ).rowcount
    )


def record_answer(tx: Transaction, p: Mapping[str, Any]) -> tuple[str, str]:
    """The customer's follow-up answer from the page: the follow-up is done with it."""
    follow_up_id = int(p.get("follow_up_id") or 0)
    row = tx.execute(
        "SELECT work_order_id, done_at FROM follow_ups WHERE id = ?", (follow_up_id,)
    ).fetchone()
    if row is None:
        raise NotFound(
            f"follow-up {follow_up_id} does not exist on this station", key="record.not_found"
        )
    if int(row[0]) != int(p.get("work_order_id") or 0):
        raise InvalidInput(
            "that follow-up belongs to another work order", key="record.other_work_order"
        )
    if row[1] is not None:
        return "ignored", "the follow-up was already recorded"
    outcome = str(p.get("outcome") or "customer answered")
    tx.execute(
        "UPDATE follow_ups SET done_at = ?, outcome = ? WHERE id = ?",
        (str(p.get("at") or tx.at), outcome, follow_up_id),
    )
    tx.record("follow_up.done", "follow_up", follow_up_id, {"outcome": outcome}, sync=False)
    return "applied", outcome
