"""Forms start from their own work order; the board and the queue show the customer's
decisions; offscreen with pytest-qt on the demo workshop."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from station.demo import DemoVisit, demo_signature_strokes
from station.findings import Channel, Decision, FindingDraft, Severity, labour
from station.lifecycle import Status
from ui.app import StationApp
from ui.findings_view import FindingsView

from .conftest import log_in


def test_two_consecutive_check_ins_of_different_cars(qtbot: QtBot, demo_app: StationApp) -> None:
    cast = demo_app.cast
    assert cast is not None
    workshop = demo_app.model.workshop
    sedan = DemoVisit(workshop, cast, vehicle_key="sedan", narrate=lambda _t: None)
    ev = DemoVisit(workshop, cast, vehicle_key="ev", narrate=lambda _t: None)
    log_in(qtbot, demo_app, "emma", cast.pins["emma"])
    advisor = demo_app.model.require_actor()
    first = workshop.create_work_order(advisor, sedan.vehicle["id"]).id
    second = workshop.create_work_order(advisor, ev.vehicle["id"]).id
    window = demo_app.window
    demo_app.model.select(first)
    window.show_page("work_order")
    page = window.pages["work_order"]
    checkin = page.checkin
    page.show_tab(checkin)
    checkin.keypad.set_text("45310")
    checkin.lights["check_engine"].setChecked(True)
    checkin.valuables.setText("sunglasses")
    checkin.outline.set_marks([{"x": 0.5, "y": 0.9, "kind": "scratch", "note": ""}])
    checkin.confirmed.setChecked(True)
    qtbot.mouseClick(checkin.check_in, Qt.MouseButton.LeftButton)
    record = workshop.store.query_one("SELECT * FROM check_ins WHERE work_order_id = ?", (first,))
    assert record is not None and record["mileage_km"] == 45_310

    demo_app.model.select(second)
    assert checkin.keypad.text() == ""
    assert not any(button.isChecked() for button in checkin.lights.values())
    assert checkin.valuables.text() == ""
    assert checkin.outline.marks() == []
    assert not checkin.confirmed.isChecked()
    assert checkin.mileage_label.text() == "Mileage (km), last recorded 18,500 km"
    qtbot.mouseClick(checkin.check_in, Qt.MouseButton.LeftButton)  # one careless tap
    assert "Enter the mileage first" in window.notice.text()
    assert workshop.store.query("SELECT * FROM check_ins WHERE work_order_id = ?", (second,)) == []

    demo_app.model.select(first)  # back to the first car: its own check-in, as recorded
    assert checkin.keypad.text() == "45310"
    assert checkin.lights["check_engine"].isChecked()
    assert json.loads(record["warning_lights"]) == ["check_engine"]


def test_the_findings_form_keeps_nothing_from_another_work_order(
    qtbot: QtBot, demo_app: StationApp
) -> None:
    cast = demo_app.cast
    assert cast is not None
    workshop = demo_app.model.workshop
    log_in(qtbot, demo_app, "sam", cast.pins["sam"])
    technician = demo_app.model.require_actor()
    first = workshop.create_work_order(technician, cast.vehicles["sedan"]).id
    second = workshop.create_work_order(technician, cast.vehicles["ev"]).id
    demo_app.model.select(first)
    window = demo_app.window
    window.show_page("work_order")
    page = window.pages["work_order"]
    findings = page.findings
    page.show_tab(findings)
    findings.title.setText("Ignition coil 610")
    findings.line_description.setText("Ignition coil")
    findings.line_price.setValue(610)
    qtbot.mouseClick(findings.add_part, Qt.MouseButton.LeftButton)
    findings.line_price.setValue(610)
    assert len(findings.lines) == 1
    demo_app.model.select(second)
    assert findings.lines == []
    assert findings.title.text() == ""
    assert findings.line_price.value() == 0
    assert findings.lines_table.rowCount() == 0


def test_board_and_queue_show_the_customers_decisions(qtbot: QtBot, demo_app: StationApp) -> None:
    cast = demo_app.cast
    assert cast is not None
    workshop = demo_app.model.workshop
    visit = DemoVisit(workshop, cast, narrate=lambda _t: None)
    visit.reception()
    visit.start_diagnosis()
    visit.inspection()
    visit.findings_for_approval(dtc="P0301")
    log_in(qtbot, demo_app, "emma", cast.pins["emma"])
    window = demo_app.window
    window.show_page("board")
    board = window.pages["board"]
    board.refresh()
    row = next(r for r, data in enumerate(board.rows) if data["id"] == visit.wo_id)
    stage = board.table.item(row, 4).text()
    assert stage == "awaiting approval · waiting for the customer's decision on 3 items"

    log_in(qtbot, demo_app, "sam", cast.pins["sam"])
    window.show_page("queue")
    queue = window.pages["queue"]
    queue.refresh()
    advisor = visit.advisor
    signed = workshop.record_signature(advisor, demo_signature_strokes(), 600, 200)
    workshop.record_approval(
        advisor, visit.finding_ids["P0301"], Decision.APPROVED, "王芳", Channel.DESK, signed
    )
    demo_app.model.events.changed.emit()  # what an approval at the desk terminal brings here
    number = workshop.work_order(visit.wo_id)["number"]
    assert f"The customer approved work on {number}" in window.notice.text()
    texts = [queue.table.item(r, 4).text() for r in range(queue.table.rowCount())]
    assert "awaiting approval · 1 approved, ready to start" in texts


def _finding_selected(
    qtbot: QtBot, app: StationApp, draft: FindingDraft
) -> tuple[int, int, FindingsView]:
    """A technician's new work order and its one finding, selected on the findings tab."""
    cast = app.cast
    assert cast is not None
    log_in(qtbot, app, "sam", cast.pins["sam"])
    technician = app.model.require_actor()
    wo_id = app.model.workshop.create_work_order(technician, cast.vehicles["sedan"]).id
    finding = app.model.workshop.add_finding(technician, wo_id, draft).id
    app.model.select(wo_id)
    app.window.show_page("work_order")
    page = app.window.pages["work_order"]
    page.show_tab(page.findings)
    page.findings.table.selectRow(0)
    return wo_id, finding, page.findings


def test_a_finding_is_withdrawn_on_the_findings_screen(qtbot: QtBot, demo_app: StationApp) -> None:
    workshop, window = demo_app.model.workshop, demo_app.window
    draft = FindingDraft("P0420 + ignition coil 610", Severity.URGENT, [labour("Fit", 1, 300)])
    wo_id, mistap, findings = _finding_selected(qtbot, demo_app, draft)
    findings.correction_reason.setText("tapped the wrong code")
    qtbot.mouseClick(findings.withdraw, Qt.MouseButton.LeftButton)
    assert "Finding withdrawn; it stays on record" in window.notice.text()
    assert findings.table.item(0, 3).text() == "withdrawn"
    (kept,) = [f for f in workshop.findings(wo_id) if f["id"] == mistap]
    assert kept["standing"] == "withdrawn"


def test_a_finding_is_replaced_with_the_form_on_the_findings_screen(
    qtbot: QtBot, demo_app: StationApp
) -> None:
    workshop, window = demo_app.model.workshop, demo_app.window
    draft = FindingDraft("Ignition coil", Severity.URGENT, [labour("Fit", 1, 300)], dtc="P0301")
    wo_id, wrong, findings = _finding_selected(qtbot, demo_app, draft)
    findings.title.setText("Ignition coil cylinder 1")
    findings.line_description.setText("Ignition coil")
    findings.line_price.setValue(610)
    qtbot.mouseClick(findings.add_part, Qt.MouseButton.LeftButton)
    findings.correction_reason.setText("the coil is 610, not 300")
    qtbot.mouseClick(findings.replace, Qt.MouseButton.LeftButton)
    assert "Finding replaced; the first one stays on record" in window.notice.text()
    kept = {f["id"]: f for f in workshop.findings(wo_id)}
    assert kept[wrong]["standing"] == "superseded"
    (better,) = [f for f in kept.values() if f["id"] != wrong]
    assert (better["title"], better["total_cents"]) == ("Ignition coil cylinder 1", 61_000)
    # the form named no source: the corrected finding keeps the code it was made from
    assert (better["source_kind"], better["source_ref"]) == ("dtc", "P0301")


def test_the_quality_check_answers_and_records_once(qtbot: QtBot, demo_app: StationApp) -> None:
    cast = demo_app.cast
    assert cast is not None
    workshop = demo_app.model.workshop
    log_in(qtbot, demo_app, "sam", cast.pins["sam"])
    technician = demo_app.model.require_actor()
    wo_id = workshop.create_work_order(technician, cast.vehicles["ev"], booked_jobs=["service"]).id
    workshop.check_in(technician, wo_id, 18_600)
    for status in (Status.DIAGNOSING, Status.IN_REPAIR, Status.QUALITY_CHECK):
        workshop.change_status(technician, wo_id, status)
    demo_app.model.select(wo_id)
    window = demo_app.window
    window.show_page("work_order")
    page = window.pages["work_order"]
    page.show_tab(page.repair)
    qtbot.mouseClick(page.repair.qc_pass, Qt.MouseButton.LeftButton)
    assert "Quality check passed: recorded" in window.notice.text()
    assert "passed at" in page.repair.qc_title.text()
    qtbot.mouseClick(page.repair.qc_pass, Qt.MouseButton.LeftButton)
    assert "already recorded as passed" in window.notice.text()
    checks = workshop.store.query("SELECT * FROM quality_checks WHERE work_order_id = ?", (wo_id,))
    assert len(checks) == 1
