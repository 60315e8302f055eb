"""Closed work past the window leaves a terminal's replica and comes back from the hub when opened."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from station import replica
from station.cli import main
from station.lifecycle import Status
from station.vehicles import Powertrain
from tests.workshop.helpers import hub_digest, join, settle


def test_closed_work_past_the_window_is_dropped_and_fetched_back_when_opened(
    tmp_path: Path, hub: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    w, admin = desk.workshop, desk.admin
    vehicle = w.add_vehicle(admin, None, "粤B33333", Powertrain.ICE).id
    old = w.create_work_order(admin, vehicle, "rattle at idle").id
    w.check_in(admin, old, 10_000)
    w.change_status(admin, old, Status.CANCELLED, "the customer changed their mind")
    current = w.create_work_order(admin, vehicle, "brakes squeal").id
    w.check_in(admin, current, 10_050)
    settle(desk, bay)
    number = w.work_order(old)["number"]
    whole = bay.digest()

    # Within the window nothing goes; 31 days on, the closed visit leaves bay 1 whole.
    assert replica.prune_closed(bay.store, 30) == 0
    month_on = bay.store.clock() + timedelta(days=31)
    assert replica.prune_closed(bay.store, 30, month_on) == 1
    for table in ("work_orders", "check_ins", "progress_events", "messages"):
        key = "id" if table == "work_orders" else "work_order_id"
        assert bay.store.query(f"SELECT * FROM {table} WHERE {key} = ?", (old,)) == [], table
    assert bay.store.query_one("SELECT id FROM work_orders WHERE id = ?", (current,))
    assert bay.store.query_one("SELECT id FROM vehicles WHERE id = ?", (vehicle,))
    assert bay.digest() != whole == hub_digest(hub)

    # Someone opens the old number at bay 1: it comes back from the hub, as it was.
    capsys.readouterr()
    assert main(["wo", "show", number, "--json", "--data-dir", str(tmp_path / "bay-1")]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["number"] == number and shown["status"] == "cancelled"
    assert [e["to_status"] for e in shown["progress"]] == ["booked", "checked_in", "cancelled"]
    assert bay.digest() == whole
    # Opened just now, it stays a day even past the window (here a window of 0 days).
    assert replica.prune_closed(bay.store, 0, bay.store.clock() + timedelta(hours=23)) == 0
    assert replica.prune_closed(bay.store, 0, bay.store.clock() + timedelta(hours=25)) == 1
    # A number the workshop never had is still "not found", after asking the hub.
    assert main(["wo", "show", "WO-19990101-B1-0001", "--data-dir", str(tmp_path / "bay-1")]) == 2
    desk.close()
    bay.close()
