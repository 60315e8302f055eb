"""`station camera` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drivers.camera import SyntheticCamera, imaging, source_from_spec
from drivers.camera.commands import EXIT_NO_CAMERA
from drivers.errors import DriverError
from station.cli import main


def test_camera_command_checks_the_synthetic_camera_and_keeps_a_still(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = tmp_path / "still.jpg"
    status = main(
        [
            "camera",
            "--data-dir",
            str(tmp_path),
            "--source",
            "synthetic:640x480",
            "--seconds",
            "1",
            "--snapshot",
            str(snapshot),
            "--json",
        ]
    )
    result = json.loads(capsys.readouterr().out)
    assert status == 0
    assert result["state"] == "streaming" and result["error"] is None
    assert result["size"] == [640, 480] and result["fps"] > 5
    assert imaging.decode_jpeg(snapshot.read_bytes()).shape == (480, 640, 3)


def test_camera_command_says_no_camera(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATION_CAMERA_SOURCE", str(tmp_path / "missing.avi"))
    status = main(["camera", "--data-dir", str(tmp_path), "--timeout", "5"])
    captured = capsys.readouterr()
    assert status == EXIT_NO_CAMERA
    assert "missing.avi does not exist" in captured.err


def test_source_from_spec() -> None:
    camera = source_from_spec("synthetic:320x200")
    assert isinstance(camera, SyntheticCamera) and (camera.width, camera.height) == (320, 200)
    assert source_from_spec("2").name == "camera 2"
    with pytest.raises(DriverError, match="WIDTHxHEIGHT"):
        source_from_spec("synthetic:big")
