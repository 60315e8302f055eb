"""The app's search at a bay asks the hub for closed work it no longer keeps, off the GUI
thread, says so meanwhile, opens what arrives, and says plainly when the hub is away."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from station import replica
from station.lifecycle import Status
from station.vehicles import Powertrain
from sync.server import CloudHandle, start_cloud_in_thread
from tests.workshop.conftest import WORKSHOP
from tests.workshop.helpers import join, settle
from ui.app import StationApp, build_app
from ui.queue import QueueView


@pytest.fixture
def own_hub(tmp_path: Path) -> Iterator[CloudHandle]:
    """A hub this test stops itself, to see the bay without it."""
    handle = start_cloud_in_thread(tmp_path / "hub" / "hub.db", tmp_path / "hub" / "blobs")
    handle.service.add_first_admin(WORKSHOP, "admin", "1234")
    stopped = False

    def stop() -> None:
        nonlocal stopped
        if not stopped:
            stopped = True
            handle.stop()

    handle.stop_once = stop  # type: ignore[attr-defined]
    try:
        yield handle
    finally:
        stop()


def _save(app: StationApp, tmp_path: Path, name: str) -> None:
    """The window as the person sees it, for a look (in the test's folder)."""
    app.qt.processEvents()
    assert app.window.grab().save(str(tmp_path / f"{name}.png"))


def _queue(app: StationApp) -> QueueView:
    app.model.events.navigate.emit("queue")
    page = app.window.pages["queue"]
    assert isinstance(page, QueueView)
    return page


def test_a_closed_visit_pruned_from_the_bay_is_found_by_its_number_and_opened(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, own_hub: CloudHandle
) -> None:
    hub = own_hub
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    w, admin = desk.workshop, desk.admin
    car = w.add_vehicle(admin, "LSVAU2180N2183294", "粤B33333", Powertrain.ICE).id
    visits = []
    for complaint in ("rattle at idle", "wipers smear"):
        wo = w.create_work_order(admin, car, complaint).id
        w.check_in(admin, wo, 10_000)
        w.change_status(admin, wo, Status.CANCELLED, "the customer changed their mind")
        visits.append(w.work_order(wo)["number"])
    settle(desk, bay)
    assert replica.prune_closed(bay.store, 30, bay.store.clock() + timedelta(days=31)) == 2
    bay.close()
    # A car registered at the desk while the bay's replica has not heard of it yet.
    later = w.add_vehicle(admin, None, "粤B44444", Powertrain.EV).id
    booked = w.create_work_order(admin, later, "charging port sticks").id
    desk.sync()

    app = build_app(tmp_path / "bay-1", language="en", sync=False, connect_devices=False)
    try:
        app.window.resize(1024, 768)
        app.window.show()
        assert app.model.login("admin", "1234")
        app.model.set_language("en")  # the admin reads Chinese; English first
        queue = _queue(app)
        assert queue.hub_state.isHidden()
        first, second = visits

        # The number is not on this terminal: the hub is asked, and the screen says so.
        queue.search.setText(first.lower())
        qtbot.mouseClick(queue.start, Qt.MouseButton.LeftButton)
        assert queue.asking == first.upper()
        assert queue.hub_state.isVisible() and "fetching" in queue.hub_state.text()
        assert not queue.start.isEnabled()  # one question at a time
        _save(app, tmp_path, "fetching-en")
        qtbot.waitUntil(lambda: app.window.current_page() == "work_order", timeout=30_000)
        opened = app.model.workshop.work_order(int(app.model.work_order_id or 0))
        assert (opened["number"], opened["status"]) == (first, "cancelled")
        assert queue.hub_state.isHidden() and queue.start.isEnabled()
        _save(app, tmp_path, "opened-en")

        # A car this bay has not heard of: the hub hands it over with its visit, which opens.
        queue = _queue(app)
        queue.search.setText("粤B 44444")
        qtbot.mouseClick(queue.start, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: app.model.work_order_id == booked, timeout=30_000)
        assert app.window.current_page() == "work_order"

        # A number the workshop never had: asked, and said so.
        queue = _queue(app)
        queue.search.setText("WO-19990101-B1-0001")
        said: list[tuple[str, bool]] = []
        app.model.events.notice.connect(lambda text, error: said.append((text, error)))
        qtbot.mouseClick(queue.start, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(said), timeout=30_000)
        assert said == [("The workshop has no work order WO-19990101-B1-0001", True)]
        assert app.window.current_page() == "queue" and queue.hub_state.isHidden()

        # The hub goes away: the second closed visit cannot come, and the bay says why.
        hub.stop_once()  # type: ignore[attr-defined]
        with pytest.raises(httpx.TransportError):
            httpx.get(hub.url + "/v1/health", timeout=2)
        queue.search.setText(second)
        qtbot.mouseClick(queue.start, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: queue.asking is None, timeout=60_000)
        assert queue.hub_state.isVisible()
        assert "The hub cannot be reached" in queue.hub_state.text()
        assert second in queue.hub_state.text()
        assert app.window.current_page() == "queue" and queue.start.isEnabled()
        _save(app, tmp_path, "unreachable-en")
        app.model.set_language("zh")
        qtbot.waitUntil(lambda: "无法连接" in queue.hub_state.text())  # in the screen's language
        queue.search.setText(second)
        qtbot.mouseClick(queue.start, Qt.MouseButton.LeftButton)
        assert "正在从" in queue.hub_state.text()
        _save(app, tmp_path, "fetching-zh")
        qtbot.waitUntil(lambda: queue.asking is None, timeout=60_000)
        assert "无法连接" in queue.hub_state.text()
        _save(app, tmp_path, "unreachable-zh")
    finally:
        app.close()
        desk.close()


def test_the_hub_answers_a_car_by_vin_or_plate_only_to_its_terminals(
    tmp_path: Path, hub: CloudHandle
) -> None:
    _answers_a_car(tmp_path, hub)


def test_a_hub_in_postgresql_answers_a_car_too(tmp_path: Path, pg_hub: CloudHandle) -> None:
    _answers_a_car(tmp_path, pg_hub)


def _answers_a_car(tmp_path: Path, hub: CloudHandle) -> None:
    desk = join(hub, tmp_path, "desk")
    w, admin = desk.workshop, desk.admin
    customer = w.add_customer(admin, "Wang Fang", "13800000000").id
    vin = "LSVAU2180N2183294"
    car = w.add_vehicle(admin, vin, "粤B55555", Powertrain.ICE, customer_id=customer)
    old = w.create_work_order(admin, car.id, "rattle").id
    w.change_status(admin, old, Status.CANCELLED, "not today")
    latest = w.create_work_order(admin, car.id, "brakes").id
    w.check_in(admin, latest, 20_000)
    desk.sync()
    secret, _ = hub.service.add_terminal(WORKSHOP, "bay-9")
    bay = httpx.Client(base_url=hub.url, headers={"Authorization": f"Bearer {secret}"})
    assert bay.post("/v1/enrol", json={"station_id": "bay-9"}).status_code == 200

    for query in ({"plate": "粤b 55555"}, {"vin": "lsvau2180n2183294"}):
        answer = bay.get("/v1/workshop/cars", params=query)
        assert answer.status_code == 200, answer.text
        rows = answer.json()["rows"]
        assert [(r["table"], r["key"]) for r in rows[:2]] == [
            ("customers", str(customer)),
            ("vehicles", str(car.id)),
        ]
        wo = [r["row"] for r in rows if r["table"] == "work_orders"]
        assert [r["id"] for r in wo] == [latest]  # the car's latest visit, whole
        assert {r["table"] for r in rows} >= {"check_ins", "progress_events"}
    assert bay.get("/v1/workshop/cars", params={"plate": "粤B00000"}).status_code == 404
    for bad in ({}, {"vin": "NOT-A-VIN"}, {"plate": "X" * 21}, {"vin": vin, "plate": "A"}):
        assert bay.get("/v1/workshop/cars", params=bad).status_code == 400, bad
    # Nobody else: no token, or a station's token that is not one of the workshop's terminals.
    assert httpx.get(hub.url + "/v1/workshop/cars", params={"plate": "粤B55555"}).status_code == 401
    _, token = hub.service.issue_token(WORKSHOP)
    station = httpx.Client(base_url=hub.url, headers={"Authorization": f"Bearer {token}"})
    assert station.post("/v1/enrol", json={"station_id": "lone"}).status_code == 200
    assert station.get("/v1/workshop/cars", params={"plate": "粤B55555"}).status_code == 403
    bay.close()
    station.close()
    desk.close()
