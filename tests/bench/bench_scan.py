"""Scan benchmarks; prints figures, asserts nothing. Run: python tests/bench/bench_scan.py

1. ELM327-emulator on a pty: our connect + full scan against python-OBD doing the
   same queries (connect, VIN, supported PIDs, every supported mode 01 value,
   stored/pending/permanent codes), each on a fresh emulator, in the same run.
2. Full-system scan (OBD, plus UDS 0x19 on every ECU and on the modules a probe finds)
   and OBD-only scan on native CAN with our simulator, per vehicle profile: python-can
   `virtual` (in-process), socketcan `vcan0` where the kernel has it, and `slcan` on both
   ends of a socat pty pair (the serial
   framing, pty and the simulator's own threads, as with a USB-CAN adapter); then slcan
   to ELM327-emulator's SLCAN mode for interoperability (slow: the emulator waits its
   0.5 s flow-control timeout on every multi-frame reply, see the README).
3. Raw frame ingest through the bounded frame queue on the virtual bus, and the
   simulator's DBC broadcasts decoded through it while a scan runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import can

from drivers.ecu_sim import EcuSimulator
from drivers.ecu_sim.broadcast import default_dbc
from drivers.obd.can_link import REAL_BUS_TIMING, connect_can
from drivers.obd.elm import connect_elm
from drivers.obd.live import BroadcastDecoder, FrameQueue
from drivers.obd.scan import scan_vehicle

PROFILES = ("petrol_misfire", "ev_isolation", "hybrid", "truck_29bit")


def _emulator(*extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "elm", "-s", "car", "-b", "/dev/stdout", *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=10)


def ours_on_elm() -> float:
    process, port = _emulator()
    try:
        started = time.perf_counter()
        with connect_elm(port, 38400) as link:
            result = scan_vehicle(link)
        elapsed = time.perf_counter() - started
        print(
            f"  ours:       {elapsed * 1000:8.1f} ms  VIN {result.vin}, {sum(len(e.pids) for e in result.ecus)} values"
        )
        return elapsed
    finally:
        _stop(process)


def python_obd_on_elm() -> float:
    import obd  # GPL: a benchmark peer only, never imported by the product

    process, port = _emulator()
    try:
        started = time.perf_counter()
        connection = obd.OBD(port, baudrate=38400, fast=False)
        vin = connection.query(obd.commands.VIN)
        values = 0
        for command in list(connection.supported_commands):
            support = command.pid in (0x00, 0x20, 0x40, 0x60, 0x80, 0xA0, 0xC0)
            if command.mode == 1 and not support and not connection.query(command).is_null():
                values += 1
        connection.query(obd.commands.GET_DTC)
        connection.query(obd.commands.GET_CURRENT_DTC)
        permanent = obd.OBDCommand(
            "PERMANENT_DTC", "Permanent DTCs", b"0A", 0, obd.decoders.dtc, obd.ECU.ALL, False
        )
        connection.query(permanent, force=True)
        elapsed = time.perf_counter() - started
        connection.close()
        print(f"  python-OBD: {elapsed * 1000:8.1f} ms  VIN {vin.value}, {values} values")
        return elapsed
    finally:
        _stop(process)


def _median(times: list[float]) -> float:
    return sorted(times)[len(times) // 2]


def _connect_and_scan(
    interface: str, channel: str, profile: str, runs: int, *, windows: str = "real bus"
) -> None:
    """Connect once, then full-system scans (OBD and UDS 0x19 on every ECU and module) and
    OBD-only scans, `runs` each; the simulator is already answering on `channel`. With
    the real bus's windows (P2), as a car on a real CAN bus is scanned; with "simulated",
    the wider windows the station gives a simulated bus (connect_can's default there)."""
    options = REAL_BUS_TIMING if windows == "real bus" else {}
    started = time.perf_counter()
    with connect_can(interface, channel, **options) as link:
        connect_ms = (time.perf_counter() - started) * 1000
        results = [scan_vehicle(link) for _ in range(runs)]
        obd_only = [scan_vehicle(link, full_system=False).elapsed_ms for _ in range(runs)]
    times = [result.elapsed_ms for result in results]
    last = results[-1]
    modules = sum(1 for ecu in last.ecus if ecu.kind == "uds")
    uds_codes = sum(len(ecu.uds_dtcs) for ecu in last.ecus)
    print(
        f"  {interface:<10} {windows:<9} {profile:<15} connect {connect_ms:6.1f} ms, full-system best "
        f"{min(times):6.1f} ms, median {_median(times):6.1f} ms ({len(last.ecus)} ECUs, "
        f"{modules} non-OBD, {uds_codes} UDS codes{', INCOMPLETE' if last.incomplete else ''}); "
        f"OBD only median {_median(obd_only):6.1f} ms"
    )


def native_virtual(profile: str, runs: int = 5) -> None:
    channel = f"bench-{profile}"
    with EcuSimulator(can.Bus(interface="virtual", channel=channel), profile, own_bus=True):
        _connect_and_scan("virtual", channel, profile, runs)
        _connect_and_scan("virtual", channel, profile, runs, windows="simulated")


@contextmanager
def pty_pair() -> Iterator[tuple[str, str] | None]:
    """(station end, vehicle end) of a socat pty pair, or None without socat."""
    socat = shutil.which("socat")
    if socat is None:
        yield None
        return
    folder = Path(tempfile.mkdtemp())
    ours, theirs = folder / "app", folder / "vehicle"
    pair = subprocess.Popen(
        [socat, f"pty,raw,echo=0,link={theirs}", f"pty,raw,echo=0,link={ours}"],
        stderr=subprocess.DEVNULL,
    )
    try:
        while not (ours.exists() and theirs.exists()):
            time.sleep(0.01)
        yield os.fspath(ours), os.fspath(theirs)
    finally:
        pair.terminate()
        pair.wait(timeout=5)


def native_vcan(profile: str, runs: int = 5) -> None:
    """socketcan vcan0 when this kernel has it (`ip link add dev vcan0 type vcan`)."""
    try:
        with can.Bus(interface="socketcan", channel="vcan0") as probe:
            probe.recv(timeout=0)
    except (OSError, can.CanError) as err:
        print(f"  socketcan vcan0 unavailable here ({err}); see tests/hil/test_hil_uml.py")
        return
    with EcuSimulator(can.Bus(interface="socketcan", channel="vcan0"), profile, own_bus=True):
        _connect_and_scan("socketcan", "vcan0", profile, runs)


def native_slcan(profile: str, runs: int = 5) -> None:
    with pty_pair() as ends:
        if ends is None:
            print("  slcan: skipped, socat missing")
            return
        ours, theirs = ends
        with EcuSimulator.open("slcan", theirs, profile):
            _connect_and_scan("slcan", ours, profile, runs)


def emulator_slcan() -> None:
    with pty_pair() as ends:
        if ends is None:
            print("  slcan emulator: skipped, socat missing")
            return
        ours, theirs = ends
        process, _ = _emulator("-c", theirs)
        try:
            started = time.perf_counter()
            link = connect_can("slcan", ours, 500_000)  # a pty: the simulated bus's windows
            connect_ms = (time.perf_counter() - started) * 1000
            result = scan_vehicle(link)
            link.close()
        finally:
            _stop(process)
    print(
        f"  slcan   ELM327-emulator connect {connect_ms:6.1f} ms, scan {result.elapsed_ms:6.1f} ms "
        f"({len(result.ecus)} ECU; the emulator holds each multi-frame reply 0.5 s for flow control)"
    )


def ingest(frames: int = 50_000) -> None:
    channel = "bench-ingest"
    sender = can.Bus(interface="virtual", channel=channel)
    receiver = can.Bus(interface="virtual", channel=channel)
    queue = FrameQueue(maxsize=10_000)
    notifier = can.Notifier(receiver, [queue], timeout=0.05)
    consumed = 0
    done = threading.Event()

    def consume() -> None:
        nonlocal consumed
        while consumed < frames and not done.is_set():
            if queue.get(timeout=0.5) is None:
                break
            consumed += 1

    consumer = threading.Thread(target=consume)
    consumer.start()
    message = can.Message(arbitration_id=0x3E8, data=bytes(8), is_extended_id=False)
    started = time.perf_counter()
    for _ in range(frames):
        sender.send(message)
    consumer.join(timeout=60)
    elapsed = time.perf_counter() - started
    done.set()
    notifier.stop()
    sender.shutdown()
    receiver.shutdown()
    print(
        f"  ingest: {frames} frames in {elapsed * 1000:.0f} ms = {consumed / elapsed:,.0f} frames/s, "
        f"received {queue.received}, consumed {consumed}, dropped {queue.dropped}"
    )


def broadcast_during_scans(profile: str = "hybrid", runs: int = 20) -> None:
    channel = "bench-broadcast"
    decoder = BroadcastDecoder(default_dbc())
    frames = FrameQueue(maxsize=10_000)
    listener = can.Bus(interface="virtual", channel=channel)
    notifier = can.Notifier(listener, [frames], timeout=0.05)
    decoded = 0
    sim = EcuSimulator(
        can.Bus(interface="virtual", channel=channel), profile, own_bus=True, broadcast=True
    )
    started = time.perf_counter()
    with sim, connect_can("virtual", channel) as link:
        times = [scan_vehicle(link).elapsed_ms for _ in range(runs)]
        elapsed = time.perf_counter() - started
    while (message := frames.get(timeout=0.2)) is not None:  # the simulator has stopped
        if decoder.decode(message.arbitration_id, bytes(message.data)) is not None:
            decoded += 1
    notifier.stop()
    listener.shutdown()
    print(
        f"  broadcasting {profile}: scan median {_median(times):6.1f} ms; "
        f"{decoded} broadcast frames decoded in {elapsed:.2f} s ({decoded / elapsed:.0f}/s), "
        f"frames received {frames.received}, dropped {frames.dropped}"
    )


def main() -> None:
    print("ELM327-emulator, connect + full scan:")
    ours = ours_on_elm()
    peer = python_obd_on_elm()
    print(f"  ratio: ours is {peer / ours:.1f}x faster")
    print("Native CAN full multi-ECU scan:")
    for profile in PROFILES:
        native_virtual(profile)
    for profile in PROFILES:
        native_vcan(profile)
    for profile in PROFILES:
        native_slcan(profile)
    emulator_slcan()
    print("Raw frame ingest (virtual bus, bounded queue):")
    ingest()
    broadcast_during_scans()


if __name__ == "__main__":
    main()
