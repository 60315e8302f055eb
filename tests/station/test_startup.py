"""Start-up: a new database is made whole; an empty, foreign or damaged one is refused, unchanged."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from station import backup
from station import store as store_module
from station.config import load_config
from station.errors import StoreError
from station.schema import MIGRATIONS, Migration
from station.startup import open_station
from station.store import Store
from station.workshop import Workshop

PAGE = 4096


def station_db(tmp_path: Path) -> Path:
    """A station database with some work in it, fully folded into its file (no WAL).

    It is a copy, as a file brought from another disk is: this process has not checked it.
    """
    made = tmp_path / "made" / "station.db"
    store = Store.open(made)
    with store.transaction("t") as tx:
        for n in range(300):
            tx.insert("customers", {"name": f"customer {n}" * 5, "created_at": tx.at})
            tx.audit("customer.added", f"customer:{n}", {"n": n})
    store.close()
    # No free pages (the row seals' notes leave some): its last page holds data.
    folded = sqlite3.connect(made)
    folded.execute("VACUUM")
    folded.close()
    assert not Path(f"{made}-wal").exists()
    path = tmp_path / "station.db"
    shutil.copyfile(made, path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_database_is_created_whole_and_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "station.db"
    store = Store.open(path)
    store.close()
    assert (path.stat().st_mode & 0o777) == 0o600
    assert (path.parent.stat().st_mode & 0o777) == 0o700
    # no temporary file left; the marker says the new file was checked whole
    assert sorted(p.name for p in path.parent.iterdir()) == [".station.db.checked", "station.db"]
    again = Store.open(path)
    assert again.pending(MIGRATIONS) == []
    assert again.quick_check() is None
    again.close()


def test_a_failed_migration_leaves_no_database_behind(tmp_path: Path) -> None:
    def broken(db: object) -> None:
        raise RuntimeError("the step fails")

    path = tmp_path / "station.db"
    with pytest.raises(RuntimeError):
        Store.open(path, migrations=[*MIGRATIONS, Migration("9999_broken", broken)])
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "station.db"
    path.touch()
    with pytest.raises(StoreError, match=r"the file is empty \(0 bytes\).*station restore FILE"):
        Store.open(path)
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["station.db"]


def test_a_file_that_is_no_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "station.db"
    path.write_bytes(b"PK\x03\x04 a zip, not a database" * 50)
    with pytest.raises(StoreError, match="it is not an SQLite database"):
        Store.open(path)


def test_an_sqlite_database_of_something_else_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "station.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE songs (title TEXT)")
    other.commit()
    other.close()
    before = digest(path)
    with pytest.raises(StoreError, match="it holds no station"):
        Store.open(path)
    assert digest(path) == before


@pytest.mark.parametrize(
    "damage",
    ["last page random", "last page zeroed", "last page cut off", "middle page random"],
)
def test_a_damaged_database_is_refused_with_one_line(tmp_path: Path, damage: str) -> None:
    path = station_db(tmp_path)
    size = path.stat().st_size
    with path.open("r+b") as file:
        if damage == "last page random":
            file.seek(size - PAGE)
            file.write(os.urandom(PAGE))
        elif damage == "last page zeroed":
            file.seek(size - PAGE)
            file.write(bytes(PAGE))
        elif damage == "last page cut off":
            file.truncate(size - PAGE)
        else:
            file.seek((size // PAGE // 2) * PAGE)
            file.write(os.urandom(PAGE))
    damaged = digest(path)
    with pytest.raises(StoreError) as refused:
        Store.open(path)
    message = str(refused.value)
    assert "is not a usable station database" in message and "station restore FILE" in message
    assert digest(path) == damaged, "a refused database is left exactly as it was"
    assert not backup.backups(path), "no backup is made of a damaged database"


def test_upgrading_a_station_backs_it_up_first(tmp_path: Path) -> None:
    path = tmp_path / "station.db"
    Store.open(path, migrations=MIGRATIONS[:-1]).close()
    before = digest(path)
    store = Store.open(path)
    store.close()
    (taken,) = backup.backups(path)
    assert taken.kind == backup.BEFORE_MIGRATION
    assert (taken.path.stat().st_mode & 0o777) == 0o600
    old = Store.open(taken.path, migrations=[])
    assert old.pending(MIGRATIONS) == [MIGRATIONS[-1].name]
    old.close()
    assert digest(path) != before
    Store.open(path).close()
    assert len(backup.backups(path)) == 1, "no backup when nothing is to migrate"


def test_start_up_takes_the_daily_backup_once_a_day(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    Store.open(data_dir / "station.db").close()
    now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    config = load_config(data_dir=data_dir, env={"STATION_BACKUP_KEEP_DAILY": "2"})
    for hours in (0, 1, 23, 24, 30, 48, 72):
        store = Store.open(config.database_path, clock=lambda h=hours: now + timedelta(hours=h))
        backup.daily(config.database_path, store.clock(), config.get_int("backup.keep_daily", 7))
        store.close()
    taken = [b.taken_at for b in backup.backups(config.database_path)]
    assert taken == [now + timedelta(hours=48), now + timedelta(hours=72)]


def test_opening_the_station_takes_its_first_daily_backup(tmp_path: Path) -> None:
    config = load_config(data_dir=tmp_path / "data", env={})
    Store.open(config.database_path).close()
    for _ in range(2):
        Workshop(open_station(config)).store.close()
    assert [b.kind for b in backup.backups(config.database_path)] == [backup.DAILY]


def test_an_older_daily_backup_is_kept_while_the_day_has_not_passed() -> None:
    now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    name = backup.backup_name(backup.DAILY, now - timedelta(hours=23, minutes=59))
    parsed = backup.parse_backup_name(name)
    assert parsed == (backup.DAILY, now - timedelta(hours=23, minutes=59))
    existing = [backup.Backup(Path(name), backup.DAILY, parsed[1])]
    assert not backup.daily_due(existing, now)
    assert backup.daily_due(existing, now + timedelta(minutes=1))
    assert backup.daily_due([], now)
    assert backup.parse_backup_name("station.db") is None
    assert backup.parse_backup_name("weekly-20261130T080000000Z.db") is None


class CheckSpy:
    """Counts the whole-file checks the store runs (the real check still runs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = store_module.quick_check

        def counted(conn: sqlite3.Connection) -> str | None:
            self.count += 1
            return real(conn)

        monkeypatch.setattr(store_module, "quick_check", counted)

    def new_process(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """What a new process knows: nothing checked in memory, only the marker on disk."""
        monkeypatch.setattr(store_module, "_CHECKED_FILES", set())


def test_a_command_relies_on_the_day_s_whole_file_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = station_db(tmp_path)
    spy = CheckSpy(monkeypatch)
    spy.new_process(monkeypatch)
    Store.open(path, full_check=False).close()
    assert spy.count == 1, "no marker yet: the first command reads every page"
    marker = store_module.check_marker_path(path)
    assert (marker.stat().st_mode & 0o777) == 0o600
    for _ in range(3):
        spy.new_process(monkeypatch)
        Store.open(path, full_check=False).close()
    assert spy.count == 1, "later commands that day open on the header and schema alone"
    spy.new_process(monkeypatch)
    Store.open(path).close()
    assert spy.count == 2, "the app (and doctor, backup) still read every page"


@pytest.mark.parametrize("why", ["a day old", "another boot", "another file"])
def test_a_stale_marker_means_the_whole_file_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, why: str
) -> None:
    path = station_db(tmp_path)
    Store.open(path).close()
    marker = store_module.check_marker_path(path)
    body = json.loads(marker.read_text())
    if why == "a day old":
        body["at"] -= store_module.CHECK_VALID_S + 1
    elif why == "another boot":
        body["boot"] = "another-boot"
    else:
        body["ino"] += 1
    marker.write_text(json.dumps(body))
    spy = CheckSpy(monkeypatch)
    spy.new_process(monkeypatch)
    Store.open(path, full_check=False).close()
    assert spy.count == 1


def test_a_damaged_file_found_by_the_full_check_loses_its_marker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = station_db(tmp_path)
    Store.open(path).close()
    marker = store_module.check_marker_path(path)
    assert marker.exists()
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek((size // PAGE // 2) * PAGE)
        file.write(os.urandom(PAGE))
    CheckSpy(monkeypatch).new_process(monkeypatch)
    with pytest.raises(StoreError, match="is not a usable station database"):
        Store.open(path)
    assert not marker.exists(), "the next command reads every page again and refuses too"
    with pytest.raises(StoreError, match="is not a usable station database"):
        Store.open(path, full_check=False)


def test_station_doctor_reads_every_page(tmp_path: Path) -> None:
    from station.cli import main

    data_dir = tmp_path / "data"
    Store.open(data_dir / "station.db").close()
    assert main(["doctor", "--data-dir", str(data_dir)]) == 0
