"""Rig benchmark: line parsing and DBC frame decoding rates, and one fast simulated session.

Run standalone: `python tests/bench/bench_rig.py`. Prints figures; asserts nothing timed.
"""

from __future__ import annotations

import time

import serial

from drivers.rig.frames import RigFrames
from drivers.rig.protocol import format_record, parse_line
from drivers.rig.serial_rig import SerialRig
from drivers.rig.simulator import Pace, RigSimulator, simulated_session


def bench(lines: int = 20_000) -> dict[str, float]:
    records = [record for _, record in simulated_session("SIM0001", Pace.fast())]
    raw = [format_record(r) for r in records]
    frames = RigFrames.load()
    encoded = [frames.encode(r) for r in records]
    started = time.perf_counter()
    for i in range(lines):
        parse_line(raw[i % len(raw)])
    line_rate = lines / (time.perf_counter() - started)
    started = time.perf_counter()
    for i in range(lines):
        frames.decode(*encoded[i % len(encoded)])
    frame_rate = lines / (time.perf_counter() - started)
    port = serial.serial_for_url("loop://", timeout=0.05)
    rig = SerialRig(port)
    with rig, RigSimulator.on_serial(port, pace=Pace.fast()):
        started = time.perf_counter()
        rig.read_session(timeout=60)
        session_s = time.perf_counter() - started
    return {
        "lines_per_s": line_rate,
        "frames_per_s": frame_rate,
        "fast_session_s": session_s,
        "records_per_session": float(len(records)),
    }


def test_bench_rig() -> None:
    for name, value in bench(lines=2_000).items():
        print(f"{name}: {value:,.3f}")


if __name__ == "__main__":
    for name, value in bench().items():
        print(f"{name}: {value:,.3f}")
