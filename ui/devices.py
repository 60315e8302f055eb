"""The devices of the bay in the app: `DeviceHub` opens the equipment of
`ui.equipment` (the same the headless demo uses) in workers and keeps the model's
device states; the model changes on the GUI thread through Qt signals. A device
without a configured driver stays `absent`.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot

from ui.equipment import CameraDevice, Described, Progress, RigDevice, VehicleInterface
from ui.errors import failure_text
from ui.model import DeviceState, DeviceStatus, StationModel
from ui.workers import Workers

log = logging.getLogger(__name__)


class DeviceHub(QObject):
    """Opens the configured devices in workers and keeps the model's device states."""

    # Plain strings only: a Python object (None above all) queued across threads is not safe.
    _state = Signal(str, str, str, str, str)

    def __init__(self, model: StationModel, workers: Workers) -> None:
        super().__init__()
        self.model = model
        self.workers = workers
        self.vehicle: VehicleInterface | None = None
        self.camera: CameraDevice | None = None
        self.rig: RigDevice | None = None
        self._state.connect(self._apply_state)

    @Slot(str, str, str, str, str)
    def _apply_state(self, name: str, state: str, detail: str, kind: str, values: str) -> None:
        described = Described(kind, tuple(values.split("\n")) if values else ()) if kind else None
        self.model.set_device(name, DeviceStatus(DeviceState(state), detail, described))

    def report(
        self, name: str, state: DeviceState, device: Described | None = None, detail: str = ""
    ) -> None:
        """Thread-safe: the model changes on the GUI thread. `detail` says why it failed."""
        kind, values = (device.kind, "\n".join(device.values)) if device else ("", "")
        self._state.emit(name, state.value, detail, kind, values)

    def connect_all(self) -> None:
        if self.vehicle is not None:
            self.connect_vehicle()
        if self.camera is not None:
            self.connect_camera()
        if self.rig is not None:
            self.connect_rig()

    def connect_rig(self) -> None:
        rig = self.rig
        if rig is None:
            self.report("rig", DeviceState.ABSENT)
            return
        self.report("rig", DeviceState.RECONNECTING, rig.label)

        def work(_progress: Progress) -> None:
            rig.check()

        self.workers.start(
            work,
            lambda _r: self.report("rig", DeviceState.CONNECTED, rig.label),
            lambda err: self.report("rig", DeviceState.FAILED, rig.label, err),
        )

    def connect_vehicle(self) -> None:
        vehicle = self.vehicle
        if vehicle is None:
            self.report("obd", DeviceState.ABSENT)
            return
        self.report("obd", DeviceState.RECONNECTING, vehicle.label)

        def work(_progress: Progress) -> None:
            vehicle.connect()

        self.workers.start(
            work,
            lambda _r: self.report("obd", DeviceState.CONNECTED, vehicle.label),
            lambda err: self.report("obd", DeviceState.FAILED, vehicle.label, err),
        )

    def connect_camera(self) -> None:
        camera = self.camera
        if camera is None:
            self.report("camera", DeviceState.ABSENT)
            return
        self.report("camera", DeviceState.RECONNECTING, camera.label)

        def on_state(state: str, error: Exception | None) -> None:
            mapped = {
                "streaming": DeviceState.CONNECTED,
                "reconnecting": DeviceState.RECONNECTING,
            }.get(state, DeviceState.FAILED)
            why = "" if error is None else failure_text(error)
            self.report("camera", mapped, camera.label, why)

        def work(_progress: Progress) -> None:
            camera.connect(on_state)

        self.workers.start(
            work,
            lambda _r: None,
            lambda err: self.report("camera", DeviceState.FAILED, camera.label, err),
        )

    def close(self) -> None:
        if self.rig is not None:
            self.rig.cancel()
        self.workers.shutdown()
        if self.vehicle is not None:
            self.vehicle.close()
        if self.camera is not None:
            self.camera.close()
        if self.rig is not None:
            self.rig.close()
