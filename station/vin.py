"""VIN checks (ISO 3779): the station warns on a bad check digit but never blocks.

Only North-American VINs must carry a valid check digit at position 9; a Chinese
or European car may legitimately fail it, so a failed check is a warning the
advisor sees, not a refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

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
            f"malformed VIN {text!r}: a VIN has 17 letters or digits, without I, O or Q",
            key="vin.malformed",
            vin=text,
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


# --- what a VIN says by itself ------------------------------------------------------
# World manufacturer identifiers (ISO 3780, the first three characters) of the makes
# workshops see, by the brand on the car: a joint venture's cars carry their brand
# (LSV, SAIC Volkswagen: Volkswagen). A VIN with another WMI still gives its model year.
WORLD_MANUFACTURERS = {
    # China
    "LSV": "Volkswagen",
    "LFV": "Volkswagen",
    "LBV": "BMW",
    "LE4": "Mercedes-Benz",
    "LFP": "FAW",
    "LFM": "Toyota",
    "LTV": "Toyota",
    "LVG": "Toyota",
    "LHG": "Honda",
    "LVH": "Honda",
    "LGB": "Nissan",
    "LVS": "Ford",
    "LSG": "Buick",
    "LSJ": "MG",
    "LZW": "Wuling",
    "LBE": "Hyundai",
    "LJD": "Kia",
    "LGX": "BYD",
    "LC0": "BYD",
    "LRW": "Tesla",
    "LGW": "Great Wall",
    "LB3": "Geely",
    "L6T": "Geely",
    "LYV": "Volvo",
    "LVV": "Chery",
    "LS5": "Changan",
    "LNB": "BAIC",
    "LMG": "GAC",
    "LJ1": "JAC",
    "LDC": "Dongfeng",
    # Japan
    "JTD": "Toyota",
    "JTE": "Toyota",
    "JTN": "Toyota",
    "JTH": "Lexus",
    "JTJ": "Lexus",
    "JHM": "Honda",
    "JHL": "Honda",
    "JN1": "Nissan",
    "JN8": "Nissan",
    "JM1": "Mazda",
    "JMZ": "Mazda",
    "JF1": "Subaru",
    "JF2": "Subaru",
    "JS2": "Suzuki",
    "JA3": "Mitsubishi",
    "JA4": "Mitsubishi",
    # Korea
    "KMH": "Hyundai",
    "KM8": "Hyundai",
    "KNA": "Kia",
    "KND": "Kia",
    # Germany
    "WVW": "Volkswagen",
    "WV1": "Volkswagen",
    "WV2": "Volkswagen",
    "WAU": "Audi",
    "WA1": "Audi",
    "WBA": "BMW",
    "WBS": "BMW",
    "WDB": "Mercedes-Benz",
    "WDD": "Mercedes-Benz",
    "WDC": "Mercedes-Benz",
    "W1K": "Mercedes-Benz",
    "W1N": "Mercedes-Benz",
    "WMW": "MINI",
    "WP0": "Porsche",
    "WP1": "Porsche",
    "W0L": "Opel",
    "WF0": "Ford",
    # rest of Europe
    "TMB": "Škoda",
    "VSS": "SEAT",
    "VF1": "Renault",
    "UU1": "Dacia",
    "VF3": "Peugeot",
    "VR3": "Peugeot",
    "VF7": "Citroën",
    "ZFA": "Fiat",
    "ZAR": "Alfa Romeo",
    "SAL": "Land Rover",
    "SAJ": "Jaguar",
    "SB1": "Toyota",
    "SJN": "Nissan",
    "YV1": "Volvo",
    # the Americas, India
    "1FA": "Ford",
    "1FM": "Ford",
    "1FT": "Ford",
    "1G1": "Chevrolet",
    "1GC": "Chevrolet",
    "1G6": "Cadillac",
    "1HG": "Honda",
    "2HG": "Honda",
    "1N4": "Nissan",
    "4T1": "Toyota",
    "2T1": "Toyota",
    "5YJ": "Tesla",
    "7SA": "Tesla",
    "5UX": "BMW",
    "3VW": "Volkswagen",
    "9BW": "Volkswagen",
    "MAT": "Tata",
    "MA3": "Suzuki",
}
YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 30 years, from 1980 (and 2010)


def model_year(vin: str, latest: int) -> int | None:
    """The model year of position 10: of the two years 30 apart it can mean, the later
    one not after `latest` (next calendar year); North American VINs say which by a
    letter in position 7 (2010 on) or a digit (1980-2009)."""
    code = vin[9]
    if code not in YEAR_CODES:
        return None
    first = 1980 + YEAR_CODES.index(code)
    if vin[0] in "12345" and vin[6].isdigit():
        return first
    if vin[0] in "12345" and vin[6].isalpha():
        return first + 30
    return first + 30 if first + 30 <= latest else first


def decode_vin(vin: str | None, latest_year: int) -> dict[str, object] | None:
    """Manufacturer, model year and check digit of a VIN; None for what is not a VIN."""
    try:
        checked = check_vin(vin or "")
    except InvalidInput:
        return None
    return {
        "wmi": checked.vin[:3],
        "manufacturer": WORLD_MANUFACTURERS.get(checked.vin[:3]),
        "model_year": model_year(checked.vin, latest_year),
        "check_digit_ok": checked.check_digit_ok,
    }


@dataclass(frozen=True)
class MakeAndYear:
    """The make and model year a specification is looked up by, and where each came from."""

    make: str | None
    year: int | None
    make_from_vin: bool = False
    year_from_vin: bool = False


def make_and_year(
    make: str | None, year: int | None, vin: str | None, latest_year: int
) -> MakeAndYear:
    """The vehicle record's make and year, each filled from the VIN when the record
    lacks it (the record wins when it has one: the advisor may know better)."""
    decoded = decode_vin(vin, latest_year) or {}
    vin_make = decoded.get("manufacturer")
    vin_year = decoded.get("model_year")
    filled = MakeAndYear(make, year)
    if not (make or "").strip() and isinstance(vin_make, str):
        filled = replace(filled, make=vin_make, make_from_vin=True)
    if year is None and isinstance(vin_year, int):
        filled = replace(filled, year=vin_year, year_from_vin=True)
    return filled
