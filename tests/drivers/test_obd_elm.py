"""ELM327 reply parsing from literal adapter text, request planning, and the adapter over loop://."""

from __future__ import annotations

import pytest
import serial
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import DecodeError, DeviceTimeout
from drivers.obd.elm import (
    ElmObdLink,
    assemble,
    assemble_legacy,
    assemble_tolerant,
    parse_elm_reply,
    plan_requests,
)
from drivers.obd.services import parse_dtc_reply, parse_vehicle_info, parse_vin


def test_headers_tell_two_ecus_apart_and_multi_frame_vin_reassembles() -> None:
    text = "0902\r7E81014490201575030\r7E9037F0912\r7E8215A5A5A39395A54\r7E82253333930303030\r\r>"
    reply = parse_elm_reply(text, "0902")
    assert reply.status is None
    answers = assemble(reply.frames)
    assert answers["7E8"][3:].decode() == "WP0ZZZ99ZTS390000"
    assert answers["7E9"] == bytes.fromhex("7F0912")


def test_searching_spaces_and_29_bit_headers() -> None:
    reply = parse_elm_reply("SEARCHING...\r18 DA F1 10 06 41 00 98 18 00 11 \r\r>")
    assert reply.searched
    assert assemble(reply.frames) == {"18DAF110": bytes.fromhex("410098180011")}


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("NO DATA\r\r>", "NO DATA"),
        ("CAN ERROR\r\r>", "CAN ERROR"),
        ("?\r\r>", "?"),
        ("BUS INIT: ...ERROR\r\r>", "BUS INIT: ...ERROR"),
        ("UNABLE TO CONNECT\r>", "UNABLE TO CONNECT"),
        ("BUFFER FULL\r>", "BUFFER FULL"),
        ("BUS BUSY\r>", "BUS BUSY"),
        ("LP ALERT\r>", "LP ALERT"),
        ("OUT OF MEMORY\r>", "OUT OF MEMORY"),
        ("<RX ERROR\r>", "<RX ERROR"),
        ("LV RESET\r>", "LV RESET"),
        ("\r\rELM327 v1.5\r\r>", "LV RESET"),
        ("STOPPED\r>", "STOPPED"),
        ("ERR94\r>", "LV RESET"),
    ],
)
def test_adapter_statuses_never_raise(text: str, status: str) -> None:
    reply = parse_elm_reply(text)
    assert reply.status == status
    assert reply.frames == []


def test_response_pending_is_waited_out_within_one_reply() -> None:
    reply = parse_elm_reply("7EB037F0378\r>")
    assert assemble(reply.frames) == {}
    reply = parse_elm_reply("7EB037F0378\r7EB044301 0AA6\r>".replace(" ", ""))
    assert assemble(reply.frames) == {"7EB": bytes.fromhex("43010AA6")}


def test_a_truncated_line_costs_only_its_ecu() -> None:
    text = "7E8 06 43 02 01 43 03 00\r7E9 04 47 0\rBUS BUSY\r\r>"
    reply = parse_elm_reply(text, "03", header_digits=3)
    answers, broken = assemble_tolerant(reply.frames)
    assert answers == {"7E8": bytes.fromhex("4302014303 00".replace(" ", ""))}
    assert reply.garbled == [("7E9", "7E9 04 47 0")]
    assert reply.statuses == ["BUS BUSY"]
    assert broken == {}


def test_a_multi_frame_reply_that_stops_early_is_broken_not_lost_silently() -> None:
    frames = parse_elm_reply("7E81014490201575030\r7E9064100BE3FA813\r>").frames
    answers, broken = assemble_tolerant(frames)
    assert answers == {"7E9": bytes.fromhex("4100BE3FA813")}
    assert "7E8" in broken
    with pytest.raises(DecodeError):
        assemble(frames)


def test_echo_and_linefeeds_left_on_are_tolerated() -> None:
    text = "0100\r\n7E8 06 41 00 BE 3F A8 13 \r\n\r\n>"
    reply = parse_elm_reply(text, "0100", header_digits=3)
    assert assemble(reply.frames) == {"7E8": bytes.fromhex("4100BE3FA813")}
    assert not reply.garbled


def test_j1850_and_k_line_lines_are_joined_per_ecu_without_a_count_byte() -> None:
    # ISO 9141-2: three header bytes, data, checksum; codes three to a line
    text = "48 6B 10 43 01 43 03 00 00 00 C4\r48 6B 18 43 00 00 00 00 00 00 8E\r>"
    reply = parse_elm_reply(text, "03", header_digits=6, legacy=True)
    answers = assemble_legacy(reply.frames)
    assert answers == {"10": bytes.fromhex("43014303000000"), "18": bytes.fromhex("43000000000000")}
    assert parse_dtc_reply(3, answers["10"], counted=False) == ["P0143", "P0300"]
    vin = "\r".join(
        f"48 6B 10 49 02 {n:02X} {chunk} 00"
        for n, chunk in enumerate(
            ["00 00 00 57", "50 30 5A 5A", "5A 39 39 5A", "54 53 33 39", "30 30 30 30"], 1
        )
    )
    answers = assemble_legacy(parse_elm_reply(vin, header_digits=6, legacy=True).frames)
    assert parse_vin(parse_vehicle_info(answers["10"], 2)[1]) == "WP0ZZZ99ZTS390000"


@given(st.text(max_size=200))
def test_any_adapter_text_parses_without_raising(text: str) -> None:
    reply = parse_elm_reply(text)
    assemble_tolerant(reply.frames)


@given(st.text(alphabet="0123456789ABCDEF \r", max_size=120), st.sampled_from([3, 8, 6]))
def test_any_hex_text_parses_without_raising(text: str, digits: int) -> None:
    reply = parse_elm_reply(text, header_digits=digits, legacy=digits == 6)
    assemble_tolerant(reply.frames)
    assemble_legacy(reply.frames)


def test_adapter_without_prompt_times_out_instead_of_hanging() -> None:
    port = serial.serial_for_url("loop://", timeout=0.05)
    link = ElmObdLink(port, timeout=0.3)
    with pytest.raises(DeviceTimeout):
        link.request(b"\x01\x00")
    link.close()


def test_the_reply_count_goes_only_after_requests_answered_in_one_line() -> None:
    both = {"7E8", "7E9"}
    assert plan_requests({None: b"\x01\x00"}, both, False) == [("7DF", "0100")]
    assert plan_requests(dict.fromkeys(both, b"\x01\x0c"), both, False) == [("7DF", "010C2")]
    # the ELM327 counts lines: codes, the VIN, names and several PIDs may take more
    for payload in (b"\x03", b"\x07", b"\x0a", b"\x09\x02", b"\x09\x0a", b"\x01\x0c\x0d"):
        assert plan_requests(dict.fromkeys(both, payload), both, False) == [
            ("7DF", payload.hex().upper())
        ]
    assert plan_requests(dict.fromkeys(both, b"\x01\x0c"), both, False, count_digit=False) == [
        ("7DF", "010C")
    ]


def test_a_subset_is_addressed_on_each_ecus_own_header() -> None:
    assert plan_requests({"7E9": b"\x09\x00"}, {"7E8", "7E9"}, False) == [("7E1", "09001")]
    assert plan_requests({"7EA": b"\x03"}, {"7E8"}, False) == [("7E2", "03")]
    plan = plan_requests(
        {"18DAF110": b"\x01\x20", "18DAF118": b"\x01\x40"}, {"18DAF110", "18DAF118"}, True
    )
    assert plan == [("DA10F1", "01201"), ("DA18F1", "01401")]
    assert plan_requests({}, {"7E8"}, False) == []
    # J1850 and K-line have no physical addressing: ask everyone, keep the ECU's reply
    assert plan_requests({"10": b"\x03"}, {"10", "18"}, False, physical=False) == [("7DF", "03")]
