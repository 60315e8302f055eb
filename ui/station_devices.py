"""The devices a real station's configuration names (the same keys as `station scan`,
`station align` and `station camera`): `obd.elm_port` or `can.interface` with
`can.channel` (and `can.bitrate`); `camera.source`; `rig.backend`, `rig.port`,
`rig.interface` with `rig.channel`, or `rig.folder`. Nothing configured: absent.
For training, `obd.simulator = PROFILE` and `rig.simulator = true` run the simulated car
and rig, and `camera.source = "synthetic"` the synthetic camera.

The first-run set-up and Settings offer what the machine has (`*_choices`) and write
the choice into `station.toml` (`save_device_settings`)."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from station.config import CONFIG_FILE_NAME, Config
from station.files import sync_folder, write_new
from ui.equipment import (
    CameraDevice,
    Described,
    RigDevice,
    VehicleInterface,
    can_vehicle,
    simulated_rig,
    simulated_vehicle,
)

DEVICE_SECTIONS = {"obd": ("obd", "can"), "rig": ("rig",), "camera": ("camera",)}

log = logging.getLogger(__name__)


class HasDevices(Protocol):
    vehicle: VehicleInterface | None
    rig: RigDevice | None
    camera: CameraDevice | None


@dataclass
class DeviceSet:
    """Devices on their own, outside the running app's hub (a live test in the set-up)."""

    vehicle: VehicleInterface | None = None
    rig: RigDevice | None = None
    camera: CameraDevice | None = None


def configure_devices(hub: HasDevices, config: Config) -> None:
    hub.vehicle, hub.rig, hub.camera = None, None, None
    elm_port = config.get("obd.elm_port")
    interface, channel = config.get("can.interface"), config.get("can.channel")
    if config.get("obd.simulator"):
        hub.vehicle = simulated_vehicle(str(config.get("obd.simulator")))
    elif elm_port:
        port = str(elm_port)

        def elm_link() -> Any:
            from drivers.obd.elm import connect_elm

            return connect_elm(port)

        hub.vehicle = VehicleInterface(Described("elm327", (port,)), elm_link)
    elif interface and channel:
        bitrate = config.get("can.bitrate")
        hub.vehicle = can_vehicle(str(interface), str(channel), int(bitrate) if bitrate else None)
    source = config.get("camera.source")
    if source:
        spec = str(source)

        def camera_source() -> Any:
            from drivers.camera import source_from_spec

            return source_from_spec(spec)

        hub.camera = CameraDevice(Described("camera", (spec,)), camera_source)
    rig = _rig_choice(config)
    if config.get("rig.simulator"):
        hub.rig = simulated_rig(fast=bool(config.get("rig.fast")))
    elif rig is not None:
        name, options = rig

        def open_configured_rig() -> Any:
            from drivers.rig import open_rig

            return open_rig(name, **options)

        hub.rig = RigDevice(Described("rig", (name,)), open_configured_rig)


def _rig_choice(config: Config) -> tuple[str, dict[str, Any]] | None:
    port, folder = config.get("rig.port"), config.get("rig.folder")
    interface, backend = config.get("rig.interface"), config.get("rig.backend")
    if backend:
        options = {
            "port": port,
            "folder": folder,
            "interface": interface,
            "channel": config.get("rig.channel"),
        }
        return str(backend), {k: v for k, v in options.items() if v is not None}
    if port:
        return "serial", {"port": str(port)}
    if interface:
        return "can", {"interface": str(interface), "channel": config.get("rig.channel")}
    if folder:
        return "folder", {"folder": str(folder)}
    return None


@dataclass(frozen=True)
class DeviceChoice:
    """One way to reach a device: what a person reads, and the settings it writes."""

    key: str  # "none", "simulator", "socketcan:can0", "serial:/dev/ttyUSB0", "video:0"
    label: str
    values: dict[str, dict[str, Any]] = field(default_factory=dict)


def serial_ports() -> list[str]:
    try:
        from serial.tools import list_ports
    except ImportError:
        return []
    return sorted(port.device for port in list_ports.comports())


def can_interfaces(net: Path = Path("/sys/class/net")) -> list[str]:
    """The kernel's CAN network interfaces (can0, vcan0...): link type 280."""
    found = []
    for entry in sorted(net.glob("*")):
        try:
            if (entry / "type").read_text().strip() == "280":
                found.append(entry.name)
        except OSError:
            continue
    return found


def obd_choices() -> list[DeviceChoice]:
    choices = [
        DeviceChoice("simulator", "simulator", {"obd": {"simulator": "petrol_misfire"}}),
    ]
    for name in can_interfaces():
        choices.append(
            DeviceChoice(
                f"socketcan:{name}",
                f"CAN {name}",
                {"can": {"interface": "socketcan", "channel": name}},
            )
        )
    for port in serial_ports():
        choices.append(
            DeviceChoice(f"serial:{port}", f"ELM327 {port}", {"obd": {"elm_port": port}})
        )
    return choices


def rig_choices() -> list[DeviceChoice]:
    choices = [DeviceChoice("simulator", "simulator", {"rig": {"simulator": True}})]
    for port in serial_ports():
        choices.append(DeviceChoice(f"serial:{port}", f"{port}", {"rig": {"port": port}}))
    return choices


def camera_choices() -> list[DeviceChoice]:
    choices = [DeviceChoice("simulator", "simulator", {"camera": {"source": "synthetic"}})]
    for device in sorted(Path("/dev").glob("video*")):
        index = device.name.removeprefix("video")
        if index.isdigit():
            choices.append(
                DeviceChoice(f"video:{index}", str(device), {"camera": {"source": index}})
            )
    return choices


def save_device_settings(data_dir: Path, device: str, choice: DeviceChoice | None) -> None:
    """Replace one device's settings in `station.toml`, keeping everything else in it."""
    path = data_dir / CONFIG_FILE_NAME
    values: dict[str, Any] = tomllib.loads(path.read_text("utf-8")) if path.exists() else {}
    for section in DEVICE_SECTIONS[device]:
        values.pop(section, None)
    for section, settings in (choice.values if choice else {}).items():
        values.setdefault(section, {}).update(settings)
    replace_file(path, to_toml(values).encode("utf-8"))


def replace_file(path: Path, data: bytes) -> None:
    """A settings file swapped whole: a power cut leaves the old one or the new one."""
    fresh = path.with_name(path.name + ".new")
    fresh.unlink(missing_ok=True)
    write_new(fresh, data, 0o644)
    fresh.replace(path)
    sync_folder(path.parent)


def to_toml(values: dict[str, Any]) -> str:
    """Plain settings as TOML: top-level keys, then one table per section."""

    def scalar(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'

    lines = [f"{key} = {scalar(v)}" for key, v in values.items() if not isinstance(v, dict)]
    for section, table in values.items():
        if isinstance(table, dict):
            lines.append(f"\n[{section}]")
            lines += [f"{key} = {scalar(v)}" for key, v in table.items()]
    return "\n".join(lines).lstrip("\n") + "\n"
