"""The demo as a workshop of terminals: a hub on 127.0.0.1, the desk and bay 2 joined to it.

`station demo --terminals` (what `./dev demo` runs) walks the visit across
terminals: reception at the desk, diagnosis, inspection and findings at bay 2,
the customer's approval at the desk, the repair at bay 2, the report and the
delivery at the desk. Each hand-over is a real sync through the hub: the
terminal that did the work pushes, the next one pulls.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from station.commands import INIT_HOOK_GROUP
from station.config import Config, load_config
from station.demo import DemoCast, recast, seed_demo
from station.fixtures import load_json
from station.photos import PhotoStore, photos_folder
from station.store import Store
from station.workshop import Workshop

log = logging.getLogger(__name__)

FOLDER = "demo-workshop"
TERMINALS = ("desk", "bay-2")
# Where `station app --demo --terminal NAME` finds the demo hub: the first window starts
# it on this loopback port, the windows opened after it join it there.
APP_HUB_PORT = 18470


@dataclass
class DemoTerminal:
    name: str
    config: Config
    workshop: Workshop
    client: Any  # sync.client.SyncClient
    photos: PhotoStore

    def close(self) -> None:
        self.client.close()
        self.workshop.store.close()


@dataclass
class DemoWorkshop:
    """A hub in a thread and the demo's terminals, each a replica in its own folder."""

    folder: Path
    hub: Any  # sync.server.CloudHandle
    terminals: dict[str, DemoTerminal] = field(default_factory=dict)
    cast: DemoCast = field(default_factory=DemoCast)
    here: str = "desk"

    @classmethod
    def open(cls, data_dir: Path, fresh: bool, port: int = 0) -> DemoWorkshop:
        from sync.server import start_cloud_in_thread

        folder = data_dir / FOLDER
        if fresh and folder.exists():
            shutil.rmtree(folder)
        seed = load_json("demo_seed.json")
        admin = next(u for u in seed["users"] if u["role"] == "admin")
        new = not (folder / "hub" / "hub.db").exists()
        hub = start_cloud_in_thread(folder / "hub" / "hub.db", folder / "hub" / "blobs", port=port)
        shop = cls(folder, hub)
        try:
            if new:
                hub.service.add_first_admin(seed["workshop"], admin["name"], admin["pin"])
            for name in TERMINALS:
                shop.terminals[name] = shop._terminal(name, seed["workshop"])
            desk = shop.terminals["desk"]
            if new:
                shop.cast = seed_demo(desk.workshop)
                shop.settle()
            else:
                shop.cast = recast(desk.workshop)
        except BaseException:
            shop.close()
            raise
        return shop

    def _terminal(self, name: str, workshop_name: str) -> DemoTerminal:
        from sync.client import SyncClient, join_workshop

        data_dir = self.folder / name
        database = data_dir / "station.db"
        config = load_config(data_dir=data_dir)
        if database.exists():
            store = Store.open(database)
        else:
            secret, _ = self.hub.service.add_terminal(workshop_name, name)
            store, _ = join_workshop(database, self.hub.url, secret)
            for ep in entry_points(group=INIT_HOOK_GROUP):
                ep.load()(config, Workshop(store))
        # A restarted hub listens on a new port: the terminal follows it.
        client = SyncClient(store, base_url=self.hub.url, data_dir=data_dir)
        photos = PhotoStore.open(store, photos_folder(data_dir))
        return DemoTerminal(name, config, Workshop(store), client, photos)

    def go(self, name: str, visit: Any) -> DemoTerminal:
        """Hand the visit to terminal `name`: the work so far goes through the hub to it."""
        if name == self.here:
            return self.terminals[name]
        before = self.terminals[self.here]
        sent = before.client.run_once()
        after = self.terminals[name]
        came = after.client.run_once()
        after.client.fetch_photo_files(originals=True)
        visit.workshop = after.workshop
        visit.narrate(
            f"→ {name}: {sent.sent} change(s) from {self.here} through the hub, "
            f"{came.changes_applied} arrived"
        )
        self.here = name
        return after

    def settle(self) -> None:
        for terminal in self.terminals.values():
            terminal.client.run_once()
        for terminal in self.terminals.values():
            terminal.client.run_once()

    def close(self) -> None:
        self.release_terminals()
        self.hub.stop()

    def release_terminals(self) -> None:
        for terminal in self.terminals.values():
            terminal.close()
        self.terminals.clear()


def open_app_terminal(data_dir: Path, fresh: bool, name: str) -> tuple[Path, Any]:
    """The data folder of demo terminal `name` for `station app --demo --terminal NAME`, and
    the hub this process started for it (None when another window runs it already)."""
    import httpx

    url = f"http://127.0.0.1:{APP_HUB_PORT}"
    try:
        running = httpx.get(url + "/v1/health", timeout=2).status_code == 200
    except httpx.TransportError:
        running = False
    hub = None
    if not running:
        shop = DemoWorkshop.open(data_dir, fresh, port=APP_HUB_PORT)
        shop.release_terminals()
        hub = shop.hub
    folder = data_dir / FOLDER / name
    if not (folder / "station.db").exists():
        _join_running(data_dir / FOLDER, url, name)
    return folder, hub


def _join_running(folder: Path, url: str, name: str) -> None:
    """A further terminal of the demo workshop, admitted on the hub's own database."""
    from sync.client import join_workshop
    from sync.cloud import CloudService
    from sync.cloud_db import CloudDatabase

    service = CloudService(CloudDatabase(str(folder / "hub" / "hub.db")))
    try:
        secret, _ = service.add_terminal(load_json("demo_seed.json")["workshop"], name)
    finally:
        service.db.close()
    store, _ = join_workshop(folder / name / "station.db", url, secret)
    try:
        for ep in entry_points(group=INIT_HOOK_GROUP):
            ep.load()(load_config(data_dir=folder / name), Workshop(store))
    finally:
        store.close()
