"""Decoders of service 01/02 values, readiness and trouble codes, from byte literals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.obd import (
    DecodeError,
    Reading,
    decode_dtcs,
    decode_pid,
    decode_readiness,
    describe_dtc,
)
from drivers.obd.dtc import dtc_to_bytes, known_dtc_count
from drivers.obd.pids import PIDS, supported_pids
from drivers.obd.services import dtc_readings, freeze_frame_cause, parse_dtc_reply


@pytest.mark.parametrize(
    ("pid", "data", "value", "unit"),
    [
        (0x0C, b"\x1a\xf8", 1726.0, "rpm"),
        (0x0D, b"\x3c", 60, "km/h"),
        (0x05, b"\x7b", 83, "°C"),
        (0x04, b"\xff", 100.0, "%"),
        (0x06, b"\x80", 0.0, "%"),
        (0x06, b"\x00", -100.0, "%"),
        (0x10, b"\x01\x90", 4.0, "g/s"),
        (0x0E, b"\x80", 0.0, "°"),
        (0x42, b"\x2d\x50", 11.6, "V"),
        (0x2F, b"\x80", 50.2, "%"),
        (0x3C, b"\x11\x94", 410.0, "°C"),
        (0x5B, b"\xcc", 80.0, "%"),
        (0x5E, b"\x00\x64", 5.0, "L/h"),
        (0x32, b"\xff\xfc", -1.0, "Pa"),
        # J1979-DA: PID 54 is two's complement, 1 Pa per bit (not A*256+B-32767)
        (0x54, b"\xff\xfe", -2, "Pa"),
        (0x54, b"\x80\x00", -32768, "Pa"),
        (0x54, b"\x7f\xff", 32767, "Pa"),
        # PID A4: the gear is in bits 7-4 of byte B when bit 1 of A says it is given
        (0xA4, b"\x02\x30\x0c\x80", 3, None),
        (0xA4, b"\x00\x30\x0c\x80", "not available", None),
        (0xA6, b"\x00\x01\xe2\x40", 12345.6, "km"),
        (0x51, b"\x08", "electric", None),
        (0x1C, b"\x06", "EOBD", None),
        (0x01, b"\x83\x07\xe5\x00", "MIL on, 3 codes", None),
        (0x02, b"\x03\x01", "P0301", None),
    ],
)
def test_known_values_decode_to_metric_readings(
    pid: int, data: bytes, value: object, unit: str | None
) -> None:
    reading = decode_pid(pid, data)
    assert reading.value == value
    assert reading.unit == unit
    assert reading.name


def test_extra_bytes_after_a_value_are_ignored_but_missing_ones_are_an_error() -> None:
    assert decode_pid(0x0D, b"\x32\xaa\xaa").value == 50
    with pytest.raises(DecodeError, match="needs 2"):
        decode_pid(0x0C, b"\x1a")
    with pytest.raises(DecodeError, match="unknown PID"):
        decode_pid(0x9A, b"\x00" * 10)


def test_every_j1979_pid_up_to_5f_has_a_decoder() -> None:
    assert set(range(0x00, 0x60)) <= set(PIDS)


def test_support_bitmap_lists_claimed_pids() -> None:
    assert supported_pids(0x00, bytes.fromhex("BE3FA813"))[:6] == [
        0x01,
        0x03,
        0x04,
        0x05,
        0x06,
        0x07,
    ]
    assert 0x20 in supported_pids(0x00, bytes.fromhex("BE3FA813"))
    assert supported_pids(0x20, bytes.fromhex("80000001")) == [0x21, 0x40]


def test_readiness_of_a_spark_engine_with_incomplete_catalyst() -> None:
    readiness = decode_readiness(bytes.fromhex("81076561"))
    assert readiness["mil"] is True
    assert readiness["dtc_count"] == 1
    assert readiness["ignition"] == "spark"
    monitors = readiness["monitors"]
    assert isinstance(monitors, dict)
    assert monitors["misfire"] == "complete"
    assert monitors["catalyst"] == "incomplete"
    assert monitors["evaporative_system"] == "complete"
    assert "secondary_air" not in monitors


def test_readiness_of_a_diesel_names_compression_monitors() -> None:
    readiness = decode_readiness(bytes.fromhex("000F4040"))
    assert readiness["ignition"] == "compression"
    assert readiness["monitors"] == {
        "misfire": "complete",
        "fuel_system": "complete",
        "components": "complete",
        "pm_filter": "incomplete",
    }


def test_trouble_codes_from_bytes_skip_padding() -> None:
    codes = decode_dtcs(bytes.fromhex("0301042000000AA6C03581004100"))
    assert codes == ["P0301", "P0420", "P0AA6", "U0035", "B0100", "C0100"]
    assert decode_dtcs(b"") == []
    with pytest.raises(DecodeError):
        decode_dtcs(b"\x03")


@given(st.from_regex(r"[PCBU][0-3][0-9A-F]{3}", fullmatch=True))
def test_code_bytes_round_trip(code: str) -> None:
    assert decode_dtcs(dtc_to_bytes(code)) == ([code] if code != "P0000" else [])


def test_code_texts_in_both_languages() -> None:
    assert known_dtc_count() >= 300
    assert describe_dtc("P0301", "en") == "Cylinder 1 misfire detected"
    assert describe_dtc("p0aa6", "zh") == "混合动力/电动汽车高压系统绝缘故障"
    assert describe_dtc("P0420", "zh")
    assert describe_dtc("P2FFF", "en") is None


@given(st.integers(min_value=-5, max_value=300), st.binary(max_size=12))
def test_any_pid_and_bytes_give_a_reading_or_a_decode_error(pid: int, data: bytes) -> None:
    try:
        reading = decode_pid(pid, data)
    except DecodeError:
        return
    assert isinstance(reading, Reading)
    assert isinstance(reading.value, int | float | str)


@given(st.binary(max_size=64))
def test_any_bytes_give_codes_or_a_decode_error(data: bytes) -> None:
    try:
        codes = decode_dtcs(data)
    except DecodeError:
        assert len(data) % 2 == 1
        return
    assert all(len(code) == 5 for code in codes)


@given(st.binary(max_size=8))
def test_any_bytes_give_readiness_or_a_decode_error(data: bytes) -> None:
    try:
        readiness = decode_readiness(data)
    except DecodeError:
        assert len(data) < 4
        return
    assert isinstance(readiness["monitors"], dict)


@pytest.mark.parametrize(
    ("reply", "codes"),
    [
        # the count byte leads on CAN; what follows the announced codes is padding
        ("4301014300", ["P0143"]),
        ("430201430300", ["P0143", "P0300"]),
        ("4300", []),
        ("47010AA6AAAA", ["P0AA6"]),
        ("4A00000000", []),
    ],
)
def test_can_trouble_code_replies_are_read_by_their_count_byte(
    reply: str, codes: list[str]
) -> None:
    assert parse_dtc_reply(int(reply[:2], 16) - 0x40, bytes.fromhex(reply)) == codes


def test_a_code_reply_shorter_than_its_count_is_cut_short_not_a_smaller_list() -> None:
    with pytest.raises(DecodeError, match="announces 3 codes but carries 2"):
        parse_dtc_reply(3, bytes.fromhex("430301430300"))
    with pytest.raises(DecodeError):
        parse_dtc_reply(3, bytes.fromhex("430301430300"), counted=None)


@pytest.mark.parametrize(
    ("reply", "with_count", "pairs_only"),
    [
        ("4301014300", ["P0143"], ["P0101", "C0300"]),
        ("430143", None, ["P0143"]),  # an emulation without the count byte
        ("43014301960234", None, ["P0143", "P0196", "P0234"]),
        ("430301430300", None, None),  # cut short: neither way fits
        ("4300", [], None),
        ("4302014303000000", ["P0143", "P0300"], None),
        # fits both ways: the ECU's other replies or its PID 01 count settle it
        ("4301430300", ["C0303"], ["P0143", "P0300"]),
    ],
)
def test_both_readings_of_a_code_reply(
    reply: str, with_count: list[str] | None, pairs_only: list[str] | None
) -> None:
    assert dtc_readings(3, bytes.fromhex(reply)) == (with_count, pairs_only)


def test_k_line_code_replies_have_no_count_byte() -> None:
    assert parse_dtc_reply(3, bytes.fromhex("43014303000000"), counted=False) == ["P0143", "P0300"]


def test_a_freeze_frame_code_of_zero_means_none_stored() -> None:
    assert freeze_frame_cause(b"\x00\x00") is None
    assert freeze_frame_cause(b"\x03\x01") == "P0301"
