"""Checklist templates and item ratings.

Templates are versioned JSON files in `fixtures/checklists/`; a checklist stores
the template id and version it was made from, so an old result is always read
against the template it was recorded with.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from station.errors import NotFound
from station.fixtures import fixtures_dir, load_json
from station.vehicles import Powertrain

log = logging.getLogger(__name__)


class Rating(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class Text:
    en: str
    zh: str

    def in_language(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class Measurement:
    """How an item is measured and when the value turns amber or red.

    `amber_below`/`red_below` for wearing parts (tread, pads, state of health);
    `amber_outside`/`red_outside` as (low, high) for values with a window (pressure).
    `life_minimum` and `wear_per_1000_km` give a remaining-life estimate.
    """

    quantity: str
    unit: str
    amber_below: float | None = None
    red_below: float | None = None
    amber_outside: tuple[float, float] | None = None
    red_outside: tuple[float, float] | None = None
    life_minimum: float | None = None
    wear_per_1000_km: float | None = None


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: Text
    section: str
    measurement: Measurement | None = None


@dataclass(frozen=True)
class ChecklistTemplate:
    id: str
    version: int
    kind: str
    title: Text
    items: tuple[ChecklistItem, ...]

    def item(self, key: str) -> ChecklistItem:
        for item in self.items:
            if item.key == key:
                return item
        raise NotFound(
            f"checklist {self.id} v{self.version} has no item {key!r}", key="record.not_found"
        )

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(item.section for item in self.items))


def _text(raw: dict[str, str]) -> Text:
    return Text(en=raw["en"], zh=raw["zh"])


def _window(raw: Any) -> tuple[float, float] | None:
    return None if raw is None else (float(raw[0]), float(raw[1]))


def parse_template(raw: dict[str, Any]) -> ChecklistTemplate:
    items: list[ChecklistItem] = []
    for section in raw["sections"]:
        for item in section["items"]:
            m = item.get("measurement")
            measurement = None
            if m is not None:
                measurement = Measurement(
                    quantity=m["quantity"],
                    unit=m["unit"],
                    amber_below=m.get("amber_below"),
                    red_below=m.get("red_below"),
                    amber_outside=_window(m.get("amber_outside")),
                    red_outside=_window(m.get("red_outside")),
                    life_minimum=m.get("life_minimum"),
                    wear_per_1000_km=m.get("wear_per_1000_km"),
                )
            items.append(
                ChecklistItem(
                    key=item["key"],
                    title=_text(item["title"]),
                    section=section["key"],
                    measurement=measurement,
                )
            )
    return ChecklistTemplate(
        id=raw["id"],
        version=int(raw["version"]),
        kind=raw["kind"],
        title=_text(raw["title"]),
        items=tuple(items),
    )


def load_template(template_id: str, version: int | None = None) -> ChecklistTemplate:
    """The given version, or the newest one, of a template in `fixtures/checklists/`."""
    folder = fixtures_dir() / "checklists"
    candidates = sorted(folder.glob(f"{template_id}.v*.json"))
    if version is not None:
        candidates = [p for p in candidates if p.name == f"{template_id}.v{version}.json"]
    if not candidates:
        wanted = template_id if version is None else f"{template_id} v{version}"
        raise NotFound(f"no checklist template {wanted} in {folder}", key="record.not_found")
    newest = max(candidates, key=lambda p: int(p.name.rsplit(".v", 1)[1].split(".")[0]))
    return parse_template(load_json(f"checklists/{newest.name}"))


def inspection_templates(powertrain: Powertrain) -> list[str]:
    """The multi-point inspection for a car: the common one, plus HV checks on EV and HEV."""
    templates = ["inspection"]
    if powertrain in (Powertrain.EV, Powertrain.HEV):
        templates.append("inspection-hv")
    return templates


def suggest_rating(measurement: Measurement, value: float) -> Rating:
    """The rating a measured value earns; the technician may still choose another."""
    if measurement.red_below is not None and value < measurement.red_below:
        return Rating.RED
    if measurement.red_outside is not None and not (
        measurement.red_outside[0] <= value <= measurement.red_outside[1]
    ):
        return Rating.RED
    if measurement.amber_below is not None and value < measurement.amber_below:
        return Rating.AMBER
    if measurement.amber_outside is not None and not (
        measurement.amber_outside[0] <= value <= measurement.amber_outside[1]
    ):
        return Rating.AMBER
    return Rating.GREEN


def remaining_life_km(measurement: Measurement, value: float) -> int | None:
    """Kilometres left before the part reaches its minimum, where a wear rule exists.

    Rounded down to the thousand: a customer told "about 2,000 km" for pads that
    have 1,500 km left would be told too much.
    """
    if measurement.life_minimum is None or not measurement.wear_per_1000_km:
        return None
    left = (value - measurement.life_minimum) / measurement.wear_per_1000_km * 1000
    return max(0, int(left + 1e-6) // 1000 * 1000)
