"""Login on the keypad, the role's home, idle lock and the language switch."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ui.app import StationApp

from .conftest import log_in


def test_technician_logs_in_with_the_keypad_and_sees_the_queue(
    qtbot: QtBot, demo_app: StationApp
) -> None:
    log_in(qtbot, demo_app, "li.wei", "2468")
    assert demo_app.model.actor is not None and demo_app.model.actor.name == "li.wei"
    window = demo_app.window
    assert window.stack.currentIndex() == 1
    assert not window.nav_buttons["board"].isVisibleTo(window)
    assert window.nav_buttons["settings"].isVisibleTo(window)


def test_wrong_pin_is_refused_and_counted(qtbot: QtBot, demo_app: StationApp) -> None:
    log_in(qtbot, demo_app, "sam", "0000")
    assert demo_app.model.actor is None
    assert "wrong PIN" in demo_app.window.login.message.text()
    row = demo_app.model.workshop.store.query_one(
        "SELECT failed_attempts FROM users WHERE name = 'sam'"
    )
    assert row is not None and row["failed_attempts"] == 1


def test_idle_station_locks_itself(qtbot: QtBot, demo_app: StationApp) -> None:
    demo_app.window.idle.timer.setInterval(200)
    log_in(qtbot, demo_app, "emma", "8642")
    assert demo_app.model.actor is not None
    qtbot.waitUntil(lambda: demo_app.model.actor is None, timeout=30_000)
    assert demo_app.window.stack.currentWidget() is demo_app.window.login


def test_language_switches_at_run_time(qtbot: QtBot, demo_app: StationApp) -> None:
    log_in(qtbot, demo_app, "emma", "8642")
    window = demo_app.window
    assert window.nav_buttons["settings"].text() == "Settings"
    qtbot.mouseClick(window.language_button, Qt.MouseButton.LeftButton)
    assert demo_app.model.language == "zh"
    qtbot.waitUntil(lambda: window.nav_buttons["settings"].text() == "设置")
    assert window.lock_button.text() == "锁定"
    qtbot.mouseClick(window.language_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.nav_buttons["settings"].text() == "Settings")
