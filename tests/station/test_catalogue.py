"""The price list, the labour rate and canned jobs: lines picked, not typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from station import catalogue
from station.errors import InvalidInput, NotFound, PermissionDenied
from station.findings import LineKind
from station.roles import Role
from station.store import Store
from station.workshop import Actor, Workshop


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Workshop, Actor]:
    workshop = Workshop(Store.open(tmp_path / "station.db"))
    workshop.add_user(None, "boss", Role.ADMIN, "1234")
    return workshop, workshop.login("boss", "1234")


def test_a_new_item_is_checked_before_it_is_kept() -> None:
    row = catalogue.decide_item(" bp-f ", "Front pads", "前刹车片", LineKind.PART, 42_000, 3.0)
    assert row["code"] == "BP-F" and row["hours"] == 0.0 and row["price_cents"] == 42_000
    labour = catalogue.decide_item("L-1", "Fit", "", LineKind.LABOUR, 999, 0.5)
    assert labour["price_cents"] == 0 and labour["hours"] == 0.5
    with pytest.raises(InvalidInput):
        catalogue.decide_item("", "x", "", LineKind.PART, 1, 0)
    with pytest.raises(InvalidInput):
        catalogue.decide_item("X", " ", "", LineKind.PART, 1, 0)
    with pytest.raises(InvalidInput):
        catalogue.decide_item("X", "x", "", LineKind.LABOUR, 0, 0)
    with pytest.raises(InvalidInput):
        catalogue.decide_item("X", "x", "", LineKind.PART, -1, 0)


def test_the_starter_list_makes_a_10000_km_service_priced_at_the_labour_rate(
    shop: tuple[Workshop, Actor],
) -> None:
    workshop, boss = shop
    store = workshop.store
    added = catalogue.load_starter(store, boss)
    assert added == len(catalogue.price_items(store)) > 10
    assert catalogue.labour_rate_cents(store) == 30_000
    service = next(j for j in catalogue.canned_jobs(store) if j.name_en == "10,000 km service")
    assert service.name("zh") == "10000公里保养"
    lines = catalogue.job_lines(service, catalogue.labour_rate_cents(store), "en")
    assert [(line.description, line.quantity, line.unit_price_cents) for line in lines] == [
        ("Air filter", 1.0, 9_000),
        ("Oil filter", 1.0, 6_000),
        ("Engine oil 5W-30, 4 l", 1.0, 36_000),
        ("Service labour", 1.0, 30_000),
    ]
    events = store.query("SELECT kind FROM audit_events WHERE kind LIKE 'catalogue.%'")
    assert len(events) == 1 + added + len(catalogue.canned_jobs(store))


def test_a_new_price_retires_the_old_one_and_only_an_admin_changes_prices(
    shop: tuple[Workshop, Actor],
) -> None:
    workshop, boss = shop
    store = workshop.store
    first = catalogue.add_price_item(
        store, boss, "BP-F", "Front pads", "前刹车片", LineKind.PART, 40_000
    )
    second = catalogue.add_price_item(
        store, boss, "bp-f", "Front pads", "前刹车片", LineKind.PART, 42_000
    )
    assert [i.id for i in catalogue.price_items(store)] == [second] != [first]
    assert store.query_one("SELECT price_cents FROM price_items WHERE id = ?", (first,)) == {
        "price_cents": 40_000
    }
    with pytest.raises(NotFound):
        catalogue.add_canned_job(store, boss, "Pads", "", [("NOPE", 1)])
    with pytest.raises(InvalidInput):
        catalogue.set_labour_rate(store, boss, 0)
    workshop.add_user(boss, "tom", Role.TECHNICIAN, "5678")
    tom = workshop.login("tom", "5678")
    with pytest.raises(PermissionDenied):
        catalogue.add_price_item(store, tom, "X", "x", "", LineKind.PART, 1)
    with pytest.raises(PermissionDenied):
        catalogue.set_labour_rate(store, tom, 100)


def test_a_canned_job_is_changed_line_by_line_and_retired(shop: tuple[Workshop, Actor]) -> None:
    workshop, boss = shop
    store = workshop.store
    catalogue.load_starter(store, boss)
    service = next(j for j in catalogue.canned_jobs(store) if j.name_en == "10,000 km service")
    codes = [(item.code, quantity) for item, quantity in service.lines]
    assert "FLT-AIR" in dict(codes)
    # the air filter comes out, a cabin filter goes in, two units of labour
    changed = [(code, 2.0 if code == "L-SERVICE" else q) for code, q in codes if code != "FLT-AIR"]
    new_id = catalogue.change_canned_job(
        store, boss, service.id, "10,000 km service", "10000公里保养", [*changed, ("flt-cabin", 1)]
    )
    jobs = {job.id: job for job in catalogue.canned_jobs(store)}
    assert service.id not in jobs and new_id in jobs
    now = {item.code: quantity for item, quantity in jobs[new_id].lines}
    assert "FLT-AIR" not in now and now["FLT-CABIN"] == 1.0 and now["L-SERVICE"] == 2.0
    kept = store.query_one("SELECT active FROM canned_jobs WHERE id = ?", (service.id,))
    assert kept == {"active": 0}, "the old job stays on record"

    # a price changed later is the job's price now
    catalogue.add_price_item(
        store, boss, "FLT-CABIN", "Cabin filter", "空调滤芯", LineKind.PART, 15_000
    )
    job = next(j for j in catalogue.canned_jobs(store) if j.id == new_id)
    cabin = next(item for item, _q in job.lines if item.code == "FLT-CABIN")
    assert cabin.price_cents == 15_000

    with pytest.raises(InvalidInput):
        catalogue.change_canned_job(store, boss, new_id, "Service", "", [])
    with pytest.raises(InvalidInput):
        catalogue.change_canned_job(store, boss, new_id, "Service", "", [("FLT-OIL", 0)])
    with pytest.raises(NotFound):
        catalogue.change_canned_job(store, boss, service.id, "Service", "", [("FLT-OIL", 1)])
    assert new_id in {job.id for job in catalogue.canned_jobs(store)}, "a refusal changes nothing"

    catalogue.retire_canned_job(store, boss, new_id)
    assert new_id not in {job.id for job in catalogue.canned_jobs(store)}
    with pytest.raises(NotFound):
        catalogue.retire_canned_job(store, boss, new_id)
    kinds = [
        e["kind"]
        for e in store.query(
            "SELECT kind FROM audit_events WHERE kind LIKE 'catalogue.%' ORDER BY seq"
        )
    ]
    assert "catalogue.job_changed" in kinds and kinds[-1] == "catalogue.job_retired"
    workshop.add_user(boss, "tom", Role.TECHNICIAN, "5678")
    with pytest.raises(PermissionDenied):
        catalogue.retire_canned_job(store, workshop.login("tom", "5678"), service.id)
