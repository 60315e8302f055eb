"""Wheel alignment: readings before and after, the vehicle's specification, ratings, storage.

The rig (drivers/rig) measures; the core keeps the measurement as evidence and
rates every value against the specification of the vehicle model, so the report
can say "right-rear toe was 1.2° out of specification, now within it". All
angles are decimal degrees; `deg_min` and `toe_mm` give the workshop's other
two ways of writing them.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

import sqlite_utils

from station import limits
from station.checklists import Rating
from station.errors import ImmutableRecord, InvalidInput, NotFound
from station.fixtures import load_json
from station.roles import require
from station.store import Store
from station.vin import make_and_year
from station.workshop import Actor

log = logging.getLogger(__name__)

SPECS_FIXTURE = "alignment/specs.json"
# Values closer than this to a limit count as on it: rigs send 2-4 decimals,
# and 0.1 + 0.2 must not turn a value on the limit red.
ON_LIMIT = 1e-9


class Position(StrEnum):
    """Where a value belongs: a wheel, an axle, or the whole vehicle."""

    FRONT_LEFT = "FL"
    FRONT_RIGHT = "FR"
    REAR_LEFT = "RL"
    REAR_RIGHT = "RR"
    FRONT_AXLE = "FA"
    REAR_AXLE = "RA"
    VEHICLE = "VH"

    @property
    def group(self) -> str:
        """The specification group: front, rear or vehicle (left and right share one range)."""
        if self in (Position.FRONT_LEFT, Position.FRONT_RIGHT, Position.FRONT_AXLE):
            return "front"
        if self in (Position.REAR_LEFT, Position.REAR_RIGHT, Position.REAR_AXLE):
            return "rear"
        return "vehicle"

    @property
    def label(self) -> str:
        return _POSITION_LABELS[self]


_POSITION_LABELS = {
    Position.FRONT_LEFT: "front-left",
    Position.FRONT_RIGHT: "front-right",
    Position.REAR_LEFT: "rear-left",
    Position.REAR_RIGHT: "rear-right",
    Position.FRONT_AXLE: "front axle",
    Position.REAR_AXLE: "rear axle",
    Position.VEHICLE: "vehicle",
}
WHEELS = (Position.FRONT_LEFT, Position.FRONT_RIGHT, Position.REAR_LEFT, Position.REAR_RIGHT)


class Quantity(StrEnum):
    TOE = "toe"
    CAMBER = "camber"
    CASTER = "caster"
    SAI = "sai"
    INCLUDED_ANGLE = "included_angle"
    TOTAL_TOE = "total_toe"
    THRUST_ANGLE = "thrust_angle"
    SETBACK = "setback"


WHEEL_QUANTITIES = frozenset(
    {Quantity.TOE, Quantity.CAMBER, Quantity.CASTER, Quantity.SAI, Quantity.INCLUDED_ANGLE}
)
AXLE_QUANTITIES = frozenset({Quantity.TOTAL_TOE, Quantity.SETBACK})
VEHICLE_QUANTITIES = frozenset({Quantity.THRUST_ANGLE})
# Quantities given in mm as well, at the rim diameter of the car.
TOE_QUANTITIES = frozenset({Quantity.TOE, Quantity.TOTAL_TOE})


def check_place(position: Position, quantity: Quantity) -> None:
    """Refuse a quantity measured where it cannot be (a thrust angle on a wheel)."""
    if position in WHEELS:
        ok = quantity in WHEEL_QUANTITIES
    elif position is Position.VEHICLE:
        ok = quantity in VEHICLE_QUANTITIES
    else:
        ok = quantity in AXLE_QUANTITIES
    if not ok:
        raise InvalidInput(
            f"{quantity.value} is not measured at the {position.label}", key="alignment.reading"
        )


class Phase(StrEnum):
    BEFORE = "before"
    AFTER = "after"


@dataclass(frozen=True)
class AlignmentReading:
    """One final value of a set, in decimal degrees."""

    position: Position
    quantity: Quantity
    value_deg: float


@dataclass(frozen=True)
class AlignmentSet:
    """The readings of one phase, one value per place (the last one wins)."""

    readings: tuple[AlignmentReading, ...] = ()

    def value(self, position: Position, quantity: Quantity) -> float | None:
        for reading in reversed(self.readings):
            if reading.position is position and reading.quantity is quantity:
                return reading.value_deg
        return None

    def __len__(self) -> int:
        return len(self.readings)


@dataclass(frozen=True)
class AlignmentSession:
    """One measurement of a car on the rig: the set before adjustment and, usually, after."""

    before: AlignmentSet
    after: AlignmentSet | None = None
    rig: str = ""
    rig_session: str = ""
    rim_diameter_in: float | None = None


@dataclass(frozen=True)
class SpecRange:
    """Minimum, preferred and maximum value; `near` is the share of the band rated amber."""

    minimum: float
    preferred: float
    maximum: float
    near: float = 0.2

    def __post_init__(self) -> None:
        if not self.minimum <= self.preferred <= self.maximum:
            raise InvalidInput(
                f"specification {self.minimum}/{self.preferred}/{self.maximum} is not ordered",
                key="alignment.spec",
            )
        if not 0.0 <= self.near < 1.0:
            raise InvalidInput(
                f"near-limit share {self.near} must be in [0, 1)", key="alignment.spec"
            )


@dataclass(frozen=True)
class VehicleSpec:
    """The alignment specification of one vehicle model (a range of model years)."""

    make: str
    model: str
    years: tuple[int, int]
    rim_diameter_in: float
    ranges: Mapping[tuple[str, Quantity], SpecRange] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.make} {self.model} {self.years[0]}-{self.years[1]}"

    def range_for(self, position: Position, quantity: Quantity) -> SpecRange | None:
        return self.ranges.get((position.group, quantity))


# -- pure functions: ratings and units ----------------------------------------


def rate(value: float, spec: SpecRange) -> Rating:
    """Green in the inner band, amber in tolerance but near a limit (limits included), red out."""
    if value < spec.minimum - ON_LIMIT or value > spec.maximum + ON_LIMIT:
        return Rating.RED
    side = (
        spec.maximum - spec.preferred if value >= spec.preferred else spec.preferred - spec.minimum
    )
    green_reach = side * (1.0 - spec.near)
    if abs(value - spec.preferred) <= green_reach + ON_LIMIT:
        return Rating.GREEN
    return Rating.AMBER


def beyond_limit(value: float, spec: SpecRange) -> float:
    """How far outside the tolerance a value is (0 inside): "1.2° out of specification"."""
    if value > spec.maximum + ON_LIMIT:
        return value - spec.maximum
    if value < spec.minimum - ON_LIMIT:
        return spec.minimum - value
    return 0.0


def deg_min(value_deg: float) -> str:
    """Degrees and minutes as printed on aligner sheets: -1.2 -> "-1°12′"."""
    total = round(abs(value_deg) * 60)
    degrees, minutes = divmod(total, 60)
    sign = "-" if value_deg < 0 and total else ""
    return f"{sign}{degrees}°{minutes:02d}′"


def toe_mm(value_deg: float, rim_diameter_in: float) -> float:
    """Toe as a distance across the rim: the rim diameter times the sine of the angle."""
    return rim_diameter_in * 25.4 * math.sin(math.radians(value_deg))


def toe_deg(value_mm: float, rim_diameter_in: float) -> float:
    """The inverse of `toe_mm`, for rigs that send toe in mm."""
    diameter = rim_diameter_in * 25.4
    if diameter <= 0 or abs(value_mm) > diameter:
        raise InvalidInput(
            f"toe {value_mm} mm does not fit a {rim_diameter_in}-inch rim", key="alignment.reading"
        )
    return math.degrees(math.asin(value_mm / diameter))


def thrust_angle(rear_left_toe: float, rear_right_toe: float) -> float:
    """Thrust line against the centreline; positive points right (toe-in positive)."""
    return (rear_left_toe - rear_right_toe) / 2.0


def completed(readings: AlignmentSet) -> AlignmentSet:
    """Add total toe per axle and the thrust angle where the rig did not send them."""
    extra: list[AlignmentReading] = []
    for axle, left, right in (
        (Position.FRONT_AXLE, Position.FRONT_LEFT, Position.FRONT_RIGHT),
        (Position.REAR_AXLE, Position.REAR_LEFT, Position.REAR_RIGHT),
    ):
        lt, rt = readings.value(left, Quantity.TOE), readings.value(right, Quantity.TOE)
        if readings.value(axle, Quantity.TOTAL_TOE) is None and lt is not None and rt is not None:
            extra.append(AlignmentReading(axle, Quantity.TOTAL_TOE, lt + rt))
    rl = readings.value(Position.REAR_LEFT, Quantity.TOE)
    rr = readings.value(Position.REAR_RIGHT, Quantity.TOE)
    if (
        readings.value(Position.VEHICLE, Quantity.THRUST_ANGLE) is None
        and rl is not None
        and rr is not None
    ):
        extra.append(
            AlignmentReading(Position.VEHICLE, Quantity.THRUST_ANGLE, thrust_angle(rl, rr))
        )
    return AlignmentSet(readings.readings + tuple(extra)) if extra else readings


@dataclass(frozen=True)
class RatedReading:
    phase: Phase
    position: Position
    quantity: Quantity
    value_deg: float
    spec: SpecRange | None
    rating: Rating | None
    beyond_limit_deg: float | None
    toe_mm: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase.value,
            "position": self.position.value,
            "position_label": self.position.label,
            "quantity": self.quantity.value,
            "value_deg": round(self.value_deg, 4),
            "value_dm": deg_min(self.value_deg),
            "toe_mm": None if self.toe_mm is None else round(self.toe_mm, 2),
            "spec": None
            if self.spec is None
            else {
                "minimum": self.spec.minimum,
                "preferred": self.spec.preferred,
                "maximum": self.spec.maximum,
            },
            "rating": None if self.rating is None else self.rating.value,
            "beyond_limit_deg": None
            if self.beyond_limit_deg is None
            else round(self.beyond_limit_deg, 4),
        }


@dataclass(frozen=True)
class RatedSession:
    session: AlignmentSession
    spec_name: str | None
    rim_diameter_in: float | None
    readings: tuple[RatedReading, ...]

    def phase(self, phase: Phase) -> list[RatedReading]:
        return [r for r in self.readings if r.phase is phase]

    def reading(self, phase: Phase, position: Position, quantity: Quantity) -> RatedReading | None:
        for r in self.readings:
            if r.phase is phase and r.position is position and r.quantity is quantity:
                return r
        return None

    def worst(self, phase: Phase) -> Rating | None:
        ratings = {r.rating for r in self.phase(phase) if r.rating is not None}
        for rating in (Rating.RED, Rating.AMBER, Rating.GREEN):
            if rating in ratings:
                return rating
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rig": self.session.rig,
            "rig_session": self.session.rig_session,
            "spec": self.spec_name,
            "rim_diameter_in": self.rim_diameter_in,
            "before": [r.to_dict() for r in self.phase(Phase.BEFORE)],
            "after": [r.to_dict() for r in self.phase(Phase.AFTER)],
            "worst": {p.value: _value(self.worst(p)) for p in Phase},
        }


def _value(rating: Rating | None) -> str | None:
    return None if rating is None else rating.value


def rate_session(session: AlignmentSession, spec: VehicleSpec | None) -> RatedSession:
    """Every reading of both sets (completed with totals and thrust) against the spec."""
    rim = session.rim_diameter_in or (spec.rim_diameter_in if spec else None)
    rated: list[RatedReading] = []
    for phase, readings in ((Phase.BEFORE, session.before), (Phase.AFTER, session.after)):
        if readings is None:
            continue
        latest: dict[tuple[Position, Quantity], AlignmentReading] = {}
        for reading in completed(readings).readings:
            latest[(reading.position, reading.quantity)] = reading
        for reading in latest.values():
            limits = spec.range_for(reading.position, reading.quantity) if spec else None
            rated.append(
                RatedReading(
                    phase=phase,
                    position=reading.position,
                    quantity=reading.quantity,
                    value_deg=reading.value_deg,
                    spec=limits,
                    rating=None if limits is None else rate(reading.value_deg, limits),
                    beyond_limit_deg=None
                    if limits is None
                    else beyond_limit(reading.value_deg, limits),
                    toe_mm=toe_mm(reading.value_deg, rim)
                    if rim and reading.quantity in TOE_QUANTITIES
                    else None,
                )
            )
    order = {p: i for i, p in enumerate(Position)}
    qorder = {q: i for i, q in enumerate(Quantity)}
    rated.sort(key=lambda r: (r.phase is Phase.AFTER, order[r.position], qorder[r.quantity]))
    return RatedSession(session, spec.name if spec else None, rim, tuple(rated))


# -- specifications -------------------------------------------------------------


def parse_specs(raw: Mapping[str, Any]) -> list[VehicleSpec]:
    """The spec table: {"near": share, "vehicles": [{make, model, years, rim_diameter_in, ranges}]}."""
    near = float(raw.get("near", 0.2))
    specs: list[VehicleSpec] = []
    try:
        for vehicle in raw["vehicles"]:
            ranges: dict[tuple[str, Quantity], SpecRange] = {}
            for key, limits in vehicle["ranges"].items():
                group, quantity = key.split(".", 1)
                if group not in ("front", "rear", "vehicle"):
                    raise InvalidInput(
                        f"unknown spec group {group!r} in {key!r}", key="alignment.spec"
                    )
                ranges[(group, Quantity(quantity))] = SpecRange(
                    float(limits["min"]),
                    float(limits["preferred"]),
                    float(limits["max"]),
                    float(limits.get("near", near)),
                )
            first, last = vehicle["years"]
            specs.append(
                VehicleSpec(
                    make=str(vehicle["make"]),
                    model=str(vehicle["model"]),
                    years=(int(first), int(last)),
                    rim_diameter_in=float(vehicle["rim_diameter_in"]),
                    ranges=ranges,
                )
            )
    except (KeyError, TypeError, ValueError) as err:
        raise InvalidInput(
            f"alignment specification table is malformed: {err}", key="alignment.spec"
        ) from err
    return specs


def load_specs() -> list[VehicleSpec]:
    return parse_specs(load_json(SPECS_FIXTURE))


def find_spec(
    specs: Iterable[VehicleSpec], make: str | None, model: str | None, year: int | None
) -> VehicleSpec:
    """The spec for a car; make and model compare without case, the year must be in range."""
    wanted = ((make or "").strip().casefold(), (model or "").strip().casefold())
    for spec in specs:
        if (spec.make.casefold(), spec.model.casefold()) != wanted:
            continue
        if year is None or spec.years[0] <= year <= spec.years[1]:
            return spec
    raise NotFound(
        f"no alignment specification for {make} {model} {year or ''}".strip(),
        key="alignment.no_spec",
        vehicle=f"{make or ''} {model or ''} {year or ''}".strip(),
    )


def spec_for(make: str | None, model: str | None, year: int | None) -> VehicleSpec:
    return find_spec(load_specs(), make, model, year)


def spec_for_vehicle(vehicle: Mapping[str, Any], today: date | None = None) -> VehicleSpec:
    """The spec for a vehicle record, its make and model year filled from the VIN where
    the record lacks them (a car booked by VIN and model only is still rated)."""
    latest = (today or date.today()).year + 1
    filled = make_and_year(vehicle.get("make"), vehicle.get("year"), vehicle.get("vin"), latest)
    return spec_for(filled.make, vehicle.get("model"), filled.year)


# -- storage ----------------------------------------------------------------------


class HasStore(Protocol):
    @property
    def store(self) -> Store: ...


def migrate(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE alignment_sessions (
            id INTEGER PRIMARY KEY, work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
            rig TEXT NOT NULL, rig_session TEXT NOT NULL, spec TEXT,
            rim_diameter_in REAL, recorded_at TEXT NOT NULL, recorded_by INTEGER NOT NULL);
        CREATE INDEX alignment_sessions_work_order ON alignment_sessions(work_order_id, id);
        CREATE TABLE alignment_readings (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES alignment_sessions(id),
            phase TEXT NOT NULL CHECK (phase IN ('before','after')),
            position TEXT NOT NULL, quantity TEXT NOT NULL, value_deg REAL NOT NULL,
            spec_min REAL, spec_preferred REAL, spec_max REAL, spec_near REAL,
            rating TEXT CHECK (rating IN ('green','amber','red')));
        CREATE INDEX alignment_readings_session ON alignment_readings(session_id, id);
        """
    )
    for table in ("alignment_sessions", "alignment_readings"):
        for action in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'alignment records are immutable'); END"
            )


def _store_of(target: Store | HasStore) -> Store:
    return target if isinstance(target, Store) else target.store


def store_alignment(
    target: Store | HasStore,
    actor: Actor,
    wo_id: int,
    session: AlignmentSession,
    spec: VehicleSpec | None = None,
) -> int:
    """Keep a session with its ratings in one transaction (rows, audit, outbox); its id.

    A second session on the same work order is a new record (a re-measurement),
    never a change of the first.
    """
    require(actor.role, "measurement.record")
    store = _store_of(target)
    if not session.before.readings:
        raise InvalidInput(
            "an alignment session needs the readings before adjustment", key="alignment.no_before"
        )
    for reading in session.before.readings + (session.after.readings if session.after else ()):
        if not math.isfinite(reading.value_deg):
            raise InvalidInput(
                f"{reading.position.label} {reading.quantity.value} is not a number",
                key="alignment.reading",
            )
        check_place(reading.position, reading.quantity)
    limits.check(limits.DEVICE_LABEL, session.rig)
    limits.check(limits.DEVICE_LABEL, session.rig_session)
    rated = rate_session(session, spec)
    with store.transaction(actor.name) as tx:
        wo = tx.execute("SELECT status FROM work_orders WHERE id = ?", (wo_id,)).fetchone()
        if wo is None:
            raise NotFound(f"work order {wo_id} does not exist", key="record.not_found")
        if wo[0] in ("delivered", "cancelled"):
            raise ImmutableRecord(
                f"work order {wo_id} is {wo[0]}: it takes no new measurements",
                key="alignment.closed",
            )
        session_id = tx.insert(
            "alignment_sessions",
            {
                "work_order_id": wo_id,
                "rig": session.rig,
                "rig_session": session.rig_session,
                "spec": rated.spec_name,
                "rim_diameter_in": rated.rim_diameter_in,
                "recorded_at": tx.at,
                "recorded_by": actor.user_id,
            },
        )
        for item in rated.readings:
            tx.insert(
                "alignment_readings",
                {
                    "session_id": session_id,
                    "phase": item.phase.value,
                    "position": item.position.value,
                    "quantity": item.quantity.value,
                    "value_deg": item.value_deg,
                    "spec_min": item.spec.minimum if item.spec else None,
                    "spec_preferred": item.spec.preferred if item.spec else None,
                    "spec_max": item.spec.maximum if item.spec else None,
                    "spec_near": item.spec.near if item.spec else None,
                    "rating": _value(item.rating),
                },
            )
        payload = {"work_order_id": wo_id, **rated.to_dict()}
        tx.record("alignment.recorded", "alignment_session", session_id, payload)
    log.info("stored alignment session %s for work order %s", session_id, wo_id)
    return session_id


def load_alignment(target: Store | HasStore, wo_id: int) -> RatedSession | None:
    """The latest alignment session of a work order, rated as it was when stored."""
    store = _store_of(target)
    row = store.query_one(
        "SELECT * FROM alignment_sessions WHERE work_order_id = ? ORDER BY id DESC LIMIT 1",
        (wo_id,),
    )
    if row is None:
        return None
    rows = store.query(
        "SELECT * FROM alignment_readings WHERE session_id = ? ORDER BY id", (row["id"],)
    )
    rated: list[RatedReading] = []
    sets: dict[Phase, list[AlignmentReading]] = {Phase.BEFORE: [], Phase.AFTER: []}
    rim = row["rim_diameter_in"]
    for r in rows:
        phase, position, quantity = (
            Phase(r["phase"]),
            Position(r["position"]),
            Quantity(r["quantity"]),
        )
        limits = (
            None
            if r["spec_min"] is None
            else SpecRange(r["spec_min"], r["spec_preferred"], r["spec_max"], r["spec_near"])
        )
        value = float(r["value_deg"])
        sets[phase].append(AlignmentReading(position, quantity, value))
        rated.append(
            RatedReading(
                phase=phase,
                position=position,
                quantity=quantity,
                value_deg=value,
                spec=limits,
                rating=None if r["rating"] is None else Rating(r["rating"]),
                beyond_limit_deg=None if limits is None else beyond_limit(value, limits),
                toe_mm=toe_mm(value, rim) if rim and quantity in TOE_QUANTITIES else None,
            )
        )
    session = AlignmentSession(
        before=AlignmentSet(tuple(sets[Phase.BEFORE])),
        after=AlignmentSet(tuple(sets[Phase.AFTER])) if sets[Phase.AFTER] else None,
        rig=row["rig"],
        rig_session=row["rig_session"],
        rim_diameter_in=rim,
    )
    return RatedSession(session, row["spec"], rim, tuple(rated))
