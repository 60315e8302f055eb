"""The customer page's rate limits are one budget per link and per address, whichever worker
or process of the cloud (or hub) answers: the counts live in its database."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from sync.cloud_db import CloudDatabase
from sync.customer_routes import Limits


def test_two_workers_on_one_database_share_the_budgets(cloud_db: str) -> None:
    limits = Limits(link_per_minute=60, link_burst=2, address_per_minute=60, address_burst=3)
    one, two = limits.limiter(CloudDatabase(cloud_db)), limits.limiter(CloudDatabase(cloud_db))
    # The link's burst of 2 is spent across both workers; the refused try still costs the address.
    assert [one.allow("L", "A", 0.0), two.allow("L", "A", 0.0), one.allow("L", "A", 0.0)] == [
        True,
        True,
        False,
    ]
    assert not two.allow("M", "A", 0.0)  # the address's 3 are gone, whichever link it asks for
    assert two.allow("M", "B", 0.0)  # another address, another link
    # One token a second comes back: one request each for the link and the address.
    assert one.allow("L", "A", 1.0) and not two.allow("L", "A", 1.0)
    # A worker whose clock is behind refills nothing.
    assert not one.allow("L", "A", 0.5)
    assert two.allow("L", "A", 60.0)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# A cloud process with small budgets that do not refill during the test.
_SERVE = """
import sys, uvicorn
from sync.customer_routes import Limits
from sync.server import build, create_app, uvicorn_config
service, blobs = build(sys.argv[1], sys.argv[2])
limits = Limits(link_per_minute=0.01, link_burst=4, address_per_minute=0.01, address_burst=6)
app = create_app(service, blobs, limits)
uvicorn.Server(uvicorn_config(app, "127.0.0.1", int(sys.argv[3]), None, None)).run()
"""


def _cloud_process(folder: Path, db: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", _SERVE, str(db), str(folder / "blobs"), str(port)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read() if process.stderr else b""
            raise AssertionError(f"the cloud stopped: {error!r}")
        try:
            if httpx.get(url + "/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not start")


def test_two_cloud_processes_count_one_link_and_one_address_together(tmp_path: Path) -> None:
    db = tmp_path / "cloud.db"
    CloudDatabase(str(db)).close()  # the schema, before two processes race to make it
    ports = (_free_port(), _free_port())
    processes = [_cloud_process(tmp_path / f"p{n}", db, port) for n, port in enumerate(ports)]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, processes, strict=True):
            _wait_until_up(url, process)
        link, other = "y" * 22, "z" * 22
        # The link's 4 are spent by both processes together (an unknown link, but every
        # try counts), then each process refuses it.
        answers = [httpx.get(f"{urls[n % 2]}/t/{link}/state", timeout=30) for n in range(6)]
        assert [r.status_code for r in answers] == [404, 404, 404, 404, 429, 429]
        # The address's 6 are spent as well: another link is refused by both now.
        assert [httpx.get(f"{u}/t/{other}/state", timeout=30).status_code for u in urls] == [
            429,
            429,
        ]
        assert "too many" in answers[-1].json()["error"]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
