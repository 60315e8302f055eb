"""Vehicles and their mileage history."""

from __future__ import annotations

from enum import StrEnum

from station.errors import InvalidInput


class Powertrain(StrEnum):
    ICE = "ICE"
    HEV = "HEV"
    EV = "EV"


def parse_powertrain(text: str) -> Powertrain:
    try:
        return Powertrain(text.upper())
    except ValueError:
        raise InvalidInput(f"unknown powertrain {text!r}; use ICE, HEV or EV") from None


def check_mileage(previous_km: int | None, new_km: int, confirmed_lower: bool) -> tuple[str, ...]:
    """Warnings for a new odometer reading.

    A reading below the last one is refused unless the person confirms it
    (odometers get replaced, but typos are far more common); once confirmed it is
    kept with its warning.
    """
    if new_km < 0 or new_km > 3_000_000:
        raise InvalidInput(f"mileage {new_km} km is not plausible")
    if previous_km is not None and new_km < previous_km:
        warning = f"mileage went down from {previous_km} km to {new_km} km"
        if not confirmed_lower:
            raise InvalidInput(warning + ": check the odometer, or confirm the lower reading")
        return (warning,)
    return ()
