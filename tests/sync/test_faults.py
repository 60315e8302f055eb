"""Sync through a broken network and a station killed mid-sync: the cloud ends up exactly right."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from station import inbox
from sync.client import SyncClient, enrol
from sync.errors import Offline
from sync.server import CloudHandle
from tests.sync.faultproxy import FaultProxy, Faults
from tests.sync.helpers import add_photo, assert_cloud_matches, make_station, visit

CHUNK = 64 * 1024


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _until_done(client: SyncClient, tries: int = 200) -> int:
    """Run until one whole run succeeds; returns how many runs failed on the way."""
    for failed in range(tries):
        try:
            client.run_once()
            return failed
        except Offline:
            continue
    raise AssertionError(f"no clean run in {tries} tries: {client.status()}")


def test_cuts_delays_duplicates_and_reorders_leave_the_cloud_exact(
    tmp_path: Path, cloud: CloudHandle
) -> None:
    station = make_station(tmp_path / "station")
    for n in range(4):
        ids = visit(station, f"F{n}", photo_bytes=300_000, seed=n)
        add_photo(station, ids["work_order"], 200_000, seed=100 + n)
    faults = Faults(
        cut_request=0.15,
        cut_response=0.15,
        delay=0.2,
        max_delay_s=0.3,
        duplicate=0.25,
        max_replay_delay_s=0.8,
    )
    with FaultProxy(_port(cloud.url), faults, seed=11) as proxy:
        _, secret = cloud.service.issue_token("Harbour Motors")
        proxy.enabled = False
        enrol(station.store, proxy.url, secret)
        proxy.enabled = True
        client = SyncClient(
            station.store,
            batch_size=7,
            chunk_size=CHUNK,
            timeout=5,
            attempts=3,
            backoff_base=0.01,
            rng=random.Random(3),
        )
        with client:
            failed_runs = _until_done(client)
            status = client.status()
            # Let the late duplicates land before checking that they changed nothing.
            time.sleep(faults.max_replay_delay_s + 0.5)
        counters = proxy.counters
    assert counters.cuts > 0 and counters.duplicates > 0 and counters.delays > 0
    assert_cloud_matches(station, cloud)
    # Each cut costs at most the chunk that was in flight.
    assert status.bytes_resent <= counters.cuts * CHUNK
    print(
        f"\nrequests {counters.requests}, cuts {counters.cuts}, delays {counters.delays}, "
        f"duplicates {counters.duplicates}, failed runs {failed_runs}, "
        f"uploaded {status.bytes_uploaded} B, resent {status.bytes_resent} B"
    )


def _sync_child(data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "station.cli",
            "sync",
            "--loop",
            "--interval",
            "0.05",
            "--batch",
            "5",
            "--chunk",
            str(CHUNK),
            "--timeout",
            "5",
            "--data-dir",
            str(data_dir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )


@pytest.mark.slow
def test_a_station_killed_mid_sync_resumes_without_duplicates(
    tmp_path: Path, sqlite_cloud: CloudHandle
) -> None:
    cloud = sqlite_cloud
    station = make_station(tmp_path / "station")
    for n in range(3):
        visit(station, f"K{n}", photo_bytes=400_000, seed=n)
    faults = Faults(cut_request=0.05, cut_response=0.05, delay=0.1, max_delay_s=0.2, duplicate=0.2)
    rng = random.Random(5)
    kills = 0
    with FaultProxy(_port(cloud.url), faults, seed=21) as proxy:
        _, secret = cloud.service.issue_token("Harbour Motors")
        proxy.enabled = False
        enrol(station.store, proxy.url, secret)
        proxy.enabled = True
        for round_ in range(5):
            child = _sync_child(station.data_dir)
            time.sleep(rng.uniform(0.3, 1.2))
            # The bay keeps working while the sync runs in another process.
            visit(station, f"R{round_}", photo_bytes=300_000, seed=50 + round_)
            time.sleep(rng.uniform(0.1, 0.6))
            child.send_signal(signal.SIGKILL)
            child.wait(30)
            kills += 1
        proxy.enabled = False
        with SyncClient(station.store, chunk_size=CHUNK, timeout=30, backoff_base=0.01) as client:
            _until_done(client, tries=5)
            assert client.status().pending_mutations == 0
    assert kills == 5
    assert_cloud_matches(station, cloud)
    assert inbox.conflicts(station.store) == []
