"""`station report`, `station verify` and `station report-keys`.

Heavy libraries (reportlab, pyHanko) are imported inside the handlers so that
`station --help` stays fast.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
from pathlib import Path
from typing import Any

from station.cli import (
    EXIT_OK,
    UsageError,
    actor_options,
    config_from_args,
    login_from_args,
    open_workshop,
    print_json,
)

log = logging.getLogger(__name__)


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    report = commands.add_parser(
        "report", parents=[common], help="render, sign and issue a work order's health report"
    )
    report.add_argument("work_order", help="id or number")
    report.add_argument("-o", "--output", type=Path, help="also write the signed PDF here")
    report.add_argument("--language", choices=["zh", "en"], help="default: the customer's")
    report.add_argument("--json", action="store_true")
    actor_options(report)
    report.set_defaults(handler=run_report)

    verify = commands.add_parser(
        "verify",
        parents=[common],
        help="check a report's signature (exit 0 only if intact and trusted)",
    )
    verify.add_argument("file", type=Path)
    verify.add_argument(
        "--trust",
        type=Path,
        action="append",
        default=[],
        metavar="CERT.pem",
        help="another trusted CA certificate (repeatable)",
    )
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=run_verify)

    keys = commands.add_parser("report-keys", parents=[common], help="the station's signing key")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    show = keys_sub.add_parser("show", parents=[common], help="show the signing certificate")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=run_keys_show)
    create = keys_sub.add_parser(
        "create", parents=[common], help="create the station CA and key (if init did not)"
    )
    create.set_defaults(handler=run_keys_create)
    imp = keys_sub.add_parser("import", parents=[common], help="use a key from your own PKI")
    imp.add_argument("--key", type=Path, required=True, help="PEM private key (unencrypted)")
    imp.add_argument("--cert", type=Path, required=True, help="PEM signing certificate")
    imp.add_argument("--ca", type=Path, required=True, help="PEM CA certificate(s)")
    imp.add_argument("--replace", action="store_true", help="replace the current key")
    imp.set_defaults(handler=run_keys_import)


def run_report(args: argparse.Namespace) -> int:
    from reports.issue import ReportSettings, issue_report
    from station.commands import resolve_work_order

    config = config_from_args(args)
    workshop = open_workshop(config)
    wo = resolve_work_order(workshop, args.work_order)
    actor = login_from_args(args, config, workshop)
    issued = issue_report(
        workshop,
        actor,
        wo["id"],
        config.data_dir,
        args.language,
        ReportSettings.from_config(config),
    )
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(issued.path, args.output)
    summary = {
        "work_order": wo["number"],
        "version": issued.version,
        "report_id": issued.report_id,
        "language": issued.language,
        "path": str(issued.path),
        "output": str(args.output) if args.output else None,
        "sha256": issued.sha256,
        "data_sha256": issued.data_sha256,
    }
    if args.json:
        print_json(summary)
    else:
        print(
            f"{wo['number']} report v{issued.version} ({issued.language}) signed: "
            f"{args.output or issued.path}  sha256 {issued.sha256}"
        )
    return EXIT_OK


def run_verify(args: argparse.Namespace) -> int:
    from reports.keys import StationKeys, keys_folder
    from reports.verify import verify_report

    if not args.verbose:
        # pyHanko logs an untrusted signer as a warning with a traceback; the verdict says it.
        logging.getLogger("pyhanko").setLevel(logging.ERROR)
    config = config_from_args(args)
    roots = StationKeys(keys_folder(config.data_dir)).trust_roots() + list(args.trust)
    verdict = verify_report(args.file, roots)
    if args.json:
        print_json(
            {
                "ok": verdict.ok,
                "outcome": verdict.outcome.value,
                "reason": verdict.reason,
                "signer": verdict.signer,
                "signed_at": verdict.signed_at,
                "timestamp": verdict.timestamp,
                "exit_code": verdict.exit_code,
            }
        )
    elif verdict.ok:
        print(f"{args.file}: {verdict.reason}")
    else:
        print(f"{args.file}: {verdict.outcome.value}: {verdict.reason}", file=sys.stderr)
    return verdict.exit_code


def run_keys_show(args: argparse.Namespace) -> int:
    from reports.keys import certificate_summary, load_station_keys

    keys = load_station_keys(config_from_args(args).data_dir)
    info: dict[str, Any] = {
        "folder": str(keys.folder),
        "station": certificate_summary(keys.station_cert),
        "ca": certificate_summary(keys.ca_cert),
        "trusted": [str(p) for p in keys.trust_roots()],
    }
    if args.json:
        print_json(info)
    else:
        print(f"signing certificate {info['station']['subject']}")
        print(f"issued by           {info['station']['issuer']}")
        print(f"valid until         {info['station']['not_after']}")
        print(f"sha256              {info['station']['sha256']}")
    return EXIT_OK


def run_keys_create(args: argparse.Namespace) -> int:
    from reports.keys import init_hook

    config = config_from_args(args)
    init_hook(config, open_workshop(config))
    print(f"station signing key ready in {config.data_dir / 'keys'}")
    return EXIT_OK


def run_keys_import(args: argparse.Namespace) -> int:
    from reports.keys import import_station_keys

    config = config_from_args(args)
    try:
        key, cert, ca = (p.read_bytes() for p in (args.key, args.cert, args.ca))
    except OSError as err:
        raise UsageError(f"cannot read the key files: {err}") from err
    keys = import_station_keys(config.data_dir, key, cert, ca, args.replace)
    print(f"station signing key imported into {keys.folder}")
    return EXIT_OK
