"""Check-in at the bay: the appointment's pre-diagnosis, the walk-around on the car
outline, mileage, fuel or charge, warning lights, valuables, photos, the customer's
confirmation."""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from station import limits
from station.checklists import Rating
from station.lifecycle import Status
from station.photos import Stage
from ui.context import AppContext
from ui.photo_capture import take_photo
from ui.texts import in_language, prediagnosis_lines
from ui.widgets.base import View, push_button
from ui.widgets.car_outline import CarOutline
from ui.widgets.keypad import NumericKeypad

log = logging.getLogger(__name__)

WARNING_LIGHTS = (
    "check_engine",
    "abs",
    "airbag",
    "battery",
    "oil_pressure",
    "tyre_pressure",
    "ev_system",
)


class CheckInView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("checkin")
        self.prediagnosis = QLabel()
        self.prediagnosis.setObjectName("prediagnosis")
        self.prediagnosis.setWordWrap(True)
        self.prediagnosis.setProperty("notice", "info")
        self.prediagnosis.setProperty("data", "true")
        self.outline = CarOutline()
        self.outline_hint = QLabel()
        self.outline_hint.setWordWrap(True)
        self.clear_marks = push_button("checkin_clear_marks")
        self.clear_marks.clicked.connect(self.outline.clear)
        self.mileage_label = QLabel()
        self.keypad = NumericKeypad()
        self.keypad.setObjectName("mileage_keypad")
        self.energy_label = QLabel()
        self.energy = QSlider(Qt.Orientation.Horizontal)
        self.energy.setObjectName("energy_level")
        self.energy.setRange(0, 100)
        self.energy.setSingleStep(5)
        self.energy.setPageStep(25)
        self.energy.setValue(50)
        self.energy.setMinimumHeight(48)
        self.energy.valueChanged.connect(lambda _v: self._energy_text())
        self.lights: dict[str, QPushButton] = {}
        lights = QGridLayout()
        for index, key in enumerate(WARNING_LIGHTS):
            button = push_button(f"light_{key}")
            button.setCheckable(True)
            lights.addWidget(button, index // 3, index % 3)
            self.lights[key] = button
        self.valuables = QLineEdit()
        self.valuables.setObjectName("valuables")
        self.valuables.setMaxLength(limits.NOTE.max_chars)
        self.photo = push_button("checkin_photo")
        self.photo.clicked.connect(self.take_photo)
        self.photo_count = QLabel()
        self.photo_count.setObjectName("checkin_photo_count")
        self.confirmed = push_button("customer_confirmed")
        self.confirmed.setCheckable(True)
        self.check_in = push_button("check_in", accent=True)
        self.check_in.clicked.connect(self.submit)
        self.form_work_order: int | None = None  # whose facts the form shows

        left = QVBoxLayout()
        left.addWidget(self.outline, 1)
        left.addWidget(self.outline_hint)
        left.addWidget(self.clear_marks)
        middle = QVBoxLayout()
        energy_row = QHBoxLayout()
        energy_row.addWidget(self.energy_label)
        energy_row.addWidget(self.energy, 1)
        middle.addLayout(energy_row)
        middle.addLayout(lights)
        middle.addWidget(self.valuables)
        photo_row = QHBoxLayout()
        photo_row.addWidget(self.photo)
        photo_row.addWidget(self.photo_count, 1)
        middle.addLayout(photo_row)
        middle.addStretch(1)
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.confirmed, 2)
        confirm_row.addWidget(self.check_in, 1)
        middle.addLayout(confirm_row)
        right = QVBoxLayout()
        right.addWidget(self.mileage_label)
        right.addWidget(self.keypad)
        right.addStretch(1)
        row = QHBoxLayout()
        row.addLayout(left, 2)
        row.addLayout(middle, 3)
        row.addLayout(right, 2)
        box = QVBoxLayout(self)
        box.addWidget(self.prediagnosis)
        box.addLayout(row, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.outline_hint.setText(self.tr("Tap the car where it is damaged"))
        self.clear_marks.setText(self.tr("Clear marks"))
        self.mileage_label.setText(self.tr("Mileage (km)"))
        self._energy_text()
        names = {
            "check_engine": self.tr("Engine"),
            "abs": self.tr("ABS"),
            "airbag": self.tr("Airbag"),
            "battery": self.tr("Battery"),
            "oil_pressure": self.tr("Oil"),
            "tyre_pressure": self.tr("Tyres"),
            "ev_system": self.tr("EV system"),
        }
        for key, button in self.lights.items():
            button.setText(names[key])
        self.valuables.setPlaceholderText(self.tr("Valuables left in the car"))
        self.photo.setText(self.tr("Take walk-around photo"))
        self.confirmed.setText(self.tr("Customer confirmed"))
        self.check_in.setText(self.tr("Check in"))

    def _energy_text(self) -> None:
        self.energy_label.setText(
            self.tr("Fuel or charge: %1 %").replace("%1", str(self.energy.value()))
        )

    def refresh(self) -> None:
        super().refresh()
        wo_id = self.model.work_order_id
        self.check_in.setEnabled(False)
        if wo_id is None:
            self.prediagnosis.setText(self.tr("No work order open"))
            return
        workshop = self.model.workshop
        wo = workshop.work_order(wo_id)
        self.check_in.setEnabled(
            wo["status"] == Status.BOOKED.value and self.model.may("work_order.check_in")
        )
        self.prediagnosis.setText(self._prediagnosis_text(wo))
        self.prediagnosis.setToolTip(self.prediagnosis.text())
        photos = self.ctx.photos.for_work_order(wo_id, Stage.WALK_AROUND)
        self.photo_count.setText(self.tr("%n photo(s)", "", len(photos)))
        last = workshop.last_mileage(wo["vehicle_id"])
        self.mileage_label.setText(
            self.tr("Mileage (km)")
            if last is None
            else self.tr("Mileage (km), last recorded %1 km").replace("%1", f"{last:,}")
        )
        if wo_id != self.form_work_order:
            self._start_form(wo_id)

    def _start_form(self, wo_id: int) -> None:
        """The form shows this work order's facts only: its check-in, or nothing yet."""
        self.form_work_order = wo_id
        self.outline.clear()
        self.keypad.clear()
        self.energy.setValue(50)
        for button in self.lights.values():
            button.setChecked(False)
        self.valuables.clear()
        self.confirmed.setChecked(False)
        record = self.model.workshop.latest_check_in(wo_id)
        if record is not None:
            self.outline.set_marks(json.loads(record["damage_marks"]))
            self.keypad.set_text(str(record["mileage_km"]))
            if record["energy_level_pct"] is not None:
                self.energy.setValue(int(record["energy_level_pct"]))
            lights = set(json.loads(record["warning_lights"]))
            for key, button in self.lights.items():
                button.setChecked(key in lights)
            self.valuables.setText(record["valuables"])
            self.confirmed.setChecked(bool(record["customer_confirmed"]))

    def _prediagnosis_text(self, wo: dict[str, Any]) -> str:
        complaint = in_language(str(wo["complaint"] or ""), self.model.language)
        lines = [self.tr("Complaint: %1").replace("%1", complaint or "—")]
        if wo["appointment_id"] is not None:
            lines.extend(prediagnosis_lines(self.model.workshop.prediagnosis(wo["appointment_id"])))
        return " · ".join(lines)

    def take_photo(self) -> None:
        self.photo.setEnabled(False)
        started = take_photo(
            self.ctx,
            Stage.WALK_AROUND,
            lambda _p: self.photo.setEnabled(True),
            lambda _m: self.photo.setEnabled(True),
            caption="walk-around",
        )
        if not started:
            self.photo.setEnabled(True)

    def submit(self) -> None:
        wo_id = self.model.work_order_id
        if wo_id is None:
            return
        if not self.keypad.text():
            self.model.notify(self.tr("Enter the mileage first"), True)
            return
        actor = self.model.require_actor()
        workshop = self.model.workshop
        marks = self.outline.marks()
        lights = [key for key, button in self.lights.items() if button.isChecked()]
        walk = self.model.act(workshop.start_checklist, actor, wo_id, "walkaround", announce=False)
        if walk is None:
            return
        for item, bad, note in (
            ("body_damage", bool(marks), f"{len(marks)} mark(s) on the outline"),
            ("warning_lights", bool(lights), ", ".join(lights)),
            ("valuables", False, self.valuables.text()),
        ):
            rating = Rating.AMBER if bad else Rating.GREEN
            if (
                self.model.act(
                    workshop.record_item, actor, walk.id, item, rating, None, note, announce=False
                )
                is None
            ):
                return
        warnings = self.model.act(
            workshop.check_in,
            actor,
            wo_id,
            int(self.keypad.text()),
            self.energy.value(),
            lights,
            self.valuables.text(),
            marks,
            self.confirmed.isChecked(),
        )
        if warnings:
            self.model.notify("; ".join(warnings))
