"""`station demo --terminals` (what `./dev demo` runs): the visit crosses the desk and bay 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_the_demo_visit_crosses_terminals_through_the_hub(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "station.cli", "demo", "--terminals", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    hand_overs = [line.split(":")[0] for line in out.splitlines() if line.startswith("→ ")]
    assert hand_overs == ["→ bay-2", "→ desk", "→ bay-2", "→ desk"]
    for stage in (
        "pre-repair scan: VIN LSVAU2180N2183741",
        "customer approved finding pads_rear",
        "health report v1 issued and signed: valid",
        "delivered against the customer's signature",
        "every terminal holds the workshop as the hub does: yes",
        "audit chain: intact",
    ):
        assert stage in out, f"{stage!r} missing from:\n{out}"
