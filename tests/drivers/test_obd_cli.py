"""`station scan` refuses bad arguments with exit 2 and a reason, before touching any bus."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _scan(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station.cli", "scan", "--data-dir", str(tmp_path), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("args", "env", "reason"),
    [
        (
            ("--interface", "virtual", "--channel", "x"),
            {"STATION_CAN_BITRATE": "abc"},
            "whole number",
        ),
        (("--interface", "virtual", "--channel", "x", "--bitrate", "-1"), {}, "positive"),
        (("--elm", "/dev/null", "--baud", "-5"), {}, "positive"),
        (("--elm", "/dev/null", "--baud", "0"), {}, "positive"),
        (("--interface", "bogus", "--channel", "x"), {}, "unknown CAN interface 'bogus'"),
    ],
)
def test_bad_arguments_exit_2_with_the_reason(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], reason: str
) -> None:
    run = _scan(tmp_path, *args, env=env)
    assert run.returncode == 2, run.stderr
    assert reason in run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


def test_nobody_on_the_bus_is_exit_3(tmp_path: Path) -> None:
    run = _scan(tmp_path, "--interface", "virtual", "--channel", "nobody-here")
    assert run.returncode == 3
    assert "no vehicle answers" in run.stderr
