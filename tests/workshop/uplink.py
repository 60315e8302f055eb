"""A hub relaying its workshop to a cloud on 127.0.0.1, driven one step at a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync import upstream
from sync.server import CloudHandle, start_cloud_in_thread
from tests.workshop.conftest import WORKSHOP
from tests.workshop.helpers import Terminal, settle


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[CloudHandle]:
    handle = start_cloud_in_thread(tmp_path / "cloud" / "cloud.db", tmp_path / "cloud" / "blobs")
    try:
        yield handle
    finally:
        handle.stop()


class Link:
    """The hub's relay, one step at a time; `restart` is the hub process killed and run again."""

    def __init__(self, hub: CloudHandle, cloud: CloudHandle) -> None:
        self.hub, self.cloud = hub, cloud
        self.token, _terminal = cloud.service.add_terminal(WORKSHOP, "hub")
        upstream.link(hub.service, WORKSHOP, cloud.url, self.token)
        self.relay = upstream.Upstream(hub.service, hub.blobs, WORKSHOP, self.token)

    def hop(self, *terminals: Terminal) -> int:
        """Terminals to the hub, the hub to the cloud and back, the hub to the terminals;
        returns the rows the hub adopted from the cloud."""
        settle(*terminals, rounds=1)
        self.relay.push_once()
        self.relay.upload_files()
        adopted = self.relay.pull_once()
        settle(*terminals, rounds=1)
        return adopted

    def restart(self) -> None:
        self.relay.close()
        self.relay = upstream.Upstream(self.hub.service, self.hub.blobs, WORKSHOP, self.token)

    def close(self) -> None:
        self.relay.close()


@pytest.fixture
def link(hub: CloudHandle, cloud: CloudHandle) -> Iterator[Link]:
    made = Link(hub, cloud)
    try:
        yield made
    finally:
        made.close()
