"""Real SocketCAN: the scan and the rig's CAN variant on vcan0, each side its own process.

These run where vcan0 can be made (a kernel with the vcan module and the right to add
links); on other hosts `test_hil_uml.py` runs this file inside a user-mode-linux guest
that has both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import can
import pytest

from drivers.ecu_sim import EcuSimulator
from drivers.rig.can_rig import CanRig
from drivers.rig.simulator import Pace, RigSimulator
from station.alignment import Phase, Position, Quantity, rate_session, spec_for
from station.checklists import Rating


def vcan0_unavailable() -> str | None:
    """Why vcan0 cannot be used here, or None once it is up."""
    try:
        check = subprocess.run(["ip", "link", "show", "vcan0"], capture_output=True, timeout=5)
        if check.returncode != 0:
            made = subprocess.run(
                ["ip", "link", "add", "dev", "vcan0", "type", "vcan"],
                capture_output=True,
                timeout=5,
            )
            if made.returncode != 0:
                return f"kernel has no vcan: {made.stderr.decode().strip()}"
        subprocess.run(["ip", "link", "set", "up", "vcan0"], capture_output=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"cannot manage links: {err}"
    return None


@pytest.fixture(scope="module")
def vcan0() -> Iterator[str]:
    reason = vcan0_unavailable()
    if reason:
        pytest.skip(
            f"socketcan vcan0 unavailable here ({reason}); test_hil_uml.py runs it in a guest"
        )
    yield "vcan0"


def _station(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "station.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        **kwargs,  # type: ignore[call-overload]
    )


@pytest.mark.parametrize("profile", ["petrol_misfire", "truck_29bit"])
def test_station_scan_reads_station_ecu_sim_in_another_process(
    vcan0: str, tmp_path: object, profile: str
) -> None:
    sim = _station("ecu-sim", "--interface", "socketcan", "--channel", vcan0, "--profile", profile)
    try:
        assert sim.stdout is not None
        assert sim.stdout.readline().startswith("simulating")
        time.sleep(0.3)
        scan = subprocess.run(
            [
                sys.executable,
                "-m",
                "station.cli",
                "scan",
                "--interface",
                "socketcan",
                "--channel",
                vcan0,
                "--json",
                "--data-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    assert scan.returncode == 0, scan.stderr
    over_vcan = json.loads(scan.stdout)
    channel = f"vcan-compare-{profile}"
    from drivers.obd.can_link import connect_can
    from drivers.obd.scan import scan_vehicle

    with (
        EcuSimulator(can.Bus(interface="virtual", channel=channel), profile, own_bus=True),
        connect_can("virtual", channel) as link,
    ):
        over_virtual = scan_vehicle(link).to_json()
    assert over_vcan["incomplete"] is False, over_vcan["incomplete_reasons"]
    assert over_vcan["vin"] == over_virtual["vin"]

    def found(doc: dict[str, object]) -> list[object]:
        return [
            (e["id"], e["kind"], e["dtcs"], e["uds_dtcs"], sorted(e["pids"]))  # type: ignore[index]
            for e in doc["ecus"]  # type: ignore[attr-defined]
        ]

    assert found(over_vcan) == found(over_virtual)


def test_the_rig_can_variant_on_vcan0(vcan0: str) -> None:
    rig = CanRig(interface="socketcan", channel=vcan0)
    with rig, RigSimulator.on_can(interface="socketcan", channel=vcan0, pace=Pace.fast()) as sim:
        session = rig.read_session(timeout=30)
    assert sim.error is None
    rated = rate_session(session, spec_for("Bay Motors", "Sedan", 2019))
    before = rated.reading(Phase.BEFORE, Position.REAR_RIGHT, Quantity.TOE)
    after = rated.reading(Phase.AFTER, Position.REAR_RIGHT, Quantity.TOE)
    assert before is not None and before.rating is Rating.RED
    assert after is not None and after.rating is Rating.GREEN
