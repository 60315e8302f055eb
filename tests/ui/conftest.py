"""The app offscreen on a demo workshop with the simulated car and camera."""

from __future__ import annotations

import os
from pathlib import Path

# Qt's offscreen screen is 800x600 unless told otherwise, so a window of 1024x768 or more
# would reach off it, and a tap Qt routes by its place on the screen (the press a kinetic
# pane holds back until it knows the finger is not dragging) would find no widget there.
# A terminal's window is on its screen: give the offscreen one the size of the largest.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    screen = Path(__file__).with_name("offscreen_screen.json")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.app import StationApp, build_app


@pytest.fixture
def demo_app(qapp: QApplication, tmp_path: Path) -> Iterator[StationApp]:
    app = build_app(tmp_path / "data", demo=True, fresh=True, language="en", fast_rig=True)
    app.window.resize(1280, 800)
    app.window.show()
    yield app
    app.close()


def log_in(qtbot: QtBot, app: StationApp, name: str, pin: str) -> None:
    """Tap the name, type the PIN on the keypad, press OK."""
    login = app.window.login
    login.refresh()
    qtbot.mouseClick(login.user_buttons[name], Qt.MouseButton.LeftButton)
    for digit in pin:
        qtbot.mouseClick(login.keypad.keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(login.keypad.ok, Qt.MouseButton.LeftButton)
