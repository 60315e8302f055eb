"""The labour rate as versions on a lone station, and an old station's rate carried over."""

from __future__ import annotations

from pathlib import Path

import pytest

from station import catalogue
from station.errors import InvalidInput
from station.roles import Role
from station.schema import MIGRATIONS
from station.store import Store
from station.workshop import Workshop


def test_the_next_version_is_decided_from_the_current_one() -> None:
    assert catalogue.decide_labour_rate(None, 30_000) == {
        "version": 1,
        "based_on": None,
        "cents": 30_000,
    }
    now = catalogue.LabourRate(7, 3, 30_000, "2026-11-30T10:00:00.000Z", "boss")
    assert catalogue.decide_labour_rate(now, 32_000) == {
        "version": 4,
        "based_on": 7,
        "cents": 32_000,
    }
    assert catalogue.decide_labour_rate(now, 30_000) is None  # unchanged: nothing to write
    for wrong in (0, -1, catalogue.MAX_PRICE_CENTS + 1):
        with pytest.raises(InvalidInput):
            catalogue.decide_labour_rate(now, wrong)


def test_a_lone_station_keeps_its_rate_as_sealed_versions(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "station.db")
    workshop = Workshop(store)
    workshop.add_user(None, "boss", Role.ADMIN, "1234")
    boss = workshop.login("boss", "1234")
    assert catalogue.labour_rate_cents(store) == 0 and catalogue.labour_rate(store) is None
    catalogue.set_labour_rate(store, boss, 30_000)
    catalogue.set_labour_rate(store, boss, 30_000)  # the same again: no new version
    catalogue.set_labour_rate(store, boss, 33_000)
    assert catalogue.labour_rate_cents(store) == 33_000
    rows = store.query("SELECT version, based_on, cents, changed_by FROM labour_rates ORDER BY id")
    assert [(r["version"], r["cents"], r["changed_by"]) for r in rows] == [
        (1, 30_000, "boss"),
        (2, 33_000, "boss"),
    ]
    report = store.verify_audit()
    assert report.ok and report.unsealed_rows == 0
    # A version changed behind the station is refused, and one slipped past is named.
    with pytest.raises(Exception, match="immutable"):
        store.db.conn.execute("UPDATE labour_rates SET cents = 1")
    store.db.conn.execute("DROP TRIGGER labour_rates_no_update")
    store.db.conn.execute("UPDATE labour_rates SET cents = 1 WHERE version = 2")
    store.db.conn.execute("DELETE FROM row_seal_pending")
    assert any("labour_rates" in p for p in store.verify_audit().problems)
    store.close()


def test_an_old_stations_rate_in_its_settings_becomes_the_first_version(tmp_path: Path) -> None:
    path = tmp_path / "station.db"
    names = [m.name for m in MIGRATIONS]
    old = Store.open(path, migrations=MIGRATIONS[: names.index("0125_i12_labour_rate")])
    with old.transaction("boss") as tx:  # as the version before kept it
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?, '31500')", (catalogue.LABOUR_RATE_KEY,)
        )
        tx.record("catalogue.labour_rate", "catalogue", "labour_rate", {"cents": 31_500})
        set_at = tx.at
    old.close()
    store = Store.open(path)
    rate = catalogue.labour_rate(store)
    assert rate is not None
    assert (rate.version, rate.cents, rate.changed_by, rate.changed_at) == (
        1,
        31_500,
        "boss",
        set_at,
    )
    assert store.meta(catalogue.LABOUR_RATE_KEY) is None  # one rate, in one place
    workshop = Workshop(store)
    workshop.add_user(None, "boss", Role.ADMIN, "1234")  # the first write seals the carried row
    report = store.verify_audit()
    assert report.ok and report.unsealed_rows == 0, report.problems
    catalogue.set_labour_rate(store, workshop.login("boss", "1234"), 32_000)
    assert catalogue.labour_rate(store) == catalogue.LabourRate(
        2, 2, 32_000, store.query("SELECT MAX(changed_at) AS at FROM labour_rates")[0]["at"], "boss"
    )
    store.close()


def test_an_old_station_without_a_rate_starts_with_none(tmp_path: Path) -> None:
    path = tmp_path / "station.db"
    names = [m.name for m in MIGRATIONS]
    Store.open(path, migrations=MIGRATIONS[: names.index("0125_i12_labour_rate")]).close()
    store = Store.open(path)
    assert catalogue.labour_rate(store) is None and catalogue.labour_rate_cents(store) == 0
    store.close()
