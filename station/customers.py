"""Customers, their vehicles and their appointments, as the desk registers them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from station import limits
from station.command import Actor, Created, maybe_one, one
from station.errors import InvalidInput
from station.prediagnosis import parse as parse_prediagnosis
from station.roles import require
from station.store import Store, timestamp
from station.vehicles import Powertrain, insert_vehicle, plate_key, plausible_year
from station.vin import check_vin

LANGUAGES = ("zh", "en")


def check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidInput(f"unknown language {language!r}; use zh or en")


class Customers:
    store: Store

    def add_customer(
        self, actor: Actor, name: str, phone: str | None = None, language: str = "zh"
    ) -> Created:
        require(actor.role, "customer.manage")
        if not name.strip():
            raise InvalidInput("a customer needs a name")
        limits.check(limits.NAME, name.strip())
        limits.check_optional(limits.PHONE, phone)
        check_language(language)
        with self.store.transaction(actor.name) as tx:
            row = {"name": name.strip(), "phone": phone, "language": language, "created_at": tx.at}
            customer_id = tx.insert("customers", row)
            tx.record("customer.added", "customer", customer_id, row)
        return Created(customer_id)

    def add_vehicle(
        self,
        actor: Actor,
        vin: str | None,
        plate: str | None,
        powertrain: Powertrain,
        make: str | None = None,
        model: str | None = None,
        year: int | None = None,
        customer_id: int | None = None,
    ) -> Created:
        require(actor.role, "vehicle.manage")
        warnings: tuple[str, ...] = ()
        normalised = None
        if vin:
            checked = check_vin(vin)
            normalised, warnings = checked.vin, checked.warnings
        plate = plate_key(plate) if plate else None
        if not normalised and not plate:
            raise InvalidInput("a vehicle needs a VIN or a plate")
        if year is not None and not plausible_year(year):
            raise InvalidInput(f"model year {year} is not plausible")
        with self.store.transaction(actor.name) as tx:
            if normalised and maybe_one(tx, "SELECT id FROM vehicles WHERE vin = ?", (normalised,)):
                raise InvalidInput(f"a vehicle with VIN {normalised} is already registered")
            if customer_id is not None:
                one(
                    tx,
                    "SELECT id FROM customers WHERE id = ?",
                    (customer_id,),
                    f"customer {customer_id}",
                )
            vehicle_id = insert_vehicle(
                tx,
                vin=normalised,
                plate=plate,
                make=make,
                model=model,
                year=year,
                powertrain=powertrain,
                customer_id=customer_id,
                vin_warning="; ".join(warnings) or None,
            )
        return Created(vehicle_id, warnings)

    def add_appointment(
        self,
        actor: Actor,
        customer_id: int,
        vehicle_id: int,
        scheduled_at: datetime,
        complaint: str,
        prediagnosis: dict[str, Any] | None = None,
        cloud_id: str | None = None,
    ) -> Created:
        require(actor.role, "appointment.manage")
        limits.check(limits.COMPLAINT, complaint)
        checked = parse_prediagnosis(prediagnosis).to_json()
        with self.store.transaction(actor.name) as tx:
            one(
                tx,
                "SELECT id FROM customers WHERE id = ?",
                (customer_id,),
                f"customer {customer_id}",
            )
            one(tx, "SELECT id FROM vehicles WHERE id = ?", (vehicle_id,), f"vehicle {vehicle_id}")
            row = {
                "customer_id": customer_id,
                "vehicle_id": vehicle_id,
                "scheduled_at": timestamp(scheduled_at),
                "complaint": complaint,
                "prediagnosis": json.dumps(checked, ensure_ascii=False),
                "cloud_id": cloud_id,
                "created_at": tx.at,
            }
            appointment_id = tx.insert("appointments", row)
            tx.record(
                "appointment.added", "appointment", appointment_id, row, sync=cloud_id is None
            )
        return Created(appointment_id)
