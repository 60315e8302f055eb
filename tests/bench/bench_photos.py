"""Photo pipeline figures on 12 MP synthetic frames (4000 x 3000).

    python tests/bench/bench_photos.py [--stills 20] [--seconds 5]

Prints the latency from pressing the shutter to a stored photo (full-resolution
still, JPEG original + thumbnail + print copy, fsynced files, committed row), its
parts, and the preview frame rate through the capture thread (scale for the
screen + ghost overlay) next to the rate the synthetic source alone reaches.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from drivers.camera import Camera, PreviewFrame, SyntheticCamera, imaging
from station.photos import PhotoStore, Stage
from station.roles import Role
from station.store import Store
from station.vehicles import Powertrain
from station.workshop import Workshop

WIDTH, HEIGHT = 4000, 3000


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   (n={len(ordered)})"


def bench_stills(folder: Path, count: int) -> None:
    store = Store.open(folder / "station.db")
    workshop = Workshop(store)
    workshop.add_user(None, "admin", Role.ADMIN, "1234")
    actor = workshop.login("admin", "1234")
    vehicle = workshop.add_vehicle(actor, None, "BENCH1", Powertrain.EV).id
    wo_id = workshop.create_work_order(actor, vehicle, bay="B1").id
    photos = PhotoStore(store, folder / "photos")
    total: list[float] = []
    wait: list[float] = []
    encode: list[float] = []
    save: list[float] = []
    with Camera(SyntheticCamera(WIDTH, HEIGHT, fps=10)) as camera:
        camera.still(timeout_s=60)  # first frame drawn: the pattern is ready
        for _ in range(count):
            t0 = time.perf_counter()
            still = camera.still(timeout_s=60)
            t1 = time.perf_counter()
            files = imaging.photo_files(still.image)
            t2 = time.perf_counter()
            photos.record(actor, files, wo_id, Stage.BEFORE)
            t3 = time.perf_counter()
            total.append(t3 - t0)
            wait.append(t1 - t0)
            encode.append(t2 - t1)
            save.append(t3 - t2)
    size = statistics.mean(p.size_bytes for p in photos.for_work_order(wo_id)) / 1e6
    print(f"still -> stored photo, 12 MP ({size:.1f} MB JPEG), camera at 10 fps:")
    print(f"  total             {percentiles(total)}")
    print(f"  wait for frame    {percentiles(wait)}")
    print(f"  encode 3 JPEGs    {percentiles(encode)}")
    print(f"  store (fsync+db)  {percentiles(save)}")

    # Real photos carry detail and sensor noise; the smooth test pattern flatters the encoder.
    rng = np.random.default_rng(2)
    noisy_total: list[float] = []
    sizes: list[int] = []
    for _ in range(max(3, count // 2)):
        frame = still.image + rng.integers(0, 24, still.image.shape, np.uint8)
        t0 = time.perf_counter()
        photo = photos.record(actor, imaging.photo_files(frame), wo_id, Stage.BEFORE)
        noisy_total.append(time.perf_counter() - t0)
        sizes.append(photo.size_bytes)
    store.close()
    print(f"  with sensor noise ({statistics.mean(sizes) / 1e6:.1f} MB JPEG), encode + store:")
    print(f"                    {percentiles(noisy_total)}")


def bench_preview(seconds: float) -> None:
    source = SyntheticCamera(WIDTH, HEIGHT, fps=0)
    source.open()
    source.read()
    t0 = time.perf_counter()
    frames = 0
    while time.perf_counter() - t0 < seconds / 2:
        source.read()
        frames += 1
    source.close()
    source_fps = frames / (time.perf_counter() - t0)

    ghost = np.random.default_rng(1).integers(0, 255, (HEIGHT, WIDTH, 3), np.uint8)
    for label, with_ghost in (("preview", False), ("preview + ghost", True)):
        got: list[float] = []
        done = threading.Event()

        def count(frame: PreviewFrame, got: list[float] = got) -> None:
            got.append(time.perf_counter())

        with Camera(SyntheticCamera(WIDTH, HEIGHT, fps=0), preview_size=(1280, 800)) as camera:
            if with_ghost:
                camera.set_ghost(ghost)
            camera.on_preview(count)
            done.wait(seconds)
        steady = got[len(got) // 5 :]  # leave out the start (pattern, first ghost scaling)
        fps = (len(steady) - 1) / (steady[-1] - steady[0]) if len(steady) > 1 else 0.0
        gaps = [b - a for a, b in itertools.pairwise(steady)]
        print(f"{label:16s} 12 MP -> 1067x800: {fps:5.1f} fps   frame gap {percentiles(gaps)}")
    print(f"synthetic source alone (12 MP frames): {source_fps:5.1f} fps")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stills", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_stills(Path(tmp), args.stills)
    bench_preview(args.seconds)


if __name__ == "__main__":
    main()
