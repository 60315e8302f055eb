"""Settings: language, the bay's name, the devices."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.device_bar import device_name, state_name
from ui.model import DEVICE_NAMES, DeviceStatus, StationModel
from ui.widgets.base import View, heading

log = logging.getLogger(__name__)

SETTINGS_FILE = "app-settings.json"


def load_settings(data_dir: Path) -> dict[str, str]:
    path = data_dir / SETTINGS_FILE
    if not path.exists():
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        log.warning("ignoring unreadable %s: %s", path, err)
        return {}
    return {str(k): str(v) for k, v in loaded.items()}


def save_settings(data_dir: Path, values: dict[str, str]) -> None:
    path = data_dir / SETTINGS_FILE
    path.write_text(json.dumps(values, ensure_ascii=False, indent=2), encoding="utf-8")


class SettingsView(View):
    def __init__(
        self, model: StationModel, reconnect: Callable[[], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(model, parent)
        self.setObjectName("settings")
        self.title = heading()
        self.language = QComboBox()
        self.language.setObjectName("settings_language")
        self.language.setProperty("data", "true")
        self.language.addItem("简体中文", "zh")
        self.language.addItem("English", "en")
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.bay = QLineEdit()
        self.bay.setObjectName("settings_bay")
        self.save = QPushButton()
        self.save.setObjectName("settings_save")
        self.save.setProperty("accent", "true")
        self.save.clicked.connect(self._save)
        self.device_labels: dict[str, QLabel] = {name: QLabel() for name in DEVICE_NAMES}
        for label in self.device_labels.values():
            label.setProperty("data", "true")  # the device's own description
        self.reconnect = QPushButton()
        self.reconnect.setObjectName("settings_reconnect")
        self.reconnect.clicked.connect(reconnect)
        self.form = QFormLayout()
        self.row_labels = [QLabel() for _ in range(2 + len(DEVICE_NAMES))]
        fields: list[QWidget] = [self.language, self.bay]
        fields += [self.device_labels[name] for name in DEVICE_NAMES]
        for label, field in zip(self.row_labels, fields, strict=True):
            self.form.addRow(label, field)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addLayout(self.form)
        box.addWidget(self.save)
        box.addWidget(self.reconnect)
        box.addStretch(1)
        model.events.devices.connect(lambda *_: self.refresh())
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Settings"))
        labels = [self.tr("Language"), self.tr("Bay name")] + [device_name(n) for n in DEVICE_NAMES]
        for label, text in zip(self.row_labels, labels, strict=True):
            label.setText(text)
        self.save.setText(self.tr("Save bay name"))
        self.reconnect.setText(self.tr("Reconnect devices"))

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

    def _language_chosen(self, index: int) -> None:
        self.model.set_language(str(self.language.itemData(index)))

    def _save(self) -> None:
        self.model.set_bay(self.bay.text())
        values = load_settings(self.model.data_dir)
        values["bay"] = self.model.bay
        save_settings(self.model.data_dir, values)
        self.model.notify(self.tr("Saved"))
