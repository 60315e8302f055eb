"""The technician's queue: the cars in the workshop, and open or start a work order
by the VIN read from the car or by the plate."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from station.errors import StationError
from station.lifecycle import FINAL, Status
from ui.context import AppContext
from ui.equipment import Progress
from ui.errors import error_text
from ui.tables import fill, make_table, select_key, selected_key
from ui.texts import duration, status_name
from ui.widgets.base import View, heading, push_button

log = logging.getLogger(__name__)


def active_work_orders(ctx: AppContext) -> list[dict[str, Any]]:
    return [wo for wo in ctx.model.workshop.list_work_orders() if Status(wo["status"]) not in FINAL]


def approved_not_started(ctx: AppContext) -> dict[int, int]:
    """Work order id -> jobs the customer approved that nobody has clocked on yet."""
    rows = ctx.model.workshop.store.query(
        "SELECT j.work_order_id AS wo, COUNT(*) AS n FROM jobs j WHERE j.finding_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM clock_entries c WHERE c.job_id = j.id) "
        "GROUP BY j.work_order_id"
    )
    return {int(r["wo"]): int(r["n"]) for r in rows}


class QueueView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("queue")
        self.title = heading()
        self.table = make_table("queue_table")
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.open_button = push_button("queue_open", accent=True)
        self.open_button.clicked.connect(self.open_selected)
        self.search = QLineEdit()
        self.search.setObjectName("queue_search")
        self.read_vin = push_button("queue_read_vin")
        self.read_vin.clicked.connect(self.read_vin_from_car)
        self.start = push_button("queue_start", accent=True)
        self.start.clicked.connect(self.open_or_start)
        find = QHBoxLayout()
        find.addWidget(self.search, 1)
        find.addWidget(self.read_vin)
        find.addWidget(self.start)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addLayout(find)
        box.addWidget(self.table, 1)
        box.addWidget(self.open_button)
        self.known_approved: dict[int, int] | None = None  # approvals seen, to announce new ones
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Cars in the workshop"))
        self.search.setPlaceholderText(self.tr("VIN or plate"))
        self.read_vin.setText(self.tr("Read VIN from the car"))
        self.start.setText(self.tr("Open or start work order"))
        self.open_button.setText(self.tr("Open the selected work order"))

    def _status(self, wo: dict[str, Any], approved: int) -> str:
        text = status_name(wo["status"])
        if approved:
            text += " · " + self.tr("%n approved, ready to start", "", approved)
        return text

    def _announce_approvals(self, rows: list[dict[str, Any]], approved: dict[int, int]) -> None:
        """Tell the technician when a customer's approval arrives, not only on the next look."""
        if self.known_approved is not None:
            for wo in rows:
                if approved.get(wo["id"], 0) > self.known_approved.get(wo["id"], 0):
                    self.model.notify(
                        self.tr("The customer approved work on %1 (%2): ready to start")
                        .replace("%1", wo["number"])
                        .replace("%2", wo["plate"] or "")
                    )
        self.known_approved = approved

    def refresh(self) -> None:
        super().refresh()
        now = self.model.clock()
        rows = active_work_orders(self.ctx)
        approved = approved_not_started(self.ctx)
        self._announce_approvals(rows, approved)
        fill(
            self.table,
            [
                self.tr("Work order"),
                self.tr("Plate"),
                self.tr("Car"),
                self.tr("Bay"),
                self.tr("Status"),
                self.tr("In stage"),
            ],
            [
                (
                    wo["number"],
                    wo["plate"],
                    f"{wo['make'] or ''} {wo['model'] or ''}".strip(),
                    wo["bay"] or "",
                    self._status(wo, approved.get(wo["id"], 0)),
                    duration(now - datetime.fromisoformat(wo["status_since"])),
                )
                for wo in rows
            ],
            [wo["id"] for wo in rows],
        )
        if self.model.work_order_id is not None:
            select_key(self.table, self.model.work_order_id)
        self.read_vin.setEnabled(self.ctx.devices.vehicle is not None)

    def open_selected(self) -> None:
        wo_id = selected_key(self.table)
        if wo_id is None:
            self.model.notify(self.tr("Choose a work order first"), True)
            return
        self.model.select(int(wo_id))
        self.model.events.navigate.emit("work_order")

    def read_vin_from_car(self) -> None:
        vehicle = self.ctx.devices.vehicle
        if vehicle is None:
            self.model.notify(self.tr("No vehicle interface is connected"), True)
            return
        self.read_vin.setEnabled(False)

        def work(_progress: Progress) -> str | None:
            return vehicle.read_vin()

        def done(vin: str | None) -> None:
            self.read_vin.setEnabled(True)
            if vin:
                self.search.setText(vin)
            else:
                self.model.notify(self.tr("The car did not give its VIN"), True)

        def failed(message: str) -> None:
            self.read_vin.setEnabled(True)
            self.model.notify(message, True)

        self.ctx.workers.start(work, done, failed)

    def open_or_start(self) -> None:
        text = self.search.text().strip().upper()
        if not text:
            self.model.notify(self.tr("Type or read a VIN or plate first"), True)
            return
        workshop = self.model.workshop
        try:
            found = workshop.find_vehicles(vin=text) if len(text) == 17 else []
            found = found or workshop.find_vehicles(plate=text)
        except StationError as err:
            self.model.notify(error_text(err), True)
            return
        if not found:
            self.model.notify(
                self.tr("No car with this VIN or plate: the desk registers new cars"), True
            )
            return
        vehicle = found[0]
        for wo in active_work_orders(self.ctx):
            if wo["vehicle_id"] == vehicle["id"]:
                self.model.select(wo["id"])
                self.model.events.navigate.emit("work_order")
                return
        appointment = workshop.open_appointment_for_vehicle(vehicle["id"])
        appointment_id = None if appointment is None else int(appointment["id"])
        created = self.model.act(
            workshop.create_work_order,
            self.model.require_actor(),
            vehicle["id"],
            "",
            None,
            appointment_id,
            self.model.bay,
            self.model.booked_jobs.get(appointment_id or 0, []),
        )
        if created is not None:
            self.model.select(created.id)
            self.model.events.navigate.emit("work_order")
