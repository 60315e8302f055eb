"""The ELM327 driver against ELM327-emulator behind adapters that misbehave as real ones do.

Every scenario asserts the same three things: no code lost, none invented, and the
scan incomplete exactly when something was not read (and then saying what).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from drivers.obd.elm import connect_elm
from drivers.obd.scan import ScanResult, scan_vehicle
from tests.drivers.obd_adapter_shim import Car, Quirks, QuirkyAdapter, emulated_car

CAR = Car(
    {
        "7E8": {"03": ["P0143", "P0300"], "07": ["P0420"], "0A": ["P0143"]},
        "7E9": {"03": ["P0700"], "07": ["U0100"], "0A": []},
    }
)


# the emulator's table answers 09 02 with these in turn
EMULATOR_VINS = {"WP0ZZZ99ZTS390000", "MAT403096BNL00000", "SB1ZS3JE60E282102"}


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    with emulated_car(CAR) as port:
        yield port


def _scan(emulator: str, quirks: Quirks) -> tuple[ScanResult, QuirkyAdapter]:
    with (
        QuirkyAdapter(emulator, quirks) as adapter,
        connect_elm(adapter.port, 38400, timeout=3.0) as link,
    ):
        return scan_vehicle(link), adapter


def _found(result: ScanResult) -> set[tuple[str, str, str]]:
    return {(ecu.id, code.kind, code.code) for ecu in result.ecus for code in ecu.dtcs}


RECOVERABLE = {
    "plain": Quirks(),
    "echo and linefeeds stuck on": Quirks(echo=True, linefeeds=True),
    "SEARCHING and BUS INIT": Quirks(searching=True, bus_init=True),
    "CAN ERROR once": Quirks(once={"03": "CAN ERROR", "0100": "CAN ERROR"}),
    "BUS BUSY once": Quirks(once={"07": "BUS BUSY", "0A": "BUS BUSY\r7E8024A00"}),
    "? once on every service": Quirks(once={r: "?" for r in ("03", "07", "0A", "0902", "0101")}),
    "count digit refused": Quirks(count_digit_refused=True),
    "strict line counting": Quirks(strict_count=True),
    "truncated lines": Quirks(truncate_once={"03": "7E9", "07": "7E8"}),
    "slow adapter": Quirks(slow=0.002),
    "everything at once": Quirks(
        echo=True,
        linefeeds=True,
        searching=True,
        count_digit_refused=True,
        strict_count=True,
        once={"03": "BUS BUSY"},
        truncate_once={"07": "7E9"},
    ),
}


@pytest.mark.parametrize("name", RECOVERABLE)
def test_a_recoverable_quirk_loses_and_invents_nothing(emulator: str, name: str) -> None:
    result, adapter = _scan(emulator, RECOVERABLE[name])
    assert _found(result) == CAR.all_codes()
    assert not result.incomplete, result.reasons
    assert result.vin in EMULATOR_VINS
    assert [e.id for e in result.ecus] == ["7E8", "7E9"]
    assert len(result.ecus[0].pids) >= 30
    assert "ATCRA" not in adapter.requests


def test_an_ecu_silent_on_stored_codes_marks_exactly_that_unread(emulator: str) -> None:
    result, _adapter = _scan(emulator, Quirks(silent={"7E9": {"03"}}))
    assert _found(result) == CAR.all_codes() - {("7E9", "stored", "P0700")}
    assert result.incomplete
    assert [(r["ecu"], r["service"], r["status"]) for r in result.reasons] == [
        ("7E9", "03", "no_answer")
    ]


def test_a_request_the_adapter_never_understands_is_unread_for_every_ecu(emulator: str) -> None:
    result, _adapter = _scan(emulator, Quirks(always={"0A": "?"}))
    assert _found(result) == {c for c in CAR.all_codes() if c[1] != "permanent"}
    assert result.incomplete
    assert {(r["ecu"], r["service"], r["status"]) for r in result.reasons} == {
        ("7E8", "0A", "adapter_error"),
        ("7E9", "0A", "adapter_error"),
    }


def test_a_line_truncated_every_time_costs_that_ecus_reply_only(emulator: str) -> None:
    result, _adapter = _scan(emulator, Quirks(always={"07": "7E8 03 47 04 20\r7E9 03 47 C1"}))
    assert _found(result) == CAR.all_codes() - {("7E9", "pending", "U0100")}
    assert [(r["ecu"], r["service"], r["status"]) for r in result.reasons] == [
        ("7E9", "07", "adapter_error")
    ]
