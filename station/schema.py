"""Migrations as named steps, applied in order, each in its own transaction.

A step never changes after it has shipped: a later change is a new step. Layers
of the core add their tables as steps in `MIGRATIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from station import (
    alignment,
    audit_seals,
    catalogue,
    corrections,
    diagnostics,
    inbox,
    messages,
    people,
    photos,
    profile,
    replica,
)
from station.audit import IMMUTABLE_TABLES, KEYED_FROM_KEY


@dataclass(frozen=True)
class Migration:
    name: str
    apply: Callable[[sqlite_utils.Database], None]


def _immutable(db: sqlite_utils.Database, table: str, what: str) -> None:
    """Triggers that refuse UPDATE and DELETE: corrections are new rows."""
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{what} are immutable'); END"
        )


def _core(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE users (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('technician','advisor','admin')),
            language TEXT NOT NULL DEFAULT 'zh', pin_salt BLOB NOT NULL, pin_hash BLOB NOT NULL,
            failed_attempts INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL);
        CREATE TABLE customers (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL, phone TEXT,
            language TEXT NOT NULL DEFAULT 'zh' CHECK (language IN ('zh','en')),
            created_at TEXT NOT NULL);
        CREATE TABLE vehicles (
            id INTEGER PRIMARY KEY, vin TEXT UNIQUE, vin_reversed TEXT, plate TEXT,
            make TEXT, model TEXT, year INTEGER,
            powertrain TEXT NOT NULL CHECK (powertrain IN ('ICE','HEV','EV')),
            customer_id INTEGER REFERENCES customers(id), vin_warning TEXT,
            created_at TEXT NOT NULL);
        CREATE INDEX vehicles_plate ON vehicles(plate);
        CREATE INDEX vehicles_vin_reversed ON vehicles(vin_reversed);
        CREATE TABLE appointments (
            id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
            vehicle_id INTEGER NOT NULL REFERENCES vehicles(id), scheduled_at TEXT NOT NULL,
            complaint TEXT NOT NULL DEFAULT '', prediagnosis TEXT NOT NULL DEFAULT '{}',
            cloud_id TEXT UNIQUE, status TEXT NOT NULL DEFAULT 'open', created_at TEXT NOT NULL);
        CREATE TABLE work_orders (
            id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,
            vehicle_id INTEGER NOT NULL REFERENCES vehicles(id),
            customer_id INTEGER REFERENCES customers(id),
            appointment_id INTEGER REFERENCES appointments(id),
            bay TEXT, complaint TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1,
            status_since TEXT NOT NULL, created_at TEXT NOT NULL, created_by INTEGER NOT NULL);
        CREATE INDEX work_orders_vehicle ON work_orders(vehicle_id);
        CREATE INDEX work_orders_status ON work_orders(status);
        CREATE TRIGGER work_orders_no_delete BEFORE DELETE ON work_orders
            BEGIN SELECT RAISE(ABORT, 'work orders are cancelled, never deleted'); END;
        CREATE TABLE mileage_readings (
            id INTEGER PRIMARY KEY, vehicle_id INTEGER NOT NULL REFERENCES vehicles(id),
            work_order_id INTEGER REFERENCES work_orders(id), km INTEGER NOT NULL,
            warning TEXT, recorded_at TEXT NOT NULL, recorded_by INTEGER NOT NULL);
        CREATE INDEX mileage_vehicle ON mileage_readings(vehicle_id, id);
        CREATE TABLE check_ins (
            id INTEGER PRIMARY KEY, work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
            mileage_km INTEGER NOT NULL, energy_level_pct INTEGER,
            warning_lights TEXT NOT NULL DEFAULT '[]', valuables TEXT NOT NULL DEFAULT '',
            damage_marks TEXT NOT NULL DEFAULT '[]', customer_confirmed INTEGER NOT NULL DEFAULT 0,
            recorded_at TEXT NOT NULL, recorded_by INTEGER NOT NULL);
        CREATE TABLE progress_events (
            id INTEGER PRIMARY KEY, work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
            from_status TEXT, to_status TEXT NOT NULL, text_en TEXT NOT NULL,
            text_zh TEXT NOT NULL, note TEXT, at TEXT NOT NULL, actor INTEGER NOT NULL);
        CREATE INDEX progress_work_order ON progress_events(work_order_id, id);
        CREATE TABLE checklists (
            id INTEGER PRIMARY KEY, work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
            template_id TEXT NOT NULL, template_version INTEGER NOT NULL,
            created_at TEXT NOT NULL, UNIQUE (work_order_id, template_id));
        CREATE TABLE checklist_results (
            id INTEGER PRIMARY KEY, checklist_id INTEGER NOT NULL REFERENCES checklists(id),
            item_key TEXT NOT NULL, rating TEXT NOT NULL CHECK (rating IN ('green','amber','red')),
            value REAL, unit TEXT, note TEXT NOT NULL DEFAULT '', photos TEXT NOT NULL DEFAULT '[]',
            recorded_at TEXT NOT NULL, recorded_by INTEGER NOT NULL);
        CREATE INDEX checklist_results_item ON checklist_results(checklist_id, item_key, id);
        CREATE TABLE findings (
            id INTEGER PRIMARY KEY, work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
            title TEXT NOT NULL, severity TEXT NOT NULL, source_kind TEXT NOT NULL,
            source_ref TEXT, recommended_job TEXT NOT NULL DEFAULT '',
            measurement_value REAL, measurement_unit TEXT, remaining_life_km INTEGER,
            created_at TEXT NOT NULL, created_by INTEGER NOT NULL);
        CREATE INDEX findings_work_order ON findings(work_order_id);
        CREATE TABLE estimate_lines (
            id INTEGER PRIMARY KEY, finding_id INTEGER NOT NULL REFERENCES findings(id),
            kind TEXT NOT NULL CHECK (kind IN ('part','labour')), description TEXT NOT NULL,
            part_number TEXT, quantity REAL NOT NULL, unit_price_cents INTEGER NOT NULL);
        CREATE TABLE approvals (
            id INTEGER PRIMARY KEY, finding_id INTEGER NOT NULL REFERENCES findings(id),
            decision TEXT NOT NULL CHECK (decision IN ('approved','declined')),
            customer_name TEXT NOT NULL, channel TEXT NOT NULL CHECK (channel IN ('desk','bay','remote')),
            signature_ref TEXT, total_cents INTEGER NOT NULL, at TEXT NOT NULL,
            recorded_by INTEGER);
        CREATE INDEX approvals_finding ON approvals(finding_id, id);
        CREATE TABLE signatures (
            sha256 TEXT PRIMARY KEY, strokes TEXT NOT NULL, width INTEGER NOT NULL,
            height INTEGER NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY, work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
            finding_id INTEGER REFERENCES findings(id), description TEXT NOT NULL,
            created_at TEXT NOT NULL);
        CREATE TABLE clock_entries (
            id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL REFERENCES jobs(id),
            technician_id INTEGER NOT NULL REFERENCES users(id),
            started_at TEXT NOT NULL, ended_at TEXT);
        CREATE TABLE quality_checks (
            id INTEGER PRIMARY KEY, work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
            passed INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '', at TEXT NOT NULL,
            checked_by INTEGER NOT NULL);
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY, work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
            version INTEGER NOT NULL, sha256 TEXT NOT NULL, file_name TEXT NOT NULL,
            language TEXT NOT NULL, issued_at TEXT NOT NULL, issued_by INTEGER NOT NULL,
            UNIQUE (work_order_id, version));
        CREATE TABLE follow_ups (
            id INTEGER PRIMARY KEY, work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
            kind TEXT NOT NULL, due_at TEXT NOT NULL, done_at TEXT, outcome TEXT);
        CREATE INDEX follow_ups_due ON follow_ups(done_at, due_at);
        CREATE TABLE service_due (
            id INTEGER PRIMARY KEY, vehicle_id INTEGER NOT NULL REFERENCES vehicles(id),
            work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
            due_km INTEGER NOT NULL, due_date TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE audit_events (
            seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT, kind TEXT NOT NULL,
            subject TEXT NOT NULL, data TEXT NOT NULL, prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL);
        CREATE INDEX audit_subject ON audit_events(subject);
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY, mutation_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
            entity TEXT NOT NULL, entity_id TEXT NOT NULL, payload TEXT NOT NULL,
            created_at TEXT NOT NULL, acked_at TEXT, result TEXT);
        CREATE INDEX outbox_pending ON outbox(acked_at, seq);
        CREATE INDEX outbox_entity ON outbox(entity, entity_id);
        """
    )
    for table, what in (
        ("approvals", "approvals"),
        ("reports", "issued reports"),
        ("audit_events", "audit events"),
        ("findings", "findings"),
        ("signatures", "signatures"),
        ("estimate_lines", "estimate lines"),
        ("progress_events", "progress events"),
        ("checklist_results", "checklist results"),
        ("mileage_readings", "mileage readings"),
        ("check_ins", "check-ins"),
    ):
        _immutable(db, table, what)


def _outbox_actor(db: sqlite_utils.Database) -> None:
    """Who made each change travels with its mutation, so the cloud records the user."""
    db.execute("ALTER TABLE outbox ADD COLUMN actor TEXT")


def _handovers(db: sqlite_utils.Database) -> None:
    """The customer's signature that they took the car back, with the report they were given."""
    db.execute(
        "CREATE TABLE handovers (id INTEGER PRIMARY KEY, "
        "work_order_id INTEGER NOT NULL UNIQUE REFERENCES work_orders(id), "
        "customer_name TEXT NOT NULL, signature_ref TEXT NOT NULL REFERENCES signatures(sha256), "
        "report_id INTEGER NOT NULL REFERENCES reports(id), at TEXT NOT NULL, recorded_by INTEGER NOT NULL)"
    )
    _immutable(db, "handovers", "handovers")


def refuse_replace(db: sqlite_utils.Database, table: str) -> None:
    """Refuse an INSERT whose key or unique columns match an existing row.

    `INSERT OR REPLACE` would otherwise delete that row without its DELETE trigger
    on a connection without `recursive_triggers`, and put another in its place.
    A terminal's replica writing the hub's rows (`replica_quiet`) is let through,
    as the replica's DELETE guards let it through.
    """
    keys: list[list[str]] = []
    columns = list(db.execute(f"PRAGMA table_info({table})"))
    primary = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]]
    if primary:
        keys.append(primary)
    for index in db.execute(f"PRAGMA index_list({table})"):
        if index[2]:  # unique
            names = [c[2] for c in db.execute(f"PRAGMA index_info({index[1]})")]
            if names != primary:
                keys.append(names)
    clash = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} WHERE "
        + " AND ".join(f"{name} = NEW.{name}" for name in names)
        + ")"
        for names in keys
    )
    # A workshop terminal's replica writes the hub's rows with ON CONFLICT DO NOTHING.
    if db["replica_quiet"].exists():
        clash = f"({clash}) AND NOT EXISTS (SELECT 1 FROM replica_quiet)"
    db.execute(
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {clash} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are immutable: not replaced'); END"
    )


def _audit_keys(db: sqlite_utils.Database) -> None:
    """Mark where the keyed audit chain starts, and make signed rows refuse REPLACE.

    Events already in the log stay plain SHA-256 (the legacy prefix); the station's
    audit key hashes every event from the next one on. The mark cannot be moved.
    """
    db.execute(
        "INSERT INTO meta (key, value) SELECT ?, COALESCE(MAX(seq), 0) + 1 FROM audit_events",
        (KEYED_FROM_KEY,),
    )
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER meta_keyed_from_no_{action.lower()} BEFORE {action} ON meta "
            f"WHEN OLD.key = '{KEYED_FROM_KEY}' "
            "BEGIN SELECT RAISE(ABORT, 'the start of the keyed audit chain is fixed'); END"
        )
    db.execute(
        f"CREATE TRIGGER meta_keyed_from_no_replace BEFORE INSERT ON meta "
        f"WHEN NEW.key = '{KEYED_FROM_KEY}' AND EXISTS (SELECT 1 FROM meta WHERE key = NEW.key) "
        "BEGIN SELECT RAISE(ABORT, 'the start of the keyed audit chain is fixed'); END"
    )
    for table in IMMUTABLE_TABLES:
        refuse_replace(db, table)


def _quality_checks_signed(db: sqlite_utils.Database) -> None:
    """A quality check decides whether the car may go home: its result is never changed.

    As the other signed records: UPDATE, DELETE and REPLACE refused (a terminal's
    replica may still take out a row the hub refused), and `audit verify` checks
    each row against its event.
    """
    db.execute(
        "CREATE TRIGGER quality_checks_no_update BEFORE UPDATE ON quality_checks "
        "BEGIN SELECT RAISE(ABORT, 'quality checks are immutable'); END"
    )
    db.execute(
        "CREATE TRIGGER quality_checks_no_delete BEFORE DELETE ON quality_checks "
        "WHEN NOT EXISTS (SELECT 1 FROM replica_quiet) "
        "BEGIN SELECT RAISE(ABORT, 'quality checks are immutable'); END"
    )
    made = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'quality_checks_no_replace'"
    ).fetchone()
    if made is None:  # a new station's 0110 step already made it
        refuse_replace(db, "quality_checks")


# Immutable tables added after the 0110 step: REPLACE refused too, rows not checked
# against events (their events' shapes are their modules' own).
LATER_IMMUTABLE = ("finding_corrections", "live_recordings")


def _later_tables_refuse_replace(db: sqlite_utils.Database) -> None:
    for table in LATER_IMMUTABLE:
        refuse_replace(db, table)


# The workshop's profile versions and logos: written once, like the signed tables.
PROFILE_TABLES = ("workshop_logos", "workshop_profiles")


def _workshop_profiles(db: sqlite_utils.Database) -> None:
    profile.migrate_workshop_record(db)
    for table in PROFILE_TABLES:
        refuse_replace(db, table)


def _labour_rates(db: sqlite_utils.Database) -> None:
    """The labour rate as the workshop's sealed, shared versions; a station's own rate,
    kept in its settings until now, is the first."""
    catalogue.migrate_labour_rates(db)
    _immutable(db, "labour_rates", "labour rate versions")
    refuse_replace(db, "labour_rates")
    replica.share(db, replica.RATES)
    catalogue.carry_labour_rate(db)
    audit_seals.seal_new(db, tuple(replica.RATES))


MIGRATIONS: list[Migration] = [
    Migration("0001_core", _core),
    Migration("0002_diagnostics", diagnostics.migrate),
    Migration("0003_photos", photos.migrate),
    Migration("0004_alignment", alignment.migrate),
    Migration("0005_sync", inbox.migrate),
    Migration("0006_outbox_actor", _outbox_actor),
    Migration("0007_handovers", _handovers),
    Migration("0130_i13_profile", profile.migrate),
    Migration("0120_i12_replica", replica.migrate),
    Migration("0140_i14_scan_reads", diagnostics.migrate_scan_reads),
    Migration("0141_i14_live_recordings", diagnostics.migrate_live_recordings),
    Migration("0111_i11_sync_token_file", inbox.move_token_out),
    Migration("0150_i15_catalogue", catalogue.migrate),
    Migration("0110_i11_audit_keys", _audit_keys),
    Migration("0131_i13_finding_corrections", corrections.migrate),
    Migration("0160_i16_customer_messages", messages.migrate),
    Migration("0113_i11_quality_checks_signed", _quality_checks_signed),
    Migration("0114_i11_later_tables_refuse_replace", _later_tables_refuse_replace),
    Migration("0132_i13_workshop_profiles", _workshop_profiles),
    Migration("0115_i11_pin_keyed", people.migrate_pin_keyed),
    Migration("0116_i11_row_seals", audit_seals.migrate),
    Migration("0121_i12_replica_later_tables", replica.migrate_later),
    Migration("0117_i11_more_seals", audit_seals.migrate_later),
    Migration("0125_i12_labour_rate", _labour_rates),
    Migration("0130_i12_row_before", replica.migrate_row_before),
]
