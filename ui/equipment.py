"""The bay's equipment without a window: the vehicle interface, the alignment rig, the
camera and the demo cloud.

Each is opened, used and closed from worker threads (or the headless demo's one
thread); nothing here imports Qt, so `station demo` and the app open the very same
devices. The app's `DeviceHub` turns their states into model events.
"""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Progress = Callable[[int, int, str], None]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveValue:
    name: str
    value: float
    unit: str


@dataclass(frozen=True)
class Described:
    """What a device is, as a kind the screens say in their own language and the values
    that stay as they are (an interface, a channel, a port)."""

    kind: str  # can, can_simulated, elm327, camera, camera_synthetic, rig, rig_simulated
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        return " ".join((self.kind, *self.values))


# The values a technician can chart: service 01 PIDs.
LIVE_PIDS = {0x0C: "rpm", 0x0D: "speed", 0x05: "coolant", 0x04: "load", 0x11: "throttle"}


class VehicleInterface:
    """The OBD link to the car (CAN, or the ECU simulator on a virtual bus in the demo).

    One lock serialises the link: a scan, a VIN read and the live chart never
    interleave their requests.
    """

    def __init__(
        self,
        label: Described,
        open_link: Callable[[], Any],
        simulator: Callable[[], Any] | None = None,
    ) -> None:
        self.label = label
        self._open_link = open_link
        self._simulator_factory = simulator
        self._simulator: Any = None
        self._link: Any = None
        self._lock = threading.Lock()

    @property
    def connected(self) -> bool:
        return self._link is not None

    def connect(self) -> None:
        with self._lock:
            self._close()
            if self._simulator_factory is not None:
                self._simulator = self._simulator_factory()
                self._simulator.start()
            self._link = self._open_link()

    def _require(self) -> Any:
        if self._link is None:
            self._link = self._open_link()
        return self._link

    def scan(self, progress: Progress, language: str) -> dict[str, Any]:
        """The `station scan --json` object of every responding ECU."""
        from drivers.obd.scan import scan_vehicle

        def step(what: str, fraction: float) -> None:
            progress(int(fraction * 100), 100, what)

        with self._lock:
            result = scan_vehicle(self._require(), step, language=language)
        progress(100, 100, "done")
        return dict(result.to_json())

    def read_vin(self) -> str | None:
        from drivers.obd.services import parse_vehicle_info, parse_vin

        with self._lock:
            replies = self._require().request(b"\x09\x02")
        for reply in replies.values():
            _count, data = parse_vehicle_info(reply, 0x02)
            return parse_vin(data)
        return None

    def live(self, pids: list[int]) -> dict[int, LiveValue]:
        from drivers.obd.services import decode_values, parse_current_data

        with self._lock:
            replies = self._require().request(bytes((0x01, *pids)))
        values: dict[int, LiveValue] = {}
        for reply in replies.values():
            for pid, reading in decode_values(parse_current_data(reply)).items():
                if isinstance(reading.value, int | float) and pid not in values:
                    values[pid] = LiveValue(reading.name, float(reading.value), reading.unit or "")
        return values

    def record(
        self,
        pids: list[int],
        stop: threading.Event,
        on_sample: Callable[[float, dict[str, object]], None],
        seconds: float,
    ) -> dict[str, object]:
        """Record `pids` of the first ECU that answers until `stop` is set (at most
        `seconds`): the recording `station record` keeps. Holds the link meanwhile."""
        from drivers.errors import NoVehicleResponse
        from drivers.obd.live import record_live

        with self._lock:
            link = self._require()
            ecus = sorted(link.request(b"\x01\x00"))
            if not ecus:
                raise NoVehicleResponse("no ECU answers: is the ignition on?")
            return record_live(link, ecus[0], pids, seconds, stop, on_sample)

    def clear_codes(self) -> dict[str, bool]:
        from drivers.obd.scan import clear_codes

        with self._lock:
            return clear_codes(self._require())

    def _close(self) -> None:
        if self._link is not None:
            self._link.close()
            self._link = None
        if self._simulator is not None:
            self._simulator.stop()
            self._simulator = None

    def close(self) -> None:
        with self._lock:
            self._close()


def simulated_vehicle(profile: str) -> VehicleInterface:
    """The demo car: the ECU simulator and the station on one private virtual CAN channel.

    The demo seed registers each car with its simulator profile's VIN, so the car
    answers a scan with the VIN the station already knows.
    """
    channel = f"bay-station-{uuid.uuid4().hex[:8]}"

    def simulator() -> Any:
        from drivers.ecu_sim.runner import EcuSimulator

        return EcuSimulator.open("virtual", channel, profile)

    def link() -> Any:
        from drivers.obd.can_link import connect_can

        return connect_can("virtual", channel)

    return VehicleInterface(Described("can_simulated"), link, simulator)


def can_vehicle(interface: str, channel: str, bitrate: int | None) -> VehicleInterface:
    def link() -> Any:
        from drivers.obd.can_link import connect_can

        return connect_can(interface, channel, bitrate)

    return VehicleInterface(Described("can", (interface, channel)), link)


class CameraDevice:
    """The bay camera: a capture thread with previews and stills."""

    def __init__(self, label: Described, source: Callable[[], Any]) -> None:
        self.label = label
        self._source = source
        self.camera: Any = None

    def connect(self, on_state: Callable[[str, Exception | None], None]) -> None:
        """`on_state(state, error)`: the camera's state and the driver's error, if any."""
        from drivers.camera import Camera

        self.close()
        self.camera = Camera(self._source())
        self.camera.on_state(lambda state, error: on_state(str(state), error))
        self.camera.start()

    def still_files(self) -> Any:
        """A still encoded as the photo store keeps it (original, thumbnail, print copy)."""
        from drivers.camera.imaging import photo_files

        if self.camera is None:
            raise RuntimeError("no camera")
        return photo_files(self.camera.still().image)

    def close(self) -> None:
        if self.camera is not None:
            self.camera.stop()
            self.camera = None


def synthetic_camera() -> CameraDevice:
    def source() -> Any:
        from drivers.camera import SyntheticCamera

        return SyntheticCamera(width=960, height=540, fps=10)

    return CameraDevice(Described("camera_synthetic"), source)


class RigDevice:
    """The alignment rig: one whole session per `measure` (before set, adjustment, after set)."""

    def __init__(
        self,
        label: Described,
        open_rig: Callable[[], Any],
        simulator: Callable[[], Any] | None = None,
    ) -> None:
        self.label = label
        self._open_rig = open_rig
        self._simulator = simulator
        self._rig: Any = None
        self._lock = threading.Lock()

    def check(self) -> None:
        """Open and close the rig once: is it there?"""
        rig = self._open_rig()
        rig.open()
        rig.close()

    def measure(self, on_live: Callable[[Any], None], timeout: float = 600.0) -> Any:
        """Block until the rig sends a whole session (an `AlignmentSession`)."""
        with self._lock:
            rig = self._open_rig()
            self._rig = rig
            simulator = None
            try:
                rig.open()
                if self._simulator is not None:
                    simulator = self._simulator()
                    simulator.start()
                return rig.read_session(on_live=on_live, timeout=timeout)
            finally:
                self._rig = None
                rig.close()
                if simulator is not None:
                    simulator.stop()

    def cancel(self) -> None:
        rig = self._rig
        if rig is not None:
            rig.cancel()

    def close(self) -> None:
        self.cancel()


def simulated_rig(fast: bool = False) -> RigDevice:
    """The demo rig: the rig simulator and the station on a private virtual CAN channel."""
    channel = f"bay-rig-{uuid.uuid4().hex[:8]}"

    def rig() -> Any:
        from drivers.rig import open_rig

        return open_rig("can", interface="virtual", channel=channel)

    def simulator() -> Any:
        from drivers.rig.simulator import Pace, RigSimulator

        pace = Pace.fast() if fast else Pace(adjust_seconds=4.0)
        return RigSimulator.on_can(interface="virtual", channel=channel, pace=pace)

    return RigDevice(Described("rig_simulated"), rig, simulator)


# The demo's cloud listens here when the port is free, so the customer's link it
# prints still works when the same cloud is started again after the demo.
DEMO_CLOUD_PORT = 8765


def _port_free(port: int) -> bool:
    """Looked at first, so a second demo cloud in one process takes a free port quietly
    instead of failing to bind in the server's thread."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start_demo_cloud(database: Path, data_dir: Path) -> Any:
    """The reference cloud on 127.0.0.1 (DEMO_CLOUD_PORT, else a free port), this station enrolled."""
    from station import profile
    from station.store import Store
    from sync.client import enrol
    from sync.errors import SyncError
    from sync.server import start_cloud_in_thread

    folder = data_dir / "demo-cloud"
    folder.mkdir(parents=True, exist_ok=True)
    port = DEMO_CLOUD_PORT if _port_free(DEMO_CLOUD_PORT) else 0
    try:
        cloud = start_cloud_in_thread(folder / "cloud.db", folder / "blobs", port=port)
    except SyncError:  # taken between the look and the bind
        cloud = start_cloud_in_thread(folder / "cloud.db", folder / "blobs")
    store = Store.open(database)
    try:
        _token_id, secret = cloud.service.issue_token(profile.current(store).name or "demo")
        enrol(store, cloud.url, secret)
    finally:
        store.close()
    return cloud
