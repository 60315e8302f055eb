"""The app's text fields stop at the core's limits, so a person sees the limit while typing."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from station import limits
from ui.app import StationApp


def test_free_text_fields_take_no_more_than_the_core_accepts(
    demo_app: StationApp, qtbot: QtBot
) -> None:
    expected = {
        "finding_title": limits.TITLE,
        "finding_job": limits.DESCRIPTION,
        "line_description": limits.DESCRIPTION,
        "approval_customer": limits.NAME,
        "delivery_customer": limits.NAME,
        "board_message": limits.NOTE,
        "follow_up_outcome": limits.NOTE,
        "qc_note": limits.NOTE,
        "valuables": limits.NOTE,
        "settings_bay": limits.BAY,
    }
    for name, limit in expected.items():
        field = demo_app.window.findChild(QLineEdit, name)
        assert field is not None, name
        assert field.maxLength() == limit.max_chars, name
    title = demo_app.window.findChild(QLineEdit, "finding_title")
    assert title is not None
    title.setText("")
    title.insert("刹" * (limits.TITLE.max_chars + 50))
    assert len(title.text()) == limits.TITLE.max_chars
