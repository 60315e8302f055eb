"""The approval screen after another work order is chosen: that visit's customer decides."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from station.demo import DemoVisit
from station.vehicles import Powertrain
from ui.app import StationApp

from .conftest import log_in
from .test_visit import sign


def test_the_next_work_order_shows_its_own_customer_and_a_blank_pad(
    qtbot: QtBot, demo_app: StationApp
) -> None:
    assert demo_app.cast is not None
    visit = DemoVisit(demo_app.model.workshop, demo_app.cast, narrate=lambda _t: None)
    visit.reception()  # the sedan: 王芳
    visit.start_diagnosis()
    visit.inspection()
    visit.findings_for_approval()
    log_in(qtbot, demo_app, "emma", demo_app.cast.pins["emma"])
    workshop, emma = demo_app.model.workshop, demo_app.model.require_actor()
    demo_app.model.select(visit.wo_id)
    demo_app.window.show_page("approvals")
    approvals = demo_app.window.pages["approvals"]
    approvals.refresh()
    assert approvals.customer.text() == "王芳"
    sign(qtbot, approvals.pad)  # 王芳 signs, then the advisor turns to another car
    assert approvals.pad.is_signed()

    miller = workshop.add_customer(emma, "David Miller", "+44 7700 900001", "en").id
    car = workshop.add_vehicle(emma, None, "沪C 55555", Powertrain.ICE, customer_id=miller).id
    other = workshop.create_work_order(emma, car, "rattle", miller).id
    demo_app.model.select(other)
    approvals.refresh()
    assert approvals.customer.text() == "David Miller"
    assert not approvals.pad.is_signed(), "王芳's drawing would sign David Miller's decisions"
