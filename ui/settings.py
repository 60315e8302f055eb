"""Settings: the same things the first-run set-up asked, changed later and saved: this
terminal's language and bay, the workshop profile (admins), the devices, the hub."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station import catalogue, limits, profile
from station.auth import is_locked
from station.config import load_config
from station.errors import StationError
from station.findings import LineKind
from station.roles import Role
from ui.canned_jobs import CannedJobsForm
from ui.context import AppContext
from ui.device_bar import device_name, status_text
from ui.errors import error_text
from ui.local_settings import remember
from ui.model import DEVICE_NAMES, DeviceStatus
from ui.setup import DevicesForm, JoinForm, ProfileForm, line_edit
from ui.tables import fill, make_table, selected_key
from ui.texts import money
from ui.widgets.base import View, heading, push_button
from ui.widgets.keypad import NumberField

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
        prices = self._price_list_tab()
        people = self._people_tab()
        self.canned = CannedJobsForm(ctx.model)
        for page in (terminal, workshop, devices, hub, prices, people, self.canned):
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
        self._retranslate_prices()
        self._retranslate_people()
        for index, text in enumerate(
            (
                self.tr("This terminal"),
                self.tr("Workshop"),
                self.tr("Devices"),
                self.tr("Hub"),
                self.tr("Price list"),
                self.tr("People"),
                self.tr("Canned jobs"),
            )
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
            self.device_labels[name].setText(status_text(status))
            self.device_labels[name].setToolTip(status.detail)
        if not self.devices.isVisible():
            self.devices.show_current(load_config(data_dir=self.model.data_dir, env={}))
        admin = self.model.may("profile.manage")
        self.tabs.setTabVisible(1, admin)
        self.tabs.setTabVisible(3, admin)
        self.tabs.setTabVisible(4, admin)
        self.tabs.setTabVisible(5, self.model.may("user.manage"))
        self.tabs.setTabVisible(6, self.model.may("catalogue.manage"))
        if admin:
            self._show_prices()
        if self.model.may("catalogue.manage"):
            self.canned.show_jobs()
        if self.model.may("user.manage"):
            self._show_people()
        if admin and not self.profile.name.hasFocus():
            self.profile.load(profile.current(self.model.workshop.store))

    # -- the price list --------------------------------------------------------------

    def _price_list_tab(self) -> QWidget:
        page = QWidget()
        self.labour_rate = NumberField(decimals=2)
        self.labour_rate.setObjectName("labour_rate")
        self.save_rate = push_button("save_labour_rate")
        self.save_rate.clicked.connect(self.keep_labour_rate)
        self.load_starter = push_button("load_starter_prices")
        self.load_starter.clicked.connect(self.add_starter_prices)
        self.prices = make_table("price_table")
        self.prices.setMinimumHeight(200)
        self.item_code = line_edit("item_code")
        self.item_name = line_edit("item_name")
        self.item_kind = QComboBox()
        self.item_kind.setObjectName("item_kind")
        self.item_amount = NumberField(decimals=2)
        self.item_amount.setObjectName("item_amount")
        self.add_item = push_button("add_price_item", accent=True)
        self.add_item.clicked.connect(self.keep_item)
        self.rate_label = QLabel()
        rate_row = QHBoxLayout()
        rate_row.addWidget(self.rate_label)
        rate_row.addWidget(self.labour_rate, 1)
        rate_row.addWidget(self.save_rate)
        rate_row.addWidget(self.load_starter)
        item_row = QHBoxLayout()
        item_row.addWidget(self.item_code, 1)
        item_row.addWidget(self.item_name, 2)
        item_row.addWidget(self.item_kind)
        item_row.addWidget(self.item_amount)
        item_row.addWidget(self.add_item)
        box = QVBoxLayout(page)
        box.addLayout(rate_row)
        box.addWidget(self.prices, 1)
        box.addLayout(item_row)
        return page

    def _retranslate_prices(self) -> None:
        self.rate_label.setText(self.tr("Labour rate an hour"))
        self.labour_rate.title = self.tr("Labour rate an hour")
        self.save_rate.setText(self.tr("Save"))
        self.load_starter.setText(self.tr("Load the starter list"))
        self.item_code.setPlaceholderText(self.tr("Code"))
        self.item_name.setPlaceholderText(self.tr("Name"))
        self.item_amount.title = self.tr("Price, or hours for labour")
        self.add_item.setText(self.tr("Add"))
        kind = self.item_kind.currentData()
        self.item_kind.clear()
        self.item_kind.addItem(self.tr("Part"), LineKind.PART.value)
        self.item_kind.addItem(self.tr("Labour"), LineKind.LABOUR.value)
        self.item_kind.setCurrentIndex(max(self.item_kind.findData(kind), 0))

    def _show_prices(self) -> None:
        store = self.model.workshop.store
        language = self.model.language
        items = catalogue.price_items(store)
        if not self.labour_rate.underMouse():
            self.labour_rate.setValue(catalogue.labour_rate_cents(store) / 100)
        fill(
            self.prices,
            [self.tr("Code"), self.tr("Name"), self.tr("Price")],
            [
                (
                    item.code,
                    item.name(language),
                    self.tr("%1 h").replace("%1", f"{item.hours:g}")
                    if item.kind is LineKind.LABOUR
                    else money(item.price_cents),
                )
                for item in items
            ],
            [item.id for item in items],
        )
        self.load_starter.setEnabled(not items)

    def keep_labour_rate(self) -> None:
        store = self.model.workshop.store
        cents = round(self.labour_rate.value() * 100)
        actor = self.model.require_actor()
        if self.model.act(catalogue.set_labour_rate, store, actor, cents) is not None:
            self.model.notify(self.tr("Saved"))

    def add_starter_prices(self) -> None:
        store = self.model.workshop.store
        self.model.act(catalogue.load_starter, store, self.model.require_actor())

    def keep_item(self) -> None:
        kind = LineKind(self.item_kind.currentData())
        name = self.item_name.text()
        amount = self.item_amount.value()
        added = self.model.act(
            catalogue.add_price_item,
            self.model.workshop.store,
            self.model.require_actor(),
            self.item_code.text(),
            name if self.model.language == "en" else "",
            name if self.model.language == "zh" else "",
            kind,
            round(amount * 100) if kind is LineKind.PART else 0,
            amount if kind is LineKind.LABOUR else 0.0,
        )
        if added is not None:
            self.item_code.clear()
            self.item_name.clear()

    # -- people ------------------------------------------------------------------------

    def _people_tab(self) -> QWidget:
        page = QWidget()
        self.people = make_table("people_table")
        self.people.setMinimumHeight(200)
        self.person_name = line_edit("person_name")
        self.person_display = line_edit("person_display")
        self.person_role = QComboBox()
        self.person_role.setObjectName("person_role")
        self.person_language = QComboBox()
        self.person_language.setObjectName("person_language")
        self.person_language.setProperty("data", "true")
        self.person_language.addItem("简体中文", "zh")
        self.person_language.addItem("English", "en")
        self.person_pin = line_edit("person_pin", secret=True, digits=True)
        self.add_person = push_button("add_person", accent=True)
        self.add_person.clicked.connect(self.keep_person)
        self.unlock_person = push_button("unlock_person")
        self.unlock_person.clicked.connect(self.unlock_selected)
        self.change_role = push_button("change_role")
        self.change_role.clicked.connect(self.role_of_selected)
        self.reset_pin = push_button("reset_pin")
        self.reset_pin.clicked.connect(self.pin_of_selected)
        self.deactivate = push_button("deactivate_person")
        self.deactivate.clicked.connect(self.deactivate_selected)
        chosen = QHBoxLayout()
        for button in (self.unlock_person, self.change_role, self.reset_pin, self.deactivate):
            chosen.addWidget(button)
        names = QHBoxLayout()
        names.addWidget(self.person_name, 1)
        names.addWidget(self.person_display, 1)
        choices = QHBoxLayout()
        choices.addWidget(self.person_role, 1)
        choices.addWidget(self.person_language, 1)
        choices.addWidget(self.person_pin, 1)
        choices.addWidget(self.add_person)
        box = QVBoxLayout(page)
        box.addWidget(self.people, 1)
        box.addLayout(chosen)
        box.addLayout(names)
        box.addLayout(choices)
        return page

    def _retranslate_people(self) -> None:
        self.person_name.setPlaceholderText(self.tr("Login name"))
        self.person_display.setPlaceholderText(self.tr("Name shown"))
        self.person_pin.setPlaceholderText(self.tr("PIN"))
        self.add_person.setText(self.tr("Add"))
        self.unlock_person.setText(self.tr("Unlock"))
        self.change_role.setText(self.tr("Give the role below"))
        self.reset_pin.setText(self.tr("Set the PIN below"))
        self.deactivate.setText(self.tr("Deactivate"))
        role = self.person_role.currentData()
        self.person_role.clear()
        for value, text in self._role_names().items():
            self.person_role.addItem(text, value)
        self.person_role.setCurrentIndex(max(self.person_role.findData(role), 0))

    def _role_names(self) -> dict[str, str]:
        return {
            Role.TECHNICIAN.value: self.tr("technician"),
            Role.ADVISOR.value: self.tr("advisor"),
            Role.ADMIN.value: self.tr("admin"),
        }

    def _show_people(self) -> None:
        rows = self.model.workshop.store.query(
            "SELECT id, name, display_name, role, failed_attempts FROM users "
            "WHERE active = 1 ORDER BY id"
        )
        roles = self._role_names()
        fill(
            self.people,
            [self.tr("Name"), self.tr("Login name"), self.tr("Role"), self.tr("Locked")],
            [
                (
                    row["display_name"],
                    row["name"],
                    roles.get(row["role"], row["role"]),
                    self.tr("locked") if is_locked(int(row["failed_attempts"])) else "",
                )
                for row in rows
            ],
            [row["name"] for row in rows],
        )

    def keep_person(self) -> None:
        added = self.model.act(
            self.model.workshop.add_user,
            self.model.require_actor(),
            self.person_name.text(),
            Role(self.person_role.currentData()),
            self.person_pin.text(),
            self.person_display.text().strip() or None,
            str(self.person_language.currentData()),
        )
        if added is not None:
            for field in (self.person_name, self.person_display, self.person_pin):
                field.clear()
            self.model.notify(self.tr("Saved"))

    def _chosen_person(self) -> str | None:
        name = selected_key(self.people)
        if name is None:
            self.model.notify(self.tr("Choose a person first"), True)
        return None if name is None else str(name)

    def unlock_selected(self) -> None:
        name = self._chosen_person()
        if name is not None:
            self.model.act(self.model.workshop.unlock_user, self.model.require_actor(), name)

    def role_of_selected(self) -> None:
        name = self._chosen_person()
        if name is not None:
            role = Role(self.person_role.currentData())
            self.model.act(self.model.workshop.change_role, self.model.require_actor(), name, role)

    def pin_of_selected(self) -> None:
        name = self._chosen_person()
        if name is None:
            return
        done = self.model.act(
            self.model.workshop.reset_pin, self.model.require_actor(), name, self.person_pin.text()
        )
        self.person_pin.clear()
        if done is not None:
            self.model.notify(self.tr("Saved"))

    def deactivate_selected(self) -> None:
        name = self._chosen_person()
        if name is not None:
            self.model.act(self.model.workshop.deactivate_user, self.model.require_actor(), name)

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
