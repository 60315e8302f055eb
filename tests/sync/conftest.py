"""The cloud service under test, on SQLite and on a throwaway PostgreSQL cluster."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.server import CloudHandle, start_cloud_in_thread
from tests.sync.customer_helpers import smtp  # noqa: F401 - the SMTP server fixture, shared

PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb refuses to run as root: run the cluster as the `postgres` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A PostgreSQL cluster on 127.0.0.1 and a free port, started here and stopped at the end."""
    if not PG_BIN or not (PG_BIN[-1] / "initdb").exists():
        pytest.skip("PostgreSQL binaries are absent (install the Debian package postgresql)")
    bin_dir = PG_BIN[-1]
    root = Path(tempfile.mkdtemp(prefix="cloud-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()
    subprocess.run(
        _as_postgres(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_postgres(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
            ),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


_databases = itertools.count(1)


@pytest.fixture(params=["sqlite", "postgresql"])
def cloud_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh cloud database: a SQLite file, or a new database in the PostgreSQL cluster."""
    if request.param == "sqlite":
        return str(tmp_path / "cloud.db")
    import psycopg

    server = request.getfixturevalue("postgres")
    name = f"cloud_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


@pytest.fixture
def cloud(cloud_db: str, tmp_path: Path) -> Iterator[CloudHandle]:
    handle = start_cloud_in_thread(cloud_db, tmp_path / "cloud-blobs")
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def sqlite_cloud(tmp_path: Path) -> Iterator[CloudHandle]:
    handle = start_cloud_in_thread(tmp_path / "cloud.db", tmp_path / "cloud-blobs")
    try:
        yield handle
    finally:
        handle.stop()
