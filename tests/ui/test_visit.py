"""A whole visit driven through the widgets on the simulated car and camera, checking
what the store keeps at every step."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from station.alignment import Phase, Position, Quantity, load_alignment
from station.errors import PermissionDenied
from station.lifecycle import Status
from ui.app import StationApp
from ui.model import DeviceState
from ui.widgets.keyboard import OnScreenKeyboard

from .conftest import log_in

LEFT = Qt.MouseButton.LeftButton


def click(qtbot: QtBot, button: QPushButton) -> None:
    """Tap a button as a person would: scrolled into view first, then pressed."""
    assert button.isEnabled(), f"{button.objectName()} is disabled"
    parent = button.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(button)
        parent = parent.parentWidget()
    window = button.window()
    spot = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
    for keys in window.findChildren(OnScreenKeyboard):
        if keys.isVisible() and keys.geometry().intersects(spot):
            click(qtbot, keys.hide_button)  # the keyboard is over the button: put it away
    qtbot.mouseClick(button, LEFT)


def find(root: QWidget, name: str) -> Any:
    found = root.findChild(QWidget, name)
    assert found is not None, name
    return found


def type_on(qtbot: QtBot, keypad: Any, digits: str) -> None:
    for key in digits:
        qtbot.mouseClick(keypad.keys[key], LEFT)
    qtbot.mouseClick(keypad.ok, LEFT)


def one(app: StationApp, sql: str, *params: object) -> dict[str, Any]:
    row = app.model.workshop.store.query_one(sql, params)
    assert row is not None, sql
    return row


def status(app: StationApp, wo_id: int) -> str:
    return str(app.model.workshop.work_order(wo_id)["status"])


def switch_user(qtbot: QtBot, app: StationApp, name: str, pin: str) -> None:
    qtbot.mouseClick(app.window.lock_button, LEFT)
    log_in(qtbot, app, name, pin)
    assert app.model.actor is not None and app.model.actor.name == name


_signatures = itertools.count()


def sign(qtbot: QtBot, pad: QWidget) -> None:
    """Two pen strokes drawn with the mouse, as a finger on the pad.

    Like a real hand, no two drawings are the same: the station keeps one
    drawing per sitting, so a second signature must be a new drawing.
    """
    shift = next(_signatures) % 5 * 3
    for y in (60 + shift, 120 + shift):
        QTest.mousePress(pad, LEFT, Qt.KeyboardModifier.NoModifier, QPoint(40, y))
        for x in range(60, 400, 30):
            QTest.mouseMove(pad, QPoint(x, y + (x // 30 % 3) * 8))
        QTest.mouseRelease(pad, LEFT, Qt.KeyboardModifier.NoModifier, QPoint(420, y))


def wait_idle(qtbot: QtBot, app: StationApp, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: not app.ctx.workers.busy, timeout=timeout)


@pytest.mark.timeout(240)
def test_a_whole_visit_through_the_widgets(qtbot: QtBot, demo_app: StationApp) -> None:
    app, window = demo_app, demo_app.window
    pins = app.cast.pins if app.cast else {}
    workshop = app.model.workshop
    qtbot.waitUntil(
        lambda: app.model.devices["camera"].state is DeviceState.CONNECTED, timeout=60_000
    )
    for device in ("obd", "rig"):
        qtbot.waitUntil(
            lambda d=device: app.model.devices[d].state is DeviceState.CONNECTED, timeout=60_000
        )

    # The advisor opens the work order from today's appointment.
    log_in(qtbot, app, "emma", pins["emma"])
    click(qtbot, window.nav_buttons["appointments"])
    appointments = window.pages["appointments"]
    appointments.table.selectRow(0)
    assert "P0301" in appointments.detail.text()
    click(qtbot, appointments.open)
    wo_id = app.model.work_order_id
    assert wo_id is not None
    wo = workshop.work_order(wo_id)
    assert wo["status"] == "booked" and wo["appointment_id"] is not None
    assert [j["description"] for j in workshop.jobs(wo_id)] == ["10,000 km service / 10000公里保养"]

    # The technician checks the car in: damage on the outline, mileage, lights, a photo.
    switch_user(qtbot, app, "li.wei", pins["li.wei"])
    queue = window.pages["queue"]
    assert queue.table.rowCount() >= 1
    queue.table.selectRow(0)
    click(qtbot, queue.open_button)
    assert window.current_page() == "work_order"
    view = window.pages["work_order"]
    checkin = view.checkin
    view.show_tab(checkin)
    assert "P0301" in checkin.prediagnosis.text()
    outline = checkin.outline
    qtbot.mouseClick(outline, LEFT, pos=QPoint(outline.width() // 2, int(outline.height() * 0.9)))
    type_on(qtbot, checkin.keypad, "45310")
    checkin.energy.setValue(60)
    click(qtbot, checkin.lights["check_engine"])
    checkin.valuables.setText("sunglasses")
    click(qtbot, checkin.photo)
    wait_idle(qtbot, app)
    click(qtbot, checkin.confirmed)
    click(qtbot, checkin.check_in)
    assert status(app, wo_id) == "checked_in"
    record = one(app, "SELECT * FROM check_ins WHERE work_order_id = ?", wo_id)
    assert record["mileage_km"] == 45310 and record["energy_level_pct"] == 60
    assert record["customer_confirmed"] == 1 and '"check_engine"' in record["warning_lights"]
    assert '"y": 0.9' in record["damage_marks"] or '"y": 0.89' in record["damage_marks"]
    walk_photos = one(
        app,
        "SELECT COUNT(*) AS n FROM photos WHERE work_order_id = ? AND stage = 'walk_around'",
        wo_id,
    )
    assert walk_photos["n"] == 1

    # Diagnosis: one button scans the car.
    click(qtbot, view.status.moves[Status.DIAGNOSING])
    diagnostics = view.diagnostics
    view.show_tab(diagnostics)
    click(qtbot, diagnostics.scan_button)
    qtbot.waitUntil(
        lambda: (
            workshop.store.query_one("SELECT id FROM scans WHERE work_order_id = ?", (wo_id,))
            is not None
        ),
        timeout=60_000,
    )
    codes = {r["code"] for r in workshop.store.query("SELECT code FROM scan_dtcs")}
    assert "P0301" in codes
    assert diagnostics.tree.topLevelItemCount() >= 1
    click(qtbot, diagnostics.live_toggle)  # engine speed and coolant are chosen
    qtbot.waitUntil(
        lambda: any(len(v) >= 3 for v in diagnostics.chart.series.values()), timeout=60_000
    )
    click(qtbot, diagnostics.live_toggle)
    wait_idle(qtbot, app)

    # Inspection: an amber tyre and red rear pads (with a photo).
    inspection = view.inspection
    view.show_tab(inspection)
    click(qtbot, inspection.section_buttons["tyres"])
    click(qtbot, inspection.rows["tread_rr"].measure)
    type_on(qtbot, inspection.keypad, "2.8")
    click(qtbot, inspection.section_buttons["brakes"])
    assert inspection.rows["pads_rear"].last.text()  # last visit's value beside it
    click(qtbot, inspection.rows["pads_rear"].measure)
    type_on(qtbot, inspection.keypad, "2.6")
    click(qtbot, inspection.rows["discs"].ratings[next(iter(inspection.rows["discs"].ratings))])
    click(qtbot, inspection.rows["pads_rear"].photo)
    wait_idle(qtbot, app)
    ratings = {
        r["item_key"]: r["rating"]
        for r in workshop.store.query(
            "SELECT r.item_key, r.rating FROM checklist_results r JOIN checklists c ON c.id = r.checklist_id "
            "WHERE c.work_order_id = ? AND c.template_id = 'inspection'",
            (wo_id,),
        )
    }
    assert ratings == {"tread_rr": "amber", "pads_rear": "red", "discs": "green"}
    before_photo = one(
        app, "SELECT * FROM photos WHERE work_order_id = ? AND stage = 'before'", wo_id
    )
    assert before_photo["item_key"] == "pads_rear"

    # Findings from the red and the amber item, then sent for approval.
    findings = view.findings
    view.show_tab(findings)
    for item, part_name, price in (("2.6", "Rear pads", 380), ("2.8", "Tyre", 720)):
        findings.choose_source(item)
        assert findings.title.text()
        findings.line_description.setText(part_name)
        findings.line_price.setValue(price)
        click(qtbot, findings.add_part)
        findings.line_description.setText("Labour")
        findings.line_quantity.setValue(0.5)
        findings.line_price.setValue(300)
        click(qtbot, findings.add_labour)
        click(qtbot, findings.add)
    stored = workshop.findings(wo_id)
    assert [f["severity"] for f in stored] == ["urgent", "soon"]
    assert [f["total_cents"] for f in stored] == [38_000 + 15_000, 72_000 + 15_000]
    assert stored[0]["remaining_life_km"] is not None
    click(qtbot, findings.send)
    assert status(app, wo_id) == "awaiting_approval"

    # A technician cannot deliver: the button is disabled and the core refuses.
    assert not view.status.moves[Status.DELIVERED].isEnabled()
    with pytest.raises(PermissionDenied):
        workshop.change_status(app.model.require_actor(), wo_id, Status.DELIVERED)

    # The customer approves the pads and declines the tyre, and signs on the pad.
    switch_user(qtbot, app, "emma", pins["emma"])
    click(qtbot, window.nav_buttons["approvals"])
    approvals = window.pages["approvals"]
    pads, tyre = stored[0]["id"], stored[1]["id"]
    click(qtbot, approvals.cards[pads].approve)
    click(qtbot, approvals.cards[tyre].decline)
    sign(qtbot, approvals.pad)
    assert len(approvals.pad.strokes()) == 2
    click(qtbot, approvals.record)
    decisions = {
        a["finding_id"]: a for a in workshop.store.query("SELECT * FROM approvals ORDER BY id")
    }
    assert decisions[pads]["decision"] == "approved" and decisions[tyre]["decision"] == "declined"
    signature = workshop.signature(decisions[pads]["signature_ref"])
    assert len(signature["strokes"]) == 2

    # Repair: clock on and off, an after photo over the ghost, the post-repair scan.
    switch_user(qtbot, app, "li.wei", pins["li.wei"])
    click(qtbot, window.nav_buttons["work_order"])
    click(qtbot, view.status.moves[Status.IN_REPAIR])
    assert status(app, wo_id) == "in_repair"
    repair = view.repair
    view.show_tab(repair)
    for row in range(repair.jobs.rowCount()):
        repair.jobs.selectRow(row)
        click(qtbot, repair.clock_on)
        repair.jobs.selectRow(row)
        click(qtbot, repair.clock_off)
    entries = workshop.store.query("SELECT * FROM clock_entries WHERE ended_at IS NOT NULL")
    assert len(entries) == 2  # the booked service and the approved pads
    assert repair.before.count() == 1
    click(qtbot, repair.after_photo)
    wait_idle(qtbot, app)
    after = one(app, "SELECT * FROM photos WHERE work_order_id = ? AND stage = 'after'", wo_id)
    assert after["before_id"] == before_photo["id"]
    alignment = view.alignment
    view.show_tab(alignment)
    click(qtbot, alignment.measure_button)
    qtbot.waitUntil(lambda: load_alignment(workshop.store, wo_id) is not None, timeout=60_000)
    rated = load_alignment(workshop.store, wo_id)
    assert rated is not None
    rear_right_toe = (Position.REAR_RIGHT, Quantity.TOE)
    assert rated.reading(Phase.BEFORE, *rear_right_toe).rating == "red"  # type: ignore[union-attr]
    assert rated.reading(Phase.AFTER, *rear_right_toe).rating == "green"  # type: ignore[union-attr]
    assert alignment.table.rowCount() > 0
    assert "+0.16°" in alignment.wheels[Position.REAR_RIGHT].text()
    view.show_tab(diagnostics)
    assert diagnostics.stage() == "post"
    assert not diagnostics.clear_button.isEnabled()  # not before the explicit confirmation
    diagnostics.confirm_clear.setChecked(True)
    click(qtbot, diagnostics.clear_button)
    # the first tap names the codes whose fault was not repaired and clears nothing
    assert "P0301, P0420" in app.window.notice.text()
    assert workshop.store.query("SELECT * FROM code_clears WHERE work_order_id = ?", (wo_id,)) == []
    assert not diagnostics.confirm_clear.isChecked()
    diagnostics.confirm_clear.setChecked(True)
    click(qtbot, diagnostics.clear_button)
    wait_idle(qtbot, app)
    assert one(app, "SELECT * FROM code_clears WHERE work_order_id = ?", wo_id)["ecus"]
    click(qtbot, diagnostics.scan_button)
    qtbot.waitUntil(
        lambda: (
            workshop.store.query_one(
                "SELECT id FROM scans WHERE work_order_id = ? AND stage = 'post'", (wo_id,)
            )
            is not None
        ),
        timeout=60_000,
    )
    click(qtbot, view.status.moves[Status.QUALITY_CHECK])
    view.show_tab(repair)
    repair.qc_note.setText("road test ok")
    click(qtbot, repair.qc_pass)
    assert (
        one(app, "SELECT passed FROM quality_checks WHERE work_order_id = ?", wo_id)["passed"] == 1
    )

    # The advisor: ready, report issued and verified, delivery, follow-ups.
    switch_user(qtbot, app, "emma", pins["emma"])
    click(qtbot, window.nav_buttons["work_order"])
    click(qtbot, view.status.moves[Status.READY])
    click(qtbot, window.nav_buttons["report"])
    report = window.pages["report"]
    click(qtbot, report.issue_button)
    wait_idle(qtbot, app, timeout=120_000)
    issued = one(app, "SELECT * FROM reports WHERE work_order_id = ?", wo_id)
    assert issued["version"] == 1
    assert report.page_labels, "the signed report's pages are shown"
    click(qtbot, report.verify_button)
    wait_idle(qtbot, app)
    assert report.rendered is not None and report.rendered.valid
    click(qtbot, window.nav_buttons["delivery"])
    delivery = window.pages["delivery"]
    assert delivery.receiver.text() == "王芳"
    assert not delivery.deliver.isEnabled(), "nobody has signed for the car yet"
    sign(qtbot, delivery.pad)
    click(qtbot, delivery.deliver)
    assert status(app, wo_id) == "delivered"
    handover = workshop.handover(wo_id)
    assert handover is not None and handover["customer_name"] == "王芳"
    assert handover["report_id"] == issued["id"]
    assert workshop.signature(handover["signature_ref"])["strokes"]
    kinds = [
        f["kind"]
        for f in workshop.store.query(
            "SELECT kind FROM follow_ups WHERE work_order_id = ?", (wo_id,)
        )
    ]
    assert len(kinds) == 2
    assert workshop.next_service_due(wo["vehicle_id"]) is not None
    assert workshop.store.verify_audit_chain().ok

    # Sync: the device bar's button sends everything to the local cloud service.
    qtbot.waitUntil(lambda: app.sync.client is not None, timeout=30_000)
    click(qtbot, window.device_bar.sync_button)
    qtbot.waitUntil(
        lambda: app.model.sync.available and app.model.sync.pending == 0, timeout=60_000
    )
    assert app.model.sync.last_success is not None
    assert "0" in window.device_bar.sync_label.text()
