"""Pure rules with literals: VIN, checklist thresholds on their limits, money, service plan."""

from __future__ import annotations

from datetime import date

import pytest

from station.audit import GENESIS_HASH, chain_hash, verify_chain
from station.checklists import Measurement, Rating, load_template, remaining_life_km, suggest_rating
from station.errors import InvalidInput, NotFound
from station.findings import (
    ApprovalState,
    Decision,
    estimate_total_cents,
    format_money,
    labour,
    part,
    state_after,
)
from station.service_plan import add_months, next_service
from station.vehicles import Powertrain, check_mileage
from station.vin import check_digit, check_vin

PADS = Measurement(
    "pad_thickness", "mm", amber_below=4.0, red_below=3.0, life_minimum=2.0, wear_per_1000_km=0.4
)
PRESSURE = Measurement("tyre_pressure", "bar", amber_outside=(2.2, 2.8), red_outside=(1.8, 3.2))


@pytest.mark.parametrize(
    ("value", "rating"),
    [
        (2.99, Rating.RED),
        (3.0, Rating.AMBER),
        (3.99, Rating.AMBER),
        (4.0, Rating.GREEN),
        (12.0, Rating.GREEN),
    ],
)
def test_wear_thresholds_on_their_limits(value: float, rating: Rating) -> None:
    assert suggest_rating(PADS, value) is rating


@pytest.mark.parametrize(
    ("value", "rating"),
    [
        (1.79, Rating.RED),
        (1.8, Rating.AMBER),
        (2.2, Rating.GREEN),
        (2.5, Rating.GREEN),
        (2.8, Rating.GREEN),
        (2.81, Rating.AMBER),
        (3.2, Rating.AMBER),
        (3.21, Rating.RED),
    ],
)
def test_window_thresholds_on_their_limits(value: float, rating: Rating) -> None:
    assert suggest_rating(PRESSURE, value) is rating


def test_remaining_life_of_pads() -> None:
    assert remaining_life_km(PADS, 6.0) == 10_000
    assert remaining_life_km(PADS, 2.6) == 1_000  # 1,500 km: never promise more than is there
    assert remaining_life_km(PADS, 5.99) == 9_000
    assert remaining_life_km(PADS, 1.0) == 0
    assert remaining_life_km(PRESSURE, 2.5) is None


def test_templates_are_versioned_and_bilingual() -> None:
    template = load_template("inspection")
    assert template.version == 1 and template.title.zh
    assert load_template("inspection", 1) == template
    assert all(item.title.en and item.title.zh for item in template.items)
    assert {"tyres", "brakes", "battery"} <= set(template.sections)
    with pytest.raises(NotFound):
        load_template("inspection", 99)
    hv = load_template("inspection-hv")
    assert hv.item("hv_isolation").measurement is not None


def test_vin_check_digit() -> None:
    assert check_digit("1HGCM82633A004352") == "3"
    assert check_vin(" 1hgcm82633a004352 ").check_digit_ok
    assert not check_vin("1HGCM82683A004352").check_digit_ok
    with pytest.raises(InvalidInput):
        check_vin("1HGCM82633A00435O")


def test_mileage_rules() -> None:
    assert check_mileage(None, 100, False) == ()
    assert check_mileage(100, 100, False) == ()
    with pytest.raises(InvalidInput):
        check_mileage(100, 99, False)
    assert check_mileage(100, 99, True)
    with pytest.raises(InvalidInput):
        check_mileage(None, -1, True)


def test_money_and_approval_state() -> None:
    lines = [part("pads", 2, 19_000), labour("fit", 0.75, 30_000)]
    assert estimate_total_cents(lines) == 60_500
    assert format_money(60_500) == "¥605.00"
    assert state_after([]) is ApprovalState.PENDING
    assert state_after([Decision.DECLINED, Decision.APPROVED]) is ApprovalState.APPROVED


def test_next_service_by_distance_and_date() -> None:
    due = next_service(Powertrain.EV, 18_500, date(2026, 1, 31))
    assert due.km == 38_500 and due.date == date(2028, 1, 31)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert next_service(Powertrain.ICE, 0, date(2026, 12, 15)).date == date(2027, 12, 15)


def test_audit_chain_detects_any_change() -> None:
    rows = []
    previous = GENESIS_HASH
    for seq in range(1, 4):
        body = {
            "seq": seq,
            "at": "t",
            "actor": "a",
            "kind": "k",
            "subject": f"s:{seq}",
            "data": {"n": seq},
        }
        digest = chain_hash(previous, body)
        rows.append({**body, "data": f'{{"n":{seq}}}', "prev_hash": previous, "hash": digest})
        previous = digest
    assert verify_chain(rows).ok
    tampered = [dict(r) for r in rows]
    tampered[1]["data"] = '{"n":99}'
    check = verify_chain(tampered)
    assert not check.ok and check.first_bad_seq == 2
    assert verify_chain([rows[0], rows[2]]).first_bad_seq == 3
