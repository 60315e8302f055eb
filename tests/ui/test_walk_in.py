"""A walk-in at 1024x768: the customer and car registered at the desk, a job from the
canned list, a finding priced from the price list, approval, repair and delivery."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from station.lifecycle import Status
from ui.app import StationApp
from ui.model import DeviceState

from .conftest import log_in
from .test_visit import click, sign, status, switch_user, type_on, wait_idle


@pytest.mark.timeout(240)
def test_a_walk_in_from_registration_to_delivery(qtbot: QtBot, demo_app: StationApp) -> None:
    app, window = demo_app, demo_app.window
    window.resize(1024, 768)
    pins = app.cast.pins if app.cast else {}
    workshop = app.model.workshop
    qtbot.waitUntil(
        lambda: app.model.devices["camera"].state is DeviceState.CONNECTED, timeout=60_000
    )

    # The advisor registers the customer and the car, with the job they asked for.
    log_in(qtbot, app, "emma", pins["emma"])
    click(qtbot, window.nav_buttons["walk_in"])
    walk_in = window.pages["walk_in"]
    walk_in.name.setText("Lucy Park")
    walk_in.phone.setText("+44 7700 900123")
    walk_in.language.setCurrentIndex(walk_in.language.findData("en"))
    walk_in.vin.setText("wvwzzz1kzaw000123")
    walk_in.plate.setText("粤b 77777")
    walk_in.make.setText("Volkswagen")
    walk_in.car_model.setText("Golf")
    walk_in.year.setValue(2018)
    walk_in.complaint.setText("Squeal when braking")
    walk_in.choose_job("10,000 km service")
    click(qtbot, walk_in.register)
    wo_id = app.model.work_order_id
    assert wo_id is not None and window.current_page() == "work_order"
    wo = workshop.work_order(wo_id)
    vehicle = workshop.vehicle(wo["vehicle_id"])
    assert (vehicle["vin"], vehicle["plate"], vehicle["year"]) == (
        "WVWZZZ1KZAW000123",
        "粤B77777",
        2018,
    )
    customer = workshop.store.query_one(
        "SELECT * FROM customers WHERE id = ?", (wo["customer_id"],)
    )
    assert customer is not None
    assert (customer["name"], customer["language"]) == ("Lucy Park", "en")
    assert [j["description"] for j in workshop.jobs(wo_id)] == ["10,000 km service"]
    assert walk_in.name.text() == "", "the form is ready for the next customer"

    # Check-in at the bay.
    view = window.pages["work_order"]
    checkin = view.checkin
    view.show_tab(checkin)
    type_on(qtbot, checkin.keypad, "61200")
    click(qtbot, checkin.confirmed)
    click(qtbot, checkin.check_in)
    assert status(app, wo_id) == "checked_in"

    # The technician measures worn rear pads and prices the finding from the price list.
    switch_user(qtbot, app, "li.wei", pins["li.wei"])
    click(qtbot, window.nav_buttons["work_order"])
    click(qtbot, view.status.moves[Status.DIAGNOSING])
    inspection = view.inspection
    view.show_tab(inspection)
    click(qtbot, inspection.section_buttons["brakes"])
    click(qtbot, inspection.rows["pads_rear"].measure)
    assert inspection.popup.isVisible(), "the keypad floats over the list"
    type_on(qtbot, inspection.keypad, "2.5")
    assert not inspection.popup.isVisible()
    findings = view.findings
    view.show_tab(findings)
    findings.choose_source("2.5")
    findings.pick("更换后刹车片")  # li.wei reads Chinese: the canned job, pads and labour
    click(qtbot, findings.add_picked)
    click(qtbot, findings.add)
    stored = workshop.findings(wo_id)
    assert len(stored) == 1 and stored[0]["severity"] == "urgent"
    assert stored[0]["total_cents"] == 38_000 + round(0.8 * 30_000)
    click(qtbot, findings.send)
    assert status(app, wo_id) == "awaiting_approval"

    # The customer approves at the desk and signs.
    switch_user(qtbot, app, "emma", pins["emma"])
    click(qtbot, window.nav_buttons["approvals"])
    approvals = window.pages["approvals"]
    click(qtbot, approvals.cards[stored[0]["id"]].approve)
    sign(qtbot, approvals.pad)
    click(qtbot, approvals.record)
    assert workshop.findings(wo_id)[0]["state"] == "approved"

    # Repair, quality check.
    switch_user(qtbot, app, "li.wei", pins["li.wei"])
    click(qtbot, window.nav_buttons["work_order"])
    click(qtbot, view.status.moves[Status.IN_REPAIR])
    repair = view.repair
    view.show_tab(repair)
    assert repair.jobs.rowCount() == 2  # the booked service and the approved pads
    for row in range(repair.jobs.rowCount()):
        repair.jobs.selectRow(row)
        click(qtbot, repair.clock_on)
        repair.jobs.selectRow(row)
        click(qtbot, repair.clock_off)
    click(qtbot, view.status.moves[Status.QUALITY_CHECK])
    click(qtbot, repair.qc_pass)

    # The advisor: ready, the report issued, the car handed over against a signature.
    switch_user(qtbot, app, "emma", pins["emma"])
    click(qtbot, window.nav_buttons["work_order"])
    click(qtbot, view.status.moves[Status.READY])
    click(qtbot, window.nav_buttons["report"])
    report = window.pages["report"]
    click(qtbot, report.issue_button)
    wait_idle(qtbot, app, timeout=120_000)
    click(qtbot, window.nav_buttons["delivery"])
    delivery = window.pages["delivery"]
    assert delivery.receiver.text() == "Lucy Park"
    sign(qtbot, delivery.pad)
    click(qtbot, delivery.deliver)
    assert status(app, wo_id) == "delivered"
    assert workshop.store.verify_audit_chain().ok
