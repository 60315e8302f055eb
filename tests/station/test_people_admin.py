"""An admin manages people: another role, a new PIN, someone who left; the station
always keeps one admin, and every refusal carries its message key."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.errors import AccountLocked, AuthenticationFailed, InvalidInput, PermissionDenied
from station.people import refuse_losing_last_admin
from station.roles import Role
from station.store import Store
from station.workshop import Actor, Workshop


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Workshop, Actor]:
    workshop = Workshop(Store.open(tmp_path / "station.db"))
    workshop.add_user(None, "boss", Role.ADMIN, "1234")
    boss = workshop.login("boss", "1234")
    workshop.add_user(boss, "tom", Role.TECHNICIAN, "5678")
    return workshop, boss


def test_the_last_admin_is_kept() -> None:
    refuse_losing_last_admin("technician", 1)
    refuse_losing_last_admin("admin", 2)
    with pytest.raises(InvalidInput) as refused:
        refuse_losing_last_admin("admin", 1)
    assert refused.value.key == "user.last_admin"


def test_role_pin_and_deactivation(shop: tuple[Workshop, Actor]) -> None:
    workshop, boss = shop
    store = workshop.store
    workshop.change_role(boss, "tom", Role.ADVISOR)
    assert workshop.login("tom", "5678").role is Role.ADVISOR
    with pytest.raises(PermissionDenied):
        workshop.change_role(workshop.login("tom", "5678"), "boss", Role.TECHNICIAN)
    with pytest.raises(InvalidInput) as last:
        workshop.change_role(boss, "boss", Role.ADVISOR)
    assert last.value.key == "user.last_admin"

    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            workshop.login("tom", "0000")
    with pytest.raises(AccountLocked) as locked:
        workshop.login("tom", "5678")
    assert (locked.value.key, locked.value.params) == ("auth.locked", {"name": "tom"})
    workshop.reset_pin(boss, "tom", "9753")
    assert workshop.login("tom", "9753").name == "tom", "a new PIN also unlocks"

    with pytest.raises(InvalidInput) as yourself:
        workshop.deactivate_user(boss, "boss")
    assert yourself.value.key == "user.not_yourself"
    workshop.deactivate_user(boss, "tom")
    with pytest.raises(AuthenticationFailed) as gone:
        workshop.login("tom", "9753")
    assert gone.value.key == "auth.wrong_pin"
    kinds = [
        e["kind"] for e in store.query("SELECT kind FROM audit_events WHERE kind LIKE 'user.%'")
    ]
    assert {"user.role_changed", "user.pin_reset", "user.deactivated"} <= set(kinds)


def test_a_wrong_pin_says_how_many_tries_are_left(shop: tuple[Workshop, Actor]) -> None:
    workshop, _boss = shop
    with pytest.raises(AuthenticationFailed) as wrong:
        workshop.login("tom", "0000")
    assert (wrong.value.key, wrong.value.params) == ("auth.wrong_pin_left", {"left": 4})
