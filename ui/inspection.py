"""The multi-point inspection: sections, big green/amber/red buttons, measurements on
the keypad with last visit's value beside them, a photo per item."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station.checklists import ChecklistItem, Rating, inspection_templates, load_template
from station.photos import Stage
from station.vehicles import Powertrain
from ui.context import AppContext
from ui.photo_capture import take_photo
from ui.texts import rating_name
from ui.widgets.base import View, push_button
from ui.widgets.keypad import KeypadPopup

log = logging.getLogger(__name__)


@dataclass
class ItemRow:
    template_id: str
    item: ChecklistItem
    title: QLabel
    last: QLabel
    value: QLabel
    measure: QPushButton | None
    ratings: dict[Rating, QPushButton]
    photo: QPushButton


class InspectionView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("inspection")
        self.sections_row = QHBoxLayout()
        self.section_group = QButtonGroup(self)
        self.section_buttons: dict[str, QPushButton] = {}
        self.section = ""
        self.rows: dict[str, ItemRow] = {}
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setVerticalSpacing(6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        self.hint = QLabel()
        self.hint.setObjectName("measure_label")
        self.hint.setWordWrap(True)
        # The keypad floats over the list when "Measure" is tapped: the list keeps the width.
        self.popup = KeypadPopup(self, decimal=True)
        self.keypad = self.popup.keypad
        self.keypad.setObjectName("measure_keypad")
        self.measuring: str | None = None
        box = QVBoxLayout(self)
        box.addLayout(self.sections_row)
        box.addWidget(self.hint)
        box.addWidget(scroll, 1)
        self._templates: list[str] = []
        self.retranslate()

    def section_names(self) -> dict[str, str]:
        return {
            "tyres": self.tr("Tyres"),
            "brakes": self.tr("Brakes"),
            "battery": self.tr("12 V battery"),
            "fluids": self.tr("Fluids"),
            "lights": self.tr("Lights and wipers"),
            "underbody": self.tr("Underbody"),
            "hv": self.tr("High voltage"),
        }

    def retranslate(self) -> None:
        names = self.section_names()
        for key, button in self.section_buttons.items():
            button.setText(names.get(key, key))
        self.hint.setText(self.tr("Tap “Measure” on an item, type the value, press OK"))

    # -- building -----------------------------------------------------------------

    def _templates_for_work_order(self) -> list[str]:
        wo_id = self.model.work_order_id
        if wo_id is None:
            return []
        wo = self.model.workshop.work_order(wo_id)
        vehicle = self.model.workshop.vehicle(wo["vehicle_id"])
        return inspection_templates(Powertrain(vehicle["powertrain"]))

    def _build_sections(self, templates: list[str]) -> None:
        for button in self.section_buttons.values():
            self.section_group.removeButton(button)
            button.deleteLater()
        self.section_buttons = {}
        for template_id in templates:
            for key in load_template(template_id).sections:
                button = push_button(f"section_{key}")
                button.setCheckable(True)
                button.clicked.connect(lambda _=False, k=key: self.show_section(k))
                self.section_group.addButton(button)
                self.sections_row.addWidget(button)
                self.section_buttons[key] = button
        self._templates = templates
        self.retranslate()
        if self.section_buttons and self.section not in self.section_buttons:
            self.section = next(iter(self.section_buttons))

    def show_section(self, key: str) -> None:
        self.section = key
        self.measuring = None
        self.refresh()

    def refresh(self) -> None:
        super().refresh()
        templates = self._templates_for_work_order()
        if templates != self._templates:
            self._build_sections(templates)
        while self.grid.count():
            taken = self.grid.takeAt(0)
            if taken is not None and taken.widget() is not None:
                taken.widget().deleteLater()  # type: ignore[union-attr]
        self.rows = {}
        wo_id = self.model.work_order_id
        if wo_id is None or not self.section:
            return
        self.section_buttons[self.section].setChecked(True)
        workshop = self.model.workshop
        wo = workshop.work_order(wo_id)
        editable = self.model.may("checklist.record") and wo["status"] in (
            "checked_in",
            "diagnosing",
            "in_repair",
        )
        for template_id in templates:
            template = load_template(template_id)
            results = self._results(template_id)
            for item in template.items:
                if item.section != self.section:
                    continue
                self._add_row(
                    template_id, item, results.get(item.key), wo["vehicle_id"], wo_id, editable
                )

    def _results(self, template_id: str) -> dict[str, dict[str, object]]:
        wo_id = self.model.work_order_id
        if wo_id is None:
            return {}
        row = self.model.workshop.checklist_for(wo_id, template_id)
        return {} if row is None else self.model.workshop.checklist_results(int(row["id"]))

    def _add_row(
        self,
        template_id: str,
        item: ChecklistItem,
        result: dict[str, object] | None,
        vehicle_id: int,
        wo_id: int,
        editable: bool,
    ) -> None:
        r = len(self.rows)
        title = QLabel(item.title.in_language(self.model.language))
        title.setWordWrap(True)
        title.setMinimumWidth(150)
        last = QLabel()
        last.setObjectName(f"last_{item.key}")
        previous = self.model.workshop.last_visit_value(vehicle_id, item.key, wo_id)
        if previous is not None and previous["value"] is not None:
            last.setText(
                self.tr("last: %1").replace("%1", f"{previous['value']:g} {previous['unit'] or ''}")
            )
        value = QLabel()
        value.setObjectName(f"value_{item.key}")
        if result is not None:
            shown = rating_name(str(result["rating"]))
            if result["value"] is not None:
                shown = f"{result['value']:g} {result['unit'] or ''} · {shown}"
            value.setText(shown)
        measure = None
        if item.measurement is not None:
            measure = push_button(f"measure_{item.key}")
            measure.setText(self.tr("Measure"))
            measure.setEnabled(editable)
            measure.clicked.connect(lambda _=False, k=item.key: self._start_measuring(k))
        ratings: dict[Rating, QPushButton] = {}
        for rating in Rating:
            button = push_button(f"rate_{item.key}_{rating.value}", rating=rating.value)
            button.setText(rating_name(rating.value))
            button.setCheckable(True)
            button.setChecked(result is not None and result["rating"] == rating.value)
            button.setEnabled(editable)
            button.clicked.connect(lambda _=False, k=item.key, g=rating: self.rate(k, g))
            ratings[rating] = button
        photo = push_button(f"photo_{item.key}")
        photo.setText(self.tr("Photo"))
        photo.setEnabled(editable and self.ctx.devices.camera is not None)
        photo.clicked.connect(lambda _=False, k=item.key: self.photo(k))
        readings = QWidget()
        stacked = QVBoxLayout(readings)
        stacked.setContentsMargins(0, 0, 0, 0)
        stacked.setSpacing(0)
        stacked.addWidget(value)
        stacked.addWidget(last)
        self.grid.addWidget(title, r, 0)
        self.grid.addWidget(readings, r, 1)
        if measure is not None:
            self.grid.addWidget(measure, r, 2)
        for c, rating in enumerate(Rating):
            self.grid.addWidget(ratings[rating], r, 3 + c)
        self.grid.addWidget(photo, r, 6)
        self.grid.setColumnStretch(0, 1)
        self.rows[item.key] = ItemRow(
            template_id, item, title, last, value, measure, ratings, photo
        )

    # -- recording ---------------------------------------------------------------------

    def _checklist_id(self, template_id: str) -> int | None:
        wo_id = self.model.work_order_id
        if wo_id is None:
            return None
        created = self.model.act(
            self.model.workshop.start_checklist,
            self.model.require_actor(),
            wo_id,
            template_id,
            announce=False,
        )
        return None if created is None else created.id

    def _start_measuring(self, key: str) -> None:
        row = self.rows[key]
        self.measuring = key
        unit = row.item.measurement.unit if row.item.measurement else ""
        self.popup.ask(
            f"{row.item.title.in_language(self.model.language)} ({unit})", "", self._value_entered
        )

    def measure(self, key: str, value: float) -> None:
        """Record a measured value; the template's thresholds suggest the rating."""
        row = self.rows[key]
        checklist = self._checklist_id(row.template_id)
        if checklist is not None:
            self.model.act(
                self.model.workshop.record_item,
                self.model.require_actor(),
                checklist,
                key,
                None,
                value,
            )

    def _value_entered(self, text: str) -> None:
        if self.measuring is None or not text:
            return
        key, self.measuring = self.measuring, None
        self.measure(key, float(text))

    def rate(self, key: str, rating: Rating) -> None:
        row = self.rows[key]
        checklist = self._checklist_id(row.template_id)
        if checklist is None:
            return
        current = self.model.workshop.checklist_results(checklist).get(key)
        value = None if current is None else current["value"]
        self.model.act(
            self.model.workshop.record_item,
            self.model.require_actor(),
            checklist,
            key,
            rating,
            value,
        )

    def photo(self, key: str) -> None:
        row = self.rows[key]
        checklist = self._checklist_id(row.template_id)
        if checklist is None:
            return
        take_photo(
            self.ctx,
            Stage.BEFORE,
            lambda _p: None,
            checklist_id=checklist,
            item_key=key,
            caption=key,
        )
