"""`station cloud` (the reference cloud service) and `station sync` (the station's client)."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_OFFLINE = 4
EXIT_REFUSED = 5


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    cloud = commands.add_parser("cloud", parents=[common], help="run the reference cloud service")
    cloud.add_argument(
        "--db", help="SQLite file or postgresql:// URL (default: DATA_DIR/cloud/cloud.db)"
    )
    cloud.add_argument(
        "--blob-dir",
        type=Path,
        help="folder for photos and reports (default: DATA_DIR/cloud/blobs)",
    )
    cloud.add_argument(
        "--host", default="127.0.0.1", help="address to bind (plain HTTP: loopback only)"
    )
    cloud.add_argument("--port", type=int, default=8443)
    cloud.add_argument("--cert", type=Path, help="TLS certificate (PEM)")
    cloud.add_argument("--key", type=Path, help="TLS private key (PEM)")
    cloud.set_defaults(handler=run_cloud)
    cloud_sub = cloud.add_subparsers(dest="cloud_command", metavar="ACTION")
    token = cloud_sub.add_parser("token", parents=[common], help="station enrolment tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    issue = token_sub.add_parser("issue", parents=[common], help="issue a token for a workshop")
    issue.add_argument("--workshop", required=True)
    issue.add_argument("--db")
    issue.set_defaults(handler=run_token_issue)
    revoke = token_sub.add_parser("revoke", parents=[common], help="revoke a token by its id")
    revoke.add_argument("token_id")
    revoke.add_argument("--db")
    revoke.set_defaults(handler=run_token_revoke)
    listing = token_sub.add_parser("list", parents=[common], help="list tokens")
    listing.add_argument("--db")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_token_list)

    sync = commands.add_parser("sync", parents=[common], help="sync this station with the cloud")
    sync.add_argument("--loop", action="store_true", help="keep syncing until interrupted")
    sync.add_argument("--interval", type=float, default=10.0, help="seconds between runs (--loop)")
    sync.add_argument("--batch", type=int, default=200, help="mutations per request")
    sync.add_argument("--chunk", type=int, default=1024 * 1024, help="upload chunk in bytes")
    sync.add_argument("--timeout", type=float, default=30.0, help="request timeout in seconds")
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(handler=run_sync)
    sync_sub = sync.add_subparsers(dest="sync_command", metavar="ACTION")
    enrol = sync_sub.add_parser(
        "enrol", parents=[common], help="enrol with a token from the cloud admin"
    )
    enrol.add_argument("--url", required=True)
    enrol.add_argument("--token", required=True)
    enrol.add_argument("--ca", help="CA bundle to trust for the cloud's certificate")
    enrol.set_defaults(handler=run_enrol)
    status = sync_sub.add_parser(
        "status", parents=[common], help="pending entries and bytes, last error"
    )
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=run_status)
    conflicts = sync_sub.add_parser(
        "conflicts", parents=[common], help="mutations the cloud refused"
    )
    conflicts.add_argument("--json", action="store_true")
    conflicts.set_defaults(handler=run_conflicts)


def _cloud_db(args: argparse.Namespace) -> str:
    from station.cli import config_from_args

    config = config_from_args(args)
    return str(args.db or config.get("cloud.db") or config.data_dir / "cloud" / "cloud.db")


def run_cloud(args: argparse.Namespace) -> int:
    from station.cli import config_from_args
    from sync.server import serve

    config = config_from_args(args)
    blob_dir = args.blob_dir or Path(
        config.get("cloud.blob_dir") or config.data_dir / "cloud" / "blobs"
    )
    if (args.cert is None) != (args.key is None):
        from station.cli import UsageError

        raise UsageError("HTTPS needs both --cert and --key")
    print(f"cloud service on {args.host}:{args.port}", file=sys.stderr)
    serve(_cloud_db(args), blob_dir, args.host, args.port, args.cert, args.key)
    return EXIT_OK


def _service(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from sync.cloud import CloudService
    from sync.cloud_db import CloudDatabase

    return CloudService(CloudDatabase(_cloud_db(args)))


def run_token_issue(args: argparse.Namespace) -> int:
    token_id, secret = _service(args).issue_token(args.workshop)
    print(f"token {token_id} for {args.workshop}:\n{secret}")
    return EXIT_OK


def run_token_revoke(args: argparse.Namespace) -> int:
    _service(args).revoke_token(args.token_id)
    print(f"token {args.token_id} revoked")
    return EXIT_OK


def run_token_list(args: argparse.Namespace) -> int:
    from station.cli import print_json

    rows = _service(args).tokens()
    if args.json:
        print_json(rows)
    for row in [] if args.json else rows:
        state = "revoked" if row["revoked_at"] else ("enrolled" if row["station_id"] else "new")
        print(f"{row['id']}  {row['workshop']}  {state}  {row['station_id'] or ''}")
    return EXIT_OK


def _store(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from station.cli import config_from_args, open_workshop

    config = config_from_args(args)
    return config, open_workshop(config).store


def run_enrol(args: argparse.Namespace) -> int:
    from sync.client import enrol

    _config, store = _store(args)
    answer = enrol(store, args.url, args.token, args.ca)
    print(f"station {answer['station_id']} enrolled with workshop {answer['workshop']}")
    return EXIT_OK


def run_sync(args: argparse.Namespace) -> int:
    from station.cli import print_json
    from sync.client import SyncClient
    from sync.errors import AuthRefused, Offline

    config, store = _store(args)
    client = SyncClient(
        store,
        data_dir=config.data_dir,
        batch_size=args.batch,
        chunk_size=args.chunk,
        timeout=args.timeout,
    )
    store.close()
    try:
        if args.loop:
            stop = threading.Event()
            try:
                client.run_forever(stop, args.interval)
            except KeyboardInterrupt:
                stop.set()
            return EXIT_OK
        report = client.run_once()
    except AuthRefused as err:
        print(f"station sync: {err}", file=sys.stderr)
        return EXIT_REFUSED
    except Offline as err:
        print(f"station sync: offline: {err}", file=sys.stderr)
        return EXIT_OFFLINE
    finally:
        client.close()
    if args.json:
        print_json(report.__dict__)
    else:
        print(
            f"sent {report.sent} mutation(s) {report.outcomes}, uploaded {report.blobs_uploaded} file(s), "
            f"applied {report.changes_applied} change(s)"
        )
    return EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    from station.cli import print_json
    from sync.client import SyncClient

    config, store = _store(args)
    with SyncClient(store, data_dir=config.data_dir) as client:
        status = client.status()
    if args.json:
        print_json(status.__dict__)
    else:
        for key, value in status.__dict__.items():
            print(f"{key:<18} {value}")
    return EXIT_OK


def run_conflicts(args: argparse.Namespace) -> int:
    from station.cli import print_json
    from station.inbox import conflicts

    _config, store = _store(args)
    rows = conflicts(store)
    if args.json:
        print_json(rows)
    for row in [] if args.json else rows:
        detail = row["result"].get("detail") or {}
        print(
            f"#{row['seq']} {row['kind']} {row['entity']}:{row['entity_id']}  {row['result']['status']}: {detail.get('reason', '')}"
        )
    return EXIT_OK
