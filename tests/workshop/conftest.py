"""A workshop hub on 127.0.0.1 and terminals that join it, for the multi-terminal tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.server import CloudHandle, start_cloud_in_thread

WORKSHOP = "Harbour Motors"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[CloudHandle]:
    handle = start_cloud_in_thread(tmp_path / "hub" / "hub.db", tmp_path / "hub" / "blobs")
    handle.service.add_first_admin(WORKSHOP, "admin", "1234")
    try:
        yield handle
    finally:
        handle.stop()
