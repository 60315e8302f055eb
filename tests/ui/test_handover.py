"""The handover at the desk on the smallest screen, in both languages: the customer signs
on the pad with a finger and the advisor taps Deliver, as on the real delivery page."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from reports.issue import issue_report
from station.demo import DemoVisit
from station.lifecycle import Status
from ui.app import StationApp

from .conftest import log_in
from .floor import problems_with_targets
from .test_visit import click, sign


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.timeout(180)
def test_the_car_is_handed_over_at_1024x768(
    qtbot: QtBot, demo_app: StationApp, language: str
) -> None:
    app, window = demo_app, demo_app.window
    assert app.cast is not None
    workshop = app.model.workshop
    visit = DemoVisit(workshop, app.cast, narrate=lambda _t: None)
    visit.reception()
    visit.start_diagnosis()
    visit.inspection()
    visit.findings_for_approval()
    visit.customer_decides()
    visit.repair()
    visit.quality_check()
    issued = issue_report(workshop, visit.advisor, visit.wo_id, app.model.data_dir)

    window.resize(1024, 768)
    log_in(qtbot, app, "emma", app.cast.pins["emma"])
    app.model.set_language(language)
    app.model.select(visit.wo_id)
    click(qtbot, window.nav_buttons["delivery"])
    delivery = window.pages["delivery"]
    assert delivery.receiver.text() == visit.customer_name
    assert problems_with_targets(window) == []
    sign(qtbot, delivery.pad)
    drawn = delivery.pad.strokes()
    assert [len(stroke) > 10 for stroke in drawn] == [True, True], "the whole pen path"
    click(qtbot, delivery.deliver)

    assert workshop.work_order(visit.wo_id)["status"] == Status.DELIVERED.value
    handover = workshop.handover(visit.wo_id)
    assert handover is not None and handover["report_id"] == issued.record_id
    kept = workshop.signature(handover["signature_ref"])["strokes"]
    assert [len(stroke) for stroke in kept] == [len(stroke) for stroke in drawn]
    assert not delivery.deliver.isEnabled(), "the pad is clear for the next customer"
