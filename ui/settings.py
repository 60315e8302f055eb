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
from station.errors import StationError
from station.findings import LineKind
from ui.context import AppContext
from ui.device_bar import device_name, state_name
from ui.errors import error_text
from ui.local_settings import remember
from ui.model import DEVICE_NAMES, DeviceStatus
from ui.setup import DevicesForm, JoinForm, ProfileForm, line_edit
from ui.tables import fill, make_table
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
        for page in (terminal, workshop, devices, hub, prices):
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
        for index, text in enumerate(
            (
                self.tr("This terminal"),
                self.tr("Workshop"),
                self.tr("Devices"),
                self.tr("Hub"),
                self.tr("Price list"),
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
            text = state_name(status.state.value)
            self.device_labels[name].setText(f"{text} — {status.detail}" if status.detail else text)
        admin = self.model.may("profile.manage")
        self.tabs.setTabVisible(1, admin)
        self.tabs.setTabVisible(3, admin)
        self.tabs.setTabVisible(4, admin)
        if admin:
            self._show_prices()
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
