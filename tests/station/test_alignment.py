"""Alignment ratings (pure, with literals), spec table, and storing a session in one transaction."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from station.alignment import (
    AlignmentReading,
    AlignmentSession,
    AlignmentSet,
    Phase,
    Position,
    Quantity,
    SpecRange,
    beyond_limit,
    completed,
    deg_min,
    find_spec,
    load_alignment,
    load_specs,
    rate,
    rate_session,
    spec_for,
    spec_for_vehicle,
    store_alignment,
    toe_deg,
    toe_mm,
)
from station.checklists import Rating
from station.errors import ImmutableRecord, InvalidInput, NotFound, PermissionDenied
from station.lifecycle import Status
from station.roles import Role
from station.store import Store
from station.vehicles import Powertrain
from station.vin import MakeAndYear, decode_vin, make_and_year, model_year
from station.workshop import Workshop

FL, FR, RL, RR = Position.FRONT_LEFT, Position.FRONT_RIGHT, Position.REAR_LEFT, Position.REAR_RIGHT
TOE, CAMBER = Quantity.TOE, Quantity.CAMBER

# min -0.2, preferred 0, max 0.2, a fifth of each side amber: green up to 0.16.
SYMMETRIC = SpecRange(-0.2, 0.0, 0.2, near=0.2)
# preferred off centre: 0.15 in [0, 0.30]
REAR_TOE = SpecRange(0.0, 0.15, 0.30, near=0.2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, Rating.GREEN),
        (0.16, Rating.GREEN),  # exactly on the green/amber edge
        (-0.16, Rating.GREEN),
        (0.1601, Rating.AMBER),
        (0.2, Rating.AMBER),  # exactly on the maximum: in tolerance, near the limit
        (-0.2, Rating.AMBER),  # exactly on the minimum
        (0.2001, Rating.RED),
        (-0.2001, Rating.RED),
        (1.5, Rating.RED),
    ],
)
def test_rating_of_a_symmetric_range(value: float, expected: Rating) -> None:
    assert rate(value, SYMMETRIC) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.15, Rating.GREEN),
        (0.27, Rating.GREEN),  # 0.15 + 0.8 * 0.15
        (0.03, Rating.GREEN),
        (0.28, Rating.AMBER),
        (0.30, Rating.AMBER),
        (0.0, Rating.AMBER),
        (0.1 + 0.2, Rating.AMBER),  # 0.30000000000000004 is on the limit, not out
        (0.31, Rating.RED),
        (-0.01, Rating.RED),
        (1.5, Rating.RED),
    ],
)
def test_rating_of_an_off_centre_range(value: float, expected: Rating) -> None:
    assert rate(value, REAR_TOE) is expected


def test_zero_width_amber_band_and_single_point_spec() -> None:
    assert rate(0.2, SpecRange(-0.2, 0.0, 0.2, near=0.0)) is Rating.GREEN
    assert rate(1.0, SpecRange(1.0, 1.0, 1.0)) is Rating.GREEN
    assert rate(1.01, SpecRange(1.0, 1.0, 1.0)) is Rating.RED


def test_disordered_spec_is_refused() -> None:
    with pytest.raises(InvalidInput):
        SpecRange(0.3, 0.0, 0.2)
    with pytest.raises(InvalidInput):
        SpecRange(0.0, 0.1, 0.2, near=1.0)


def test_how_far_out_of_specification() -> None:
    assert beyond_limit(1.50, REAR_TOE) == pytest.approx(1.2)
    assert beyond_limit(-0.5, REAR_TOE) == pytest.approx(0.5)
    assert beyond_limit(0.30, REAR_TOE) == 0.0
    assert beyond_limit(0.0, REAR_TOE) == 0.0


def test_degrees_minutes_and_millimetres() -> None:
    assert deg_min(1.2) == "1°12′"
    assert deg_min(-1.2) == "-1°12′"
    assert deg_min(0.5) == "0°30′"
    assert deg_min(-0.004) == "0°00′"
    assert deg_min(4.999) == "5°00′"
    # 17-inch rim = 431.8 mm; sin(0.15°) * 431.8 = 1.1304 mm
    assert toe_mm(0.15, 17) == pytest.approx(1.1304, abs=1e-4)
    assert toe_mm(-1.2, 17) == pytest.approx(-9.0429, abs=1e-4)
    assert toe_deg(toe_mm(1.2, 17), 17) == pytest.approx(1.2)
    with pytest.raises(InvalidInput):
        toe_deg(500.0, 17)


def test_totals_and_thrust_angle_are_derived_when_the_rig_does_not_send_them() -> None:
    readings = AlignmentSet(
        (
            AlignmentReading(FL, TOE, 0.05),
            AlignmentReading(FR, TOE, 0.07),
            AlignmentReading(RL, TOE, 0.15),
            AlignmentReading(RR, TOE, 1.50),
        )
    )
    full = completed(readings)
    assert full.value(Position.FRONT_AXLE, Quantity.TOTAL_TOE) == pytest.approx(0.12)
    assert full.value(Position.REAR_AXLE, Quantity.TOTAL_TOE) == pytest.approx(1.65)
    assert full.value(Position.VEHICLE, Quantity.THRUST_ANGLE) == pytest.approx(-0.675)
    given = AlignmentSet(
        (*readings.readings, AlignmentReading(Position.VEHICLE, Quantity.THRUST_ANGLE, 0.1))
    )
    assert completed(given).value(Position.VEHICLE, Quantity.THRUST_ANGLE) == 0.1


def test_spec_table_has_the_demo_cars() -> None:
    specs = load_specs()
    assert find_spec(specs, "Bay Motors", "Sedan", 2019).rim_diameter_in == 17
    assert find_spec(specs, "bay motors", "ev", 2022).model == "EV"
    assert find_spec(specs, "Bay Motors", "Hybrid", 2021).years == (2018, 2025)
    with pytest.raises(NotFound):
        find_spec(specs, "Bay Motors", "Sedan", 1999)
    with pytest.raises(NotFound):
        find_spec(specs, "Other", "Car", None)
    for spec in specs:
        for group in ("front", "rear"):
            assert (group, TOE) in spec.ranges
            assert (group, CAMBER) in spec.ranges


def _session(rr_before: float = 1.50, rr_after: float = 0.16) -> AlignmentSession:
    def one(rr: float) -> AlignmentSet:
        return AlignmentSet(
            (
                AlignmentReading(FL, TOE, 0.05),
                AlignmentReading(FR, TOE, 0.06),
                AlignmentReading(FL, CAMBER, -0.5),
                AlignmentReading(FR, CAMBER, -0.45),
                AlignmentReading(FL, Quantity.CASTER, 4.4),
                AlignmentReading(FR, Quantity.CASTER, 4.6),
                AlignmentReading(RL, TOE, 0.15),
                AlignmentReading(RR, TOE, rr),
                AlignmentReading(Position.FRONT_AXLE, Quantity.SETBACK, 0.02),
            )
        )

    return AlignmentSession(one(rr_before), one(rr_after), rig="test", rig_session="S1")


def test_rated_session_shows_right_rear_toe_out_then_in() -> None:
    rated = rate_session(_session(), spec_for("Bay Motors", "Sedan", 2019))
    before = rated.reading(Phase.BEFORE, RR, TOE)
    after = rated.reading(Phase.AFTER, RR, TOE)
    assert before is not None and after is not None
    assert before.rating is Rating.RED
    assert before.beyond_limit_deg == pytest.approx(1.2)
    assert before.toe_mm == pytest.approx(11.30, abs=0.01)
    assert after.rating is Rating.GREEN
    assert rated.worst(Phase.BEFORE) is Rating.RED
    assert rated.worst(Phase.AFTER) is Rating.GREEN
    as_json = rated.to_dict()
    rr = next(r for r in as_json["before"] if r["position"] == "RR" and r["quantity"] == "toe")
    assert rr["value_dm"] == "1°30′"
    assert rr["spec"] == {"minimum": 0.0, "preferred": 0.15, "maximum": 0.3}
    assert as_json["worst"] == {"before": "red", "after": "green"}
    assert {r["quantity"] for r in as_json["after"]} >= {"total_toe", "thrust_angle"}


def test_without_a_spec_values_are_kept_unrated() -> None:
    rated = rate_session(_session(), None)
    assert all(r.rating is None for r in rated.readings)
    assert rated.worst(Phase.BEFORE) is None


# -- storage ----------------------------------------------------------------------


@pytest.fixture
def workshop(tmp_path: Path) -> Workshop:
    store = Store.open(tmp_path / "station.db")
    w = Workshop(store)
    w.add_user(None, "admin", Role.ADMIN, "1234")
    admin = w.login("admin", "1234")
    w.add_user(admin, "li", Role.TECHNICIAN, "2468")
    w.add_user(admin, "emma", Role.ADVISOR, "8642")
    return w


def _work_order(w: Workshop) -> int:
    tech = w.login("li", "2468")
    vehicle = w.add_vehicle(tech, None, "B12345", Powertrain.ICE, "Bay Motors", "Sedan", 2019)
    return w.create_work_order(tech, vehicle.id).id


def _counts(store: Store) -> tuple[int, ...]:
    return tuple(
        store.query_one(f"SELECT count(*) AS n FROM {t}")["n"]  # type: ignore[index]
        for t in ("alignment_sessions", "alignment_readings", "audit_events", "outbox")
    )


def test_store_and_load_a_session(workshop: Workshop) -> None:
    wo = _work_order(workshop)
    tech = workshop.login("li", "2468")
    spec = spec_for("Bay Motors", "Sedan", 2019)
    session_id = store_alignment(workshop, tech, wo, _session(), spec)
    loaded = load_alignment(workshop.store, wo)
    assert loaded is not None
    assert loaded.spec_name == "Bay Motors Sedan 2017-2023"
    assert loaded.to_dict() == rate_session(_session(), spec).to_dict() | {
        "rig": "test",
        "rig_session": "S1",
    }
    outbox = workshop.store.query(
        "SELECT * FROM outbox WHERE entity = 'alignment_session' AND entity_id = ?",
        (str(session_id),),
    )
    assert len(outbox) == 1 and outbox[0]["kind"] == "alignment.recorded"
    assert workshop.store.verify_audit_chain().ok
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        workshop.store.db.execute("UPDATE alignment_readings SET value_deg = 0")
    # a re-measurement is a new record, and the latest one is what the report shows
    store_alignment(workshop.store, tech, wo, _session(rr_after=0.31), spec)
    again = load_alignment(workshop, wo)
    assert again is not None
    assert again.worst(Phase.AFTER) is Rating.RED


def test_store_refuses_before_writing(workshop: Workshop) -> None:
    wo = _work_order(workshop)
    tech = workshop.login("li", "2468")
    advisor = workshop.login("emma", "8642")
    counts = _counts(workshop.store)
    with pytest.raises(PermissionDenied):
        store_alignment(workshop, advisor, wo, _session())
    with pytest.raises(NotFound):
        store_alignment(workshop, tech, 999, _session())
    with pytest.raises(InvalidInput):
        store_alignment(workshop, tech, wo, AlignmentSession(AlignmentSet()))
    wrong_place = AlignmentSet((AlignmentReading(RR, Quantity.THRUST_ANGLE, 0.1),))
    with pytest.raises(InvalidInput):
        store_alignment(workshop, tech, wo, AlignmentSession(wrong_place))
    nan = AlignmentSet((AlignmentReading(RR, TOE, float("nan")),))
    with pytest.raises(InvalidInput):
        store_alignment(workshop, tech, wo, AlignmentSession(nan))
    assert _counts(workshop.store) == counts


def test_an_error_midway_leaves_nothing(workshop: Workshop) -> None:
    wo = _work_order(workshop)
    tech = workshop.login("li", "2468")
    counts = _counts(workshop.store)
    # A real failure in the middle: the database refuses the after-set's setback row,
    # after the session row and the before readings are already written.
    workshop.store.db.execute(
        "CREATE TRIGGER fail_midway BEFORE INSERT ON alignment_readings "
        "WHEN NEW.phase = 'after' AND NEW.quantity = 'setback' "
        "BEGIN SELECT RAISE(ABORT, 'disk said no'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="disk said no"):
        store_alignment(workshop, tech, wo, _session(), spec_for("Bay Motors", "Sedan", 2019))
    assert _counts(workshop.store) == counts
    assert load_alignment(workshop, wo) is None


def test_a_closed_work_order_takes_no_measurement(workshop: Workshop) -> None:
    wo = _work_order(workshop)
    admin = workshop.login("admin", "1234")
    tech = workshop.login("li", "2468")
    workshop.change_status(admin, wo, Status.CANCELLED, note="customer left")
    with pytest.raises(ImmutableRecord):
        store_alignment(workshop, tech, wo, _session())
    assert load_alignment(workshop, wo) is None


def test_make_and_year_come_from_the_vin_only_where_the_record_lacks_them() -> None:
    golf = "WVWZZZAUZFW012345"
    assert make_and_year(None, None, golf, 2027) == MakeAndYear("Volkswagen", 2015, True, True)
    assert make_and_year(" ", 2016, golf, 2027) == MakeAndYear("Volkswagen", 2016, True, False)
    assert make_and_year("VW", None, golf, 2027) == MakeAndYear("VW", 2015, False, True)
    assert make_and_year(None, None, "XXXZZZAUZFW012345", 2027) == MakeAndYear(
        None, 2015, False, True
    )
    assert make_and_year(None, None, "not a vin", 2027) == MakeAndYear(None, None)
    assert make_and_year(None, None, None, 2027) == MakeAndYear(None, None)
    # position 10 "S" is 1995 or 2025: the later one, unless it is after next year
    assert decode_vin("LSVAU2180S2183741", 2027) == {
        "wmi": "LSV",
        "manufacturer": "Volkswagen",
        "model_year": 2025,
        "check_digit_ok": False,
    }
    assert model_year("LSVAU2180S2183741", 2024) == 1995


def test_the_spec_of_a_car_booked_by_vin_and_model_only() -> None:
    today = date(2026, 11, 30)
    record = {"make": None, "model": "Golf", "year": None, "vin": "WVWZZZAUZFW012345"}
    assert spec_for_vehicle(record, today).name == "Volkswagen Golf 2013-2020"
    # the record's own make and year win: this Bay Motors Sedan keeps its spec
    demo = {"make": "Bay Motors", "model": "Sedan", "year": 2019, "vin": "LSVAU2180N2183741"}
    assert spec_for_vehicle(demo, today).name == "Bay Motors Sedan 2017-2023"
    with pytest.raises(NotFound):  # a 2024 Golf is outside the table's years
        spec_for_vehicle({**record, "vin": "WVWZZZAUZRW012345"}, today)
