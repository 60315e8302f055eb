"""The same scan over every transport this machine has, with the same results per ECU peer."""

from __future__ import annotations

import itertools
import subprocess
import sys
from typing import Any

import can

from drivers.ecu_sim import EcuSimulator
from drivers.obd.can_link import connect_can
from drivers.obd.elm import connect_elm
from drivers.obd.scan import scan_vehicle
from tests.hil.same_scan import assert_same_findings

_channels = itertools.count()


def test_emulator_gives_the_same_scan_over_slcan_and_over_our_elm_driver(
    slcan_port: str, elm_pty: tuple[str, Any]
) -> None:
    with connect_can("slcan", slcan_port, 500_000) as link:
        over_slcan = scan_vehicle(link)
    port, _emulator = elm_pty
    with connect_elm(port, 38400) as link:
        over_elm = scan_vehicle(link)
    assert over_slcan.vin == "WP0ZZZ99ZTS390000"
    assert not over_slcan.incomplete and not over_elm.incomplete
    assert over_elm.protocol.startswith("ISO 15765-4 CAN 11-bit")
    # two emulator processes started at different moments: values such as the engine's
    # run time differ by how long the machine took, so values compare by name and unit
    assert assert_same_findings(over_slcan, over_elm) == 1
    ecm = over_elm.ecus[0]
    assert ecm.id == "7E8" and ecm.name == "ECM-EngineControl"
    assert len(ecm.pids) >= 30


def test_simulator_on_virtual_gives_the_same_scan_twice() -> None:
    channel = f"hil-{next(_channels)}"
    with (
        EcuSimulator(can.Bus(interface="virtual", channel=channel), "petrol_misfire", own_bus=True),
        connect_can("virtual", channel) as link,
    ):
        first = scan_vehicle(link)
        second = scan_vehicle(link)
    assert [e.id for e in first.ecus] == ["7E8", "7E9", "768", "778"]
    assert assert_same_findings(first, second) >= 1
    assert "LSVAU2180N2183741" in {first.vin, second.vin}


def test_elm_driver_asks_one_ecu_physically_and_returns_to_functional(
    elm_pty: tuple[str, Any],
) -> None:
    port, _emulator = elm_pty
    with connect_elm(port, 38400) as link:
        assert link.responders == {"7E8"}
        # ATSH 7E1 makes the emulator answer from 7E9 (header + 8)
        vin = link.request(b"\x09\x02", ["7E9"])
        assert list(vin) == ["7E9"]
        assert vin["7E9"][3:].decode() == "WP0ZZZ99ZTS390000"
        # a functional request goes out on 7DF again
        assert list(link.request(b"\x01\x00")) == ["7E8"]
        assert list(link.request(b"\x01\x00", ["7E8"])) == ["7E8"]


def test_elm_adapter_vanishing_mid_scan_gives_an_incomplete_result(
    elm_pty: tuple[str, Any],
) -> None:
    port, emulator = elm_pty
    link = connect_elm(port, 38400, timeout=2.0)

    def pull_the_plug(what: str, _fraction: float) -> None:
        if what == "trouble codes":
            emulator.stop()

    result = scan_vehicle(link, progress=pull_the_plug)  # ends: cut short, not hanging
    link.close()
    assert result.incomplete
    assert result.error
    assert result.vin == "WP0ZZZ99ZTS390000"
    assert result.ecus and result.ecus[0].id == "7E8"


def test_scan_command_prints_the_json_contract(elm_pty: tuple[str, Any], tmp_path: Any) -> None:
    port, _emulator = elm_pty
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "station.cli",
            "scan",
            "--elm",
            port,
            "--baud",
            "38400",
            "--json",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    import json

    doc = json.loads(run.stdout)
    assert {"vin", "protocol", "ecus", "elapsed_ms"} <= set(doc)
    assert doc["incomplete"] is False and doc["incomplete_reasons"] == []
    assert doc["adapter_voltage"] == 13.1
    ecu = doc["ecus"][0]
    assert {"id", "name", "dtcs", "readiness", "pids", "freeze_frame", "reads"} <= set(ecu)
    assert ecu["reads"]["03"] == {"status": "read", "nrc": None, "detail": None}
    assert ecu["pids"]["0C"]["unit"] == "rpm"
