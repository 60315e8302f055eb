"""`station app`: the bay and desk app; `--demo` on the simulators, `--screenshots DIR`."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

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
    return run(config, args.demo, args.fresh, args.bay or config.get("bay"), windowed)
