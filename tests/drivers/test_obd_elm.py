"""ELM327 reply parsing from literal adapter text, request planning, and the adapter over loop://."""

from __future__ import annotations

import pytest
import serial
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import DecodeError, DeviceTimeout
from drivers.obd.elm import ElmObdLink, assemble, parse_elm_reply, plan_requests


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
    ],
)
def test_adapter_statuses(text: str, status: str) -> None:
    reply = parse_elm_reply(text)
    assert reply.status == status
    assert reply.frames == []


def test_response_pending_is_waited_out_within_one_reply() -> None:
    reply = parse_elm_reply("7EB037F0378\r>")
    assert assemble(reply.frames) == {}
    reply = parse_elm_reply("7EB037F0378\r7EB044301 0AA6\r>".replace(" ", ""))
    assert assemble(reply.frames) == {"7EB": bytes.fromhex("43010AA6")}


def test_garbage_line_is_a_decode_error() -> None:
    with pytest.raises(DecodeError):
        parse_elm_reply("7E8XYZ\r>")


@given(st.text(max_size=200))
def test_any_adapter_text_parses_or_fails_clearly(text: str) -> None:
    try:
        reply = parse_elm_reply(text)
        assemble(reply.frames)
    except DecodeError:
        return


def test_adapter_without_prompt_times_out_instead_of_hanging() -> None:
    port = serial.serial_for_url("loop://", timeout=0.05)
    link = ElmObdLink(port, timeout=0.3)
    with pytest.raises(DeviceTimeout):
        link.request(b"\x01\x00")
    link.close()


def test_every_answering_ecu_is_one_functional_request_that_counts_its_replies() -> None:
    both = {"7E8", "7E9"}
    assert plan_requests({None: b"\x01\x00"}, both, False) == ["0100"]
    assert plan_requests(dict.fromkeys(both, b"\x03"), both, False) == ["032"]
    # adapters refuse the reply count after a multi-PID request
    assert plan_requests(dict.fromkeys(both, b"\x01\x0c\x0d"), both, False) == ["010C0D"]


def test_a_subset_is_addressed_physically_and_functional_addressing_comes_back() -> None:
    assert plan_requests({"7E9": b"\x09\x02"}, {"7E8", "7E9"}, False) == [
        "ATSH7E1",
        "ATCRA7E9",
        "09021",
        "ATSH7DF",
        "ATCRA",
    ]
    # an ECU not seen yet cannot be counted on in a functional reply count either
    assert plan_requests({"7EA": b"\x03"}, {"7E8"}, False)[:3] == ["ATSH7E2", "ATCRA7EA", "031"]


def test_different_payloads_per_ecu_restore_functional_addressing_once() -> None:
    plan = plan_requests(
        {"18DAF110": b"\x01\x20", "18DAF118": b"\x01\x40"}, {"18DAF110", "18DAF118"}, True
    )
    assert plan == [
        "ATSHDA10F1",
        "ATCRA18DAF110",
        "01201",
        "ATSHDA18F1",
        "ATCRA18DAF118",
        "01401",
        "ATSHDB33F1",
        "ATCRA",
    ]
    assert plan_requests({}, {"7E8"}, False) == []
