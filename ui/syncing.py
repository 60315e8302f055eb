"""Sync with the cloud from the app: a run every little while and on demand, the
status (pending entries, last success) shown in the device bar. Every run and
every status read happens in a worker; the sync client keeps its own connections.

With `--demo` the reference cloud service runs on 127.0.0.1 inside the app and
the demo station is enrolled with it, so the pending count visibly drains.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer

from ui.equipment import Progress, start_demo_cloud
from ui.model import StationModel, SyncStatus
from ui.workers import Job, Workers

log = logging.getLogger(__name__)

RUN_EVERY_MS = 30_000
STATUS_EVERY_MS = 3_000


class SyncLink(QObject):
    """Runs the sync client for the app; `run_now` for the device bar's button."""

    def __init__(self, model: StationModel, workers: Workers, demo_cloud: bool = False) -> None:
        super().__init__()
        self.model = model
        self.workers = workers
        self.demo_cloud = demo_cloud
        self.client: Any = None
        self.client_started: Any = None
        self.cloud: Any = None
        self.run_job: Job | None = None
        self.status_job: Job | None = None
        self.run_timer = QTimer(self)
        self.run_timer.setInterval(RUN_EVERY_MS)
        self.run_timer.timeout.connect(self.run_now)
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(STATUS_EVERY_MS)
        self.status_timer.timeout.connect(self.poll_status)

    def start(self) -> None:
        database = self.model.workshop.store.path
        if database is None:
            return
        data_dir = self.model.data_dir
        demo = self.demo_cloud

        def work(_progress: Progress) -> tuple[Any, Any]:
            from sync.client import SyncClient

            cloud = start_demo_cloud(database, data_dir) if demo else None
            self.cloud = cloud  # kept at once, so `stop` ends it even if the app closes first
            client = SyncClient(database, data_dir=data_dir)
            self.client_started = client
            return client, cloud

        def done(result: tuple[Any, Any]) -> None:
            self.client, self.cloud = result
            self.status_timer.start()
            self.run_timer.start()
            self.run_now()

        def failed(message: str) -> None:
            self.model.set_sync(SyncStatus(available=False, error=message))

        self.workers.start(work, done, failed)

    def run_now(self) -> None:
        client = self.client
        if client is None or (self.run_job is not None and self.run_job.running):
            return

        def work(_progress: Progress) -> Any:
            client.run_once()
            return client.status()

        self.run_job = self.workers.start(work, self._show, self._failed)

    def poll_status(self) -> None:
        client = self.client
        if client is None or (self.status_job is not None and self.status_job.running):
            return

        def work(_progress: Progress) -> Any:
            return client.status()

        self.status_job = self.workers.start(work, self._show, self._failed)

    def _show(self, status: Any) -> None:
        offline = status.state in ("offline", "error", "not_enrolled")
        self.model.set_sync(
            SyncStatus(
                available=True,
                pending=int(status.pending_mutations),
                last_success=status.last_success,
                error=(status.last_error or status.state) if offline else "",
            )
        )

    def _failed(self, message: str) -> None:
        self.model.set_sync(
            SyncStatus(True, self.model.sync.pending, self.model.sync.last_success, message)
        )

    def stop(self) -> None:
        self.run_timer.stop()
        self.status_timer.stop()
        self.workers.shutdown()
        client = self.client or self.client_started
        if client is not None:
            client.close()
            self.client = self.client_started = None
        if self.cloud is not None:
            self.cloud.stop()
            self.cloud = None
