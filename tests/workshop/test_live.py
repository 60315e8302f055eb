"""Live: a finding made through one terminal's app model shows on another terminal's approvals
view with nobody touching it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from station.findings import FindingDraft, Severity, part
from station.lifecycle import Status
from station.photos import PhotoStore
from station.vehicles import Powertrain
from tests.workshop.helpers import Terminal, join
from ui.approvals import ApprovalsView
from ui.context import AppContext
from ui.devices import DeviceHub
from ui.model import StationModel
from ui.report_jobs import ReportProcess
from ui.syncing import SyncLink
from ui.workers import Workers


class App:
    """What `station app` wires for one terminal, without the window: model, workers, live sync."""

    def __init__(self, terminal: Terminal, data_dir: Path) -> None:
        self.terminal = terminal
        self.model = StationModel(terminal.workshop, data_dir, language="en")
        self.workers = Workers()
        self.link = SyncLink(self.model, self.workers)
        self.ctx = AppContext(
            self.model,
            self.workers,
            DeviceHub(self.model, self.workers),
            PhotoStore(terminal.store, data_dir / "photos"),
            ReportProcess(),
        )

    def close(self) -> None:
        """As the app closes: sync, devices and workers stop before the store closes."""
        self.workers.closed = True
        self.link.stop()
        self.ctx.devices.close()
        self.workers.shutdown()
        self.ctx.reports.close()
        qt = QApplication.instance()
        assert qt is not None
        qt.sendPostedEvents()
        self.terminal.close()


@pytest.fixture
def two_apps(qapp: QApplication, tmp_path: Path, hub: Any) -> Iterator[tuple[App, App]]:
    apps = tuple(App(join(hub, tmp_path, name), tmp_path / name) for name in ("desk", "bay-2"))
    for app in apps:
        app.link.start()
    try:
        yield apps  # type: ignore[misc]
    finally:
        for app in apps:
            app.close()


def test_a_finding_made_at_a_bay_appears_on_the_desks_approvals_view_by_itself(
    qtbot: QtBot, two_apps: tuple[App, App]
) -> None:
    desk, bay = two_apps
    qtbot.waitUntil(
        lambda: desk.link.live is not None and bay.link.live is not None, timeout=30_000
    )
    assert desk.model.login("admin", "1234") and bay.model.login("admin", "1234")
    w = desk.terminal.workshop
    vehicle = desk.model.act(w.add_vehicle, desk.model.actor, None, "粤B24680", Powertrain.ICE)
    assert vehicle is not None
    wo = desk.model.act(w.create_work_order, desk.model.actor, vehicle.id, "noise").id
    desk.model.act(w.check_in, desk.model.actor, wo, 30_000)
    qtbot.waitUntil(lambda: bay.terminal.store.query_one("SELECT id FROM work_orders") is not None)
    desk.model.select(wo)
    view = ApprovalsView(desk.ctx)
    view.show()
    assert view.cards == {}
    b = bay.terminal.workshop
    bay.model.act(b.change_status, bay.model.actor, wo, Status.DIAGNOSING)
    finding = bay.model.act(
        b.add_finding,
        bay.model.actor,
        wo,
        FindingDraft("Front brake pads worn", Severity.URGENT, [part("Brake pads", 1, 38000)]),
    )
    assert finding is not None
    qtbot.addWidget(view)  # closed and deleted by the test's end
    qtbot.waitUntil(lambda: finding.id in view.cards, timeout=30_000)
    assert (
        "Front brake pads worn" in view.cards[finding.id].frame.findChild(type(view.title)).text()
    )


def test_the_person_at_the_terminal_that_lost_is_told_what_won(
    qapp: QApplication, tmp_path: Path, hub: Any
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    try:
        w = desk.workshop
        vehicle = w.add_vehicle(desk.admin, None, "粤B13579", Powertrain.EV).id
        wo = w.create_work_order(desk.admin, vehicle, "charging fault").id
        w.check_in(desk.admin, wo, 12_000)
        desk.sync()
        bay.sync()
        desk.workshop.change_status(desk.admin, wo, Status.CANCELLED, note="customer left")
        bay.workshop.change_status(bay.admin, wo, Status.DIAGNOSING)
        desk.sync()
        bay.sync()
        model = StationModel(bay.workshop, tmp_path / "bay-2", language="en")
        notices: list[tuple[str, bool]] = []
        changed: list[bool] = []
        model.events.notice.connect(lambda text, error: notices.append((text, error)))
        model.events.changed.connect(lambda: changed.append(True))
        model.remote_changed()
        number = bay.workshop.work_order(wo)["number"]
        assert notices == [
            (
                f"{number}: your move to diagnosing was not kept; "
                "the work order is cancelled (version 3)",
                True,
            )
        ]
        assert changed == [True]
        model.remote_changed()  # told once, not at every refresh
        assert len(notices) == 1
    finally:
        desk.close()
        bay.close()
