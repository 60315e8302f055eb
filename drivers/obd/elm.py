"""ELM327 / STN serial adapters: the same `ObdLink` as native CAN, over AT commands.

`parse_elm_reply` is pure: the text between a command and the `>` prompt, to
CAN frames per ECU header or a status ("NO DATA" ...). Headers are kept on
(ATH1) so replies from several ECUs can be told apart and reassembled with the
same ISO-TP state machine the CAN link uses.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from drivers.errors import (
    AdapterError,
    AdapterNotFound,
    AdapterVanished,
    DecodeError,
    DeviceTimeout,
    DriverUnavailable,
    NoVehicleResponse,
)
from drivers.obd.isotp import Reassembler
from drivers.obd.link import ObdLink, is_response_pending

log = logging.getLogger(__name__)

PROMPT = b">"
BAUD_RATES = (38400, 9600, 115200, 230400, 57600, 500000)
SETUP_COMMANDS = ("ATE0", "ATL0", "ATS0", "ATH1", "ATCAF1", "ATAT1")
# Lines an adapter prints while working that carry no data.
NOISE = ("SEARCHING...", "BUS INIT: ...", "BUS INIT: ...OK", "OK", "STOPPED")
NO_ANSWER = ("NO DATA",)
NO_VEHICLE = (
    "CAN ERROR",
    "UNABLE TO CONNECT",
    "BUS INIT: ...ERROR",
    "BUS INIT:ERROR",
    "BUS ERROR",
    "FB ERROR",
)
ADAPTER_FAULTS = ("BUFFER FULL", "LV RESET", "ACT ALERT", "ERR94", "ELM327 V")
PROTOCOLS = {
    "6": "ISO 15765-4 CAN 11-bit/500",
    "7": "ISO 15765-4 CAN 29-bit/500",
    "8": "ISO 15765-4 CAN 11-bit/250",
    "9": "ISO 15765-4 CAN 29-bit/250",
}


@dataclass
class ElmReply:
    """One reply: CAN frames in arrival order as (header, frame bytes), and a status."""

    frames: list[tuple[str, bytes]] = field(default_factory=list)
    status: str | None = None
    searched: bool = False


def _frame_line(line: str) -> tuple[str, bytes]:
    compact = line.replace(" ", "")
    if len(compact) % 2:
        header, body = compact[:3], compact[3:]
    else:
        header, body = compact[:8], compact[8:]
    try:
        data = bytes.fromhex(body)
        int(header, 16)
    except ValueError as err:
        raise DecodeError(f"adapter line is not a CAN frame: {line!r}") from err
    if not data or len(data) > 8:
        raise DecodeError(f"adapter line has {len(data)} data bytes: {line!r}")
    return header.upper(), data


def parse_elm_reply(text: str, command: str | None = None) -> ElmReply:
    """The adapter's text for one command (headers on) to frames or a status; pure."""
    reply = ElmReply()
    cleaned = text.replace("\x00", "").replace("\n", "\r").replace(">", "")
    echo = command.replace(" ", "").upper() if command else None
    for raw in cleaned.split("\r"):
        line = raw.strip().upper()
        if not line:
            continue
        if echo and line.replace(" ", "") == echo:
            continue
        if line == "SEARCHING...":
            reply.searched = True
            continue
        if line in NOISE or (line.startswith("BUS INIT") and "ERROR" not in line):
            continue
        if line == "?":
            reply.status = "?"
            continue
        status = next(
            (s for s in NO_ANSWER + NO_VEHICLE + ADAPTER_FAULTS if line.startswith(s)), None
        )
        if status is not None:
            reply.status = status
            continue
        if line.startswith("<") or "ERROR" in line:
            reply.status = line
            continue
        reply.frames.append(_frame_line(line))
    return reply


def assemble(frames: list[tuple[str, bytes]]) -> dict[str, bytes]:
    """Complete ISO-TP messages per ECU header; "response pending" replies are left out."""
    partial: dict[str, Reassembler] = {}
    answers: dict[str, bytes] = {}
    for header, frame in frames:
        status, payload = partial.setdefault(header, Reassembler()).feed(frame)
        if status == "complete" and not is_response_pending(payload):
            answers[header] = payload
    return answers


def _port_errors() -> tuple[type[BaseException], ...]:
    """What a serial port raises when its device is unplugged or its pty closed."""
    import serial

    errors: tuple[type[BaseException], ...] = (
        serial.SerialException,
        OSError,
        TypeError,
        AttributeError,
    )
    try:
        import termios
    except ImportError:  # not a POSIX system
        return errors
    return (*errors, termios.error)


class ElmObdLink(ObdLink):
    """An ELM327-compatible adapter on a serial port (USB, Bluetooth SPP, pty).

    Requests go to the functional address; `ecus` only tells the adapter how
    many answers to wait for (the digit after the request), which saves its
    whole timeout on every request.
    """

    def __init__(self, port: Any, *, timeout: float = 5.0) -> None:
        self.port = port
        self.timeout = timeout
        self.protocol = "ELM327"
        self._lock = threading.Lock()

    def command(self, text: str, timeout: float | None = None) -> str:
        """Send one line and read up to the prompt."""
        with self._lock:
            return self._command(text, timeout or self.timeout)

    def _command(self, text: str, timeout: float) -> str:
        try:
            self.port.reset_input_buffer()
            self.port.write(text.encode("ascii") + b"\r")
            buffer = bytearray()
            deadline = time.monotonic() + timeout
            while PROMPT not in buffer:
                if time.monotonic() > deadline:
                    raise DeviceTimeout(
                        f"adapter gave no prompt after {text!r} within {timeout:.1f} s"
                    )
                chunk = self.port.read(self.port.in_waiting or 1)
                buffer += chunk
        except _port_errors() as err:
            raise AdapterVanished(f"ELM327 adapter went away: {err}") from err
        return buffer.decode("ascii", errors="replace")

    def setup(self) -> None:
        """Reset, quiet the adapter, headers on, then find the vehicle's protocol."""
        self.command("ATZ", timeout=5.0)
        for setting in SETUP_COMMANDS:
            answer = self.command(setting)
            if "?" in answer and setting != "ATAT1":
                raise AdapterError(f"adapter refused {setting}: {answer.strip()!r}")
        for number in ("6", "7", "8", "9"):
            self.command(f"ATTP{number}")
            reply = parse_elm_reply(self.command("0100", timeout=10.0), "0100")
            if reply.frames:
                if reply.searched:
                    number = self.command("ATDPN").replace(">", "").strip().lstrip("A")[-1:]
                self.protocol = PROTOCOLS.get(number, f"ELM327 protocol {number}")
                log.info("ELM327 talks to the vehicle on %s", self.protocol)
                return
        raise NoVehicleResponse("the adapter found no vehicle on any CAN protocol (6-9)")

    def request(self, payload: bytes, ecus: Collection[str] | None = None) -> dict[str, bytes]:
        text = payload.hex().upper()
        multi_pid = payload[:1] == b"\x01" and len(payload) > 2
        if ecus and len(ecus) <= 9 and not multi_pid:
            text += str(len(ecus))
        reply = parse_elm_reply(self.command(text), text)
        if reply.status == "?":
            raise AdapterError(f"adapter did not understand {text}")
        if reply.status in NO_VEHICLE:
            raise NoVehicleResponse(f"adapter says {reply.status} for {text}")
        if reply.status in ADAPTER_FAULTS:
            raise AdapterError(f"adapter fault {reply.status} on {text}")
        try:
            answers = assemble(reply.frames)
        except DecodeError as err:
            log.warning("garbled reply to %s: %s", text, err)
            return {}
        if ecus is not None:
            answers = {ecu: data for ecu, data in answers.items() if ecu in ecus}
        return answers

    def close(self) -> None:
        try:
            self.port.close()
        except OSError as err:
            log.debug("closing the serial port failed: %s", err)


def _open_serial(port_name: str, baudrate: int, timeout: float) -> Any:
    try:
        import serial
    except ImportError as err:
        raise DriverUnavailable("pyserial is not installed") from err
    try:
        return serial.serial_for_url(port_name, baudrate=baudrate, timeout=timeout)
    except (serial.SerialException, OSError, ValueError) as err:
        raise AdapterNotFound(f"cannot open serial port {port_name}: {err}") from err


def probe_baudrate(port_name: str, rates: tuple[int, ...] = BAUD_RATES) -> int:
    """The first baud rate at which the adapter answers with its prompt."""
    for rate in rates:
        port = _open_serial(port_name, rate, 0.1)
        try:
            link = ElmObdLink(port)
            try:
                answer = link.command("ATI", timeout=0.6)
            except (DeviceTimeout, AdapterVanished):
                continue
            if "ELM" in answer.upper() or "STN" in answer.upper() or answer.strip(" \r>"):
                return rate
        finally:
            port.close()
    raise AdapterNotFound(f"no ELM327 prompt on {port_name} at {', '.join(map(str, rates))} baud")


def connect_elm(port_name: str, baudrate: int | None = None, *, timeout: float = 5.0) -> ElmObdLink:
    """Open, reset and set up the adapter; the baud rate is probed when not given."""
    rate = baudrate or probe_baudrate(port_name)
    link = ElmObdLink(_open_serial(port_name, rate, 0.05), timeout=timeout)
    try:
        link.setup()
    except Exception:
        link.close()
        raise
    return link
