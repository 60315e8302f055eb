"""Vehicles and their mileage history."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from station import limits
from station.errors import InvalidInput

if TYPE_CHECKING:
    from station.store import Transaction


class Powertrain(StrEnum):
    ICE = "ICE"
    HEV = "HEV"
    EV = "EV"


def parse_powertrain(text: str) -> Powertrain:
    try:
        return Powertrain(text.upper())
    except ValueError:
        raise InvalidInput(
            f"unknown powertrain {text!r}; use ICE, HEV or EV",
            key="vehicle.powertrain",
            powertrain=text,
        ) from None


def plate_key(plate: str) -> str:
    """A plate as stored and searched: upper case, no spaces ("粤b 12345" is "粤B12345")."""
    return plate.strip().upper().replace(" ", "")


def plausible_year(year: int) -> bool:
    return 1950 <= year <= 2100


def vehicle_row(
    *,
    vin: str | None,
    plate: str | None,
    make: str | None,
    model: str | None,
    year: int | None,
    powertrain: Powertrain,
    customer_id: int | None,
    vin_warning: str | None,
    at: str,
) -> dict[str, Any]:
    """A vehicle's columns as the station and the workshop hub both write them."""
    limits.check_optional(limits.PLATE, plate)
    limits.check_optional(limits.MAKE_MODEL, make)
    limits.check_optional(limits.MAKE_MODEL, model)
    return {
        "vin": vin,
        "vin_reversed": vin[::-1] if vin else None,
        "plate": plate,
        "make": make,
        "model": model,
        "year": year,
        "powertrain": powertrain.value,
        "customer_id": customer_id,
        "vin_warning": vin_warning,
        "created_at": at,
    }


def insert_vehicle(
    tx: Transaction,
    *,
    vin: str | None,
    plate: str | None,
    make: str | None,
    model: str | None,
    year: int | None,
    powertrain: Powertrain,
    customer_id: int | None,
    vin_warning: str | None,
) -> int:
    """The vehicle row and its event, whether the desk or a cloud appointment adds the car.

    `vin_reversed` only serves the search by the VIN's last characters: it stays out
    of the event.
    """
    row = vehicle_row(
        vin=vin,
        plate=plate,
        make=make,
        model=model,
        year=year,
        powertrain=powertrain,
        customer_id=customer_id,
        vin_warning=vin_warning,
        at=tx.at,
    )
    vehicle_id = tx.insert("vehicles", row)
    tx.record(
        "vehicle.added",
        "vehicle",
        vehicle_id,
        {k: v for k, v in row.items() if k != "vin_reversed"},
    )
    return vehicle_id


def check_mileage(previous_km: int | None, new_km: int, confirmed_lower: bool) -> tuple[str, ...]:
    """Warnings for a new odometer reading.

    A reading below the last one is refused unless the person confirms it
    (odometers get replaced, but typos are far more common); once confirmed it is
    kept with its warning.
    """
    if new_km < 0 or new_km > 3_000_000:
        raise InvalidInput(
            f"mileage {new_km} km is not plausible", key="mileage.implausible", km=new_km
        )
    if previous_km is not None and new_km < previous_km:
        warning = f"mileage went down from {previous_km} km to {new_km} km"
        if not confirmed_lower:
            raise InvalidInput(
                warning + ": check the odometer, or confirm the lower reading",
                key="mileage.down",
                previous=previous_km,
                new=new_km,
            )
        return (warning,)
    return ()
