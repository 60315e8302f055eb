"""Backups and restore, through the command line a workshop would use, offline."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from station import backup
from station.store import Store

ADMIN = ("--user", "admin", "--pin", "1234")


def station(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, "STATION_ADMIN_PIN": "1234"},
        timeout=120,
    )


def plates(data_dir: Path) -> list[str]:
    store = Store.open(data_dir / "station.db")
    try:
        return [r["plate"] for r in store.query("SELECT plate FROM vehicles ORDER BY id")]
    finally:
        store.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    assert station("init", data_dir=folder).returncode == 0
    assert station("wo", "create", "--plate", "A1", *ADMIN, data_dir=folder).returncode == 0
    return folder


def test_backup_then_restore_brings_the_station_back(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "usb" / "station-copy.db"
    made = station("backup", "--to", str(copy), data_dir=data_dir)
    assert made.returncode == 0 and str(copy) in made.stdout
    assert (copy.stat().st_mode & 0o777) == 0o600
    assert station("wo", "create", "--plate", "B2", *ADMIN, data_dir=data_dir).returncode == 0
    assert plates(data_dir) == ["A1", "B2"]
    restored = station("restore", str(copy), data_dir=data_dir)
    assert restored.returncode == 0, restored.stderr
    assert "chain intact" in restored.stdout and "kept as" in restored.stdout
    assert plates(data_dir) == ["A1"]
    aside = [b for b in backup.backups(data_dir / "station.db") if b.kind == backup.BEFORE_RESTORE]
    assert len(aside) == 1
    assert plates_in(aside[0].path) == ["A1", "B2"], "the replaced database is kept"
    assert station("audit", "verify", data_dir=data_dir).returncode == 0
    assert station("wo", "create", "--plate", "C3", *ADMIN, data_dir=data_dir).returncode == 0


def plates_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT plate FROM vehicles ORDER BY id")]
    finally:
        conn.close()


def test_restore_replaces_an_empty_or_damaged_database(data_dir: Path) -> None:
    assert station("backup", data_dir=data_dir).returncode == 0
    (manual,) = [b for b in backup.backups(data_dir / "station.db") if b.kind == backup.MANUAL]
    database = data_dir / "station.db"
    database.write_bytes(b"")
    refused = station("wo", "list", data_dir=data_dir)
    assert refused.returncode == 2 and "empty" in refused.stderr
    assert "Traceback" not in refused.stderr
    restored = station("restore", str(manual.path), data_dir=data_dir)
    assert restored.returncode == 0, restored.stderr
    assert plates(data_dir) == ["A1"]
    damaged = [b for b in backup.backups(database) if b.kind == backup.DAMAGED]
    assert len(damaged) == 1 and damaged[0].path.stat().st_size == 0


def test_restore_refuses_a_bad_backup_and_changes_nothing(data_dir: Path, tmp_path: Path) -> None:
    database = data_dir / "station.db"
    before = plates(data_dir)
    empty = tmp_path / "empty.db"
    empty.touch()
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE songs (title TEXT)").connection.commit()
    for bad, reason in (
        (empty, "is empty"),
        (junk, "not a"),
        (other, "is not a station database"),
        (tmp_path / "missing.db", "does not exist"),
    ):
        refused = station("restore", str(bad), data_dir=data_dir)
        assert refused.returncode == 2, bad
        assert "not restoring" in refused.stderr and reason in refused.stderr, refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    assert plates(data_dir) == before
    assert not [b for b in backup.backups(database) if b.kind == backup.BEFORE_RESTORE]


def test_restore_refuses_a_backup_whose_audit_chain_was_rewritten(
    data_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    assert station("backup", "--to", str(copy), data_dir=data_dir).returncode == 0
    forged = sqlite3.connect(copy)
    forged.execute("DROP TRIGGER audit_events_no_update")
    forged.execute("UPDATE audit_events SET actor = 'someone else' WHERE seq = 2")
    forged.commit()
    forged.close()
    refused = station("restore", str(copy), data_dir=data_dir)
    assert refused.returncode == 2
    assert "audit chain is broken at event 2" in refused.stderr


def test_restore_is_refused_while_the_station_is_open(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    assert station("backup", "--to", str(copy), data_dir=data_dir).returncode == 0
    app = Store.open(data_dir / "station.db")  # the app, open at the desk
    try:
        refused = station("restore", str(copy), data_dir=data_dir)
        assert refused.returncode == 2 and "in use" in refused.stderr
        assert app.quick_check() is None
    finally:
        app.close()
    assert station("restore", str(copy), data_dir=data_dir).returncode == 0


def test_old_backups_are_pruned_per_kind(tmp_path: Path) -> None:
    database = tmp_path / "station.db"
    Store.open(database).close()
    start = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    for day in range(10):
        backup.take(database, backup.DAILY, start + timedelta(days=day), keep=7)
    backup.take(database, backup.BEFORE_MIGRATION, start, keep=5)
    kept = backup.backups(database)
    dailies = [b.taken_at for b in kept if b.kind == backup.DAILY]
    assert dailies == [start + timedelta(days=day) for day in range(3, 10)]
    assert [b.kind for b in kept].count(backup.BEFORE_MIGRATION) == 1
    assert not [p for p in backup.backups_folder(database).iterdir() if p.name.startswith(".")]


def test_a_backup_is_a_consistent_copy_while_the_station_writes(tmp_path: Path) -> None:
    database = tmp_path / "station.db"
    store = Store.open(database)
    with store.transaction("t") as tx:
        tx.audit("first", "x", {})
        target = tmp_path / "mid.db"
        backup.copy_database(database, target)  # a write transaction is open: not in the copy
        tx.audit("second", "x", {})
    copy = Store.open(target, migrations=[])
    assert [r["kind"] for r in copy.query("SELECT kind FROM audit_events")] == []
    assert copy.verify_audit_chain().ok
    copy.close()
    store.close()


def test_restore_refuses_another_stations_database(data_dir: Path, tmp_path: Path) -> None:
    """Another station's database would bring its own admin and PIN into this station's place."""
    elsewhere = tmp_path / "elsewhere"
    assert station("init", data_dir=elsewhere).returncode == 0
    assert station("wo", "create", "--plate", "Z9", *ADMIN, data_dir=elsewhere).returncode == 0
    before = plates(data_dir)
    refused = station("restore", str(elsewhere / "station.db"), data_dir=data_dir)
    assert refused.returncode == 2, refused.stdout
    assert "is a backup of station" in refused.stderr and "not of this station" in refused.stderr
    assert plates(data_dir) == before
    assert not [
        b for b in backup.backups(data_dir / "station.db") if b.kind == backup.BEFORE_RESTORE
    ]
