"""The first day: a new data folder becomes a working station in the app itself.

Five steps, each on one screen: the language and this terminal's bay, the workshop
profile, the first admin, the devices (chosen from what the machine has, each with a
live test) and, optionally, joining the workshop hub or the cloud. Settings shows the
same forms later (`ProfileForm`, `DevicesForm`, `JoinForm`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from station import profile
from station.config import Config
from station.errors import StationError
from station.profile import Profile
from ui.context import AppContext
from ui.equipment import Progress
from ui.errors import error_text
from ui.local_settings import remember
from ui.station_devices import (
    DeviceChoice,
    DeviceSet,
    camera_choices,
    configure_devices,
    obd_choices,
    rig_choices,
    save_device_settings,
)
from ui.widgets.base import View, heading, push_button
from ui.widgets.keypad import NumberField
from ui.widgets.preview import CameraPreview

log = logging.getLogger(__name__)

CURRENCIES = ("CNY", "HKD", "EUR", "GBP", "USD", "JPY", "SGD", "AUD")
TIME_ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
)
DEVICES = ("obd", "rig", "camera")


def line_edit(name: str, secret: bool = False, digits: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    if digits:
        edit.setProperty("digits", "true")  # the on-screen keyboard shows its number pad
    return edit


class Form(QWidget):
    """A form that sets its texts again when the language changes."""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Set every text from `self.tr`."""


class ProfileForm(Form):
    """The workshop's name, address, phone, tax id, logo, currency, tax rate, the
    language for customers who have not said which they read, and the time zone the
    report's times are printed in."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.name = line_edit("profile_name")
        self.address = line_edit("profile_address")
        self.phone = line_edit("profile_phone", digits=True)
        self.tax_id = line_edit("profile_tax_id")
        self.currency = QComboBox()
        self.currency.setObjectName("profile_currency")
        self.currency.setProperty("data", "true")
        for code in CURRENCIES:
            self.currency.addItem(code, code)
        self.tax_rate = NumberField(decimals=1, suffix=" %")
        self.tax_rate.setObjectName("profile_tax_rate")
        self.tax_rate.setRange(0, 100)
        self.language = QComboBox()
        self.language.setObjectName("profile_language")
        self.language.setProperty("data", "true")
        self.language.addItem("简体中文", "zh")
        self.language.addItem("English", "en")
        # Where the report's times are printed; "" is this machine's own zone.
        self.time_zone = QComboBox()
        self.time_zone.setObjectName("profile_time_zone")
        self.time_zone.setProperty("data", "true")
        self.time_zone.addItem("", "")
        for zone in TIME_ZONES:
            self.time_zone.addItem(zone, zone)
        self.logo_button = push_button("profile_logo")
        self.logo_button.clicked.connect(self.choose_logo)
        self.logo_name: str | None = None
        self.form = QFormLayout(self)
        self.labels = [QLabel() for _ in range(8)]
        fields: list[QWidget] = [
            self.name,
            self.address,
            self.phone,
            self.tax_id,
            self.currency,
            self.tax_rate,
            self.language,
            self.time_zone,
        ]
        for label, field in zip(self.labels, fields, strict=True):
            self.form.addRow(label, field)
        self.form.addRow(self.logo_button)
        self.retranslate()

    def retranslate(self) -> None:
        texts = [
            self.tr("Workshop name"),
            self.tr("Address"),
            self.tr("Phone"),
            self.tr("Tax id"),
            self.tr("Currency"),
            self.tr("Tax rate"),
            self.tr("Customers' language"),
            self.tr("Time zone of the reports"),
        ]
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.time_zone.setItemText(0, self.tr("This machine's"))
        self.tax_rate.title = self.tr("Tax rate (%)")
        self.logo_button.setText(
            self.tr("Choose the logo (PNG or JPEG)")
            if self.logo_name is None
            else self.tr("Logo chosen: tap to change")
        )

    def load(self, shown: Profile) -> None:
        self.name.setText(shown.name)
        self.address.setText(shown.address)
        self.phone.setText(shown.phone)
        self.tax_id.setText(shown.tax_id)
        self.currency.setCurrentIndex(max(self.currency.findData(shown.currency), 0))
        self.tax_rate.setValue(shown.tax_rate_bp / 100)
        self.language.setCurrentIndex(max(self.language.findData(shown.language), 0))
        if self.time_zone.findData(shown.time_zone) < 0:
            self.time_zone.addItem(shown.time_zone, shown.time_zone)
        self.time_zone.setCurrentIndex(self.time_zone.findData(shown.time_zone))
        self.logo_name = shown.logo
        self.retranslate()

    def choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("The workshop's logo"), str(Path.home()), "Images (*.png *.jpg *.jpeg)"
        )
        if path:
            self.use_logo(Path(path))

    def use_logo(self, path: Path) -> None:
        """Copy the picture into the station's branding folder (checked as PNG or JPEG)."""
        self.logo_name = profile.import_logo(self.data_dir, path.read_bytes())
        self.retranslate()

    def values(self) -> dict[str, str | None]:
        return {
            "name": self.name.text(),
            "address": self.address.text(),
            "phone": self.phone.text(),
            "tax_id": self.tax_id.text(),
            "currency": str(self.currency.currentData()),
            "tax_rate": f"{self.tax_rate.value():g}",
            "language": str(self.language.currentData()),
            "time_zone": str(self.time_zone.currentData()),
            "logo": self.logo_name,
        }


class DevicesForm(Form):
    """The OBD adapter or CAN interface, the rig and the camera, each picked from what the
    machine has, each with a live test: the car's VIN, a rig reading, a camera preview."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.choices: dict[str, list[DeviceChoice]] = {
            "obd": obd_choices(),
            "rig": rig_choices(),
            "camera": camera_choices(),
        }
        self.pickers: dict[str, QComboBox] = {}
        self.tests: dict[str, Any] = {}
        self.results: dict[str, QLabel] = {}
        self.names: dict[str, QLabel] = {}
        self.trial = DeviceSet()
        grid = QGridLayout()
        for row, device in enumerate(DEVICES):
            name = QLabel()
            picker = QComboBox()
            picker.setObjectName(f"device_choice_{device}")
            picker.setProperty("data", "true")
            test = push_button(f"device_test_{device}")
            test.clicked.connect(lambda _=False, d=device: self.test(d))
            result = QLabel()
            result.setObjectName(f"device_result_{device}")
            result.setWordWrap(True)
            result.setProperty("data", "true")
            grid.addWidget(name, row, 0)
            grid.addWidget(picker, row, 1)
            grid.addWidget(test, row, 2)
            grid.addWidget(result, row, 3)
            self.names[device], self.pickers[device] = name, picker
            self.tests[device], self.results[device] = test, result
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.preview = CameraPreview()
        self.preview.setMinimumSize(240, 135)
        box = QVBoxLayout(self)
        box.addLayout(grid)
        box.addWidget(self.preview, 1)
        self.retranslate()

    def retranslate(self) -> None:
        names = {
            "obd": self.tr("Vehicle bus"),
            "rig": self.tr("Alignment rig"),
            "camera": self.tr("Camera"),
        }
        tests = {
            "obd": self.tr("Read VIN"),
            "rig": self.tr("Read rig"),
            "camera": self.tr("Preview"),
        }
        for device in DEVICES:
            self.names[device].setText(names[device])
            self.tests[device].setText(tests[device])
            picker = self.pickers[device]
            chosen = picker.currentData()
            picker.clear()
            picker.addItem(self.tr("none"), "none")
            for choice in self.choices[device]:
                label = (
                    self.tr("simulator (training)") if choice.key == "simulator" else choice.label
                )
                picker.addItem(label, choice.key)
            picker.setCurrentIndex(max(picker.findData(chosen), 0))
        self.preview.setText(self.tr("No camera"))

    def show_current(self, config: Config) -> None:
        """Pick, for each device, the choice whose settings the configuration holds."""
        for device in DEVICES:
            for choice in self.choices[device]:
                if all(
                    config.get(f"{section}.{key}") == value
                    for section, table in choice.values.items()
                    for key, value in table.items()
                ):
                    self.choose(device, choice.key)
                    break

    def choose(self, device: str, key: str) -> None:
        index = self.pickers[device].findData(key)
        if index < 0:
            raise LookupError(f"{device}: no choice {key!r}")
        self.pickers[device].setCurrentIndex(index)

    def chosen(self, device: str) -> DeviceChoice | None:
        key = self.pickers[device].currentData()
        return next((c for c in self.choices[device] if c.key == key), None)

    def _trial_devices(self, device: str) -> DeviceSet:
        choice = self.chosen(device)
        found = DeviceSet()
        if choice is not None:
            values = {k: dict(v) for k, v in choice.values.items()}
            if device == "rig" and "simulator" in values.get("rig", {}):
                values["rig"]["fast"] = True
            configure_devices(found, Config(data_dir=self.ctx.model.data_dir, file_values=values))
        return found

    def test(self, device: str) -> None:
        """Try the chosen device now; the answer shows beside it."""
        result = self.results[device]
        trial = self._trial_devices(device)
        if device == "camera":
            self._close_camera()
            if trial.camera is None:
                result.setText(self.tr("Nothing chosen"))
                return
            self.trial.camera = trial.camera
            try:
                trial.camera.connect(lambda _state, _error: None)
            except Exception as err:
                result.setText(self.tr("Failed: %1").replace("%1", str(err)))
                return
            self.preview.attach(trial.camera.camera)
            result.setText(self.tr("Live picture below"))
            return
        vehicle, rig = trial.vehicle, trial.rig
        if vehicle is None and rig is None:
            result.setText(self.tr("Nothing chosen"))
            return
        result.setText(self.tr("Testing…"))
        self.tests[device].setEnabled(False)

        def work(_progress: Progress) -> str:
            if vehicle is not None:
                try:
                    vehicle.connect()
                    vin = vehicle.read_vin()
                finally:
                    vehicle.close()
                return self.tr("VIN %1").replace("%1", vin or "—")
            assert rig is not None
            readings: list[Any] = []
            session = rig.measure(readings.append, timeout=60)
            return (
                self.tr("%1 live readings, %2 values measured")
                .replace("%1", str(len(readings)))
                .replace("%2", str(len(session.before.readings)))
            )

        def done(text: str) -> None:
            self.tests[device].setEnabled(True)
            result.setText(text)

        def failed(message: str) -> None:
            self.tests[device].setEnabled(True)
            result.setText(self.tr("Failed: %1").replace("%1", message))

        self.ctx.workers.start(work, done, failed)

    def _close_camera(self) -> None:
        self.preview.detach()
        if self.trial.camera is not None:
            self.trial.camera.close()
            self.trial.camera = None

    def save(self) -> None:
        """Write the choices to `station.toml` and connect the app to them."""
        self._close_camera()
        data_dir = self.ctx.model.data_dir
        for device in DEVICES:
            save_device_settings(data_dir, device, self.chosen(device))
        from station.config import load_config

        hub = self.ctx.devices
        for running in (hub.vehicle, hub.camera, hub.rig):
            if running is not None:
                running.close()
        configure_devices(hub, load_config(data_dir=data_dir, env={}))
        self.ctx.devices.connect_all()


class JoinForm(Form):
    """The address of the workshop hub (or the cloud) and the one-time code an admin got
    there; empty to stay on its own for now."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = line_edit("join_url")
        self.url.setProperty("data", "true")  # an address, in no language
        self.token = line_edit("join_token")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.form = QFormLayout(self)
        self.url_label, self.token_label = QLabel(), QLabel()
        self.form.addRow(self.hint)
        self.form.addRow(self.url_label, self.url)
        self.form.addRow(self.token_label, self.token)
        self.retranslate()

    def retranslate(self) -> None:
        self.hint.setText(self.tr("Leave both empty to work on its own; join later in Settings."))
        self.url_label.setText(self.tr("Hub or cloud address"))
        self.token_label.setText(self.tr("Enrolment code"))
        self.url.setPlaceholderText("https://hub.workshop.lan:8443")

    def join(self, store: Any) -> None:
        """Enrol this station; raises the sync layer's error when it is refused or offline."""
        url, token = self.url.text().strip(), self.token.text().strip()
        if not url:
            return
        from sync.client import enrol

        enrol(store, url, token)


class SetupView(View):
    """The first run on a new data folder; `finished` is called once the station exists."""

    def __init__(
        self, ctx: AppContext, finished: Callable[[], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.finished = finished
        self.setObjectName("setup")
        self.title = heading()
        self.step_hint = QLabel()
        self.step_hint.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("setup_message")
        self.message.setWordWrap(True)
        self.message.setFixedHeight(48)
        self.pages = QStackedWidget()
        # 1. language and bay
        first = QWidget()
        first_box = QVBoxLayout(first)
        languages = QHBoxLayout()
        self.chinese = push_button("setup_zh")
        self.chinese.setText("简体中文")
        self.chinese.setProperty("data", "true")
        self.chinese.clicked.connect(lambda: self.model.set_language("zh"))
        self.english = push_button("setup_en")
        self.english.setText("English")
        self.english.setProperty("data", "true")
        self.english.clicked.connect(lambda: self.model.set_language("en"))
        languages.addWidget(self.chinese)
        languages.addWidget(self.english)
        self.bay_label = QLabel()
        self.bay = line_edit("setup_bay")
        first_box.addLayout(languages)
        first_box.addWidget(self.bay_label)
        first_box.addWidget(self.bay)
        first_box.addStretch(1)
        # 2. workshop
        self.profile = ProfileForm(ctx.model.data_dir)
        # 3. the first admin
        admin = QWidget()
        self.admin_form = QFormLayout(admin)
        self.admin_name = line_edit("setup_admin")
        self.admin_display = line_edit("setup_admin_display")
        self.admin_pin = line_edit("setup_pin", secret=True, digits=True)
        self.admin_pin_again = line_edit("setup_pin_again", secret=True, digits=True)
        self.admin_labels = [QLabel() for _ in range(4)]
        for label, field in zip(
            self.admin_labels,
            (self.admin_name, self.admin_display, self.admin_pin, self.admin_pin_again),
            strict=True,
        ):
            self.admin_form.addRow(label, field)
        # 4. devices, 5. hub
        self.devices = DevicesForm(ctx)
        self.join = JoinForm()
        for page in (first, self.profile, admin, self.devices, self.join):
            self.pages.addWidget(page)
        self.back = push_button("setup_back")
        self.back.clicked.connect(lambda: self.go(self.pages.currentIndex() - 1))
        self.next = push_button("setup_next", accent=True)
        self.next.clicked.connect(self.forward)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.next)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.step_hint)
        box.addWidget(self.pages, 1)
        box.addWidget(self.message)
        box.addLayout(buttons)
        self.bay.setText(ctx.model.bay)
        self.retranslate()
        self.go(0)

    def retranslate(self) -> None:
        self.bay_label.setText(self.tr("This terminal's bay (or desk)"))
        for label, text in zip(
            self.admin_labels,
            (
                self.tr("Login name"),
                self.tr("Name shown"),
                self.tr("PIN (4 to 8 digits)"),
                self.tr("PIN again"),
            ),
            strict=True,
        ):
            label.setText(text)
        self.back.setText(self.tr("Back"))
        self._texts()

    def _texts(self) -> None:
        index = self.pages.currentIndex()
        steps = [
            self.tr("Language and bay"),
            self.tr("The workshop"),
            self.tr("The first administrator"),
            self.tr("Devices"),
            self.tr("Workshop hub or cloud"),
        ]
        hints = [
            self.tr("Choose the language of this screen and name this terminal."),
            self.tr("What the health report and the customers see."),
            self.tr("The administrator adds the other people later, in Settings."),
            self.tr("Choose each device this terminal has and test it."),
            self.tr("Join the workshop hub so the bays share the work orders."),
        ]
        self.title.setText(
            self.tr("Setting up the station (%1 of %2): %3")
            .replace("%1", str(index + 1))
            .replace("%2", str(len(steps)))
            .replace("%3", steps[index])
        )
        self.step_hint.setText(hints[index])
        last = index == self.pages.count() - 1
        self.next.setText(self.tr("Finish") if last else self.tr("Next"))
        self.back.setEnabled(index > 0)

    def go(self, index: int) -> None:
        self.pages.setCurrentIndex(max(0, min(index, self.pages.count() - 1)))
        self.message.clear()
        self._texts()

    def forward(self) -> None:
        problem = self._problem(self.pages.currentIndex())
        if problem:
            self.message.setText(problem)
            return
        if self.pages.currentIndex() < self.pages.count() - 1:
            self.go(self.pages.currentIndex() + 1)
        else:
            self.finish()

    def _problem(self, index: int) -> str:
        if index == 1 and not self.profile.name.text().strip():
            return self.tr("The workshop needs a name")
        if index == 2:
            pin = self.admin_pin.text()
            if not self.admin_name.text().strip():
                return self.tr("The administrator needs a login name")
            if not (pin.isdigit() and 4 <= len(pin) <= 8):
                return self.tr("The PIN is 4 to 8 digits")
            if pin != self.admin_pin_again.text():
                return self.tr("The two PINs differ")
        return ""

    def finish(self) -> None:
        """Create the station, its profile, the first admin and the settings; then log in."""
        from station.commands import init_station

        model = self.model
        data_dir = model.data_dir
        name, pin = self.admin_name.text().strip(), self.admin_pin.text()
        try:
            created = init_station(
                data_dir / "station.db",
                self.profile.name.text().strip(),
                None,
                name,
                pin,
                Config(data_dir=data_dir),
                self.admin_display.text().strip() or None,
                model.language,
            )
            created.store.close()
            actor = model.workshop.login(name, pin)
            profile.change(model.workshop.store, actor, self.profile.values())
        except StationError as err:
            self.message.setText(error_text(err))
            return
        model.set_bay(self.bay.text())
        remember(data_dir, bay=model.bay, language=model.language)
        self.devices.save()
        self.finished()
        model.login(name, pin)
        if self.join.url.text().strip():
            store = model.workshop.store

            def joined(_result: object) -> None:
                model.notify(self.tr("Joined the workshop hub"))

            def failed(message: str) -> None:
                model.notify(
                    self.tr("The station is ready, but joining failed: %1").replace("%1", message),
                    True,
                )

            self.ctx.workers.start(lambda _p: self.join.join(store), joined, failed)
