"""Shared fixtures: a real temporary station database and its people."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from station.roles import Role
from station.store import Store
from station.workshop import Actor, Workshop

# properties are about what a decoder gives, never how fast: a loaded CI machine
# must not fail an example for taking longer than hypothesis's default 200 ms
settings.register_profile("station", deadline=None)
settings.load_profile("station")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "station.db")
    yield opened
    opened.close()


@pytest.fixture
def workshop(store: Store) -> Workshop:
    return Workshop(store)


@pytest.fixture
def admin(workshop: Workshop) -> Actor:
    workshop.add_user(None, "admin", Role.ADMIN, "1234")
    return workshop.login("admin", "1234")


@pytest.fixture
def technician(workshop: Workshop, admin: Actor) -> Actor:
    workshop.add_user(admin, "tech", Role.TECHNICIAN, "2222")
    return workshop.login("tech", "2222")


@pytest.fixture
def advisor(workshop: Workshop, admin: Actor) -> Actor:
    workshop.add_user(admin, "desk", Role.ADVISOR, "3333")
    return workshop.login("desk", "3333")
