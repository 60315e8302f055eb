"""A walk-in whose plate the station already knows on another car (plates move between cars)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from ui.app import StationApp

from .conftest import log_in
from .test_visit import click


@pytest.mark.timeout(240)
def test_a_typed_vin_is_kept_when_its_plate_is_known_on_another_car(
    qtbot: QtBot, demo_app: StationApp
) -> None:
    app, window = demo_app, demo_app.window
    window.resize(1024, 768)
    workshop = app.model.workshop
    earlier = workshop.store.query_one(
        "SELECT * FROM vehicles WHERE vin IS NOT NULL AND plate IS NOT NULL ORDER BY id LIMIT 1"
    )
    assert earlier is not None
    pins = app.cast.pins if app.cast else {}
    log_in(qtbot, app, "emma", pins["emma"])
    click(qtbot, window.nav_buttons["walk_in"])
    walk_in = window.pages["walk_in"]
    walk_in.name.setText("Lucy Park")
    walk_in.phone.setText("+44 7700 900123")
    walk_in.vin.setText("WVWZZZ1KZAW000123")
    walk_in.plate.setText(earlier["plate"])
    walk_in.complaint.setText("Squeal when braking")
    click(qtbot, walk_in.register)

    wo_id = app.model.work_order_id
    assert wo_id is not None and window.current_page() == "work_order"
    vehicle = workshop.vehicle(workshop.work_order(wo_id)["vehicle_id"])
    assert vehicle["vin"] == "WVWZZZ1KZAW000123", "the visit went on the plate's other car"
    assert vehicle["id"] != earlier["id"]
    again = workshop.vehicle(earlier["id"])
    assert again["vin"] == earlier["vin"]
