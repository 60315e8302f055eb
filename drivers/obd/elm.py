"""ELM327 / STN serial adapters: the same `ObdLink` as native CAN, over AT commands.

`parse_elm_reply` is pure: the text between a command and the `>` prompt, to
CAN frames per ECU header or a status ("NO DATA" ...). Headers are kept on
(ATH1) so replies from several ECUs can be told apart and reassembled with the
same ISO-TP state machine the CAN link uses. `plan_requests` is pure too: which
lines a request becomes, functional or physically addressed (ATSH/ATCRA).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection, Mapping
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
EXTENDED_PROTOCOLS = ("7", "9")


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


def request_line(payload: bytes, replies: int | None) -> str:
    """The hex request, with the number of replies to wait for when known (saves the
    adapter's whole timeout). Adapters refuse the digit after a multi-PID request."""
    text = payload.hex().upper()
    multi_pid = payload[:1] == b"\x01" and len(payload) > 2
    if replies and replies <= 9 and not multi_pid:
        text += str(replies)
    return text


def physical_addressing(ecu: str) -> tuple[str, ...]:
    """Point the adapter at one ECU: its request id as header, and only its reply id let in."""
    if len(ecu) == 8:
        # 29-bit: the adapter keeps priority 18 (ATCP default) and takes the other 3 bytes.
        return (f"ATSHDA{ecu[6:8]}F1", f"ATCRA{ecu}")
    return (f"ATSH{int(ecu, 16) - 8:03X}", f"ATCRA{ecu}")


def functional_addressing(extended: bool) -> tuple[str, ...]:
    """Back to every ECU: the functional header and the default receive filters."""
    return ("ATSHDB33F1" if extended else "ATSH7DF", "ATCRA")


def plan_requests(
    payloads: Mapping[str | None, bytes], responders: Collection[str], extended: bool
) -> list[str]:
    """The lines one request (or one batch of per-ECU requests) is sent as; pure.

    `None` as the only key asks every ECU for the whole response window. The same
    payload for exactly the ECUs that answer is one functional request that ends
    after that many replies. Anything else (a subset, an ECU not seen yet, different
    payloads) is addressed physically, ECU by ECU, and ends back on functional
    addressing, so the adapter is always left as the next caller expects it.
    """
    if None in payloads:
        return [request_line(payloads[None], None)]
    asked = {ecu for ecu in payloads if ecu is not None}
    if asked and asked == set(responders) and len(set(payloads.values())) == 1:
        return [request_line(next(iter(payloads.values())), len(asked))]
    lines: list[str] = []
    for ecu, payload in payloads.items():
        if ecu is not None:
            lines += [*physical_addressing(ecu), request_line(payload, 1)]
    return [*lines, *functional_addressing(extended)] if lines else []


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

    A request to every ECU that answers goes to the functional address with the
    number of replies to wait for; a request to some of them is addressed to each
    physically (ATSH, ATCRA), so another ECU's reply cannot end it early.
    """

    def __init__(self, port: Any, *, timeout: float = 5.0) -> None:
        self.port = port
        self.timeout = timeout
        self.protocol = "ELM327"
        self.extended = False
        self.responders: set[str] = set()
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
                self.extended = number in EXTENDED_PROTOCOLS
                self.responders = set(assemble(reply.frames))
                log.info("ELM327 talks to the vehicle on %s", self.protocol)
                return
        raise NoVehicleResponse("the adapter found no vehicle on any CAN protocol (6-9)")

    def request(self, payload: bytes, ecus: Collection[str] | None = None) -> dict[str, bytes]:
        targets: dict[str | None, bytes] = (
            {None: payload} if ecus is None else dict.fromkeys(ecus, payload)
        )
        return self._run(targets)

    def request_each(self, payloads: Mapping[str, bytes]) -> dict[str, bytes]:
        return self._run({ecu: payload for ecu, payload in payloads.items()})

    def _run(self, payloads: Mapping[str | None, bytes]) -> dict[str, bytes]:
        with self._lock:
            lines = plan_requests(payloads, self.responders, self.extended)
            answers: dict[str, bytes] = {}
            try:
                for line in lines:
                    if line.startswith("AT"):
                        self._setting(line)
                    else:
                        answers.update(self._ask(line))
            except (AdapterVanished, DeviceTimeout):
                raise
            except AdapterError:
                if lines[-1].startswith("AT"):  # it was addressed physically: undo that first
                    for line in functional_addressing(self.extended):
                        self._setting(line)
                raise
        if None in payloads:
            self.responders |= set(answers)
            return answers
        return {ecu: data for ecu, data in answers.items() if ecu in payloads}

    def _setting(self, line: str) -> None:
        answer = self._command(line, self.timeout)
        if "?" in answer:
            refused = answer.strip(" \r\n>")
            raise AdapterError(f"adapter refused {line}: {refused!r}")

    def _ask(self, line: str) -> dict[str, bytes]:
        reply = parse_elm_reply(self._command(line, self.timeout), line)
        if reply.status == "?":
            raise AdapterError(f"adapter did not understand {line}")
        if reply.status in NO_VEHICLE:
            raise NoVehicleResponse(f"adapter says {reply.status} for {line}")
        if reply.status in ADAPTER_FAULTS:
            raise AdapterError(f"adapter fault {reply.status} on {line}")
        try:
            return assemble(reply.frames)
        except DecodeError as err:
            log.warning("garbled reply to %s: %s", line, err)
            return {}

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
