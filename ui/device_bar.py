"""Always visible: the state of each device and of sync, with reconnect."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ui.equipment import Described
from ui.model import DEVICE_NAMES, DeviceStatus, StationModel, SyncStatus
from ui.style import STATE_COLOURS
from ui.widgets.base import View

log = logging.getLogger(__name__)


def device_name(name: str) -> str:
    return {
        "obd": QCoreApplication.translate("Devices", "Vehicle bus"),
        "rig": QCoreApplication.translate("Devices", "Alignment rig"),
        "camera": QCoreApplication.translate("Devices", "Camera"),
    }[name]


# A device's kind -> how a screen names it; %1, %2 are its values (interface, channel, port).
KINDS: dict[str, object] = {
    "can": QT_TRANSLATE_NOOP("Devices", "CAN bus %1, channel %2"),
    "can_simulated": QT_TRANSLATE_NOOP("Devices", "simulated car on a virtual CAN bus"),
    "elm327": QT_TRANSLATE_NOOP("Devices", "ELM327 adapter on %1"),
    "camera": QT_TRANSLATE_NOOP("Devices", "camera %1"),
    "camera_synthetic": QT_TRANSLATE_NOOP("Devices", "simulated camera"),
    "rig": QT_TRANSLATE_NOOP("Devices", "alignment rig (%1)"),
    "rig_simulated": QT_TRANSLATE_NOOP("Devices", "simulated alignment rig on a virtual CAN bus"),
}


def describe(device: Described) -> str:
    """The device in the screen's language, its own values (a port, a channel) as they are."""
    template = KINDS.get(device.kind)
    if template is None:
        return str(device)
    text = QCoreApplication.translate("Devices", str(template))
    for index, value in enumerate(device.values, start=1):
        text = text.replace(f"%{index}", value)
    return text


def status_text(status: DeviceStatus) -> str:
    """The state, and which device it is: "connected — ELM327 adapter on /dev/ttyUSB0"."""
    text = state_name(status.state.value)
    if status.device is not None:
        text += " — " + describe(status.device)
    return text


def state_name(state: str) -> str:
    return {
        "absent": QCoreApplication.translate("Devices", "absent"),
        "connected": QCoreApplication.translate("Devices", "connected"),
        "busy": QCoreApplication.translate("Devices", "busy"),
        "reconnecting": QCoreApplication.translate("Devices", "connecting"),
        "failed": QCoreApplication.translate("Devices", "failed"),
    }[state]


class DeviceBar(View):
    def __init__(
        self,
        model: StationModel,
        reconnect: Callable[[], None],
        sync_now: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(model, parent)
        self.setObjectName("device_bar")
        self.labels: dict[str, QLabel] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        for name in DEVICE_NAMES:
            label = QLabel()
            label.setObjectName(f"device_{name}")
            row.addWidget(label)
            self.labels[name] = label
        self.sync_label = QLabel()
        self.sync_label.setObjectName("sync_state")
        row.addWidget(self.sync_label, 1)
        self.sync_button = QPushButton()
        self.sync_button.setObjectName("sync_now")
        self.sync_button.clicked.connect(sync_now)
        self.reconnect = QPushButton()
        self.reconnect.setObjectName("reconnect")
        self.reconnect.clicked.connect(reconnect)
        for button in (self.sync_button, self.reconnect):
            button.setProperty("compact", "true")
        row.addWidget(self.sync_button)
        row.addWidget(self.reconnect)
        model.events.devices.connect(self._on_device)
        model.events.sync.connect(self._on_sync)
        self.retranslate()

    def retranslate(self) -> None:
        self.reconnect.setText(self.tr("Reconnect"))
        self.sync_button.setText(self.tr("Sync now"))
        for name in DEVICE_NAMES:
            self._on_device(name, self.model.devices[name])
        self._on_sync(self.model.sync)

    def _on_device(self, name: str, status: DeviceStatus) -> None:
        colour = STATE_COLOURS[status.state.value]
        label = self.labels[name]
        label.setText(
            f"<span style='color:{colour}'>●</span> {device_name(name)}: {state_name(status.state.value)}"
        )
        label.setToolTip("\n".join(filter(None, (status_text(status), status.detail))))

    def _on_sync(self, status: SyncStatus) -> None:
        if not status.available:
            text = self.tr("Sync: not configured")
        elif status.error:
            text = self.tr("Sync: offline, %n pending", "", status.pending)
        else:
            text = self.tr("Sync: %n pending", "", status.pending)
        if status.last_success:
            text += " · " + self.tr("last success %1").replace("%1", status.last_success[11:16])
        self.sync_label.setText(text)
        self.sync_label.setToolTip(status.error)
