"""Every main screen rendered offscreen to PNG in both languages (`station app
--screenshots DIR` or `python -m ui.screens DIR`), on a demo visit in progress."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from station.alignment import spec_for, store_alignment
from station.demo import DemoVisit
from station.diagnostics import record_scan
from station.photos import Stage
from ui.app import StationApp, build_app
from ui.model import DeviceState

log = logging.getLogger(__name__)

SIZE = (1024, 768)


def settle(app: StationApp, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.qt.processEvents()
        app.qt.sendPostedEvents()


def _wait_jobs(app: StationApp, timeout_s: float = 30.0) -> None:
    import time

    deadline = time.monotonic() + timeout_s
    while app.ctx.workers.busy and time.monotonic() < deadline:
        app.qt.processEvents()
        time.sleep(0.01)
    settle(app)


def wait_devices(app: StationApp, timeout_s: float = 30.0) -> None:
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        settle(app, 1)
        if all(s.state is DeviceState.CONNECTED for s in app.model.devices.values()):
            return
        time.sleep(0.02)


def prepare_visit(app: StationApp) -> DemoVisit:
    """The demo sedan checked in, scanned, inspected with a photo, measured on the rig,
    with findings waiting for approval: every screen has something to show."""
    assert app.cast is not None
    workshop = app.model.workshop
    visit = DemoVisit(workshop, app.cast, narrate=lambda _t: None)
    visit.reception()
    visit.start_diagnosis()
    technician = visit.technician
    devices = app.ctx.devices
    if devices.vehicle is not None:
        result = devices.vehicle.scan(lambda *_a: None, "en")
        record_scan(workshop, technician, visit.wo_id, "pre", result)
    visit.inspection()
    if devices.camera is not None and devices.camera.camera is not None:
        checklist = visit.checklist_ids["inspection"]
        app.ctx.photos.record(
            technician,
            devices.camera.still_files(),
            visit.wo_id,
            Stage.BEFORE,
            checklist_id=checklist,
            item_key="pads_rear",
            caption="pads_rear",
        )
    if devices.rig is not None:
        vehicle = visit.vehicle
        session = devices.rig.measure(lambda _r: None)
        store_alignment(
            workshop.store,
            technician,
            visit.wo_id,
            session,
            spec_for(vehicle["make"], vehicle["model"], vehicle["year"]),
        )
    visit.findings_for_approval(dtc="P0301")
    return visit


def _wait_frames(app: StationApp) -> None:
    import time

    preview = app.window.pages["work_order"].repair.preview  # type: ignore[attr-defined]
    start, deadline = preview.frames_shown, time.monotonic() + 5
    while preview.frames_shown < start + 2 and time.monotonic() < deadline:
        settle(app, 1)
        time.sleep(0.02)


def screens(app: StationApp) -> dict[str, Callable[[], None]]:
    """Name -> how to bring that screen up."""
    window = app.window

    def page(key: str, tab: int | None = None) -> Callable[[], None]:
        def show() -> None:
            window.show_page(key)
            if tab is not None:
                window.pages[key].tabs.setCurrentIndex(tab)  # type: ignore[attr-defined]

        return show

    def jobs() -> None:
        page("settings", 6)()
        window.pages["settings"].canned.choose("10,000 km service")  # type: ignore[attr-defined]

    return {
        "board": page("board"),
        "appointments": page("appointments"),
        "walk_in": page("walk_in"),
        "queue": page("queue"),
        "checkin": page("work_order", 0),
        "diagnostics": page("work_order", 1),
        "inspection": page("work_order", 2),
        "alignment": page("work_order", 3),
        "findings": page("work_order", 4),
        "repair": page("work_order", 5),
        "approvals": page("approvals"),
        "report": page("report"),
        "delivery": page("delivery"),
        "settings": page("settings", 0),
        "settings-workshop": page("settings", 1),
        "settings-devices": page("settings", 2),
        "settings-hub": page("settings", 3),
        "settings-prices": page("settings", 4),
        "settings-people": page("settings", 5),
        "settings-jobs": jobs,
    }


def render_all(folder: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="bay-screens-") as data:
        app = build_app(Path(data), demo=True, fresh=True, language="en", fast_rig=True, sync=False)
        try:
            wait_devices(app)
            visit = prepare_visit(app)
            window = app.window
            window.resize(*SIZE)
            window.show()
            for language in ("en", "zh"):
                app.model.set_language(language)
                app.model.lock()
                window.resize(*SIZE)
                settle(app)
                path = folder / f"login-{language}.png"
                window.grab().save(str(path))
                written.append(path)
                app.model.login("admin", app.cast.pins["admin"] if app.cast else "")
                app.model.set_language(language)
                app.model.select(visit.wo_id)
                for name, show in screens(app).items():
                    show()
                    window.resize(*SIZE)
                    settle(app)
                    if name == "report":
                        window.pages["report"].preview()  # type: ignore[attr-defined]
                        _wait_jobs(app, 120)
                    if name == "repair":
                        _wait_frames(app)
                    window.hide_notice()
                    path = folder / f"{name}-{language}.png"
                    window.grab().save(str(path))
                    written.append(path)
                written.append(_keyboard(app, folder, language))
        finally:
            app.close()
        written += _first_run(Path(data) / "new", folder)
    return written


def _keyboard(app: StationApp, folder: Path, language: str) -> Path:
    """The on-screen keyboard over the findings form, pinyin typed on a Chinese screen."""
    window = app.window
    window.show_page("work_order")
    view = window.pages["work_order"]
    view.tabs.setCurrentWidget(view.findings)  # type: ignore[attr-defined]
    settle(app)
    keyboard = window.keyboard
    view.findings.title.clear()  # type: ignore[attr-defined]
    keyboard.attach(view.findings.title)  # type: ignore[attr-defined]
    for char in "shache" if language == "zh" else "Pads":
        keyboard.type(char.lower())
    settle(app)
    path = folder / f"keyboard-{language}.png"
    window.grab().save(str(path))
    keyboard.close_keyboard()
    return path


def _first_run(data: Path, folder: Path) -> list[Path]:
    """Each step of the first-run set-up on a new data folder."""
    app = build_app(data, sync=False, connect_devices=False)
    written = []
    try:
        window = app.window
        window.resize(*SIZE)
        window.show()
        setup = window.setup
        assert setup is not None
        for language in ("en", "zh"):
            app.model.set_language(language)
            for step in range(setup.pages.count()):  # type: ignore[attr-defined]
                setup.go(step)  # type: ignore[attr-defined]
                window.resize(*SIZE)
                settle(app)
                path = folder / f"setup-{step + 1}-{language}.png"
                window.grab().save(str(path))
                written.append(path)
    finally:
        app.close()
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "screens")
    print(f"{len(render_all(target))} screenshots in {target}")
