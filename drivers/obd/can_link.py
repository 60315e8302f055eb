"""OBD-II on native CAN (ISO 15765-4): functional and physical requests, one reassembly per ECU."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from drivers.errors import AdapterVanished, DecodeError, NoVehicleResponse
from drivers.obd.isotp import FLOW_CONTROL_CONTINUE, Reassembler, single_frame
from drivers.obd.link import ObdLink, is_response_pending

log = logging.getLogger(__name__)

FrameHook = Callable[[Any], None]
# Seconds of response window per frame of a probe burst: the other side works through
# the burst before it answers, slower behind a serial (slcan) adapter.
PROBE_MARGIN = 0.0001
SERIAL_PROBE_MARGIN = 0.0005
SERIAL_INTERFACES = ("slcan", "serial", "robotell", "seeedstudio")
# A simulated bus (python-can's in-process `virtual`, a kernel vcan, slcan on a pty pair)
# has no timing of its own: the simulator's threads answer when the machine gives them
# time, which on a loaded machine is well past P2. There a request listens for up to a
# second, but a broadcast request ends shortly after every ECU known to answer has done so.
SIMULATED_TIMING: dict[str, float | None] = {
    "p2": 1.0,
    "physical_timeout": 1.5,
    "consecutive_timeout": 2.0,
    "probe_margin": 0.004,
    "settle": 0.02,
}
# On a simulated bus, a request whose answering ECUs are not known yet listens at least
# this long after the last reply.
QUIET_AFTER_UNKNOWN = 0.25
# How often the protocol search asks again on a bitrate where an ECU's reply came late.
LATE_ASKS = 3
# The windows of a real bus (see CanObdLink): what a benchmark of native timings uses.
REAL_BUS_TIMING: dict[str, float | None] = {
    "p2": 0.075,
    "physical_timeout": 0.25,
    "probe_margin": PROBE_MARGIN,
    "settle": None,
}


@dataclass(frozen=True)
class CanAddressing:
    """The ISO 15765-4 identifiers of one of its two addressing schemes."""

    extended: bool
    functional_id: int

    def is_response(self, arbitration_id: int, extended: bool) -> bool:
        if extended != self.extended:
            return False
        if self.extended:
            return arbitration_id & 0x1FFFFF00 == 0x18DAF100
        return 0x7E8 <= arbitration_id <= 0x7EF

    def request_id(self, response_id: int) -> int:
        """The physical request id an ECU listens on, from the id it answers with."""
        if self.extended:
            return 0x18DA00F1 | ((response_id & 0xFF) << 8)
        return response_id - 8

    def name(self, response_id: int) -> str:
        return f"{response_id:08X}" if self.extended else f"{response_id:03X}"

    def response_id(self, name: str) -> int:
        return int(name, 16)


# UDS services whose positive reply repeats the request's first bytes after the service
# (ISO 14229-1): the sub-function, or the data identifier.
ECHOED_BYTES = {0x19: 1, 0x22: 2}


def answers_service(reply: bytes, request: bytes) -> bool:
    """Whether a reply is to `request`: positive (service + 0x40, with the sub-function or
    identifier echoed where UDS echoes it) or refused (7F service). A late reply to an
    earlier question for another identifier is not taken for this one's."""
    service = request[0]
    if reply[:2] == bytes((0x7F, service)):
        return True
    echoed = ECHOED_BYTES.get(service, 0)
    return (
        reply[:1] == bytes((service + 0x40,)) and reply[1 : 1 + echoed] == request[1 : 1 + echoed]
    )


ELEVEN_BIT = CanAddressing(extended=False, functional_id=0x7DF)
TWENTY_NINE_BIT = CanAddressing(extended=True, functional_id=0x18DB33F1)


class CanObdLink(ObdLink):
    """ISO 15765-4 tester on a python-can bus.

    A functional request waits the whole response window because any ECU may
    answer: P2 (50 ms) plus 25 ms for the bus and the adapter, so an ECU a little
    late on its P2 is still heard; physical requests end as soon as every addressed ECU
    answered. Multi-frame replies get a flow control to the ECU's own request id,
    and "response pending" (NRC 0x78) extends that ECU's wait to P2*.

    With `settle` (simulated buses, see `SIMULATED_TIMING`) the window is a limit
    rather than a wait: a functional request or probe ends `settle` seconds after
    every ECU that answered such a request before has answered again.
    """

    def __init__(
        self,
        bus: Any,
        addressing: CanAddressing = ELEVEN_BIT,
        *,
        bitrate: int | None = None,
        p2: float = 0.075,
        p2_star: float = 5.0,
        physical_timeout: float = 0.25,
        consecutive_timeout: float = 1.0,
        on_frame: FrameHook | None = None,
        own_bus: bool = True,
        probe_margin: float = PROBE_MARGIN,
        settle: float | None = None,
    ) -> None:
        self.bus = bus
        self.addressing = addressing
        self.p2 = p2
        self.p2_star = p2_star
        self.physical_timeout = physical_timeout
        self.consecutive_timeout = consecutive_timeout
        self.on_frame = on_frame
        self.own_bus = own_bus
        self.probe_margin = probe_margin
        self.settle = settle
        # ECUs that answered a functional request, and every id that answered anything
        self.responders: set[str] = set()
        self.heard: set[str] = set()
        self._functional_last = False
        rate = f"/{bitrate // 1000}" if bitrate else ""
        bits = "29" if addressing.extended else "11"
        self.protocol = f"ISO 15765-4 CAN {bits}-bit{rate}"
        self._lock = threading.Lock()
        self.last_faults: dict[str, str] = {}

    # --- I/O edges -------------------------------------------------------------
    def _send(self, arbitration_id: int, data: bytes) -> None:
        import can

        message = can.Message(
            arbitration_id=arbitration_id, data=data, is_extended_id=self.addressing.extended
        )
        try:
            self.bus.send(message, timeout=0.2)
        except (can.CanError, OSError, ValueError) as err:
            raise AdapterVanished(
                f"CAN bus refused a frame: {err}", key="can.refused_frame", reason=str(err)
            ) from err
        if self.on_frame is not None:
            self.on_frame(message)

    def _recv(self, timeout: float) -> Any:
        import can

        try:
            message = self.bus.recv(timeout=max(timeout, 0.0))
        except (can.CanError, OSError, ValueError, AttributeError, TypeError) as err:
            raise AdapterVanished(
                f"CAN bus went away: {err}", key="can.vanished", reason=str(err)
            ) from err
        if message is not None and self.on_frame is not None:
            self.on_frame(message)
        return message

    def _drain(self) -> None:
        """Drops what came after the last request's window; an ECU answering a functional
        request that late is known from now on, so the next one waits for it."""
        while (message := self._recv(0.0)) is not None:
            extended = bool(message.is_extended_id)
            if (
                self._functional_last
                and not message.is_error_frame
                and self.addressing.is_response(message.arbitration_id, extended)
            ):
                late = self.addressing.name(message.arbitration_id)
                if late not in self.responders:
                    log.info("ECU %s answered after the window; waited for from now on", late)
                    self.responders.add(late)

    # --- requests --------------------------------------------------------------
    def request(self, payload: bytes, ecus: Collection[str] | None = None) -> dict[str, bytes]:
        if ecus is None:
            return self._exchange({None: payload})
        return self._exchange(dict.fromkeys(ecus, payload))

    def request_each(self, payloads: Mapping[str, bytes]) -> dict[str, bytes]:
        targets: dict[str | None, bytes] = {ecu: payload for ecu, payload in payloads.items()}
        return self._exchange(targets)

    def probe(
        self, ecus: Collection[str], payload: bytes, functional: bytes | None = None
    ) -> dict[str, bytes]:
        """The same request to many possible ECUs at once, answered within one response
        window: how a full-system scan finds modules that do not speak OBD. With
        `functional`, that request goes to every OBD ECU in the same window."""
        targets: dict[str | None, bytes] = {} if functional is None else {None: functional}
        targets.update(dict.fromkeys(ecus, payload))
        known = self.heard & set(ecus)
        if functional is not None:
            known |= self.responders
        # the other side works through the burst before it answers: a little longer per
        # frame; on a simulated bus a probe with no module known yet waits it all out
        # (the modules answer one by one, as the machine lets the simulator work)
        window = self.p2 + self.probe_margin * len(targets)
        return self._exchange(targets, window, known, quiet=window)

    def _exchange(
        self,
        payloads: Mapping[str | None, bytes],
        window: float | None = None,
        known: set[str] | None = None,
        quiet: float = 0.0,
    ) -> dict[str, bytes]:
        frames = {key: single_frame(value) for key, value in payloads.items()}
        with self._lock:
            self._drain()
            functional = None in frames
            expected = {name for name in frames if name is not None}
            for name, frame in frames.items():
                target = (
                    self.addressing.functional_id
                    if name is None
                    else self.addressing.request_id(self.addressing.response_id(name))
                )
                self._send(target, frame)
            asked = dict(payloads)
            if known is None:
                known = set(self.responders) if functional else set()
            answers = self._collect(functional, expected, window, asked, known, quiet)
            self._functional_last = functional
        if functional:
            self.responders |= set(answers)
        self.heard |= set(answers)
        return answers

    def _collect(
        self,
        functional: bool,
        expected: set[str],
        window: float | None = None,
        asked: Mapping[str | None, bytes] | None = None,
        known: set[str] | None = None,
        quiet: float = 0.0,
    ) -> dict[str, bytes]:
        started = time.monotonic()
        if window is None:
            window = self.p2 if functional else self.physical_timeout
        window_end = started + window
        answers: dict[str, bytes] = {}
        partial: dict[str, Reassembler] = {}
        ecu_deadline: dict[str, float] = {}
        last_answer = started
        first_latency = 0.0
        known = known or set()
        self.last_faults = {}
        while True:
            now = time.monotonic()
            waiting_for = [ecu for ecu in expected if ecu not in answers]
            in_progress = any(r.in_progress for r in partial.values())
            if not functional and not waiting_for and not in_progress:
                break
            deadline = window_end
            for ecu, until in ecu_deadline.items():
                if ecu not in answers:
                    deadline = max(deadline, until)
            if (
                self.settle is not None
                and answers
                and known.issubset(answers)
                and all(ecu in answers for ecu in ecu_deadline)
                and not in_progress
            ):
                deadline = min(deadline, last_answer + self._quiet(known, first_latency, quiet))
            if now >= deadline:
                break
            message = self._recv(deadline - now)
            if message is None:
                continue
            if message.is_error_frame or bool(message.is_extended_id) != self.addressing.extended:
                continue
            ecu = self.addressing.name(message.arbitration_id)
            if (
                functional
                and ecu not in expected
                and not self.addressing.is_response(
                    message.arbitration_id, bool(message.is_extended_id)
                )
            ):
                continue
            if not functional and ecu not in expected:
                continue
            reassembler = partial.setdefault(ecu, Reassembler())
            try:
                status, data = reassembler.feed(bytes(message.data))
            except DecodeError as err:
                log.warning("ECU %s sent a broken reply: %s", ecu, err)
                self.last_faults[ecu] = f"broken reply: {err}"
                ecu_deadline.pop(ecu, None)
                continue
            if status == "flow_control":
                self._send(
                    self.addressing.request_id(message.arbitration_id), FLOW_CONTROL_CONTINUE
                )
                ecu_deadline[ecu] = time.monotonic() + self.consecutive_timeout
            elif status == "pending":
                ecu_deadline[ecu] = time.monotonic() + self.consecutive_timeout
            elif status == "complete":
                if is_response_pending(data):
                    ecu_deadline[ecu] = time.monotonic() + self.p2_star
                    continue
                request = (asked or {}).get(ecu if ecu in expected else None)
                if request is not None and not answers_service(data, request):
                    log.info(
                        "ECU %s: late reply %s to an earlier request left out", ecu, data.hex()
                    )
                    continue
                last_answer = time.monotonic()
                if not answers:
                    first_latency = last_answer - started
                answers[ecu] = data
                self.last_faults.pop(ecu, None)
        return answers

    def hear_late_replies(self) -> None:
        """Listens one more response window for replies that missed their request's."""
        with self._lock:
            self._collect(True, set(), self.p2)

    def _quiet(self, known: set[str], first_latency: float, floor: float) -> float:
        """How long a simulated bus listens on after the last reply once every known ECU
        answered: briefly; when none is known (the first request), until it has been
        quiet for twice the first reply's delay (at least `floor`; a probe's floor is its
        whole window), so a loaded machine is waited for."""
        settle = self.settle or 0.0
        if known:
            return settle
        return max(QUIET_AFTER_UNKNOWN, floor, settle, 2 * first_latency)

    def close(self) -> None:
        if self.own_bus:
            try:
                self.bus.shutdown()
            except Exception as err:  # shutting down a vanished adapter may fail in any way
                log.debug("closing the CAN bus failed: %s", err)


def is_simulated(interface: str, channel: str) -> bool:
    """Whether the bus is a simulation with no timing of its own: python-can's `virtual`,
    a kernel vcan, or a serial CAN adapter's protocol on a pseudo-terminal (a socat pair:
    a real adapter is a USB serial port)."""
    from drivers.can_bus import is_pseudo_terminal

    if interface == "virtual":
        return True
    if interface == "socketcan":
        return channel.startswith("vcan")
    return interface in SERIAL_INTERFACES and is_pseudo_terminal(channel)


def _reply_watch(heard: set[bool], on_frame: FrameHook | None) -> FrameHook:
    """A frame hook noting the addressing (extended or not) of every OBD reply frame seen."""

    def watch(message: Any) -> None:
        extended = bool(message.is_extended_id)
        addressing = TWENTY_NINE_BIT if extended else ELEVEN_BIT
        if not message.is_error_frame and addressing.is_response(message.arbitration_id, extended):
            heard.add(extended)
        if on_frame is not None:
            on_frame(message)

    return watch


def connect_can(
    interface: str,
    channel: str,
    bitrate: int | None = None,
    *,
    on_frame: FrameHook | None = None,
    bus_options: dict[str, Any] | None = None,
    **link_options: Any,
) -> CanObdLink:
    """Open the bus and find the protocol: 11-bit then 29-bit, at 500 then 250 kbit/s.

    The first combination on which an ECU answers "01 00" wins. A virtual or
    already configured socketcan bus has no bitrate of its own to try. A simulated
    bus listens with `SIMULATED_TIMING`, a real one with the standard's windows.
    """
    from drivers.can_bus import open_bus

    if is_simulated(interface, channel):
        link_options = {**SIMULATED_TIMING, **link_options}
    fixed_rate = interface in ("virtual", "socketcan")
    rates: list[int | None] = [bitrate] if bitrate or fixed_rate else [500_000, 250_000]
    margin = SERIAL_PROBE_MARGIN if interface in SERIAL_INTERFACES else PROBE_MARGIN
    options = {"probe_margin": margin, **link_options}
    for rate in rates:
        bus = open_bus(interface, channel, rate, **(bus_options or {}))
        heard: set[bool] = set()
        hook = _reply_watch(heard, on_frame)
        found: dict[str, Any] = {"bitrate": rate or None, "on_frame": hook, **options}
        try:
            # asked twice: ECUs waking up (or a simulator just started) miss the first
            for addressing in (ELEVEN_BIT, TWENTY_NINE_BIT):
                link = CanObdLink(bus, addressing, **found)
                if link.request(b"\x01\x00") or link.request(b"\x01\x00"):
                    log.info("vehicle answers on %s", link.protocol)
                    return link
            # a reply heard after its window still places the vehicle on this bitrate
            # (at a wrong one an adapter hears no frame at all): a slow vehicle, or a
            # loaded machine, is asked again here rather than found at the next bitrate
            link.hear_late_replies()
            for addressing in (ELEVEN_BIT, TWENTY_NINE_BIT):
                if addressing.extended not in heard:
                    continue
                link = CanObdLink(bus, addressing, **found)
                for _ in range(LATE_ASKS):
                    if link.request(b"\x01\x00"):
                        log.info("vehicle answers late on %s", link.protocol)
                        return link
        except AdapterVanished:
            bus.shutdown()
            raise
        bus.shutdown()
    raise NoVehicleResponse(
        f"no ECU answered on CAN {interface} {channel} (11/29-bit, 500/250 kbit/s)",
        key="can.no_vehicle",
        interface=interface,
        channel=channel,
    )
