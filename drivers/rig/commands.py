"""`station rig-sim` (the simulated rig) and `station align` (read one session, rate it, store it).

Top-level imports stay light: the rig and its libraries load inside the handlers.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

log = logging.getLogger(__name__)

EXIT_NO_SESSION = 3


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    from station.cli import actor_options

    sim = commands.add_parser(
        "rig-sim", parents=[common], help="simulated alignment rig on a serial port or CAN bus"
    )
    _rig_options(sim, folder=False)
    sim.add_argument(
        "--pace", choices=["normal", "fast"], default="normal", help="adjustment speed"
    )
    sim.add_argument("--sessions", type=int, default=0, help="sessions to play (0: until stopped)")
    sim.add_argument("--noise", action="store_true", help="mix garbage and damaged lines in")
    sim.set_defaults(handler=run_rig_sim)

    align = commands.add_parser(
        "align", parents=[common], help="read one alignment session from the rig and rate it"
    )
    _rig_options(align, folder=True)
    align.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for a session")
    align.add_argument("--make", help="vehicle make for the specification")
    align.add_argument("--model", help="vehicle model for the specification")
    align.add_argument("--year", type=int, help="model year for the specification")
    align.add_argument("--work-order", help="store the session with this work order (id or number)")
    align.add_argument("--live", action="store_true", help="print live values to stderr")
    align.add_argument("--json", action="store_true", help="print the rated session as JSON")
    actor_options(align)
    align.set_defaults(handler=run_align)


def _rig_options(parser: argparse.ArgumentParser, folder: bool) -> None:
    parser.add_argument("--port", help="serial port, pty or pyserial URL (line protocol)")
    parser.add_argument("--baudrate", type=int, default=115200)
    parser.add_argument("--interface", help="python-can interface (CAN variant)")
    parser.add_argument("--channel", help="python-can channel (CAN variant)")
    if folder:
        parser.add_argument("--folder", help="watched folder for CSV/XML measurement files")
        parser.add_argument("--backend", help="rig backend by name (a vendor's)")


def _rig_choice(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    from station.cli import config_from_args, fail

    config = config_from_args(
        args,
        **{
            "rig.port": args.port,
            "rig.interface": args.interface,
            "rig.channel": args.channel,
            "rig.folder": getattr(args, "folder", None),
            "rig.backend": getattr(args, "backend", None),
        },
    )
    port, folder = config.get("rig.port"), config.get("rig.folder")
    interface = config.get("rig.interface")
    backend = config.get("rig.backend")
    if backend:
        return str(backend), {
            "port": port,
            "folder": folder,
            "interface": interface,
            "channel": config.get("rig.channel"),
        }
    if sum(bool(x) for x in (port, interface, folder)) != 1:
        fail("say where the rig is: one of --port, --interface/--channel or --folder")
    if port:
        return "serial", {"port": str(port), "baudrate": args.baudrate}
    if interface:
        return "can", {"interface": str(interface), "channel": config.get("rig.channel")}
    return "folder", {"folder": str(folder)}


def run_rig_sim(args: argparse.Namespace) -> int:
    from drivers.rig.simulator import Pace, RigSimulator

    backend, options = _rig_choice(args)
    pace = Pace.fast() if args.pace == "fast" else Pace()
    if backend == "serial":
        sim = RigSimulator.on_serial(
            options["port"], pace=pace, sessions=args.sessions, noise=args.noise
        )
    else:
        sim = RigSimulator.on_can(
            interface=options["interface"],
            channel=options["channel"],
            pace=pace,
            sessions=args.sessions,
            noise=args.noise,
        )
    print(f"rig-sim: playing on {options.get('port') or options.get('channel')}", file=sys.stderr)
    try:
        sim.run()
    finally:
        sim.output.close()
    return 0


def run_align(args: argparse.Namespace) -> int:
    from drivers.errors import DriverError
    from drivers.rig.base import open_rig, run_session
    from station.alignment import (
        AlignmentReading,
        deg_min,
        rate_session,
        spec_for_vehicle,
        store_alignment,
    )
    from station.cli import config_from_args, login_from_args, open_workshop, print_json
    from station.errors import NotFound

    backend, options = _rig_choice(args)
    workshop = actor = wo_id = None
    make, model, year = args.make, args.model, args.year
    vin = None
    if args.work_order:
        config = config_from_args(args)
        workshop = open_workshop(config)
        actor = login_from_args(args, config, workshop)
        ref = str(args.work_order)
        wo = workshop.work_order(int(ref)) if ref.isdigit() else workshop.work_order_by_number(ref)
        wo_id = int(wo["id"])
        vehicle = workshop.vehicle(int(wo["vehicle_id"]))
        make, model, year = (
            make or vehicle["make"],
            model or vehicle["model"],
            year or vehicle["year"],
        )
        vin = vehicle["vin"]
    spec = None
    if make or model:
        try:  # a record without make or year: the VIN says them
            spec = spec_for_vehicle({"make": make, "model": model, "year": year, "vin": vin})
        except NotFound as err:
            log.warning("%s: readings stay unrated", err)

    def show(reading: AlignmentReading) -> None:
        print(
            f"live {reading.position.label} {reading.quantity.value} "
            f"{reading.value_deg:+.3f}° ({deg_min(reading.value_deg)})",
            file=sys.stderr,
        )

    rig = open_rig(backend, **options)
    try:
        session = run_session(rig, on_live=show if args.live else None, timeout=args.timeout)
    except DriverError as err:
        print(f"station align: {err}", file=sys.stderr)
        return EXIT_NO_SESSION
    rated = rate_session(session, spec)
    result: dict[str, Any] = {**rated.to_dict(), "stats": rig.stats.as_dict(), "stored_id": None}
    if workshop is not None and actor is not None and wo_id is not None:
        result["stored_id"] = store_alignment(workshop, actor, wo_id, session, spec)
    if args.json:
        print_json(result)
    else:
        _print_table(result)
    return 0


def _print_table(result: dict[str, Any]) -> None:
    print(f"alignment {result['rig_session']} ({result['spec'] or 'no specification'})")
    for phase in ("before", "after"):
        for r in result[phase]:
            spec = r["spec"]
            limits = (
                f"[{spec['minimum']:+.2f} {spec['preferred']:+.2f} {spec['maximum']:+.2f}]"
                if spec
                else ""
            )
            print(
                f"{phase:6} {r['position_label']:12} {r['quantity']:15} {r['value_deg']:+8.3f}° "
                f"{r['value_dm']:>8} {limits:24} {r['rating'] or '-'}"
            )
