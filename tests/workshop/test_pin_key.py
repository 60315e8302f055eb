"""The workshop's PIN key: one for every terminal, handed over by the hub at join."""

from __future__ import annotations

from pathlib import Path

import pytest

from station import auth
from station.errors import StoreError
from station.roles import Role
from sync.server import CloudHandle
from tests.workshop.helpers import join, settle


def keyed(terminal_store, name: str) -> int:  # type: ignore[no-untyped-def]
    row = terminal_store.query_one("SELECT pin_keyed FROM users WHERE name = ?", (name,))
    return int(row["pin_keyed"])


def test_every_terminal_holds_the_workshop_s_pin_key_and_a_pin_opens_everywhere(
    hub: CloudHandle, tmp_path: Path
) -> None:
    desk = join(hub, tmp_path, "desk")
    bay = join(hub, tmp_path, "bay-1")
    try:
        keys = [auth.pin_key_path(tmp_path / name) for name in ("desk", "bay-1")]
        assert all((k.stat().st_mode & 0o777) == 0o600 for k in keys)
        assert keys[0].read_bytes() == keys[1].read_bytes()
        assert keyed(desk.store, "admin") == auth.KEYED, "the hub's first admin is keyed"
        desk.workshop.add_user(desk.admin, "wang", Role.ADVISOR, "3579")
        assert keyed(desk.store, "wang") == auth.KEYED
        settle(desk, bay)
        assert bay.workshop.login("wang", "3579").name == "wang"
    finally:
        desk.close()
        bay.close()


def test_a_terminal_that_joined_before_the_key_fetches_it_at_its_next_sync(
    hub: CloudHandle, tmp_path: Path
) -> None:
    desk = join(hub, tmp_path, "desk")
    bay = join(hub, tmp_path, "bay-1")
    try:
        auth.pin_key_path(tmp_path / "bay-1").unlink()  # as a terminal joined by an older version
        bay.workshop.add_user(bay.admin, "li", Role.TECHNICIAN, "2468")
        assert keyed(bay.store, "li") == 0, "without the key the terminal hashes as before"
        with pytest.raises(StoreError, match="PIN key"):
            bay.workshop.login("admin", "1234")
        settle(bay, desk)
        assert auth.pin_key(tmp_path / "bay-1") == auth.pin_key(tmp_path / "desk")
        assert desk.workshop.login("li", "2468").name == "li"
        assert keyed(desk.store, "li") == auth.KEYED, "keyed at its first login"
        settle(desk, bay)
        assert keyed(bay.store, "li") == auth.KEYED
        assert bay.workshop.login("li", "2468").name == "li"
        assert bay.workshop.login("admin", "1234").name == "admin"
    finally:
        desk.close()
        bay.close()
