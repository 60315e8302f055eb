"""The diagnostics view shows the full-system scan: each control unit's UDS codes with
their status byte in words, the traction battery block, and what was not read; and it
records chosen live values with the work order in a worker."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import can
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from drivers.ecu_sim import EcuSimulator, load_profile
from drivers.obd.can_link import connect_can
from drivers.obd.scan import scan_vehicle
from station.demo import DemoVisit
from station.diagnostics import live_recordings, record_scan
from ui.app import StationApp
from ui.model import DeviceState

from .conftest import log_in

_channels = itertools.count()


def _hybrid_scan_with_a_silent_transmission() -> dict[str, Any]:
    """A real scan of the simulated hybrid whose transmission ECU ignores mode 0A."""
    profile = load_profile("hybrid")
    profile.ecus[1].silent_services = {0x0A}
    channel = f"ui-depth-{next(_channels)}"
    with (
        EcuSimulator(can.Bus(interface="virtual", channel=channel), profile, own_bus=True),
        connect_can("virtual", channel) as link,
    ):
        return scan_vehicle(link).to_json()


def _rows(tree: QTreeWidget) -> dict[str, list[list[str]]]:
    """Each top-level row's text, with its children's and grandchildren's rows."""

    def texts(item: QTreeWidgetItem) -> list[str]:
        return [item.text(column) for column in range(tree.columnCount())]

    rows: dict[str, list[list[str]]] = {}
    for index in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(index)
        assert top is not None
        below: list[list[str]] = [texts(top)]
        for child_index in range(top.childCount()):
            child = top.child(child_index)
            below.append(texts(child))
            below += [texts(child.child(n)) for n in range(child.childCount())]
        rows[top.text(0)] = below
    return rows


def test_uds_codes_battery_and_unread_services_in_both_languages(
    qtbot: QtBot, demo_app: StationApp
) -> None:
    app = demo_app
    assert app.cast is not None
    log_in(qtbot, app, "li.wei", app.cast.pins["li.wei"])
    workshop = app.model.workshop
    technician = app.model.require_actor()
    wo_id = workshop.create_work_order(technician, app.cast.vehicles["hybrid"]).id
    result = _hybrid_scan_with_a_silent_transmission()
    assert result["incomplete"]
    record_scan(workshop, technician, wo_id, "pre", result)

    app.model.set_language("en")  # li.wei's own language is Chinese
    app.model.select(wo_id)
    app.window.show_page("work_order")
    page = app.window.pages["work_order"]
    page.show_tab(page.diagnostics)
    view = page.diagnostics
    view.refresh()
    rows = _rows(view.tree)
    hybrid = rows["7EA HPCM-HybridControl"]
    assert ["Fault memory (UDS)", "", ""] in hybrid
    assert ["P0A7F-00", "pending", "Hybrid battery pack deterioration"] in hybrid
    assert ["Traction battery", "", ""] in hybrid
    assert ["State of health", "", "69 %"] in hybrid
    assert ["Cell voltage spread", "", "74 mV"] in hybrid
    transmission = rows["7E9 TCM-TransmissionCtl"]
    assert transmission[0][2] == "Not read completely: 0A"
    summary = view.summary.text()
    assert "Scan incomplete" in summary
    assert "ECU 7E9 did not answer: permanent trouble codes (0A)" in summary
    _screenshot(app, "diagnostics-depth-en")

    app.model.set_language("zh")
    view.refresh()
    rows = _rows(view.tree)
    hybrid = rows["7EA HPCM-HybridControl"]
    assert ["故障存储（UDS）", "", ""] in hybrid
    assert ["P0A7F-00", "待定", "混合动力电池组性能衰退"] in hybrid
    assert ["动力电池", "", ""] in hybrid
    assert ["电池健康度", "", "69 %"] in hybrid
    assert rows["7E9 TCM-TransmissionCtl"][0][2] == "未完整读取：0A"
    assert "ECU 7E9 未应答：永久故障码（0A）" in view.summary.text()
    _screenshot(app, "diagnostics-depth-zh")


def _screenshot(app: StationApp, name: str) -> None:
    """The window with the hybrid ECU's codes and battery in view, when asked for."""
    folder = os.environ.get("STATION_SCREENSHOTS")
    if folder:
        tree = app.window.pages["work_order"].diagnostics.tree
        for index in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(index)
            if item is not None and item.text(0).startswith("7EA"):
                tree.scrollToItem(item, QTreeWidget.ScrollHint.PositionAtTop)
        app.window.grab().save(str(Path(folder) / f"{name}.png"))


def test_recording_live_values_runs_in_a_worker_and_is_kept_with_the_work_order(
    qtbot: QtBot, demo_app: StationApp
) -> None:
    app = demo_app
    assert app.cast is not None
    qtbot.waitUntil(lambda: app.model.devices["obd"].state is DeviceState.CONNECTED, timeout=60_000)
    visit = DemoVisit(app.model.workshop, app.cast, narrate=lambda _t: None)
    visit.reception()
    visit.start_diagnosis()
    log_in(qtbot, app, "li.wei", app.cast.pins["li.wei"])
    app.model.set_language("en")
    app.model.select(visit.wo_id)
    app.window.show_page("work_order")
    page = app.window.pages["work_order"]
    page.show_tab(page.diagnostics)
    view = page.diagnostics
    for pid, button in view.live_buttons.items():
        button.setChecked(pid in (0x0C, 0x0D))
    view.record_label.setCurrentIndex(1)  # rev test
    assert view.record_state.text() == "0 recording(s) kept with the work order"

    qtbot.mouseClick(view.record_button, Qt.MouseButton.LeftButton)
    assert app.ctx.workers.busy, "the tap returned while the recording runs in a worker"
    assert view.record_button.text() == "Stop recording"
    assert not view.scan_button.isEnabled()  # the recording holds the car's link
    # the GUI thread keeps running: the samples reach the chart as they come
    qtbot.waitUntil(lambda: len(view.recorded) >= 3, timeout=60_000)
    assert view.record_state.text().startswith("Recording: ")
    assert set(view.chart.series) == {"Engine speed", "Speed"}
    _screenshot(app, "diagnostics-recording-en")
    qtbot.mouseClick(view.record_button, Qt.MouseButton.LeftButton)  # stop
    qtbot.waitUntil(lambda: not app.ctx.workers.busy, timeout=60_000)

    [kept] = live_recordings(app.model.workshop, visit.wo_id)
    assert kept["label"] == "Rev test"
    recording = kept["recording"]
    assert recording["ecu"] == "7E8"
    assert set(recording["signals"]) == {"0C", "0D"}
    assert len(recording["samples"]) >= len(view.recorded) >= 3
    assert view.record_state.text() == "1 recording(s) kept with the work order"
    assert view.record_button.text() == "Record" and view.scan_button.isEnabled()
