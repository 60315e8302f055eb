"""ELM327 / STN serial adapters: the same `ObdLink` as native CAN, over AT commands.

`parse_elm_reply` is pure: the text between a command and the `>` prompt, to
frames per ECU header, the adapter's status messages and the lines it could not
make sense of. Headers are kept on (ATH1) so replies from several ECUs can be
told apart; CAN replies are reassembled with the same ISO-TP state machine the
CAN link uses. `plan_requests` is pure too: which lines a request becomes.

Real adapters and their clones differ: some echo or add linefeeds whatever they
are told, some refuse the reply-count digit or a command newer than their
firmware, and any of them may print BUS BUSY, a truncated line or a reset
banner in the middle of a reply. A bad line costs that line (and the ECU it
came from is told as such in `last_faults`), never the whole request.
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
# (setting, needed): adapters older than the command's firmware refuse the optional ones.
SETUP_COMMANDS = (
    ("ATE0", False),
    ("ATL0", False),
    ("ATS0", False),
    ("ATH1", True),
    ("ATAT1", False),
    ("ATAR", False),
)
# Lines an adapter prints while working that carry no data.
NOISE = ("OK", "SEARCHING...", "BUS INIT: ...", "BUS INIT: ...OK", "BUS INIT...OK")
NO_ANSWER = "NO DATA"
# Passing trouble on the bus or in the adapter: worth asking once more.
TRANSIENT = (
    "BUS BUSY",
    "CAN ERROR",
    "BUS ERROR",
    "DATA ERROR",
    "<DATA ERROR",
    "<RX ERROR",
    "RX ERROR",
    "BUFFER FULL",
    "FB ERROR",
    "STOPPED",
    "OUT OF MEMORY",
    "LP ALERT",
    "ACT ALERT",
    "UNABLE TO CONNECT",
    "BUS INIT: ...ERROR",
    "BUS INIT:ERROR",
    "BUS INIT: ERROR",
)
# The adapter restarted (low voltage, internal error): its settings are gone.
RESET = ("LV RESET", "ELM327", "STN1", "STN2", "ERR9", "OBDLINK", "OBDII")
PROTOCOLS = {
    "1": "SAE J1850 PWM",
    "2": "SAE J1850 VPW",
    "3": "ISO 9141-2",
    "4": "ISO 14230-4 KWP (5 baud init)",
    "5": "ISO 14230-4 KWP (fast init)",
    "6": "ISO 15765-4 CAN 11-bit/500",
    "7": "ISO 15765-4 CAN 29-bit/500",
    "8": "ISO 15765-4 CAN 11-bit/250",
    "9": "ISO 15765-4 CAN 29-bit/250",
}
EXTENDED_PROTOCOLS = ("7", "9")
LEGACY_PROTOCOLS = ("1", "2", "3", "4", "5")
FUNCTIONAL_11 = "7DF"
FUNCTIONAL_29 = "DB33F1"


@dataclass
class ElmReply:
    """One reply: frames in arrival order as (header, data bytes), the adapter's status
    messages, and the lines that were neither (with their header when it was readable)."""

    frames: list[tuple[str, bytes]] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    garbled: list[tuple[str | None, str]] = field(default_factory=list)
    searched: bool = False

    @property
    def status(self) -> str | None:
        """The last status message, if any (the one that ended the reply)."""
        return self.statuses[-1] if self.statuses else None


def _header_digits(compact: str) -> int:
    """Without knowing the protocol: 11-bit CAN headers make the line's length odd."""
    return 3 if len(compact) % 2 else 8


def _frame_line(line: str, digits: int | None, legacy: bool) -> tuple[str, bytes]:
    compact = line.replace(" ", "")
    width = digits or _header_digits(compact)
    header, body = compact[:width], compact[width:]
    try:
        int(header, 16)
    except ValueError as err:
        raise DecodeError(f"adapter line is not a frame: {line!r}") from err
    try:
        data = bytes.fromhex(body)
    except ValueError as err:
        raise DecodeError(f"frame from {header} is cut or garbled: {line!r}") from err
    if legacy:
        data = data[:-1]  # the checksum byte the adapter shows with headers on
        header = header[-2:]  # the ECU's own address is the header's last byte
    if not data or len(data) > 8:
        raise DecodeError(f"frame from {header} has {len(data)} data bytes: {line!r}")
    return header.upper(), data


def _readable_header(line: str, digits: int | None, legacy: bool) -> str | None:
    compact = line.replace(" ", "")
    width = digits or _header_digits(compact)
    header = compact[:width]
    if len(header) != width or any(c not in "0123456789ABCDEF" for c in header):
        return None
    return header[-2:] if legacy else header


def _status_of(line: str) -> str | None:
    if line == "?" or line == NO_ANSWER:
        return line
    for status in TRANSIENT:
        if line.startswith(status):
            return status
    if "ERROR" in line:
        return line
    for banner in RESET:
        if line.startswith(banner):
            return "LV RESET"
    return None


def parse_elm_reply(
    text: str, command: str | None = None, *, header_digits: int | None = None, legacy: bool = False
) -> ElmReply:
    """The adapter's text for one command (headers on) to frames and statuses; pure.

    `header_digits` is 3 or 8 for 11- or 29-bit CAN (guessed per line when not
    given) and 6 for the three header bytes of J1850 and K-line (`legacy`), whose
    lines also end in a checksum byte. Echo, linefeeds and spaces are tolerated.
    """
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
        status = _status_of(line)
        if status is not None:
            reply.statuses.append(status)
            if status in ("<DATA ERROR", "<RX ERROR") or line.endswith(status):
                # the adapter marks a bad line by appending the message to it
                header = _readable_header(line, header_digits, legacy)
                if header is not None:
                    reply.garbled.append((header, line))
            continue
        try:
            reply.frames.append(_frame_line(line, header_digits, legacy))
        except DecodeError:
            reply.garbled.append((_readable_header(line, header_digits, legacy), line))
    return reply


def assemble(frames: list[tuple[str, bytes]]) -> dict[str, bytes]:
    """Complete ISO-TP messages per ECU header; raises DecodeError on a broken frame.
    `assemble_tolerant` is the scan's version, which keeps the other ECUs' replies."""
    answers, broken = assemble_tolerant(frames)
    if broken:
        raise DecodeError(next(iter(broken.values())))
    return answers


def assemble_tolerant(frames: list[tuple[str, bytes]]) -> tuple[dict[str, bytes], dict[str, str]]:
    """Complete ISO-TP messages per ECU header, and what was broken per header.

    "Response pending" replies are left out; a broken frame costs only its ECU's
    reply, and a reply whose frames stopped before the announced length is broken too.
    """
    partial: dict[str, Reassembler] = {}
    answers: dict[str, bytes] = {}
    broken: dict[str, str] = {}
    for header, frame in frames:
        reassembler = partial.setdefault(header, Reassembler())
        try:
            status, payload = reassembler.feed(frame)
        except DecodeError as err:
            broken[header] = str(err)
            continue
        if status == "complete" and not is_response_pending(payload):
            answers[header] = payload
            broken.pop(header, None)
    for header, reassembler in partial.items():
        if reassembler.in_progress:
            broken[header] = "multi-frame reply stopped before its end"
    return answers, broken


def assemble_legacy(frames: list[tuple[str, bytes]]) -> dict[str, bytes]:
    """J1850 and K-line messages per ECU: one line each, or several for codes and
    vehicle information, joined into the payload a CAN reply would have had
    (services 03/07/0A without a count byte, service 09 with its item count 0)."""
    lines: dict[str, list[bytes]] = {}
    for header, data in frames:
        lines.setdefault(header, []).append(data)
    answers: dict[str, bytes] = {}
    for header, parts in lines.items():
        first = parts[0]
        if len(parts) == 1 and first[:1] != b"\x49":
            answers[header] = first
        elif first[:1] in (b"\x43", b"\x47", b"\x4a"):
            answers[header] = first[:1] + b"".join(part[1:] for part in parts)
        elif first[:1] == b"\x49" and len(first) >= 3 and first[1] not in (0x00, 0x20, 0x40):
            answers[header] = first[:2] + b"\x00" + b"".join(part[3:] for part in parts)
        else:
            answers[header] = first
    return answers


def single_frame_reply(payload: bytes) -> bool:
    """Whether every ECU answers `payload` in one frame: one PID, one freeze-frame PID,
    or a support bitmap. Only then may the reply count go after the request, as the
    ELM327 counts response lines, not messages."""
    if payload[:1] == b"\x01":
        return len(payload) == 2
    if payload[:1] == b"\x02":
        return len(payload) == 3
    if payload[:1] in (b"\x06", b"\x09"):
        return len(payload) == 2 and payload[1] % 0x20 == 0
    return False


def request_line(payload: bytes, replies: int | None) -> str:
    """The hex request, with the number of replies to wait for when every reply is one
    line (saves the adapter's timeout). Without the digit the hex is even in length."""
    text = payload.hex().upper()
    if replies and replies <= 9 and single_frame_reply(payload):
        text += str(replies)
    return text


def request_header(ecu: str) -> str:
    """The header an ECU listens on, from the id it answers with (ATSH takes 3 or 6 digits)."""
    if len(ecu) == 8:
        # 29-bit: the adapter keeps priority 18 (ATCP) and takes the other 3 bytes.
        return f"DA{ecu[6:8]}F1"
    return f"{int(ecu, 16) - 8:03X}"


def plan_requests(
    payloads: Mapping[str | None, bytes],
    responders: Collection[str],
    extended: bool,
    *,
    count_digit: bool = True,
    physical: bool = True,
) -> list[tuple[str, str]]:
    """The (header, request line) pairs one request (or batch) is sent as; pure.

    `None` as the only key asks every ECU for the whole response window. The same
    payload for exactly the ECUs that answer is one functional request, ending
    after that many single-line replies. Anything else is addressed to each ECU
    on its own header, so another ECU's reply cannot end it early; without
    physical addressing (J1850, K-line) it is functional and filtered afterwards.
    """
    functional = FUNCTIONAL_29 if extended else FUNCTIONAL_11
    if None in payloads:
        return [(functional, request_line(payloads[None], None))]
    asked = {ecu for ecu in payloads if ecu is not None}
    if not asked:
        return []
    same = len(set(payloads.values())) == 1
    if same and (asked == set(responders) or not physical):
        count = len(asked) if count_digit and asked == set(responders) else None
        return [(functional, request_line(next(iter(payloads.values())), count))]
    if not physical:
        return [(functional, request_line(payload, None)) for payload in set(payloads.values())]
    return [
        (request_header(ecu), request_line(payload, 1 if count_digit else None))
        for ecu, payload in payloads.items()
        if ecu is not None
    ]


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


def _voltage(text: str) -> float | None:
    value = text.replace(">", "").strip().upper().rstrip("V").strip()
    try:
        return round(float(value.splitlines()[-1] if value else ""), 1)
    except (ValueError, IndexError):
        return None


class ElmObdLink(ObdLink):
    """An ELM327-compatible adapter on a serial port (USB, Bluetooth SPP, pty)."""

    def __init__(self, port: Any, *, timeout: float = 5.0, retries: int = 2) -> None:
        self.port = port
        self.timeout = timeout
        self.retries = retries
        self.protocol = "ELM327"
        self.protocol_number = ""
        self.extended = False
        self.legacy = False
        self.count_digit = True
        self.responders: set[str] = set()
        self.last_faults: dict[str, str] = {}
        self.counted_dtcs = True
        self.identity = ""
        self._header: str | None = None
        self._lock = threading.Lock()

    @property
    def header_digits(self) -> int:
        return 6 if self.legacy else 8 if self.extended else 3

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
                        f"adapter gave no prompt after {text!r} within {timeout:.1f} s",
                        key="elm.timeout",
                        command=text,
                        seconds=f"{timeout:.1f}",
                    )
                buffer += self.port.read(self.port.in_waiting or 1)
        except _port_errors() as err:
            raise AdapterVanished(
                f"ELM327 adapter went away: {err}", key="elm.vanished", reason=str(err)
            ) from err
        return buffer.decode("ascii", errors="replace")

    # --- setup -------------------------------------------------------------------
    def _settings(self) -> None:
        for setting, needed in SETUP_COMMANDS:
            answer = self._command(setting, self.timeout)
            if "?" in answer.replace(setting, ""):
                if needed:
                    raise AdapterError(
                        f"adapter refused {setting}: {answer.strip()!r}",
                        key="elm.refused",
                        command=setting,
                        answer=answer.strip(),
                    )
                log.info("adapter refused %s; working without it", setting)
        if self.extended:
            self._command("ATCP18", self.timeout)
        self._header = None

    def setup(self) -> None:
        """Reset, quiet the adapter, headers on, then find the vehicle's protocol:
        automatic search first (older cars on J1850 or K-line too), then each CAN one."""
        with self._lock:
            # A warm start resets all settings without the power-on LED test of ATZ;
            # adapters too old for it take ATZ.
            answer = self._command("ATWS", 5.0)
            if "?" in answer.replace("ATWS", ""):
                answer = self._command("ATZ", 5.0)
            self.identity = answer.replace(">", "").strip()
            self._settings()
            # CAN 11-bit/500 first (most cars since 2008); "try" lets the adapter search on
            # when the car has another protocol, and ATDPN then says which it found.
            for protocol in ("6", "0", "7", "8", "9"):
                self._command(f"ATSP{protocol}" if protocol == "0" else f"ATTP{protocol}", 5.0)
                text = self._command("0100", 15.0)
                number = protocol
                if protocol == "0" or parse_elm_reply(text, "0100").searched:
                    described = self._command("ATDPN", self.timeout).replace(">", "").strip()
                    number = described.upper().lstrip("A")[-1:]
                    if number not in PROTOCOLS:
                        continue
                self._use_protocol(number)
                reply = parse_elm_reply(
                    text, "0100", header_digits=self.header_digits, legacy=self.legacy
                )
                answers = self._assemble(reply.frames)[0]
                if answers:
                    self.responders = set(answers)
                    log.info("ELM327 talks to the vehicle on %s", self.protocol)
                    return
        raise NoVehicleResponse(
            "the adapter found no vehicle on any protocol", key="elm.no_vehicle"
        )

    def _use_protocol(self, number: str) -> None:
        self.protocol_number = number
        self.protocol = PROTOCOLS.get(number, f"ELM327 protocol {number}")
        self.extended = number in EXTENDED_PROTOCOLS
        self.legacy = number in LEGACY_PROTOCOLS
        self.counted_dtcs = not self.legacy
        if self.extended:
            self._command("ATCP18", self.timeout)
        self._header = None

    def adapter_voltage(self) -> float | None:
        try:
            return _voltage(self.command("ATRV"))
        except (DeviceTimeout, AdapterVanished):
            raise
        except AdapterError as err:
            log.info("adapter voltage unreadable: %s", err)
            return None

    # --- requests ------------------------------------------------------------------
    def request(self, payload: bytes, ecus: Collection[str] | None = None) -> dict[str, bytes]:
        targets: dict[str | None, bytes] = (
            {None: payload} if ecus is None else dict.fromkeys(ecus, payload)
        )
        return self._run(targets)

    def request_each(self, payloads: Mapping[str, bytes]) -> dict[str, bytes]:
        return self._run({ecu: payload for ecu, payload in payloads.items()})

    def _run(self, payloads: Mapping[str | None, bytes]) -> dict[str, bytes]:
        with self._lock:
            plan = plan_requests(
                payloads,
                self.responders,
                self.extended,
                count_digit=self.count_digit,
                physical=not self.legacy,
            )
            answers: dict[str, bytes] = {}
            faults: dict[str, str] = {}
            for header, line in plan:
                got, trouble = self._ask(header, line)
                answers.update(got)
                faults.update(trouble)
        if None in payloads:
            self.responders |= set(answers)
            self.last_faults = faults
            return answers
        self.last_faults = {e: t for e, t in faults.items() if e in payloads or e == ""}
        return {ecu: data for ecu, data in answers.items() if ecu in payloads}

    def _use_header(self, header: str) -> None:
        if self.legacy or header == self._header:
            return
        answer = self._command(f"ATSH{header}", self.timeout)
        if "?" in answer.replace(f"ATSH{header}", ""):
            raise AdapterError(
                f"adapter refused ATSH{header}",
                key="elm.refused",
                command=f"ATSH{header}",
                answer=answer.strip(),
            )
        self._header = header

    def _assemble(self, frames: list[tuple[str, bytes]]) -> tuple[dict[str, bytes], dict[str, str]]:
        if self.legacy:
            return assemble_legacy(frames), {}
        return assemble_tolerant(frames)

    def _ask(self, header: str, line: str) -> tuple[dict[str, bytes], dict[str, str]]:
        """One request line, asked again on a passing fault, or without the count digit
        on `?`. Returns the replies and, per ECU header ("" for all), what went wrong."""
        answers: dict[str, bytes] = {}
        faults: dict[str, str] = {}
        attempt = 0
        while True:
            faults = {}
            try:
                self._use_header(header)
            except (DeviceTimeout, AdapterVanished):
                raise
            except AdapterError as err:
                return answers, {"": str(err)}
            text = self._command(line, self.timeout)
            reply = parse_elm_reply(
                text, line, header_digits=self.header_digits, legacy=self.legacy
            )
            got, broken = self._assemble(reply.frames)
            answers.update(got)
            for ecu, why in broken.items():
                faults[ecu] = f"unreadable reply: {why}"
            for ecu_header, garbled in reply.garbled:
                faults.setdefault(ecu_header or "", f"unreadable line {garbled!r}")
            if "?" in reply.statuses and len(line) % 2:
                # an odd length is the count digit: this adapter does not take it
                log.info("adapter refused the reply count after %s; asking without", line)
                self.count_digit = False
                line = line[:-1]
                continue
            if "?" in reply.statuses:
                # a line garbled on the serial link reads as `?` too: once more, then give up
                faults[""] = f"adapter did not understand {line}"
                if attempt >= self.retries:
                    break
                attempt += 1
                continue
            if "LV RESET" in reply.statuses and attempt < self.retries:
                log.warning("adapter restarted during %s; setting it up again", line)
                self._settings()
                self._command(f"ATSP{self.protocol_number}", self.timeout)
                attempt += 1
                continue
            trouble = [status for status in reply.statuses if status != NO_ANSWER]
            if trouble:
                faults.setdefault("", f"adapter said {trouble[-1]}")
            if not (trouble or set(faults) - set(answers)) or attempt >= self.retries:
                break
            log.info("trouble on %s (%s); asking again", line, trouble or faults)
            attempt += 1
            time.sleep(0.02 * attempt)
        return answers, {ecu: why for ecu, why in faults.items() if ecu not in answers}

    def close(self) -> None:
        try:
            self.port.close()
        except OSError as err:
            log.debug("closing the serial port failed: %s", err)


def _open_serial(port_name: str, baudrate: int, timeout: float) -> Any:
    try:
        import serial
    except ImportError as err:
        raise DriverUnavailable(
            "pyserial is not installed", key="device.library_missing", library="pyserial"
        ) from err
    try:
        return serial.serial_for_url(port_name, baudrate=baudrate, timeout=timeout)
    except (serial.SerialException, OSError, ValueError) as err:
        raise AdapterNotFound(
            f"cannot open serial port {port_name}: {err}",
            key="serial.cannot_open",
            port=port_name,
            reason=str(err),
        ) from err


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
    tried = ", ".join(map(str, rates))
    raise AdapterNotFound(
        f"no ELM327 prompt on {port_name} at {tried} baud",
        key="elm.no_prompt",
        port=port_name,
        rates=tried,
    )


def connect_elm(port_name: str, baudrate: int | None = None, *, timeout: float = 5.0) -> ElmObdLink:
    """Open, reset and set up the adapter; the baud rate is probed when not given."""
    if baudrate is not None and baudrate <= 0:
        raise ValueError(f"baud rate must be positive, not {baudrate}")
    rate = baudrate or probe_baudrate(port_name)
    link = ElmObdLink(_open_serial(port_name, rate, 0.05), timeout=timeout)
    try:
        link.setup()
    except Exception:
        link.close()
        raise
    return link
