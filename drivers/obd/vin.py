"""What a VIN says by itself (ISO 3779, and SAE J853 for North America): the world
manufacturer, the model year and whether the check digit holds. Pure.

The make and year fill the vehicle record and choose the alignment specification.
"""

from __future__ import annotations

import logging

from station.errors import InvalidInput
from station.vin import check_vin

log = logging.getLogger(__name__)

# World manufacturer identifiers of makes the workshops see; a VIN with another WMI
# still gives its year and check digit, only not the make.
MANUFACTURERS = {
    "LSV": "Volkswagen",
    "LFV": "Volkswagen",
    "LGX": "BYD",
    "LC0": "BYD",
    "LRW": "Tesla",
    "5YJ": "Tesla",
    "7SA": "Tesla",
    "LVS": "Ford",
    "LVG": "Toyota",
    "JTD": "Toyota",
    "JTE": "Toyota",
    "SB1": "Toyota",
    "LHG": "Honda",
    "JHM": "Honda",
    "LBV": "BMW",
    "WBA": "BMW",
    "WDD": "Mercedes-Benz",
    "LE4": "Mercedes-Benz",
    "WVW": "Volkswagen",
    "WAU": "Audi",
    "LFP": "FAW",
    "LNB": "BAIC",
    "LSJ": "MG",
    "LDC": "Dongfeng",
    "LB3": "Geely",
    "L6T": "Geely",
    "LNA": "Nio",
    "LMG": "GAC",
    "LJ1": "JAC",
    "LZW": "Wuling",
    "WP0": "Porsche",
    "MAT": "Tata",
    "KMH": "Hyundai",
    "KNA": "Kia",
    "1FA": "Ford",
    "1G1": "Chevrolet",
    "VF1": "Renault",
    "ZFA": "Fiat",
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
        "manufacturer": MANUFACTURERS.get(checked.vin[:3]),
        "model_year": model_year(checked.vin, latest_year),
        "check_digit_ok": checked.check_digit_ok,
    }
