"""Every numeric mode 01 PID against an independent table of SAE J1979 formulas.

The table below is written from the standard's own notation (data bytes A, B, C,
D; scaling and offset per bit), not from the decoders, and each PID is checked
on random payloads. Enumerated and text PIDs are checked against their own rules.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.obd.dtc import dtc_from_bytes
from drivers.obd.pids import PIDS, SUPPORT_PIDS, decode_pid

Bytes = tuple[int, ...]


def _signed(value: int) -> int:
    return value - 0x10000 if value >= 0x8000 else value


def _ab(d: Bytes) -> int:
    return d[0] * 256 + d[1]


J1979: dict[int, tuple[int, Callable[[Bytes], float]]] = {
    0x04: (1, lambda d: d[0] * 100 / 255),
    0x05: (1, lambda d: d[0] - 40),
    **{pid: (1, lambda d: (d[0] - 128) * 100 / 128) for pid in (0x06, 0x07, 0x08, 0x09)},
    0x0A: (1, lambda d: 3 * d[0]),
    0x0B: (1, lambda d: d[0]),
    0x0C: (2, lambda d: _ab(d) / 4),
    0x0D: (1, lambda d: d[0]),
    0x0E: (1, lambda d: d[0] / 2 - 64),
    0x0F: (1, lambda d: d[0] - 40),
    0x10: (2, lambda d: _ab(d) / 100),
    0x11: (1, lambda d: d[0] * 100 / 255),
    **{pid: (2, lambda d: d[0] / 200) for pid in range(0x14, 0x1C)},
    0x1F: (2, _ab),
    0x21: (2, _ab),
    0x22: (2, lambda d: 0.079 * _ab(d)),
    0x23: (2, lambda d: 10 * _ab(d)),
    **{pid: (4, lambda d: 2 * _ab(d) / 65536) for pid in range(0x24, 0x2C)},
    0x2C: (1, lambda d: 100 * d[0] / 255),
    0x2D: (1, lambda d: 100 * d[0] / 128 - 100),
    0x2E: (1, lambda d: 100 * d[0] / 255),
    0x2F: (1, lambda d: 100 * d[0] / 255),
    0x30: (1, lambda d: d[0]),
    0x31: (2, _ab),
    0x32: (2, lambda d: _signed(_ab(d)) / 4),
    0x33: (1, lambda d: d[0]),
    **{pid: (4, lambda d: (256 * d[2] + d[3]) / 256 - 128) for pid in range(0x34, 0x3C)},
    **{pid: (2, lambda d: _ab(d) / 10 - 40) for pid in range(0x3C, 0x40)},
    0x42: (2, lambda d: _ab(d) / 1000),
    0x43: (2, lambda d: 100 * _ab(d) / 255),
    0x44: (2, lambda d: 2 * _ab(d) / 65536),
    0x45: (1, lambda d: 100 * d[0] / 255),
    0x46: (1, lambda d: d[0] - 40),
    **{pid: (1, lambda d: 100 * d[0] / 255) for pid in range(0x47, 0x4D)},
    0x4D: (2, _ab),
    0x4E: (2, _ab),
    0x50: (4, lambda d: 10 * d[0]),
    0x52: (1, lambda d: 100 * d[0] / 255),
    0x53: (2, lambda d: _ab(d) / 200),
    0x54: (2, lambda d: _signed(_ab(d))),
    **{pid: (2, lambda d: (d[0] - 128) * 100 / 128) for pid in range(0x55, 0x59)},
    0x59: (2, lambda d: 10 * _ab(d)),
    0x5A: (1, lambda d: 100 * d[0] / 255),
    0x5B: (1, lambda d: 100 * d[0] / 255),
    0x5C: (1, lambda d: d[0] - 40),
    0x5D: (2, lambda d: _ab(d) / 128 - 210),
    0x5E: (2, lambda d: _ab(d) / 20),
    0x61: (1, lambda d: d[0] - 125),
    0x62: (1, lambda d: d[0] - 125),
    0x63: (2, _ab),
    0x8E: (1, lambda d: d[0] - 125),
    0xA2: (2, lambda d: _ab(d) / 32),
    0xA6: (4, lambda d: ((d[0] << 24) + (d[1] << 16) + (d[2] << 8) + d[3]) / 10),
}

# Decoded to words, not numbers: each is checked by its own rule below.
WORDS = {0x01, 0x02, 0x03, 0x12, 0x13, 0x1C, 0x1D, 0x1E, 0x41, 0x4F, 0x51, 0x5F, 0xA4}


def test_every_decoded_pid_is_in_the_independent_table_or_checked_as_words() -> None:
    decoded = set(PIDS) - set(SUPPORT_PIDS)
    assert decoded == set(J1979) | WORDS


@pytest.mark.parametrize("pid", sorted(J1979))
@settings(max_examples=25)
@given(data=st.data())
def test_numeric_pid_matches_the_standard(pid: int, data: st.DataObject) -> None:
    length, formula = J1979[pid]
    payload = data.draw(st.binary(min_size=length, max_size=length))
    reading = decode_pid(pid, payload)
    assert reading.value == pytest.approx(formula(tuple(payload)), abs=0.006)


@given(st.binary(min_size=4, max_size=4))
def test_words_follow_their_rules(payload: bytes) -> None:
    a, b = payload[0], payload[1]
    assert decode_pid(0x01, payload).value == (
        f"MIL {'on' if a & 0x80 else 'off'}, {a & 0x7F} code{'' if a & 0x7F == 1 else 's'}"
    )
    assert decode_pid(0x02, payload[:2]).value == dtc_from_bytes(a, b)
    assert decode_pid(0x1E, payload[:1]).value == ("on" if a & 1 else "off")
    gear = decode_pid(0xA4, payload).value
    assert gear == (b >> 4 if a & 0x02 else "not available")
    assert isinstance(decode_pid(0x51, payload[:1]).value, str)
