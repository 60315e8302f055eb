"""When the customer is owed an update: a pure rule the desk board flags.

The first update is due within 30 minutes of check-in; while the car stays in
the workshop, at least one every hour after that. A status change is an update
(every one is sent to the customer's app as a progress event).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from station.lifecycle import Status

log = logging.getLogger(__name__)

FIRST_UPDATE_WITHIN = timedelta(minutes=30)
UPDATE_AT_LEAST_EVERY = timedelta(hours=1)

# Stages in which the customer waits on the workshop; booked, ready and final stages owe nothing.
WAITING_STAGES = frozenset(
    {
        Status.CHECKED_IN,
        Status.DIAGNOSING,
        Status.AWAITING_APPROVAL,
        Status.IN_REPAIR,
        Status.QUALITY_CHECK,
    }
)


def update_due_at(
    status: Status, checked_in_at: datetime | None, updates: Iterable[datetime]
) -> datetime | None:
    """When the next customer update is due, or None when none is owed."""
    if status not in WAITING_STAGES or checked_in_at is None:
        return None
    later = [moment for moment in updates if moment > checked_in_at]
    if not later:
        return checked_in_at + FIRST_UPDATE_WITHIN
    return max(later) + UPDATE_AT_LEAST_EVERY


def update_overdue(
    status: Status, checked_in_at: datetime | None, updates: Iterable[datetime], now: datetime
) -> timedelta | None:
    """How late the customer's update is, or None when it is not late."""
    due = update_due_at(status, checked_in_at, updates)
    if due is None or now <= due:
        return None
    return now - due
