"""The app offscreen on a demo workshop with the simulated car and camera."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

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
