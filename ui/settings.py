"""Settings: the same things the first-run set-up asked, changed later and saved: this
terminal's language and bay, the workshop profile (admins), the devices, the hub."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station import limits, profile
from station.errors import StationError
from ui.context import AppContext
from ui.device_bar import device_name, state_name
from ui.errors import error_text
from ui.local_settings import remember
from ui.model import DEVICE_NAMES, DeviceStatus
from ui.setup import DevicesForm, JoinForm, ProfileForm
from ui.widgets.base import View, heading, push_button

log = logging.getLogger(__name__)


class SettingsView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("settings")
        self.title = heading()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settings_tabs")
        # This terminal
        self.language = QComboBox()
        self.language.setObjectName("settings_language")
        self.language.setProperty("data", "true")
        self.language.addItem("简体中文", "zh")
        self.language.addItem("English", "en")
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.bay = QLineEdit()
        self.bay.setObjectName("settings_bay")
        self.bay.setMaxLength(limits.BAY.max_chars)
        self.save = push_button("settings_save", accent=True)
        self.save.clicked.connect(self._save)
        self.device_labels: dict[str, QLabel] = {name: QLabel() for name in DEVICE_NAMES}
        for label in self.device_labels.values():
            label.setProperty("data", "true")  # the device's own description
        self.reconnect = push_button("settings_reconnect")
        self.reconnect.clicked.connect(ctx.devices.connect_all)
        terminal = QWidget()
        self.form = QFormLayout()
        self.row_labels = [QLabel() for _ in range(2 + len(DEVICE_NAMES))]
        fields: list[QWidget] = [self.language, self.bay]
        fields += [self.device_labels[name] for name in DEVICE_NAMES]
        for label, field in zip(self.row_labels, fields, strict=True):
            self.form.addRow(label, field)
        terminal_box = QVBoxLayout(terminal)
        terminal_box.addLayout(self.form)
        terminal_box.addWidget(self.save)
        terminal_box.addWidget(self.reconnect)
        terminal_box.addStretch(1)
        # The workshop (admins)
        workshop = QWidget()
        self.profile = ProfileForm(ctx.model.data_dir)
        self.save_profile = push_button("settings_save_profile", accent=True)
        self.save_profile.clicked.connect(self.keep_profile)
        workshop_box = QVBoxLayout(workshop)
        workshop_box.addWidget(self.profile)
        workshop_box.addWidget(self.save_profile)
        workshop_box.addStretch(1)
        # Devices
        devices = QWidget()
        self.devices = DevicesForm(ctx)
        self.save_devices = push_button("settings_save_devices", accent=True)
        self.save_devices.clicked.connect(self.keep_devices)
        devices_box = QVBoxLayout(devices)
        devices_box.addWidget(self.devices, 1)
        devices_box.addWidget(self.save_devices)
        # The hub
        hub = QWidget()
        self.join = JoinForm()
        self.join_button = push_button("settings_join", accent=True)
        self.join_button.clicked.connect(self.join_hub)
        hub_box = QVBoxLayout(hub)
        hub_box.addWidget(self.join)
        hub_box.addWidget(self.join_button)
        hub_box.addStretch(1)
        for page in (terminal, workshop, devices, hub):
            # Each tab scrolls (by dragging) when the screen is too short for it.
            pane = QScrollArea()
            pane.setWidgetResizable(True)
            pane.setFrameShape(QFrame.Shape.NoFrame)
            pane.setWidget(page)
            self.tabs.addTab(pane, "")
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.tabs, 1)
        model = ctx.model
        model.events.devices.connect(lambda *_: self.refresh())
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Settings"))
        labels = [self.tr("Language"), self.tr("Bay name")] + [device_name(n) for n in DEVICE_NAMES]
        for label, text in zip(self.row_labels, labels, strict=True):
            label.setText(text)
        self.save.setText(self.tr("Save bay name"))
        self.reconnect.setText(self.tr("Reconnect devices"))
        self.save_profile.setText(self.tr("Save the workshop profile"))
        self.save_devices.setText(self.tr("Save and connect the devices"))
        self.join_button.setText(self.tr("Join"))
        for index, text in enumerate(
            (self.tr("This terminal"), self.tr("Workshop"), self.tr("Devices"), self.tr("Hub"))
        ):
            self.tabs.setTabText(index, text)

    def refresh(self) -> None:
        super().refresh()
        self.language.blockSignals(True)
        self.language.setCurrentIndex(0 if self.model.language == "zh" else 1)
        self.language.blockSignals(False)
        if not self.bay.hasFocus():
            self.bay.setText(self.model.bay)
        for name in DEVICE_NAMES:
            status: DeviceStatus = self.model.devices[name]
            text = state_name(status.state.value)
            self.device_labels[name].setText(f"{text} — {status.detail}" if status.detail else text)
        admin = self.model.may("profile.manage")
        self.tabs.setTabVisible(1, admin)
        self.tabs.setTabVisible(3, admin)
        if admin and not self.profile.name.hasFocus():
            self.profile.load(profile.current(self.model.workshop.store))

    def _language_chosen(self, index: int) -> None:
        language = str(self.language.itemData(index))
        self.model.set_language(language)
        remember(self.model.data_dir, language=language)

    def _save(self) -> None:
        self.model.set_bay(self.bay.text())
        remember(self.model.data_dir, bay=self.model.bay)
        self.model.notify(self.tr("Saved"))

    def keep_profile(self) -> None:
        changed = self.model.act(
            profile.change,
            self.model.workshop.store,
            self.model.require_actor(),
            self.profile.values(),
        )
        if changed is not None:
            self.model.notify(self.tr("Saved"))

    def keep_devices(self) -> None:
        self.devices.save()
        self.model.notify(self.tr("Saved"))

    def join_hub(self) -> None:
        store = self.model.workshop.store

        def failed(message: str) -> None:
            self.model.notify(self.tr("Joining failed: %1").replace("%1", message), True)

        try:
            self.model.require_actor()
        except StationError as err:
            self.model.notify(error_text(err), True)
            return
        self.ctx.workers.start(
            lambda _p: self.join.join(store),
            lambda _r: self.model.notify(self.tr("Joined the workshop hub")),
            failed,
        )
