"""Copies of the station database that a damaged disk or a bad upgrade cannot take with it.

Backups are taken with SQLite's online backup API from a connection of their
own, so a copy is a consistent committed state even while the app writes. Each
copy is written under a temporary name, checked (`PRAGMA quick_check`), synced
and only then renamed into `<data_dir>/backups/`; a crash leaves no half copy
under a backup's name. Kinds: `daily-` (taken at start-up when the newest is a
day old), `before-migration-` (before an upgrade changes the schema),
`before-restore-` (the database a restore replaced), `damaged-` (an unusable
database a restore moved away) and `manual-`.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station.audit import RESTORED_KEY
from station.errors import StoreError
from station.files import sync_folder
from station.private import FILE_MODE, make_private_folder

if TYPE_CHECKING:
    from station.store import Transaction

log = logging.getLogger(__name__)

FOLDER_NAME = "backups"
DAILY = "daily"
BEFORE_MIGRATION = "before-migration"
BEFORE_RESTORE = "before-restore"
MANUAL = "manual"
DAMAGED = "damaged"
KEEP = {DAILY: 7, BEFORE_MIGRATION: 5, BEFORE_RESTORE: 5, MANUAL: 10, DAMAGED: 5}
DAILY_EVERY = timedelta(days=1)
_STAMP = "%Y%m%dT%H%M%S"
_SUFFIX = ".db"


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str
    taken_at: datetime


def backups_folder(database: Path) -> Path:
    """Backups live in `backups/` beside the database."""
    return database.parent / FOLDER_NAME


def backup_name(kind: str, moment: datetime) -> str:
    """`daily-20261130T135500123Z.db` (UTC): sorts by time as text, says when and why."""
    moment = moment.astimezone(UTC)
    return f"{kind}-{moment.strftime(_STAMP)}{moment.microsecond // 1000:03d}Z{_SUFFIX}"


def parse_backup_name(name: str) -> tuple[str, datetime] | None:
    """The kind and moment a backup file name tells, or None for any other file."""
    if not name.endswith("Z" + _SUFFIX):
        return None
    kind, _, stamp = name[: -len("Z" + _SUFFIX)].rpartition("-")
    if kind not in KEEP or len(stamp) != 18:
        return None
    try:
        moment = datetime.strptime(stamp[:15], _STAMP)
        millis = int(stamp[15:])
    except ValueError:
        return None
    return kind, moment.replace(microsecond=millis * 1000, tzinfo=UTC)


def backups(database: Path) -> list[Backup]:
    """The backups of this database, oldest first."""
    folder = backups_folder(database)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        parsed = parse_backup_name(path.name)
        if parsed is not None and path.is_file():
            found.append(Backup(path, parsed[0], parsed[1]))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name))


def daily_due(existing: list[Backup], now: datetime) -> bool:
    """A daily backup is due when none was taken in the last day."""
    dailies = [b.taken_at for b in existing if b.kind == DAILY]
    return not dailies or now - max(dailies) >= DAILY_EVERY


def to_prune(existing: list[Backup], kind: str, keep: int) -> list[Backup]:
    """The backups of `kind` beyond the newest `keep`."""
    of_kind = [b for b in existing if b.kind == kind]
    return of_kind[: max(len(of_kind) - keep, 0)]


def copy_database(source: Path, target: Path) -> None:
    """An online, checked copy of the database at `source` written whole at `target`.

    `target` must not exist. The copy is taken on a read-only connection of its
    own, so it holds only committed changes.
    """
    try:
        reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as err:
        raise StoreError(
            f"cannot back up {source}: {err}",
            key="backup.cannot_read",
            path=str(source),
            reason=str(err),
        ) from err
    try:
        _copy(reader, target)
    finally:
        reader.close()


def _copy(source: sqlite3.Connection, target: Path) -> None:
    if target.exists():
        raise StoreError(f"{target} already exists", key="backup.exists", path=str(target))
    temp = target.with_name(f".{target.name}.partial")
    try:
        make_private_folder(target.parent)
        temp.unlink(missing_ok=True)
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        writer = sqlite3.connect(temp)
        try:
            source.backup(writer)
            # The copy stands alone: no WAL beside it, one file to move and check.
            writer.execute("PRAGMA journal_mode=DELETE")
            problem = quick_check(writer)
        finally:
            writer.close()
        if problem:
            raise StoreError(
                f"the copy failed its check: {problem}", key="backup.copy_damaged", problem=problem
            )
        _fsync(temp)
        temp.rename(target)
        sync_folder(target.parent)
    except (OSError, sqlite3.Error) as err:
        raise StoreError(
            f"cannot write the backup {target}: {_reason(err)}",
            key="backup.cannot_write",
            path=str(target),
            reason=_reason(err),
        ) from err
    finally:
        temp.unlink(missing_ok=True)


def take(database: Path, kind: str, now: datetime, keep: int | None = None) -> Path:
    """A new backup of `kind` in the backups folder; older ones beyond `keep` are removed."""
    target = backups_folder(database) / backup_name(kind, now)
    copy_database(database, target)
    log.info("backed up %s to %s", database, target)
    for old in to_prune(backups(database), kind, KEEP[kind] if keep is None else keep):
        old.path.unlink(missing_ok=True)
        log.info("removed old backup %s", old.path)
    return target


def daily(database: Path, now: datetime, keep: int | None = None) -> Path | None:
    """Take the day's backup when it is due; the new backup, or None."""
    if not daily_due(backups(database), now):
        return None
    return take(database, DAILY, now, keep)


def quick_check(conn: sqlite3.Connection) -> str | None:
    """What `PRAGMA quick_check` found wrong (it reads every page), or None when it is ok.

    Raises `sqlite3.OperationalError` when the check could not run (a full disk, a lock).
    """
    try:
        rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.OperationalError:
        raise  # the disk or a lock failed the read: that says nothing of the file's pages
    except sqlite3.DatabaseError as err:
        return str(err)
    return None if rows == ["ok"] else "; ".join(rows[:3])


def check_backup(path: Path) -> str | None:
    """What makes `path` unfit to restore (empty, damaged, not a station), or None."""
    if not path.is_file():
        return f"{path} does not exist"
    if path.stat().st_size == 0:
        return f"{path} is empty"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as err:
        return f"{path} cannot be opened: {err}"
    try:
        problem = quick_check(conn)
        if problem:
            return f"{path} is not a sound database: {problem}"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as err:
        return f"{path} is not a station database: {err}"
    finally:
        conn.close()
    if not {"_migrations", "meta", "audit_events"} <= tables:
        return f"{path} is not a station database"
    return None


def station_of(path: Path) -> str | None:
    """The station id a (checked) station database or backup belongs to, if it has one."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'station_id'").fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def restore_into(database: Path, source: Path, aside: Path) -> None:
    """Replace the station database's content with the checked backup `source`.

    The current content is first copied to `aside`; both steps run under
    SQLite's exclusive lock, so the restore is refused while any other
    connection has the database open (the app, a sync, another command), and
    the replacement is one SQLite transaction: a crash leaves the old or the
    restored database, never a mix.
    """
    try:
        target = sqlite3.connect(database, timeout=0.5, isolation_level=None)
        target.execute("PRAGMA locking_mode=EXCLUSIVE")
    except sqlite3.Error as err:
        raise StoreError(
            f"cannot open {database}: {err}",
            key="store.cannot_open",
            path=str(database),
            reason=str(err),
        ) from err
    try:
        try:
            target.execute("BEGIN EXCLUSIVE")
            target.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            target.execute("COMMIT")
        except sqlite3.OperationalError as err:
            if "locked" in str(err):
                raise StoreError(
                    "the station is in use (the app, a sync or another command has its "
                    "database open): close it, then restore",
                    key="backup.in_use",
                ) from err
            raise
        _copy(target, aside)
        reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            reader.backup(target)
        finally:
            reader.close()
        problem = quick_check(target)
        if problem:
            raise StoreError(
                f"the restored database failed its check: {problem}",
                key="backup.restored_damaged",
                problem=problem,
            )
    except sqlite3.Error as err:
        raise StoreError(
            f"cannot restore {source} into {database}: {_reason(err)}",
            key="backup.cannot_restore",
            source=str(source),
            path=str(database),
            reason=_reason(err),
        ) from err
    finally:
        target.close()


def set_aside(database: Path, aside: Path) -> None:
    """Move an unusable database (and its journal) out of the way, into `aside`."""
    make_private_folder(aside.parent)
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{database}{suffix}")
        if part.exists():
            part.rename(Path(f"{aside}{suffix}"))
    sync_folder(aside.parent)
    sync_folder(database.parent)


def put_in_place(source: Path, database: Path) -> None:
    """Copy the checked backup `source` to where no database is now, whole or not at all."""
    temp = database.with_name(f".{database.name}.restoring")
    temp.unlink(missing_ok=True)
    try:
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        with source.open("rb") as data, temp.open("r+b") as copy:
            while chunk := data.read(1 << 20):
                copy.write(chunk)
            copy.flush()
            os.fsync(copy.fileno())
        os.link(temp, database)  # never over a database another process made meanwhile
        sync_folder(database.parent)
    except OSError as err:
        raise StoreError(
            f"cannot restore {source} to {database}: {_reason(err)}",
            key="backup.cannot_restore",
            source=str(source),
            path=str(database),
            reason=_reason(err),
        ) from err
    finally:
        temp.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reason(err: BaseException) -> str:
    if isinstance(err, OSError):
        return f"{err.strerror or err}" + (f": {err.filename}" if err.filename else "")
    return str(err)


def record_restore(tx: Transaction, kind: str, data: Mapping[str, Any]) -> int:
    """Put on record that this chain replaced a later one, for the cloud to anchor again.

    The event is the station's own word for it; the next sync carries it (see
    `RESTORED_KEY`), the cloud keeps the chain it anchored before on record and
    anchors the restored one. The outbox numbering the cloud expects starts again
    after the last mutation this database knows was acknowledged. Returns the
    event's sequence number.
    """
    tx.audit(kind, "station", dict(data))
    seq = int(tx.execute("SELECT MAX(seq) FROM audit_events").fetchone()[0])
    acknowledged = tx.execute(
        "SELECT COALESCE((SELECT MIN(seq) FROM outbox WHERE acked_at IS NULL), "
        "(SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox)) - 1"
    ).fetchone()[0]
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (RESTORED_KEY, json.dumps({"seq": seq, "outbox_seq": int(acknowledged)})),
    )
    return seq
