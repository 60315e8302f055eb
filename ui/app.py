"""Build and run the app: the window, the translations, the devices, the demo."""

from __future__ import annotations

import logging
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QLocale, QTimer
from PySide6.QtWidgets import QApplication

from station import catalogue, profile
from station.config import Config, load_config
from station.demo import DemoCast, open_demo_station
from station.photos import PhotoStore, photos_folder
from station.startup import open_station
from station.workshop import Workshop
from ui.context import AppContext
from ui.devices import DeviceHub
from ui.equipment import simulated_rig, simulated_vehicle, synthetic_camera
from ui.i18n import Translations
from ui.local_settings import load_settings
from ui.model import StationModel
from ui.pages import PAGES
from ui.report_jobs import ReportProcess
from ui.setup import SetupView
from ui.shell import IDLE_LOCK_MS, MainWindow
from ui.station_devices import configure_devices
from ui.style import apply_style
from ui.syncing import SyncLink
from ui.workers import Workers

log = logging.getLogger(__name__)


@dataclass
class StationApp:
    """Everything one running app holds; `close` stops the devices and workers."""

    qt: QApplication
    ctx: AppContext
    window: MainWindow
    translations: Translations
    sync: SyncLink
    cast: DemoCast | None = None

    @property
    def model(self) -> StationModel:
        return self.ctx.model

    def close(self) -> None:
        self.ctx.workers.closed = True
        self.window.idle.timer.stop()
        self.qt.removeEventFilter(self.window.idle)
        self.window.close()
        self.sync.stop()
        self.ctx.devices.close()
        self.ctx.workers.shutdown()
        self.ctx.reports.close()
        self.translations.detach()
        self.qt.sendPostedEvents()
        self.window.deleteLater()
        self.qt.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        self.ctx.model.workshop.store.close()


def qt_application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    return QApplication(sys.argv[:1])


def first_language(workshop: Workshop, new_station: bool) -> str:
    """The workshop profile's language; on a new station, the machine's own."""
    if new_station:
        system = QLocale.system().language()
        return "zh" if system == QLocale.Language.Chinese else "en"
    return profile.current(workshop.store).language


def build_app(
    data_dir: Path,
    demo: bool = False,
    fresh: bool = False,
    bay: str | None = None,
    language: str | None = None,
    idle_lock_ms: int = IDLE_LOCK_MS,
    connect_devices: bool = True,
    fast_rig: bool = False,
    sync: bool = True,
    config: Config | None = None,
) -> StationApp:
    qt = qt_application()
    apply_style(qt)
    translations = Translations(qt)
    database = data_dir / "station.db"
    cast: DemoCast | None = None
    if demo:
        workshop, cast = open_demo_station(database, fresh)
        if not catalogue.price_items(workshop.store):
            admin = workshop.login("admin", cast.pins["admin"])
            catalogue.load_starter(workshop.store, admin)
    else:
        workshop = Workshop(open_station(config or load_config(data_dir=data_dir)))
    saved = load_settings(data_dir)
    new_station = not demo and workshop.store.meta("station_id") is None
    model = StationModel(
        workshop,
        data_dir,
        bay=bay or saved.get("bay", "Bay 1"),
        language=language or saved.get("language") or first_language(workshop, new_station),
    )
    if cast is not None:
        model.booked_jobs = {cast.appointments[key]: jobs for key, jobs in cast.booked_jobs.items()}
    translations.use(model.language)
    model.events.language.connect(translations.use)
    workers = Workers()
    devices = DeviceHub(model, workers)
    if demo:
        devices.vehicle = simulated_vehicle(cast.profiles["sedan"] if cast else "petrol_misfire")
        devices.camera = synthetic_camera()
        devices.rig = simulated_rig(fast=fast_rig)
    elif config is not None:
        configure_devices(devices, config)
    ctx = AppContext(
        model,
        workers,
        devices,
        PhotoStore(workshop.store, photos_folder(data_dir)),
        ReportProcess(),
    )
    window = MainWindow(ctx, PAGES, idle_lock_ms)
    if new_station:
        window.show_setup(SetupView(ctx, window.setup_done))
    # A terminal of a workshop (the demo's too) syncs with its hub, never a demo cloud of its own.
    link = SyncLink(model, workers, demo_cloud=demo and sync and workshop.store.id_base is None)
    window.sync_action = link.run_now
    if sync and (demo or workshop.store.meta("sync.url")):
        link.start()
    if connect_devices:
        devices.connect_all()
    return StationApp(qt, ctx, window, translations, link, cast)


def quit_on_signals(qt: QApplication) -> QTimer:
    """SIGTERM, SIGINT and SIGHUP end the event loop, so `StationApp.close` stops the
    devices and the report process; the timer lets Python see a signal while Qt waits."""
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, lambda _number, _frame: qt.quit())
    tick = QTimer()
    tick.timeout.connect(lambda: None)
    tick.start(200)
    return tick


def run(config: Config, demo: bool, fresh: bool, bay: str | None, windowed: bool = False) -> int:
    app = build_app(config.data_dir, demo=demo, fresh=fresh, bay=bay, config=config)
    app.window.present(windowed=windowed)
    _ticking = quit_on_signals(app.qt)  # held until the loop ends
    try:
        return app.qt.exec()
    finally:
        app.close()
