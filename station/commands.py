"""The core's subcommands: init, user, profile, wo, backup, restore, audit."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import uuid
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from station import backup, profile, replica
from station.audit import AuditReport
from station.audit_keys import AuditKey, create_audit_key, load_audit_key
from station.cli import (
    EXIT_OK,
    UsageError,
    actor_options,
    config_from_args,
    login_from_args,
    open_workshop,
    print_json,
)
from station.config import Config, load_config
from station.errors import NotFound, StoreError
from station.lifecycle import Status, parse_status
from station.private import warn_if_exposed
from station.roles import Role
from station.startup import open_station
from station.store import Store, keep_ids_apart, last_ids, utc_now
from station.vehicles import parse_powertrain
from station.workshop import Workshop

log = logging.getLogger(__name__)

INIT_HOOK_GROUP = "bay_station.init"
EXIT_AUDIT_BROKEN = 1


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    init = commands.add_parser("init", parents=[common], help="create a station in the data folder")
    init.add_argument("--workshop", default="Bay Station Workshop", help="workshop name")
    init.add_argument("--station-id", help="this station's id (default: a new UUID)")
    init.add_argument("--admin", default="admin", help="name of the first admin user")
    init.add_argument("--admin-pin", help="PIN of the first admin (default: STATION_ADMIN_PIN)")
    init.set_defaults(handler=run_init)

    user = commands.add_parser("user", parents=[common], help="manage users")
    user_sub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = user_sub.add_parser("add", parents=[common], help="add a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--new-pin", required=True, help="the new user's PIN (4-8 digits)")
    add.add_argument("--display-name")
    add.add_argument("--language", default="zh", choices=["zh", "en"])
    actor_options(add)
    add.set_defaults(handler=run_user_add)
    unlock = user_sub.add_parser("unlock", parents=[common], help="unlock a user after failed PINs")
    unlock.add_argument("name")
    actor_options(unlock)
    unlock.set_defaults(handler=run_user_unlock)
    recover = user_sub.add_parser(
        "recover", parents=[common], help="let a locked-out admin back in with the recovery code"
    )
    recover.add_argument("name")
    recover.add_argument("--recovery-code", required=True, help="the code printed at init")
    recover.add_argument("--new-pin", required=True, help="the admin's new PIN (4-8 digits)")
    recover.set_defaults(handler=run_user_recover)

    prof = commands.add_parser("profile", parents=[common], help="the workshop's profile")
    prof_sub = prof.add_subparsers(dest="profile_command", required=True, metavar="ACTION")
    prof_show = prof_sub.add_parser("show", parents=[common], help="show the workshop profile")
    prof_show.add_argument("--json", action="store_true")
    prof_show.set_defaults(handler=run_profile_show)
    prof_set = prof_sub.add_parser("set", parents=[common], help="change the workshop profile")
    prof_set.add_argument("--name", help="the workshop's name")
    prof_set.add_argument("--address")
    prof_set.add_argument("--phone")
    prof_set.add_argument("--tax-id", help="the workshop's tax registration number")
    prof_set.add_argument("--logo", type=Path, help="a PNG or JPEG image to print on reports")
    prof_set.add_argument("--no-logo", action="store_true", help="print reports without a logo")
    prof_set.add_argument("--currency", help="three-letter code, such as CNY")
    prof_set.add_argument("--tax-rate", help="percent, such as 13 or 6.5")
    prof_set.add_argument("--language", choices=list(profile.LANGUAGES), help="default language")
    prof_set.add_argument(
        "--time-zone", help="where the report's times are printed, such as Asia/Shanghai"
    )
    prof_set.add_argument("--json", action="store_true")
    actor_options(prof_set)
    prof_set.set_defaults(handler=run_profile_set)

    wo = commands.add_parser("wo", parents=[common], help="work orders")
    wo_sub = wo.add_subparsers(dest="wo_command", required=True, metavar="ACTION")
    create = wo_sub.add_parser("create", parents=[common], help="open a work order for a vehicle")
    create.add_argument("--vin")
    create.add_argument("--plate")
    create.add_argument("--powertrain", default="ICE", help="ICE, HEV or EV (new vehicles)")
    create.add_argument("--make")
    create.add_argument("--model")
    create.add_argument("--year", type=int)
    create.add_argument("--complaint", default="")
    create.add_argument("--bay")
    create.add_argument("--job", action="append", default=[], help="a booked job (repeatable)")
    create.add_argument("--json", action="store_true")
    actor_options(create)
    create.set_defaults(handler=run_wo_create)
    listing = wo_sub.add_parser("list", parents=[common], help="list work orders")
    listing.add_argument("--status")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_wo_list)
    show = wo_sub.add_parser("show", parents=[common], help="show one work order")
    show.add_argument("work_order", help="id or number")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=run_wo_show)
    status = wo_sub.add_parser("status", parents=[common], help="move a work order to a status")
    status.add_argument("work_order", help="id or number")
    status.add_argument("status")
    status.add_argument("--mileage", type=int, help="odometer in km (checked_in)")
    status.add_argument("--confirm-lower-mileage", action="store_true")
    status.add_argument("--note")
    status.add_argument("--json", action="store_true")
    actor_options(status)
    status.set_defaults(handler=run_wo_status)

    backup_cmd = commands.add_parser(
        "backup", parents=[common], help="copy the database now (online, checked)"
    )
    backup_cmd.add_argument(
        "--to", type=Path, metavar="FILE", help="write the copy here (default: backups/manual-*.db)"
    )
    backup_cmd.set_defaults(handler=run_backup)
    restore = commands.add_parser(
        "restore", parents=[common], help="replace the database with a checked backup"
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="the backup to restore")
    restore.set_defaults(handler=run_restore)
    doctor = commands.add_parser(
        "doctor", parents=[common], help="read the whole database now and report its health"
    )
    doctor.set_defaults(handler=run_doctor)

    audit = commands.add_parser("audit", parents=[common], help="the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = audit_sub.add_parser("verify", parents=[common], help="check the hash chain")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=run_audit_verify)
    reanchor = audit_sub.add_parser(
        "reanchor",
        parents=[common],
        help="after a database was copied back by hand: the cloud anchors its chain again",
    )
    reanchor.add_argument("--recovery-code", required=True, help="the admin recovery code")
    reanchor.set_defaults(handler=run_audit_reanchor)


def run_init(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    pin = args.admin_pin or os.environ.get("STATION_ADMIN_PIN")
    if not pin:
        raise UsageError("give the first admin's PIN: --admin-pin PIN (or STATION_ADMIN_PIN)")
    if config.database_path.exists():
        raise UsageError(f"a station already exists in {config.data_dir}")
    workshop = init_station(
        config.database_path, args.workshop, args.station_id, args.admin, pin, config
    )
    print(f"station {workshop.store.meta('station_id')} ready in {config.data_dir}")
    code = workshop.issue_recovery_code(workshop.login(args.admin, pin))
    print(
        f"admin recovery code: {code}\n"
        "keep it on paper in the workshop safe: with `station user recover` it lets an admin "
        "back in after too many wrong PINs, once"
    )
    return EXIT_OK


def init_station(
    db_path: Path,
    workshop_name: str,
    station_id: str | None,
    admin: str,
    pin: str,
    config: Config | None = None,
    display_name: str | None = None,
    language: str = "zh",
) -> Workshop:
    """Create the database, the station's identity and its first admin, then run the
    other layers' init steps (the signing key...) from the `bay_station.init` group.

    The audit key comes first, so the station's very first event is keyed."""
    if load_audit_key(Path(db_path).parent) is None:
        create_audit_key(Path(db_path).parent, keyed_from=1)
    workshop = Workshop(Store.open(db_path))
    with workshop.store.transaction(admin) as tx:
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('station_id', ?)",
            (station_id or str(uuid.uuid4()),),
        )
        tx.audit("station.initialised", "station", {"workshop": workshop_name})
        named, diff = profile.decide(
            profile.load(tx), profile.parse_changes({"name": workshop_name})
        )
        profile.write(tx, named, diff)
    workshop.add_user(None, admin, Role.ADMIN, pin, display_name, language)
    config = config or load_config(data_dir=Path(db_path).parent)
    for ep in entry_points(group=INIT_HOOK_GROUP):
        ep.load()(config, workshop)
    return workshop


def run_user_add(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    workshop = open_workshop(config)
    actor = login_from_args(args, config, workshop)
    created = workshop.add_user(
        actor, args.name, Role(args.role), args.new_pin, args.display_name, args.language
    )
    print(f"user {args.name} ({args.role}) added with id {created.id}")
    return EXIT_OK


def run_user_unlock(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    workshop = open_workshop(config)
    workshop.unlock_user(login_from_args(args, config, workshop), args.name)
    print(f"user {args.name} unlocked")
    return EXIT_OK


def run_profile_show(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    shown = profile.current(open_workshop(config).store)
    _print_profile(shown, config, args.json)
    return EXIT_OK


def run_profile_set(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    workshop = open_workshop(config)
    actor = login_from_args(args, config, workshop)
    if args.logo and args.no_logo:
        raise UsageError("give --logo FILE or --no-logo, not both")
    values: dict[str, str | None] = {
        "name": args.name,
        "address": args.address,
        "phone": args.phone,
        "tax_id": args.tax_id,
        "currency": args.currency,
        "tax_rate": args.tax_rate,
        "language": args.language,
        "time_zone": args.time_zone,
    }
    profile.parse_changes(values)  # refuse bad input before the logo is copied in
    if args.no_logo:
        values["logo"] = ""
    elif args.logo:
        try:
            image = args.logo.read_bytes()
        except OSError as err:
            raise UsageError(f"cannot read the logo {args.logo}: {err}") from err
        values["logo"] = profile.import_logo(config.data_dir, image)
    changed = profile.change(workshop.store, actor, values)
    _print_profile(changed, config, args.json)
    return EXIT_OK


def _print_profile(shown: profile.Profile, config: Config, as_json: bool) -> None:
    if as_json:
        print_json(shown.as_dict() | {"tax_rate": shown.tax_rate_text})
        return
    for label, value in (
        ("name", shown.name),
        ("address", shown.address),
        ("phone", shown.phone),
        ("tax id", shown.tax_id),
        ("logo", shown.logo or "-"),
        ("currency", shown.currency),
        ("tax rate", shown.tax_rate_text),
        ("language", shown.language),
        ("time zone", shown.time_zone or "this machine's"),
    ):
        print(f"{label:<9} {value or '-'}")


def run_user_recover(args: argparse.Namespace) -> int:
    workshop = open_workshop(config_from_args(args))
    next_code = workshop.recover_admin(args.name, args.recovery_code, args.new_pin)
    print(f"admin {args.name} unlocked with a new PIN")
    print(f"the old recovery code is spent; the new one: {next_code}")
    return EXIT_OK


def resolve_work_order(workshop: Workshop, reference: str) -> dict[str, Any]:
    """A work order by database id or by its number (WO-...); on a workshop terminal, closed
    work older than its window is fetched from the hub when asked for."""
    try:
        return _work_order(workshop, reference)
    except NotFound:
        if not replica.fetch_on_demand(workshop.store, reference):
            raise
    return _work_order(workshop, reference)


def _work_order(workshop: Workshop, reference: str) -> dict[str, Any]:
    if reference.isdigit():
        return workshop.work_order(int(reference))
    return workshop.work_order_by_number(reference)


def run_wo_create(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    workshop = open_workshop(config)
    actor = login_from_args(args, config, workshop)
    if not args.vin and not args.plate:
        raise UsageError("identify the vehicle with --vin or --plate")
    found = (
        workshop.find_vehicles(vin=args.vin)
        if args.vin
        else workshop.find_vehicles(plate=args.plate)
    )
    warnings: tuple[str, ...] = ()
    if found:
        vehicle_id = found[0]["id"]
    else:
        created = workshop.add_vehicle(
            actor,
            args.vin,
            args.plate,
            parse_powertrain(args.powertrain),
            args.make,
            args.model,
            args.year,
        )
        vehicle_id, warnings = created.id, created.warnings
    wo = workshop.create_work_order(
        actor, vehicle_id, args.complaint, bay=args.bay, booked_jobs=args.job
    )
    row = workshop.work_order(wo.id)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print_json({**row, "warnings": list(warnings)})
    else:
        print(f"{row['number']} (id {row['id']}) {row['status']}")
    return EXIT_OK


def run_wo_list(args: argparse.Namespace) -> int:
    workshop = open_workshop(config_from_args(args))
    status: Status | None = parse_status(args.status) if args.status else None
    rows = workshop.list_work_orders(status)
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            vehicle = row["plate"] or row["vin"] or "-"
            print(
                f"{row['id']:>6}  {row['number']}  {row['status']:<18} {vehicle}  {row['customer_name'] or ''}"
            )
    return EXIT_OK


def run_wo_show(args: argparse.Namespace) -> int:
    workshop = open_workshop(config_from_args(args))
    wo = resolve_work_order(workshop, args.work_order)
    detail = {
        **wo,
        "vehicle": workshop.vehicle(wo["vehicle_id"]),
        "progress": workshop.progress_events(wo["id"]),
        "findings": workshop.findings(wo["id"]),
        "jobs": workshop.jobs(wo["id"]),
        "ratings": workshop.rating_summary(wo["id"]),
    }
    if args.json:
        print_json(detail)
    else:
        vehicle = detail["vehicle"]
        print(f"{wo['number']}  {wo['status']}  since {wo['status_since']}")
        print(
            f"vehicle  {vehicle['vin'] or '-'}  {vehicle['plate'] or '-'}  {vehicle['make'] or ''} {vehicle['model'] or ''}"
        )
        print(f"ratings  {detail['ratings']}")
        for finding in detail["findings"]:
            print(
                f"finding  #{finding['id']} {finding['title']} [{finding['severity']}] {finding['state']}"
            )
        for event in detail["progress"]:
            print(f"progress {event['at']}  {event['to_status']}: {event['text_en']}")
    return EXIT_OK


def run_wo_status(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    workshop = open_workshop(config)
    target = parse_status(args.status)
    wo = resolve_work_order(workshop, args.work_order)
    actor = login_from_args(args, config, workshop)
    if target is Status.CHECKED_IN:
        if args.mileage is None:
            raise UsageError("checking in needs the odometer: --mileage KM")
        for warning in workshop.check_in(
            actor, wo["id"], args.mileage, confirm_lower_mileage=args.confirm_lower_mileage
        ):
            print(f"warning: {warning}", file=sys.stderr)
    else:
        workshop.change_status(actor, wo["id"], target, args.note)
    row = workshop.work_order(wo["id"])
    if args.json:
        print_json(row)
    else:
        print(f"{row['number']} {row['status']}")
    return EXIT_OK


def run_audit_verify(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    if not config.database_path.exists():
        raise NotFound(f"no station in {config.data_dir}")
    store = Store.open(config.database_path)
    try:
        report = store.verify_audit()
    finally:
        store.close()
    check = report.chain
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "events": check.events,
                "first_bad_seq": check.first_bad_seq,
                "reason": check.reason,
                "keyed": report.keyed_from is not None,
                "keyed_from": report.keyed_from,
                "keyed_events": check.keyed_events,
                "head": {"seq": check.head_seq, "hash": check.head_hash} if check.ok else None,
                "anchor": None
                if report.anchor is None
                else {"seq": report.anchor[0], "hash": report.anchor[1]},
                "signed_rows": report.signed_rows,
                "sealed_rows": report.sealed_rows,
                "unsealed_rows": report.unsealed_rows,
                "problems": list(report.problems),
                "more_problems": report.more_problems,
            }
        )
    elif report.ok:
        for line in _audit_summary(report):
            print(line)
    else:
        print("audit check failed:", file=sys.stderr)
        for problem in report.problems:
            print(f"  {problem}", file=sys.stderr)
        if report.more_problems:
            print(f"  ... and {report.more_problems} more", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_AUDIT_BROKEN


def run_audit_reanchor(args: argparse.Namespace) -> int:
    workshop = open_workshop(config_from_args(args))
    next_code = workshop.reanchor_after_restore(args.recovery_code)
    print(
        "the next sync tells the cloud this station's chain was put back from a backup: "
        "it keeps the chain it anchored before on record and anchors this one"
    )
    print(f"the recovery code is spent; the new one: {next_code}")
    return EXIT_OK


def _audit_summary(report: AuditReport) -> list[str]:
    """What an intact verdict rests on, and what it cannot vouch for."""
    check = report.chain
    lines = [f"audit chain intact: {check.events} events"]
    if report.keyed_from is None:
        lines.append(
            "  unkeyed: this database has no audit key, so anyone holding the file could "
            "recompute the chain"
        )
    else:
        lines.append(
            f"  keyed: {check.keyed_events} events hashed with this station's audit key"
            + (f" (events before {report.keyed_from} predate it)" if report.keyed_from > 1 else "")
        )
    if report.anchor is None:
        lines.append(
            "  unanchored: the cloud has not acknowledged this chain yet, so deleted "
            "last events would go unseen here"
        )
    else:
        lines.append(f"  anchored: the cloud holds this chain up to event {report.anchor[0]}")
    lines.append(f"  {report.signed_rows} signed records match the events that created them")
    lines.append(
        f"  {report.sealed_rows} rows of changing tables (people, work orders, jobs, clock "
        "entries, scans ...) match their last sealed write"
        + (
            f"; {report.unsealed_rows} older rows are not sealed until they next change"
            if report.unsealed_rows
            else ""
        )
    )
    lines.append("  every trigger is as the schema creates it")
    return lines


def run_backup(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    database = config.database_path
    if not database.exists():
        raise UsageError(f"no station in {config.data_dir}: nothing to back up")
    # Reads every page: a damaged database's copy would be no backup.
    store = Store.open(database, full_check=True)
    try:
        now = store.clock()
    finally:
        store.close()
    if args.to is not None:
        backup.copy_database(database, args.to)
        target = args.to
    else:
        target = backup.take(database, backup.MANUAL, now)
    print(f"backed up to {target}")
    return EXIT_OK


def run_doctor(args: argparse.Namespace) -> int:
    """Every page read now (the app does so at start, a command relies on the day's check)."""
    config = config_from_args(args)
    if not config.database_path.exists():
        raise UsageError(f"no station in {config.data_dir}: run `station init` first")
    started = time.perf_counter()
    store = open_station(config, full_check=True)
    try:
        pages = int(store.db.conn.execute("PRAGMA page_count").fetchone()[0])
    finally:
        store.close()
    print(
        f"database {config.database_path} intact: {pages} pages read in "
        f"{time.perf_counter() - started:.1f} s"
    )
    for warning in warn_if_exposed(config.data_dir) or ["the station's files are private"]:
        print(warning)
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    """Check the backup, keep the current database aside, then put the backup in its place."""
    config = config_from_args(args)
    database = config.database_path
    problem = backup.check_backup(args.file)
    if problem:
        raise UsageError(f"not restoring: {problem}")
    now = utc_now()
    folder = backup.backups_folder(database)
    candidate = folder / f".restore-{backup.backup_name(backup.MANUAL, now)}"
    try:
        backup.copy_database(args.file, candidate)
        usable = _usable(database)
        if usable:
            # Another station's database would take this one's identity, its people
            # and their PINs, beside this station's keys and sync token.
            theirs, ours = backup.station_of(candidate), backup.station_of(database)
            if theirs != ours:
                raise UsageError(
                    f"not restoring: {args.file} is a backup of station {theirs}, "
                    f"not of this station {ours}"
                )
        events = _verified_chain(candidate, load_audit_key(config.data_dir))
        replaced = _replaced(database) if usable else None
        if usable:
            aside = folder / backup.backup_name(backup.BEFORE_RESTORE, now)
            backup.restore_into(database, candidate, aside)
        else:
            aside = folder / backup.backup_name(backup.DAMAGED, now)
            if database.exists():
                backup.set_aside(database, aside)
            backup.put_in_place(candidate, database)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{candidate}{suffix}").unlink(missing_ok=True)
    store = Store.open(database)  # checks it, and brings an older backup's schema up to date
    try:
        with store.transaction("restore") as tx:
            head, used = replaced if replaced else (None, {})
            floors = keep_ids_apart(tx, used)
            backup.record_restore(
                tx,
                "station.restored",
                {"backup": args.file.name, "replaced_head": head, "id_floors": floors},
            )
    finally:
        store.close()
    kept = f"; the database it replaced is kept as {aside}" if aside.exists() else ""
    print(f"restored {args.file} ({events} audit events, chain intact){kept}")
    print(
        "the next sync tells the cloud this station was restored: it keeps the chain it "
        "anchored before on record and anchors this one"
    )
    return EXIT_OK


def _replaced(database: Path) -> tuple[dict[str, Any] | None, dict[str, int]]:
    """The last audit event and the highest ids of the database about to be replaced."""
    store = Store.open(database, migrations=[])
    try:
        head = store.query_one("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        return head, last_ids(store.db.conn)
    finally:
        store.close()


def _verified_chain(path: Path, key: AuditKey | None) -> int:
    """The number of audit events of the station database at `path`; refused when its chain is broken.

    The chain is checked with this station's audit key, which lives beside its database.
    """
    store = Store.open(path, migrations=[], audit_key=key)
    try:
        check = store.verify_audit_chain()
    finally:
        store.close()
    if not check.ok:
        raise UsageError(
            f"not restoring: the backup's audit chain is broken at event "
            f"{check.first_bad_seq}: {check.reason}"
        )
    return check.events


def _usable(database: Path) -> bool:
    """Whether the current database opens and passes its check (else it is moved aside whole)."""
    if not database.exists():
        return False
    try:
        Store.open(database, migrations=[]).close()
    except StoreError:
        return False
    return True
