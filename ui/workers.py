"""Long work off the GUI thread: scans, report rendering, sync, photo saving.

A `Job` runs a function on the thread pool and hands progress, the result or the
failure back as Qt signals; its slots live on the GUI thread, so callbacks run
there and may touch widgets and the model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from ui.equipment import Progress
from ui.errors import failure_text

log = logging.getLogger(__name__)

Work = Callable[[Progress], Any]


class _Signals(QObject):
    progress = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(str)


class _Runnable(QRunnable):
    def __init__(self, work: Work, signals: _Signals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work(self.signals.progress.emit)
        except Exception as err:  # handed to the GUI, which shows it and marks the device
            log.warning("background work failed: %s", err, exc_info=True)
            # said here, as a string: a queued signal carries plain strings safely
            self.signals.failed.emit(failure_text(err))
            return
        self.signals.done.emit(result)


class Job(QObject):
    """One piece of background work; callbacks run on the GUI thread."""

    finished = Signal()

    def __init__(
        self,
        work: Work,
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None],
        on_progress: Progress | None = None,
        alive: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__()
        self._alive = alive
        self._on_done = on_done
        self._on_failed = on_failed
        self._on_progress = on_progress
        self.signals = _Signals()
        self.signals.progress.connect(self._progress)
        self.signals.done.connect(self._done)
        self.signals.failed.connect(self._failed)
        self.runnable = _Runnable(work, self.signals)
        self.runnable.setAutoDelete(False)
        self.running = True

    @Slot(int, int, str)
    def _progress(self, step: int, steps: int, text: str) -> None:
        if self._on_progress is not None and self._alive():
            self._on_progress(step, steps, text)

    @Slot(object)
    def _done(self, result: Any) -> None:
        self.running = False
        try:
            if self._alive():
                self._on_done(result)
        finally:
            self.finished.emit()

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.running = False
        try:
            if self._alive():
                self._on_failed(message)
        finally:
            self.finished.emit()


class Workers:
    """The app's thread pool and the jobs under way (kept alive until they finish)."""

    def __init__(self, max_threads: int = 4) -> None:
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(max_threads)
        self.jobs: list[Job] = []
        self.closed = False

    def start(
        self,
        work: Work,
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None],
        on_progress: Progress | None = None,
    ) -> Job:
        job = Job(work, on_done, on_failed, on_progress, lambda: not self.closed)
        self.jobs.append(job)
        job.finished.connect(lambda: self.jobs.remove(job) if job in self.jobs else None)
        self.pool.start(job.runnable)
        return job

    @property
    def busy(self) -> bool:
        return bool(self.jobs)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Wait for the work under way; results that arrive after this are dropped."""
        self.closed = True
        self.pool.waitForDone(timeout_ms)
