"""A finished measurement dropped into a watched folder as CSV or XML (how aligners export).

Files are taken oldest first once their size has stopped changing; an imported
file moves to `imported/`, a file that cannot be read moves to `rejected/` and
the read fails with the reason, so the technician knows to export again.
"""

from __future__ import annotations

import csv
import io
import logging
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

from drivers.errors import AdapterNotFound, DeviceTimeout
from drivers.rig.base import DEFAULT_TIMEOUT, AlignmentRig, LiveCallback
from drivers.rig.errors import ImportRejected, LineError
from drivers.rig.protocol import QUANTITY_CODES, UNITS, Measured
from drivers.rig.session import to_reading
from station.alignment import (
    AlignmentReading,
    AlignmentSession,
    AlignmentSet,
    Phase,
    Position,
    Quantity,
)

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 1_000_000
SUFFIXES = (".csv", ".xml")
_POSITION_WORDS = {
    "front-left": Position.FRONT_LEFT,
    "front-right": Position.FRONT_RIGHT,
    "rear-left": Position.REAR_LEFT,
    "rear-right": Position.REAR_RIGHT,
    "left-front": Position.FRONT_LEFT,
    "right-front": Position.FRONT_RIGHT,
    "left-rear": Position.REAR_LEFT,
    "right-rear": Position.REAR_RIGHT,
    "front": Position.FRONT_AXLE,
    "rear": Position.REAR_AXLE,
    "vehicle": Position.VEHICLE,
}


def _position(text: str) -> Position:
    key = text.strip().lower().replace(" ", "-").replace("_", "-")
    if key.upper() in Position.__members__.values():
        return Position(key.upper())
    if key in _POSITION_WORDS:
        return _POSITION_WORDS[key]
    raise LineError(f"unknown position {text!r}")


def _quantity(text: str) -> Quantity:
    key = text.strip()
    if key.upper() in QUANTITY_CODES:
        return QUANTITY_CODES[key.upper()]
    try:
        return Quantity(key.lower().replace(" ", "_"))
    except ValueError as err:
        raise LineError(f"unknown quantity {text!r}") from err


def _measured(position: str, quantity: str, value: str, unit: str) -> Measured:
    unit_code = (unit or "deg").strip().upper()
    if unit_code not in UNITS:
        raise LineError(f"unknown unit {unit!r}")
    try:
        number = float(value)
    except ValueError as err:
        raise LineError(f"value {value!r} is not a number") from err
    if number != number or abs(number) > 500:
        raise LineError(f"value {value!r} is beyond any real car")
    return Measured(_position(position), _quantity(quantity), number, unit_code)


def _session(
    rows: list[tuple[str, Measured]], session_id: str, rim: float | None, rig: str
) -> AlignmentSession:
    sets: dict[Phase, list[AlignmentReading]] = {Phase.BEFORE: [], Phase.AFTER: []}
    for phase_text, measured in rows:
        try:
            phase = Phase(phase_text.strip().lower())
        except ValueError as err:
            raise LineError(f"unknown phase {phase_text!r}") from err
        sets[phase].append(to_reading(measured, rim))
    if not sets[Phase.BEFORE]:
        raise LineError("no readings before adjustment")
    return AlignmentSession(
        before=AlignmentSet(tuple(sets[Phase.BEFORE])),
        after=AlignmentSet(tuple(sets[Phase.AFTER])) if sets[Phase.AFTER] else None,
        rig=rig,
        rig_session=session_id,
        rim_diameter_in=rim,
    )


def _rim(text: str | None) -> float | None:
    if not text:
        return None
    try:
        rim = float(text)
    except ValueError as err:
        raise LineError(f"rim diameter {text!r} is not a number") from err
    if not 10.0 <= rim <= 30.0:
        raise LineError(f"rim diameter {rim} in is not a car's")
    return rim


def parse_csv(text: str, session_id: str) -> AlignmentSession:
    """Columns phase, position, quantity, value, unit; optional session, rim_diameter_in."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    needed = {"phase", "position", "quantity", "value"}
    if reader.fieldnames is None or not needed <= {f.strip() for f in reader.fieldnames}:
        raise LineError(f"CSV needs the columns {', '.join(sorted(needed))} (and unit)")
    rows: list[tuple[str, Measured]] = []
    rim: float | None = None
    for number, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        try:
            rim = _rim(row.get("rim_diameter_in")) or rim
            session_id = row.get("session") or session_id
            rows.append(
                (
                    row["phase"],
                    _measured(row["position"], row["quantity"], row["value"], row.get("unit", "")),
                )
            )
        except (LineError, KeyError) as err:
            raise LineError(f"row {number}: {err}") from err
    return _session(rows, session_id, rim, "folder")


def parse_xml(data: bytes, session_id: str) -> AlignmentSession:
    """<alignment version="1" session=".." rim-diameter-in=".."><set phase="before"><reading .../>."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise LineError("XML with a DOCTYPE or entities is not accepted")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as err:
        raise LineError(f"XML does not parse: {err}") from err
    if root.tag != "alignment":
        raise LineError(f"XML root is <{root.tag}>, not <alignment>")
    if root.get("version", "1") != "1":
        raise LineError(f"alignment file version {root.get('version')!r}; this station reads 1")
    rim = _rim(root.get("rim-diameter-in"))
    rows: list[tuple[str, Measured]] = []
    for set_element in root.findall("set"):
        phase = set_element.get("phase", "")
        for reading in set_element.findall("reading"):
            attrs: dict[str, Any] = reading.attrib
            try:
                rows.append(
                    (
                        phase,
                        _measured(
                            attrs["position"],
                            attrs["quantity"],
                            attrs["value"],
                            attrs.get("unit", ""),
                        ),
                    )
                )
            except KeyError as err:
                raise LineError(f"<reading> without {err}") from err
    return _session(rows, root.get("session") or session_id, rim, "folder")


def parse_file(path: Path) -> AlignmentSession:
    """A measurement file to a session; any fault is a `LineError` naming the file."""
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise LineError(f"{path.name} is larger than {MAX_FILE_BYTES} bytes")
    try:
        if path.suffix.lower() == ".xml":
            return parse_xml(data, path.stem)
        return parse_csv(data.decode("utf-8-sig"), path.stem)
    except UnicodeDecodeError as err:
        raise LineError(f"{path.name} is not UTF-8 text") from err


class FolderRig(AlignmentRig):
    """Waits for a CSV or XML file in `folder` and imports it."""

    name = "folder"

    def __init__(self, folder: str | Path, poll: float = 0.2, **_: Any) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.poll = poll

    def open(self) -> None:
        if not self.folder.is_dir():
            raise AdapterNotFound(
                f"watched folder {self.folder} does not exist",
                key="rig.no_folder",
                folder=str(self.folder),
            )

    def close(self) -> None:
        """Nothing held open between reads."""

    def _candidates(self) -> list[Path]:
        files = [
            p
            for p in self.folder.iterdir()
            if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
        ]
        return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))

    def read_session(
        self, on_live: LiveCallback | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> AlignmentSession:
        deadline = time.monotonic() + timeout
        sizes: dict[Path, int] = {}
        while True:
            self._check_cancelled()
            for path in self._candidates():
                size = path.stat().st_size
                if sizes.get(path) != size:  # still being written: look again next round
                    sizes[path] = size
                    continue
                return self._import(path)
            if time.monotonic() >= deadline:
                raise DeviceTimeout(
                    f"no measurement file appeared in {self.folder} in {timeout:g} s",
                    key="rig.no_file",
                    folder=str(self.folder),
                    seconds=f"{timeout:g}",
                )
            time.sleep(self.poll)

    def _import(self, path: Path) -> AlignmentSession:
        try:
            session = parse_file(path)
        except (LineError, OSError) as err:
            self.stats.skipped += 1
            self._move(path, "rejected")
            raise ImportRejected(f"{path.name} cannot be imported: {err}") from err
        self.stats.records += len(session.before) + (len(session.after) if session.after else 0)
        self._move(path, "imported")
        log.info("imported alignment file %s", path.name)
        return session

    def _move(self, path: Path, where: str) -> None:
        target = self.folder / where
        target.mkdir(exist_ok=True)
        path.replace(target / path.name)
