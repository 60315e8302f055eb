"""The rig line protocol and session assembly: literals, and random bytes (hypothesis)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.errors import DecodeError
from drivers.rig.errors import (
    ChecksumError,
    LineError,
    ProtocolVersionError,
    RigAborted,
    SessionIncomplete,
)
from drivers.rig.frames import READING_FRAME, SESSION_FRAME, RigFrames
from drivers.rig.protocol import (
    LineSplitter,
    Measured,
    SessionAbort,
    SessionEnd,
    SessionStart,
    SetBegin,
    SetEnd,
    checksum,
    format_record,
    parse_line,
)
from drivers.rig.session import SessionAssembler
from station.alignment import Phase, Position, Quantity

RR, TOE = Position.REAR_RIGHT, Quantity.TOE


def test_published_examples() -> None:
    # the README's examples, byte for byte
    assert checksum(b"ALN,1,VAL,RR,TOE,1.5000,DEG") == 0x2B
    assert parse_line(b"$ALN,1,VAL,RR,TOE,1.5000,DEG*2B\r\n") == Measured(RR, TOE, 1.5)
    assert parse_line(b"$ALN,1,START,S1,17*56") == SessionStart("S1", 17.0)
    assert parse_line(b"$ALN,1,BEGIN,BEFORE*00\n") == SetBegin(Phase.BEFORE)
    assert parse_line(b"$ALN,1,END,AFTER,12*7A\r\n") == SetEnd(Phase.AFTER, 12)
    assert parse_line(b"$ALN,1,STOP,S1*24\r\n") == SessionEnd("S1")
    assert parse_line(b"$ALN,1,ABORT,S1,cancelled*31\r\n") == SessionAbort("S1", "cancelled")
    assert format_record(Measured(RR, TOE, 1.5)) == b"$ALN,1,VAL,RR,TOE,1.5000,DEG*2B\r\n"


def _line(body: str) -> bytes:
    raw = body.encode()
    return b"$" + raw + f"*{checksum(raw):02X}".encode() + b"\r\n"


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (b"", LineError),
        (b"ALN,1,STOP,S1*24", LineError),  # no '$'
        (b"$ALN,1,STOP,S1*2", LineError),  # cut off in the checksum
        (b"$ALN,1,STOP,S1", LineError),  # cut off before it
        (b"$ALN,1,STOP,S1*25", ChecksumError),
        (b"$ALN,1,STOP,S1*ZZ", LineError),
        (_line("ALN,2,STOP,S1"), ProtocolVersionError),
        (_line("XYZ,1,STOP,S1"), LineError),
        (_line("ALN,1,VAL,XX,TOE,1.0,DEG"), LineError),
        (_line("ALN,1,VAL,RR,WOBBLE,1.0,DEG"), LineError),
        (_line("ALN,1,VAL,RR,TOE,1e3,DEG"), LineError),
        (_line("ALN,1,VAL,RR,TOE,nan,DEG"), LineError),
        (_line("ALN,1,VAL,RR,TOE,91,DEG"), LineError),
        (_line("ALN,1,VAL,RR,CAMBER,1.0,MM"), LineError),
        (_line("ALN,1,VAL,RR,TOE,1.0,RAD"), LineError),
        (_line("ALN,1,VAL,RR,TOE,1.0"), LineError),
        (_line("ALN,1,START,has space"), LineError),
        (_line("ALN,1,START,S1,5"), LineError),  # no car has 5-inch rims
        (_line("ALN,1,BEGIN,DURING"), LineError),
        (_line("ALN,1,END,BEFORE,x"), LineError),
        (_line("ALN,1,HELLO"), LineError),
        (b"$" + b"A" * 200 + b"*00", LineError),
    ],
)
def test_bad_lines(line: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_line(line)


def test_units_are_converted_to_degrees() -> None:
    assembler = SessionAssembler()
    assembler.feed(SessionStart("S1", 17.0))
    assembler.feed(SetBegin(Phase.BEFORE))
    assembler.feed(parse_line(_line("ALN,1,VAL,RR,TOE,11.3,MM")))
    assembler.feed(parse_line(_line("ALN,1,VAL,FL,CAMBER,-30,MIN")))
    assembler.feed(SetEnd(Phase.BEFORE, 2))
    session = assembler.feed(SessionEnd("S1"))
    assert session is not None
    assert session.before.value(RR, TOE) == pytest.approx(1.4996, abs=1e-4)
    assert session.before.value(Position.FRONT_LEFT, Quantity.CAMBER) == -0.5


def test_splitter_handles_partial_long_and_run_together_lines() -> None:
    splitter = LineSplitter()
    good = format_record(SessionEnd("S1"))
    assert splitter.feed(good[:5]) == []
    assert splitter.feed(good[5:] + good[:3]) == [good]
    assert splitter.reset() is True  # the link dropped with 3 bytes of a line pending
    assert splitter.feed(b"x" * 300) == []
    assert splitter.dropped == 1
    assert splitter.feed(b"rest of the long one\r\n" + good) == [good]
    assert splitter.feed(b"$ALN,1,VA" + good) == [b"$ALN,1,VA", good]


def test_assembler_skips_what_makes_no_sense_and_refuses_half_a_session() -> None:
    a = SessionAssembler()
    assert a.feed(Measured(RR, TOE, 1.0)) is None  # joined mid-stream
    assert a.feed(SetEnd(Phase.BEFORE, 18)) is None
    assert a.feed(SessionEnd("S0")) is None
    assert a.skipped == 3
    a.feed(SessionStart("S1"))
    a.feed(SetBegin(Phase.BEFORE))
    a.feed(Measured(RR, Quantity.THRUST_ANGLE, 1.0))  # not a wheel's quantity: skipped
    assert a.skipped == 4
    a.feed(Measured(RR, TOE, 1.5))
    a.feed(SetEnd(Phase.BEFORE, 1))
    a.feed(SetBegin(Phase.AFTER))
    with pytest.raises(SessionIncomplete, match="inside its"):
        a.feed(SessionEnd("S1"))
    a.feed(SessionStart("S2"))
    with pytest.raises(SessionIncomplete, match="without readings before"):
        a.feed(SessionEnd("S2"))
    a.feed(SessionStart("S3"))
    with pytest.raises(RigAborted, match="S3"):
        a.feed(SessionAbort("S3", "technician cancelled"))


def test_a_restarted_session_replaces_the_partial_one() -> None:
    a = SessionAssembler()
    a.feed(SessionStart("S1"))
    a.feed(SetBegin(Phase.BEFORE))
    a.feed(Measured(RR, TOE, 9.0))
    a.feed(SessionStart("S2"))
    a.feed(SetBegin(Phase.BEFORE))
    a.feed(Measured(RR, TOE, 1.5))
    a.feed(SetEnd(Phase.BEFORE, 1))
    session = a.feed(SessionEnd("S2"))
    assert session is not None and session.after is None
    assert session.before.value(RR, TOE) == 1.5
    assert a.restarts == 1


@given(st.binary(max_size=200))
@settings(max_examples=2000)
def test_random_bytes_raise_only_the_drivers_error(data: bytes) -> None:
    with contextlib.suppress(DecodeError):
        parse_line(data)


@given(st.text(alphabet="$ALN,1VRTOEDGBFSX*0123456789.-+\r\n", max_size=60))
@settings(max_examples=2000)
def test_near_miss_lines_raise_only_the_drivers_error(text: str) -> None:
    raw = text.encode()
    with contextlib.suppress(DecodeError):
        parse_line(raw)
    # with a right checksum the content is what is tested
    body = raw.strip(b"$*\r\n")
    with contextlib.suppress(DecodeError):
        parse_line(b"$" + body + f"*{checksum(body):02X}".encode())


@given(st.lists(st.binary(max_size=80), max_size=20))
@settings(max_examples=500)
def test_splitter_and_assembler_survive_any_stream(chunks: list[bytes]) -> None:
    splitter, assembler = LineSplitter(), SessionAssembler()
    for chunk in chunks:
        for line in splitter.feed(chunk):
            try:
                record = parse_line(line)
                assembler.feed(record)
            except DecodeError:
                pass
            except (SessionIncomplete, RigAborted):
                pass


FRAMES = RigFrames.load()


@given(st.sampled_from([SESSION_FRAME, READING_FRAME, 0x123]), st.binary(max_size=12))
@settings(max_examples=3000)
def test_random_frames_raise_only_the_drivers_error(frame_id: int, data: bytes) -> None:
    with contextlib.suppress(DecodeError):
        FRAMES.decode(frame_id, data)


@given(st.sampled_from([SESSION_FRAME, READING_FRAME]), st.binary(min_size=7, max_size=7))
@settings(max_examples=3000)
def test_random_frames_with_a_right_checksum(frame_id: int, body: bytes) -> None:
    data = body + bytes([(0xFF - sum(body)) & 0xFF])
    with contextlib.suppress(DecodeError):
        FRAMES.decode(frame_id, data)
