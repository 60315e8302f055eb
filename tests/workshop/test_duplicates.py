"""The same car and the same user name made offline at two terminals: the hub decides, once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from station import replica
from station.errors import StationError
from station.roles import Role
from station.vehicles import Powertrain
from tests.workshop.helpers import hub_digest, join, settle

VIN = "LGXCE4CB5N0000001"


def test_a_car_and_a_user_name_made_twice_offline_are_settled_at_the_hub(
    tmp_path: Path, hub: Any
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    # Both offline: each registers the same car and opens a visit on it, each adds "wang".
    made = {}
    for t, plate, km, role, pin in (
        (desk, "粤B10001", 10_000, Role.ADVISOR, "1357"),
        (bay, "粤B10001", 10_020, Role.TECHNICIAN, "2468"),
    ):
        w = t.workshop
        vehicle = w.add_vehicle(t.admin, VIN, plate, Powertrain.ICE, "BYD", "Qin").id
        wo = w.create_work_order(t.admin, vehicle, "noise").id
        w.check_in(t.admin, wo, km)
        w.add_user(t.admin, "wang", role, pin)
        made[t.name] = (vehicle, wo)
    desk.sync()  # the desk reaches the hub first: its car and its "wang" are the workshop's
    bay.sync()
    settle(desk, bay)

    kept, (gone, bay_wo) = made["desk"][0], made["bay-1"]
    for t in (desk, bay):
        cars = t.store.query("SELECT id FROM vehicles WHERE vin = ?", (VIN,))
        assert [c["id"] for c in cars] == [kept], t.name
        visits = t.store.query("SELECT id, vehicle_id FROM work_orders ORDER BY id")
        assert {v["vehicle_id"] for v in visits} == {kept} and len(visits) == 2
        readings = t.store.query("SELECT vehicle_id, km FROM mileage_readings ORDER BY km")
        assert readings == [
            {"vehicle_id": kept, "km": 10_000},
            {"vehicle_id": kept, "km": 10_020},
        ]
        assert t.store.query_one("SELECT id FROM vehicles WHERE id = ?", (gone,)) is None
    assert bay.workshop.work_order(bay_wo)["vehicle_id"] == kept

    # Bay 1's "wang" is kept under the bay's code, and the person there is told; the desk's
    # keeps the name, and each logs in anywhere with their own.
    notes = [n.summary() for n in replica.conflict_notes(bay.store)]
    assert any("the one made here is kept as wang-B1" in n for n in notes), notes
    assert any(f"vehicle {gone} was on record already as {kept}" in n for n in notes), notes
    assert bay.workshop.login("wang", "1357").role is Role.ADVISOR
    assert desk.workshop.login("wang-B1", "2468").role is Role.TECHNICIAN
    with pytest.raises(StationError):
        bay.workshop.login("wang", "2468")
    assert replica.conflict_notes(desk.store) == []
    settle(desk, bay)  # the wrong PIN counts at every terminal
    assert hub_digest(hub) == desk.digest() == bay.digest()
    desk.close()
    bay.close()
