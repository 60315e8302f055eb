"""The capture thread: preview frames for the screen, full-resolution stills on demand.

The camera runs in its own thread and tells its subscribers what happens
through callbacks (called on that thread: a Qt app forwards them with a
signal). The state is always one of "streaming", "reconnecting" (starting,
or frames stopped and the thread is reopening the source) or "no camera" (it
cannot be opened or gives no frames; the thread keeps trying at a slow pace),
so the screen can say so instead of freezing on the last frame. A watchdog
notices a source that hangs without frames.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Generic, TypeVar

from drivers.camera import imaging
from drivers.camera.errors import CameraError, CameraNotStreaming, EndOfVideo
from drivers.camera.imaging import Image
from drivers.camera.sources import FrameSource
from drivers.errors import DeviceTimeout, DriverError
from drivers.running import Running

log = logging.getLogger(__name__)

PREVIEW_SIZE = (1280, 800)
RECONNECT_DELAYS_S = (0.2, 0.5, 1.0, 2.0)
RETRY_INTERVAL_S = 2.0
STALL_TIMEOUT_S = 5.0
STILL_TIMEOUT_S = 5.0


class CameraState(StrEnum):
    NO_CAMERA = "no camera"
    RECONNECTING = "reconnecting"
    STREAMING = "streaming"


@dataclass(frozen=True)
class PreviewFrame:
    image: Image  # scaled for the screen, with the ghost overlay when one is set
    number: int
    full_size: tuple[int, int]  # width, height of the camera's frame


@dataclass(frozen=True)
class Still:
    image: Image  # full resolution, owned by the caller
    number: int
    taken_at: datetime


PreviewCallback = Callable[[PreviewFrame], None]
StateCallback = Callable[[CameraState, DriverError | None], None]
T = TypeVar("T")


class _Subscribers(Generic[T]):
    """Callbacks to call from the capture thread; a failing subscriber does not stop the camera."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Held while subscribers hear of a change, so none hears the changes out of order.
        self._notifying = threading.RLock()
        self._items: list[T] = []

    def add(self, callback: T) -> Callable[[], None]:
        with self._lock:
            self._items.append(callback)

        def remove() -> None:
            with self._lock:
                if callback in self._items:
                    self._items.remove(callback)

        return remove

    def snapshot(self) -> list[T]:
        with self._lock:
            return list(self._items)


class Camera(Running):
    """One camera, previewed and photographed from a thread of its own (a context manager)."""

    def __init__(
        self,
        source: FrameSource,
        preview_size: tuple[int, int] = PREVIEW_SIZE,
        reconnect_delays_s: Sequence[float] = RECONNECT_DELAYS_S,
        retry_interval_s: float = RETRY_INTERVAL_S,
        stall_timeout_s: float = STALL_TIMEOUT_S,
    ) -> None:
        self.source = source
        self.preview_size = preview_size
        self.reconnect_delays_s = tuple(reconnect_delays_s)
        self.retry_interval_s = retry_interval_s
        self.stall_timeout_s = stall_timeout_s
        self._previews: _Subscribers[PreviewCallback] = _Subscribers()
        self._states: _Subscribers[StateCallback] = _Subscribers()
        self._lock = threading.Lock()
        # Held while subscribers hear of a change, so none hears the changes out of order.
        self._notifying = threading.RLock()
        self._state = CameraState.RECONNECTING  # until the first frame or the first failure
        self._error: DriverError | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._watchdog: threading.Thread | None = None
        self._last_frame_at = 0.0
        self._frame_times: list[float] = []
        self._ghost: tuple[Image, float] | None = None
        self._ghost_cache: tuple[tuple[Image, float], Image] | None = None
        self._count = 0
        self._still_wanted = threading.Condition(self._lock)
        self._still_requests = 0
        self._still: Still | None = None

    # -- subscribing -----------------------------------------------------------------

    def on_preview(self, callback: PreviewCallback) -> Callable[[], None]:
        """Call `callback` with every preview frame; returns a function that unsubscribes."""
        return self._previews.add(callback)

    def on_state(self, callback: StateCallback) -> Callable[[], None]:
        """Call `callback(state, error)` now and on every change; returns an unsubscriber.

        Callbacks must return quickly (post to the UI thread): they must not wait for a still.
        """
        with self._notifying:
            remove = self._states.add(callback)
            callback(self.state, self.error)
        return remove

    @property
    def state(self) -> CameraState:
        with self._lock:
            return self._state

    @property
    def error(self) -> DriverError | None:
        """Why the camera is not streaming (None while it streams)."""
        with self._lock:
            return self._error

    @property
    def preview_fps(self) -> float:
        """Preview frames per second over the last second or so."""
        with self._lock:
            times = list(self._frame_times)
        if len(times) < 2 or times[-1] == times[0]:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])

    def set_ghost(self, before: Image | None, opacity: float = imaging.GHOST_OPACITY) -> None:
        """Lay the before photo over the preview (None removes it)."""
        if before is not None and not 0.0 <= opacity <= 1.0:
            raise ValueError(f"opacity {opacity} is outside 0..1")
        with self._lock:
            self._ghost = None if before is None else (before, opacity)

    # -- running -----------------------------------------------------------------------

    def start(self) -> Camera:
        if self._thread is not None:
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="camera", daemon=True)
        self._watchdog = threading.Thread(target=self._watch, name="camera-watchdog", daemon=True)
        self._thread.start()
        self._watchdog.start()
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        with self._lock:
            self._still_wanted.notify_all()
        for thread in (self._thread, self._watchdog):
            if thread is not None:
                thread.join(timeout_s)
                if thread.is_alive():
                    log.warning("%s did not stop within %.0f s", thread.name, timeout_s)
        self._thread = self._watchdog = None

    def still(self, timeout_s: float = STILL_TIMEOUT_S) -> Still:
        """The next frame at full resolution; raises `CameraNotStreaming` if none comes."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            if self._state is CameraState.NO_CAMERA:
                raise CameraNotStreaming(self._why_not(), key="camera.not_streaming")
            self._still_requests += 1
            self._still = None
            try:
                while self._still is None:
                    left = deadline - time.monotonic()
                    if left <= 0 or self._stop.is_set():
                        raise CameraNotStreaming(self._why_not(), key="camera.not_streaming")
                    self._still_wanted.wait(left)
                return self._still
            finally:
                self._still_requests -= 1

    def _why_not(self) -> str:
        if self._error is not None:
            return f"no picture from {self.source.name}: {self._error}"
        return f"no picture from {self.source.name} ({self._state.value})"

    # -- the capture thread ---------------------------------------------------------------

    def _run(self) -> None:
        opened = False
        failures = 0
        streamed = False
        try:
            while not self._stop.is_set():
                if not opened:
                    try:
                        self.source.open()
                    except CameraError as err:
                        failures += 1
                        self._wait_after_failure(err, failures, streamed)
                        continue
                    opened = True
                try:
                    frame = self.source.read()
                except EndOfVideo as err:
                    self._set_state(CameraState.NO_CAMERA, err)
                    break
                except CameraError as err:
                    self.source.close()
                    opened = False
                    failures += 1
                    self._wait_after_failure(err, failures, streamed)
                    continue
                failures = 0
                streamed = True
                self._deliver(frame)
        except Exception as err:  # an unexpected library failure still ends in a clear state
            log.exception("the camera thread failed")
            failed = CameraError(f"the camera failed: {err}", key="camera.failed", reason=str(err))
            self._set_state(CameraState.NO_CAMERA, failed)
        finally:
            self.source.close()

    def _wait_after_failure(self, err: CameraError, failures: int, streamed: bool) -> None:
        if streamed and failures <= len(self.reconnect_delays_s):
            self._set_state(CameraState.RECONNECTING, err)
            delay = self.reconnect_delays_s[failures - 1]
        else:
            self._set_state(CameraState.NO_CAMERA, err)
            delay = self.retry_interval_s
        self._stop.wait(delay)

    def _deliver(self, frame: Image) -> None:
        now = time.monotonic()
        self._count += 1
        number = self._count
        with self._lock:
            self._last_frame_at = now
            self._frame_times.append(now)
            while self._frame_times and now - self._frame_times[0] > 1.0:
                self._frame_times.pop(0)
            still_wanted = self._still_requests > 0 and self._still is None
            ghost = self._ghost
        if still_wanted:
            still = Still(frame.copy(), number, datetime.now(UTC))  # 12 MP: copied unlocked
            with self._lock:
                if self._still is None:
                    self._still = still
                    self._still_wanted.notify_all()
        self._set_state(CameraState.STREAMING, None)
        callbacks = self._previews.snapshot()
        if not callbacks:
            return
        preview = imaging.fit_within(frame, *self.preview_size, fast=True)
        if ghost is not None:
            preview = imaging.ghost_blend(preview, self._ghost_for(preview, ghost), ghost[1])
        elif preview is frame:
            preview = frame.copy()  # the source reuses its buffer
        height, width = frame.shape[:2]
        event = PreviewFrame(preview, number, (width, height))
        for callback in callbacks:
            try:
                callback(event)
            except Exception:
                log.exception("a preview subscriber failed")

    def _ghost_for(self, preview: Image, ghost: tuple[Image, float]) -> Image:
        """The before photo at preview size, scaled once per ghost rather than per frame."""
        cached = self._ghost_cache
        if cached is not None and cached[0] is ghost and cached[1].shape == preview.shape:
            return cached[1]
        layer = imaging.ghost_layer(ghost[0], preview.shape[1], preview.shape[0])
        self._ghost_cache = (ghost, layer)
        return layer

    def _set_state(self, state: CameraState, error: DriverError | None) -> None:
        if not self._changes(state, error):
            return  # the common case, every frame: no lock held by subscribers is needed
        with self._notifying:
            with self._lock:
                if not self._changes_locked(state, error):
                    return
                self._state = state
                self._error = error
            if error is not None:
                log.warning("%s: %s (%s)", self.source.name, state.value, error)
            else:
                log.info("%s: %s", self.source.name, state.value)
            for callback in self._states.snapshot():
                try:
                    callback(state, error)
                except Exception:
                    log.exception("a camera state subscriber failed")

    def _changes(self, state: CameraState, error: DriverError | None) -> bool:
        with self._lock:
            return self._changes_locked(state, error)

    def _changes_locked(self, state: CameraState, error: DriverError | None) -> bool:
        """A new state, or a new reason; a retry that failed the same way is no news."""
        same_error = (error is None) == (self._error is None) and str(error) == str(self._error)
        return state is not self._state or not same_error

    def _watch(self) -> None:
        """Say "reconnecting" when a streaming source hangs without frames."""
        while not self._stop.wait(min(0.25, self.stall_timeout_s / 4)):
            with self._lock:
                stalled = (
                    self._state is CameraState.STREAMING
                    and time.monotonic() - self._last_frame_at > self.stall_timeout_s
                )
            if stalled:
                self._set_state(
                    CameraState.RECONNECTING,
                    DeviceTimeout(
                        f"{self.source.name} gave no frame for {self.stall_timeout_s:.0f} s",
                        key="camera.stalled",
                        seconds=f"{self.stall_timeout_s:.0f}",
                    ),
                )
