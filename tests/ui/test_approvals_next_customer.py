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


def test_the_delivery_of_the_next_car_starts_with_no_name_and_a_blank_pad(
    qtbot: QtBot, demo_app: StationApp
) -> None:
    assert demo_app.cast is not None
    log_in(qtbot, demo_app, "emma", demo_app.cast.pins["emma"])
    workshop, emma = demo_app.model.workshop, demo_app.model.require_actor()
    cars = []
    for name, plate in (("王芳", "沪C 11111"), ("David Miller", "沪C 22222")):
        customer = workshop.add_customer(emma, name, None, "en").id
        car = workshop.add_vehicle(emma, None, plate, Powertrain.ICE, customer_id=customer).id
        cars.append(workshop.create_work_order(emma, car, "rattle", customer).id)
    delivery = demo_app.window.pages["delivery"]
    demo_app.model.select(cars[0])
    demo_app.window.show_page("delivery")
    delivery.refresh()
    delivery.receiver.setText("王芳")
    sign(qtbot, delivery.pad)
    assert delivery.pad.is_signed()

    demo_app.model.select(cars[1])
    delivery.refresh()
    assert delivery.receiver.text() != "王芳"
    assert not delivery.pad.is_signed(), "王芳's drawing would sign for David Miller's car"
