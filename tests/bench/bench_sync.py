"""Sync throughput: 5,000 mutations and 200 photos of 3 MB drained to a local cloud service,
against a plain single-shot upload of the same bytes to the same server in the same run.

Run standalone: `python tests/bench/bench_sync.py [--mutations N] [--photos N] [--photo-mb M]`.
The pytest version runs a small size only and prints its figures.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from station.commands import init_station
from station.lifecycle import Status
from station.photos import PhotoFiles, PhotoStore, Stage
from station.vehicles import Powertrain
from sync.client import SyncClient, enrol
from sync.server import start_cloud_in_thread


def _jpeg(size: int) -> bytes:
    """A small real picture followed by random filler up to `size` (the store decodes the picture)."""
    encoded = io.BytesIO()
    Image.frombytes("RGB", (16, 16), os.urandom(16 * 16 * 3)).save(encoded, "JPEG")
    picture = encoded.getvalue()
    return picture + os.urandom(max(size - len(picture), 0))


def seed(data_dir: Path, mutations: int, photos: int, photo_bytes: int) -> tuple[int, int]:
    """A station with about `mutations` outbox entries and `photos` photos; returns (entries, bytes)."""
    workshop = init_station(data_dir / "station.db", "Bench Motors", None, "admin", "1234")
    admin = workshop.login("admin", "1234")
    photo_store = PhotoStore(workshop.store, data_dir / "photos")
    vehicle = workshop.add_vehicle(admin, None, "BENCH1", Powertrain.ICE).id
    wo = workshop.create_work_order(admin, vehicle, "bench").id
    workshop.check_in(admin, wo, 10_000)
    workshop.change_status(admin, wo, Status.DIAGNOSING)
    total = 0
    for _ in range(photos):
        files = PhotoFiles(_jpeg(photo_bytes), _jpeg(20_000), _jpeg(60_000), 4000, 3000)
        total += len(files.original) + len(files.thumbnail) + len(files.print_copy)
        photo_store.record(admin, files, wo, Stage.BEFORE)
    count = workshop.store.query("SELECT COUNT(*) AS n FROM outbox")[0]["n"]
    with workshop.store.transaction(admin.name) as tx:
        for n in range(max(mutations - count, 0)):
            tx.outbox(
                "checklist.item_recorded", "checklist_result", n + 1, {"rating": "green", "n": n}
            )
    count = workshop.store.query("SELECT COUNT(*) AS n FROM outbox")[0]["n"]
    workshop.store.close()
    return int(count), total


def run(mutations: int, photos: int, photo_mb: float, chunk: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        entries, total = seed(root / "station", mutations, photos, int(photo_mb * 1024 * 1024))
        cloud = start_cloud_in_thread(root / "cloud.db", root / "blobs")
        try:
            _, secret = cloud.service.issue_token("Bench Motors")
            from station.store import Store

            store = Store.open(root / "station" / "station.db")
            enrol(store, cloud.url, secret)
            store.close()
            with SyncClient(root / "station" / "station.db", chunk_size=chunk) as client:
                started = time.perf_counter()
                report = client.run_once()
                sync_s = time.perf_counter() - started
            assert report.sent == entries, report
            # The plain peer: every file once more, each in one POST, to a fresh blob folder.
            files = sorted((root / "station" / "photos").rglob("*.jpg"))
            plain = start_cloud_in_thread(root / "plain.db", root / "plain-blobs")
            try:
                with httpx.Client(base_url=plain.url, timeout=120) as http:
                    _, token = plain.service.issue_token("Bench Motors")
                    http.headers["Authorization"] = f"Bearer {token}"
                    http.post("/v1/enrol", json={"station_id": "plain"})
                    started = time.perf_counter()
                    plain_bytes = 0
                    for path in files:
                        data = path.read_bytes()
                        plain_bytes += len(data)
                        answer = http.post(
                            f"/v1/blobs/{hashlib.sha256(data).hexdigest()}", content=data
                        )
                        assert answer.status_code == 204, answer.text
                    plain_s = time.perf_counter() - started
            finally:
                plain.stop()
        finally:
            cloud.stop()
    figures = {
        "mutations": entries,
        "files": len(files),
        "megabytes": total / 1e6,
        "sync_s": sync_s,
        "sync_MBps": total / 1e6 / sync_s,
        "plain_s": plain_s,
        "plain_MBps": plain_bytes / 1e6 / plain_s,
    }
    figures["ratio"] = figures["sync_MBps"] / figures["plain_MBps"]
    return figures


def show(figures: dict[str, float]) -> None:
    print(
        f"sync: {figures['mutations']:.0f} mutations + {figures['files']:.0f} files "
        f"({figures['megabytes']:.1f} MB) in {figures['sync_s']:.2f} s = {figures['sync_MBps']:.1f} MB/s "
        f"(mutations, chunked upload with checksums and fsync per chunk, included)\n"
        f"plain single-shot upload of the same files: {figures['plain_s']:.2f} s = {figures['plain_MBps']:.1f} MB/s\n"
        f"sync / plain throughput: {figures['ratio']:.2f} (goal >= 0.5)"
    )


def test_bench_sync_small() -> None:
    show(run(mutations=300, photos=4, photo_mb=1.0, chunk=1024 * 1024))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutations", type=int, default=5000)
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--photo-mb", type=float, default=3.0)
    parser.add_argument("--chunk", type=int, default=1024 * 1024)
    args = parser.parse_args()
    show(run(args.mutations, args.photos, args.photo_mb, args.chunk))
