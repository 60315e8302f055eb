"""Customers, their vehicles and their appointments, as the desk registers them."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from station import limits, messages
from station.command import Actor, Created, maybe_one, one
from station.errors import InvalidInput
from station.prediagnosis import parse as parse_prediagnosis
from station.roles import require
from station.store import Store, timestamp
from station.vehicles import Powertrain, insert_vehicle, plate_key, plausible_year
from station.vin import check_vin

LANGUAGES = ("zh", "en")
# One @, something either side, a dot in the domain, no spaces: enough to catch a typo
# at the desk; the mail server is the judge of the rest.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]*$")
MIN_PHONE_DIGITS = 5


def check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidInput(
            f"unknown language {language!r}; use zh or en",
            key="language.unknown",
            language=language,
        )


def check_email(text: str | None) -> str | None:
    """An e-mail address as typed, trimmed; None when left empty."""
    address = (text or "").strip()
    if not address:
        return None
    limits.check(limits.EMAIL, address)
    if not _EMAIL.match(address) or any(ord(c) < 32 for c in address):
        raise InvalidInput(
            f"{address!r} is not an e-mail address (like name@example.com)",
            key="email_invalid",
            address=address,
        )
    return address


def check_phone(text: str | None) -> str | None:
    """A phone number as typed (digits, spaces, dashes, brackets, a leading +); None when empty."""
    number = (text or "").strip()
    if not number:
        return None
    limits.check(limits.PHONE, number)
    if not _PHONE.match(number) or sum(c.isdigit() for c in number) < MIN_PHONE_DIGITS:
        raise InvalidInput(
            f"{number!r} is not a phone number (digits, with + for another country)",
            key="phone_invalid",
            number=number,
        )
    return number


def contact_changes(
    current: dict[str, Any], email: str | None, phone: str | None
) -> dict[str, str | None]:
    """What setting the contact changes: a field given as None is kept, "" clears it."""
    wanted: dict[str, str | None] = {}
    if email is not None:
        wanted["email"] = check_email(email)
    if phone is not None:
        wanted["phone"] = check_phone(phone)
    return {k: v for k, v in wanted.items() if current.get(k) != v}


class Customers:
    store: Store

    def add_customer(
        self,
        actor: Actor,
        name: str,
        phone: str | None = None,
        language: str = "zh",
        email: str | None = None,
    ) -> Created:
        require(actor.role, "customer.manage")
        if not name.strip():
            raise InvalidInput("a customer needs a name", key="customer.needs_name")
        limits.check(limits.NAME, name.strip())
        number = check_phone(phone)
        check_language(language)
        address = check_email(email)
        with self.store.transaction(actor.name) as tx:
            row = {"name": name.strip(), "phone": number, "language": language, "created_at": tx.at}
            if address is not None:
                row["email"] = address
            customer_id = tx.insert("customers", row)
            tx.record("customer.added", "customer", customer_id, row)
        return Created(customer_id)

    def set_contact(
        self, actor: Actor, customer_id: int, email: str | None = None, phone: str | None = None
    ) -> dict[str, str | None]:
        """The customer's e-mail and phone, where their messages go; returns what changed.

        Messages that had failed for want of an address are queued again in the
        same transaction, so they go out on the next send.
        """
        require(actor.role, "customer.manage")
        with self.store.transaction(actor.name) as tx:
            current = one(
                tx,
                "SELECT id, email, phone FROM customers WHERE id = ?",
                (customer_id,),
                f"customer {customer_id}",
            )
            changes = contact_changes(current, email, phone)
            if not changes:
                return changes
            sets = ", ".join(f"{column} = ?" for column in changes)
            tx.execute(
                f"UPDATE customers SET {sets} WHERE id = ?", (*changes.values(), customer_id)
            )
            tx.audit("customer.contact_set", f"customer:{customer_id}", changes)
            messages.queue_again_for_customer(tx, customer_id)
        return changes

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
            raise InvalidInput("a vehicle needs a VIN or a plate", key="vehicle.needs_id")
        if year is not None and not plausible_year(year):
            raise InvalidInput(f"model year {year} is not plausible", key="vehicle.year", year=year)
        with self.store.transaction(actor.name) as tx:
            if normalised and maybe_one(tx, "SELECT id FROM vehicles WHERE vin = ?", (normalised,)):
                raise InvalidInput(
                    f"a vehicle with VIN {normalised} is already registered",
                    key="vin.registered",
                    vin=normalised,
                )
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
