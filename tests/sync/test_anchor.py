"""The cloud anchors each station's audit chain head and refuses a chain that went back or forked."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from station.audit import ANCHOR_HASH_KEY, ANCHOR_SEQ_KEY, canonical_json, event_body
from station.store import Store
from sync.client import SyncClient, enrol
from sync.errors import ChainRefused
from sync.protocol import (
    API,
    ChainClaim,
    ChainPoint,
    ChainVerdict,
    judge_chain,
    parse_chain_claim,
)
from sync.server import CloudHandle
from tests.sync.helpers import Station, make_station, visit

A = "a" * 64
B = "b" * 64


def test_the_verdicts_on_literals() -> None:
    anchored = ChainPoint(10, A)
    assert judge_chain(None, None) is ChainVerdict.ACCEPTED
    assert judge_chain(None, ChainClaim(ChainPoint(3, B), None)) is ChainVerdict.ACCEPTED
    assert judge_chain(anchored, None) is ChainVerdict.MISSING
    assert judge_chain(anchored, ChainClaim(ChainPoint(9, A), None)) is ChainVerdict.BACKWARDS
    assert judge_chain(anchored, ChainClaim(ChainPoint(12, B), None)) is ChainVerdict.STALE
    assert (
        judge_chain(anchored, ChainClaim(ChainPoint(12, B), ChainPoint(8, A))) is ChainVerdict.STALE
    )
    assert (
        judge_chain(anchored, ChainClaim(ChainPoint(12, B), ChainPoint(10, B)))
        is ChainVerdict.FORKED
    )
    assert (
        judge_chain(anchored, ChainClaim(ChainPoint(12, B), ChainPoint(10, A)))
        is ChainVerdict.ACCEPTED
    )
    assert judge_chain(anchored, ChainClaim(anchored, anchored)) is ChainVerdict.ACCEPTED


def test_a_malformed_claim_is_no_claim() -> None:
    assert parse_chain_claim({"head": {"seq": 3, "hash": A}, "at_anchor": None}) == ChainClaim(
        ChainPoint(3, A), None
    )
    for bad in (None, [], {"head": {"seq": "3", "hash": A}}, {"head": {"seq": 3, "hash": "x"}}):
        assert parse_chain_claim(bad) is None


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return make_station(tmp_path / "station")


def _enrolled(station: Station, cloud: CloudHandle) -> tuple[SyncClient, str]:
    _, secret = cloud.service.issue_token("Harbour Motors")
    enrol(station.store, cloud.url, secret)
    return SyncClient(station.store, timeout=10, backoff_base=0.01), secret


def _cloud_anchor(cloud: CloudHandle, station: Station) -> tuple[int, str] | None:
    with cloud.service.db.transaction() as tx:
        row = tx.one(
            "SELECT seq, hash FROM chain_anchors WHERE station_id = ?", (station.station_id,)
        )
    return None if row is None else (int(row["seq"]), str(row["hash"]))


def _head(store: Store) -> tuple[int, str]:
    check = store.verify_audit_chain()
    return check.head_seq, check.head_hash


def _applied(cloud: CloudHandle, station: Station) -> int:
    with cloud.service.db.transaction() as tx:
        row = tx.one(
            "SELECT COUNT(*) AS n FROM mutations WHERE station_id = ?", (station.station_id,)
        )
    assert row is not None
    return int(row["n"])


def test_every_sync_anchors_the_head_and_verify_says_so(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    visit(station, "A1")
    client, _ = _enrolled(station, sqlite_cloud)
    with client:
        client.run_once()
        head = _head(station.store)
        assert _cloud_anchor(sqlite_cloud, station) == head
        assert (station.store.meta(ANCHOR_SEQ_KEY), station.store.meta(ANCHOR_HASH_KEY)) == (
            str(head[0]),
            head[1],
        )
        # A head that moved with nothing queued is still anchored on the next run.
        with station.store.transaction("admin") as tx:
            tx.audit("note.kept", "station", {})
        assert client.run_once().sent == 0
        assert _cloud_anchor(sqlite_cloud, station) == _head(station.store)
    report = station.store.verify_audit()
    assert report.ok and report.anchor == _head(station.store)


def _drop_tail(db_path: Path, count: int) -> int:
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("DROP TRIGGER audit_events_no_delete")
    last = db.execute("SELECT MAX(seq) FROM audit_events").fetchone()[0]
    db.execute("DELETE FROM audit_events WHERE seq > ?", (last - count,))
    db.close()
    return int(last - count)


def test_the_last_25_events_deleted_are_refused_and_nothing_is_applied(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    visit(station, "A1")
    visit(station, "C3", seed=2)
    client, _ = _enrolled(station, sqlite_cloud)
    with client:
        client.run_once()
        anchored = _cloud_anchor(sqlite_cloud, station)
        assert anchored is not None and anchored[0] > 25
        visit(station, "B2", seed=1)  # more work queued, then the tail of the log removed
        applied = _applied(sqlite_cloud, station)
        pending = client.status().pending_mutations
        kept = _drop_tail(
            station.data_dir / "station.db", 25 + (_head(station.store)[0] - anchored[0])
        )
        assert kept == anchored[0] - 25
        with pytest.raises(ChainRefused, match="went backwards"):
            client.run_once()
        status = client.status()
        assert status.state == "chain_refused" and "went backwards" in (status.last_error or "")
        assert status.pending_mutations == pending
    assert _applied(sqlite_cloud, station) == applied
    assert _cloud_anchor(sqlite_cloud, station) == anchored
    result = subprocess.run(
        [sys.executable, "-m", "station.cli", "sync", "--data-dir", str(station.data_dir)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )
    assert result.returncode == 6
    assert "refused this station's audit chain" in result.stderr and "backwards" in result.stderr


def _rewrite(db_path: Path, seq: int) -> None:
    """Change one event and recompute the chain after it as plain SHA-256 (no key)."""
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("DROP TRIGGER audit_events_no_update")
    cursor = db.execute("SELECT * FROM audit_events WHERE seq >= ? ORDER BY seq", (seq,))
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    rows[0]["data"] = canonical_json({**json.loads(rows[0]["data"]), "customer_name": "Mallory"})
    previous = rows[0]["prev_hash"]
    for row in rows:
        digest = hashlib.sha256((previous + canonical_json(event_body(row))).encode()).hexdigest()
        db.execute(
            "UPDATE audit_events SET data = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            (row["data"], previous, digest, row["seq"]),
        )
        previous = digest
    db.close()


def test_a_rewritten_chain_is_a_fork_the_cloud_refuses(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    visit(station, "A1")
    client, _ = _enrolled(station, sqlite_cloud)
    with client:
        client.run_once()
        anchored = _cloud_anchor(sqlite_cloud, station)
        assert anchored is not None
        declined = station.store.query_one(
            "SELECT seq FROM audit_events WHERE kind = 'finding.declined'"
        )
        assert declined is not None
        _rewrite(station.data_dir / "station.db", declined["seq"])
        with pytest.raises(ChainRefused, match="rewritten"):
            client.run_once()
    assert _cloud_anchor(sqlite_cloud, station) == anchored


def test_an_anchor_the_station_missed_is_compared_on_a_second_try(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    visit(station, "A1")
    client, _ = _enrolled(station, sqlite_cloud)
    with client:
        client.run_once()
        # The cloud's answer was lost: the station still remembers an older anchor.
        with station.store.transaction("sync") as tx:
            tx.execute("UPDATE meta SET value = '3' WHERE key = ?", (ANCHOR_SEQ_KEY,))
        visit(station, "B2", seed=1)
        report = client.run_once()
        assert report.outcomes == {"applied": report.sent}
        assert _cloud_anchor(sqlite_cloud, station) == _head(station.store)


def test_a_batch_without_a_head_is_refused_once_the_chain_is_anchored(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    visit(station, "A1")
    client, secret = _enrolled(station, sqlite_cloud)
    with client:
        client.run_once()
    response = httpx.post(
        f"{sqlite_cloud.url}{API}/mutations",
        json={"station": station.station_id, "mutations": []},
        headers={"Authorization": f"Bearer {secret}"},
        timeout=10,
    )
    assert response.status_code == 409
    assert (
        response.json()["chain"] == "missing" and "no audit chain head" in response.json()["error"]
    )


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )


def _reanchors(cloud: CloudHandle, station_id: str) -> list[dict[str, object]]:
    with cloud.service.db.transaction() as tx:
        return tx.all(
            "SELECT anchor_seq, head_seq, restored_seq FROM chain_reanchors WHERE station_id = ?",
            (station_id,),
        )


def _reopened(data_dir: Path) -> Station:
    from station.photos import PhotoStore
    from station.workshop import Workshop

    workshop = Workshop(Store.open(data_dir / "station.db"))
    admin, tech = workshop.login("admin", "1234"), workshop.login("li", "5678")
    return Station(data_dir, workshop, admin, tech, PhotoStore(workshop.store, data_dir / "photos"))


def _sync_again(data_dir: Path) -> SyncClient:
    return SyncClient(data_dir / "station.db", timeout=10, backoff_base=0.01)


def test_a_restored_older_backup_tells_the_cloud_and_syncs_again(
    station: Station, sqlite_cloud: CloudHandle, tmp_path: Path
) -> None:
    from station.audit import RESTORED_KEY
    from station.backup import copy_database

    visit(station, "A1")
    client, _ = _enrolled(station, sqlite_cloud)
    with client:
        client.run_once()
    older = tmp_path / "older.db"
    copy_database(station.data_dir / "station.db", older)
    visit(station, "B2", seed=1)
    with _sync_again(station.data_dir) as client:
        client.run_once()
    before = _cloud_anchor(sqlite_cloud, station)
    assert before is not None
    station_id = station.station_id
    station.store.close()
    restored = _cli("restore", str(older), data_dir=station.data_dir)
    assert restored.returncode == 0, restored.stderr
    assert "the next sync tells the cloud" in restored.stdout
    with _sync_again(station.data_dir) as client:
        client.run_once()  # no refusal: the restore is on record and the chain anchored again
        store = client.store
        with sqlite_cloud.service.db.transaction() as tx:
            anchor = tx.one(
                "SELECT seq, hash FROM chain_anchors WHERE station_id = ?", (station_id,)
            )
        assert anchor is not None and (anchor["seq"], anchor["hash"]) == _head(store)
        assert store.meta(RESTORED_KEY) is None
        head = _head(store)[0]
    assert _reanchors(sqlite_cloud, station_id) == [
        {"anchor_seq": before[0], "head_seq": head, "restored_seq": head}
    ]
    again = _reopened(station.data_dir)
    visit(again, "C3", seed=3)  # new work after the restore is applied, not out of order
    with _sync_again(station.data_dir) as client:
        report = client.run_once()
    assert report.outcomes.get("applied", 0) > 0 and "rejected" not in report.outcomes
    again.store.close()


def test_a_database_copied_back_by_hand_is_anchored_again_with_the_recovery_code(
    station: Station, sqlite_cloud: CloudHandle, tmp_path: Path
) -> None:
    from station.backup import copy_database

    code = station.workshop.issue_recovery_code(station.admin)
    visit(station, "A1")
    client, _ = _enrolled(station, sqlite_cloud)
    with client:
        client.run_once()
    older = tmp_path / "older.db"
    copy_database(station.data_dir / "station.db", older)
    visit(station, "B2", seed=1)
    with _sync_again(station.data_dir) as client:
        client.run_once()
    station_id = station.station_id
    station.store.close()
    database = station.data_dir / "station.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    database.write_bytes(older.read_bytes())
    work = ("wo", "create", "--plate", "D4", "--user", "admin", "--pin", "1234")
    assert _cli(*work, data_dir=station.data_dir).returncode == 0  # new work to send
    refused = _cli("sync", data_dir=station.data_dir)
    assert refused.returncode == 6, refused.stdout + refused.stderr
    assert "station audit reanchor --recovery-code" in refused.stderr
    wrong = _cli("audit", "reanchor", "--recovery-code", "AAAAA-BBBBB", data_dir=station.data_dir)
    assert wrong.returncode == 2 and "not this station's recovery code" in wrong.stderr
    right = _cli("audit", "reanchor", "--recovery-code", code, data_dir=station.data_dir)
    assert right.returncode == 0, right.stderr
    assert "the recovery code is spent" in right.stdout
    assert _cli(*work[:3], "E5", *work[4:], data_dir=station.data_dir).returncode == 0
    synced = _cli("sync", "--json", data_dir=station.data_dir)
    assert synced.returncode == 0, synced.stderr
    outcomes = json.loads(synced.stdout)["outcomes"]
    assert outcomes.get("applied", 0) >= 2 and "rejected" not in outcomes
    assert len(_reanchors(sqlite_cloud, station_id)) == 1
    spent = _cli("audit", "reanchor", "--recovery-code", code, data_dir=station.data_dir)
    assert spent.returncode == 2, "a recovery code works once"
