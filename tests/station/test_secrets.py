"""Secrets at rest: private files, the sync token outside the database, warnings at start-up."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from station import auth, inbox
from station.errors import StoreError
from station.private import exposed, warn_if_exposed, write_secret
from station.schema import MIGRATIONS
from station.store import Store

TOKEN = "st_9f2c1a-secret-token-of-the-cloud"


def station(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, "STATION_ADMIN_PIN": "1234"},
        timeout=120,
        # A permissive umask, as a desktop session has: the station must not depend on it.
        preexec_fn=lambda: os.umask(0o022),
    )


def modes(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_mode & 0o777
        for p in [folder, *folder.rglob("*")]
        if p.exists()
    }


def test_a_station_made_by_the_command_line_is_readable_by_its_user_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert station("init", data_dir=data_dir).returncode == 0
    made = station(
        "wo", "create", "--plate", "A1", "--user", "admin", "--pin", "1234", data_dir=data_dir
    )
    assert made.returncode == 0, made.stderr
    found = modes(data_dir)
    assert (found["."], found["keys"], found["backups"]) == (0o700, 0o700, 0o700), found
    assert found["station.db"] == 0o600, found
    for name, mode in found.items():
        if not name.endswith("cert.pem"):
            assert mode & 0o077 == 0, f"{name} is {mode:o}"
    assert "other users of this computer can read it" not in made.stderr, made.stderr


def test_the_wal_and_shm_of_an_open_station_are_private(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        store = Store.open(tmp_path / "station.db")
        with store.transaction("t") as tx:
            tx.audit("test", "x", {})
        assert {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()} == {
            "station.db": 0o600,
            "station.db-wal": 0o600,
            "station.db-shm": 0o600,
            ".station.db.checked": 0o600,
        }
        store.close()
    finally:
        os.umask(previous)


def test_wider_permissions_are_warned_about_once_with_the_fix(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    Store.open(tmp_path / "station.db").close()
    write_secret(tmp_path / "keys" / "pin-pepper", "x")
    (tmp_path / "keys" / "station-cert.pem").write_text("public")
    assert exposed(tmp_path) == []
    (tmp_path / "station.db").chmod(0o644)
    tmp_path.chmod(0o755)
    (tmp_path / "keys" / "pin-pepper").chmod(0o640)
    (tmp_path / "keys" / "station-cert.pem").chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="station.private"):
        first = warn_if_exposed(tmp_path)
        second = warn_if_exposed(tmp_path)
    assert first == second and len(first) == 3
    assert any(f"{tmp_path}/station.db is mode 0644" in w and "chmod 600" in w for w in first)
    assert any("chmod 700" in w for w in first)
    assert not any("station-cert.pem" in w for w in first), "a certificate is public"
    warned = [r for r in caplog.records if r.name == "station.private"]
    assert len(warned) == 3, "each file is warned about once per process"
    tmp_path.chmod(0o700)


def test_the_command_line_prints_the_warning_on_stderr(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert station("init", data_dir=data_dir).returncode == 0
    (data_dir / "station.db").chmod(0o644)
    listed = station("wo", "list", data_dir=data_dir)
    assert listed.returncode == 0
    assert listed.stderr.count("station.db is mode 0644") == 1
    assert "chmod 600" in listed.stderr


def test_an_old_station_s_token_moves_out_of_the_database(tmp_path: Path) -> None:
    path = tmp_path / "station.db"
    Store.open(
        path, migrations=[m for m in MIGRATIONS if m.name != "0111_i11_sync_token_file"]
    ).close()
    old = sqlite3.connect(path)
    old.execute("INSERT INTO meta (key, value) VALUES ('sync.token', ?)", (TOKEN,))
    old.commit()
    old.close()
    store = Store.open(path)
    assert store.meta(inbox.OLD_TOKEN_KEY) is None
    assert inbox.sync_token(tmp_path) == TOKEN
    assert (inbox.token_path(tmp_path).stat().st_mode & 0o777) == 0o600
    store.close()
    assert TOKEN.encode() not in path.read_bytes(), "the token's bytes are gone from the file"
    assert not Path(f"{path}-wal").exists()


def test_a_station_without_a_token_gets_no_token_file(tmp_path: Path) -> None:
    Store.open(tmp_path / "station.db").close()
    assert inbox.sync_token(tmp_path) is None
    assert not inbox.token_path(tmp_path).exists()


def test_a_saved_token_replaces_the_old_one_whole(tmp_path: Path) -> None:
    inbox.save_sync_token(tmp_path, "first")
    inbox.save_sync_token(tmp_path, "second")
    assert inbox.sync_token(tmp_path) == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == [inbox.token_path(tmp_path).name]


def test_a_keyed_pin_hash_needs_the_station_s_pin_key(tmp_path: Path) -> None:
    key = auth.ensure_pin_key(tmp_path)
    assert auth.ensure_pin_key(tmp_path) == key, "made once, then read"
    assert (auth.pin_key_path(tmp_path).stat().st_mode & 0o777) == 0o600
    stored = auth.hash_pin("4321", key=key)
    assert stored.pepper_version == auth.KEYED and not auth.needs_rehash(stored)
    assert auth.pin_matches("4321", stored, key)
    assert not auth.pin_matches("4322", stored, key)
    assert not auth.pin_matches("4321", stored, auth.ensure_pin_key(tmp_path / "other"))
    # Whoever has only the database computes the plain hash of the right PIN, and misses.
    unkeyed = auth.PinHash(stored.salt, stored.digest, auth.UNKEYED)
    assert not auth.pin_matches("4321", unkeyed)
    with pytest.raises(StoreError, match=r"PIN key .* is missing"):
        auth.pin_matches("4321", stored)


def test_a_pin_hash_from_before_the_key_still_verifies_and_asks_to_be_rehashed() -> None:
    old = auth.hash_pin("1234")
    assert old.pepper_version == auth.UNKEYED and auth.needs_rehash(old)
    assert auth.pin_matches("1234", old, key=bytes(32)), "the key is not used on an old hash"
    assert not auth.pin_matches("9999", old)


def test_pins_hashed_before_the_pin_key_still_open_and_are_keyed_at_the_next_login(
    tmp_path: Path,
) -> None:
    from station.workshop import Workshop

    path = tmp_path / "station.db"
    before = [m for m in MIGRATIONS if m.name != "0115_i11_pin_keyed"]
    old = Store.open(path, migrations=before)
    with old.transaction("t") as tx:
        for name, pin in (("boss", "1234"), ("tech", "2468")):
            plain = auth.hash_pin(pin)  # as a station before the PIN key kept it
            tx.insert(
                "users",
                {
                    "name": name,
                    "display_name": name,
                    "role": "admin",
                    "language": "en",
                    "pin_salt": plain.salt,
                    "pin_hash": plain.digest,
                    "created_at": tx.at,
                },
            )
    old.close()
    workshop = Workshop(Store.open(path))
    keyed = "SELECT name, pin_keyed FROM users ORDER BY name"
    assert workshop.store.query(keyed) == [
        {"name": "boss", "pin_keyed": 0},
        {"name": "tech", "pin_keyed": 0},
    ]
    assert workshop.login("boss", "1234").name == "boss"
    assert (auth.pin_key_path(tmp_path).stat().st_mode & 0o777) == 0o600
    assert workshop.store.query(keyed)[0]["pin_keyed"] == auth.KEYED
    assert workshop.login("boss", "1234").name == "boss", "the keyed hash opens too"
    with pytest.raises(Exception, match="wrong PIN"):
        workshop.login("boss", "4321")
    assert workshop.login("tech", "2468").name == "tech", "not yet rehashed: still opens"
    assert workshop.store.query(keyed)[1]["pin_keyed"] == auth.KEYED
    kinds = [r["kind"] for r in workshop.store.query("SELECT kind FROM audit_events")]
    assert kinds.count("user.pin_keyed") == 2
    workshop.store.close()


def test_a_lost_pin_key_is_reported_and_never_silently_replaced(tmp_path: Path) -> None:
    from station.roles import Role
    from station.workshop import Workshop

    workshop = Workshop(Store.open(tmp_path / "station.db"))
    workshop.add_user(None, "boss", Role.ADMIN, "1234")
    code = workshop.issue_recovery_code(workshop.login("boss", "1234"))
    auth.pin_key_path(tmp_path).unlink()
    for _ in range(auth.MAX_FAILED_ATTEMPTS + 1):
        with pytest.raises(StoreError, match=r"PIN key .* is missing"):
            workshop.login("boss", "1234")
    assert not auth.pin_key_path(tmp_path).exists()
    row = workshop.store.query_one("SELECT failed_attempts FROM users WHERE name = 'boss'")
    assert row == {"failed_attempts": 0}, "a missing key is no wrong PIN: nobody is locked out"
    workshop.recover_admin("boss", code, "4321")  # the admin's way back in without the key
    assert workshop.login("boss", "4321").name == "boss"
    workshop.store.close()
