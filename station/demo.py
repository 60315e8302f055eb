"""The demo workshop and the stages of one visit, as the headless demo and the app run them.

`seed_demo` fills an empty station from `fixtures/demo_seed.json`. `DemoVisit`
walks one car through the visit stage by stage; the layers above the core
(devices, report, sync) add their stages between these, so the headless
`station demo` and `station app --demo` share one flow.
"""

from __future__ import annotations

import logging
import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from station import alignment
from station.adjustment import propose_adjustment
from station.checklists import Rating, inspection_templates
from station.commands import init_station
from station.errors import NotFound
from station.findings import Channel, Decision, FindingDraft, Severity, labour, part
from station.fixtures import load_json
from station.lifecycle import Status
from station.photos import photos_folder
from station.roles import Role
from station.store import Store
from station.truth import alignment_adjustment
from station.vehicles import Powertrain
from station.workshop import Actor, Workshop

log = logging.getLogger(__name__)

Narrate = Callable[[str], None]
DEMO_FOLDERS = ("keys", "reports", "cache", "demo-cloud")


@dataclass
class DemoCast:
    """Who and what the demo seed created, by the keys the seed file uses."""

    pins: dict[str, str] = field(default_factory=dict)
    customers: dict[str, int] = field(default_factory=dict)
    vehicles: dict[str, int] = field(default_factory=dict)
    profiles: dict[str, str] = field(default_factory=dict)
    appointments: dict[str, int] = field(default_factory=dict)
    booked_jobs: dict[str, list[str]] = field(default_factory=dict)


def seed_demo(workshop: Workshop) -> DemoCast:
    """Users, customers, vehicles with a previous visit, and today's appointments."""
    seed = load_json("demo_seed.json")
    cast = DemoCast()
    admin_spec = next(u for u in seed["users"] if u["role"] == "admin")
    admin = workshop.login(admin_spec["name"], admin_spec["pin"])
    for spec in seed["users"]:
        cast.pins[spec["name"]] = spec["pin"]
        if spec["name"] != admin_spec["name"]:
            workshop.add_user(
                admin,
                spec["name"],
                Role(spec["role"]),
                spec["pin"],
                spec["display_name"],
                spec["language"],
            )
    for spec in seed["customers"]:
        cast.customers[spec["key"]] = workshop.add_customer(
            admin, spec["name"], spec["phone"], spec["language"]
        ).id
    for spec in seed["vehicles"]:
        vehicle_id = workshop.add_vehicle(
            admin,
            spec["vin"],
            spec["plate"],
            Powertrain(spec["powertrain"]),
            spec["make"],
            spec["model"],
            spec["year"],
            cast.customers[spec["customer"]],
        ).id
        cast.vehicles[spec["key"]] = vehicle_id
        cast.profiles[spec["key"]] = spec["profile"]
        _previous_visit(workshop, admin, vehicle_id, spec["previous_km"])
    now = workshop.store.clock()
    for spec in seed["appointments"]:
        key = spec["vehicle"]
        cast.appointments[key] = workshop.add_appointment(
            admin,
            workshop.vehicle(cast.vehicles[key])["customer_id"],
            cast.vehicles[key],
            now + timedelta(minutes=spec["in_minutes"]),
            spec["complaint"],
            spec["prediagnosis"],
        ).id
        cast.booked_jobs[key] = spec["booked_jobs"]
    return cast


def _previous_visit(workshop: Workshop, admin: Actor, vehicle_id: int, km: int) -> None:
    """A delivered service from months ago, so the inspection shows last visit's values."""
    wo = workshop.create_work_order(
        admin, vehicle_id, "routine service", booked_jobs=["service"]
    ).id
    workshop.check_in(admin, wo, km, customer_confirmed=True)
    checklist = workshop.start_checklist(admin, wo, "inspection").id
    for item, value in (
        ("tread_rr", 3.6),
        ("pads_front", 7.2),
        ("pads_rear", 4.1),
        ("tread_fl", 6.8),
    ):
        workshop.record_item(admin, checklist, item, value=value)
    workshop.change_status(admin, wo, Status.CANCELLED, "history imported from the previous system")


@dataclass
class DemoVisit:
    """One car's visit, stage by stage, with the people of the demo cast."""

    workshop: Workshop
    cast: DemoCast
    vehicle_key: str = "sedan"
    narrate: Narrate = print
    technician_name: str = "li.wei"
    advisor_name: str = "chen.jing"
    wo_id: int = 0
    checklist_ids: dict[str, int] = field(default_factory=dict)
    finding_ids: dict[str, int] = field(default_factory=dict)

    @property
    def technician(self) -> Actor:
        return self.workshop.login(self.technician_name, self.cast.pins[self.technician_name])

    @property
    def advisor(self) -> Actor:
        return self.workshop.login(self.advisor_name, self.cast.pins[self.advisor_name])

    @property
    def vehicle(self) -> dict[str, Any]:
        return self.workshop.vehicle(self.cast.vehicles[self.vehicle_key])

    def reception(self, mileage_km: int = 45_310) -> None:
        advisor = self.advisor
        vehicle = self.vehicle
        self.wo_id = self.workshop.create_work_order(
            advisor,
            vehicle["id"],
            appointment_id=self.cast.appointments[self.vehicle_key],
            bay="Bay 1",
            booked_jobs=self.cast.booked_jobs[self.vehicle_key],
        ).id
        number = self.workshop.work_order(self.wo_id)["number"]
        self.narrate(f"reception: {number} opened for {vehicle['plate']} ({vehicle['vin']})")
        technician = self.technician
        walk = self.workshop.start_checklist(technician, self.wo_id, "walkaround").id
        self.checklist_ids["walkaround"] = walk
        self.workshop.record_item(
            technician, walk, "body_damage", Rating.AMBER, note="scratch on the rear bumper"
        )
        self.workshop.record_item(
            technician, walk, "warning_lights", Rating.AMBER, note="check-engine light on"
        )
        self.workshop.record_item(
            technician, walk, "valuables", Rating.GREEN, note="sunglasses in the glovebox"
        )
        self.workshop.check_in(
            technician,
            self.wo_id,
            mileage_km,
            energy_level_pct=60,
            warning_lights=["check_engine"],
            valuables="sunglasses in the glovebox",
            damage_marks=[{"x": 0.5, "y": 0.95, "kind": "scratch", "note": "rear bumper"}],
            customer_confirmed=True,
        )
        self.narrate(f"check-in: {mileage_km} km, fuel 60 %, walk-around confirmed by the customer")

    def start_diagnosis(self) -> None:
        self.workshop.change_status(self.technician, self.wo_id, Status.DIAGNOSING)
        self.narrate("diagnosis started")

    def inspection(self) -> dict[str, int]:
        technician = self.technician
        powertrain = Powertrain(self.vehicle["powertrain"])
        for template in inspection_templates(powertrain):
            self.checklist_ids[template] = self.workshop.start_checklist(
                technician, self.wo_id, template
            ).id
        main = self.checklist_ids["inspection"]
        measured = {
            "tread_fl": 6.2,
            "tread_fr": 6.1,
            "tread_rl": 5.8,
            "tread_rr": 2.8,
            "pressure_fl": 2.5,
            "pressure_fr": 2.5,
            "pressure_rl": 2.5,
            "pressure_rr": 2.5,
            "pads_front": 6.0,
            "pads_rear": 2.6,
            "battery_12v_voltage": 12.5,
        }
        for key, value in measured.items():
            self.workshop.record_item(technician, main, key, value=value)
        for key in ("discs", "engine_oil", "coolant", "headlights", "brake_lights", "wipers"):
            self.workshop.record_item(technician, main, key, Rating.GREEN)
        if "inspection-hv" in self.checklist_ids:
            hv = self.checklist_ids["inspection-hv"]
            self.workshop.record_item(technician, hv, "hv_battery_health", value=91)
            self.workshop.record_item(technician, hv, "hv_isolation", value=850)
        summary = self.workshop.rating_summary(self.wo_id)
        self.narrate(
            f"inspection: {summary['green']} green, {summary['amber']} amber, {summary['red']} red"
        )
        return summary

    def findings_for_approval(self, dtc: str | None = None) -> None:
        technician = self.technician
        results = self.workshop.checklist_results(self.checklist_ids["inspection"])
        self.finding_ids["pads_rear"] = self.workshop.add_finding(
            technician,
            self.wo_id,
            FindingDraft(
                "Rear brake pads worn to 2.6 mm / 后刹车片磨损至 2.6 毫米",
                Severity.URGENT,
                [
                    part("Rear brake pad set / 后刹车片", 1, 38_000, "BP-R-2019"),
                    labour("Replace rear pads / 更换后刹车片", 0.8, 30_000),
                ],
                "Replace rear brake pads / 更换后刹车片",
                checklist_result_id=results["pads_rear"]["id"],
            ),
        ).id
        self.finding_ids["tread_rr"] = self.workshop.add_finding(
            technician,
            self.wo_id,
            FindingDraft(
                "Right-rear tyre tread 2.8 mm / 右后轮胎花纹 2.8 毫米",
                Severity.SOON,
                [
                    part("Tyre 225/45 R17 / 轮胎", 1, 72_000, "TY-22545R17"),
                    labour("Fit and balance / 安装及动平衡", 0.5, 30_000),
                ],
                "Replace the right-rear tyre / 更换右后轮胎",
                checklist_result_id=results["tread_rr"]["id"],
            ),
        ).id
        if dtc:
            self.finding_ids[dtc] = self.workshop.add_finding(
                technician,
                self.wo_id,
                FindingDraft(
                    f"{dtc}: cylinder 1 misfire / 一缸失火",
                    Severity.URGENT,
                    [
                        part("Ignition coil / 点火线圈", 1, 46_000, "IC-1"),
                        labour("Replace coil / 更换点火线圈", 0.5, 30_000),
                    ],
                    "Replace the ignition coil of cylinder 1 / 更换一缸点火线圈",
                    dtc=dtc,
                ),
            ).id
        self.workshop.change_status(technician, self.wo_id, Status.AWAITING_APPROVAL)
        self.narrate(f"{len(self.finding_ids)} findings sent to the customer for approval")

    def alignment_for_approval(self) -> None:
        """The rig found the wheels out of specification: the adjustment goes to the customer
        as a finding with its price, like any other extra work; the rig measures again once
        the customer approved it."""
        rated = alignment.load_alignment(self.workshop, self.wo_id)
        if rated is None or alignment_adjustment(rated.worst(alignment.Phase.BEFORE)) is None:
            return
        self.finding_ids["alignment"] = propose_adjustment(
            self.workshop,
            self.technician,
            self.wo_id,
            [labour("Four-wheel alignment / 四轮定位调整", 1.0, 30_000)],
        ).id
        self.narrate("wheel alignment adjustment sent to the customer for approval")

    @property
    def customer_name(self) -> str:
        return self.workshop.customer_name(self.wo_id) or "customer"

    def customer_decides(self, declined: tuple[str, ...] = ("tread_rr",)) -> None:
        advisor = self.advisor
        name = self.customer_name
        signature = self.workshop.record_signature(
            advisor, demo_signature_strokes(self.wo_id), 600, 200
        )
        for key, finding_id in self.finding_ids.items():
            decision = Decision.DECLINED if key in declined else Decision.APPROVED
            self.workshop.record_approval(
                advisor, finding_id, decision, name, Channel.DESK, signature
            )
            self.narrate(f"customer {decision.value} finding {key}")

    def repair(self) -> None:
        technician = self.technician
        self.workshop.change_status(technician, self.wo_id, Status.IN_REPAIR)
        jobs = self.workshop.jobs(self.wo_id)
        for job in jobs:
            self.workshop.clock_on(technician, job["id"])
            self.workshop.clock_off(technician, job["id"])
        self.narrate(f"repair: {len(jobs)} jobs clocked on and off")

    def quality_check(self) -> None:
        technician = self.technician
        self.workshop.change_status(technician, self.wo_id, Status.QUALITY_CHECK)
        self.workshop.record_quality_check(
            technician, self.wo_id, True, "road test ok, no codes returned"
        )
        self.workshop.change_status(self.advisor, self.wo_id, Status.READY)
        self.narrate("quality check passed; the car is ready")

    def deliver(self) -> None:
        """The customer signs for the car and the report; the signature is not the approval's."""
        advisor = self.advisor
        receipt = [
            [(x, y + 10) for x, y in stroke] for stroke in demo_signature_strokes(self.wo_id)
        ]
        signature = self.workshop.record_signature(advisor, receipt, 600, 200)
        self.workshop.hand_over(advisor, self.wo_id, self.customer_name, signature)
        follow_ups = self.workshop.follow_ups(self.wo_id)
        due = self.workshop.next_service_due(self.vehicle["id"])
        self.narrate(
            f"delivered against the customer's signature; follow-ups {', '.join(f['kind'] for f in follow_ups)}; "
            f"next service at {due['due_km'] if due else '?'} km or {due['due_date'] if due else '?'}"
        )


def demo_signature_strokes(visit: int = 0) -> list[list[tuple[float, float]]]:
    """A signature-like pen path, so the demo's approvals carry a drawing.

    Each visit's customer draws it a little to the right (`visit`): a drawing backs
    the decisions of one work order only, so two visits never share one.
    """
    dx = (visit % 400) * 0.1
    first = [
        (40 + dx + t * 2.2, 110 - 45 * math.sin(t / 9) * math.exp(-t / 140))
        for t in range(0, 200, 4)
    ]
    second = [(300 + dx + t * 1.5, 120 - 30 * math.sin(t / 6)) for t in range(0, 160, 4)]
    underline = [(60.0 + dx, 165.0), (520.0 + dx, 158.0)]
    return [first, second, underline]


def open_demo_station(config_db: Any, fresh: bool) -> tuple[Workshop, DemoCast]:
    """A demo station in the data folder: created and seeded on first use."""
    if fresh and config_db.exists():
        for suffix in ("", "-wal", "-shm"):
            config_db.with_name(config_db.name + suffix).unlink(missing_ok=True)
        # Everything the demo station made beside its database goes with it.
        for folder in (
            photos_folder(config_db.parent),
            *(config_db.parent / n for n in DEMO_FOLDERS),
        ):
            if folder.exists():
                shutil.rmtree(folder)
    seed = load_json("demo_seed.json")
    admin = next(u for u in seed["users"] if u["role"] == "admin")
    if not config_db.exists():
        workshop = init_station(
            config_db,
            seed["workshop"],
            None,
            admin["name"],
            admin["pin"],
            display_name=admin["display_name"],
            language=admin["language"],
        )
        return workshop, seed_demo(workshop)
    workshop = Workshop(Store.open(config_db))
    return workshop, recast(workshop)


def recast(workshop: Workshop) -> DemoCast:
    """The cast of a demo workshop seeded before, found again by VIN, with today's appointments."""
    seed = load_json("demo_seed.json")
    admin = next(u for u in seed["users"] if u["role"] == "admin")
    cast = DemoCast()
    for spec in seed["users"]:
        cast.pins[spec["name"]] = spec["pin"]
    for spec in seed["vehicles"]:
        found = workshop.find_vehicles(vin=spec["vin"])
        if not found:
            raise NotFound(f"{workshop.store.path} is not a demo station: use --fresh")
        cast.vehicles[spec["key"]] = found[0]["id"]
        cast.profiles[spec["key"]] = spec["profile"]
    admin_actor = workshop.login(admin["name"], admin["pin"])
    now = workshop.store.clock()
    for spec in seed["appointments"]:
        key = spec["vehicle"]
        vehicle = workshop.vehicle(cast.vehicles[key])
        cast.appointments[key] = workshop.add_appointment(
            admin_actor,
            vehicle["customer_id"],
            vehicle["id"],
            now,
            spec["complaint"],
            spec["prediagnosis"],
        ).id
        cast.booked_jobs[key] = spec["booked_jobs"]
    return cast
