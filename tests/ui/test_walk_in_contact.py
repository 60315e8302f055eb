"""The customer's e-mail given at walk-in registration: a typo is refused before anything is
registered, the address is kept with the customer once it is right."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from ui.app import StationApp
from ui.errors import keyed_text

from .conftest import log_in
from .test_visit import click


@pytest.mark.timeout(240)
def test_the_walk_in_keeps_the_customers_email(qtbot: QtBot, demo_app: StationApp) -> None:
    app, window = demo_app, demo_app.window
    window.resize(1024, 768)
    pins = app.cast.pins if app.cast else {}
    workshop = app.model.workshop
    notices: list[tuple[str, bool]] = []
    app.model.events.notice.connect(lambda text, error: notices.append((text, error)))
    log_in(qtbot, app, "emma", pins["emma"])
    click(qtbot, window.nav_buttons["walk_in"])
    walk_in = window.pages["walk_in"]
    walk_in.name.setText("Lucy Park")
    walk_in.phone.setText("+44 7700 900123")
    walk_in.email.setText("lucy.park@example")
    walk_in.plate.setText("粤b 66666")
    walk_in.complaint.setText("Squeal when braking")
    before = workshop.store.query_one("SELECT COUNT(*) AS n FROM customers")
    click(qtbot, walk_in.register)
    said = keyed_text("email_invalid", {"address": "lucy.park@example"})
    assert said is not None and notices[-1] == (said, True)
    assert workshop.store.query_one("SELECT COUNT(*) AS n FROM customers") == before
    walk_in.email.setText("lucy.park@example.co.uk")
    click(qtbot, walk_in.register)
    wo_id = app.model.work_order_id
    assert wo_id is not None and window.current_page() == "work_order"
    customer = workshop.customer(workshop.work_order(wo_id)["customer_id"])
    assert customer is not None
    assert (customer["name"], customer["email"]) == ("Lucy Park", "lucy.park@example.co.uk")
    assert walk_in.email.text() == ""  # the form is cleared for the next customer
