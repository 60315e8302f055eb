"""`station cloud` (the reference cloud service) and `station sync` (the station's client)."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_OFFLINE = 4
EXIT_REFUSED = 5
EXIT_CHAIN_REFUSED = 6


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    # A terminal opening closed work it no longer keeps asks its hub (see `station wo show`).
    from station import replica

    if _fetch_closed not in replica.FETCHERS:
        replica.FETCHERS.append(_fetch_closed)
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
    cloud.add_argument(
        "--link-days",
        type=int,
        default=None,
        help="days a customer's link works after delivery (default: cloud.link_days or 90)",
    )
    cloud.set_defaults(handler=run_cloud)
    cloud_sub = cloud.add_subparsers(dest="cloud_command", metavar="ACTION")
    token = cloud_sub.add_parser("token", parents=[common], help="station enrolment tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    issue = token_sub.add_parser("issue", parents=[common], help="issue a token for a workshop")
    issue.add_argument("--workshop", required=True)
    issue.add_argument(
        "--hub", action="store_true", help="a token for the workshop's hub to relay with"
    )
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
    _register_hub(commands, common)


def _register_hub(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    hub = commands.add_parser(
        "hub", parents=[common], help="run the workshop hub that every terminal syncs with"
    )
    hub.add_argument("--host", default="0.0.0.0", help="address to bind (the workshop's LAN)")
    hub.add_argument("--port", type=int, default=8444)
    hub.set_defaults(handler=run_hub)
    hub_sub = hub.add_subparsers(dest="hub_command", metavar="ACTION")
    init = hub_sub.add_parser(
        "init", parents=[common], help="create the hub: its database, workshop CA and certificate"
    )
    init.add_argument("--workshop", required=True)
    init.add_argument("--admin", default="admin", help="the first admin's user name")
    init.add_argument("--admin-pin", help="the first admin's PIN (or STATION_ADMIN_PIN)")
    init.add_argument(
        "--address",
        action="append",
        default=[],
        help="an address or name terminals reach the hub by (repeat; 127.0.0.1 is always added)",
    )
    init.add_argument("--db", help="postgresql:// URL (default: SQLite in DATA_DIR/hub)")
    init.set_defaults(handler=run_hub_init)
    terminal = hub_sub.add_parser("terminal", parents=[common], help="the workshop's terminals")
    terminal_sub = terminal.add_subparsers(dest="terminal_command", required=True, metavar="ACTION")
    add = terminal_sub.add_parser("add", parents=[common], help="admit a terminal: its token")
    add.add_argument("name", help="bay-1, bay-2, desk ...")
    add.set_defaults(handler=run_terminal_add)
    revoke = terminal_sub.add_parser("revoke", parents=[common], help="shut a terminal out")
    revoke.add_argument("name")
    revoke.set_defaults(handler=run_terminal_revoke)
    listing = terminal_sub.add_parser("list", parents=[common], help="the workshop's terminals")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_terminal_list)
    up = hub_sub.add_parser(
        "upstream", parents=[common], help="relay the workshop to the brand's cloud"
    )
    up.add_argument("url", help="the cloud's address, https://CLOUD")
    up.add_argument("--token", required=True, help="from `station cloud token issue --hub`")
    up.add_argument("--ca", help="CA bundle to trust for the cloud's certificate")
    up.set_defaults(handler=run_hub_upstream)
    refusals = hub_sub.add_parser(
        "refusals",
        parents=[common],
        help="changes the brand's cloud refused after the hub took them",
    )
    refusals.add_argument("--json", action="store_true")
    refusals.set_defaults(handler=run_hub_refusals)
    join = hub_sub.add_parser(
        "join", parents=[common], help="make this data folder a terminal of the hub's workshop"
    )
    join.add_argument("--url", required=True, help="the hub's address, https://HOST:8444")
    join.add_argument("--token", required=True, help="from `station hub terminal add`")
    join.add_argument("--ca", help="the workshop CA (workshop-ca.pem from the hub's folder)")
    join.set_defaults(handler=run_hub_join)


def _fetch_closed(store: Any, reference: str) -> bool:
    from sync.client import fetch_closed  # only when it is needed: the CLI starts fast

    return fetch_closed(store, reference)


def _cloud_db(args: argparse.Namespace) -> str:
    from station.cli import config_from_args

    config = config_from_args(args)
    return str(args.db or config.get("cloud.db") or config.data_dir / "cloud" / "cloud.db")


def run_cloud(args: argparse.Namespace) -> int:
    from station.cli import config_from_args
    from sync.customer_rules import LINK_DAYS
    from sync.server import serve

    config = config_from_args(args)
    blob_dir = args.blob_dir or Path(
        config.get("cloud.blob_dir") or config.data_dir / "cloud" / "blobs"
    )
    if (args.cert is None) != (args.key is None):
        from station.cli import UsageError

        raise UsageError("HTTPS needs both --cert and --key", key="cli.https_needs_cert_and_key")
    print(f"cloud service on {args.host}:{args.port}", file=sys.stderr)
    link_days = int(args.link_days or config.get("cloud.link_days") or LINK_DAYS)
    serve(_cloud_db(args), blob_dir, args.host, args.port, args.cert, args.key, link_days)
    return EXIT_OK


def _service(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from sync.cloud import CloudService
    from sync.cloud_db import CloudDatabase

    return CloudService(CloudDatabase(_cloud_db(args)))


def run_token_issue(args: argparse.Namespace) -> int:
    if args.hub:
        secret, terminal = _service(args).add_terminal(args.workshop, "hub")
        print(f"hub token {terminal['token_id']} for {args.workshop}:\n{secret}")
        print(f"on the hub: station hub upstream https://CLOUD --token {secret}")
        return EXIT_OK
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
    from station import replica
    from station.cli import print_json
    from sync.client import SyncClient
    from sync.errors import AuthRefused, ChainRefused, Offline

    config, store = _store(args)
    client = SyncClient(
        store,
        data_dir=config.data_dir,
        batch_size=args.batch,
        chunk_size=args.chunk,
        timeout=args.timeout,
        closed_days=int(config.get("workshop.closed_days") or replica.CLOSED_DAYS),
    )
    store.close()
    try:
        if args.loop:
            stop = threading.Event()
            try:
                if client.store.id_base is not None:
                    # A workshop terminal: listen on the hub's feed, push every interval.
                    client.run_live(stop, threading.Event(), push_every=args.interval)
                else:
                    client.run_forever(stop, args.interval)
            except KeyboardInterrupt:
                stop.set()
            return EXIT_OK
        report = client.run_once()
    except AuthRefused as err:
        print(f"station sync: {err}", file=sys.stderr)
        return EXIT_REFUSED
    except ChainRefused as err:
        print(f"station sync: the cloud refused this station's audit chain: {err}", file=sys.stderr)
        print(
            "station sync: if this database was put back from a backup by hand, an admin "
            "runs `station audit reanchor --recovery-code CODE`; otherwise events were "
            "deleted or rewritten: run `station audit verify`",
            file=sys.stderr,
        )
        return EXIT_CHAIN_REFUSED
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
    from station.replica import conflict_notes

    _config, store = _store(args)
    for note in [] if args.json else conflict_notes(store):
        print(f"{note.at}  {note.summary()}")
    rows = conflicts(store)
    if args.json:
        print_json(rows)
    for row in [] if args.json else rows:
        detail = row["result"].get("detail") or {}
        print(
            f"#{row['seq']} {row['kind']} {row['entity']}:{row['entity_id']}  {row['result']['status']}: {detail.get('reason', '')}"
        )
    return EXIT_OK


# -- the workshop hub ---------------------------------------------------------------

HUB_SETTINGS = "hub.json"


def _hub_folder(args: argparse.Namespace) -> Path:
    from station.cli import config_from_args

    return config_from_args(args).data_dir / "hub"


def _hub_settings(folder: Path) -> dict[str, str]:
    import json

    from station.cli import UsageError

    path = folder / HUB_SETTINGS
    if not path.exists():
        raise UsageError(
            f"no hub in {folder.parent}: run `station hub init` first",
            key="hub.none",
            folder=str(folder.parent),
        )
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _hub_service(folder: Path):  # type: ignore[no-untyped-def]
    from sync.cloud import CloudService
    from sync.cloud_db import CloudDatabase

    settings = _hub_settings(folder)
    return settings, CloudService(CloudDatabase(settings["db"]))


def run_hub_init(args: argparse.Namespace) -> int:
    import json
    import os

    from station.cli import UsageError
    from sync.cloud import CloudService
    from sync.cloud_db import CloudDatabase
    from sync.tls import make_hub_tls

    folder = _hub_folder(args)
    workshop = args.workshop.strip()  # the name every terminal's token is issued under
    pin = args.admin_pin or os.environ.get("STATION_ADMIN_PIN")
    if not pin:
        raise UsageError(
            "give the first admin's PIN: --admin-pin PIN (or STATION_ADMIN_PIN)",
            key="cli.admin_pin_needed",
        )
    if (folder / HUB_SETTINGS).exists():
        raise UsageError(f"a hub already exists in {folder}", key="hub.exists", folder=str(folder))
    db = args.db or str(folder / "hub.db")
    hosts = list(dict.fromkeys(["127.0.0.1", "localhost", *args.address]))
    folder.mkdir(parents=True, exist_ok=True)
    service = CloudService(CloudDatabase(db))
    service.add_first_admin(workshop, args.admin, pin)
    make_hub_tls(folder, workshop, hosts)
    (folder / HUB_SETTINGS).write_text(
        json.dumps({"workshop": workshop, "db": db}, indent=2), encoding="utf-8"
    )
    print(f"hub for {workshop} ready in {folder}")
    print(f"terminals trust {folder / 'workshop-ca.pem'}")
    return EXIT_OK


def run_hub(args: argparse.Namespace) -> int:
    from sync.server import serve
    from sync.tls import CERT_FILE, KEY_FILE

    folder = _hub_folder(args)
    settings = _hub_settings(folder)
    print(
        f"workshop hub for {settings['workshop']} on https://{args.host}:{args.port}",
        file=sys.stderr,
    )
    serve(
        settings["db"],
        folder / "blobs",
        args.host,
        args.port,
        folder / CERT_FILE,
        folder / KEY_FILE,
        beside=lambda service, blobs: _start_relay(folder, settings["workshop"], service, blobs),
    )
    return EXIT_OK


def _start_relay(folder: Path, workshop: str, service: Any, blobs: Any) -> None:
    """The hub relays to the brand's cloud when `station hub upstream` linked it."""
    from sync import upstream

    token = upstream.load_token(folder)
    if token is None:
        return
    upstream.start(service, blobs, workshop, token)
    print(f"relaying {workshop} to the brand's cloud", file=sys.stderr)


def run_hub_upstream(args: argparse.Namespace) -> int:
    from sync import upstream

    folder = _hub_folder(args)
    settings, service = _hub_service(folder)
    ca = str(Path(args.ca).resolve()) if args.ca else None
    answer = upstream.link(service, settings["workshop"], args.url, args.token, ca)
    upstream.save_token(folder, args.token)
    print(
        f"{answer['workshop']} is relayed to {answer['url']}: {answer['queued']} row(s) "
        "queued; they go up when `station hub` runs"
    )
    return EXIT_OK


def run_hub_refusals(args: argparse.Namespace) -> int:
    from station.cli import print_json
    from sync import hub

    settings, service = _hub_service(_hub_folder(args))
    with service.db.transaction(reading=True) as tx:
        rows = hub.refusals(tx, settings["workshop"])
    if args.json:
        print_json(rows)
        return EXIT_OK
    if not rows:
        print("the brand's cloud has refused nothing")
    for row in rows:
        fate = "the cloud's rows taken" if row["corrected"] else "kept at the hub"
        print(
            f"{row['at']}  {row['terminal'] or 'hub':<8} {row['kind']} {row['entity_id']}: "
            f"{row['outcome']}, {fate} - {row['reason']}"
        )
    return EXIT_OK


def run_terminal_add(args: argparse.Namespace) -> int:
    from station.cli import UsageError
    from sync.hub import RELAY

    if args.name.strip().lower() == RELAY:
        # The name the brand's cloud gives a workshop's hub, whose rows it does not check again.
        raise UsageError(
            f"{RELAY!r} is the name of the workshop's hub: give the terminal another",
            key="hub.reserved_name",
            name=RELAY,
        )
    folder = _hub_folder(args)
    settings, service = _hub_service(folder)
    secret, terminal = service.add_terminal(settings["workshop"], args.name)
    print(f"terminal {terminal['name']} (code {terminal['code']}) of {settings['workshop']}")
    print(f"token: {secret}")
    print(
        "on the terminal: station hub join --url https://HUB:8444 "
        f"--token {secret} --ca workshop-ca.pem"
    )
    return EXIT_OK


def run_terminal_revoke(args: argparse.Namespace) -> int:
    from station.cli import UsageError

    settings, service = _hub_service(_hub_folder(args))
    found = [t for t in service.terminals(settings["workshop"]) if t["name"] == args.name]
    if not found:
        raise UsageError(
            f"no terminal named {args.name}", key="hub.no_terminal", name=str(args.name)
        )
    service.revoke_token(found[0]["token_id"])
    print(f"terminal {args.name} revoked: the hub refuses its token from now on")
    return EXIT_OK


def run_terminal_list(args: argparse.Namespace) -> int:
    from station.cli import print_json

    settings, service = _hub_service(_hub_folder(args))
    rows = service.terminals(settings["workshop"])
    if args.json:
        print_json(rows)
    for row in [] if args.json else rows:
        state = "revoked" if row["revoked_at"] else ("joined" if row["station_id"] else "new")
        print(f"{row['code']:<6} {row['name']:<12} {state}")
    return EXIT_OK


def run_hub_join(args: argparse.Namespace) -> int:
    from importlib.metadata import entry_points

    from station.cli import config_from_args
    from station.commands import INIT_HOOK_GROUP
    from station.workshop import Workshop
    from sync.client import join_workshop

    config = config_from_args(args)
    ca = str(Path(args.ca).resolve()) if args.ca else None
    store, answer = join_workshop(config.database_path, args.url, args.token, ca)
    workshop = Workshop(store)
    for ep in entry_points(group=INIT_HOOK_GROUP):
        ep.load()(config, workshop)
    terminal = answer["terminal"]
    print(
        f"terminal {terminal['name']} ({terminal['code']}) joined {answer['workshop']}: "
        f"{answer['pulled']} change(s) pulled"
    )
    store.close()
    return EXIT_OK
