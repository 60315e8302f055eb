"""A difficult ELM327 adapter for the tests: ELM327-emulator behind a pty of our own.

The emulator (the third-party test peer, module `elm`) runs in this process with
its `car` ECU table wrapped: a second ECU (7E9) is added, and each ECU's stored,
pending and permanent codes are the test's. Between the driver and the emulator
sits `QuirkyAdapter`, a thread on a pseudo-terminal that behaves as real adapters
and clones do: echo and linefeeds stuck on, SEARCHING and BUS INIT lines, CAN
ERROR and BUS BUSY, `?` for a request, the reply-count digit or a bare ATCRA,
strict line counting, an ECU silent on a service, truncated lines, slow output.
"""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import serial

SECOND_ECU = "7E9"


@dataclass
class Quirks:
    """How the adapter misbehaves; requests are named without their count digit."""

    echo: bool = False  # ATE0 is ignored: every command comes back first
    linefeeds: bool = False  # ATL0 is ignored: lines end in CR LF
    searching: bool = False  # SEARCHING... before the replies after a protocol change
    bus_init: bool = False  # BUS INIT: ...OK before them, as on K-line adapters
    once: dict[str, str] = field(default_factory=dict)  # request -> printed instead, once
    always: dict[str, str] = field(default_factory=dict)  # request -> printed instead, always
    count_digit_refused: bool = False  # `?` to any request with a reply count
    bare_atcra_refused: bool = True  # v1.3 and many clones
    strict_count: bool = False  # with a reply count N, only the first N lines
    silent: dict[str, set[str]] = field(default_factory=dict)  # ECU header -> requests
    truncate_once: dict[str, str] = field(default_factory=dict)  # request -> ECU header
    slow: float = 0.0  # seconds per 8 bytes written


@dataclass
class Car:
    """The codes each ECU holds: {header: {"03": [...], "07": [...], "0A": [...]}}."""

    codes: dict[str, dict[str, list[str]]]

    def all_codes(self) -> set[tuple[str, str, str]]:
        kinds = {"03": "stored", "07": "pending", "0A": "permanent"}
        return {
            (ecu, kinds[service], code)
            for ecu, services in self.codes.items()
            for service, codes in services.items()
            for code in codes
        }


def _hex_code(code: str) -> str:
    """ "P0143" to the emulator's "0143" (the two bytes of SAE J2012)."""
    letter = "PCBU".index(code[0])
    first = (letter << 6) | (int(code[1]) << 4) | int(code[2], 16)
    return f"{first:02X}{code[3:]}"


def _table(car: Car) -> dict[str, Any]:
    """The emulator's `car` scenario with a second ECU and the test's codes."""
    from elm.obd_message import DT, ELM_FOOTER, HD, SZ, ObdMessage, dtc_frames

    table = dict(ObdMessage["car"])
    table["TEST_PIDS_A"] = {
        "Request": "^0100" + ELM_FOOTER,
        "Descr": "both ECUs' support bitmaps",
        "Priority": 1,
        "Response": HD("7E8")
        + SZ("06")
        + DT("41 00 BE 3F A8 13")
        + HD(SECOND_ECU)
        + SZ("06")
        + DT("41 00 80 00 00 00"),
    }
    table["TEST_STATUS_7E9"] = {
        "Request": "^0101" + ELM_FOOTER,
        "Descr": "second ECU's monitor status",
        "Header": "7E1",
        "Priority": 1,
        "ResponseFooter": lambda self, cmd, pid, uc_val: (
            HD(SECOND_ECU)
            + SZ("06")
            + DT(f"41 01 {len(car.codes.get(SECOND_ECU, {}).get('03', [])):02X} 04 00 00")
        ),
    }
    sids = {"03": "43", "07": "47", "0A": "4A"}
    for service, sid in sids.items():
        table[f"TEST_CODES_{service}"] = {
            "Request": f"^{service}" + ELM_FOOTER,
            "Descr": f"service {service} of both ECUs",
            "Priority": 1,
            "ResponseFooter": lambda self, cmd, pid, uc_val, service=service, sid=sid: "".join(
                dtc_frames(self, [_hex_code(c) for c in codes.get(service, [])], sid, ecu)
                for ecu, codes in sorted(car.codes.items())
            ),
        }
    return table


@contextmanager
def emulated_car(car: Car) -> Iterator[str]:
    """ELM327-emulator on its pty with the wrapped table; yields the pty's name."""
    import elm.obd_message as messages
    from elm import Elm

    stored = list(messages.DTC_STORED)
    # the emulator's PID 01 counts the engine ECU's stored codes from its own list
    messages.DTC_STORED[:] = [_hex_code(c) for c in car.codes.get("7E8", {}).get("03", [])]
    emulator = Elm(batch_mode=True)
    emulator.ObdMessage = {**emulator.ObdMessage, "wrapped": _table(car)}
    try:
        with emulator:
            deadline = time.monotonic() + 10
            while emulator.threadState != emulator.THREAD.ACTIVE:
                if time.monotonic() > deadline:
                    raise TimeoutError("ELM327-emulator did not start")
                time.sleep(0.02)
            emulator.set_sorted_obd_msg("wrapped")
            yield emulator.get_pty()
    finally:
        messages.DTC_STORED[:] = stored


class QuirkyAdapter:
    """Serves the driver on a pty, forwards to the emulator, and misbehaves as told."""

    def __init__(self, emulator_port: str, quirks: Quirks) -> None:
        self.quirks = quirks
        self.upstream = serial.Serial(emulator_port, 38400, timeout=0.05)
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.port = os.ttyname(slave)
        self._slave = slave
        self._stop = threading.Event()
        self._fresh_protocol = True
        self._done_once: set[str] = set()
        self.requests: list[str] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> QuirkyAdapter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.upstream.close()
        os.close(self.master)
        os.close(self._slave)

    # --- the pty side ------------------------------------------------------------
    def _serve(self) -> None:
        pending = b""
        while not self._stop.is_set():
            if not select.select([self.master], [], [], 0.05)[0]:
                continue
            try:
                chunk = os.read(self.master, 256)
            except OSError:
                return
            pending += chunk
            while b"\r" in pending:
                line, pending = pending.split(b"\r", 1)
                command = line.decode("ascii", errors="replace").strip().upper()
                if command:
                    self._write(self._answer(command))

    def _write(self, text: str) -> None:
        if self.quirks.linefeeds:
            text = text.replace("\r", "\r\n")
        data = text.encode("ascii")
        step = 8 if self.quirks.slow else len(data)
        for i in range(0, len(data), step):
            if self.quirks.slow:
                time.sleep(self.quirks.slow)
            os.write(self.master, data[i : i + step])

    def _forward(self, command: str) -> str:
        self.upstream.reset_input_buffer()
        self.upstream.write(command.encode("ascii") + b"\r")
        buffer = b""
        deadline = time.monotonic() + 5
        while b">" not in buffer and time.monotonic() < deadline:
            buffer += self.upstream.read(self.upstream.in_waiting or 1)
        return buffer.decode("ascii", errors="replace")

    # --- the adapter's behaviour -----------------------------------------------
    def _answer(self, command: str) -> str:
        q = self.quirks
        echo = f"{command}\r" if q.echo else ""
        if command == "ATCRA" and q.bare_atcra_refused:
            return f"{echo}?\r\r>"
        if (command == "ATE0" and q.echo) or (command == "ATL0" and q.linefeeds):
            return f"{echo}OK\r\r>"
        if command.startswith(("ATSP", "ATTP", "ATZ", "ATWS")):
            self._fresh_protocol = True
        if command.startswith("AT"):
            return self._forward(command)
        self.requests.append(command)
        digit = len(command) % 2 == 1
        request = command[:-1] if digit else command
        if digit and q.count_digit_refused:
            return f"{echo}?\r\r>"
        if request in q.always:
            return f"{echo}{q.always[request]}\r\r>"
        if request in q.once and request not in self._done_once:
            self._done_once.add(request)
            return f"{echo}{q.once[request]}\r\r>"
        lines = [
            line
            for line in self._forward(command).replace(">", "").split("\r")
            if line.strip() and line.strip().replace(" ", "") != command
        ]
        data = [line for line in lines if line[:3] in ("7E8", "7E9")]
        for ecu, requests in q.silent.items():
            if request in requests:
                data = [line for line in data if not line.startswith(ecu)]
        if request in q.truncate_once and f"cut{request}" not in self._done_once:
            self._done_once.add(f"cut{request}")
            ecu = q.truncate_once[request]
            data = [line[: len(line) // 2 + 1] if line.startswith(ecu) else line for line in data]
        if digit and q.strict_count:
            data = data[: int(command[-1])]
        head = ""
        if self._fresh_protocol:
            head = ("BUS INIT: ...OK\r" if q.bus_init else "") + (
                "SEARCHING...\r" if q.searching else ""
            )
            self._fresh_protocol = False
        body = "\r".join(data) if data else "NO DATA"
        return f"{echo}{head}{body}\r\r>"
