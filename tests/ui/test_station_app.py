"""A real station's app: devices from its configuration, refusals by role, screenshots."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from drivers.ecu_sim.runner import EcuSimulator
from station.commands import init_station
from station.config import load_config
from station.demo import DemoVisit
from station.diagnostics import record_scan
from station.errors import PermissionDenied
from ui.app import StationApp, build_app
from ui.equipment import Described
from ui.model import DeviceState
from ui.screens import SIZE, render_all

from .conftest import log_in


def test_a_station_opens_the_devices_its_configuration_names(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    data = tmp_path / "station"
    init_station(data / "station.db", "Test Motors", None, "admin", "1234").store.close()
    channel = f"test-{uuid.uuid4().hex[:8]}"
    config = load_config(
        data_dir=data,
        env={},
        flags={"can.interface": "virtual", "can.channel": channel, "camera.source": "synthetic"},
    )
    with EcuSimulator.open("virtual", channel, "petrol_misfire"):
        app = build_app(data, config=config, language="en", sync=False)
        try:
            for name in ("obd", "camera"):
                qtbot.waitUntil(
                    lambda n=name: app.model.devices[n].state is DeviceState.CONNECTED,
                    timeout=60_000,
                )
            assert app.model.devices["rig"].state is DeviceState.ABSENT
            assert app.model.devices["obd"].device == Described("can", ("virtual", channel))
            vin = app.ctx.devices.vehicle.read_vin() if app.ctx.devices.vehicle else None
            assert vin is not None and len(vin) == 17
        finally:
            app.close()


def test_an_advisor_cannot_scan_or_clear_codes(qtbot: QtBot, demo_app: StationApp) -> None:
    assert demo_app.cast is not None
    visit = DemoVisit(demo_app.model.workshop, demo_app.cast, narrate=lambda _t: None)
    visit.reception()
    visit.start_diagnosis()
    log_in(qtbot, demo_app, "emma", demo_app.cast.pins["emma"])
    demo_app.model.select(visit.wo_id)
    window = demo_app.window
    window.show_page("work_order")
    diagnostics = window.pages["work_order"].diagnostics
    window.pages["work_order"].show_tab(diagnostics)
    diagnostics.confirm_clear.setChecked(True)
    assert not diagnostics.scan_button.isEnabled()
    assert not diagnostics.clear_button.isEnabled()
    with pytest.raises(PermissionDenied):
        record_scan(
            demo_app.model.workshop,
            demo_app.model.require_actor(),
            visit.wo_id,
            "pre",
            {"ecus": []},
        )


def test_every_main_screen_renders_in_both_languages(qapp: QApplication, tmp_path: Path) -> None:
    written = render_all(tmp_path / "screens")
    names = {path.stem for path in written}
    for screen in (
        "login",
        "board",
        "queue",
        "checkin",
        "diagnostics",
        "inspection",
        "alignment",
        "findings",
        "repair",
        "approvals",
        "report",
        "delivery",
        "appointments",
        "settings",
    ):
        assert {f"{screen}-en", f"{screen}-zh"} <= names
    for path in written:
        image = QImage(str(path))
        assert (image.width(), image.height()) == SIZE, path.name


def test_the_board_flags_a_customer_owed_an_update(qtbot: QtBot, demo_app: StationApp) -> None:
    assert demo_app.cast is not None
    visit = DemoVisit(demo_app.model.workshop, demo_app.cast, narrate=lambda _t: None)
    visit.reception()
    log_in(qtbot, demo_app, "emma", demo_app.cast.pins["emma"])
    board = demo_app.window.pages["board"]
    demo_app.window.show_page("board")
    assert board.rows[0]["overdue"] is False
    checked_in = demo_app.model.clock()
    demo_app.model.clock = lambda: checked_in + timedelta(minutes=45)
    board.refresh()
    assert board.rows[0]["overdue"] is True
    update_cell = board.table.item(0, board.table.columnCount() - 1)
    assert update_cell is not None and "overdue 15 min" in update_cell.text()
    assert update_cell.background().color().name() == "#ffcdd2"
    assert not board.send_update.isEnabled()
    board.table.selectRow(0)
    qtbot.keyClicks(board.message, "waiting for the part, ready at 3 pm")
    assert board.send_update.isEnabled()
    qtbot.mouseClick(board.send_update, Qt.MouseButton.LeftButton)
    last = demo_app.model.workshop.progress_events(visit.wo_id)[-1]
    assert (last["to_status"], last["note"]) == (
        "checked_in",
        "waiting for the part, ready at 3 pm",
    )
    assert board.message.text() == ""
    board.refresh()
    assert board.rows[0]["overdue"] is False  # the update resets the clock: next due in an hour
    visit.start_diagnosis()  # a status change is an update too
    board.refresh()
    assert board.rows[0]["overdue"] is False
