"""The workshop's commands: every state change a person can make, with its role check.

`Workshop` is the one door into the store for the UI, the command line, the
demo and the sync client. Each command checks the actor's role, validates its
input before touching anything, and writes its rows, audit event and outbox
entry in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from station import auth, lifecycle
from station.audit import canonical_json
from station.checklists import (
    ChecklistTemplate,
    Rating,
    load_template,
    remaining_life_km,
    suggest_rating,
)
from station.errors import (
    AccountLocked,
    AuthenticationFailed,
    ImmutableRecord,
    InvalidInput,
    NotFound,
    TransitionRefused,
)
from station.findings import (
    ApprovalState,
    Channel,
    Decision,
    EstimateLine,
    Severity,
    estimate_total_cents,
    state_after,
    validate_lines,
)
from station.lifecycle import Status, WorkOrderFacts
from station.roles import Role, require
from station.service_plan import FOLLOW_UPS, next_service
from station.store import Store, Transaction, timestamp
from station.vehicles import (
    Powertrain,
    check_mileage,
    insert_vehicle,
    plate_key,
    plausible_year,
)
from station.vin import check_vin

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """A logged-in person; every command takes one and checks its role."""

    user_id: int
    name: str
    role: Role

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role.value})"


# The identity the station uses for its own bootstrap and for changes that
# arrive from the cloud (a remote approval, an appointment).
SYSTEM = Actor(user_id=0, name="system", role=Role.ADMIN)


@dataclass(frozen=True)
class Created:
    id: int
    warnings: tuple[str, ...] = ()


class Workshop:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- users -------------------------------------------------------------

    def add_user(
        self,
        actor: Actor | None,
        name: str,
        role: Role,
        pin: str,
        display_name: str | None = None,
        language: str = "zh",
    ) -> Created:
        """Add a user; `actor` may be None only for the very first (admin) user."""
        has_users = self.store.query_one("SELECT 1 AS x FROM users LIMIT 1") is not None
        if actor is None:
            if has_users:
                raise AuthenticationFailed("log in as an admin to add users")
            if role is not Role.ADMIN:
                raise InvalidInput("the first user must be an admin")
        else:
            require(actor.role, "user.manage")
        name = name.strip()
        if not name:
            raise InvalidInput("a user needs a name")
        if language not in ("zh", "en"):
            raise InvalidInput(f"unknown language {language!r}; use zh or en")
        pin_hash = auth.hash_pin(pin)
        if self.store.query_one("SELECT id FROM users WHERE name = ?", (name,)):
            raise InvalidInput(f"user {name!r} already exists")
        with self.store.transaction(actor.name if actor else name) as tx:
            user_id = tx.insert(
                "users",
                {
                    "name": name,
                    "display_name": display_name or name,
                    "role": role.value,
                    "language": language,
                    "pin_salt": pin_hash.salt,
                    "pin_hash": pin_hash.digest,
                    "created_at": tx.at,
                },
            )
            tx.record("user.added", "user", user_id, {"name": name, "role": role.value}, sync=False)
        return Created(user_id)

    def login(self, name: str, pin: str) -> Actor:
        row = self.store.query_one("SELECT * FROM users WHERE name = ? AND active = 1", (name,))
        if row is None:
            raise AuthenticationFailed("unknown user or wrong PIN")
        if auth.is_locked(row["failed_attempts"]):
            raise AccountLocked(f"{name} is locked after too many wrong PINs: ask an admin")
        if not auth.pin_matches(pin, auth.PinHash(row["pin_salt"], row["pin_hash"])):
            with self.store.transaction(name) as tx:
                tx.execute(
                    "UPDATE users SET failed_attempts = failed_attempts + 1 WHERE id = ?",
                    (row["id"],),
                )
                tx.audit("user.login_failed", f"user:{row['id']}", {})
            left = auth.MAX_FAILED_ATTEMPTS - row["failed_attempts"] - 1
            if left <= 0:
                raise AccountLocked(f"wrong PIN: {name} is now locked, ask an admin")
            raise AuthenticationFailed(f"unknown user or wrong PIN ({left} attempts left)")
        if row["failed_attempts"]:
            with self.store.transaction(name) as tx:
                tx.execute("UPDATE users SET failed_attempts = 0 WHERE id = ?", (row["id"],))
        return Actor(user_id=row["id"], name=row["name"], role=Role(row["role"]))

    def unlock_user(self, actor: Actor, name: str) -> None:
        require(actor.role, "user.manage")
        row = self._one("SELECT id FROM users WHERE name = ?", (name,), f"user {name!r}")
        with self.store.transaction(actor.name) as tx:
            tx.execute("UPDATE users SET failed_attempts = 0 WHERE id = ?", (row["id"],))
            tx.audit("user.unlocked", f"user:{row['id']}", {})

    # -- customers, vehicles, appointments ---------------------------------

    def add_customer(
        self, actor: Actor, name: str, phone: str | None = None, language: str = "zh"
    ) -> Created:
        require(actor.role, "customer.manage")
        if not name.strip():
            raise InvalidInput("a customer needs a name")
        if language not in ("zh", "en"):
            raise InvalidInput(f"unknown language {language!r}; use zh or en")
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
            if self.store.query_one("SELECT id FROM vehicles WHERE vin = ?", (normalised,)):
                raise InvalidInput(f"a vehicle with VIN {normalised} is already registered")
        plate = plate_key(plate) if plate else None
        if not normalised and not plate:
            raise InvalidInput("a vehicle needs a VIN or a plate")
        if year is not None and not plausible_year(year):
            raise InvalidInput(f"model year {year} is not plausible")
        if customer_id is not None:
            self._one(
                "SELECT id FROM customers WHERE id = ?", (customer_id,), f"customer {customer_id}"
            )
        with self.store.transaction(actor.name) as tx:
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

    def find_vehicles(
        self, vin: str | None = None, vin_suffix: str | None = None, plate: str | None = None
    ) -> list[dict[str, Any]]:
        """Search by full VIN, by the last characters of the VIN, or by plate (all indexed)."""
        if vin:
            return self.store.query("SELECT * FROM vehicles WHERE vin = ?", (vin.strip().upper(),))
        if vin_suffix:
            reversed_suffix = vin_suffix.strip().upper()[::-1]
            return self.store.query(
                "SELECT * FROM vehicles WHERE vin_reversed >= ? AND vin_reversed < ? ORDER BY id",
                (reversed_suffix, reversed_suffix + "\uffff"),
            )
        if plate:
            return self.store.query("SELECT * FROM vehicles WHERE plate = ?", (plate_key(plate),))
        raise InvalidInput("search by VIN, VIN suffix or plate")

    def work_orders_for_vehicle(self, vehicle_id: int) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT * FROM work_orders WHERE vehicle_id = ? ORDER BY id DESC", (vehicle_id,)
        )

    def vehicle(self, vehicle_id: int) -> dict[str, Any]:
        return self._one(
            "SELECT * FROM vehicles WHERE id = ?", (vehicle_id,), f"vehicle {vehicle_id}"
        )

    def last_mileage(self, vehicle_id: int) -> int | None:
        row = self.store.query_one(
            "SELECT km FROM mileage_readings WHERE vehicle_id = ? ORDER BY id DESC LIMIT 1",
            (vehicle_id,),
        )
        return None if row is None else int(row["km"])

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
        self._one(
            "SELECT id FROM customers WHERE id = ?", (customer_id,), f"customer {customer_id}"
        )
        self.vehicle(vehicle_id)
        with self.store.transaction(actor.name) as tx:
            row = {
                "customer_id": customer_id,
                "vehicle_id": vehicle_id,
                "scheduled_at": timestamp(scheduled_at),
                "complaint": complaint,
                "prediagnosis": json.dumps(prediagnosis or {}, ensure_ascii=False),
                "cloud_id": cloud_id,
                "created_at": tx.at,
            }
            appointment_id = tx.insert("appointments", row)
            tx.record(
                "appointment.added", "appointment", appointment_id, row, sync=cloud_id is None
            )
        return Created(appointment_id)

    # -- work orders -------------------------------------------------------

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
        vehicle = self.vehicle(vehicle_id)
        customer_id = customer_id or vehicle["customer_id"]
        if appointment_id is not None:
            appointment = self._one(
                "SELECT * FROM appointments WHERE id = ?",
                (appointment_id,),
                f"appointment {appointment_id}",
            )
            complaint = complaint or appointment["complaint"]
        with self.store.transaction(actor.name) as tx:
            number_row = tx.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM work_orders").fetchone()
            number = f"WO-{tx.now:%Y%m%d}-{number_row[0]:05d}"
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
            self._progress(tx, actor, wo_id, None, Status.BOOKED, None)
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

    def work_order(self, wo_id: int) -> dict[str, Any]:
        return self._one("SELECT * FROM work_orders WHERE id = ?", (wo_id,), f"work order {wo_id}")

    def customer_name(self, wo_id: int) -> str | None:
        """Who the work order is for: the name an approval or a handover is signed under."""
        row = self.store.query_one(
            "SELECT c.name FROM customers c JOIN work_orders w ON w.customer_id = c.id WHERE w.id = ?",
            (wo_id,),
        )
        return None if row is None else str(row["name"])

    def work_order_by_number(self, number: str) -> dict[str, Any]:
        return self._one(
            "SELECT * FROM work_orders WHERE number = ?", (number,), f"work order {number}"
        )

    def list_work_orders(
        self, status: Status | None = None, limit: int = 200
    ) -> list[dict[str, Any]]:
        sql = (
            "SELECT w.*, v.vin, v.plate, v.make, v.model, c.name AS customer_name "
            "FROM work_orders w JOIN vehicles v ON v.id = w.vehicle_id "
            "LEFT JOIN customers c ON c.id = w.customer_id "
        )
        if status is not None:
            return self.store.query(
                sql + "WHERE w.status = ? ORDER BY w.id DESC LIMIT ?", (status.value, limit)
            )
        return self.store.query(sql + "ORDER BY w.id DESC LIMIT ?", (limit,))

    def check_in(
        self,
        actor: Actor,
        wo_id: int,
        mileage_km: int,
        energy_level_pct: int | None = None,
        warning_lights: list[str] | None = None,
        valuables: str = "",
        damage_marks: list[dict[str, Any]] | None = None,
        customer_confirmed: bool = False,
        confirm_lower_mileage: bool = False,
    ) -> tuple[str, ...]:
        """Reception: record the walk-around facts and move the work order to checked_in."""
        require(actor.role, "work_order.check_in")
        wo = self.work_order(wo_id)
        if energy_level_pct is not None and not 0 <= energy_level_pct <= 100:
            raise InvalidInput("fuel or charge level is a percentage from 0 to 100")
        warnings = check_mileage(
            self.last_mileage(wo["vehicle_id"]), mileage_km, confirm_lower_mileage
        )
        current = Status(wo["status"])
        lifecycle.check_transition(current, Status.CHECKED_IN, self._facts(wo_id))
        with self.store.transaction(actor.name) as tx:
            row = {
                "work_order_id": wo_id,
                "mileage_km": mileage_km,
                "energy_level_pct": energy_level_pct,
                "warning_lights": json.dumps(warning_lights or []),
                "valuables": valuables,
                "damage_marks": json.dumps(damage_marks or []),
                "customer_confirmed": int(customer_confirmed),
                "recorded_at": tx.at,
                "recorded_by": actor.user_id,
            }
            check_in_id = tx.insert("check_ins", row)
            tx.record("work_order.checked_in", "check_in", check_in_id, row)
            self._mileage(tx, actor, wo["vehicle_id"], wo_id, mileage_km, warnings)
            self._move(tx, actor, wo, Status.CHECKED_IN, None)
        return warnings

    def record_mileage(
        self,
        actor: Actor,
        vehicle_id: int,
        km: int,
        confirm_lower: bool = False,
        wo_id: int | None = None,
    ) -> tuple[str, ...]:
        require(actor.role, "vehicle.manage")
        self.vehicle(vehicle_id)
        warnings = check_mileage(self.last_mileage(vehicle_id), km, confirm_lower)
        with self.store.transaction(actor.name) as tx:
            self._mileage(tx, actor, vehicle_id, wo_id, km, warnings)
        return warnings

    def change_status(
        self, actor: Actor, wo_id: int, target: Status, note: str | None = None
    ) -> None:
        """Move a work order along its lifecycle if its guards and the actor's role allow it."""
        if target is Status.CHECKED_IN:
            raise InvalidInput(
                "check in a work order with its mileage (check_in), not a bare status"
            )
        if target is Status.BOOKED:
            raise TransitionRefused("a work order cannot go back to booked")
        require(actor.role, lifecycle.PERMISSION_FOR[target])
        with self.store.transaction(actor.name) as tx:
            wo = self._one_tx(
                tx, "SELECT * FROM work_orders WHERE id = ?", (wo_id,), f"work order {wo_id}"
            )
            lifecycle.check_transition(Status(wo["status"]), target, self._facts(wo_id))
            self._move(tx, actor, wo, target, note)
            if target is Status.DELIVERED:
                self._on_delivery(tx, wo)

    def hand_over(
        self, actor: Actor, wo_id: int, customer_name: str, signature_ref: str
    ) -> Created:
        """Delivery at the desk: the customer signs for the car and the health report.

        The signature, the report version handed over and the move to delivered are
        one transaction, so a delivered car always has its signed receipt.
        """
        require(actor.role, "work_order.deliver")
        if not customer_name.strip():
            raise InvalidInput("a handover records who took the car")
        self.signature(signature_ref)
        with self.store.transaction(actor.name) as tx:
            wo = self._one_tx(
                tx, "SELECT * FROM work_orders WHERE id = ?", (wo_id,), f"work order {wo_id}"
            )
            lifecycle.check_transition(Status(wo["status"]), Status.DELIVERED, self._facts(wo_id))
            report = tx.execute(
                "SELECT id FROM reports WHERE work_order_id = ? ORDER BY version DESC LIMIT 1",
                (wo_id,),
            ).fetchone()
            row = {
                "work_order_id": wo_id,
                "customer_name": customer_name.strip(),
                "signature_ref": signature_ref,
                "report_id": report[0],
                "at": tx.at,
                "recorded_by": actor.user_id,
            }
            handover_id = tx.insert("handovers", row)
            tx.record("work_order.handed_over", "handover", handover_id, row)
            self._move(tx, actor, wo, Status.DELIVERED, None)
            self._on_delivery(tx, wo)
        return Created(handover_id)

    def handover(self, wo_id: int) -> dict[str, Any] | None:
        return self.store.query_one("SELECT * FROM handovers WHERE work_order_id = ?", (wo_id,))

    def post_update(self, actor: Actor, wo_id: int, note: str) -> Created:
        """A progress message to the customer without a status change ("waiting for the part").

        The customer is owed an update within 30 minutes of check-in and hourly in
        long stages; this is how the desk keeps that promise between status changes.
        """
        require(actor.role, "progress.update")
        if not note.strip():
            raise InvalidInput("an update needs a message for the customer")
        with self.store.transaction(actor.name) as tx:
            wo = self._one_tx(
                tx, "SELECT * FROM work_orders WHERE id = ?", (wo_id,), f"work order {wo_id}"
            )
            status = Status(wo["status"])
            if status in lifecycle.FINAL:
                raise TransitionRefused(f"work order {wo['number']} is {status}: the visit is over")
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

    def progress_events(self, wo_id: int) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT * FROM progress_events WHERE work_order_id = ? ORDER BY id", (wo_id,)
        )

    # -- checklists ----------------------------------------------------------

    def start_checklist(self, actor: Actor, wo_id: int, template_id: str) -> Created:
        require(actor.role, "checklist.record")
        self.work_order(wo_id)
        template = load_template(template_id)
        existing = self.store.query_one(
            "SELECT id FROM checklists WHERE work_order_id = ? AND template_id = ?",
            (wo_id, template_id),
        )
        if existing:
            return Created(existing["id"])
        with self.store.transaction(actor.name) as tx:
            row = {
                "work_order_id": wo_id,
                "template_id": template.id,
                "template_version": template.version,
                "created_at": tx.at,
            }
            checklist_id = tx.insert("checklists", row)
            tx.record("checklist.started", "checklist", checklist_id, row)
        return Created(checklist_id)

    def checklist_template(self, checklist_id: int) -> ChecklistTemplate:
        row = self._one(
            "SELECT * FROM checklists WHERE id = ?", (checklist_id,), f"checklist {checklist_id}"
        )
        return load_template(row["template_id"], row["template_version"])

    def record_item(
        self,
        actor: Actor,
        checklist_id: int,
        item_key: str,
        rating: Rating | None = None,
        value: float | None = None,
        note: str = "",
        photos: list[str] | None = None,
    ) -> Rating:
        """Record one item; with a measurement and no rating, the template's thresholds rate it."""
        require(actor.role, "checklist.record")
        template = self.checklist_template(checklist_id)
        item = template.item(item_key)
        unit = item.measurement.unit if item.measurement else None
        if value is not None and item.measurement is None:
            raise InvalidInput(f"item {item_key} takes no measurement")
        if rating is None:
            if value is None or item.measurement is None:
                raise InvalidInput(f"item {item_key} needs a rating")
            rating = suggest_rating(item.measurement, value)
        with self.store.transaction(actor.name) as tx:
            row = {
                "checklist_id": checklist_id,
                "item_key": item_key,
                "rating": rating.value,
                "value": value,
                "unit": unit,
                "note": note,
                "photos": json.dumps(photos or []),
                "recorded_at": tx.at,
                "recorded_by": actor.user_id,
            }
            result_id = tx.insert("checklist_results", row)
            tx.record("checklist.item_recorded", "checklist_result", result_id, row)
        return rating

    def checklist_results(self, checklist_id: int) -> dict[str, dict[str, Any]]:
        """The latest result per item (a re-recorded item supersedes, the old row stays)."""
        rows = self.store.query(
            "SELECT * FROM checklist_results WHERE checklist_id = ? ORDER BY id", (checklist_id,)
        )
        return {row["item_key"]: row for row in rows}

    def last_visit_value(
        self, vehicle_id: int, item_key: str, before_wo_id: int
    ) -> dict[str, Any] | None:
        """The same item's result from this vehicle's previous work order."""
        return self.store.query_one(
            "SELECT r.rating, r.value, r.unit, r.recorded_at, w.number FROM checklist_results r "
            "JOIN checklists c ON c.id = r.checklist_id JOIN work_orders w ON w.id = c.work_order_id "
            "WHERE w.vehicle_id = ? AND w.id < ? AND r.item_key = ? ORDER BY w.id DESC, r.id DESC LIMIT 1",
            (vehicle_id, before_wo_id, item_key),
        )

    def rating_summary(self, wo_id: int) -> dict[str, int]:
        counts = {r.value: 0 for r in Rating}
        for checklist in self.store.query(
            "SELECT id FROM checklists WHERE work_order_id = ?", (wo_id,)
        ):
            for result in self.checklist_results(checklist["id"]).values():
                counts[result["rating"]] += 1
        return counts

    # -- findings and approvals ----------------------------------------------

    def add_finding(
        self,
        actor: Actor,
        wo_id: int,
        title: str,
        severity: Severity,
        lines: list[EstimateLine],
        recommended_job: str = "",
        checklist_result_id: int | None = None,
        dtc: str | None = None,
    ) -> Created:
        """A finding comes from a checklist item or a trouble code and carries its estimate."""
        require(actor.role, "finding.create")
        wo = self.work_order(wo_id)
        if Status(wo["status"]) in lifecycle.FINAL:
            raise TransitionRefused(f"work order {wo['number']} is {wo['status']}")
        if not title.strip():
            raise InvalidInput("a finding needs a title")
        validate_lines(lines)
        value = unit = life = None
        source_kind, source_ref = "manual", None
        if checklist_result_id is not None:
            result = self._one(
                "SELECT r.*, c.template_id, c.template_version, c.work_order_id FROM checklist_results r "
                "JOIN checklists c ON c.id = r.checklist_id WHERE r.id = ?",
                (checklist_result_id,),
                f"checklist result {checklist_result_id}",
            )
            if result["work_order_id"] != wo_id:
                raise InvalidInput("that checklist result belongs to another work order")
            source_kind, source_ref = "checklist", str(checklist_result_id)
            value, unit = result["value"], result["unit"]
            measurement = (
                load_template(result["template_id"], result["template_version"])
                .item(result["item_key"])
                .measurement
            )
            if measurement is not None and value is not None:
                life = remaining_life_km(measurement, value)
        elif dtc is not None:
            source_kind, source_ref = "dtc", dtc.strip().upper()
        with self.store.transaction(actor.name) as tx:
            row = {
                "work_order_id": wo_id,
                "title": title.strip(),
                "severity": severity.value,
                "source_kind": source_kind,
                "source_ref": source_ref,
                "recommended_job": recommended_job,
                "measurement_value": value,
                "measurement_unit": unit,
                "remaining_life_km": life,
                "created_at": tx.at,
                "created_by": actor.user_id,
            }
            finding_id = tx.insert("findings", row)
            line_rows = []
            for line in lines:
                line_row = {
                    "finding_id": finding_id,
                    "kind": line.kind.value,
                    "description": line.description,
                    "part_number": line.part_number,
                    "quantity": line.quantity,
                    "unit_price_cents": line.unit_price_cents,
                }
                tx.insert("estimate_lines", line_row)
                line_rows.append(line_row)
            tx.record(
                "finding.added",
                "finding",
                finding_id,
                {**row, "lines": line_rows, "total_cents": estimate_total_cents(lines)},
            )
        return Created(finding_id)

    def findings(self, wo_id: int) -> list[dict[str, Any]]:
        """Findings with their estimate total and approval state."""
        rows = self.store.query(
            "SELECT * FROM findings WHERE work_order_id = ? ORDER BY id", (wo_id,)
        )
        for row in rows:
            row["lines"] = self.store.query(
                "SELECT * FROM estimate_lines WHERE finding_id = ? ORDER BY id", (row["id"],)
            )
            row["total_cents"] = sum(
                round(line["quantity"] * line["unit_price_cents"]) for line in row["lines"]
            )
            row["approvals"] = self.store.query(
                "SELECT * FROM approvals WHERE finding_id = ? ORDER BY id", (row["id"],)
            )
            row["state"] = state_after([Decision(a["decision"]) for a in row["approvals"]]).value
        return rows

    def record_approval(
        self,
        actor: Actor,
        finding_id: int,
        decision: Decision,
        customer_name: str,
        channel: Channel,
        signature_ref: str | None = None,
    ) -> Created:
        """The customer's decision on one finding; a new row every time, never an update."""
        require(actor.role, "approval.record")
        finding = self._one(
            "SELECT * FROM findings WHERE id = ?", (finding_id,), f"finding {finding_id}"
        )
        wo = self.work_order(finding["work_order_id"])
        if Status(wo["status"]) in lifecycle.FINAL:
            raise TransitionRefused(f"work order {wo['number']} is {wo['status']}")
        if not customer_name.strip():
            raise InvalidInput("an approval records who decided")
        if channel is not Channel.REMOTE and decision is Decision.APPROVED:
            if not signature_ref:
                raise InvalidInput("an approval at the desk or bay needs the customer's signature")
            self.signature(signature_ref)
        previous = [
            Decision(a["decision"])
            for a in self.store.query(
                "SELECT decision FROM approvals WHERE finding_id = ? ORDER BY id", (finding_id,)
            )
        ]
        if state_after(previous) is ApprovalState.APPROVED:
            raise ImmutableRecord(
                "this finding is already approved; an approval is not withdrawn here"
            )
        total = sum(
            round(r["quantity"] * r["unit_price_cents"])
            for r in self.store.query(
                "SELECT * FROM estimate_lines WHERE finding_id = ?", (finding_id,)
            )
        )
        with self.store.transaction(actor.name) as tx:
            row = {
                "finding_id": finding_id,
                "decision": decision.value,
                "customer_name": customer_name.strip(),
                "channel": channel.value,
                "signature_ref": signature_ref,
                "total_cents": total,
                "at": tx.at,
                "recorded_by": actor.user_id if actor is not SYSTEM else None,
            }
            approval_id = tx.insert("approvals", row)
            tx.record(
                f"finding.{decision.value}",
                "approval",
                approval_id,
                row,
                sync=channel is not Channel.REMOTE,
            )
            if decision is Decision.APPROVED:
                job_id = tx.insert(
                    "jobs",
                    {
                        "work_order_id": wo["id"],
                        "finding_id": finding_id,
                        "description": finding["recommended_job"] or finding["title"],
                        "created_at": tx.at,
                    },
                )
                tx.record(
                    "job.added",
                    "job",
                    job_id,
                    {"work_order_id": wo["id"], "finding_id": finding_id},
                )
        return Created(approval_id)

    def record_signature(
        self, actor: Actor, strokes: list[list[tuple[float, float]]], width: int, height: int
    ) -> str:
        """Keep a drawn signature (pen strokes in pad pixels); its SHA-256 is the reference."""
        require(actor.role, "approval.record")
        if not any(len(stroke) >= 2 for stroke in strokes):
            raise InvalidInput("the signature is empty: ask the customer to sign")
        if width <= 0 or height <= 0:
            raise InvalidInput("the signature pad has no size")
        points = [[[round(x, 1), round(y, 1)] for x, y in stroke] for stroke in strokes]
        body = canonical_json({"strokes": points, "width": width, "height": height})
        sha = hashlib.sha256(body.encode()).hexdigest()
        if self.store.query_one("SELECT sha256 FROM signatures WHERE sha256 = ?", (sha,)):
            return sha
        with self.store.transaction(actor.name) as tx:
            row = {
                "sha256": sha,
                "strokes": json.dumps(points),
                "width": width,
                "height": height,
                "created_at": tx.at,
            }
            tx.insert("signatures", row)
            tx.record("signature.recorded", "signature", sha, row)
        return sha

    def signature(self, sha256: str) -> dict[str, Any]:
        row = self._one(
            "SELECT * FROM signatures WHERE sha256 = ?", (sha256,), f"signature {sha256[:12]}"
        )
        row["strokes"] = json.loads(row["strokes"])
        return row

    # -- jobs and the clock ---------------------------------------------------

    def jobs(self, wo_id: int) -> list[dict[str, Any]]:
        return self.store.query("SELECT * FROM jobs WHERE work_order_id = ? ORDER BY id", (wo_id,))

    def clock_on(self, actor: Actor, job_id: int) -> Created:
        """Start work on a job; refused unless the car is in repair and the job's finding approved."""
        require(actor.role, "job.clock")
        job = self._one("SELECT * FROM jobs WHERE id = ?", (job_id,), f"job {job_id}")
        wo = self.work_order(job["work_order_id"])
        if wo["status"] != Status.IN_REPAIR.value:
            raise TransitionRefused(f"work order {wo['number']} is {wo['status']}, not in repair")
        if job["finding_id"] is not None:
            decisions = [
                Decision(a["decision"])
                for a in self.store.query(
                    "SELECT decision FROM approvals WHERE finding_id = ? ORDER BY id",
                    (job["finding_id"],),
                )
            ]
            if state_after(decisions) is not ApprovalState.APPROVED:
                raise TransitionRefused("no repair on a finding the customer has not approved")
        if self.store.query_one(
            "SELECT id FROM clock_entries WHERE job_id = ? AND technician_id = ? AND ended_at IS NULL",
            (job_id, actor.user_id),
        ):
            raise InvalidInput("you are already clocked on this job")
        with self.store.transaction(actor.name) as tx:
            row = {"job_id": job_id, "technician_id": actor.user_id, "started_at": tx.at}
            entry_id = tx.insert("clock_entries", row)
            tx.record("job.clocked_on", "clock_entry", entry_id, row)
        return Created(entry_id)

    def clock_off(self, actor: Actor, job_id: int) -> None:
        require(actor.role, "job.clock")
        entry = self.store.query_one(
            "SELECT * FROM clock_entries WHERE job_id = ? AND technician_id = ? AND ended_at IS NULL",
            (job_id, actor.user_id),
        )
        if entry is None:
            raise InvalidInput("you are not clocked on this job")
        with self.store.transaction(actor.name) as tx:
            tx.execute("UPDATE clock_entries SET ended_at = ? WHERE id = ?", (tx.at, entry["id"]))
            tx.record(
                "job.clocked_off", "clock_entry", entry["id"], {"job_id": job_id, "ended_at": tx.at}
            )

    # -- quality check, report, delivery, follow-up ---------------------------

    def record_quality_check(
        self, actor: Actor, wo_id: int, passed: bool, note: str = ""
    ) -> Created:
        require(actor.role, "quality_check.record")
        wo = self.work_order(wo_id)
        if wo["status"] != Status.QUALITY_CHECK.value:
            raise TransitionRefused(
                f"work order {wo['number']} is {wo['status']}, not in quality check"
            )
        with self.store.transaction(actor.name) as tx:
            row = {
                "work_order_id": wo_id,
                "passed": int(passed),
                "note": note,
                "at": tx.at,
                "checked_by": actor.user_id,
            }
            qc_id = tx.insert("quality_checks", row)
            tx.record("quality_check.recorded", "quality_check", qc_id, row)
        return Created(qc_id)

    def record_report_issued(
        self, actor: Actor, wo_id: int, sha256: str, file_name: str, language: str
    ) -> Created:
        """An issued report is immutable: a correction is the next version."""
        require(actor.role, "report.issue")
        self.work_order(wo_id)
        with self.store.transaction(actor.name) as tx:
            version = tx.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM reports WHERE work_order_id = ?",
                (wo_id,),
            ).fetchone()[0]
            row = {
                "work_order_id": wo_id,
                "version": version,
                "sha256": sha256,
                "file_name": file_name,
                "language": language,
                "issued_at": tx.at,
                "issued_by": actor.user_id,
            }
            report_id = tx.insert("reports", row)
            tx.record("report.issued", "report", report_id, row)
        return Created(report_id)

    def follow_ups_due(self, until: datetime) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT f.*, w.number, c.name AS customer_name, c.phone FROM follow_ups f "
            "JOIN work_orders w ON w.id = f.work_order_id LEFT JOIN customers c ON c.id = w.customer_id "
            "WHERE f.done_at IS NULL AND f.due_at <= ? ORDER BY f.due_at",
            (timestamp(until),),
        )

    def record_follow_up(self, actor: Actor, follow_up_id: int, outcome: str) -> None:
        require(actor.role, "follow_up.record")
        row = self._one(
            "SELECT * FROM follow_ups WHERE id = ?", (follow_up_id,), f"follow-up {follow_up_id}"
        )
        if row["done_at"] is not None:
            raise ImmutableRecord("this follow-up is already recorded")
        with self.store.transaction(actor.name) as tx:
            tx.execute(
                "UPDATE follow_ups SET done_at = ?, outcome = ? WHERE id = ?",
                (tx.at, outcome, follow_up_id),
            )
            tx.record("follow_up.done", "follow_up", follow_up_id, {"outcome": outcome})

    # -- internals -------------------------------------------------------------

    def _facts(self, wo_id: int) -> WorkOrderFacts:
        q = self.store.query
        states = [
            state_after(
                [
                    Decision(a["decision"])
                    for a in q(
                        "SELECT decision FROM approvals WHERE finding_id = ? ORDER BY id",
                        (f["id"],),
                    )
                ]
            )
            for f in q("SELECT id FROM findings WHERE work_order_id = ?", (wo_id,))
        ]
        qc = self.store.query_one(
            "SELECT passed FROM quality_checks WHERE work_order_id = ? ORDER BY id DESC LIMIT 1",
            (wo_id,),
        )
        return WorkOrderFacts(
            pending_findings=states.count(ApprovalState.PENDING),
            approved_findings=states.count(ApprovalState.APPROVED),
            booked_jobs=len(
                q("SELECT id FROM jobs WHERE work_order_id = ? AND finding_id IS NULL", (wo_id,))
            ),
            open_clock_entries=len(
                q(
                    "SELECT e.id FROM clock_entries e JOIN jobs j ON j.id = e.job_id "
                    "WHERE j.work_order_id = ? AND e.ended_at IS NULL",
                    (wo_id,),
                )
            ),
            quality_check_passed=bool(qc and qc["passed"]),
            report_issued=self.store.query_one(
                "SELECT id FROM reports WHERE work_order_id = ?", (wo_id,)
            )
            is not None,
        )

    def _move(
        self, tx: Transaction, actor: Actor, wo: dict[str, Any], target: Status, note: str | None
    ) -> None:
        tx.execute(
            "UPDATE work_orders SET status = ?, version = version + 1, status_since = ? WHERE id = ?",
            (target.value, tx.at, wo["id"]),
        )
        self._progress(tx, actor, wo["id"], Status(wo["status"]), target, note, wo["version"] + 1)

    def _progress(
        self,
        tx: Transaction,
        actor: Actor,
        wo_id: int,
        current: Status | None,
        target: Status,
        note: str | None,
        version: int = 1,
    ) -> None:
        text = lifecycle.progress_text(target)
        row = {
            "work_order_id": wo_id,
            "from_status": current.value if current else None,
            "to_status": target.value,
            "text_en": text.en,
            "text_zh": text.zh,
            "note": note,
            "at": tx.at,
            "actor": actor.user_id,
        }
        event_id = tx.insert("progress_events", row)
        tx.record(
            "work_order.status_changed", "progress_event", event_id, {**row, "version": version}
        )

    def _mileage(
        self,
        tx: Transaction,
        actor: Actor,
        vehicle_id: int,
        wo_id: int | None,
        km: int,
        warnings: tuple[str, ...],
    ) -> None:
        row = {
            "vehicle_id": vehicle_id,
            "work_order_id": wo_id,
            "km": km,
            "warning": "; ".join(warnings) or None,
            "recorded_at": tx.at,
            "recorded_by": actor.user_id,
        }
        reading_id = tx.insert("mileage_readings", row)
        tx.record("vehicle.mileage_recorded", "mileage_reading", reading_id, row)

    def _on_delivery(self, tx: Transaction, wo: dict[str, Any]) -> None:
        for kind, after in FOLLOW_UPS:
            row = {"work_order_id": wo["id"], "kind": kind, "due_at": timestamp(tx.now + after)}
            follow_up_id = tx.insert("follow_ups", row)
            tx.record("follow_up.scheduled", "follow_up", follow_up_id, row)
        vehicle = tx.execute(
            "SELECT powertrain FROM vehicles WHERE id = ?", (wo["vehicle_id"],)
        ).fetchone()
        km_row = tx.execute(
            "SELECT km FROM mileage_readings WHERE vehicle_id = ? ORDER BY id DESC LIMIT 1",
            (wo["vehicle_id"],),
        ).fetchone()
        due = next_service(Powertrain(vehicle[0]), km_row[0] if km_row else 0, tx.now.date())
        row = {
            "vehicle_id": wo["vehicle_id"],
            "work_order_id": wo["id"],
            "due_km": due.km,
            "due_date": due.date.isoformat(),
            "created_at": tx.at,
        }
        due_id = tx.insert("service_due", row)
        tx.record("service_due.set", "service_due", due_id, row)

    def next_service_due(self, vehicle_id: int) -> dict[str, Any] | None:
        return self.store.query_one(
            "SELECT * FROM service_due WHERE vehicle_id = ? ORDER BY id DESC LIMIT 1", (vehicle_id,)
        )

    def _one(self, sql: str, params: tuple[Any, ...], what: str) -> dict[str, Any]:
        row = self.store.query_one(sql, params)
        if row is None:
            raise NotFound(f"{what} does not exist")
        return row

    def _one_tx(
        self, tx: Transaction, sql: str, params: tuple[Any, ...], what: str
    ) -> dict[str, Any]:
        cursor = tx.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            raise NotFound(f"{what} does not exist")
        return dict(zip([c[0] for c in cursor.description], row, strict=True))
