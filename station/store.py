"""The station's SQLite store.

Every state change runs in `Store.transaction()`: one `BEGIN IMMEDIATE`
transaction that writes the rows, an audit event chained to the previous one
and, where the cloud must know, an outbox entry. Either all of it is on disk
(WAL, synchronous=FULL) or none of it is.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from station import audit_seals, backup
from station.audit import (
    ANCHOR_HASH_KEY,
    ANCHOR_SEQ_KEY,
    GENESIS_HASH,
    KEYED_FROM_KEY,
    SIGNED_TABLES,
    AuditReport,
    ChainCheck,
    CreatingEvent,
    canonical_json,
    chain_hash,
    check_rows,
    trigger_problems,
    verify_chain,
)
from station.audit_keys import AuditKey, audit_key_path, create_audit_key, load_audit_key
from station.backup import quick_check
from station.errors import StoreError
from station.files import replace, sync_folder
from station.identity import next_id, terminal_of
from station.private import FILE_MODE, make_private_folder

if TYPE_CHECKING:
    from station.schema import Migration

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
SQLITE_HEADER = b"SQLite format 3\x00"
# Database files (device, inode) this process has checked whole at start-up.
_CHECKED_FILES: set[tuple[int, int]] = set()
# A command line start-up trusts a whole-file check this recent, made since the last boot.
CHECK_VALID_S = 24 * 3600.0
_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
# meta key: {table: the lowest id a new row may take}, set by a restore (see `id_tables`).
ID_FLOORS_KEY = "id_floors"
# A half-made database older than this is a crash's leftover, not another process's work.
STALE_CREATION_S = 3600.0


def utc_now() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds: sorts as text, reads as time."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Transaction:
    """The writes of one state change; see `Store.transaction`."""

    def __init__(self, store: Store, actor: str | None, now: datetime) -> None:
        self.store = store
        self.db = store.db
        self.actor = actor
        self.now = now
        self.at = timestamp(now)

    def execute(self, sql: str, params: tuple[Any, ...] | Mapping[str, Any] = ()) -> sqlite3.Cursor:
        return self.db.conn.execute(sql, params)

    def insert(self, table: str, row: Mapping[str, Any]) -> int:
        if self.store.id_base is not None and table in self.store.id_tables and "id" not in row:
            # A workshop terminal: the row takes the next id of this terminal's own block.
            row = {"id": next_id(self.db.conn, table, self.store.id_base), **row}
        elif "id" not in row and table in self.store.id_floors:
            # Restored from an older backup: ids the replaced database used (and the cloud
            # may hold) are not given again.
            last = self.db.conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()
            if int(last[0]) < self.store.id_floors[table]:
                row = {"id": self.store.id_floors[table], **row}
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cursor = self.db.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values())
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def audit(self, kind: str, subject: str, data: Mapping[str, Any]) -> str:
        """Append an event to the hash chain (keyed with the station's audit key); its hash."""
        if self.store.audit_key_missing is not None:
            raise StoreError(
                f"the audit key {self.store.audit_key_missing} is missing: restore it from the "
                "backup of the keys folder before recording anything",
                key="store.audit_key_missing",
                path=str(self.store.audit_key_missing),
            )
        last = self.db.conn.execute(
            "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        seq, previous = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        key = self.store.audit_key
        body = {
            "seq": seq,
            "at": self.at,
            "actor": self.actor,
            "kind": kind,
            "subject": subject,
            "data": dict(data),
        }
        digest = chain_hash(previous, body, key.secret if key and seq >= key.keyed_from else None)
        self.db.conn.execute(
            "INSERT INTO audit_events (seq, at, actor, kind, subject, data, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                self.at,
                self.actor,
                kind,
                subject,
                canonical_json(body["data"]),
                previous,
                digest,
            ),
        )
        return digest

    def outbox(
        self, kind: str, entity: str, entity_id: str | int, payload: Mapping[str, Any]
    ) -> str:
        """Queue a mutation for the cloud; returns its mutation id (stable across retries)."""
        mutation_id = str(uuid.uuid4())
        self.db.conn.execute(
            "INSERT INTO outbox (mutation_id, kind, entity, entity_id, payload, created_at, actor) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                mutation_id,
                kind,
                entity,
                str(entity_id),
                canonical_json(payload),
                self.at,
                self.actor,
            ),
        )
        return mutation_id

    def record(
        self,
        kind: str,
        entity: str,
        entity_id: str | int,
        data: Mapping[str, Any],
        sync: bool = True,
    ) -> None:
        """The usual pair: an audit event, and the same facts queued for the cloud."""
        self.audit(kind, f"{entity}:{entity_id}", data)
        if sync:
            self.outbox(kind, entity, entity_id, data)


@dataclass
class Store:
    """One connection to the station database, shared by the threads of one process.

    Threads take turns on it (a worker saving a photo waits for the GUI's status
    change instead of failing): a transaction holds the connection to its end, and
    a read runs whole between transactions. A read still stepping in one thread
    while another begins a write would make that BEGIN upgrade a stale snapshot,
    which SQLite refuses at once ("database is locked") without waiting. A nested
    transaction in the same thread is a programming error and is refused.
    """

    db: sqlite_utils.Database
    path: Path | None
    clock: Clock = utc_now
    audit_key: AuditKey | None = None
    # Set when this station's chain is keyed but its key file is gone: writes are refused.
    audit_key_missing: Path | None = None
    migrations: list[Migration] = field(default_factory=list, repr=False)
    # Reentrant: the thread in a transaction reads through `query` and `meta` too.
    _writer: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _writer_thread: int | None = field(default=None, repr=False)
    # Set on a workshop terminal (see station.replica): its id block, the tables whose
    # ids come from it, what runs just before each COMMIT and what hears of each commit.
    id_base: int | None = None
    id_tables: frozenset[str] = frozenset()
    sealers: list[Callable[[Transaction], None]] = field(default_factory=list, repr=False)
    listeners: list[Callable[[], None]] = field(default_factory=list, repr=False)
    # Whether this database seals the rows of its changing tables (see station.audit_seals).
    seals_rows: bool = False
    # After a restore: per table, the lowest id a new row may take (see `station restore`).
    id_floors: dict[str, int] = field(default_factory=dict)

    @classmethod
    def open(
        cls,
        path: Path | str,
        clock: Clock = utc_now,
        migrations: list[Migration] | None = None,
        audit_key: AuditKey | None = None,
        full_check: bool = True,
    ) -> Store:
        """Open and migrate the database at `path`, creating it whole when there is none.

        An existing file is checked first (`PRAGMA quick_check` reads every page):
        an empty, foreign or damaged file is refused, never replaced by an empty
        station. Without `full_check` (a command-line command) the whole-file
        check is skipped when one passed on this file since the last boot and
        within a day (its marker beside the database); the header and schema are
        still checked. Before migrations change an existing station, it is backed up.
        The audit key is `audit_key`, else the one in the keys folder beside the
        database; a station opened normally that has none yet gets one here.
        """
        # Imported here: the schema gathers the migrations of modules that use the store.
        from station.replica import attach
        from station.schema import MIGRATIONS

        path = Path(path)
        steps = MIGRATIONS if migrations is None else migrations
        if not path.exists():
            cls._create(path, clock, steps)
        refuse_unusable_file(path)
        store = cls._connect(path, clock)
        try:
            # Before any pragma writes to a file that may not be ours.
            store._check_at_start_up(full_check)
            store._configure()
            if store.pending(steps):
                store._back_up_before_migrating()
            store.migrations = steps
            store.migrate(steps)
            store.seals_rows = store.db[audit_seals.PENDING].exists()
            store.audit_key = audit_key or store._station_audit_key(create=migrations is None)
            if migrations is None:
                floors = store.meta(ID_FLOORS_KEY)
                store.id_floors = {str(t): int(n) for t, n in json.loads(floors or "{}").items()}
                attach(store)
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _connect(cls, path: Path, clock: Clock) -> Store:
        try:
            conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        except (OSError, sqlite3.Error) as err:
            raise StoreError(
                f"cannot open the database {path}: {err}",
                key="store.cannot_open",
                path=str(path),
                reason=str(err),
            ) from err
        return cls(db=sqlite_utils.Database(conn), path=path, clock=clock)

    def _station_audit_key(self, create: bool) -> AuditKey | None:
        """The key file's key; an initialised station whose chain is not keyed yet gets one.

        Its chain is then plain SHA-256 throughout (a station from before audit keys),
        and the key takes over from the next event. A chain that does not verify
        as plain SHA-256 was keyed: its key is missing, and writes are refused.
        Without `create` (a copy opened with its own migrations, such as a backup
        being checked) nothing is created or refused here.
        """
        assert self.path is not None
        key = load_audit_key(self.path.parent)
        if key is not None or not create:
            return key
        try:
            initialised = self.meta("station_id") is not None
        except sqlite3.OperationalError:  # a database without the core's tables
            return None
        if not initialised:
            return None
        plain = self.verify_audit_chain()
        if not plain.ok:
            self.audit_key_missing = audit_key_path(self.path.parent)
            log.error("the audit key %s of this station is missing", self.audit_key_missing)
            return None
        try:
            return create_audit_key(self.path.parent, plain.head_seq + 1)
        except StoreError:
            # Another process opening this station made it first.
            key = load_audit_key(self.path.parent)
            if key is None:
                raise
            return key

    def _head(self) -> tuple[int, str]:
        last = self.db.conn.execute(
            "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return (int(last[0]), str(last[1])) if last else (0, GENESIS_HASH)

    @classmethod
    def _create(cls, path: Path, clock: Clock, steps: list[Migration]) -> None:
        """A new database, migrated under a temporary name, then given its name: whole or absent."""
        temp = path.with_name(f".{path.name}.{os.getpid()}.creating")
        try:
            make_private_folder(path.parent)
            for leftover in path.parent.glob(f".{path.name}.*.creating*"):
                if time.time() - leftover.stat().st_mtime > STALE_CREATION_S:
                    leftover.unlink(missing_ok=True)  # from a creation a crash cut short
            os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
            fresh = cls._connect(temp, clock)
            try:
                fresh._configure()
                fresh.migrate(steps)
            finally:
                fresh.close()  # the last connection folds the WAL into the file
            fd = os.open(temp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
                os.link(temp, path)
            sync_folder(path.parent)
        except OSError as err:
            raise StoreError(
                f"cannot create the database {path}: {err}",
                key="store.cannot_create",
                path=str(path),
                reason=str(err),
            ) from err
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{temp}{suffix}").unlink(missing_ok=True)
        log.info("created the station database %s", path)

    def _check_at_start_up(self, full: bool = True) -> None:
        """Read every page once per process and file: the app's other connections (sync,
        photos, the report worker's later jobs) open the file already checked.

        Unless `full`, a whole-file check recorded in the marker beside the database
        (this file, this boot, within a day) stands in for reading every page again:
        on a large station that read takes seconds, which each command would pay.
        """
        assert self.path is not None
        stat = self.path.stat()
        checked = (stat.st_dev, stat.st_ino)
        if checked in _CHECKED_FILES:
            return
        marker = check_marker_path(self.path)
        recent = not full and marker_is_current(read_marker(marker), checked, time.time())
        try:
            problem = None if recent else quick_check(self.db.conn)
            tables = {row[0] for row in self.db.conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.OperationalError as err:
            raise StoreError(
                f"cannot read the database {self.path}: {err} (is the disk full or failing?)",
                key="store.cannot_read",
                path=str(self.path),
                reason=str(err),
            ) from err
        except sqlite3.DatabaseError as err:  # the schema no longer reads since its check
            marker.unlink(missing_ok=True)
            raise unusable(self.path, str(err)) from err
        if problem is None and "_migrations" not in tables:
            problem = "it holds no station (no migrations table)"
        if problem is not None:
            marker.unlink(missing_ok=True)
            raise unusable(self.path, problem)
        if not recent:
            write_marker(marker, checked, time.time())
        _CHECKED_FILES.add(checked)

    def pending(self, migrations: list[Migration]) -> list[str]:
        """The names of the steps not yet applied to this database."""
        done = {row[0] for row in self.db.conn.execute("SELECT name FROM _migrations")}
        return [step.name for step in migrations if step.name not in done]

    def _back_up_before_migrating(self) -> None:
        assert self.path is not None
        try:
            backup.take(self.path, backup.BEFORE_MIGRATION, self.clock())
        except StoreError as err:
            raise StoreError(
                f"not upgrading the database without a backup: {err}",
                key="store.no_backup",
                reason=str(err),
            ) from err

    def _configure(self) -> None:
        conn = self.db.conn
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            # A REPLACE that deletes a conflicting row fires its DELETE triggers only so.
            conn.execute("PRAGMA recursive_triggers=ON")
            conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as err:
            raise StoreError(
                f"{self.path} is not a usable station database: {err}",
                key="store.not_a_station",
                path=str(self.path),
                reason=str(err),
            ) from err
        if mode.lower() != "wal":
            log.warning("database %s is in %s mode, not WAL", self.path, mode)

    def migrate(self, migrations: list[Migration]) -> list[str]:
        conn = self.db.conn
        conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        pending = set(self.pending(migrations))
        applied: list[str] = []
        for step in migrations:
            if step.name not in pending:
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                step.apply(self.db)
                conn.execute(
                    "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                    (step.name, timestamp(self.clock())),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.rollback()
                raise
            # Into the database at once: the log never holds every step's schema pages together.
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            log.info("applied migration %s", step.name)
            applied.append(step.name)
        return applied

    @contextmanager
    def transaction(self, actor: str | None = None) -> Iterator[Transaction]:
        """One atomic state change; nested use is refused rather than silently merged."""
        if self._writer_thread == threading.get_ident():
            raise StoreError(
                "a transaction is already open in this thread", key="store.nested_transaction"
            )
        conn = self.db.conn
        with self._writer:
            self._writer_thread = threading.get_ident()
            try:
                conn.execute("BEGIN IMMEDIATE")
                tx = Transaction(self, actor, self.clock())
                try:
                    since = audit_seals.mark(tx) if self.seals_rows else 0
                    yield tx
                    for seal in self.sealers:
                        seal(tx)
                    if self.seals_rows:  # last: the sealers above may queue outbox rows
                        audit_seals.seal(tx, since)
                except BaseException:
                    conn.rollback()
                    raise
                else:
                    try:
                        conn.execute("COMMIT")
                    except sqlite3.Error:
                        # A refused COMMIT (a deferred reference check) leaves it open otherwise.
                        conn.rollback()
                        raise
            finally:
                self._writer_thread = None
        for listener in self.listeners:
            listener()

    def query(
        self, sql: str, params: tuple[Any, ...] | Mapping[str, Any] = ()
    ) -> list[dict[str, Any]]:
        with self._writer:
            cursor = self.db.conn.execute(sql, params)
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def query_one(
        self, sql: str, params: tuple[Any, ...] | Mapping[str, Any] = ()
    ) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def verify_audit_chain(self) -> ChainCheck:
        """The chain walk alone: every event's hash, keyed from where the audit key says."""
        key = self.audit_key
        cursor = self.db.conn.execute(
            "SELECT seq, at, actor, kind, subject, data, prev_hash, hash FROM audit_events ORDER BY seq"
        )
        names = [c[0] for c in cursor.description]
        return verify_chain(
            (dict(zip(names, row, strict=True)) for row in cursor),
            key.secret if key else None,
            key.keyed_from if key else None,
        )

    def verify_audit(self, limit: int = 20) -> AuditReport:
        """Everything `station audit verify` checks: chain, key, anchor, triggers, signed rows."""
        chain = self.verify_audit_chain()
        problems: list[str] = []
        if not chain.ok:
            problems.append(
                f"the audit chain is broken at event {chain.first_bad_seq}: {chain.reason}"
            )
        problems += self._key_problems()
        anchor_seq, anchor_hash = self.meta(ANCHOR_SEQ_KEY), self.meta(ANCHOR_HASH_KEY)
        anchor = (int(anchor_seq), anchor_hash) if anchor_seq and anchor_hash else None
        if anchor is not None:
            problems += self._anchor_problems(*anchor)
        problems += trigger_problems(self._expected_triggers(), self._triggers(self.db.conn))
        rows = 0
        ours = None if self.id_base is None else self._made_here
        taken_out = self._taken_out()
        for spec in SIGNED_TABLES:
            if not self.db[spec.table].exists():
                continue
            check = check_rows(
                spec,
                self.query(f"SELECT * FROM {spec.table} ORDER BY rowid"),
                self._creating_events(spec.entity),
                limit,
                ours,
                taken_out,
            )
            rows += check.rows
            problems += check.problems
        sealed = self._check_seals(limit)
        problems += sealed.problems
        return AuditReport(
            chain=chain,
            keyed_from=self.audit_key.keyed_from if self.audit_key else None,
            anchor=anchor,
            signed_rows=rows,
            sealed_rows=sealed.sealed,
            unsealed_rows=sealed.unsealed,
            problems=tuple(problems[:limit]),
            more_problems=max(0, len(problems) - limit),
        )

    def _check_seals(self, limit: int) -> audit_seals.SealCheck:
        """Every row of the sealed tables against its latest seal in the audit chain."""
        result = audit_seals.SealCheck()
        if not self.db[audit_seals.PENDING].exists():
            return result
        conn = self.db.conn
        seals = audit_seals.gather_seals(
            loads(data)
            for (data,) in conn.execute(
                "SELECT data FROM audit_events WHERE subject = ? AND kind = ? ORDER BY seq",
                (audit_seals.SEAL_SUBJECT, audit_seals.SEAL_KIND),
            )
        )
        result.problems += audit_seals.outside_writes(conn)
        for table in audit_seals.SEALED_TABLES:
            rows = audit_seals.current_rows(conn, table)
            audit_seals.check_sealed_rows(table, rows, seals, result, limit)
        return result

    def _made_here(self, row: Mapping[str, Any]) -> bool:
        """On a workshop terminal: whether this terminal made the row (an id of its block)."""
        row_id = row.get("id")
        return (
            isinstance(row_id, int)
            and self.id_base is not None
            and terminal_of(row_id) == terminal_of(self.id_base)
        )

    def _taken_out(self) -> frozenset[str]:
        """Subjects of rows a terminal removed because the hub refused the change that made them."""
        if not self.db["replica_conflicts"].exists():
            return frozenset()
        entity = {spec.table: spec.entity for spec in SIGNED_TABLES if spec.parent is None}
        return frozenset(
            f"{entity[change['table']]}:{change['key']}"
            for (mine,) in self.db.conn.execute("SELECT mine FROM replica_conflicts")
            for change in loads(mine)
            if change.get("table") in entity
        )

    def _key_problems(self) -> list[str]:
        if self.audit_key_missing is not None:
            return [f"this station's audit key {self.audit_key_missing} is missing"]
        if self.audit_key is None:
            return []
        marker = self.meta(KEYED_FROM_KEY)
        if marker is None:
            return ["the start of the keyed chain has been removed from the database"]
        if int(marker) > self.audit_key.keyed_from:
            return [
                f"the database says the keyed chain starts at event {marker}, "
                f"the audit key says {self.audit_key.keyed_from}"
            ]
        return []

    def _anchor_problems(self, seq: int, digest: str) -> list[str]:
        head_seq, _ = self._head()
        if head_seq < seq:
            return [
                f"events after {head_seq} are gone: the cloud holds this chain up to event {seq}"
            ]
        row = self.db.conn.execute("SELECT hash FROM audit_events WHERE seq = ?", (seq,)).fetchone()
        if row is None or row[0] != digest:
            return [f"event {seq} differs from the one the cloud anchored"]
        return []

    @staticmethod
    def _triggers(conn: sqlite3.Connection) -> dict[str, str]:
        return {
            name: sql
            for name, sql in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            )
        }

    def _expected_triggers(self) -> dict[str, str]:
        """The triggers the migrations create, from a scratch database built by them."""
        scratch = sqlite_utils.Database(sqlite3.connect(":memory:"))
        try:
            for step in self.migrations:
                step.apply(scratch)
            return self._triggers(scratch.conn)
        finally:
            scratch.conn.close()

    def _creating_events(self, entity: str) -> dict[str, CreatingEvent]:
        """The first event of each subject `entity:<id>`: the one that created the record."""
        found: dict[str, CreatingEvent] = {}
        for subject, at, data in self.db.conn.execute(
            "SELECT subject, at, data FROM audit_events WHERE subject > ? AND subject < ? ORDER BY seq",
            (entity + ":", entity + ";"),
        ):
            if subject not in found:
                found[subject] = CreatingEvent(at, loads(data))
        return found

    def quick_check(self) -> str | None:
        """What `PRAGMA quick_check` finds wrong with the database, or None."""
        return quick_check(self.db.conn)

    def integrity_ok(self) -> bool:
        return bool(self.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    def meta(self, key: str) -> str | None:
        with self._writer:
            row = self.db.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchall()
        return None if not row else str(row[0][0])

    def close(self) -> None:
        self.db.conn.close()


def last_ids(conn: sqlite3.Connection) -> dict[str, int]:
    """The highest id of every table keyed by an integer `id`: what a restore must not reuse."""
    found: dict[str, int] = {}
    for (table,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall():
        keys = [
            column
            for column in conn.execute(f"PRAGMA table_info({table})")
            if column[1] == "id" and column[5] == 1 and str(column[2]).upper() == "INTEGER"
        ]
        if keys:
            found[table] = int(
                conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]
            )
    return found


def keep_ids_apart(tx: Transaction, used: dict[str, int]) -> dict[str, int]:
    """New rows after a restore take ids above those the replaced database used: the cloud
    may hold records under them, made after the backup and lost with it."""
    mine = last_ids(tx.db.conn)
    known = json.loads(tx.store.meta(ID_FLOORS_KEY) or "{}")
    floors = {
        table: max(last + 1, int(known.get(table, 0)))
        for table, last in used.items()
        if table in mine and last > mine[table]
    }
    if floors:
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (ID_FLOORS_KEY, json.dumps({**known, **floors}, sort_keys=True)),
        )
    return floors


def check_marker_path(database: Path) -> Path:
    """Where the last whole-file check of `database` is recorded."""
    return database.with_name(f".{database.name}.checked")


def boot_id() -> str:
    """This boot of the machine (Linux); empty where the system does not say."""
    try:
        return _BOOT_ID.read_text(encoding="ascii").strip()
    except OSError:
        return ""


def read_marker(path: Path) -> dict[str, Any] | None:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def marker_is_current(marker: Mapping[str, Any] | None, file: tuple[int, int], now: float) -> bool:
    """Whether a recorded whole-file check still vouches for the file: the same file (device,
    inode), the same boot, less than a day ago."""
    if marker is None:
        return False
    try:
        same_file = (int(marker["dev"]), int(marker["ino"])) == file
        age = now - float(marker["at"])
        return same_file and marker.get("boot") == boot_id() and 0 <= age < CHECK_VALID_S
    except (KeyError, TypeError, ValueError):
        return False


def write_marker(path: Path, file: tuple[int, int], now: float) -> None:
    """Record a passed whole-file check; a marker that cannot be written only costs a later check."""
    body = {"dev": file[0], "ino": file[1], "boot": boot_id(), "at": now}
    try:
        replace(path, json.dumps(body).encode("ascii"), FILE_MODE)
    except OSError as err:
        log.warning("cannot record the database check in %s: %s", path, err)


def refuse_unusable_file(path: Path) -> None:
    """Refuse an existing file that cannot be a station database, before SQLite touches it."""
    try:
        with path.open("rb") as file:
            header = file.read(16)
    except OSError as err:
        reason = str(err.strerror or err)
        raise StoreError(
            f"cannot open the database {path}: {reason}",
            key="store.cannot_open",
            path=str(path),
            reason=reason,
        ) from err
    wal = Path(f"{path}-wal")
    if not header and not (wal.exists() and wal.stat().st_size > 0):
        raise unusable(path, "the file is empty (0 bytes)")
    if header and header != SQLITE_HEADER:
        raise unusable(path, "it is not an SQLite database")


def unusable(path: Path | None, problem: str) -> StoreError:
    """The one-line refusal for a database the station will not use, with the way out."""
    return StoreError(
        f"{path} is not a usable station database: {problem}. Nothing was changed; "
        "restore a backup with `station restore FILE`, or move the file away and run `station init`",
        key="store.unusable",
        path=str(path),
        problem=problem,
    )


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)
