"""`station scan` and `station ecu-sim`: the OBD-II commands of the drivers layer.

Only argparse and the standard library at import time, so `station --help`
stays fast; the drivers are imported inside the handlers.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_BAD_ARGS = 2
EXIT_NO_VEHICLE = 3
VIRTUAL_IS_PER_PROCESS = (
    "python-can's virtual bus exists only inside one process; to reach a simulator in "
    "another terminal use socketcan vcan0, or slcan over a socat pty pair (see the README)"
)


def register_scan(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "scan",
        parents=[common],
        help="read every responding ECU: VIN, trouble codes, readiness, live values",
        description="Scan the vehicle over native CAN (python-can) or an ELM327 adapter. "
        "Exit 0 when the scan ran (an incomplete scan says why on stderr and in the JSON), "
        "2 on bad arguments, 3 when no vehicle answers.",
    )
    _link_options(parser)
    parser.add_argument("--json", action="store_true", help="print the scan as one JSON object")
    parser.add_argument(
        "--language", choices=("en", "zh"), default=None, help="language of code descriptions"
    )
    parser.set_defaults(handler=run_scan)


def _link_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--interface", help="python-can interface: socketcan, slcan, pcan, kvaser, virtual ..."
    )
    parser.add_argument("--channel", help="python-can channel, e.g. vcan0, can0, /dev/ttyACM0")
    parser.add_argument("--bitrate", default=None, help="CAN bitrate (default: try 500k then 250k)")
    parser.add_argument(
        "--elm", metavar="PORT", help="ELM327/STN adapter serial port instead of native CAN"
    )
    parser.add_argument("--baud", default=None, help="ELM327 baud rate (default: probed)")


def register_record(commands: Any, common: argparse.ArgumentParser) -> None:
    from station.cli import actor_options

    parser = commands.add_parser(
        "record",
        parents=[common],
        help="record live values (test drive, rev test) and keep them with the work order",
        description="Record chosen values of one ECU for some seconds and keep the recording "
        "with the work order; the health report plots it. Exit 0, 2 on bad arguments, 3 when "
        "no vehicle answers.",
    )
    parser.add_argument("work_order", help="work order id or number")
    _link_options(parser)
    parser.add_argument("--pids", default="0C,0D,05", help="PIDs in hex, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to record")
    parser.add_argument("--ecu", default=None, help="the ECU's reply id (default: the first)")
    parser.add_argument("--label", default="test drive", help="what the recording is")
    actor_options(parser)
    parser.set_defaults(handler=run_record)


def register_ecu_sim(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "ecu-sim",
        parents=[common],
        help="simulate a vehicle's ECUs on a CAN bus (vcan0, slcan pty, ...)",
        description="Simulate a vehicle's ECUs until stopped. Another process reaches it on "
        "socketcan vcan0 or over slcan on a socat pty pair; python-can's virtual bus is "
        "per process, so `--interface virtual` only serves scans in the same process.",
    )
    parser.add_argument(
        "--interface", default="socketcan", help="python-can interface (default socketcan)"
    )
    parser.add_argument("--channel", default="vcan0", help="python-can channel (default vcan0)")
    parser.add_argument("--bitrate", type=int, default=None)
    parser.add_argument(
        "--profile", default="petrol_misfire", help="vehicle profile name or JSON file"
    )
    parser.add_argument("--duration", type=float, default=None, help="stop after this many seconds")
    parser.add_argument(
        "--broadcast",
        action="store_true",
        help="also send the car's periodic frames (fixtures/dbc/station_broadcast.dbc)",
    )
    parser.set_defaults(handler=run_ecu_sim)


def _error(message: str, status: int) -> int:
    print(f"station: {message}", file=sys.stderr)
    return status


@dataclass(frozen=True)
class LinkSettings:
    """Where the vehicle is: an ELM327 port or a python-can interface and channel."""

    elm_port: str | None
    baud: int | None
    interface: str | None
    channel: str | None
    bitrate: int | None


def link_settings(args: argparse.Namespace, config: Any, command: str) -> LinkSettings:
    """The checked link settings of a command, or ValueError saying what is wrong."""
    elm_port = config.get("obd.elm_port")
    interface = config.get("can.interface")
    channel = config.get("can.channel")
    if elm_port and (args.interface or args.channel):
        raise ValueError(f"{command}: give either --elm or --interface/--channel, not both")
    if not elm_port and not (interface and channel):
        raise ValueError(f"{command}: give --interface and --channel, or --elm PORT")
    bitrate = positive_number(config.get("can.bitrate"), "CAN bitrate")
    baud = positive_number(args.baud, "baud rate")
    if not elm_port:
        unknown = unknown_interface(str(interface))
        if unknown:
            raise ValueError(f"{command}: {unknown}")
    return LinkSettings(
        str(elm_port) if elm_port else None,
        baud,
        str(interface) if interface else None,
        str(channel) if channel else None,
        bitrate,
    )


def open_link(settings: LinkSettings) -> Any:
    """Connect to the vehicle: the ELM327 set up, or the CAN protocol found."""
    if settings.elm_port:
        from drivers.obd.elm import connect_elm

        return connect_elm(settings.elm_port, settings.baud)
    from drivers.obd.can_link import connect_can

    return connect_can(str(settings.interface), str(settings.channel), settings.bitrate)


def _link_config(args: argparse.Namespace, **more: Any) -> Any:
    from station.cli import config_from_args

    return config_from_args(
        args,
        **{
            "can.interface": args.interface,
            "can.channel": args.channel,
            "can.bitrate": args.bitrate,
            "obd.elm_port": args.elm,
            **more,
        },
    )


def run_scan(args: argparse.Namespace) -> int:
    from station.cli import print_json

    config = _link_config(args, **{"obd.language": args.language})
    language = config.get("obd.language", "en")
    if language not in ("en", "zh"):
        return _error(f"scan: language must be en or zh, not {language!r}", EXIT_BAD_ARGS)
    try:
        settings = link_settings(args, config, "scan")
    except ValueError as err:
        return _error(str(err) if str(err).startswith("scan") else f"scan: {err}", EXIT_BAD_ARGS)

    from drivers.errors import AdapterNotFound, DriverError, NoVehicleResponse
    from drivers.obd.scan import scan_vehicle

    started = time.perf_counter()
    try:
        with open_link(settings) as link:
            result = scan_vehicle(link, language=str(language))
    except (NoVehicleResponse, AdapterNotFound) as err:
        hint = f" ({VIRTUAL_IS_PER_PROCESS})" if settings.interface == "virtual" else ""
        return _error(f"scan: no vehicle answers: {err}{hint}", EXIT_NO_VEHICLE)
    except DriverError as err:
        return _error(f"scan: {err}", EXIT_NO_VEHICLE)
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    if args.json:
        print_json(result.to_json())
    else:
        _print_text(result)
    if result.incomplete:
        print("station: scan incomplete:", file=sys.stderr)
        for reason in result.reasons or [{"reason": result.error}]:
            print(f"  {reason['reason']}", file=sys.stderr)
    return EXIT_OK


def run_record(args: argparse.Namespace) -> int:
    from station.cli import login_from_args, open_workshop
    from station.commands import resolve_work_order
    from station.diagnostics import record_live

    config = _link_config(args)
    try:
        settings = link_settings(args, config, "record")
        pids = [int(p, 16) for p in str(args.pids).split(",") if p.strip()]
        if not pids or args.seconds <= 0:
            raise ValueError("record: give PIDs to record and a positive number of seconds")
    except ValueError as err:
        return _error(
            str(err) if str(err).startswith("record") else f"record: {err}", EXIT_BAD_ARGS
        )
    workshop = open_workshop(config)
    actor = login_from_args(args, config, workshop)
    wo = resolve_work_order(workshop, args.work_order)

    from drivers.errors import DriverError
    from drivers.obd.live import record_live as record_values

    try:
        with open_link(settings) as link:
            ecus = sorted(link.request(b"\x01\x00"))
            ecu = args.ecu or (ecus[0] if ecus else None)
            if ecu is None:
                return _error("record: no vehicle answers", EXIT_NO_VEHICLE)
            recording = record_values(link, str(ecu).upper(), pids, float(args.seconds))
    except DriverError as err:
        return _error(f"record: {err}", EXIT_NO_VEHICLE)
    created = record_live(workshop, actor, int(wo["id"]), str(args.label), recording)
    samples = len(recording["samples"])  # type: ignore[arg-type]
    print(f"recorded {samples} samples of {args.pids} from ECU {ecu} (recording {created.id})")
    return EXIT_OK


def positive_number(value: object, what: str) -> int | None:
    """A whole positive number from a flag, variable or file value; None when not given."""
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"{what} must be a whole number, not {value!r}") from None
    if number <= 0:
        raise ValueError(f"{what} must be positive, not {number}")
    return number


def unknown_interface(interface: str) -> str | None:
    """Why python-can would not know `interface`, or None when it does."""
    try:
        import can
    except ImportError:
        return "python-can is not installed"
    known = sorted(can.VALID_INTERFACES)
    if interface in known:
        return None
    return f"unknown CAN interface {interface!r}; python-can knows {', '.join(known)}"


def _print_text(result: Any) -> None:
    print(f"VIN {result.vin or '-'}  {result.protocol}  {result.elapsed_ms:.0f} ms")
    if result.adapter_voltage is not None:
        print(f"adapter voltage {result.adapter_voltage:.1f} V")
    for ecu in result.ecus:
        print(f"ECU {ecu.id} {ecu.name or ''}")
        for code in ecu.dtcs:
            print(f"  {code.code} {code.kind:<9} {code.description or ''}")
        if ecu.readiness:
            print(f"  MIL {'on' if ecu.readiness.get('mil') else 'off'}")
        for pid, reading in sorted(ecu.pids.items()):
            unit = f" {reading.unit}" if reading.unit else ""
            print(f"  {pid:02X} {reading.name}: {reading.value}{unit}")


def run_ecu_sim(args: argparse.Namespace) -> int:
    from drivers.ecu_sim import EcuSimulator
    from drivers.errors import DriverError

    try:
        simulator = EcuSimulator.open(
            args.interface, args.channel, args.profile, args.bitrate, broadcast=args.broadcast
        )
    except DriverError as err:
        return _error(f"ecu-sim: {err}", EXIT_BAD_ARGS)
    print(f"simulating {simulator.profile.name} on {args.interface} {args.channel}", flush=True)
    if args.interface == "virtual":
        print(f"station: note: {VIRTUAL_IS_PER_PROCESS}", file=sys.stderr, flush=True)
    with simulator:
        deadline = None if args.duration is None else time.monotonic() + args.duration
        try:
            while deadline is None or time.monotonic() < deadline:
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
    return EXIT_OK
