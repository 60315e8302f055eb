"""The `station` command line as a script would use it: exit codes, --json, --data-dir."""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from station.cli import main
from station.config import load_config


def station(
    *args: str, data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


ADMIN = ("--user", "admin", "--pin", "1234")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    result = station(
        "init", "--admin-pin", "1234", "--workshop", "Test", data_dir=tmp_path / "data"
    )
    assert result.returncode == 0, result.stderr
    return tmp_path / "data"


def test_init_refuses_twice_and_needs_a_pin(tmp_path: Path, data_dir: Path) -> None:
    again = station("init", "--admin-pin", "1234", data_dir=data_dir)
    assert again.returncode == 2 and "already exists" in again.stderr
    no_pin = station("init", data_dir=tmp_path / "other", env={"STATION_ADMIN_PIN": ""})
    assert no_pin.returncode == 2 and "PIN" in no_pin.stderr


def test_work_order_round_trip_with_json(data_dir: Path) -> None:
    created = station(
        "wo",
        "create",
        "--vin",
        "1HGCM82633A004352",
        "--plate",
        "B1",
        "--job",
        "oil",
        "--json",
        *ADMIN,
        data_dir=data_dir,
    )
    assert created.returncode == 0, created.stderr
    wo = json.loads(created.stdout)
    assert wo["status"] == "booked" and wo["number"].startswith("WO-")
    moved = station(
        "wo",
        "status",
        wo["number"],
        "checked_in",
        "--mileage",
        "1200",
        "--json",
        *ADMIN,
        data_dir=data_dir,
    )
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["status"] == "checked_in"
    listed = json.loads(station("wo", "list", "--json", data_dir=data_dir).stdout)
    assert [row["id"] for row in listed] == [wo["id"]]
    shown = json.loads(station("wo", "show", str(wo["id"]), "--json", data_dir=data_dir).stdout)
    assert [e["to_status"] for e in shown["progress"]] == ["booked", "checked_in"]
    verify = station("audit", "verify", "--json", data_dir=data_dir)
    assert verify.returncode == 0 and json.loads(verify.stdout)["ok"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("wo", "status", "1", "flying", *ADMIN), "unknown status"),
        (("wo", "status", "1", "in_repair", *ADMIN), "cannot go from booked to in_repair"),
        (("wo", "status", "1", "diagnosing", "--user", "admin", "--pin", "9999"), "wrong PIN"),
        (("wo", "status", "99", "diagnosing", *ADMIN), "does not exist"),
        (("wo", "create", "--vin", "123", *ADMIN), "malformed VIN"),
        (("wo", "status", "1", "checked_in", *ADMIN), "--mileage"),
        (("wo", "list", "--status", "nope"), "unknown status"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(
    data_dir: Path, args: tuple[str, ...], message: str
) -> None:
    assert station("wo", "create", "--plate", "B1", *ADMIN, data_dir=data_dir).returncode == 0
    db = data_dir / "station.db"
    before = (
        sqlite3.connect(db)
        .execute(
            "SELECT COUNT(*) FROM audit_events WHERE kind NOT IN ('user.login_failed', 'rows.sealed')"
        )
        .fetchone()
    )
    result = station(*args, data_dir=data_dir)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    after = (
        sqlite3.connect(db)
        .execute(
            "SELECT COUNT(*) FROM audit_events WHERE kind NOT IN ('user.login_failed', 'rows.sealed')"
        )
        .fetchone()
    )
    assert before == after


def test_argument_errors_exit_2(data_dir: Path) -> None:
    assert station("wo", "status", data_dir=data_dir).returncode == 2
    assert station("nonsense", data_dir=data_dir).returncode == 2


def test_roles_are_checked_from_the_command_line(data_dir: Path) -> None:
    added = station(
        "user", "add", "tom", "--role", "technician", "--new-pin", "2468", *ADMIN, data_dir=data_dir
    )
    assert added.returncode == 0, added.stderr
    refused = station(
        "user",
        "add",
        "eve",
        "--role",
        "admin",
        "--new-pin",
        "1357",
        "--user",
        "tom",
        "--pin",
        "2468",
        data_dir=data_dir,
    )
    assert refused.returncode == 2 and "may not" in refused.stderr


def test_audit_verify_fails_on_a_tampered_database(data_dir: Path) -> None:
    db = sqlite3.connect(data_dir / "station.db")
    db.execute("DROP TRIGGER audit_events_no_update")
    db.execute('UPDATE audit_events SET data = \'{"name":"mallory"}\' WHERE seq = 2')
    db.commit()
    result = station("audit", "verify", data_dir=data_dir)
    assert result.returncode == 1 and "broken at event 2" in result.stderr


def test_environment_data_dir_and_uninitialised_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "station.cli", "wo", "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "STATION_DATA_DIR": str(tmp_path / "empty")},
        timeout=120,
    )
    assert result.returncode == 2 and "station init" in result.stderr


def test_configuration_layers(tmp_path: Path) -> None:
    (tmp_path / "station.toml").write_text(
        'bay = "Bay 3"\n[can]\ninterface = "socketcan"\nchannel = "can0"\n'
    )
    env = {"STATION_CAN_CHANNEL": "vcan0"}
    config = load_config(tmp_path, flags={"can.interface": None}, env=env)
    assert config.get("bay") == "Bay 3"
    assert config.get("can.channel") == "vcan0"
    assert config.get("can.interface") == "socketcan"
    assert (
        load_config(tmp_path, flags={"can.interface": "virtual"}, env=env).get("can.interface")
        == "virtual"
    )
    (tmp_path / "station.toml").write_text("bay = [")
    with pytest.raises(Exception, match="not valid TOML"):
        load_config(tmp_path, env={})


def test_main_without_arguments_prints_help_or_opens_the_app(
    capsys: pytest.CaptureFixture[str],
) -> None:
    try:
        code = main(["--help"])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    assert code == 0
    assert "wo" in capsys.readouterr().out


def test_a_non_utf8_argument_exits_2_with_one_line(data_dir: Path) -> None:
    plate = os.fsdecode(b"A\xff1")  # as the shell hands over bytes that are not UTF-8
    result = station("wo", "create", "--plate", plate, *ADMIN, data_dir=data_dir)
    assert result.returncode == 2
    assert result.stderr.strip() == "station: an argument is not UTF-8 text: A\\xff1"
    assert sqlite3.connect(data_dir / "station.db").execute(
        "SELECT COUNT(*) FROM vehicles"
    ).fetchone() == (0,)


def work_orders_and_chain(data_dir: Path) -> tuple[int, bool]:
    conn = sqlite3.connect(data_dir / "station.db")
    try:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
        count = conn.execute("SELECT COUNT(*) FROM work_orders").fetchone()[0]
    finally:
        conn.close()
    verify = station("audit", "verify", "--json", data_dir=data_dir)
    return count, bool(json.loads(verify.stdout)["ok"])


def create_until_refused(
    data_dir: Path, **run: Any
) -> tuple[int, subprocess.CompletedProcess[str]]:
    """Open work orders with long complaints until the disk refuses one; (made, the refusal)."""
    for made in range(50):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "station.cli",
                "wo",
                "create",
                "--plate",
                f"F{made}",
                "--complaint",
                "grinding noise " * 130,
                *ADMIN,
                "--data-dir",
                str(data_dir),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            **run,
        )
        if result.returncode != 0:
            return made, result
    raise AssertionError("the disk never filled")


def test_a_full_disk_exits_2_with_one_line_and_keeps_what_was_saved(tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(small)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"mounting a 2 MB filesystem is not permitted here: {mounted.stderr.strip()}")
    try:
        data_dir = small / "data"
        assert station("init", "--admin-pin", "1234", data_dir=data_dir).returncode == 0
        filler = small / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, bytes(4096))
        except OSError as err:
            assert err.errno == errno.ENOSPC
        finally:
            os.close(fd)
        os.truncate(filler, filler.stat().st_size - 200 * 1024)  # room for a few changes
        made, refused = create_until_refused(data_dir)
        assert made > 0, f"not one change fitted: {refused.stderr}"
        assert refused.returncode == 2
        assert (
            refused.stderr.strip().splitlines()[-1]
            == "station wo: the disk is full: nothing was saved"
        )
        assert "Traceback" not in refused.stderr
        filler.unlink()
        assert work_orders_and_chain(data_dir) == (made, True)
        assert not [p for p in (data_dir / "backups").iterdir()], "no half-written backup stays"
    finally:
        subprocess.run(["umount", str(small)], check=False)


def test_a_file_size_limit_exits_2_with_one_line_and_keeps_what_was_saved(
    data_dir: Path,
) -> None:
    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (48 * 1024, 48 * 1024))

    # The journal of one change outgrows the limit: the very first change is refused whole.
    made, refused = create_until_refused(data_dir, preexec_fn=limit_file_size)
    assert made == 0
    assert refused.returncode == 2
    assert (
        refused.stderr.strip()
        .splitlines()[-1]
        .startswith("station wo: the database refused the change, nothing was saved")
    )
    assert "Traceback" not in refused.stderr
    assert work_orders_and_chain(data_dir) == (made, True)
