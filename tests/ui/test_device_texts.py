"""Which device each is, and its state, in the screen's language: the device bar and the
Settings tab name the simulated car, rig and camera in Chinese, ports and channels as they are."""

from __future__ import annotations

import re
from pathlib import Path

from pytestqt.qtbot import QtBot

from ui.app import StationApp
from ui.device_bar import describe
from ui.equipment import CameraDevice, Described, VehicleInterface
from ui.model import DEVICE_NAMES, DeviceState

from .conftest import log_in
from .floor import CJK, UNITS, WORD


def english_words(text: str) -> list[str]:
    plain = re.sub(r"<[^>]+>", " ", text)
    return [word for word in WORD.findall(plain) if word not in UNITS]


def test_devices_are_named_in_chinese(qtbot: QtBot, demo_app: StationApp) -> None:
    app, window = demo_app, demo_app.window
    assert app.cast is not None
    for name in DEVICE_NAMES:
        qtbot.waitUntil(
            lambda n=name: app.model.devices[n].state is DeviceState.CONNECTED, timeout=30_000
        )
    log_in(qtbot, app, "admin", app.cast.pins["admin"])
    app.model.set_language("zh")
    qtbot.waitUntil(lambda: bool(CJK.search(window.device_bar.labels["rig"].text())))
    window.show_page("settings")
    settings = window.pages["settings"]
    settings.refresh()
    for name in DEVICE_NAMES:
        said = settings.device_labels[name].text()
        assert CJK.search(said) and english_words(said) == [], said
        shown = window.device_bar.labels[name]
        assert english_words(shown.text()) == [] and english_words(shown.toolTip()) == []
    assert describe(Described("elm327", ("/dev/ttyUSB0",))) == "ELM327 适配器（/dev/ttyUSB0）"
    assert describe(Described("can", ("socketcan", "can0"))) == "CAN 总线 socketcan，通道 can0"

    app.model.set_language("en")
    settings.refresh()
    assert settings.device_labels["rig"].text() == (
        "connected — simulated alignment rig on a virtual CAN bus"
    )


def test_a_device_that_fails_says_why_in_the_screens_language(
    qtbot: QtBot, demo_app: StationApp, tmp_path: Path
) -> None:
    """The driver's reason comes by its key: which port or file, in Chinese or in English."""
    from drivers.camera import source_from_spec
    from drivers.obd.elm import connect_elm

    app, window = demo_app, demo_app.window
    devices = app.ctx.devices
    for name in ("obd", "camera"):
        qtbot.waitUntil(
            lambda n=name: app.model.devices[n].state is DeviceState.CONNECTED, timeout=30_000
        )
    for simulated in (devices.vehicle, devices.camera):
        assert simulated is not None
        simulated.close()
    port, video = str(tmp_path / "ttyNOPE"), str(tmp_path / "bay.mp4")
    bar = window.device_bar.labels
    for language, cannot_open, missing in (
        ("zh", f"无法打开串口 {port}：", f"{video} 不存在"),
        ("en", f"Cannot open the serial port {port}: ", f"{video} does not exist"),
    ):
        app.model.set_language(language)
        devices.vehicle = VehicleInterface(Described("elm327", (port,)), lambda: connect_elm(port))
        devices.camera = CameraDevice(
            Described("camera", (video,)), lambda: source_from_spec(video)
        )
        devices.connect_vehicle()
        devices.connect_camera()
        qtbot.waitUntil(lambda why=cannot_open: why in bar["obd"].toolTip(), timeout=60_000)
        qtbot.waitUntil(lambda why=missing: why in bar["camera"].toolTip(), timeout=60_000)
        assert app.model.devices["obd"].state is DeviceState.FAILED
        assert app.model.devices["camera"].state is DeviceState.FAILED
        devices.camera.close()  # its capture thread would keep retrying the missing file
