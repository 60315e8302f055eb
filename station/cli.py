"""The `station` command line.

The core's own commands live here. The other layers add theirs through the
`bay_station.commands` entry-point group (see `pyproject.toml`): each entry is a
`register(commands, common)` function that adds a subparser whose handler is
set with `parser.set_defaults(handler=...)`. That keeps the core free of any
import of the layers above it, and a layer whose optional library is missing
only fails when its own command runs.

Exit status: 0 success, 2 bad input, a refused command, a damaged database or
a full disk (one line on stderr, never a traceback), other codes as each
command documents. Every process of the station creates its files 0600.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import sqlite3
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, NoReturn

from station.config import Config, load_config
from station.errors import StationError
from station.private import restrict_new_files
from station.startup import open_station
from station.workshop import Actor, Workshop

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "bay_station.commands"
EXIT_OK = 0
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]
Register = Callable[
    ["argparse._SubParsersAction[argparse.ArgumentParser]", argparse.ArgumentParser], None
]


class UsageError(StationError):
    """Bad arguments found after parsing; reported as one line with exit status 2."""


def common_parser() -> argparse.ArgumentParser:
    """Options every command accepts, placed after the command name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="data folder (default: STATION_DATA_DIR or the platform's user data folder)",
    )
    common.add_argument("--config", type=Path, default=None, help="TOML configuration file")
    common.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    return common


def config_from_args(args: argparse.Namespace, **flags: Any) -> Config:
    """The layered configuration for this run; `flags` are the command's own options."""
    return load_config(data_dir=args.data_dir, flags=flags, config_file=args.config)


def actor_options(parser: argparse.ArgumentParser) -> None:
    """`--user`/`--pin` for commands that change something (or STATION_USER/STATION_PIN)."""
    parser.add_argument("--user", help="acting user (default: STATION_USER)")
    parser.add_argument("--pin", help="the user's PIN (default: STATION_PIN)")


def open_workshop(config: Config) -> Workshop:
    """The workshop on this data folder's database; refuses a folder never initialised."""
    if not config.database_path.exists():
        raise UsageError(f"no station in {config.data_dir}: run `station init` first")
    return Workshop(open_station(config, full_check=False))


def login_from_args(args: argparse.Namespace, config: Config, workshop: Workshop) -> Actor:
    name = args.user or config.get("user")
    pin = args.pin or config.get("pin")
    if not name or not pin:
        raise UsageError("say who acts: --user NAME --pin PIN (or STATION_USER, STATION_PIN)")
    return workshop.login(str(name), str(pin))


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def fail(message: str) -> NoReturn:
    raise UsageError(message)


def _plugin_registrations() -> list[tuple[str, Register]]:
    found: list[tuple[str, Register]] = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            found.append((ep.name, ep.load()))
        except ImportError as err:  # a broken layer must not take the core commands down
            log.warning("command %s is unavailable: %s", ep.name, err)
    return found


def build_parser() -> tuple[argparse.ArgumentParser, set[str]]:
    """The parser, and the names of the commands it knows."""
    common = common_parser()
    parser = argparse.ArgumentParser(
        prog="station",
        description="Bay Station: workshop bay and delivery-desk station.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for _name, register in _plugin_registrations():
        register(sub, common)
    return parser, set(sub.choices)


def not_utf8(arguments: Sequence[str]) -> str | None:
    """The first argument whose bytes are not UTF-8 text (Python keeps them as surrogates), shown."""
    for argument in arguments:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            raw = argument.encode("utf-8", "surrogateescape")
            return raw.decode("utf-8", "backslashreplace")
    return None


def one_line(err: BaseException) -> str:
    """The reason for the person at the terminal, on one line, without a traceback."""
    if isinstance(err, OSError):
        text = err.strerror or str(err)
        if err.errno == errno.ENOSPC:
            text = "the disk is full"
        where = err.filename if err.filename is not None else None
        return f"{text}: {where}" if where is not None else text
    if isinstance(err, sqlite3.Error):
        reason = str(err)
        if "disk is full" in reason:
            return "the disk is full: nothing was saved"
        return f"the database refused the change, nothing was saved: {reason}"
    return " ".join(str(err).split())


def main(argv: Sequence[str] | None = None) -> int:
    restrict_new_files()
    parser, names = build_parser()
    arg_list = list(sys.argv[1:] if argv is None else argv)
    if not arg_list:
        arg_list = ["app"] if "app" in names else ["--help"]
    bad = not_utf8(arg_list)
    if bad is not None:
        print(f"station: an argument is not UTF-8 text: {bad}", file=sys.stderr)
        return EXIT_BAD_INPUT
    args = parser.parse_args(arg_list)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(getattr(args, "verbose", 0), 2),
        format="%(levelname)s %(name)s: %(message)s",
    )
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return handler(args)
    except (StationError, sqlite3.Error, OSError) as err:
        # Every change is one transaction and every file is written whole, so a failure
        # here leaves nothing half-written: saying why is all there is left to do.
        log.debug("command %s failed", args.command, exc_info=True)
        print(f"station {args.command}: {one_line(err)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
