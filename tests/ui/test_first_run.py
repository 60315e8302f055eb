"""A new data folder becomes a working station in the app: no `station init`, no manual."""

from __future__ import annotations

import tomllib
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from station import profile
from ui.app import build_app
from ui.model import DeviceState
from ui.setup import SetupView

LEFT = Qt.MouseButton.LeftButton


def test_first_run_from_a_new_folder_to_a_working_station(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    data = tmp_path / "new-station"
    app = build_app(data, sync=False)
    try:
        window = app.window
        window.resize(1024, 768)
        window.show()
        setup = window.setup
        assert isinstance(setup, SetupView)
        assert window.stack.currentWidget() is setup

        # 1. English, and the bay's name.
        qtbot.mouseClick(setup.english, LEFT)
        assert app.model.language == "en"
        assert setup.title.text().startswith("Setting up the station (1 of 5)")
        setup.bay.setText("Bay 3")
        qtbot.mouseClick(setup.next, LEFT)

        # 2. The workshop: a name is needed before going on.
        qtbot.mouseClick(setup.next, LEFT)
        assert setup.message.text() == "The workshop needs a name"
        form = setup.profile
        form.name.setText("Riverside Motors")
        form.address.setText("1 Quay Street")
        form.phone.setText("+44 20 7946 0000")
        form.tax_id.setText("GB123456789")
        form.currency.setCurrentIndex(form.currency.findData("GBP"))
        form.tax_rate.setValue(20)
        form.language.setCurrentIndex(form.language.findData("en"))
        qtbot.mouseClick(setup.next, LEFT)

        # 3. The first admin: the two PINs must agree.
        setup.admin_name.setText("ruth")
        setup.admin_display.setText("Ruth Evans")
        setup.admin_pin.setText("2580")
        setup.admin_pin_again.setText("2589")
        qtbot.mouseClick(setup.next, LEFT)
        assert setup.message.text() == "The two PINs differ"
        setup.admin_pin_again.setText("2580")
        qtbot.mouseClick(setup.next, LEFT)

        # 4. Devices from what the machine has, each tested live (the simulators here).
        devices = setup.devices
        for device in ("obd", "rig", "camera"):
            devices.choose(device, "simulator")
        qtbot.mouseClick(devices.tests["obd"], LEFT)
        qtbot.waitUntil(lambda: devices.results["obd"].text().startswith("VIN "), timeout=30_000)
        assert devices.results["obd"].text() == "VIN LSVAU2180N2183741"
        qtbot.mouseClick(devices.tests["rig"], LEFT)
        qtbot.waitUntil(lambda: "values measured" in devices.results["rig"].text(), timeout=60_000)
        assert not devices.results["rig"].text().startswith("0 ")
        qtbot.mouseClick(devices.tests["camera"], LEFT)
        qtbot.waitUntil(lambda: devices.preview.frames_shown >= 2, timeout=10_000)
        qtbot.mouseClick(setup.next, LEFT)

        # 5. No hub today: finish.
        assert setup.next.text() == "Finish"
        qtbot.mouseClick(setup.next, LEFT)

        assert window.setup is None
        assert app.model.actor is not None and app.model.actor.name == "ruth"
        assert window.user_label.text() == "Ruth Evans · admin"
        store = app.model.workshop.store
        saved = profile.current(store)
        assert (saved.name, saved.currency, saved.tax_rate_bp, saved.language) == (
            "Riverside Motors",
            "GBP",
            2000,
            "en",
        )
        assert store.meta("station_id")
        assert (data / "keys").exists() or any(data.glob("**/*.pem")), "the signing key is made"
        settings = tomllib.loads((data / "station.toml").read_text())
        assert settings["obd"] == {"simulator": "petrol_misfire"}
        assert settings["rig"] == {"simulator": True}
        assert settings["camera"] == {"source": "synthetic"}
        assert app.model.bay == "Bay 3"
        qtbot.waitUntil(
            lambda: all(
                app.model.devices[d].state is DeviceState.CONNECTED for d in ("obd", "camera")
            ),
            timeout=30_000,
        )
    finally:
        app.close()

    # The next start goes straight to the login, in the workshop's language.
    again = build_app(data, sync=False, connect_devices=False)
    try:
        assert again.window.setup is None
        assert again.model.language == "en"
        assert again.model.bay == "Bay 3"
        assert "ruth" in again.window.login.user_buttons or again.model.users()[0]["name"] == "ruth"
    finally:
        again.close()
