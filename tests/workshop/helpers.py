"""Terminals of one workshop: each a replica joined to the hub, with the people logged in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station import replica
from station.roles import Role
from station.workshop import Actor, Workshop
from sync import hub as hub_records
from sync.client import RunReport, SyncClient, join_workshop
from tests.workshop.conftest import WORKSHOP


@dataclass
class Terminal:
    name: str
    workshop: Workshop
    client: SyncClient
    admin: Actor

    @property
    def store(self):  # type: ignore[no-untyped-def]
        return self.workshop.store

    def sync(self) -> RunReport:
        return self.client.run_once()

    def digest(self) -> str:
        return replica.digest(self.store)

    def close(self) -> None:
        self.client.close()
        self.store.close()


def join(hub: Any, root: Path, name: str, url: str | None = None, **client: Any) -> Terminal:
    secret, _ = hub.service.add_terminal(WORKSHOP, name)
    store, _answer = join_workshop(root / name / "station.db", url or hub.url, secret)
    workshop = Workshop(store)
    return Terminal(name, workshop, SyncClient(store, **client), workshop.login("admin", "1234"))


def add_technician(desk: Terminal, name: str = "li", pin: str = "5678") -> None:
    desk.workshop.add_user(desk.admin, name, Role.TECHNICIAN, pin)


def hub_digest(hub: Any) -> str:
    with hub.service.db.transaction() as tx:
        return hub_records.digest(tx, WORKSHOP)


def settle(*terminals: Terminal, rounds: int = 3) -> None:
    """Every terminal pushes and pulls until nothing is left in flight."""
    for _ in range(rounds):
        for t in terminals:
            t.sync()
