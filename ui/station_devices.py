"""The devices a real station's configuration names (the same keys as `station scan`,
`station align` and `station camera`): `obd.elm_port` or `can.interface` with
`can.channel` (and `can.bitrate`); `camera.source`; `rig.backend`, `rig.port`,
`rig.interface` with `rig.channel`, or `rig.folder`. Nothing configured: absent."""

from __future__ import annotations

import logging
from typing import Any

from station.config import Config
from ui.devices import DeviceHub
from ui.equipment import CameraDevice, RigDevice, VehicleInterface, can_vehicle

log = logging.getLogger(__name__)


def configure_devices(hub: DeviceHub, config: Config) -> None:
    elm_port = config.get("obd.elm_port")
    interface, channel = config.get("can.interface"), config.get("can.channel")
    if elm_port:
        port = str(elm_port)

        def elm_link() -> Any:
            from drivers.obd.elm import connect_elm

            return connect_elm(port)

        hub.vehicle = VehicleInterface(f"ELM327 {port}", elm_link)
    elif interface and channel:
        bitrate = config.get("can.bitrate")
        hub.vehicle = can_vehicle(str(interface), str(channel), int(bitrate) if bitrate else None)
    source = config.get("camera.source")
    if source:
        spec = str(source)

        def camera_source() -> Any:
            from drivers.camera import source_from_spec

            return source_from_spec(spec)

        hub.camera = CameraDevice(f"camera {spec}", camera_source)
    rig = _rig_choice(config)
    if rig is not None:
        name, options = rig

        def open_configured_rig() -> Any:
            from drivers.rig import open_rig

            return open_rig(name, **options)

        hub.rig = RigDevice(f"rig {name}", open_configured_rig)


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
