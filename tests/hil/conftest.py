"""Peers for the device-in-the-loop runs: socat pty pairs, ELM327-emulator on a pty or in SLCAN mode."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _wait_for(path: Path, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear")
        time.sleep(0.02)


class Emulator:
    """ELM327-emulator (`python -m elm`) in a child process, scenario `car`."""

    def __init__(self, *extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "elm", "-s", "car", "-b", "/dev/stdout", *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.process.stdout is not None
        self.first_line = self.process.stdout.readline().strip()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


@pytest.fixture
def elm_pty() -> Iterator[tuple[str, Emulator]]:
    """The emulator in ELM327 mode: (its pseudo-tty, the process)."""
    emulator = Emulator()
    try:
        if not emulator.first_line.startswith("/dev/"):
            pytest.fail(f"ELM327-emulator did not start: {emulator.first_line!r}")
        yield emulator.first_line, emulator
    finally:
        emulator.stop()


@pytest.fixture
def pty_pair(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two linked pseudo-terminals made by socat: (the station's end, the vehicle's end)."""
    socat = shutil.which("socat")
    if socat is None:
        pytest.skip("socat is not installed (Debian package socat)")
    ours, theirs = tmp_path / "app", tmp_path / "vehicle"
    pair = subprocess.Popen(
        [socat, f"pty,raw,echo=0,link={theirs}", f"pty,raw,echo=0,link={ours}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(theirs)
        _wait_for(ours)
        yield os.fspath(ours), os.fspath(theirs)
    finally:
        pair.terminate()
        pair.wait(timeout=5)


@pytest.fixture
def slcan_port(pty_pair: tuple[str, str]) -> Iterator[str]:
    """The emulator speaks SLCAN on the vehicle's end of a pty pair; python-can opens ours."""
    ours, theirs = pty_pair
    emulator = Emulator("-c", theirs)
    try:
        yield ours
    finally:
        emulator.stop()
