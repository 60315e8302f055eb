"""`station app`: the bay and desk app; `--demo` on the simulators, `--screenshots DIR`."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from station.config import Config

log = logging.getLogger(__name__)


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = commands.add_parser(
        "app", parents=[common], help="open the station app (bay and delivery desk)"
    )
    parser.add_argument(
        "--demo", action="store_true", help="a demo workshop on the simulated car and camera"
    )
    parser.add_argument("--fresh", action="store_true", help="with --demo: start from a new seed")
    parser.add_argument("--bay", default=None, help="this terminal's bay name")
    parser.add_argument(
        "--terminal",
        default=None,
        metavar="NAME",
        help="with --demo: open terminal NAME (desk, bay-2...) of the demo workshop and its hub",
    )
    parser.add_argument(
        "--windowed",
        action="store_true",
        default=None,
        help="open in a window instead of full screen (also `ui.windowed = true` in station.toml)",
    )
    parser.add_argument(
        "--screenshots",
        type=Path,
        default=None,
        metavar="DIR",
        help="render every main screen offscreen to PNG in both languages, then exit",
    )
    parser.set_defaults(handler=run_app)


def run_app(args: argparse.Namespace) -> int:
    from station.cli import config_from_args

    config = config_from_args(args)
    if args.screenshots is not None:
        from ui.screens import render_all

        written = render_all(args.screenshots)
        print(f"{len(written)} screenshots in {args.screenshots}")
        return 0
    from ui.app import run

    config.data_dir.mkdir(parents=True, exist_ok=True)  # a new folder: the app sets it up
    windowed = bool(args.windowed) or str(config.get("ui.windowed") or "").lower() in ("1", "true")
    if args.terminal:
        return _run_terminal(args, config, windowed)
    return run(config, args.demo, args.fresh, args.bay or config.get("bay"), windowed)


def _run_terminal(args: argparse.Namespace, config: Config, windowed: bool) -> int:
    """One window of the demo workshop: the first one opened also runs the hub."""
    from station.cli import UsageError
    from station.config import load_config
    from station.identity import check_terminal_name
    from ui.app import run
    from ui.demo_workshop import open_app_terminal

    if not args.demo:
        raise UsageError("--terminal opens a terminal of the demo workshop: add --demo")
    folder, hub = open_app_terminal(config.data_dir, args.fresh, check_terminal_name(args.terminal))
    if hub is not None:
        print(f"demo workshop hub on {hub.url}: open more windows with --terminal")
    try:
        return run(load_config(data_dir=folder), True, False, args.bay or args.terminal, windowed)
    finally:
        if hub is not None:
            hub.stop()
