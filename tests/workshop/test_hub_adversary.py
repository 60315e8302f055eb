"""A bay terminal's token (or its database file) in the wrong hands: what the hub refuses.

Each attack is sent over HTTP to a real hub on 127.0.0.1 with a joined terminal's own
token and audit-chain anchor, as someone holding that terminal's data folder could.
The bar: a clear refusal, nothing lost at the other terminals, nothing stuck.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from station import replica_rows
from station.audit import ANCHOR_HASH_KEY, ANCHOR_SEQ_KEY
from station.inbox import sync_token
from station.roles import Role
from station.workshop import Workshop
from sync.client import SyncClient, join_workshop
from sync.cloud import FIRST_PROFILE, Refused, clock_skew
from sync.errors import AuthRefused, SyncError
from sync.hub import RELAY
from sync.server import cannot_write, start_cloud_in_thread
from tests.workshop.conftest import WORKSHOP
from tests.workshop.helpers import Terminal, hub_digest, join, settle

CUSTOMER = {
    "name": "Chen",
    "phone": "13800000000",
    "language": "zh",
    "created_at": "2026-11-30T09:00:00.000Z",
}


def _post_rows(
    hub: Any, t: Terminal, rows: list[dict[str, Any]], seq: int | None = None
) -> dict[str, Any]:
    """One `rows.changed` mutation sent with `t`'s token and chain anchor; the hub's answer."""
    anchor = {"seq": int(t.store.meta(ANCHOR_SEQ_KEY)), "hash": t.store.meta(ANCHOR_HASH_KEY)}
    last = t.store.query_one("SELECT MAX(seq) AS n FROM outbox")
    body = {
        "station": t.store.meta("station_id"),
        "chain": {"head": anchor, "at_anchor": anchor},
        "mutations": [
            {
                "mutation_id": uuid.uuid4().hex,
                "seq": seq or int(last["n"] or 0) + 1000,
                "kind": "rows.changed",
                "entity": "changeset",
                "entity_id": "1",
                "user": "admin",
                "payload": {"rows": rows},
            }
        ],
    }
    token = sync_token(Path(str(t.store.path)).parent)
    answer = httpx.post(
        f"{hub.url}/v1/mutations", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json()["results"][0])


def _customer(t: Terminal, row_id: int, **row: Any) -> dict[str, Any]:
    return {"table": "customers", "key": str(row_id), "row": {"id": row_id, **CUSTOMER, **row}}


BAD_ROWS = {
    "a column the table lacks, named like SQL": (
        {'"x"); DROP TABLE users; --': 1},
        "customers has no column",
    ),
    "a column the table lacks": ({"nickname": "Ah Chen"}, "customers has no column 'nickname'"),
    "a number where text goes": ({"created_at": 5}, "created_at: 5 would be stored as '5'"),
    "a list where text goes": ({"phone": [1, 2]}, "customers.phone: a list is not"),
    "an object where text goes": ({"name": {"a": 1}}, "customers.name: a dict is not"),
    "an id beyond 64 bits": ({"id": 10**30}, "is beyond 64 bits"),
    "an id that is text": ({"id": "abc"}, "datatype mismatch"),
    "a required column left out": ({"name": None}, "NOT NULL constraint failed"),
    "true for a number": ({"language": True}, "true or false is not a column value"),
}


@pytest.mark.parametrize("bad", list(BAD_ROWS), ids=list(BAD_ROWS))
def test_a_row_no_replica_could_store_is_refused_and_every_feed_keeps_flowing(
    tmp_path: Path, hub: Any, bad: str
) -> None:
    bay, desk = join(hub, tmp_path, "bay-1"), join(hub, tmp_path, "desk")
    settle(bay, desk)
    values, reason = BAD_ROWS[bad]
    row_id = 1_000_000_050
    change = _customer(bay, row_id, **values)
    change["key"] = str(change["row"]["id"])
    answer = _post_rows(hub, bay, [change])
    assert answer["status"] == "conflict", answer
    assert reason in answer["detail"]["reason"]
    # The desk's feed is not stuck behind it: its own next change goes round as usual.
    desk.workshop.add_customer(desk.admin, "Lin", "13900000000")
    settle(bay, desk)
    assert bay.store.query_one("SELECT id FROM customers WHERE name = 'Lin'") is not None
    assert hub_digest(hub) == desk.digest() == bay.digest()
    bay.close()
    desk.close()


def test_a_row_filed_under_another_key_is_refused(tmp_path: Path, hub: Any) -> None:
    bay = join(hub, tmp_path, "bay-1")
    change = _customer(bay, 1_000_000_052)
    change["key"] = "1000000051"  # the hub would keep it as 51, every replica as 52
    answer = _post_rows(hub, bay, [change])
    assert answer["status"] == "conflict"
    assert "customers row 1000000052 was sent as '1000000051'" in answer["detail"]["reason"]
    bay.close()


def test_the_rows_a_terminal_writes_fit_its_own_tables() -> None:
    """The check refuses nothing a terminal sends: every column kind, blobs as hex."""
    user = {
        "id": 1_000_000_001,
        "name": "li",
        "display_name": "Li",
        "role": "technician",
        "language": "zh",
        "pin_salt": {"hex": "00ff"},
        "pin_hash": {"hex": "abcd"},
        "failed_attempts": 0,
        "active": 1,
        "created_at": "2026-11-30T09:00:00.000Z",
        "pin_keyed": 1,
    }
    assert replica_rows.unfit("users", "1000000001", user) is None
    line = {"job_id": 3, "item_id": 4, "quantity": 1.5}
    assert replica_rows.unfit("canned_job_lines", "3:4", line) is None
    assert replica_rows.unfit("audit_events", "1", {"seq": 1}) == (
        "'audit_events' is not a workshop table"
    )
    assert "hex is not hex" in str(
        replica_rows.unfit("users", "1", {**user, "pin_salt": {"hex": "zz"}})
    )
    # The tables start empty: the profile's first version, seeded by a migration, fits too.
    assert replica_rows.unfit("workshop_profiles", "1", FIRST_PROFILE) is None


def _stream(size: int, piece: bytes = b" " * (1 << 20)) -> Iterator[bytes]:
    """A body sent in chunks, without a Content-Length to go by."""
    for _ in range(size // len(piece)):
        yield piece


def test_a_body_too_large_is_refused_before_the_hub_holds_it(tmp_path: Path, hub: Any) -> None:
    bay = join(hub, tmp_path, "bay-1")
    headers = {"Authorization": f"Bearer {sync_token(Path(str(bay.store.path)).parent)}"}
    sha = "ab" * 32
    whole = httpx.post(f"{hub.url}/v1/blobs/{sha}", content=_stream(17 << 20), headers=headers)
    assert whole.status_code == 413, whole.text
    chunk = httpx.patch(
        f"{hub.url}/v1/blobs/{sha}",
        content=_stream(17 << 20),
        headers={
            **headers,
            "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": "0",
            "Upload-Length": str(17 << 20),
        },
    )
    assert chunk.status_code == 413, chunk.text
    batch = httpx.post(f"{hub.url}/v1/mutations", content=_stream(65 << 20), headers=headers)
    assert batch.status_code == 413 and "larger than" in batch.json()["error"]
    # A workshop's hub relaying its first snapshot may send more: read whole, then parsed.
    relay, _ = hub.service.add_terminal(WORKSHOP, RELAY)
    big = httpx.post(
        f"{hub.url}/v1/mutations",
        content=_stream(65 << 20),
        headers={"Authorization": f"Bearer {relay}"},
    )
    assert big.status_code == 400 and "not JSON" in big.json()["error"]
    # The terminal itself carries on as before.
    bay.workshop.add_customer(bay.admin, "Lin", "13900000000")
    assert set(bay.sync().outcomes) == {"applied"}
    bay.close()


def test_numbers_beyond_64_bits_are_answered_not_a_server_error(tmp_path: Path, hub: Any) -> None:
    bay = join(hub, tmp_path, "bay-1")
    headers = {"Authorization": f"Bearer {sync_token(Path(str(bay.store.path)).parent)}"}
    feed = httpx.get(f"{hub.url}/v1/changes", params={"since": 10**30}, headers=headers)
    assert feed.status_code == 400 and "not a change number" in feed.json()["error"]
    none = httpx.get(f"{hub.url}/v1/changes", params={"limit": -1}, headers=headers)
    assert none.status_code == 200 and len(none.json()["changes"]) == 1  # at least one
    late = _post_rows(hub, bay, [_customer(bay, 1_000_000_070)], seq=2**70)
    assert late["status"] == "rejected"
    bay.close()


def test_a_hub_put_back_from_an_older_copy_says_so_instead_of_hiding_changes(
    tmp_path: Path, hub: Any
) -> None:
    bay, desk = join(hub, tmp_path, "bay-1"), join(hub, tmp_path, "desk")
    settle(bay, desk)
    hub_db = tmp_path / "hub" / "hub.db"
    yesterday = tmp_path / "yesterday.db"
    with sqlite3.connect(hub_db) as live, sqlite3.connect(yesterday) as copy:
        live.backup(copy)
    desk.workshop.add_customer(desk.admin, "Lin", "13900000000")
    settle(bay, desk)  # both have seen the change yesterday's copy lacks
    port = int(hub.url.rsplit(":", 1)[1])
    hub.stop()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{hub_db}{suffix}").unlink(missing_ok=True)
    shutil.copy(yesterday, hub_db)
    again = start_cloud_in_thread(hub_db, tmp_path / "hub" / "blobs", port=port)
    try:
        desk.workshop.add_customer(desk.admin, "Zhao", "13700000000")
        with pytest.raises(SyncError, match="put back from an older copy"):
            desk.sync()
        with pytest.raises(SyncError, match="put back from an older copy"):
            bay.sync()
        assert bay.store.query_one("SELECT id FROM customers WHERE name = 'Lin'") is not None
        # Live, as the app runs it: its sync status says so, though its pushes go through.
        app = SyncClient(bay.store)
        stop, wake = threading.Event(), threading.Event()
        live = threading.Thread(target=app.run_live, args=(stop, wake), kwargs={"wait": 1})
        live.start()
        try:
            bay.workshop.add_customer(bay.admin, "Qian", "13600000000")
            wake.set()
            deadline = time.monotonic() + 60
            while app.status().pending_mutations or "older copy" not in str(
                app.status().last_error
            ):
                assert time.monotonic() < deadline, app.status()
                time.sleep(0.1)
            assert app.status().state == "error"
        finally:
            stop.set()
            wake.set()
            live.join(timeout=60)
            app.close()
    finally:
        again.stop()
        bay.close()
        desk.close()


def test_a_terminal_that_failed_to_join_joins_on_the_next_try(tmp_path: Path, hub: Any) -> None:
    secret, _ = hub.service.add_terminal(WORKSHOP, "bay-1")
    db = tmp_path / "bay-1" / "station.db"
    with pytest.raises(AuthRefused):
        mistyped = secret[:-1] + ("1" if secret.endswith("0") else "0")
        join_workshop(db, hub.url, mistyped)
    store, answer = join_workshop(db, hub.url, secret)
    assert answer["terminal"]["name"] == "bay-1"
    store.close()


def test_a_terminal_whose_clock_is_hours_off_is_told_and_its_changes_wait(
    tmp_path: Path, hub: Any
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    settle(desk, bay)
    for store in (bay.store, bay.client.store):  # the terminal's clock, 3 hours slow
        store.clock = lambda: datetime.now(UTC) - timedelta(hours=3)
    bay.workshop.add_customer(bay.admin, "Lin", "13900000000")
    with pytest.raises(SyncError, match="clock is 3 h 0 min behind the hub's"):
        bay.sync()
    assert bay.client.status().pending_mutations == 2  # kept, nothing lost
    for store in (bay.store, bay.client.store):  # set right: the changes go
        store.clock = lambda: datetime.now(UTC)
    settle(bay, desk)
    assert desk.store.query_one("SELECT id FROM customers WHERE name = 'Lin'") is not None
    assert hub_digest(hub) == desk.digest() == bay.digest()
    bay.close()
    desk.close()


def test_a_clock_within_minutes_of_the_hubs_is_taken() -> None:
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert clock_skew("2026-11-30T09:04:00.000Z", now) is None
    assert clock_skew(None, now) is None  # a station that does not say
    assert "2 h 30 min ahead of" in str(clock_skew("2026-11-30T11:30:00.000Z", now))
    assert "not an ISO time" in str(clock_skew("yesterday", now))


def test_a_full_or_read_only_disk_is_told_apart_from_other_database_errors(
    tmp_path: Path,
) -> None:
    db = tmp_path / "full.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x BLOB)")
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    with pytest.raises(sqlite3.OperationalError) as full:
        conn.execute("INSERT INTO t VALUES (zeroblob(100000))")
    conn.close()
    read_only = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as refused:
        read_only.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError) as missing:
        read_only.execute("SELECT * FROM nowhere")
    read_only.close()
    assert cannot_write(full.value) and cannot_write(refused.value)
    assert cannot_write(OSError(errno.ENOSPC, "No space left on device"))
    assert not cannot_write(missing.value) and not cannot_write(OSError(errno.EACCES, "no"))


def test_a_work_order_id_beyond_64_bits_is_not_found(tmp_path: Path, hub: Any) -> None:
    bay = join(hub, tmp_path, "bay-1")
    headers = {"Authorization": f"Bearer {sync_token(Path(str(bay.store.path)).parent)}"}
    answer = httpx.get(f"{hub.url}/v1/work-orders/{10**30}", headers=headers)
    assert answer.status_code == 404
    bay.close()


def test_a_revoked_terminals_name_is_refused_with_what_to_do(hub: Any) -> None:
    hub.service.add_terminal(WORKSHOP, "bay-2")
    (token,) = [t["token_id"] for t in hub.service.terminals(WORKSHOP) if t["name"] == "bay-2"]
    hub.service.revoke_token(token)
    with pytest.raises(Refused, match=r"bay-2 was revoked on .* another name"):
        hub.service.add_terminal(WORKSHOP, "bay-2")
    _, again = hub.service.add_terminal(WORKSHOP, "bay-2-new")
    assert again["name"] == "bay-2-new"


def test_a_hub_made_with_spaces_around_its_names_lets_its_terminals_log_in(
    tmp_path: Path,
) -> None:
    handle = start_cloud_in_thread(tmp_path / "hub" / "hub.db", tmp_path / "hub" / "blobs")
    try:
        for workshop, admin in (("  ", "admin"), (WORKSHOP, " ")):
            with pytest.raises(Refused):
                handle.service.add_first_admin(workshop, admin, "1234")
        handle.service.add_first_admin(f" {WORKSHOP} ", " admin ", "1234")
        secret, _ = handle.service.add_terminal(f"{WORKSHOP} ", "bay-1")
        store, _answer = join_workshop(tmp_path / "bay-1" / "station.db", handle.url, secret)
        assert Workshop(store).login("admin", "1234").role is Role.ADMIN
        store.close()
    finally:
        handle.stop()
