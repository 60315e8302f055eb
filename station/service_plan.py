"""After delivery: the follow-up calls and the next service due, by distance and by date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from station.vehicles import Powertrain

FOLLOW_UPS: tuple[tuple[str, timedelta], ...] = (
    ("day1", timedelta(hours=24)),
    ("day7", timedelta(days=7)),
)

# Typical maintenance intervals; an electric car has no oil to change.
SERVICE_INTERVAL: dict[Powertrain, tuple[int, int]] = {
    Powertrain.ICE: (10_000, 12),
    Powertrain.HEV: (10_000, 12),
    Powertrain.EV: (20_000, 24),
}


@dataclass(frozen=True)
class ServiceDue:
    km: int
    date: date


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def next_service(powertrain: Powertrain, mileage_km: int, today: date) -> ServiceDue:
    """Whichever comes first for the customer: the distance or the date."""
    km, months = SERVICE_INTERVAL[powertrain]
    return ServiceDue(km=mileage_km + km, date=add_months(today, months))
