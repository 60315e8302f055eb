"""A walk-in at the desk: the customer and the car registered on the spot (the VIN read
from the car or typed), a work order opened with the job they asked for."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from station import catalogue, limits
from station.vehicles import Powertrain
from ui.context import AppContext
from ui.equipment import Progress
from ui.setup import line_edit
from ui.widgets.base import View, heading, push_button
from ui.widgets.keypad import NumberField

log = logging.getLogger(__name__)


class WalkInView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("walk_in")
        self.title = heading()
        self.customer_title, self.car_title = heading(), heading()
        self.name = line_edit("walk_in_name")
        self.phone = line_edit("walk_in_phone", digits=True)
        self.email = line_edit("walk_in_email")
        self.email.setMaxLength(limits.EMAIL.max_chars)
        self.language = QComboBox()
        self.language.setObjectName("walk_in_language")
        self.language.setProperty("data", "true")
        self.language.addItem("简体中文", "zh")
        self.language.addItem("English", "en")
        self.vin = line_edit("walk_in_vin")
        self.read_vin = push_button("walk_in_read_vin")
        self.read_vin.clicked.connect(self.read_vin_from_car)
        self.plate = line_edit("walk_in_plate")
        self.make = line_edit("walk_in_make")
        self.car_model = line_edit("walk_in_model")
        self.year = NumberField(decimals=0)
        self.year.setObjectName("walk_in_year")
        self.year.setRange(1950, 2100)
        self.year.setValue(self.model.clock().year)
        self.powertrain = QComboBox()
        self.powertrain.setObjectName("walk_in_powertrain")
        self.complaint = line_edit("walk_in_complaint")
        self.job = QComboBox()
        self.job.setObjectName("walk_in_job")
        self.job.setProperty("data", "true")
        self.register = push_button("walk_in_register", accent=True)
        self.register.clicked.connect(self.register_visit)
        self.pending: tuple[tuple[str, str, str], int] | None = None
        self.customer_form = QFormLayout()
        self.car_form = QFormLayout()
        self.labels = [QLabel() for _ in range(11)]
        vin_row = QHBoxLayout()
        vin_row.addWidget(self.vin, 1)
        vin_row.addWidget(self.read_vin)
        rows: list[tuple[QFormLayout, QWidget | QHBoxLayout]] = [
            (self.customer_form, self.name),
            (self.customer_form, self.phone),
            (self.customer_form, self.email),
            (self.customer_form, self.language),
            (self.customer_form, self.complaint),
            (self.customer_form, self.job),
            (self.car_form, vin_row),
            (self.car_form, self.plate),
            (self.car_form, self.make),
            (self.car_form, self.car_model),
            (self.car_form, self.year),
        ]
        for label, (form, field) in zip(self.labels, rows, strict=True):
            form.addRow(label, field)
        self.car_form.addRow(QLabel(), self.powertrain)
        self.powertrain_label = self.car_form.labelForField(self.powertrain)
        left = QVBoxLayout()
        left.addWidget(self.customer_title)
        left.addLayout(self.customer_form)
        left.addStretch(1)
        left.addWidget(self.register)
        right = QVBoxLayout()
        right.addWidget(self.car_title)
        right.addLayout(self.car_form)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addLayout(columns, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("A walk-in customer"))
        self.customer_title.setText(self.tr("Customer"))
        self.car_title.setText(self.tr("Car"))
        texts = [
            self.tr("Name"),
            self.tr("Phone"),
            self.tr("E-mail"),
            self.tr("Reads"),
            self.tr("Complaint"),
            self.tr("Job"),
            self.tr("VIN"),
            self.tr("Plate"),
            self.tr("Make"),
            self.tr("Model"),
            self.tr("Year"),
        ]
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        if isinstance(self.powertrain_label, QLabel):
            self.powertrain_label.setText(self.tr("Drive"))
        self.read_vin.setText(self.tr("Read from the car"))
        self.register.setText(self.tr("Register and open the work order"))
        self.year.title = self.tr("Model year")
        chosen = self.powertrain.currentData()
        self.powertrain.clear()
        self.powertrain.addItem(self.tr("Petrol or diesel"), Powertrain.ICE.value)
        self.powertrain.addItem(self.tr("Hybrid"), Powertrain.HEV.value)
        self.powertrain.addItem(self.tr("Electric"), Powertrain.EV.value)
        self.powertrain.setCurrentIndex(max(self.powertrain.findData(chosen), 0))
        self._fill_jobs()

    def refresh(self) -> None:
        super().refresh()
        self._fill_jobs()
        self.read_vin.setEnabled(self.ctx.devices.vehicle is not None)
        self.register.setEnabled(self.model.may("customer.manage"))

    def _fill_jobs(self) -> None:
        chosen = self.job.currentData()
        self.job.clear()
        self.job.addItem(self.tr("No job booked (diagnosis)"), None)
        for job in catalogue.canned_jobs(self.model.workshop.store):
            self.job.addItem(job.name(self.model.language), job.id)
        self.job.setCurrentIndex(max(self.job.findData(chosen), 0))

    def choose_job(self, text_part: str) -> None:
        for index in range(self.job.count()):
            if text_part in self.job.itemText(index):
                self.job.setCurrentIndex(index)
                return
        raise LookupError(text_part)

    def read_vin_from_car(self) -> None:
        vehicle = self.ctx.devices.vehicle
        if vehicle is None:
            self.model.notify(self.tr("No vehicle interface is connected"), True)
            return
        self.read_vin.setEnabled(False)

        def done(vin: str | None) -> None:
            self.read_vin.setEnabled(True)
            if vin:
                self.vin.setText(vin)
            else:
                self.model.notify(self.tr("The car did not give its VIN"), True)

        def failed(message: str) -> None:
            self.read_vin.setEnabled(True)
            self.model.notify(message, True)

        def work(_progress: Progress) -> str | None:
            return vehicle.read_vin()

        self.ctx.workers.start(work, done, failed)

    def register_visit(self) -> None:
        """The customer, the car (unless the VIN or plate is known) and the work order."""
        workshop = self.model.workshop
        actor = self.model.require_actor()
        vin, plate = self.vin.text().strip().upper(), self.plate.text().strip().upper()
        # A typed VIN names the car; the plate only when there is no VIN (plates move to
        # other cars, so a known plate must not put this visit on another VIN's car).
        if vin:
            known = workshop.find_vehicles(vin=vin) if len(vin) == 17 else []
        else:
            known = workshop.find_vehicles(plate=plate) if plate else []
        person = (self.name.text().strip(), self.phone.text().strip(), self.email.text().strip())
        if self.pending is not None and self.pending[0] == person:
            customer_id = self.pending[1]  # registered on the last try, before the car failed
        else:
            customer = self.model.act(
                workshop.add_customer,
                actor,
                person[0],
                person[1] or None,
                str(self.language.currentData()),
                person[2] or None,
                announce=False,
            )
            if customer is None:
                return
            customer_id = customer.id
            self.pending = (person, customer_id)
        if known:
            vehicle_id = int(known[0]["id"])
        else:
            added = self.model.act(
                workshop.add_vehicle,
                actor,
                vin or None,
                plate or None,
                Powertrain(self.powertrain.currentData()),
                self.make.text().strip() or None,
                self.car_model.text().strip() or None,
                int(self.year.value()),
                customer_id,
                announce=False,
            )
            if added is None:
                return
            vehicle_id = added.id
            if added.warnings:
                self.model.notify("; ".join(added.warnings))
        job = next(
            (j for j in catalogue.canned_jobs(workshop.store) if j.id == self.job.currentData()),
            None,
        )
        created = self.model.act(
            workshop.create_work_order,
            actor,
            vehicle_id,
            self.complaint.text().strip(),
            customer_id,
            None,
            self.model.bay,
            [job.name(str(self.language.currentData()))] if job else [],
        )
        if created is None:
            return
        self.pending = None
        for field in (
            self.name,
            self.phone,
            self.email,
            self.vin,
            self.plate,
            self.make,
            self.car_model,
        ):
            field.clear()
        self.complaint.clear()
        self.model.select(created.id)
        self.model.events.navigate.emit("work_order")
