"""Trouble codes (SAE J2012): two bytes to "P0301", and what a code means in plain words."""

from __future__ import annotations

import json
import logging
from functools import cache

from drivers.errors import DecodeError
from station.fixtures import fixtures_dir

log = logging.getLogger(__name__)

_LETTERS = "PCBU"
LANGUAGES = ("en", "zh")


def dtc_from_bytes(first: int, second: int) -> str:
    """The five-character code of one two-byte DTC."""
    if not (0 <= first <= 0xFF and 0 <= second <= 0xFF):
        raise DecodeError("DTC bytes must be 0..255")
    return f"{_LETTERS[first >> 6]}{(first >> 4) & 0x3}{first & 0xF:X}{second:02X}"


def dtc_to_bytes(code: str) -> bytes:
    """The two bytes of a code like "P0AA6"; the simulator encodes its codes with it."""
    text = code.strip().upper()
    if len(text) != 5 or text[0] not in _LETTERS or text[1] not in "0123":
        raise DecodeError(f"not a trouble code: {code!r}")
    try:
        low = int(text[2:], 16)
    except ValueError as err:
        raise DecodeError(f"not a trouble code: {code!r}") from err
    first = (_LETTERS.index(text[0]) << 6) | (int(text[1]) << 4) | (low >> 8)
    return bytes((first, low & 0xFF))


def decode_dtcs(data: bytes) -> list[str]:
    """Codes from a run of two-byte DTCs (the reply of service 03/07/0A after its count byte).

    Pairs of zero bytes are padding, not P0000, and are left out.
    """
    if len(data) % 2:
        raise DecodeError(f"trouble codes come in byte pairs, got {len(data)} bytes")
    return [
        dtc_from_bytes(data[i], data[i + 1])
        for i in range(0, len(data), 2)
        if data[i] or data[i + 1]
    ]


@cache
def _texts() -> dict[str, dict[str, str]]:
    path = fixtures_dir() / "dtc_texts.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        log.warning("trouble-code texts unavailable (%s): codes are shown without meaning", err)
        return {}
    return {str(code).upper(): dict(texts) for code, texts in raw["codes"].items()}


def describe_dtc(code: str, language: str = "en") -> str | None:
    """What a code means, in `language` ("en" or "zh"); None for a code the table lacks."""
    texts = _texts().get(code.strip().upper())
    if texts is None:
        return None
    return texts.get(language) or texts.get("en")


def known_dtc_count() -> int:
    return len(_texts())
