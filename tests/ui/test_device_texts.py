"""Which device each is, and its state, in the screen's language: the device bar and the
Settings tab name the simulated car, rig and camera in Chinese, ports and channels as they are."""

from __future__ import annotations

import re

from pytestqt.qtbot import QtBot

from ui.app import StationApp
from ui.device_bar import describe
from ui.equipment import Described
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
