"""`station demo`: the whole visit headless, on the simulated car, rig and camera.

It runs the core's visit stages (`station.demo.DemoVisit`) with the same
devices the app opens in demo mode, then issues and verifies the signed health
report and syncs everything to a reference cloud on 127.0.0.1. No window: the
GUI and this command share the seed, the stages and the devices, not the widgets.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from station import diagnostics
from station.alignment import (
    Phase,
    Position,
    Quantity,
    load_alignment,
    spec_for,
    store_alignment,
)
from station.cli import EXIT_OK, config_from_args
from station.config import Config
from station.demo import DemoVisit, open_demo_station
from station.findings import FindingDraft, Severity, labour
from station.photos import PhotoStore, Stage, photos_folder
from ui.equipment import (
    CameraDevice,
    VehicleInterface,
    simulated_rig,
    simulated_vehicle,
    start_demo_cloud,
    synthetic_camera,
)

log = logging.getLogger(__name__)

EXIT_DEMO_FAILED = 1


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="seed a demo workshop and run one whole visit headless on the simulators",
    )
    demo.add_argument("--fresh", action="store_true", help="start from an empty demo station")
    demo.add_argument("--no-sync", action="store_true", help="leave the outbox for a real cloud")
    demo.add_argument(
        "--terminals",
        action="store_true",
        help="a workshop of terminals: the visit crosses the desk and bay 2 through a hub",
    )
    demo.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    if args.terminals:
        return run_terminals_demo(config, args.fresh)
    workshop, cast = open_demo_station(config.database_path, args.fresh)
    visit = DemoVisit(workshop, cast)
    photos = PhotoStore.open(workshop.store, photos_folder(config.data_dir))
    vehicle = simulated_vehicle(cast.profiles[visit.vehicle_key])
    camera = synthetic_camera()
    started = time.perf_counter()
    try:
        vehicle.connect()
        camera.connect(lambda state, error: log.info("camera %s %s", state, error))
        report_path = walk_the_visit(visit, photos, vehicle, camera, config)
    finally:
        vehicle.close()
        camera.close()
    if not args.no_sync:
        sync_to_demo_cloud(config, visit)
    check = workshop.store.verify_audit_chain()
    print(f"audit chain: {'intact' if check.ok else 'BROKEN'} ({check.events} events)")
    print(f"health report: {report_path}")
    print(f"whole visit in {time.perf_counter() - started:.1f} s")
    return EXIT_OK if check.ok else EXIT_DEMO_FAILED


def walk_the_visit(
    visit: DemoVisit,
    photos: PhotoStore,
    vehicle: VehicleInterface,
    camera: CameraDevice,
    config: Config,
    go: Callable[[str], tuple[PhotoStore, Config]] | None = None,
) -> Path:
    """Every stage, in the order the bay and the desk live them; returns the signed report.

    With `go`, the visit moves between terminals: `go(name)` hands it over and
    answers that terminal's photo store and configuration.
    """
    from reports.issue import ReportSettings, issue_report
    from reports.keys import StationKeys, keys_folder
    from reports.verify import verify_report

    def at(terminal: str) -> None:
        nonlocal photos, config
        if go is not None:
            photos, config = go(terminal)

    narrate = visit.narrate
    at("desk")
    visit.reception()
    technician = visit.technician
    photos.record(
        technician,
        camera.still_files(),
        visit.wo_id,
        Stage.WALK_AROUND,
        caption="rear bumper scratch",
    )
    narrate("walk-around photo taken")

    at("bay-2")
    visit.start_diagnosis()
    pre = scan(visit, vehicle, "pre")
    stored = sorted({d["code"] for e in pre["ecus"] for d in e["dtcs"] if d["kind"] == "stored"})
    visit.inspection()
    mistap = visit.workshop.add_finding(
        visit.technician,
        visit.wo_id,
        FindingDraft("Wrong code tapped", Severity.ADVISORY, [labour("Check", 0.1, 30_000)]),
    ).id
    visit.workshop.withdraw_finding(visit.technician, mistap, "tapped the wrong code")
    narrate("a finding made by mistake withdrawn; it stays on record")
    visit.findings_for_approval(dtc=stored[0] if stored else None)
    pads = visit.finding_ids["pads_rear"]
    before = photos.record(
        technician,
        camera.still_files(),
        visit.wo_id,
        Stage.BEFORE,
        finding_id=pads,
        caption="rear pads",
    )
    measure_alignment(visit)
    visit.alignment_for_approval()
    at("desk")
    visit.customer_decides()

    at("bay-2")
    visit.repair()
    measure_alignment(visit)  # the approved adjustment, measured on the rig as it is done
    photos.record(
        technician,
        camera.still_files(),
        visit.wo_id,
        Stage.AFTER,
        finding_id=pads,
        before_id=before.id,
        caption="new rear pads",
    )
    narrate("before and after photos of the rear pads paired")
    ecus = [e["id"] for e in pre["ecus"]]
    at_risk = diagnostics.codes_at_risk_on_clear(visit.workshop, visit.wo_id)
    narrate(
        "clearing codes; still not repaired: "
        + (", ".join(f"{c.code} ({c.reason.replace('_', ' ')})" for c in at_risk) or "none")
    )
    diagnostics.authorise_code_clear(
        visit.workshop,
        visit.technician,
        visit.wo_id,
        ecus,
        confirmed=True,
        accept_at_risk=tuple(c.code for c in at_risk),
    )
    vehicle.clear_codes()
    post = scan(visit, vehicle, "post")
    comparison = diagnostics.compare_scans(pre, post)
    narrate(
        f"post-repair scan: cleared {', '.join(comparison.cleared) or 'none'}; still there {', '.join(comparison.remaining) or 'none'}; "
        f"not checked {', '.join(comparison.not_checked) or 'none'}; "
        f"permanent record until driven {', '.join(comparison.permanent_only) or 'none'}"
    )

    visit.quality_check()
    at("desk")
    advisor = visit.advisor
    issued = issue_report(
        visit.workshop,
        advisor,
        visit.wo_id,
        config.data_dir,
        settings=ReportSettings.from_config(config),
    )
    verdict = verify_report(issued.path, StationKeys(keys_folder(config.data_dir)).trust_roots())
    narrate(
        f"health report v{issued.version} issued and signed: {verdict.outcome} ({issued.sha256[:12]})"
    )
    visit.deliver()
    return issued.path


def scan(visit: DemoVisit, vehicle: VehicleInterface, stage: str) -> dict[str, Any]:
    result = vehicle.scan(lambda _done, _total, _what: None, "en")
    diagnostics.record_scan(visit.workshop, visit.technician, visit.wo_id, stage, result)
    codes = [f"{d['code']} ({d['kind']})" for e in result["ecus"] for d in e["dtcs"]]
    visit.narrate(
        f"{stage}-repair scan: VIN {result['vin']}, {len(result['ecus'])} ECUs, codes {', '.join(codes) or 'none'}"
    )
    return result


def measure_alignment(visit: DemoVisit) -> None:
    """One rig session: the before set, the simulated technician's adjustment, the after set."""
    rig = simulated_rig(fast=True)
    try:
        session = rig.measure(lambda _value: None, timeout=60)
    finally:
        rig.close()
    vehicle = visit.vehicle
    spec = spec_for(vehicle["make"], vehicle["model"], vehicle["year"])
    store_alignment(visit.workshop, visit.technician, visit.wo_id, session, spec)
    rated = load_alignment(visit.workshop, visit.wo_id)
    if rated is None:
        return
    toe_before = rated.reading(Phase.BEFORE, Position.REAR_RIGHT, Quantity.TOE)
    toe_after = rated.reading(Phase.AFTER, Position.REAR_RIGHT, Quantity.TOE)
    if toe_before and toe_after:
        visit.narrate(
            f"alignment: right-rear toe {toe_before.value_deg:.2f}° ({toe_before.rating}) "
            f"→ {toe_after.value_deg:.2f}° ({toe_after.rating})"
        )


def sync_to_demo_cloud(config: Config, visit: DemoVisit) -> None:
    """Everything the station recorded goes to a reference cloud on 127.0.0.1."""
    from sync.client import SyncClient
    from sync.messaging import cloud_link_for

    cloud = start_demo_cloud(config.database_path, config.data_dir)
    try:
        client = SyncClient(config.database_path, data_dir=config.data_dir)
        client.run_once()
        status = client.status()
        link = cloud_link_for(client)(visit.wo_id, "zh")
        visit.narrate(
            f"synced to {cloud.url}: {status.pending_mutations} mutations and {status.pending_blobs} files pending, "
            f"{status.conflicts} conflicts"
        )
        client.close()
    finally:
        cloud.stop()
    print_customer_page(link, config.data_dir / "demo-cloud", "cloud.db", cloud.url)


def print_customer_page(link: str | None, folder: Path, database: str, url: str) -> None:
    """The tracker link, and how to serve it again: the demo's service stops with the demo."""
    port = url.rsplit(":", 1)[1]
    print(f"customer page: {link}  (English: {str(link).replace('lang=zh', 'lang=en')})")
    print(
        "the demo's service stopped with the demo; to open the page, start it again with:\n"
        f"  station cloud --db {folder / database} --blob-dir {folder / 'blobs'} --port {port}"
    )


def run_terminals_demo(config: Config, fresh: bool) -> int:
    """The visit crossing terminals: a hub on 127.0.0.1, the desk and bay 2 as replicas."""
    from station import replica
    from sync import hub as hub_records
    from sync.messaging import cloud_link_for
    from ui.demo_workshop import DemoWorkshop

    started = time.perf_counter()
    shop = DemoWorkshop.open(config.data_dir, fresh)
    try:
        desk = shop.terminals["desk"]
        visit = DemoVisit(desk.workshop, shop.cast)
        visit.narrate(f"workshop hub on {shop.hub.url}; terminals: {', '.join(shop.terminals)}")

        def go(name: str) -> tuple[PhotoStore, Config]:
            terminal = shop.go(name, visit)
            return terminal.photos, terminal.config

        vehicle = simulated_vehicle(shop.cast.profiles[visit.vehicle_key])
        camera = synthetic_camera()
        try:
            vehicle.connect()
            camera.connect(lambda state, error: log.info("camera %s %s", state, error))
            report_path = walk_the_visit(visit, desk.photos, vehicle, camera, desk.config, go=go)
        finally:
            vehicle.close()
            camera.close()
        shop.settle()
        with shop.hub.service.db.transaction() as tx:
            expected = hub_records.digest(tx, desk.workshop.store.meta("workshop_name") or "")
        equal = all(replica.digest(t.workshop.store) == expected for t in shop.terminals.values())
        visit.narrate(
            f"every terminal holds the workshop as the hub does: {'yes' if equal else 'NO'}"
        )
        check = desk.workshop.store.verify_audit_chain()
        link = cloud_link_for(desk.client)(visit.wo_id, "zh")
    finally:
        shop.close()
    print_customer_page(link, shop.folder / "hub", "hub.db", shop.hub.url)
    print(f"audit chain: {'intact' if check.ok else 'BROKEN'} ({check.events} events)")
    print(f"health report: {report_path}")
    print(f"whole visit in {time.perf_counter() - started:.1f} s")
    return EXIT_OK if check.ok and equal else EXIT_DEMO_FAILED
