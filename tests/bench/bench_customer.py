"""The customer's page: its weight, time to first byte with 1,000 work orders in the cloud,
and 200 page views at once, all on 127.0.0.1.

Run: `python tests/bench/bench_customer.py [--work-orders N] [--concurrent N]`. The cloud is
seeded through its own mutation API (what stations send), one photo pair per work order
with thumbnails of the camera's size, and a report. The rate limits are raised for the run:
200 views at once from one address would otherwise be refused (429) by design.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import itertools

from sync.blobstore import BlobStore
from sync.cloud import CloudService
from sync.cloud_db import CloudDatabase
from sync.customer_routes import Limits

STATION = "bench-station"


def _thumbnail(seed: int) -> bytes:
    """A 320 x 240 JPEG, the size the camera's thumbnails have."""
    image = Image.new("RGB", (320, 240), ((seed * 37) % 255, (seed * 91) % 255, 120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _mutations(wo: int, seq: int) -> list[dict[str, Any]]:
    at = "2026-11-30T08:00:00.000Z"
    out: list[dict[str, Any]] = []

    def add(kind: str, entity: str, entity_id: int, payload: dict[str, Any]) -> None:
        out.append(
            {
                "mutation_id": f"{wo}-{len(out)}",
                "seq": seq + len(out),
                "kind": kind,
                "entity": entity,
                "entity_id": str(entity_id),
                "payload": payload,
                "user": "bench",
            }
        )

    add(
        "work_order.created",
        "work_order",
        wo,
        {"number": f"WO-{wo:05d}", "status": "booked", "version": 1, "created_at": at},
    )
    statuses = ["booked", "checked_in", "diagnosing", "awaiting_approval"]
    for version, (src, dst) in enumerate(itertools.pairwise(statuses), start=2):
        add(
            "work_order.status_changed",
            "progress_event",
            wo * 10 + version,
            {
                "work_order_id": wo,
                "from_status": src,
                "to_status": dst,
                "version": version,
                "text_en": dst,
                "text_zh": dst,
                "at": at,
            },
        )
    for n in range(3):
        add(
            "finding.added",
            "finding",
            wo * 10 + n,
            {
                "work_order_id": wo,
                "title": f"Finding {n} / 发现 {n}",
                "severity": "urgent" if n == 0 else "soon",
                "total_cents": 58_000,
                "lines": [
                    {"description": "Pads / 刹车片", "quantity": 1, "unit_price_cents": 38_000},
                    {"description": "Labour / 工时", "quantity": 1, "unit_price_cents": 20_000},
                ],
                "measurement_value": 2.6,
                "measurement_unit": "mm",
                "remaining_life_km": 1000,
                "created_at": at,
            },
        )
    return out


def seed_cloud(folder: Path, work_orders: int) -> tuple[list[str], list[str]]:
    """The cloud with `work_orders` visits; returns their links and one visit's thumbnails."""
    service = CloudService(CloudDatabase(str(folder / "cloud.db")))
    blobs = BlobStore(folder / "blobs")
    _token_id, secret = service.issue_token("Bench Motors")
    auth = service.authenticate(f"Bearer {secret}")
    service.enrol(auth, STATION, "bench")
    auth = service.authenticate(f"Bearer {secret}")
    seq = 1
    batch: list[dict[str, Any]] = []
    for wo in range(1, work_orders + 1):
        batch.extend(_mutations(wo, seq + len(batch)))
        if len(batch) > 800:
            service.apply_batch(auth, STATION, batch)
            seq += len(batch)
            batch = []
    if batch:
        service.apply_batch(auth, STATION, batch)
        seq += len(batch)
    thumbs = []
    photo_batch = []
    for n in range(2):
        data = _thumbnail(n)
        sha = hashlib.sha256(data).hexdigest()
        blobs.put(sha, data)
        service.record_blob(sha, len(data), STATION)
        thumbs.append(sha)
        photo_batch.append(
            {
                "mutation_id": f"photo-{n}",
                "seq": seq + n,
                "kind": "photo.recorded",
                "entity": "photo",
                "entity_id": str(n + 1),
                "payload": {
                    "work_order_id": 1,
                    "sha256": sha,
                    "thumbnail_sha256": sha,
                    "print_sha256": sha,
                    "stage": "before" if n == 0 else "after",
                    "subject": "pads",
                    "finding_id": 10,
                    "before_id": None if n == 0 else 1,
                    "caption": "pads",
                    "recorded_at": "2026-11-30T08:00:00.000Z",
                },
            }
        )
    service.apply_batch(auth, STATION, photo_batch)
    with service.db.transaction() as tx:
        links = [
            r["public_id"] for r in tx.all("SELECT public_id FROM work_orders ORDER BY local_id")
        ]
    service.db.close()
    return links, thumbs


def first_byte_ms(client: httpx.Client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with client.stream("GET", url) as response:
        stream = response.iter_bytes()
        first = next(stream, b"")
        elapsed = (time.perf_counter() - started) * 1000
        size = len(first) + sum(len(chunk) for chunk in stream)
    assert response.status_code == 200, response.status_code
    return elapsed, size


async def views_at_once(
    base: str, links: list[str], concurrent: int
) -> tuple[float, list[float], int]:
    """`concurrent` phones opening their link at once, each on its own connection.

    The client is a plain HTTP/1.1 request on an asyncio stream: on a two-core machine a
    full HTTP client library spends several times the server's CPU on 200 views, and the
    figure would measure the client.
    """
    host, port = base.removeprefix("http://").rsplit(":", 1)
    latencies: list[float] = []
    failures = 0

    async def view(n: int) -> None:
        nonlocal failures
        started = time.perf_counter()
        reader, writer = await asyncio.open_connection(host, int(port))
        path = f"/t/{links[(n * 7919) % len(links)]}?lang=zh"
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        answer = await reader.read()
        writer.close()
        await writer.wait_closed()
        latencies.append((time.perf_counter() - started) * 1000)
        if not answer.startswith(b"HTTP/1.1 200") or not answer.rstrip().endswith(b"</html>"):
            failures += 1

    started = time.perf_counter()
    await asyncio.gather(*(view(n) for n in range(concurrent)))
    return time.perf_counter() - started, latencies, failures


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def serve(folder: Path, port: int) -> None:
    """The cloud in its own process (the benchmark's client must not share its interpreter)."""
    import uvicorn

    from sync.server import build, create_app, uvicorn_config

    service, blobs = build(folder / "cloud.db", folder / "blobs")
    generous = Limits(link_burst=100_000, address_burst=100_000, address_per_minute=1e6)
    uvicorn.Server(
        uvicorn_config(create_app(service, blobs, generous), "127.0.0.1", port, None, None)
    ).run()


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    process = subprocess.Popen([sys.executable, __file__, "--serve", str(folder), str(port)])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/v1/health", timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the cloud did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work-orders", type=int, default=1000)
    parser.add_argument("--concurrent", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-customer-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        links, thumbs = seed_cloud(folder, args.work_orders)
        print(
            f"seeded {len(links)} work orders in {time.perf_counter() - started:.1f} s; "
            f"machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        process, url = start_server(folder)
        try:
            with httpx.Client(base_url=url, timeout=30) as client:
                first_byte_ms(client, f"/t/{links[0]}")  # warm up
                page_ms, page_bytes = first_byte_ms(client, f"/t/{links[0]}?lang=zh")
                en_bytes = len(client.get(f"/t/{links[0]}?lang=en").content)
                photo_bytes = sum(
                    len(client.get(f"/t/{links[0]}/photo/{s}").content) for s in thumbs
                )
                samples = [
                    first_byte_ms(client, f"/t/{links[(n * 613) % len(links)]}?lang=zh")[0]
                    for n in range(100)
                ]
                state_ms = [first_byte_ms(client, f"/t/{links[n]}/state")[0] for n in range(100)]
            print(
                f"page weight before photos: {page_bytes / 1024:.1f} KB (zh), {en_bytes / 1024:.1f} KB (en); "
                f"{len(thumbs)} thumbnails add {photo_bytes / 1024:.1f} KB"
            )
            print(
                f"time to first byte, one at a time over {len(samples)} pages: median "
                f"{statistics.median(samples):.1f} ms, p95 {percentile(samples, 0.95):.1f} ms "
                f"(first view {page_ms:.1f} ms); the poll (/state): median {statistics.median(state_ms):.1f} ms"
            )
            server_before, client_before = cpu_seconds(process.pid), time.process_time()
            wall, latencies, failures = asyncio.run(views_at_once(url, links, args.concurrent))
            server_cpu = cpu_seconds(process.pid) - server_before
            client_cpu = time.process_time() - client_before
            print(
                f"{args.concurrent} page views at once: all done in {wall:.2f} s "
                f"({args.concurrent / wall:.0f} pages/s), latency median {statistics.median(latencies):.0f} ms, "
                f"p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms, {failures} failed"
            )
            # On a shared machine the wall time is mostly waiting for a core: the server's own
            # CPU time says what the views cost it, whatever else runs.
            print(
                f"  the server's CPU for them: {server_cpu:.2f} s ({server_cpu / args.concurrent * 1000:.1f} ms "
                f"a page, rate limits included); the benchmark's own client used {client_cpu:.2f} s"
            )
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
