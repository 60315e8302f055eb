"""Runs a vehicle profile on a python-can bus: one can-isotp link per simulated ECU.

Physical requests arrive through each ECU's can-isotp stack (which also handles
the tester's flow control for long replies); functional requests are single
frames by the standard and are picked up by one bus listener for all ECUs.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from drivers.ecu_sim.broadcast import Broadcaster
from drivers.ecu_sim.model import SimulatedEcu, VehicleProfile, load_profile
from drivers.errors import DriverError, DriverUnavailable
from drivers.running import Running

log = logging.getLogger(__name__)

ISOTP_PARAMS = {
    "stmin": 0,
    "blocksize": 0,
    "tx_padding": 0xAA,
    "tx_data_length": 8,
    # lenient beyond ISO 15765-2's 1000 ms: a loaded test machine may be slow to answer
    "rx_flowcontrol_timeout": 5000,
    "rx_consecutive_frame_timeout": 5000,
    "blocking_send": False,
}


class EcuSimulator(Running):
    """A simulated vehicle on `bus` (give it its own bus object on the shared channel).

    Use as a context manager or call start()/stop(); it runs in background threads.
    With `broadcast` it also sends the car's periodic frames (see `broadcast.py`);
    off by default, as a scan neither needs nor wants the extra traffic.
    """

    def __init__(
        self,
        bus: Any,
        profile: VehicleProfile | str,
        *,
        own_bus: bool = False,
        broadcast: bool = False,
    ) -> None:
        self.bus = bus
        self.profile = load_profile(profile) if isinstance(profile, str) else profile
        self.own_bus = own_bus
        self.broadcaster: Broadcaster | None = None
        self._broadcast = broadcast
        self._notifier: Any = None
        self._stacks: list[tuple[SimulatedEcu, Any]] = []
        self._threads: list[threading.Thread] = []
        self._timers: list[threading.Timer] = []
        self._running = threading.Event()

    @classmethod
    def open(
        cls,
        interface: str,
        channel: str,
        profile: str,
        bitrate: int | None = None,
        *,
        broadcast: bool = False,
    ) -> EcuSimulator:
        from drivers.can_bus import open_bus

        loaded = load_profile(profile)
        bus = open_bus(interface, channel, bitrate or loaded.bitrate)
        return cls(bus, loaded, own_bus=True, broadcast=broadcast)

    @property
    def ecus(self) -> list[SimulatedEcu]:
        return self.profile.ecus

    @property
    def functional_id(self) -> int:
        return 0x18DB33F1 if self.profile.extended else 0x7DF

    def start(self) -> EcuSimulator:
        try:
            import can
            import isotp
        except ImportError as err:
            raise DriverUnavailable(
                f"the ECU simulator needs python-can and can-isotp: {err}",
                key="sim.needs",
                library="python-can, can-isotp",
                reason=str(err),
            ) from err
        mode = (
            isotp.AddressingMode.Normal_29bits
            if self.profile.extended
            else isotp.AddressingMode.Normal_11bits
        )
        self._notifier = can.Notifier(self.bus, [self._on_frame], timeout=0.05)
        self._running.set()
        for ecu in self.ecus:
            address = isotp.Address(mode, txid=ecu.response_id, rxid=ecu.request_id)
            stack = isotp.NotifierBasedCanStack(
                self.bus,
                self._notifier,
                address=address,
                params=dict(ISOTP_PARAMS),
                error_handler=self._isotp_error,
            )
            stack.start()
            self._stacks.append((ecu, stack))
            thread = threading.Thread(target=self._serve_physical, args=(ecu, stack), daemon=True)
            thread.start()
            self._threads.append(thread)
        if self._broadcast:
            self.broadcaster = Broadcaster(self.bus, self.profile).start()
        log.info("ECU simulator %s running with %d ECUs", self.profile.name, len(self.ecus))
        return self

    def stop(self) -> None:
        self._running.clear()
        if self.broadcaster is not None:
            self.broadcaster.stop()
        for timer in self._timers:
            timer.cancel()
        for thread in self._threads:
            thread.join(timeout=2)
        for _ecu, stack in self._stacks:
            stack.stop()
        if self._notifier is not None:
            self._notifier.stop()
            self._notifier = None
        self._stacks.clear()
        self._threads.clear()
        if self.own_bus:
            self.bus.shutdown()

    def _isotp_error(self, error: Exception) -> None:
        log.debug("simulator ISO-TP: %s", error)

    def _serve_physical(self, ecu: SimulatedEcu, stack: Any) -> None:
        while self._running.is_set():
            payload = stack.recv(block=True, timeout=0.1)
            if payload is not None:
                self._reply(ecu, stack, bytes(payload), functional=False)

    def _on_frame(self, message: Any) -> None:
        if not self._running.is_set() or message.is_error_frame:
            return
        if (
            message.arbitration_id != self.functional_id
            or bool(message.is_extended_id) != self.profile.extended
        ):
            return
        data = bytes(message.data)
        if not data or data[0] >> 4 != 0 or not 1 <= data[0] <= len(data) - 1:
            return
        payload = data[1 : 1 + data[0]]
        for ecu, stack in self._stacks:
            self._reply(ecu, stack, payload, functional=True)

    def _reply(self, ecu: SimulatedEcu, stack: Any, payload: bytes, functional: bool) -> None:
        try:
            reply = ecu.answer(payload, functional)
        except DriverError as err:
            log.warning("simulated ECU %s cannot answer %s: %s", ecu.name, payload.hex(), err)
            return
        if reply is None:
            return
        if ecu.reply_delay:
            self._later(ecu.reply_delay, stack, reply)
            return
        delay = ecu.slow_services.get(payload[0])
        if delay and reply[0] != 0x7F:
            stack.send(bytes((0x7F, payload[0], 0x78)))
            self._later(delay, stack, reply)
            return
        stack.send(reply)

    def _later(self, delay: float, stack: Any, reply: bytes) -> None:
        self._timers = [timer for timer in self._timers if timer.is_alive()]
        timer = threading.Timer(delay, self._send_late, args=(stack, reply))
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def _send_late(self, stack: Any, reply: bytes) -> None:
        if self._running.is_set():
            stack.send(reply)
