"""An admin's day in Settings: people added and unlocked, the labour rate and a price
item kept, the language remembered for the next start."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from station import catalogue
from station.errors import AuthenticationFailed
from station.roles import Role
from ui.app import StationApp
from ui.local_settings import load_settings
from ui.tables import select_key

from .conftest import log_in

LEFT = Qt.MouseButton.LeftButton


def test_people_and_prices_in_settings(qtbot: QtBot, demo_app: StationApp) -> None:
    app, window = demo_app, demo_app.window
    assert app.cast is not None
    window.resize(1024, 768)
    log_in(qtbot, app, "admin", app.cast.pins["admin"])
    app.model.set_language("en")
    window.show_page("settings")
    settings = window.pages["settings"]

    # A new technician, then on the login screen by display name.
    settings.tabs.setCurrentIndex(5)
    settings.person_name.setText("kai")
    settings.person_display.setText("Kai Wong")
    settings.person_role.setCurrentIndex(settings.person_role.findData(Role.TECHNICIAN.value))
    settings.person_pin.setText("4826")
    qtbot.mouseClick(settings.add_person, LEFT)
    user = app.model.workshop.store.query_one("SELECT * FROM users WHERE name = 'kai'")
    assert user is not None and (user["display_name"], user["role"]) == ("Kai Wong", "technician")

    # Five wrong PINs lock kai; the admin unlocks him from the list.
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            app.model.workshop.login("kai", "0000")
    settings.refresh()
    assert "locked" in [
        settings.people.item(r, 3).text() for r in range(settings.people.rowCount())
    ]
    select_key(settings.people, "kai")
    qtbot.mouseClick(settings.unlock_person, LEFT)
    assert app.model.workshop.login("kai", "4826").name == "kai"

    # Kai becomes an advisor, gets a new PIN, and later leaves.
    select_key(settings.people, "kai")
    settings.person_role.setCurrentIndex(settings.person_role.findData(Role.ADVISOR.value))
    qtbot.mouseClick(settings.change_role, LEFT)
    select_key(settings.people, "kai")
    settings.person_pin.setText("7391")
    qtbot.mouseClick(settings.reset_pin, LEFT)
    assert app.model.workshop.login("kai", "7391").role is Role.ADVISOR
    select_key(settings.people, "kai")
    qtbot.mouseClick(settings.deactivate, LEFT)
    assert "kai" not in [u["name"] for u in app.model.users()]
    select_key(settings.people, "admin")
    qtbot.mouseClick(settings.deactivate, LEFT)
    assert window.notice.text() == "You cannot deactivate yourself"

    # The labour rate and a new part.
    settings.tabs.setCurrentIndex(4)
    settings.labour_rate.setValue(350)
    qtbot.mouseClick(settings.save_rate, LEFT)
    store = app.model.workshop.store
    assert catalogue.labour_rate_cents(store) == 35_000
    settings.item_code.setText("bulb-h7")
    settings.item_name.setText("Headlight bulb H7")
    settings.item_amount.setValue(45)
    qtbot.mouseClick(settings.add_item, LEFT)
    bulb = next(i for i in catalogue.price_items(store) if i.code == "BULB-H7")
    assert (bulb.name_en, bulb.price_cents) == ("Headlight bulb H7", 4_500)

    # The language chosen in Settings is kept for the next start.
    settings.tabs.setCurrentIndex(0)
    settings.language.setCurrentIndex(settings.language.findData("zh"))
    assert app.model.language == "zh"
    assert load_settings(Path(app.model.data_dir))["language"] == "zh"
