"""Tampering with a station's database as someone holding the file would, and what catches it.

The station under attack is the headless demo's: one whole visit, so every
signed table has rows. Each test works on its own copy of that data folder and
changes the database with a plain `sqlite3` connection (no pragmas, triggers
dropped at will), never through the core.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from station.audit import (
    IMMUTABLE_TABLES,
    KEYED_FROM_KEY,
    SIGNED_TABLES,
    canonical_json,
    event_body,
)
from station.audit_keys import audit_key_path, create_audit_key, load_audit_key
from station.audit_seals import SEALED_TABLES
from station.commands import init_station
from station.errors import StoreError
from station.replica import RATES
from station.schema import LATER_IMMUTABLE, MIGRATIONS, PROFILE_TABLES
from station.store import Store


def station(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo_station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "data"
    result = station("demo", data_dir=folder)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture
def data_dir(demo_station: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo_station, copy)
    return copy


def attacker(data_dir: Path) -> sqlite3.Connection:
    """A plain connection to the station's database: no pragmas, autocommit."""
    return sqlite3.connect(data_dir / "station.db", isolation_level=None)


def verify(data_dir: Path) -> list[str]:
    store = Store.open(data_dir / "station.db")
    try:
        report = store.verify_audit()
    finally:
        store.close()
    assert report.ok == (not report.problems)
    return list(report.problems)


def rows_of(db: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    cursor = db.execute(f"SELECT * FROM {table} ORDER BY rowid")
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_the_demo_station_verifies_keyed_with_every_signed_table_filled(data_dir: Path) -> None:
    result = station("audit", "verify", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["ok"] and answer["keyed"] and answer["keyed_from"] == 1
    assert answer["keyed_events"] == answer["events"] > 50
    assert answer["problems"] == []
    assert answer["anchor"]["seq"] <= answer["head"]["seq"]  # the demo synced with its cloud
    db = attacker(data_dir)
    for table in IMMUTABLE_TABLES:
        assert rows_of(db, table), f"the demo leaves {table} empty: the tamper tests miss it"
    assert answer["signed_rows"] == sum(len(rows_of(db, t.table)) for t in SIGNED_TABLES)
    key_file = audit_key_path(data_dir)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.read_text() not in (data_dir / "station.db").read_bytes().decode("latin-1")


def test_every_table_with_immutable_triggers_is_a_signed_table(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    guarded = {
        row["tbl_name"]
        for row in store.query(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_no_update'"
        )
    }
    # Besides the signed tables: the workshop's profile and labour rate versions (sealed).
    records = set(PROFILE_TABLES) | set(RATES)
    assert guarded - {"meta"} == set(IMMUTABLE_TABLES) | set(LATER_IMMUTABLE) | records
    replace_guarded = {
        row["tbl_name"]
        for row in store.query(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_no_replace'"
        )
    }
    assert replace_guarded == guarded


@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
def test_replace_is_refused_on_every_signed_table(data_dir: Path, verb: str) -> None:
    store = Store.open(data_dir / "station.db")
    plain = attacker(data_dir)  # recursive_triggers off: only the BEFORE INSERT trigger stands
    for db in (store.db.conn, plain):
        db.execute("BEGIN IMMEDIATE")
        for table in IMMUTABLE_TABLES:
            row = rows_of(db, table)[0]
            key = next(iter(row))  # id, seq or sha256: the row to replace
            forged = {
                k: ("forged" if isinstance(v, str) and k != key else v) for k, v in row.items()
            }
            marks = ", ".join("?" for _ in forged)
            with pytest.raises(sqlite3.IntegrityError, match="immutable"):
                db.execute(
                    f"{verb} INTO {table} ({', '.join(forged)}) VALUES ({marks})",
                    tuple(forged.values()),
                )
            assert rows_of(db, table)[0] == row
        db.execute("ROLLBACK")
    store.close()
    assert verify(data_dir) == []


def test_an_approval_swapped_with_triggers_dropped_and_recreated_is_caught(
    data_dir: Path,
) -> None:
    db = attacker(data_dir)
    declined = db.execute("SELECT id FROM approvals WHERE decision = 'declined'").fetchone()[0]
    triggers = dict(
        db.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'approvals' AND type = 'trigger'"
        )
    )
    for name in triggers:
        db.execute(f"DROP TRIGGER {name}")
    db.execute(
        "UPDATE approvals SET decision = 'approved', customer_name = 'Mallory', "
        "total_cents = total_cents * 10 WHERE id = ?",
        (declined,),
    )
    for sql in triggers.values():
        db.execute(sql)
    db.close()
    problems = verify(data_dir)
    assert problems == [
        f"approvals {declined} differs from its audit event in customer_name, decision, total_cents"
    ]
    result = station("audit", "verify", data_dir=data_dir)
    assert result.returncode == 1
    assert f"approvals {declined} differs from its audit event" in result.stderr


def test_a_signature_swapped_and_a_deleted_estimate_line_are_caught(data_dir: Path) -> None:
    db = attacker(data_dir)
    for name in ("signatures_no_update", "estimate_lines_no_delete"):
        db.execute(f"DROP TRIGGER {name}")
    sha, finding = db.execute(
        "SELECT s.sha256, l.finding_id FROM signatures s, estimate_lines l LIMIT 1"
    ).fetchone()
    db.execute("UPDATE signatures SET strokes = '[[[0,0],[1,1]]]' WHERE sha256 = ?", (sha,))
    db.execute("DELETE FROM estimate_lines WHERE finding_id = ?", (finding,))
    problems = verify(data_dir)
    assert f"signatures {sha} differs from its audit event in strokes" in problems
    assert any(p.startswith(f"estimate_lines of finding {finding}: 0 stored") for p in problems)
    assert "trigger signatures_no_update is missing" in problems
    assert "trigger estimate_lines_no_delete is missing" in problems


def test_an_edited_or_added_trigger_is_reported(data_dir: Path) -> None:
    db = attacker(data_dir)
    db.execute("DROP TRIGGER findings_no_update")
    db.execute("CREATE TRIGGER findings_no_update BEFORE UPDATE ON findings BEGIN SELECT 1; END")
    db.execute(
        "CREATE TRIGGER approvals_rewrite AFTER INSERT ON approvals "
        "BEGIN UPDATE meta SET value = value WHERE key = 'x'; END"
    )
    assert verify(data_dir) == [
        "trigger findings_no_update differs from the one the schema creates",
        "trigger approvals_rewrite is not part of the schema",
    ]


def rehash_without_key(db: sqlite3.Connection, from_seq: int) -> None:
    """What an attacker without the key can do: recompute the chain as plain SHA-256."""
    cursor = db.execute("SELECT * FROM audit_events WHERE seq >= ? ORDER BY seq", (from_seq,))
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    previous = db.execute("SELECT hash FROM audit_events WHERE seq = ?", (from_seq - 1,)).fetchone()
    prev_hash = previous[0] if previous else "0" * 64
    for row in rows:
        digest = hashlib.sha256(
            (prev_hash + canonical_json(event_body(row))).encode("utf-8")
        ).hexdigest()
        db.execute(
            "UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?",
            (prev_hash, digest, row["seq"]),
        )
        prev_hash = digest


def test_an_event_rewritten_with_the_chain_recomputed_is_caught(data_dir: Path) -> None:
    db = attacker(data_dir)
    for table in ("audit_events", "approvals"):
        db.execute(f"DROP TRIGGER {table}_no_update")
    seq, approval, data = db.execute(
        "SELECT seq, subject, data FROM audit_events WHERE kind = 'finding.declined'"
    ).fetchone()
    forged = {**json.loads(data), "decision": "approved", "customer_name": "Mallory"}
    db.execute("UPDATE audit_events SET data = ? WHERE seq = ?", (canonical_json(forged), seq))
    db.execute(
        "UPDATE approvals SET decision = 'approved', customer_name = 'Mallory' WHERE id = ?",
        (int(approval.split(":")[1]),),
    )
    rehash_without_key(db, seq)
    problems = verify(data_dir)
    assert (
        problems[0]
        == f"the audit chain is broken at event {seq}: event content does not match its hash"
    )


def test_downgrading_the_whole_chain_to_unkeyed_is_caught(data_dir: Path) -> None:
    db = attacker(data_dir)
    for name in ("audit_events_no_update", "meta_keyed_from_no_update"):
        db.execute(f"DROP TRIGGER {name}")
    head = db.execute("SELECT MAX(seq) FROM audit_events").fetchone()[0]
    db.execute("UPDATE meta SET value = ? WHERE key = ?", (str(head + 1), KEYED_FROM_KEY))
    rehash_without_key(db, 1)
    problems = verify(data_dir)
    assert (
        problems[0] == "the audit chain is broken at event 1: event content does not match its hash"
    )
    assert (
        f"the database says the keyed chain starts at event {head + 1}, the audit key says 1"
        in problems
    )


def test_the_last_events_deleted_show_as_gone_against_the_anchor(data_dir: Path) -> None:
    store = Store.open(data_dir / "station.db")
    head = store.verify_audit_chain()
    with store.transaction("sync") as tx:  # what the sync client keeps after the cloud's ack
        for key, value in (
            ("audit_anchor_seq", head.head_seq),
            ("audit_anchor_hash", head.head_hash),
        ):
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, str(value)),
            )
    store.close()
    assert verify(data_dir) == []
    db = attacker(data_dir)
    db.execute("DROP TRIGGER audit_events_no_delete")
    db.execute("DELETE FROM audit_events WHERE seq > ?", (head.head_seq - 25,))
    db.execute(
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit events are immutable'); END"
    )
    problems = verify(data_dir)
    assert (
        f"events after {head.head_seq - 25} are gone: the cloud holds this chain up to "
        f"event {head.head_seq}" in problems
    )


def test_a_lost_audit_key_stops_writes_and_is_reported(data_dir: Path) -> None:
    audit_key_path(data_dir).unlink()
    store = Store.open(data_dir / "station.db")
    with pytest.raises(StoreError, match=r"audit key .* is missing"), store.transaction("x") as tx:
        tx.audit("anything", "station", {})
    assert (
        f"this station's audit key {audit_key_path(data_dir)} is missing"
        in store.verify_audit().problems
    )
    store.close()
    assert not audit_key_path(data_dir).exists()  # never silently replaced


def test_an_older_station_keeps_its_legacy_prefix_and_is_keyed_from_the_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "station.db"
    # A station from before the audit keys has none of the steps from there on.
    legacy = MIGRATIONS[: [m.name for m in MIGRATIONS].index("0110_i11_audit_keys")]
    old = Store.open(path, migrations=legacy)
    with old.transaction("admin") as tx:
        tx.execute("INSERT INTO meta (key, value) VALUES ('station_id', 'S1')")
        for n in range(5):
            tx.audit("legacy.event", f"thing:{n}", {"n": n})
    old.close()
    assert load_audit_key(tmp_path) is None
    upgraded = Store.open(path)
    key = load_audit_key(tmp_path)
    assert key is not None and key.keyed_from == 6 == int(upgraded.meta(KEYED_FROM_KEY) or 0)
    with upgraded.transaction("admin") as tx:
        tx.audit("new.event", "thing:9", {})
    check = upgraded.verify_audit_chain()
    assert check.ok and check.events == 6 and check.keyed_events == 1
    with pytest.raises(sqlite3.IntegrityError, match="fixed"):
        upgraded.db.conn.execute("UPDATE meta SET value = '99' WHERE key = ?", (KEYED_FROM_KEY,))
    upgraded.close()


def test_a_bare_store_stays_unkeyed_and_verify_says_so(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "bare.db")
    with store.transaction("t") as tx:
        tx.audit("thing.done", "thing:1", {})
    report = store.verify_audit()
    assert report.ok and report.keyed_from is None and report.chain.keyed_events == 0
    assert not audit_key_path(tmp_path).exists()
    store.close()


def test_init_creates_the_key_before_the_first_event(tmp_path: Path) -> None:
    workshop = init_station(tmp_path / "station.db", "W", None, "admin", "1234")
    check = workshop.store.verify_audit_chain()
    assert check.ok and check.keyed_events == check.events >= 2
    workshop.store.close()


def test_a_replace_deletes_through_the_delete_trigger_on_the_stations_connection(
    data_dir: Path,
) -> None:
    store = Store.open(data_dir / "station.db")
    assert store.db.conn.execute("PRAGMA recursive_triggers").fetchone()[0] == 1
    store.db.conn.execute("DROP TRIGGER approvals_no_replace")
    row = store.query("SELECT * FROM approvals ORDER BY id LIMIT 1")[0]
    with pytest.raises(sqlite3.IntegrityError, match="approvals are immutable"):
        store.db.conn.execute(
            "INSERT OR REPLACE INTO approvals (id, finding_id, decision, customer_name, channel, "
            "total_cents, at) VALUES (?, ?, 'approved', 'Mallory', 'desk', 1, ?)",
            (row["id"], row["finding_id"], row["at"]),
        )
    store.db.conn.rollback()
    assert store.query("SELECT * FROM approvals ORDER BY id LIMIT 1")[0] == row
    store.close()


def test_an_audit_key_is_never_replaced_and_leaves_nothing_aside(tmp_path: Path) -> None:
    first = create_audit_key(tmp_path, 1)
    with pytest.raises(StoreError, match="already holds an audit key"):
        create_audit_key(tmp_path, 7)
    assert load_audit_key(tmp_path) == first
    assert [p.name for p in audit_key_path(tmp_path).parent.iterdir()] == ["audit-chain.key"]


def test_a_failed_quality_check_turned_into_a_pass_is_refused_and_caught(data_dir: Path) -> None:
    """The quality check decides whether the car may go home: not rewritable like a note."""
    db = attacker(data_dir)
    qc = db.execute("SELECT id FROM quality_checks ORDER BY id LIMIT 1").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="quality checks are immutable"):
        db.execute("UPDATE quality_checks SET passed = 1 - passed WHERE id = ?", (qc,))
    triggers = dict(
        db.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'quality_checks' "
            "AND type = 'trigger' AND name LIKE 'quality_checks_no_%'"
        )
    )
    for name in triggers:
        db.execute(f"DROP TRIGGER {name}")
    db.execute("UPDATE quality_checks SET passed = 1 - passed, note = 'fine' WHERE id = ?", (qc,))
    for sql in triggers.values():
        db.execute(sql)
    db.close()
    assert verify(data_dir) == [f"quality_checks {qc} differs from its audit event in note, passed"]


# -- changing tables: each write sealed in the chain ------------------------------

SEALED_EDITS = [
    ("users", "role = 'admin'", "role != 'admin'"),
    ("users", "failed_attempts = 5", "name = 'admin'"),
    ("users", "active = 0", "active = 1"),
    ("work_orders", "status = 'in_progress'", "1"),
    ("jobs", "description = 'free brake job'", "1"),
    ("clock_entries", "ended_at = NULL", "1"),
    ("follow_ups", "outcome = 'happy'", "1"),
    ("outbox", "payload = '{}'", "1"),
    ("scans", "result = replace(result, 'P0', 'P9')", "1"),
    ("scan_reads", "status = 'ok'", "1"),
    ("customers", "email = 'thief@evil.example'", "1"),
    ("messages", "address = 'thief@evil.example'", "1"),
    ("vehicles", "plate = 'FAKE-001'", "1"),
    ("appointments", "complaint = 'nothing wrong'", "1"),
]


def first_key(db: sqlite3.Connection, table: str, where: str) -> int:
    row = db.execute(f"SELECT rowid FROM {table} WHERE {where} ORDER BY rowid LIMIT 1").fetchone()
    assert row is not None, f"the demo has no {table} row where {where}"
    return int(row[0])


def test_the_demo_seals_every_row_of_the_changing_tables(data_dir: Path) -> None:
    result = station("audit", "verify", "--json", data_dir=data_dir)
    answer = json.loads(result.stdout)
    assert result.returncode == 0 and answer["problems"] == []
    db = attacker(data_dir)
    assert answer["unsealed_rows"] == 0
    assert answer["sealed_rows"] == sum(len(rows_of(db, t)) for t in SEALED_TABLES)
    for table in ("users", "work_orders", "jobs", "clock_entries", "outbox", "scans"):
        assert rows_of(db, table), f"the demo leaves {table} empty"


@pytest.mark.parametrize(("table", "change", "where"), SEALED_EDITS)
def test_a_changed_row_of_a_changing_table_is_caught(
    data_dir: Path, table: str, change: str, where: str
) -> None:
    db = attacker(data_dir)
    for name in [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]:
        if name.startswith(f"{table}_no_"):
            db.execute(f"DROP TRIGGER {name}")  # an immutable table's guards too
    key = first_key(db, table, where)
    changed = db.execute(f"UPDATE {table} SET {change} WHERE rowid = ?", (key,))
    assert changed.rowcount == 1
    problems = verify(data_dir)
    assert f"{table} {key} differs from what the audit log sealed for it" in problems
    assert f"{table} {key} was changed outside the station" in problems


def test_a_change_with_the_seal_triggers_dropped_and_the_notes_cleared_is_caught(
    data_dir: Path,
) -> None:
    db = attacker(data_dir)
    triggers = dict(
        db.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE 'users_sealed_%'")
    )
    for name in triggers:
        db.execute(f"DROP TRIGGER {name}")
    tech = first_key(db, "users", "role = 'technician'")
    db.execute("UPDATE users SET role = 'admin' WHERE id = ?", (tech,))
    for sql in triggers.values():
        db.execute(sql)
    db.execute("DELETE FROM row_seal_pending")
    assert verify(data_dir) == [f"users {tech} differs from what the audit log sealed for it"]


def test_a_row_deleted_or_added_behind_the_station_is_caught(data_dir: Path) -> None:
    db = attacker(data_dir)
    entry = first_key(db, "clock_entries", "1")
    db.execute("DELETE FROM clock_entries WHERE id = ?", (entry,))
    salt, digest = db.execute("SELECT pin_salt, pin_hash FROM users LIMIT 1").fetchone()
    db.execute(
        "INSERT INTO users (name, display_name, role, language, pin_salt, pin_hash, created_at) "
        "VALUES ('mallory', 'Mallory', 'admin', 'en', ?, ?, '2026-01-01T00:00:00.000Z')",
        (salt, digest),
    )
    added = db.execute("SELECT id FROM users WHERE name = 'mallory'").fetchone()[0]
    db.execute("DELETE FROM row_seal_pending")
    problems = verify(data_dir)
    assert f"clock_entries {entry} is sealed in the audit log but missing" in problems
    assert f"users {added} was written without the station (no seal in the audit log)" in problems


def test_a_rewritten_recording_or_correction_is_caught(data_dir: Path) -> None:
    store = Store.open(data_dir / "station.db")
    from station.diagnostics import record_live
    from station.roles import Role
    from station.workshop import Actor, Workshop

    workshop = Workshop(store)
    tech = store.query_one("SELECT id, name FROM users WHERE role = 'technician' LIMIT 1")
    assert tech is not None
    admin = Actor(tech["id"], tech["name"], Role.TECHNICIAN)  # as after a good login
    wo = store.query_one("SELECT id FROM work_orders ORDER BY id LIMIT 1")
    assert wo is not None
    recording = {"ecu": "7E8", "signals": {"0C": {"name": "rpm", "unit": "rpm"}}}
    record_live(workshop, admin, wo["id"], "rev test", recording | {"samples": [[0, {"0C": 800}]]})
    store.close()
    db = attacker(data_dir)
    for table in ("live_recordings", "finding_corrections"):
        db.execute(f"DROP TRIGGER {table}_no_update")
    live = first_key(db, "live_recordings", "1")
    db.execute("UPDATE live_recordings SET recording = replace(recording, '800', '8000')")
    correction = first_key(db, "finding_corrections", "1")
    db.execute(
        "UPDATE finding_corrections SET reason = 'customer asked' WHERE id = ?", (correction,)
    )
    problems = verify(data_dir)
    assert f"live_recordings {live} differs from what the audit log sealed for it" in problems
    assert (
        f"finding_corrections {correction} differs from what the audit log sealed for it"
        in problems
    )


def test_rows_from_before_the_seals_are_counted_then_sealed_at_their_next_write(
    tmp_path: Path,
) -> None:
    path = tmp_path / "station.db"
    names = [m.name for m in MIGRATIONS]
    before = MIGRATIONS[: names.index("0116_i11_row_seals")]  # the steps shipped before
    old = Store.open(path, migrations=before)
    with old.transaction("t") as tx:
        for name in ("a", "b"):
            tx.insert(
                "users",
                {
                    "name": name,
                    "display_name": name,
                    "role": "admin",
                    "language": "en",
                    "pin_salt": b"s",
                    "pin_hash": b"h",
                    "created_at": tx.at,
                },
            )
    old.close()
    store = Store.open(path)
    report = store.verify_audit()  # the two users and the first workshop profile version
    assert report.ok and (report.sealed_rows, report.unsealed_rows) == (0, 3)
    with store.transaction("t") as tx:
        tx.execute("UPDATE users SET role = 'technician' WHERE name = 'b'")
    report = store.verify_audit()  # user b and the profile version sealed
    assert report.ok and (report.sealed_rows, report.unsealed_rows) == (2, 1)
    store.db.conn.execute("UPDATE users SET role = 'admin' WHERE name = 'b'")
    assert "users 2 differs from what the audit log sealed for it" in store.verify_audit().problems
    store.close()


def test_a_workshop_profile_version_added_behind_the_station_is_caught(data_dir: Path) -> None:
    db = attacker(data_dir)
    latest = db.execute("SELECT * FROM workshop_profiles ORDER BY version DESC LIMIT 1")
    names = [c[0] for c in latest.description]
    row = dict(zip(names, latest.fetchone(), strict=True))
    row.update(id=None, version=row["version"] + 1, based_on=row["id"], phone="+1 555 0100")
    db.execute(
        f"INSERT INTO workshop_profiles ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
        tuple(row.values()),
    )
    added = db.execute("SELECT MAX(id) FROM workshop_profiles").fetchone()[0]
    db.execute("DELETE FROM row_seal_pending")
    problems = verify(data_dir)
    assert problems == [
        f"workshop_profiles {added} was written without the station (no seal in the audit log)"
    ]


def test_a_customer_edit_through_the_station_is_sealed_not_flagged(data_dir: Path) -> None:
    from station.roles import Role
    from station.workshop import Actor, Workshop

    store = Store.open(data_dir / "station.db")
    try:
        advisor = store.query_one("SELECT id, name FROM users WHERE role = 'advisor' LIMIT 1")
        customer = store.query_one("SELECT id FROM customers ORDER BY id LIMIT 1")
        assert advisor is not None and customer is not None
        actor = Actor(advisor["id"], advisor["name"], Role.ADVISOR)
        changed = Workshop(store).set_contact(actor, customer["id"], email="new@example.com")
        assert changed == {"email": "new@example.com"}
        report = store.verify_audit()
        assert report.ok, report.problems
        assert report.unsealed_rows == 0
    finally:
        store.close()


def test_rows_of_the_later_sealed_tables_are_all_sealed_by_the_first_write_after_the_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "station.db"
    names = [m.name for m in MIGRATIONS]
    before = MIGRATIONS[: names.index("0117_i11_more_seals")]  # the steps shipped before
    old = Store.open(path, migrations=before)
    with old.transaction("t") as tx:
        for name in ("a", "b"):
            tx.insert("customers", {"name": name, "language": "en", "created_at": tx.at})
    old.close()
    store = Store.open(path)
    report = store.verify_audit()  # the two customers and the first workshop profile version
    assert report.ok and (report.sealed_rows, report.unsealed_rows) == (0, 3)
    with store.transaction("t") as tx:
        tx.execute("UPDATE customers SET phone = '123' WHERE name = 'b'")
    report = store.verify_audit()
    assert report.ok and (report.sealed_rows, report.unsealed_rows) == (3, 0)
    store.db.conn.execute("UPDATE customers SET email = 'thief@evil.example' WHERE name = 'a'")
    store.db.conn.execute(
        "INSERT INTO customers (name, language, created_at) VALUES ('c', 'en', 'x')"
    )
    store.db.conn.execute("DELETE FROM row_seal_pending")
    assert store.verify_audit().problems == (
        "customers 1 differs from what the audit log sealed for it",
        "customers 3 was written without the station (no seal in the audit log)",
    )
    store.close()
