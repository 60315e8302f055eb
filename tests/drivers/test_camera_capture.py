"""The capture thread on real sources: the synthetic camera, video files written here, an HTTP stream."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from drivers.camera import (
    Camera,
    CameraNotFound,
    CameraNotStreaming,
    CameraState,
    CameraVanished,
    EndOfVideo,
    OpenCVSource,
    PreviewFrame,
    SyntheticCamera,
    parse_target,
)
from drivers.camera.imaging import Image
from drivers.errors import DeviceTimeout, DriverError

WAIT_S = 30.0  # generous: a loaded 2-core machine


class Watcher:
    """Records what the camera reports, and lets a test wait for it without sleeping."""

    def __init__(self, camera: Camera) -> None:
        self.cond = threading.Condition()
        self.states: list[tuple[CameraState, DriverError | None]] = []
        self.previews: list[PreviewFrame] = []
        camera.on_state(self._state)
        camera.on_preview(self._preview)

    def _state(self, state: CameraState, error: DriverError | None) -> None:
        with self.cond:
            self.states.append((state, error))
            self.cond.notify_all()

    def _preview(self, frame: PreviewFrame) -> None:
        with self.cond:
            self.previews.append(frame)
            self.cond.notify_all()

    def wait_state(self, state: CameraState, after: int = 0) -> DriverError | None:
        """Wait until `state` is reported (at or after index `after`); returns its error."""
        with self.cond:
            found = self.cond.wait_for(
                lambda: any(s is state for s, _ in self.states[after:]), WAIT_S
            )
            assert found, f"never {state.value}; saw {[s.value for s, _ in self.states]}"
            return next(e for s, e in self.states[after:] if s is state)

    def wait_previews(self, count: int) -> list[PreviewFrame]:
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.previews) >= count, WAIT_S)
            return list(self.previews)


def write_video(path: Path, frames: int, size: tuple[int, int] = (320, 240), fps: int = 30) -> None:
    """An MJPG .avi whose frame i is a flat grey of level 6 * i."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, size)
    assert writer.isOpened()
    for i in range(frames):
        writer.write(np.full((size[1], size[0], 3), 6 * i, np.uint8))
    writer.release()


@pytest.fixture
def video(tmp_path: Path) -> Path:
    path = tmp_path / "bay.avi"
    write_video(path, 40)
    return path


def test_synthetic_preview_is_scaled_and_stills_are_full_resolution() -> None:
    source = SyntheticCamera(1600, 1200, fps=30)
    camera = Camera(source, preview_size=(640, 400))
    watcher = Watcher(camera)  # before start: it hears everything
    with camera:
        assert watcher.wait_state(CameraState.STREAMING) is None
        frames = watcher.wait_previews(5)
        still = camera.still()
    assert frames[0].image.shape == (400, 533, 3)
    assert frames[0].full_size == (1600, 1200)
    assert still.image.shape == (1200, 1600, 3)
    numbers = [f.number for f in frames]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    # the pattern moves: two frames are never the same picture
    assert not np.array_equal(frames[0].image, frames[1].image)


def test_a_still_is_the_callers_own_copy() -> None:
    with Camera(SyntheticCamera(320, 240, fps=60)) as camera:
        first = camera.still()
        kept = first.image.copy()
        second = camera.still()
        camera.still()
    assert second.number > first.number
    assert np.array_equal(first.image, kept)  # later frames did not overwrite it


def test_synthetic_source_draws_the_counter_and_time() -> None:
    source = SyntheticCamera(640, 480, fps=0)
    source.open()
    first = source.read().copy()
    second = source.read()
    source.close()
    assert source.frame_number == 2
    # the caption box is black with white text, top left
    box = first[10:60, 10:300]
    assert (box == 0).mean() > 0.5 and (box > 200).any()
    assert not np.array_equal(first, second)


def test_a_video_file_plays_its_frames_in_order_then_ends(video: Path) -> None:
    source = OpenCVSource(str(video), loop=False, paced=False)
    source.open()
    levels = []
    with pytest.raises(EndOfVideo):
        while True:
            levels.append(float(source.read().mean()))
    source.close()
    assert len(levels) == 40
    assert all(abs(level - 6 * i) <= 3 for i, level in enumerate(levels))


def test_a_looping_video_file_streams_at_its_own_rate(video: Path) -> None:
    camera = Camera(OpenCVSource(str(video)), preview_size=(160, 120))
    watcher = Watcher(camera)  # before start: it hears everything
    with camera:
        frames = watcher.wait_previews(60)  # more than the file holds: it looped
        still = camera.still()
        fps = camera.preview_fps
    assert frames[0].image.shape == (120, 160, 3)
    assert still.image.shape == (240, 320, 3)
    assert 10 < fps < 45, fps  # paced near the file's 30 fps, not as fast as it decodes


def test_the_end_of_a_video_is_a_clear_no_camera(video: Path) -> None:
    camera = Camera(OpenCVSource(str(video), loop=False, paced=False))
    watcher = Watcher(camera)  # before start: it hears everything
    with camera:
        error = watcher.wait_state(CameraState.NO_CAMERA, after=0)
        assert isinstance(error, EndOfVideo)
        with pytest.raises(CameraNotStreaming, match="no more frames"):
            camera.still(timeout_s=1)
    assert len(watcher.previews) == 40


def test_a_video_that_dies_mid_stream_ends_cleanly(tmp_path: Path) -> None:
    whole = tmp_path / "whole.avi"
    write_video(whole, 40)
    cut = tmp_path / "cut.avi"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    camera = Camera(OpenCVSource(str(cut), loop=False, paced=False))
    watcher = Watcher(camera)  # before start: it hears everything
    with camera:
        assert isinstance(watcher.wait_state(CameraState.NO_CAMERA), EndOfVideo)
    assert 0 < len(watcher.previews) < 40


def test_a_file_that_is_not_a_video_means_no_camera(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.avi"
    bogus.write_bytes(b"not a video " * 100)
    camera = Camera(OpenCVSource(str(bogus)), retry_interval_s=0.2)
    watcher = Watcher(camera)  # before start: it hears everything
    with camera:
        error = watcher.wait_state(CameraState.NO_CAMERA)
        assert isinstance(error, CameraNotFound)
        with pytest.raises(CameraNotStreaming, match="cannot open"):
            camera.still(timeout_s=1)


class CountingSource(OpenCVSource):
    def __init__(self, target: int | str) -> None:
        super().__init__(target)
        self.opens = 0

    def open(self) -> None:
        self.opens += 1
        super().open()


def test_a_source_that_opens_but_gives_no_frames_is_no_camera(tmp_path: Path) -> None:
    empty = tmp_path / "empty.avi"
    write_video(empty, 0)
    source = CountingSource(str(empty))
    camera = Camera(source, reconnect_delays_s=(0.05,), retry_interval_s=0.05)
    watcher = Watcher(camera)  # before start: it hears everything
    with camera:
        error = watcher.wait_state(CameraState.NO_CAMERA)
        assert isinstance(error, CameraVanished) and "gives no frames" in str(error)
        deadline = time.monotonic() + WAIT_S
        while source.opens < 5 and time.monotonic() < deadline:
            time.sleep(0.05)  # polling for the retries, with a deadline
    assert source.opens >= 5  # it keeps trying...
    states = [s for s, _ in watcher.states]
    assert states == [CameraState.RECONNECTING, CameraState.NO_CAMERA]  # ...quietly
    assert watcher.previews == []


def test_a_device_path_that_does_not_exist() -> None:
    with pytest.raises(CameraNotFound, match="does not exist"):
        OpenCVSource("/dev/video-not-here").open()


def test_no_camera_at_a_device_index() -> None:
    # No machine running the tests has 98 cameras; OpenCV fails to open it.
    camera = Camera(OpenCVSource(98), retry_interval_s=0.5)
    watcher = Watcher(camera)  # before start: it hears everything
    with camera:
        error = watcher.wait_state(CameraState.NO_CAMERA)
    assert isinstance(error, CameraNotFound)
    assert "camera 98" in str(error)


def test_unplugged_mid_preview_reconnects_then_says_no_camera_then_recovers() -> None:
    source = SyntheticCamera(320, 240, fps=30)
    camera = Camera(source, reconnect_delays_s=(0.05, 0.05), retry_interval_s=0.1)
    watcher = Watcher(camera)  # before start: it hears everything
    with camera:
        watcher.wait_previews(3)
        seen = len(watcher.states)
        source.unplug()
        lost = watcher.wait_state(CameraState.RECONNECTING, after=seen)
        assert isinstance(lost, CameraVanished)
        assert isinstance(watcher.wait_state(CameraState.NO_CAMERA), CameraNotFound)
        with pytest.raises(CameraNotStreaming, match="not connected"):
            camera.still(timeout_s=1)
        seen = len(watcher.states)
        source.plug_in()
        assert watcher.wait_state(CameraState.STREAMING, after=seen) is None
        assert camera.error is None
        assert camera.still().image.shape == (240, 320, 3)


def test_a_source_that_hangs_is_reported_not_frozen() -> None:
    source = SyntheticCamera(320, 240, fps=30)
    camera = Camera(source, stall_timeout_s=0.5)
    watcher = Watcher(camera)  # before start: it hears everything
    with camera:
        watcher.wait_previews(2)
        seen = len(watcher.states)
        source.stall()
        error = watcher.wait_state(CameraState.RECONNECTING, after=seen)
        assert isinstance(error, DeviceTimeout)
        with pytest.raises(CameraNotStreaming):
            camera.still(timeout_s=0.5)
        seen = len(watcher.states)
        source.resume()
        watcher.wait_state(CameraState.STREAMING, after=seen)


def test_ghost_overlay_reaches_the_preview() -> None:
    before: Image = np.full((480, 640, 3), 255, np.uint8)  # a white before photo
    source = SyntheticCamera(640, 480, fps=30)
    camera = Camera(source, preview_size=(320, 240))
    watcher = Watcher(camera)  # before start: it hears everything
    with camera:
        plain = watcher.wait_previews(1)[-1].image
        camera.set_ghost(before, opacity=0.5)
        count = len(watcher.previews)
        ghosted = watcher.wait_previews(count + 2)[-1].image
        camera.set_ghost(None)
    # half white over the live picture: every pixel at least half way to white
    assert ghosted.min() >= 127
    assert plain.min() < 127


def test_a_failing_subscriber_does_not_stop_the_camera() -> None:
    def broken(frame: PreviewFrame) -> None:
        raise RuntimeError("bug in a screen")

    with Camera(SyntheticCamera(320, 240, fps=60)) as camera:
        camera.on_preview(broken)
        watcher = Watcher(camera)
        watcher.wait_previews(5)


def test_unsubscribing_stops_the_callbacks() -> None:
    got: list[int] = []
    camera = Camera(SyntheticCamera(160, 120, fps=60))
    watcher = Watcher(camera)  # before start: it hears everything
    with camera:
        remove = camera.on_preview(lambda f: got.append(f.number))
        watcher.wait_previews(3)
        remove()
        stopped_at = len(got)
        count = len(watcher.previews)
        watcher.wait_previews(count + 3)
    assert len(got) <= stopped_at + 1  # a frame already on its way may still arrive


@pytest.fixture
def http_folder(tmp_path: Path) -> Iterator[tuple[str, http.server.ThreadingHTTPServer]]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", server
    server.shutdown()
    server.server_close()


def test_a_stream_url_gives_frames(
    tmp_path: Path, http_folder: tuple[str, http.server.ThreadingHTTPServer]
) -> None:
    write_video(tmp_path / "stream.avi", 40)
    base, _server = http_folder
    source = OpenCVSource(f"{base}/stream.avi")
    assert source.is_url
    source.open()
    levels = []
    with pytest.raises(CameraVanished):
        while True:
            levels.append(float(source.read().mean()))
    source.close()
    assert len(levels) == 40 and abs(levels[10] - 60) <= 3


def test_a_missing_stream_is_no_camera(http_folder: tuple[str, object]) -> None:
    base, _server = http_folder
    with pytest.raises(CameraNotFound):
        OpenCVSource(f"{base}/nothing-here.avi").open()


def test_parse_target() -> None:
    assert parse_target("0") == 0
    assert parse_target("/dev/video2") == "/dev/video2"
    assert parse_target("rtsp://127.0.0.1:8554/bay") == "rtsp://127.0.0.1:8554/bay"
