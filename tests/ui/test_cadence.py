"""The customer-update rule the desk board flags (pure; no Qt)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from station.lifecycle import Status
from ui.cadence import update_due_at, update_overdue

CHECKED_IN = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def minutes(n: float) -> datetime:
    return CHECKED_IN + timedelta(minutes=n)


def test_the_first_update_is_due_30_minutes_after_check_in() -> None:
    assert update_due_at(Status.CHECKED_IN, CHECKED_IN, [CHECKED_IN]) == minutes(30)
    assert update_overdue(Status.CHECKED_IN, CHECKED_IN, [CHECKED_IN], minutes(30)) is None
    assert update_overdue(Status.CHECKED_IN, CHECKED_IN, [CHECKED_IN], minutes(41)) == timedelta(
        minutes=11
    )


def test_after_the_first_update_one_is_due_every_hour() -> None:
    updates = [CHECKED_IN, minutes(20), minutes(50)]
    assert update_due_at(Status.IN_REPAIR, CHECKED_IN, updates) == minutes(110)
    assert update_overdue(Status.IN_REPAIR, CHECKED_IN, updates, minutes(109)) is None
    assert update_overdue(Status.IN_REPAIR, CHECKED_IN, updates, minutes(125)) == timedelta(
        minutes=15
    )


def test_nothing_is_owed_before_check_in_or_once_the_car_is_ready() -> None:
    assert update_due_at(Status.BOOKED, None, []) is None
    for status in (Status.READY, Status.DELIVERED, Status.CANCELLED):
        assert update_overdue(status, CHECKED_IN, [CHECKED_IN], minutes(600)) is None


def test_updates_before_check_in_do_not_count() -> None:
    booked = CHECKED_IN - timedelta(days=1)
    assert update_due_at(Status.DIAGNOSING, CHECKED_IN, [booked, CHECKED_IN]) == minutes(30)
