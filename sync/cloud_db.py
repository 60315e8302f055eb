"""The cloud service's database: SQLite by default, PostgreSQL when given a `postgresql://` URL.

One small dialect seam: SQL is written once with `?` placeholders and the
portable subset both engines share (`ON CONFLICT`, `RETURNING`, savepoints).
Each thread keeps its own connection; a transaction takes the write lock up
front (`BEGIN IMMEDIATE` on SQLite, row locks on PostgreSQL).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sync.errors import CloudStoreError

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS workshops (
    name TEXT PRIMARY KEY, change_seq BIGINT NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,
    workshop TEXT NOT NULL REFERENCES workshops(name), station_id TEXT,
    issued_at TEXT NOT NULL, enrolled_at TEXT, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS stations (
    id TEXT PRIMARY KEY, workshop TEXT NOT NULL REFERENCES workshops(name),
    name TEXT NOT NULL DEFAULT '', last_seq BIGINT NOT NULL DEFAULT 0,
    enrolled_at TEXT NOT NULL, last_seen_at TEXT);
CREATE TABLE IF NOT EXISTS chain_anchors (
    station_id TEXT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL, anchored_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mutations (
    station_id TEXT NOT NULL, mutation_id TEXT NOT NULL, seq BIGINT NOT NULL,
    kind TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL, user_name TEXT,
    payload TEXT NOT NULL, status TEXT NOT NULL, detail TEXT, received_at TEXT NOT NULL,
    PRIMARY KEY (station_id, mutation_id));
CREATE INDEX IF NOT EXISTS mutations_seq ON mutations(station_id, seq);
CREATE TABLE IF NOT EXISTS work_orders (
    station_id TEXT NOT NULL, local_id BIGINT NOT NULL, workshop TEXT NOT NULL,
    public_id TEXT NOT NULL UNIQUE, number TEXT NOT NULL, complaint TEXT NOT NULL DEFAULT '',
    bay TEXT, status TEXT NOT NULL, version BIGINT NOT NULL, status_since TEXT NOT NULL,
    cancel_requested_at TEXT, created_at TEXT NOT NULL,
    PRIMARY KEY (station_id, local_id));
CREATE TABLE IF NOT EXISTS progress_events (
    station_id TEXT NOT NULL, local_id BIGINT NOT NULL, work_order_id BIGINT NOT NULL,
    from_status TEXT, to_status TEXT NOT NULL, version BIGINT NOT NULL, text_en TEXT NOT NULL,
    text_zh TEXT NOT NULL, note TEXT, at TEXT NOT NULL, user_name TEXT,
    PRIMARY KEY (station_id, local_id));
CREATE TABLE IF NOT EXISTS findings (
    station_id TEXT NOT NULL, local_id BIGINT NOT NULL, work_order_id BIGINT NOT NULL,
    title TEXT NOT NULL, severity TEXT NOT NULL, recommended_job TEXT NOT NULL DEFAULT '',
    total_cents BIGINT NOT NULL, lines TEXT NOT NULL, created_at TEXT NOT NULL,
    PRIMARY KEY (station_id, local_id));
CREATE TABLE IF NOT EXISTS approvals (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, local_id BIGINT, finding_id BIGINT NOT NULL,
    decision TEXT NOT NULL, customer_name TEXT NOT NULL, channel TEXT NOT NULL,
    total_cents BIGINT NOT NULL, at TEXT NOT NULL, source TEXT NOT NULL, received_at TEXT NOT NULL,
    UNIQUE (station_id, local_id));
CREATE INDEX IF NOT EXISTS approvals_finding ON approvals(station_id, finding_id, received_at);
CREATE TABLE IF NOT EXISTS photos (
    station_id TEXT NOT NULL, local_id BIGINT NOT NULL, work_order_id BIGINT NOT NULL,
    sha256 TEXT NOT NULL, thumbnail_sha256 TEXT NOT NULL, print_sha256 TEXT NOT NULL,
    stage TEXT NOT NULL, subject TEXT NOT NULL, finding_id BIGINT, caption TEXT NOT NULL,
    recorded_at TEXT NOT NULL, PRIMARY KEY (station_id, local_id));
CREATE TABLE IF NOT EXISTS reports (
    station_id TEXT NOT NULL, local_id BIGINT NOT NULL, work_order_id BIGINT NOT NULL,
    version BIGINT NOT NULL, sha256 TEXT NOT NULL, file_name TEXT NOT NULL,
    language TEXT NOT NULL, issued_at TEXT NOT NULL, PRIMARY KEY (station_id, local_id));
CREATE TABLE IF NOT EXISTS appointments (
    id TEXT PRIMARY KEY, workshop TEXT NOT NULL REFERENCES workshops(name),
    customer TEXT NOT NULL, vehicle TEXT NOT NULL, scheduled_at TEXT NOT NULL,
    complaint TEXT NOT NULL, prediagnosis TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS changes (
    workshop TEXT NOT NULL, seq BIGINT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL,
    at TEXT NOT NULL, PRIMARY KEY (workshop, seq));
CREATE TABLE IF NOT EXISTS records (
    workshop TEXT NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL, row TEXT NOT NULL,
    PRIMARY KEY (workshop, tbl, key));
CREATE TABLE IF NOT EXISTS terminals (
    token_id TEXT PRIMARY KEY, workshop TEXT NOT NULL, number BIGINT NOT NULL,
    name TEXT NOT NULL, code TEXT NOT NULL, added_at TEXT NOT NULL,
    UNIQUE (workshop, number), UNIQUE (workshop, name));
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, completed_at TEXT NOT NULL,
    station_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS photos_work_order ON photos(station_id, work_order_id, local_id);
CREATE INDEX IF NOT EXISTS findings_work_order ON findings(station_id, work_order_id, local_id);
CREATE INDEX IF NOT EXISTS progress_work_order ON progress_events(station_id, work_order_id, version, local_id);
CREATE TABLE IF NOT EXISTS finding_details (
    station_id TEXT NOT NULL, local_id BIGINT NOT NULL, measurement_value DOUBLE PRECISION,
    measurement_unit TEXT, remaining_life_km BIGINT, PRIMARY KEY (station_id, local_id));
CREATE TABLE IF NOT EXISTS photo_pairs (
    station_id TEXT NOT NULL, local_id BIGINT NOT NULL, before_id BIGINT NOT NULL,
    PRIMARY KEY (station_id, local_id));
CREATE TABLE IF NOT EXISTS follow_ups (
    station_id TEXT NOT NULL, local_id BIGINT NOT NULL, work_order_id BIGINT NOT NULL,
    kind TEXT NOT NULL, due_at TEXT NOT NULL, PRIMARY KEY (station_id, local_id));
CREATE TABLE IF NOT EXISTS follow_up_answers (
    station_id TEXT NOT NULL, follow_up_id BIGINT NOT NULL, rating BIGINT, trouble BIGINT,
    comment TEXT NOT NULL, answered_at TEXT NOT NULL, PRIMARY KEY (station_id, follow_up_id));
CREATE TABLE IF NOT EXISTS service_due (
    station_id TEXT NOT NULL, local_id BIGINT NOT NULL, work_order_id BIGINT NOT NULL,
    due_km BIGINT NOT NULL, due_date TEXT NOT NULL, PRIMARY KEY (station_id, local_id));
CREATE TABLE IF NOT EXISTS revoked_links (
    public_id TEXT PRIMARY KEY, station_id TEXT NOT NULL, local_id BIGINT NOT NULL,
    revoked_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS customer_taps (
    public_id TEXT NOT NULL, tap TEXT NOT NULL, status BIGINT NOT NULL, answer TEXT NOT NULL,
    at TEXT NOT NULL, PRIMARY KEY (public_id, tap));
CREATE INDEX IF NOT EXISTS reports_work_order ON reports(station_id, work_order_id, version);
CREATE INDEX IF NOT EXISTS follow_ups_work_order ON follow_ups(station_id, work_order_id);
CREATE INDEX IF NOT EXISTS service_due_work_order ON service_due(station_id, work_order_id);
CREATE TABLE IF NOT EXISTS customer_rate_limits (
    bucket TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, at DOUBLE PRECISION NOT NULL,
    allowed BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS finding_corrections (
    station_id TEXT NOT NULL, local_id BIGINT NOT NULL, finding_id BIGINT NOT NULL,
    replaced_by BIGINT, reason TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (station_id, local_id));
CREATE INDEX IF NOT EXISTS finding_corrections_finding ON finding_corrections(station_id, finding_id);
CREATE TABLE IF NOT EXISTS chain_reanchors (
    station_id TEXT NOT NULL, at TEXT NOT NULL, anchor_seq BIGINT NOT NULL,
    anchor_hash TEXT NOT NULL, head_seq BIGINT NOT NULL, head_hash TEXT NOT NULL,
    restored_seq BIGINT NOT NULL, outbox_seq BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS workshop_pin_keys (
    workshop TEXT PRIMARY KEY REFERENCES workshops(name), pin_key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blob_workshops (
    sha256 TEXT NOT NULL, workshop TEXT NOT NULL, PRIMARY KEY (sha256, workshop));
CREATE TABLE IF NOT EXISTS upstream (
    workshop TEXT PRIMARY KEY, url TEXT NOT NULL, ca TEXT, station_id TEXT NOT NULL,
    queued BIGINT NOT NULL, cursor BIGINT NOT NULL, linked_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS upstream_outbox (
    workshop TEXT NOT NULL, seq BIGINT NOT NULL, mutation_id TEXT NOT NULL, kind TEXT NOT NULL,
    entity TEXT NOT NULL, entity_id TEXT NOT NULL, payload TEXT NOT NULL, user_name TEXT,
    queued_at TEXT NOT NULL, sent_at TEXT, outcome TEXT, PRIMARY KEY (workshop, seq));
CREATE INDEX IF NOT EXISTS upstream_unsent ON upstream_outbox(workshop, sent_at, seq);
CREATE TABLE IF NOT EXISTS upstream_origins (
    workshop TEXT NOT NULL, seq BIGINT NOT NULL, station_id TEXT NOT NULL,
    mutation_id TEXT NOT NULL, PRIMARY KEY (workshop, seq));
CREATE TABLE IF NOT EXISTS upstream_refusals (
    workshop TEXT NOT NULL, seq BIGINT NOT NULL, reason TEXT NOT NULL, corrected BIGINT NOT NULL,
    at TEXT NOT NULL, PRIMARY KEY (workshop, seq));
CREATE TABLE IF NOT EXISTS upstream_files (
    workshop TEXT NOT NULL, sha256 TEXT NOT NULL, queued_at TEXT NOT NULL, uploaded_at TEXT,
    last_error TEXT, PRIMARY KEY (workshop, sha256));
CREATE TABLE IF NOT EXISTS record_aliases (
    workshop TEXT NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL, target TEXT NOT NULL,
    PRIMARY KEY (workshop, tbl, key));
CREATE TABLE IF NOT EXISTS record_owners (
    workshop TEXT NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL, work_order BIGINT NOT NULL,
    PRIMARY KEY (workshop, tbl, key));
CREATE INDEX IF NOT EXISTS record_owners_work_order ON record_owners(workshop, work_order);
CREATE TABLE IF NOT EXISTS customer_signatures (
    approval_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, strokes TEXT NOT NULL,
    width BIGINT NOT NULL, height BIGINT NOT NULL);
"""


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


class CloudTx:
    """The statements of one cloud transaction."""

    def __init__(self, db: CloudDatabase, conn: Any) -> None:
        self._db = db
        self._conn = conn
        self._savepoints = 0

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a statement; returns the number of rows it changed."""
        cursor = self._conn.execute(self._db.sql(sql), tuple(params))
        return int(cursor.rowcount)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self._conn.execute(self._db.sql(sql), tuple(params))
        if cursor.description is None:
            return []
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested step that can fail alone without losing the rest of the batch."""
        self._savepoints += 1
        name = f"sp{self._savepoints}"
        self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self._conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            self._conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            self._conn.execute(f"RELEASE SAVEPOINT {name}")


class CloudDatabase:
    """Connections to the cloud database, one per thread."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = is_postgres_url(url)
        self._local = threading.local()
        self._all: list[Any] = []
        self._guard = threading.Lock()
        if not self.postgres:
            path = Path(url.removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)
            self._path = path
        with self.transaction() as tx:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    tx.run(statement)

    def sql(self, text: str) -> str:
        return text.replace("?", "%s") if self.postgres else text

    def _connect(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            if self.postgres:
                import psycopg

                conn = psycopg.connect(self.url, autocommit=True)
            else:
                conn = sqlite3.connect(
                    str(self._path), timeout=30, isolation_level=None, check_same_thread=False
                )
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute("PRAGMA busy_timeout=30000")
        except (ImportError, sqlite3.Error, OSError) as err:
            raise CloudStoreError(f"cannot open the cloud database: {err}") from err
        except Exception as err:  # psycopg's errors share no base with sqlite3's
            raise CloudStoreError(f"cannot open the cloud database: {err}") from err
        self._local.conn = conn
        with self._guard:
            self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self, reading: bool = False, durable: bool = True) -> Iterator[CloudTx]:
        """One transaction; `reading` ones only read and never wait for the write lock.

        A transaction that is not `durable` (counters, never records) commits without
        waiting for the disk: a crash may lose it, but never damages the database.
        """
        conn = self._connect()
        if not durable and not self.postgres:
            conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("BEGIN" if self.postgres or reading else "BEGIN IMMEDIATE")
        try:
            if not durable and self.postgres:
                conn.execute("SET LOCAL synchronous_commit TO OFF")
            yield CloudTx(self, conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")
        finally:
            if not durable and not self.postgres and not conn.in_transaction:
                conn.execute("PRAGMA synchronous=FULL")

    def close(self) -> None:
        with self._guard:
            for conn in self._all:
                try:
                    conn.close()
                except Exception:  # closing a connection of a dead thread
                    log.debug("closing a cloud connection failed", exc_info=True)
            self._all.clear()
        self._local = threading.local()
