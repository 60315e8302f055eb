"""Where frames come from: OpenCV `VideoCapture` or the synthetic camera.

A source is opened, read frame by frame and closed by the capture thread; it
never runs a thread of its own. `read` blocks until the next frame at the
source's own rate and raises `CameraVanished` when the camera stops giving
frames. A frame stays valid until the next `read`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol, cast

import cv2
import numpy as np

from drivers.camera.errors import CameraNotFound, CameraVanished, EndOfVideo
from drivers.camera.imaging import Image

log = logging.getLogger(__name__)


class FrameSource(Protocol):
    name: str
    fps: float

    def open(self) -> None: ...

    def read(self) -> Image: ...

    def close(self) -> None: ...


def parse_target(text: str) -> int | str:
    """A command-line camera: a device index (`0`), a video file or a stream URL."""
    return int(text) if text.isdigit() else text


def source_from_spec(spec: str) -> FrameSource:
    """The source a setting names: `synthetic` (or `synthetic:1920x1080`), `0`, a file, a URL."""
    if spec == "synthetic" or spec.startswith("synthetic:"):
        size = spec.partition(":")[2]
        if not size:
            return SyntheticCamera()
        width, _, height = size.partition("x")
        if not (width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0):
            raise CameraNotFound(
                f"synthetic camera size {size!r} is not WIDTHxHEIGHT",
                key="camera.bad_size",
                size=size,
            )
        return SyntheticCamera(int(width), int(height))
    return OpenCVSource(parse_target(spec))


class OpenCVSource:
    """A camera, video file or stream through OpenCV's `VideoCapture`.

    A video file is played at its own frame rate (`paced`) and in a loop by
    default, so it can stand in for a camera in the demo; without `loop` its
    end raises `EndOfVideo`.
    """

    def __init__(self, target: int | str, loop: bool = True, paced: bool = True) -> None:
        self.target = target
        self.is_url = isinstance(target, str) and "://" in target
        self.name = f"camera {target}" if isinstance(target, int) else str(target)
        self.loop_files = loop
        self.pace_files = paced
        self.is_file = False
        self.fps = 0.0
        self._capture: cv2.VideoCapture | None = None
        self._due = 0.0
        self._frames = 0

    def open(self) -> None:
        if isinstance(self.target, str) and not self.is_url:
            if not Path(self.target).exists():
                raise CameraNotFound(
                    f"{self.target} does not exist", key="camera.no_file", path=self.target
                )
            self.is_file = Path(self.target).is_file()  # else a device such as /dev/video0
        capture = cv2.VideoCapture(self.target)
        if not capture.isOpened():
            capture.release()
            raise CameraNotFound(f"cannot open {self.name}", key="camera.cannot_open")
        self._capture = capture
        fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 0.0 < fps < 1000.0 else 30.0
        self._due = time.monotonic()
        self._frames = 0

    def read(self) -> Image:
        if self._capture is None:
            raise CameraVanished(f"{self.name} is not open", key="camera.not_open")
        ok, frame = self._capture.read()
        if not ok and self.is_file and self.loop_files and self._frames > 0:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self._frames = 0
            ok, frame = self._capture.read()
        if not ok or frame is None:
            if self.is_file and not self.loop_files:
                raise EndOfVideo(f"{self.name} has no more frames", key="camera.end_of_video")
            raise CameraVanished(f"{self.name} gives no frames", key="camera.no_frames")
        self._frames += 1
        if self.is_file and self.pace_files:
            self._due = _wait_until(self._due + 1.0 / self.fps)
        return cast(Image, frame)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


def _wait_until(due: float) -> float:
    """Sleep until `due` (monotonic); when late, restart the rhythm from now."""
    now = time.monotonic()
    if due > now:
        time.sleep(due - now)
        return due
    return now


class SyntheticCamera:
    """The camera's simulated twin: moving stripes with the time and a frame counter.

    It behaves like a real camera for the demo and the tests, including being
    unplugged (`unplug`/`plug_in`) and hanging without frames (`stall`/`resume`).
    `fps=0` gives frames as fast as they can be drawn (benchmarks).
    """

    STRIPE_PERIOD = 128

    def __init__(
        self,
        width: int = 1280,
        height: int = 720,
        fps: float = 30.0,
        name: str = "synthetic camera",
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.name = name
        self.width = width
        self.height = height
        self.fps = fps
        self.clock = clock
        self.frame_number = 0
        self._plugged = threading.Event()
        self._plugged.set()
        self._running = threading.Event()
        self._running.set()
        self._pattern: Image | None = None
        self._buffers: list[Image] = []
        self._due = 0.0
        self._open = False

    # -- the simulated hardware ------------------------------------------------------

    def unplug(self) -> None:
        self._plugged.clear()
        self._running.set()  # a stalled read notices the cable is gone

    def plug_in(self) -> None:
        self._plugged.set()

    def stall(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    # -- FrameSource -----------------------------------------------------------------------

    def open(self) -> None:
        if not self._plugged.is_set():
            raise CameraNotFound(f"{self.name} is not connected", key="camera.not_connected")
        if self._pattern is None:
            self._pattern = _stripes(self.width + self.STRIPE_PERIOD, self.height)
            self._buffers = [np.empty((self.height, self.width, 3), np.uint8) for _ in range(2)]
        self._due = time.monotonic()
        self._open = True

    def read(self) -> Image:
        if not self._open or self._pattern is None:
            raise CameraVanished(f"{self.name} is not open", key="camera.not_open")
        while not self._running.wait(0.05):
            if not self._open:
                raise CameraVanished(f"{self.name} was closed", key="camera.closed")
        if not self._plugged.is_set():
            raise CameraVanished(f"{self.name} was unplugged", key="camera.unplugged")
        if self.fps > 0:
            self._due = _wait_until(self._due + 1.0 / self.fps)
        self.frame_number += 1
        frame = self._buffers[self.frame_number % 2]
        shift = (self.frame_number * 4) % self.STRIPE_PERIOD
        np.copyto(frame, self._pattern[:, shift : shift + self.width])
        self._caption(frame)
        return frame

    def close(self) -> None:
        self._open = False

    def _caption(self, frame: Image) -> None:
        text = f"{self.clock():%Y-%m-%d %H:%M:%S}  #{self.frame_number}"
        scale = max(0.6, self.height / 400)
        thick = max(1, round(scale * 1.5))
        (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
        margin = round(10 * scale)
        frame[margin : margin + h + base + 2 * margin, margin : margin + w + 2 * margin] = 0
        origin = (2 * margin, 2 * margin + h)
        cv2.putText(frame, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), thick)


def _stripes(width: int, height: int) -> Image:
    """Diagonal colour stripes that repeat every `STRIPE_PERIOD` pixels across."""
    period = SyntheticCamera.STRIPE_PERIOD
    x = np.arange(width, dtype=np.int32)[None, :]
    y = np.arange(height, dtype=np.int32)[:, None]
    phase = ((x + y) % period).astype(np.float32) / period
    wave = (0.5 + 0.5 * np.sin(2 * np.pi * phase)).astype(np.float32)
    shade = (np.arange(height, dtype=np.float32) / max(1, height - 1))[:, None]
    out = np.empty((height, width, 3), dtype=np.uint8)
    out[..., 0] = (60 + 160 * wave).astype(np.uint8)
    out[..., 1] = (40 + 120 * shade * np.ones_like(wave)).astype(np.uint8)
    out[..., 2] = (200 - 140 * wave).astype(np.uint8)
    return out
