"""The rig over pyserial loop:// and over a socat pty pair to `station rig-sim` in another process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from drivers.errors import AdapterVanished, DeviceTimeout
from drivers.rig import ProtocolVersionError, SessionIncomplete, open_rig, run_session
from drivers.rig.protocol import Measured, SessionStart, SetBegin, SetEnd, format_record
from drivers.rig.serial_rig import SerialRig
from drivers.rig.simulator import Pace, RigSimulator
from station.alignment import AlignmentReading, Phase, Position, Quantity, rate_session, spec_for
from station.checklists import Rating

RR, TOE = Position.REAR_RIGHT, Quantity.TOE


def _check_demo_session(session_rated: dict[str, object]) -> None:
    before = {(r["position"], r["quantity"]): r for r in session_rated["before"]}  # type: ignore[attr-defined]
    after = {(r["position"], r["quantity"]): r for r in session_rated["after"]}  # type: ignore[attr-defined]
    assert before[("RR", "toe")]["rating"] == "red"
    assert before[("RR", "toe")]["beyond_limit_deg"] == pytest.approx(1.2)
    assert after[("RR", "toe")]["rating"] == "green"
    assert session_rated["worst"] == {"before": "red", "after": "green"}


def test_simulated_session_over_loop_with_live_values_converging() -> None:
    port = serial.serial_for_url("loop://", timeout=0.05)
    live: list[AlignmentReading] = []
    rig = SerialRig(port)
    with RigSimulator.on_serial(port, pace=Pace.fast(), noise=True) as sim:
        session = run_session(rig, on_live=live.append, timeout=30)
    assert sim.error is None
    rated = rate_session(session, spec_for("Bay Motors", "Sedan", 2019)).to_dict()
    _check_demo_session(rated)
    assert session.rim_diameter_in == 17
    toe = [r.value_deg for r in live if r.position is RR and r.quantity is TOE]
    assert len(toe) >= 20
    assert toe[0] > 1.0 and abs(toe[-1] - 0.16) < 0.02
    # converging: every step is closer to the target than the one five steps earlier
    assert all(abs(b - 0.16) < abs(a - 0.16) for a, b in zip(toe, toe[5:], strict=False))
    # the injected garbage, bad checksum and cut-off line were skipped and counted
    assert rig.stats.checksum_errors == 1
    assert rig.stats.skipped >= 3
    assert port.is_open


def _write(port: serial.SerialBase, *chunks: bytes) -> None:
    for chunk in chunks:
        port.write(chunk)


def test_lost_set_lines_make_a_clear_error_not_a_session() -> None:
    port = serial.serial_for_url("loop://", timeout=0.05)
    good = format_record(Measured(RR, TOE, 0.2))
    _write(
        port,
        format_record(SessionStart("S9", 17)),
        format_record(SetBegin(Phase.BEFORE)),
        good,
        good[:-4] + b"FF\r\n",  # damaged on the way
        format_record(SetEnd(Phase.BEFORE, 2)),
    )
    with pytest.raises(SessionIncomplete, match="1 of 2"):
        run_session(SerialRig(port), timeout=10)


def test_a_wrong_protocol_version_stops_the_read() -> None:
    port = serial.serial_for_url("loop://", timeout=0.05)
    _write(port, b"\x00garbage\r\n", format_record(SessionStart("S1"), version=2))
    with pytest.raises(ProtocolVersionError, match="version '2'"):
        run_session(SerialRig(port), timeout=10)


def test_silence_times_out() -> None:
    port = serial.serial_for_url("loop://", timeout=0.05)
    with pytest.raises(DeviceTimeout):
        run_session(SerialRig(port), timeout=0.5)


def test_backend_by_name_and_absent_port() -> None:
    rig = open_rig("serial", port="/nonexistent/tty", reconnect_timeout=0.2)
    assert isinstance(rig, SerialRig)
    from drivers.errors import AdapterNotFound

    with pytest.raises(AdapterNotFound):
        run_session(rig, timeout=1)


# -- another process on a pty pair -------------------------------------------------

SOCAT = shutil.which("socat")


class SocatPair:
    """Two linked ptys made by socat; `restart` is a rig unplugged and plugged in again."""

    def __init__(self, folder: Path) -> None:
        self.station = str(folder / "rig-station")
        self.device = str(folder / "rig-device")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert SOCAT is not None
        self.proc = subprocess.Popen(
            [SOCAT, f"pty,raw,echo=0,link={self.station}", f"pty,raw,echo=0,link={self.device}"],
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while not (Path(self.station).exists() and Path(self.device).exists()):
            assert time.monotonic() < deadline, "socat made no ptys"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


@pytest.fixture
def ptys(tmp_path: Path) -> Iterator[SocatPair]:
    if SOCAT is None:
        pytest.skip("socat is not installed (Debian package socat)")
    pair = SocatPair(tmp_path)
    pair.start()
    yield pair
    pair.stop()


def _station(*args: str) -> list[str]:
    return [sys.executable, "-m", "station.cli", *args]


def test_rig_sim_process_over_socat_and_align_command(tmp_path: Path, ptys: SocatPair) -> None:
    sim = subprocess.Popen(
        _station("rig-sim", "--port", ptys.device, "--pace", "fast", "--sessions", "0"),
        stderr=subprocess.PIPE,
    )
    try:
        done = subprocess.run(
            _station(
                "align",
                "--port",
                ptys.station,
                "--json",
                "--timeout",
                "60",
                "--make",
                "Bay Motors",
                "--model",
                "Sedan",
                "--year",
                "2019",
                "--data-dir",
                str(tmp_path),
            ),
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        result = json.loads(done.stdout)
        _check_demo_session(result)
        assert result["spec"] == "Bay Motors Sedan 2017-2023"
        assert result["rig_session"].startswith("SIM")
        assert result["stored_id"] is None
    finally:
        sim.terminate()
        sim.wait(10)


def test_reconnects_when_the_rig_comes_back(ptys: SocatPair) -> None:
    """The link drops in the middle of the adjustment and comes back; the read completes."""
    slow = Pace(live_rate_hz=20, adjust_seconds=30, line_gap=0.0)
    first = RigSimulator.on_serial(ptys.device, pace=slow)
    rig = SerialRig(ptys.station, reconnect_timeout=30)
    seen: list[AlignmentReading] = []
    second: list[RigSimulator] = []

    def on_live(reading: AlignmentReading) -> None:
        seen.append(reading)
        if len(seen) == 10:
            first.stop()
            ptys.stop()  # unplugged...
            ptys.start()  # ...and back, with a rig that starts a new session
            # a rig repeats its session until read: what it sent before the port was
            # open again is gone (pyserial flushes input on open)
            again = RigSimulator.on_serial(
                ptys.device, pace=Pace.fast(), sessions=0, first_session=2
            )
            second.append(again)
            second[0].start()

    with rig:
        first.start()
        try:
            session = rig.read_session(on_live=on_live, timeout=60)
        finally:
            first.stop()
            for sim in second:
                sim.stop()
    assert session.rig_session.startswith("SIM000") and session.rig_session != "SIM0001"
    assert rig.stats.reconnects >= 1
    rated = rate_session(session, spec_for("Bay Motors", "Sedan", 2019))
    assert rated.worst(Phase.AFTER) is Rating.GREEN


def test_a_port_that_never_returns_is_an_error(ptys: SocatPair) -> None:
    rig = SerialRig(ptys.station, reconnect_timeout=1.0)
    with rig, RigSimulator.on_serial(ptys.device, pace=Pace(live_rate_hz=20, adjust_seconds=30)):
        ptys.stop()
        with pytest.raises(AdapterVanished, match="did not come back"):
            rig.read_session(timeout=30)
