"""A station with a visit's worth of records, photos and a report, for the sync tests."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from station.commands import init_station
from station.findings import Channel, Decision, FindingDraft, Severity, labour, part
from station.lifecycle import Status
from station.photos import PhotoFiles, PhotoStore, Stage
from station.roles import Role
from station.vehicles import Powertrain
from station.workshop import Actor, Workshop


@dataclass
class Station:
    data_dir: Path
    workshop: Workshop
    admin: Actor
    tech: Actor
    photos: PhotoStore

    @property
    def store(self):  # type: ignore[no-untyped-def]
        return self.workshop.store

    @property
    def station_id(self) -> str:
        value = self.store.meta("station_id")
        assert value
        return value


def make_station(
    data_dir: Path, workshop_name: str = "Harbour Motors", station_id: str | None = None
) -> Station:
    workshop = init_station(data_dir / "station.db", workshop_name, station_id, "admin", "1234")
    admin = workshop.login("admin", "1234")
    workshop.add_user(admin, "li", Role.TECHNICIAN, "5678")
    tech = workshop.login("li", "5678")
    return Station(data_dir, workshop, admin, tech, PhotoStore(workshop.store, data_dir / "photos"))


def jpeg(size: int, seed: int) -> bytes:
    """A distinct real JPEG of about `size` bytes: a small picture, then filler after its end
    (as phones append data); the photo store decodes the picture."""
    noise = hashlib.shake_256(seed.to_bytes(8, "big")).digest(16 * 16 * 3 + size)
    encoded = io.BytesIO()
    Image.frombytes("RGB", (16, 16), noise[: 16 * 16 * 3]).save(encoded, "JPEG")
    picture = encoded.getvalue()
    return picture + noise[16 * 16 * 3 :][: max(size - len(picture), 0)]


def add_photo(station: Station, wo_id: int, size: int, seed: int) -> Any:
    files = PhotoFiles(
        jpeg(size, seed), jpeg(2000, seed + 1_000_000), jpeg(5000, seed + 2_000_000), 1600, 1200
    )
    return station.photos.record(station.tech, files, wo_id, Stage.BEFORE, caption=f"photo {seed}")


def visit(station: Station, plate: str, photo_bytes: int = 40_000, seed: int = 0) -> dict[str, int]:
    """A visit up to `awaiting_approval` with two findings (one declined at the desk), a photo and a report."""
    w, tech, admin = station.workshop, station.tech, station.admin
    vehicle = w.add_vehicle(admin, None, plate, Powertrain.ICE, "Geely", "Emgrand", 2019).id
    wo = w.create_work_order(admin, vehicle, "brakes squeal", bay="B1").id
    w.check_in(tech, wo, 42_000 + seed)
    w.change_status(tech, wo, Status.DIAGNOSING)
    pads = w.add_finding(
        tech,
        wo,
        FindingDraft(
            "Front brake pads worn",
            Severity.URGENT,
            [part("Brake pads", 1, 38000, "BP-1"), labour("Fit pads", 1.0, 20000)],
            "Replace front pads",
        ),
    ).id
    wipers = w.add_finding(
        tech, wo, FindingDraft("Wiper blades", Severity.ADVISORY, [part("Wipers", 2, 5000)])
    ).id
    w.change_status(tech, wo, Status.AWAITING_APPROVAL)
    w.record_approval(admin, wipers, Decision.DECLINED, "Ms Wang", Channel.DESK)
    add_photo(station, wo, photo_bytes, seed)
    reports = station.data_dir / "reports"
    reports.mkdir(exist_ok=True)
    pdf = b"%PDF-1.7\n" + os.urandom(3000) + b"\n%%EOF\n"
    name = f"report-{wo}-{seed}.pdf"
    (reports / name).write_bytes(pdf)
    w.record_report_issued(admin, wo, hashlib.sha256(pdf).hexdigest(), name, "zh")
    return {"work_order": wo, "pads": pads, "wipers": wipers}


def _ids(rows: list[dict[str, Any]], key: str = "id") -> list[Any]:
    return sorted(row[key] for row in rows)


def assert_cloud_matches(station: Station, cloud: Any) -> None:
    """The cloud holds exactly what the station holds: every fact once, every file intact."""
    store = station.store
    sid = station.station_id
    assert store.query("SELECT seq FROM outbox WHERE acked_at IS NULL") == []
    db = cloud.service.db
    with db.transaction() as tx:

        def cloud_rows(sql: str) -> list[dict[str, Any]]:
            return tx.all(sql, (sid,))

        mutations = cloud_rows("SELECT mutation_id, status FROM mutations WHERE station_id = ?")
        work_orders = cloud_rows(
            "SELECT local_id, status, version FROM work_orders WHERE station_id = ?"
        )
        events = cloud_rows("SELECT local_id FROM progress_events WHERE station_id = ?")
        findings = cloud_rows("SELECT local_id FROM findings WHERE station_id = ?")
        approvals = cloud_rows(
            "SELECT local_id FROM approvals WHERE station_id = ? AND source = 'station'"
        )
        photos = cloud_rows("SELECT local_id FROM photos WHERE station_id = ?")
        reports = cloud_rows("SELECT local_id FROM reports WHERE station_id = ?")
        blobs = tx.all("SELECT sha256, size FROM blobs")
    outbox = store.query("SELECT mutation_id FROM outbox")
    assert _ids(mutations, "mutation_id") == _ids(outbox, "mutation_id")
    assert {m["status"] for m in mutations} <= {"applied"}
    assert sorted((w["local_id"], w["status"], w["version"]) for w in work_orders) == sorted(
        (w["id"], w["status"], w["version"])
        for w in store.query("SELECT id, status, version FROM work_orders")
    )
    assert _ids(events, "local_id") == _ids(store.query("SELECT id FROM progress_events"))
    assert _ids(findings, "local_id") == _ids(store.query("SELECT id FROM findings"))
    assert _ids(approvals, "local_id") == _ids(
        store.query("SELECT id FROM approvals WHERE channel != 'remote'")
    )
    assert _ids(photos, "local_id") == _ids(store.query("SELECT id FROM photos"))
    assert _ids(reports, "local_id") == _ids(store.query("SELECT id FROM reports"))
    wanted = {r["sha256"] for r in store.query("SELECT sha256 FROM reports")}
    for row in store.query("SELECT sha256, thumbnail_sha256, print_sha256 FROM photos"):
        wanted |= set(row.values())
    stored = {b["sha256"]: b["size"] for b in blobs}
    assert wanted <= set(stored)
    for sha in wanted:
        data = cloud.blobs.path(sha).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha
        assert len(data) == stored[sha]
