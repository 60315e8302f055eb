"""A whole demo visit with every kind of evidence, built through the real Workshop API.

Shared by the report tests and the report benchmark: scans before and after,
an alignment session with a wheel out of specification, before/after photos on
a finding, walk-around photos, approvals with a drawn signature, station keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from station import alignment as al
from station.commands import init_station
from station.demo import DemoCast, DemoVisit, seed_demo
from station.diagnostics import record_scan
from station.fixtures import load_json
from station.photos import PhotoFiles, PhotoStore, Stage
from station.workshop import Workshop

VIN_SEDAN = "LSVAU2180N2183741"


@dataclass
class Visit:
    data_dir: Path
    workshop: Workshop
    cast: DemoCast
    demo: DemoVisit
    photos: PhotoStore

    @property
    def wo_id(self) -> int:
        return self.demo.wo_id


def synthetic_jpeg(width: int, height: int, seed: int, quality: int = 90) -> bytes:
    """A photo-like picture: gradients, shapes and a little sensor noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = rng.integers(40, 200, size=3)
    image = np.empty((height, width, 3), dtype=np.float32)
    for c in range(3):
        image[..., c] = base[c] + 50 * np.sin(x / (width / (2 + c))) * np.cos(y / (height / 3))
    for _ in range(6):
        cx, cy = int(rng.integers(0, width)), int(rng.integers(0, height))
        radius = int(rng.integers(height // 20, height // 5))
        colour = tuple(int(v) for v in rng.integers(0, 255, size=3))
        cv2.circle(image, (cx, cy), radius, colour, thickness=-1)
    image += rng.normal(0, 4, size=image.shape).astype(np.float32)
    ok, encoded = cv2.imencode(
        ".jpg", np.clip(image, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    assert ok
    return bytes(encoded.tobytes())


def photo_files(width: int, height: int, seed: int) -> PhotoFiles:
    original = synthetic_jpeg(width, height, seed)
    small = synthetic_jpeg(320, 240, seed)
    return PhotoFiles(original, small, small, width, height)


SCAN_PRE: dict[str, Any] = {
    "vin": VIN_SEDAN,
    "protocol": "ISO 15765-4 CAN (11 bit, 500 kbaud)",
    "ecus": [
        {
            "id": "7E8",
            "name": "Engine",
            "dtcs": [
                {"code": "P0301", "kind": "stored", "description": None},
                {"code": "P0171", "kind": "pending", "description": None},
            ],
            "readiness": {},
            "pids": {},
            "freeze_frame": None,
        }
    ],
    "elapsed_ms": 420,
}
SCAN_POST: dict[str, Any] = {
    **SCAN_PRE,
    "ecus": [
        {
            **SCAN_PRE["ecus"][0],
            "dtcs": [{"code": "P0171", "kind": "pending"}, {"code": "P0301", "kind": "permanent"}],
        }
    ],
}


def build_visit(
    data_dir: Path, pairs: int = 1, walk_around: int = 2, size: tuple[int, int] = (800, 600)
) -> Visit:
    """A visit up to `ready`, with `pairs` before/after photo pairs on the brake finding."""
    seed = load_json("demo_seed.json")
    admin = next(u for u in seed["users"] if u["role"] == "admin")
    workshop = init_station(
        data_dir / "station.db", seed["workshop"], "station-test-1", admin["name"], admin["pin"]
    )
    cast = seed_demo(workshop)  # init_station made the station keys
    demo = DemoVisit(workshop, cast, narrate=lambda _text: None)
    photos = PhotoStore(workshop.store, data_dir / "photos")
    demo.reception()
    technician = demo.technician
    for n in range(walk_around):
        photos.record(
            technician,
            photo_files(*size, seed=100 + n),
            demo.wo_id,
            Stage.WALK_AROUND,
            caption=f"walk-around {n + 1}",
        )
    demo.start_diagnosis()
    record_scan(workshop, technician, demo.wo_id, "pre", SCAN_PRE)
    demo.inspection()
    demo.findings_for_approval(dtc="P0301")
    befores = [
        photos.record(
            technician,
            photo_files(*size, seed=200 + n),
            demo.wo_id,
            Stage.BEFORE,
            finding_id=demo.finding_ids["pads_rear"],
            caption=f"rear pads before {n + 1}",
        )
        for n in range(pairs)
    ]
    demo.customer_decides()
    demo.repair()
    for n, before in enumerate(befores):
        photos.record(
            technician,
            photo_files(*size, seed=300 + n),
            demo.wo_id,
            Stage.AFTER,
            finding_id=demo.finding_ids["pads_rear"],
            before_id=before.id,
            caption=f"rear pads after {n + 1}",
        )
    record_scan(workshop, technician, demo.wo_id, "post", SCAN_POST)
    vehicle = demo.vehicle
    spec = al.spec_for(vehicle["make"], vehicle["model"], vehicle["year"])
    session = al.AlignmentSession(
        before=al.AlignmentSet(
            (
                al.AlignmentReading(al.Position.FRONT_LEFT, al.Quantity.TOE, 0.05),
                al.AlignmentReading(al.Position.FRONT_RIGHT, al.Quantity.TOE, 0.06),
                al.AlignmentReading(al.Position.REAR_LEFT, al.Quantity.TOE, 0.10),
                al.AlignmentReading(al.Position.REAR_RIGHT, al.Quantity.TOE, 1.30),
                al.AlignmentReading(al.Position.FRONT_LEFT, al.Quantity.CAMBER, -0.6),
            )
        ),
        after=al.AlignmentSet(
            (
                al.AlignmentReading(al.Position.FRONT_LEFT, al.Quantity.TOE, 0.05),
                al.AlignmentReading(al.Position.FRONT_RIGHT, al.Quantity.TOE, 0.06),
                al.AlignmentReading(al.Position.REAR_LEFT, al.Quantity.TOE, 0.10),
                al.AlignmentReading(al.Position.REAR_RIGHT, al.Quantity.TOE, 0.11),
                al.AlignmentReading(al.Position.FRONT_LEFT, al.Quantity.CAMBER, -0.6),
            )
        ),
        rig="rig-sim",
        rig_session="test-1",
    )
    al.store_alignment(workshop, technician, demo.wo_id, session, spec)
    demo.quality_check()
    return Visit(data_dir, workshop, cast, demo, photos)
