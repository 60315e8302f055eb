"""Alignment: measure on the rig, live values per wheel against the car's
specification while the technician adjusts, and the before/after table."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from station.adjustment import adjustment_state, propose_adjustment
from station.alignment import (
    WHEELS,
    AlignmentReading,
    Phase,
    Position,
    Quantity,
    VehicleSpec,
    load_alignment,
    rate,
    spec_for_vehicle,
    store_alignment,
)
from station.errors import StationError
from ui.context import AppContext
from ui.equipment import Progress
from ui.model import DeviceState
from ui.style import RATING_COLOURS
from ui.tables import fill, make_table
from ui.texts import rating_name
from ui.widgets.base import View, heading, push_button
from ui.workers import Job

log = logging.getLogger(__name__)

LIVE_QUANTITIES = (Quantity.TOE, Quantity.CAMBER)


class AlignmentView(View):
    live = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("alignment")
        self.title = heading()
        self.state = QLabel()
        self.state.setObjectName("alignment_state")
        self.state.setProperty("data", "true")
        self.state.setWordWrap(True)
        self.measure_button = push_button("alignment_measure", accent=True)
        self.measure_button.clicked.connect(self.measure)
        self.cancel_button = push_button("alignment_cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.propose_button = push_button("alignment_propose")
        self.propose_button.clicked.connect(self.propose)
        self.wheels: dict[Position, QLabel] = {}
        grid = QGridLayout()
        for index, position in enumerate(WHEELS):
            label = QLabel()
            label.setObjectName(f"wheel_{position.value}")
            label.setMinimumHeight(70)
            label.setStyleSheet("border: 1px solid #b0bec5; border-radius: 8px; padding: 6px;")
            grid.addWidget(label, index // 2, index % 2)
            self.wheels[position] = label
        self.table = make_table("alignment_table")
        self.values: dict[tuple[Position, Quantity], float] = {}
        self.job: Job | None = None
        self.live.connect(self._on_live)
        buttons = QHBoxLayout()
        buttons.addWidget(self.measure_button)
        buttons.addWidget(self.cancel_button)
        top = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addLayout(buttons)
        left.addWidget(self.propose_button)
        left.addStretch(1)
        top.addLayout(left, 1)
        top.addLayout(grid, 1)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.state)  # the whole width: the specification and what was approved
        box.addWidget(self.table, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Wheel alignment: before and after"))
        self.measure_button.setText(self.tr("Measure on the rig"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.propose_button.setText(self.tr("Propose the adjustment to the customer"))
        self._show_wheels()

    def _wheel_names(self) -> dict[Position, str]:
        return {
            Position.FRONT_LEFT: self.tr("Front left"),
            Position.FRONT_RIGHT: self.tr("Front right"),
            Position.REAR_LEFT: self.tr("Rear left"),
            Position.REAR_RIGHT: self.tr("Rear right"),
            Position.FRONT_AXLE: self.tr("Front axle"),
            Position.REAR_AXLE: self.tr("Rear axle"),
            Position.VEHICLE: self.tr("Vehicle"),
        }

    def _quantity_names(self) -> dict[Quantity, str]:
        return {
            Quantity.TOE: self.tr("toe"),
            Quantity.CAMBER: self.tr("camber"),
            Quantity.CASTER: self.tr("caster"),
            Quantity.SAI: self.tr("steering axis inclination"),
            Quantity.INCLUDED_ANGLE: self.tr("included angle"),
            Quantity.TOTAL_TOE: self.tr("total toe"),
            Quantity.THRUST_ANGLE: self.tr("thrust angle"),
            Quantity.SETBACK: self.tr("setback"),
        }

    def _spec(self) -> VehicleSpec | None:
        wo_id = self.model.work_order_id
        if wo_id is None:
            return None
        vehicle = self.model.workshop.vehicle(self.model.workshop.work_order(wo_id)["vehicle_id"])
        try:
            return spec_for_vehicle(vehicle)
        except StationError:
            return None

    def _show_wheels(self) -> None:
        spec = self._spec()
        names = self._quantity_names()
        for position, label in self.wheels.items():
            parts = [f"<b>{self._wheel_names()[position]}</b>"]
            for quantity in LIVE_QUANTITIES:
                value = self.values.get((position, quantity))
                if value is None:
                    parts.append(f"{names[quantity]} —")
                    continue
                band = spec.range_for(position, quantity) if spec else None
                colour = RATING_COLOURS[rate(value, band).value] if band else "#000"
                limits = f" ({band.minimum:+.2f}…{band.maximum:+.2f})" if band else ""
                parts.append(
                    f"{names[quantity]} <span style='color:{colour}'><b>{value:+.2f}°</b></span>{limits}"
                )
            label.setText("<br>".join(parts))

    def refresh(self) -> None:
        super().refresh()
        wo_id = self.model.work_order_id
        busy = self.job is not None and self.job.running
        self.measure_button.setEnabled(
            wo_id is not None
            and self.ctx.devices.rig is not None
            and not busy
            and self.model.may("measurement.record")
        )
        self.cancel_button.setEnabled(busy)
        rated = None if wo_id is None else load_alignment(self.model.workshop.store, wo_id)
        if busy:
            self.state.setText(
                self.tr("Measuring: adjust the car, the rig sends the after set when done")
            )
        elif rated is None:
            self.state.setText(
                self.tr("No alignment measured on this work order")
                if self.ctx.devices.rig is not None
                else self.tr("No alignment rig is connected")
            )
        else:
            text = self.tr("Specification: %1").replace("%1", rated.spec_name or "—")
            assert wo_id is not None
            adjusted = adjustment_state(self.model.workshop, wo_id)
            if adjusted.after_taken and not adjusted.approved:
                text += "\n" + self.tr(
                    "No adjustment was approved before these readings: the report shows "
                    "the readings before adjustment only."
                )
            self.state.setText(text)
        out_of_spec = rated is not None and rated.worst(Phase.BEFORE) in ("amber", "red")
        self.propose_button.setEnabled(
            wo_id is not None
            and out_of_spec
            and not busy
            and self.model.may("finding.create")
            and not adjustment_state(self.model.workshop, wo_id).proposed
        )
        if rated is None:
            fill(self.table, [], [])
            return
        rows = []
        wheels, quantities = self._wheel_names(), self._quantity_names()
        for before in rated.phase(Phase.BEFORE):
            after = rated.reading(Phase.AFTER, before.position, before.quantity)
            rows.append(
                (
                    wheels[before.position],
                    quantities[before.quantity],
                    ""
                    if before.spec is None
                    else f"{before.spec.minimum:+.2f}° … {before.spec.maximum:+.2f}°",
                    f"{before.value_deg:+.2f}°",
                    rating_name(before.rating.value) if before.rating else "",
                    "" if after is None else f"{after.value_deg:+.2f}°",
                    ""
                    if after is None or after.rating is None
                    else rating_name(after.rating.value),
                )
            )
        fill(
            self.table,
            [
                self.tr("Wheel"),
                self.tr("Value"),
                self.tr("Specification"),
                self.tr("Before"),
                "",
                self.tr("After"),
                "",
            ],
            rows,
        )

    @Slot(object)
    def _on_live(self, reading: AlignmentReading) -> None:
        self.values[(reading.position, reading.quantity)] = reading.value_deg
        self._show_wheels()

    def measure(self) -> None:
        rig = self.ctx.devices.rig
        wo_id = self.model.work_order_id
        if rig is None or wo_id is None:
            return
        actor = self.model.require_actor()
        spec = self._spec()
        self.values = {}
        self.ctx.devices.report("rig", DeviceState.BUSY, rig.label)

        def work(_progress: Progress) -> Any:
            return rig.measure(self.live.emit)

        def done(session: Any) -> None:
            self.ctx.devices.report("rig", DeviceState.CONNECTED, rig.label)
            for reading in session.after.readings if session.after else ():
                self.values[(reading.position, reading.quantity)] = reading.value_deg
            self._show_wheels()
            self.model.act(store_alignment, self.model.workshop.store, actor, wo_id, session, spec)

        def failed(message: str) -> None:
            self.ctx.devices.report("rig", DeviceState.FAILED, rig.label, message)
            self.model.notify(message, True)
            self.refresh()

        self.job = self.ctx.workers.start(work, done, failed)
        self.refresh()

    def propose(self) -> None:
        """The adjustment as a priced finding for the customer, like any other extra work."""
        wo_id = self.model.work_order_id
        if wo_id is None:
            return
        actor = self.model.require_actor()
        self.model.act(propose_adjustment, self.model.workshop, actor, wo_id)

    def cancel(self) -> None:
        if self.ctx.devices.rig is not None:
            self.ctx.devices.rig.cancel()
