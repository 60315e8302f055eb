"""The remote pre-diagnosis that comes with a booking: one shape for the cloud, the station,
the desk and the demo seed.

The customer app (or the brand's remote diagnostics) sends what it saw in the
vehicle's logs: codes seen, parts already reserved, a note. `parse` checks it
once, wherever it enters; everything stored and shown is `PreDiagnosis.to_json()`:

    {"codes_seen": ["P0301"],
     "parts_reserved": [{"description": "Ignition coil", "part_number": "IC-1"}],
     "note": "Misfire cylinder 1 seen in vehicle logs"}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from station.errors import InvalidInput

MAX_CODES = 50
MAX_PARTS = 50
MAX_TEXT = 500
_CODE = re.compile(r"^[PCBU][0-9A-F]{4}$")


@dataclass(frozen=True)
class ReservedPart:
    description: str
    part_number: str | None = None

    @property
    def words(self) -> str:
        """As a person reads it: "Ignition coil (IC-1)"."""
        if self.part_number and self.description:
            return f"{self.description} ({self.part_number})"
        return self.description or self.part_number or ""


@dataclass(frozen=True)
class PreDiagnosis:
    codes_seen: tuple[str, ...] = ()
    parts_reserved: tuple[ReservedPart, ...] = ()
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "codes_seen": list(self.codes_seen),
            "parts_reserved": [
                {"description": p.description, "part_number": p.part_number}
                for p in self.parts_reserved
            ],
            "note": self.note,
        }

    def __bool__(self) -> bool:
        return bool(self.codes_seen or self.parts_reserved or self.note)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"the pre-diagnosis {what} is text")
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"the pre-diagnosis {what} is longer than {MAX_TEXT} characters")
    return text


def _part(value: Any) -> ReservedPart:
    if isinstance(value, str):
        return ReservedPart(_text(value, "part"))
    if not isinstance(value, Mapping):
        raise InvalidInput("a reserved part is a description or an object with one")
    number = value.get("part_number")
    part = ReservedPart(
        _text(value.get("description") or "", "part description"),
        _text(number, "part number") or None if number is not None else None,
    )
    if not part.words:
        raise InvalidInput("a reserved part has a description or a part number")
    return part


def parse(raw: Any) -> PreDiagnosis:
    """Check a pre-diagnosis as received; None or {} is no pre-diagnosis."""
    if raw is None:
        return PreDiagnosis()
    if not isinstance(raw, Mapping):
        raise InvalidInput("the pre-diagnosis is an object")
    unknown = set(raw) - {"codes_seen", "parts_reserved", "note"}
    if unknown:
        raise InvalidInput(
            f"the pre-diagnosis has no field {', '.join(sorted(unknown))}: "
            "use codes_seen, parts_reserved and note"
        )
    codes = raw.get("codes_seen") or []
    parts = raw.get("parts_reserved") or []
    if not isinstance(codes, list) or not isinstance(parts, list):
        raise InvalidInput("codes_seen and parts_reserved are lists")
    if len(codes) > MAX_CODES or len(parts) > MAX_PARTS:
        raise InvalidInput("the pre-diagnosis lists too many codes or parts")
    seen = []
    for code in codes:
        text = _text(code, "code").upper()
        if not _CODE.match(text):
            raise InvalidInput(f"{text!r} is not a trouble code such as P0301")
        seen.append(text)
    return PreDiagnosis(
        codes_seen=tuple(dict.fromkeys(seen)),
        parts_reserved=tuple(_part(p) for p in parts),
        note=_text(raw.get("note") or "", "note"),
    )
