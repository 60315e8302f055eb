"""VIN checks (ISO 3779): the station warns on a bad check digit but never blocks.

Only North-American VINs must carry a valid check digit at position 9; a Chinese
or European car may legitimately fail it, so a failed check is a warning the
advisor sees, not a refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from station.errors import InvalidInput

_VIN_SHAPE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


@dataclass(frozen=True)
class VinCheck:
    vin: str
    warnings: tuple[str, ...]

    @property
    def check_digit_ok(self) -> bool:
        return not self.warnings


def normalise_vin(text: str) -> str:
    """Upper-case and strip a VIN; refuse what cannot be a VIN at all."""
    vin = text.strip().upper().replace(" ", "")
    if not _VIN_SHAPE.match(vin):
        raise InvalidInput(
            f"malformed VIN {text!r}: a VIN has 17 letters or digits, without I, O or Q"
        )
    return vin


def check_digit(vin: str) -> str:
    total = sum(_TRANSLITERATION[c] * w for c, w in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def check_vin(text: str) -> VinCheck:
    """Validate shape (raises) and check digit (warns)."""
    vin = normalise_vin(text)
    expected = check_digit(vin)
    warnings: tuple[str, ...] = ()
    if vin[8] != expected:
        warnings = (
            f"VIN check digit is {vin[8]!r}, expected {expected!r}: please re-read the VIN",
        )
    return VinCheck(vin=vin, warnings=warnings)
