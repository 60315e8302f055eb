"""Sync with the cloud from the app: a run every little while and on demand, the
status (pending entries, last success) shown in the device bar. Every run and
every status read happens in a worker; the sync client keeps its own connections.

With `--demo` the reference cloud service runs on 127.0.0.1 inside the app and
the demo station is enrolled with it, so the pending count visibly drains.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ui.equipment import Progress, start_demo_cloud
from ui.model import StationModel, SyncStatus
from ui.workers import Job, Workers

log = logging.getLogger(__name__)

RUN_EVERY_MS = 30_000
STATUS_EVERY_MS = 3_000
# How long one look at the hub's feed waits when nothing happens (a change ends it at once);
# also the most the app waits for the feed to let go when it closes.
LIVE_WAIT_S = 3.0


class SyncLink(QObject):
    """Runs the sync client for the app; `run_now` for the device bar's button.

    On a workshop terminal it runs live instead: every commit here wakes a push,
    and the hub's feed is listened to, so other terminals' changes show at once.
    """

    remote_change = Signal()

    def __init__(self, model: StationModel, workers: Workers, demo_cloud: bool = False) -> None:
        super().__init__()
        self.live: threading.Thread | None = None
        self.stop_live = threading.Event()
        self.wake = threading.Event()
        # A method of this QObject: the feed thread's emit is queued to the GUI thread.
        self.remote_change.connect(self._remote_change)
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
            if self.client.store.id_base is not None:
                self._go_live(self.client)
                return
            self.run_timer.start()
            self.run_now()

        def failed(message: str) -> None:
            self.model.set_sync(SyncStatus(available=False, error=message))

        self.workers.start(work, done, failed)

    def _go_live(self, client: Any) -> None:
        self.model.workshop.store.listeners.append(self.wake.set)
        self.wake.set()  # what waited while the app was closed goes first
        self.live = threading.Thread(
            target=client.run_live,
            args=(self.stop_live, self.wake, lambda _report: self.remote_change.emit()),
            kwargs={"wait": LIVE_WAIT_S},
            name="sync-live",
            daemon=True,
        )
        self.live.start()

    @Slot()
    def _remote_change(self) -> None:
        if self.live is not None:  # not after `stop`: the store may be closed by then
            self.model.remote_changed()

    def run_now(self) -> None:
        if self.live is not None:
            self.wake.set()
            return
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
        offline = status.state in ("offline", "error", "not_enrolled", "chain_refused")
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
        if self.live is not None:
            self.stop_live.set()
            self.wake.set()
            self.live.join(timeout=LIVE_WAIT_S + 5)
            self.live = None
        self.workers.shutdown()
        client = self.client or self.client_started
        if client is not None:
            client.close()
            self.client = self.client_started = None
        if self.cloud is not None:
            self.cloud.stop()
            self.cloud = None
