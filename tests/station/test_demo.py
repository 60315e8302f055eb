"""The headless demo walks a whole visit on a fresh station, and again on the same one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_demo_runs_twice_on_the_same_data_folder(tmp_path: Path) -> None:
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-m", "station.cli", "demo", "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
        assert "audit chain: intact" in result.stdout
        assert "customer approved" in result.stdout and "customer declined" in result.stdout
