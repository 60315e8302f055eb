"""What screens, the report and the command line read: one place for every read query.

Reads never decide anything a command relies on; commands load their own
facts inside their transaction (see `station.command`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from station import profile, truth
from station.checklists import ChecklistTemplate, Rating, load_template
from station.errors import InvalidInput, NotFound
from station.findings import Decision, state_after
from station.lifecycle import Status
from station.store import Store, timestamp
from station.truth import finding_standing
from station.vehicles import plate_key
from station.work_done import JobRecord


class ReadModel:
    store: Store

    def _one(self, sql: str, params: tuple[Any, ...], what: str) -> dict[str, Any]:
        row = self.store.query_one(sql, params)
        if row is None:
            raise NotFound(f"{what} does not exist", key="record.not_found")
        return row

    # -- people -------------------------------------------------------------

    def users(self) -> list[dict[str, Any]]:
        """Active users, for the login screen (no PIN material)."""
        return self.store.query(
            "SELECT id, name, display_name, role, language FROM users WHERE active = 1 ORDER BY id"
        )

    def user(self, user_id: int) -> dict[str, Any]:
        return self._one(
            "SELECT id, name, display_name, role, language, failed_attempts, active FROM users "
            "WHERE id = ?",
            (user_id,),
            f"user {user_id}",
        )

    # -- customers, vehicles, appointments ----------------------------------

    def customer(self, customer_id: int | None) -> dict[str, Any] | None:
        if customer_id is None:
            return None
        return self.store.query_one("SELECT * FROM customers WHERE id = ?", (customer_id,))

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
        raise InvalidInput("search by VIN, VIN suffix or plate", key="search.needs_text")

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

    def work_orders_for_vehicle(self, vehicle_id: int) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT * FROM work_orders WHERE vehicle_id = ? ORDER BY id DESC", (vehicle_id,)
        )

    def open_appointments(self) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT a.*, c.name AS customer_name, v.plate, v.make, v.model FROM appointments a "
            "JOIN customers c ON c.id = a.customer_id JOIN vehicles v ON v.id = a.vehicle_id "
            "WHERE a.status = 'open' ORDER BY a.scheduled_at"
        )

    def open_appointment_for_vehicle(self, vehicle_id: int) -> dict[str, Any] | None:
        return self.store.query_one(
            "SELECT * FROM appointments WHERE vehicle_id = ? AND status = 'open' "
            "ORDER BY scheduled_at LIMIT 1",
            (vehicle_id,),
        )

    def prediagnosis(self, appointment_id: int | None) -> dict[str, Any]:
        """The remote pre-diagnosis an appointment came with ({} when none)."""
        if appointment_id is None:
            return {}
        row = self.store.query_one(
            "SELECT prediagnosis FROM appointments WHERE id = ?", (appointment_id,)
        )
        return json.loads(row["prediagnosis"]) if row else {}

    # -- work orders -----------------------------------------------------------

    def work_order(self, wo_id: int) -> dict[str, Any]:
        return self._one("SELECT * FROM work_orders WHERE id = ?", (wo_id,), f"work order {wo_id}")

    def work_order_by_number(self, number: str) -> dict[str, Any]:
        return self._one(
            "SELECT * FROM work_orders WHERE number = ?", (number,), f"work order {number}"
        )

    def customer_name(self, wo_id: int) -> str | None:
        """Who the work order is for: the name an approval or a handover is signed under."""
        row = self.store.query_one(
            "SELECT c.name FROM customers c JOIN work_orders w ON w.customer_id = c.id WHERE w.id = ?",
            (wo_id,),
        )
        return None if row is None else str(row["name"])

    def customer_language(self, wo_id: int) -> str:
        """The language the work order's customer reads: theirs, else the workshop's default.

        What the report, the approval screen and every text meant for the customer use,
        whatever language the advisor's own screens are in.
        """
        row = self.store.query_one(
            "SELECT c.language FROM customers c JOIN work_orders w ON w.customer_id = c.id "
            "WHERE w.id = ?",
            (wo_id,),
        )
        if row is not None and row["language"] in profile.LANGUAGES:
            return str(row["language"])
        return profile.current(self.store).language

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

    def latest_check_in(self, wo_id: int) -> dict[str, Any] | None:
        return self.store.query_one(
            "SELECT * FROM check_ins WHERE work_order_id = ? ORDER BY id DESC LIMIT 1", (wo_id,)
        )

    def progress_events(self, wo_id: int) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT * FROM progress_events WHERE work_order_id = ? ORDER BY id", (wo_id,)
        )

    # -- checklists ----------------------------------------------------------------

    def checklists(self, wo_id: int) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT * FROM checklists WHERE work_order_id = ? ORDER BY id", (wo_id,)
        )

    def checklist_for(self, wo_id: int, template_id: str) -> dict[str, Any] | None:
        return self.store.query_one(
            "SELECT * FROM checklists WHERE work_order_id = ? AND template_id = ?",
            (wo_id, template_id),
        )

    def checklist_template(self, checklist_id: int) -> ChecklistTemplate:
        row = self._one(
            "SELECT * FROM checklists WHERE id = ?", (checklist_id,), f"checklist {checklist_id}"
        )
        return load_template(row["template_id"], row["template_version"])

    def checklist_results(self, checklist_id: int) -> dict[str, dict[str, Any]]:
        """The latest result per item (a re-recorded item supersedes, the old row stays)."""
        rows = self.store.query(
            "SELECT * FROM checklist_results WHERE checklist_id = ? ORDER BY id", (checklist_id,)
        )
        return {row["item_key"]: row for row in rows}

    def checklist_result(self, result_id: int) -> dict[str, Any] | None:
        return self.store.query_one("SELECT * FROM checklist_results WHERE id = ?", (result_id,))

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
        for checklist in self.checklists(wo_id):
            for result in self.checklist_results(checklist["id"]).values():
                counts[result["rating"]] += 1
        return counts

    # -- findings, approvals, signatures --------------------------------------------

    def findings(self, wo_id: int) -> list[dict[str, Any]]:
        """Findings with their estimate total, approval state and standing (a withdrawn or
        superseded finding stays listed, with `replaced_by` and the reason)."""
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
            corrections = self.store.query(
                "SELECT * FROM finding_corrections WHERE finding_id = ? ORDER BY id", (row["id"],)
            )
            row["standing"] = finding_standing(corrections).value
            row["replaced_by"] = corrections[-1]["replaced_by"] if corrections else None
            row["correction_reason"] = corrections[-1]["reason"] if corrections else None
        return rows

    def latest_alignment_session(self, wo_id: int) -> dict[str, Any] | None:
        """The work order's latest rig session, when it was taken and how many readings it has
        after adjustment (what `station.adjustment` decides from)."""
        return self.store.query_one(
            "SELECT s.*, (SELECT COUNT(*) FROM alignment_readings r WHERE r.session_id = s.id "
            "AND r.phase = 'after') AS after_readings FROM alignment_sessions s "
            "WHERE s.work_order_id = ? ORDER BY s.id DESC LIMIT 1",
            (wo_id,),
        )

    def signature(self, sha256: str) -> dict[str, Any]:
        row = self._one(
            "SELECT * FROM signatures WHERE sha256 = ?", (sha256,), f"signature {sha256[:12]}"
        )
        row["strokes"] = json.loads(row["strokes"])
        return row

    # -- jobs, quality, report, delivery -------------------------------------------------

    def jobs(self, wo_id: int) -> list[dict[str, Any]]:
        return self.store.query("SELECT * FROM jobs WHERE work_order_id = ? ORDER BY id", (wo_id,))

    def job_records(self, wo_id: int) -> list[JobRecord]:
        """Every job of the work order, in order, with its clock entries and technicians' names:
        what "done" is decided from (`station.truth.job_state`)."""
        spans: dict[int, list[truth.ClockSpan]] = {}
        for entry in self.store.query(
            "SELECT c.job_id, c.started_at, c.ended_at, u.display_name FROM clock_entries c "
            "JOIN jobs j ON j.id = c.job_id JOIN users u ON u.id = c.technician_id "
            "WHERE j.work_order_id = ? ORDER BY c.id",
            (wo_id,),
        ):
            spans.setdefault(entry["job_id"], []).append(
                truth.ClockSpan(entry["display_name"], entry["started_at"], entry["ended_at"])
            )
        return [JobRecord(row, tuple(spans.get(row["id"], ()))) for row in self.jobs(wo_id)]

    def display_name(self, user_id: int | None) -> str:
        """The name a person is shown by ("" for nobody): the report's advisor and technicians."""
        row = self.store.query_one("SELECT display_name FROM users WHERE id = ?", (user_id,))
        return str(row["display_name"]) if row else ""

    def public_id(self, wo_id: int) -> str | None:
        """The id the cloud gave the work order's page, from its answer to the creation."""
        row = self.store.query_one(
            "SELECT result FROM outbox WHERE kind = 'work_order.created' AND entity = 'work_order' "
            "AND entity_id = ? AND result IS NOT NULL ORDER BY seq DESC LIMIT 1",
            (str(wo_id),),
        )
        if row is None:
            return None
        detail = json.loads(row["result"]).get("detail") or {}
        public_id = detail.get("public_id") if isinstance(detail, dict) else None
        return str(public_id) if public_id else None

    def open_clock_jobs(self, wo_id: int, technician_id: int) -> set[int]:
        """The jobs of `wo_id` that this technician is clocked on now."""
        return {
            int(row["job_id"])
            for row in self.store.query(
                "SELECT e.job_id FROM clock_entries e JOIN jobs j ON j.id = e.job_id "
                "WHERE j.work_order_id = ? AND e.ended_at IS NULL AND e.technician_id = ?",
                (wo_id, technician_id),
            )
        }

    def minutes_clocked(self, wo_id: int) -> dict[int, float]:
        """Minutes clocked on each job of `wo_id`, an open entry counted up to now."""
        return {
            int(row["job_id"]): float(row["minutes"])
            for row in self.store.query(
                "SELECT e.job_id, SUM((julianday(COALESCE(e.ended_at, ?)) - julianday(e.started_at)) "
                "* 1440) AS minutes FROM clock_entries e JOIN jobs j ON j.id = e.job_id "
                "WHERE j.work_order_id = ? GROUP BY e.job_id",
                (self.store.clock().isoformat(), wo_id),
            )
        }

    def latest_quality_check(self, wo_id: int) -> dict[str, Any] | None:
        return self.store.query_one(
            "SELECT * FROM quality_checks WHERE work_order_id = ? ORDER BY id DESC LIMIT 1",
            (wo_id,),
        )

    def quality_checks(self, wo_id: int) -> list[dict[str, Any]]:
        """Every quality check of the work order, in order, with who checked."""
        return self.store.query(
            "SELECT q.*, u.display_name AS checked_by_name FROM quality_checks q "
            "JOIN users u ON u.id = q.checked_by WHERE q.work_order_id = ? ORDER BY q.id",
            (wo_id,),
        )

    def latest_report(self, wo_id: int) -> dict[str, Any] | None:
        return self.store.query_one(
            "SELECT * FROM reports WHERE work_order_id = ? ORDER BY version DESC LIMIT 1", (wo_id,)
        )

    def report_record(self, wo_id: int, version: int) -> dict[str, Any] | None:
        return self.store.query_one(
            "SELECT * FROM reports WHERE work_order_id = ? AND version = ?", (wo_id, version)
        )

    def next_report_version(self, wo_id: int) -> int:
        latest = self.latest_report(wo_id)
        return 1 if latest is None else int(latest["version"]) + 1

    def handover(self, wo_id: int) -> dict[str, Any] | None:
        return self.store.query_one("SELECT * FROM handovers WHERE work_order_id = ?", (wo_id,))

    def follow_ups(self, wo_id: int) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT * FROM follow_ups WHERE work_order_id = ? ORDER BY due_at", (wo_id,)
        )

    def follow_ups_due(self, until: datetime) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT f.*, w.number, c.name AS customer_name, c.phone FROM follow_ups f "
            "JOIN work_orders w ON w.id = f.work_order_id LEFT JOIN customers c ON c.id = w.customer_id "
            "WHERE f.done_at IS NULL AND f.due_at <= ? ORDER BY f.due_at",
            (timestamp(until),),
        )

    def next_service_due(self, vehicle_id: int) -> dict[str, Any] | None:
        return self.store.query_one(
            "SELECT * FROM service_due WHERE vehicle_id = ? ORDER BY id DESC LIMIT 1", (vehicle_id,)
        )

    def photo_size(self, sha256: str) -> tuple[int, int] | None:
        row = self.store.query_one(
            "SELECT width, height FROM photos WHERE sha256 = ? LIMIT 1", (sha256,)
        )
        return (int(row["width"]), int(row["height"])) if row else None
