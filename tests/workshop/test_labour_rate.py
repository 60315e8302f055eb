"""The labour rate is the workshop's: set at the desk, priced at every bay, audited and sealed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from station import catalogue, schema
from station.adjustment import adjustment_lines
from station.schema import MIGRATIONS
from station.store import Store
from station.workshop import Workshop
from sync.client import SyncClient
from tests.workshop.helpers import Terminal, hub_digest, join, settle


def _service_labour(t: Terminal) -> int:
    """What the bay's 10,000 km service charges for its hour of labour."""
    service = next(j for j in catalogue.canned_jobs(t.store) if j.name_en == "10,000 km service")
    rate = catalogue.labour_rate_cents(t.store)
    lines = catalogue.job_lines(service, rate, "en")
    return next(line.total_cents for line in lines if line.description == "Service labour")


def test_the_rate_set_at_the_desk_prices_the_bays_estimate_and_adjustment(
    tmp_path: Path, hub: Any
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    catalogue.load_starter(desk.store, desk.admin)  # 300.00 an hour
    settle(desk, bay)
    assert catalogue.labour_rate_cents(bay.store) == 30_000
    assert [line.total_cents for line in adjustment_lines(bay.workshop)] == [30_000]

    catalogue.set_labour_rate(desk.store, desk.admin, 35_000)
    settle(desk, bay)
    assert catalogue.labour_rate_cents(bay.store) == 35_000
    assert [line.total_cents for line in adjustment_lines(bay.workshop)] == [35_000]
    assert _service_labour(bay) == 35_000
    # At the desk, on record: who changed it, from what, to what.
    events = desk.store.query(
        "SELECT actor, data FROM audit_events WHERE kind = 'catalogue.labour_rate' ORDER BY seq"
    )
    assert [(e["actor"], json.loads(e["data"])["was"]) for e in events] == [
        ("admin", None),
        ("admin", 30_000),
    ]
    rate = catalogue.labour_rate(bay.store)
    assert rate is not None and (rate.version, rate.changed_by) == (2, "admin")
    assert hub_digest(hub) == desk.digest() == bay.digest()
    assert bay.store.verify_audit().ok and desk.store.verify_audit().ok
    desk.close()
    bay.close()


def test_two_rates_set_offline_settle_on_the_later_everywhere(tmp_path: Path, hub: Any) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    catalogue.set_labour_rate(desk.store, desk.admin, 30_000)
    settle(desk, bay)
    # Both cut off: the desk sets 320.00, then the bay's admin 340.00.
    catalogue.set_labour_rate(desk.store, desk.admin, 32_000)
    catalogue.set_labour_rate(bay.store, bay.admin, 34_000)
    assert catalogue.labour_rate_cents(desk.store) == 32_000
    settle(desk, bay)
    assert catalogue.labour_rate_cents(desk.store) == catalogue.labour_rate_cents(bay.store)
    assert catalogue.labour_rate_cents(desk.store) == 34_000
    # Both versions stay on record, on every terminal and at the hub.
    kept = desk.store.query("SELECT version, cents FROM labour_rates ORDER BY cents")
    assert [(r["version"], r["cents"]) for r in kept] == [(1, 30_000), (2, 32_000), (2, 34_000)]
    assert hub_digest(hub) == desk.digest() == bay.digest()
    desk.close()
    bay.close()


def test_a_terminal_upgraded_prices_at_its_old_rate_until_the_workshop_sets_one(
    tmp_path: Path, hub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [m.name for m in MIGRATIONS]
    before = MIGRATIONS[: names.index("0125_i12_labour_rate")]
    with monkeypatch.context() as older:  # the desk joined with the version before
        older.setattr(schema, "MIGRATIONS", before)
        desk = join(hub, tmp_path, "desk")
        with desk.store.transaction("admin") as tx:  # as that version set the rate
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?, '28000')", (catalogue.LABOUR_RATE_KEY,)
            )
            tx.record("catalogue.labour_rate", "catalogue", "labour_rate", {"cents": 28_000})
        desk.close()
    store = Store.open(tmp_path / "desk" / "station.db")  # the new version
    workshop = Workshop(store)
    desk = Terminal("desk", workshop, SyncClient(store), workshop.login("admin", "1234"))
    bay = join(hub, tmp_path, "bay-1")
    settle(desk, bay)
    # Nobody has said which terminal's rate is the workshop's: each keeps pricing as it did.
    assert catalogue.labour_rate(desk.store) is None
    assert catalogue.labour_rate_cents(desk.store) == 28_000
    assert catalogue.labour_rate_cents(bay.store) == 0
    assert not desk.store.query("SELECT * FROM replica_conflicts")
    assert hub_digest(hub) == desk.digest() == bay.digest()
    # The advisor sets it at the bay: from then on it is every terminal's.
    catalogue.set_labour_rate(bay.store, bay.admin, 29_000)
    settle(desk, bay)
    assert catalogue.labour_rate_cents(desk.store) == catalogue.labour_rate_cents(bay.store)
    assert catalogue.labour_rate_cents(desk.store) == 29_000
    assert hub_digest(hub) == desk.digest() == bay.digest()
    assert desk.store.verify_audit().ok
    desk.close()
    bay.close()
