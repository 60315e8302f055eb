"""A workshop hub on 127.0.0.1 and terminals that join it, for the multi-terminal tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.server import CloudHandle, start_cloud_in_thread
from tests.sync.conftest import postgres  # noqa: F401 - the cluster fixture, shared

WORKSHOP = "Harbour Motors"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[CloudHandle]:
    handle = start_cloud_in_thread(tmp_path / "hub" / "hub.db", tmp_path / "hub" / "blobs")
    handle.service.add_first_admin(WORKSHOP, "admin", "1234")
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def pg_hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CloudHandle]:
    """The hub on a new database of the test PostgreSQL cluster (see tests/sync/conftest.py)."""
    import psycopg

    server = request.getfixturevalue("postgres")
    name = f"hub_{os.getpid()}"
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    handle = start_cloud_in_thread(f"{server}/{name}", tmp_path / "hub" / "blobs")
    handle.service.add_first_admin(WORKSHOP, "admin", "1234")
    try:
        yield handle
    finally:
        handle.stop()
