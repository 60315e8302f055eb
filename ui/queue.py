"""The technician's queue: the cars in the workshop, and open or start a work order
by the VIN read from the car or by the plate, or open one by its number.

On a workshop terminal, closed work past its window is no longer kept here: a
number (or a car) the search does not find is asked of the hub in a worker, with
the screen saying so, and opened when it arrives.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from station.errors import NotFound, StationError
from station.identity import is_work_order_number
from station.lifecycle import FINAL, Status
from ui.context import AppContext
from ui.equipment import Progress
from ui.errors import error_text
from ui.tables import fill, make_table, select_key, selected_key
from ui.texts import duration, status_name
from ui.widgets.base import View, heading, push_button

log = logging.getLogger(__name__)

HUB_WAIT_S = 5.0  # one try's wait for the hub; two tries before it is called unreachable
FOUND, NOT_FOUND, UNREACHABLE = "found", "not_found", "unreachable"
FETCHING, FAILED = "fetching", "failed"  # what the screen says of the hub, with UNREACHABLE


def ask_hub(database: Path, ask: Callable[[Any], bool]) -> str:
    """In a worker: what the hub answered a search (`ask` gets a sync client of its own)."""
    from sync.client import SyncClient
    from sync.errors import Offline

    try:
        with SyncClient(database, timeout=HUB_WAIT_S, attempts=2) as client:
            return FOUND if ask(client) else NOT_FOUND
    except Offline as err:
        log.info("the hub did not answer a search: %s", err)
        return UNREACHABLE


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
        self.search.returnPressed.connect(self.open_or_start)
        self.search.textEdited.connect(self._typed)
        self.hub_state = QLabel()
        self.hub_state.setObjectName("queue_hub_state")
        self.hub_state.setWordWrap(True)
        self.hub_state.hide()
        self.asking: str | None = None  # what the hub is being asked for, while it is
        self.hub_word: tuple[str, str] | None = None  # the hub's state, and what it is about
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
        box.addWidget(self.hub_state)
        box.addWidget(self.table, 1)
        box.addWidget(self.open_button)
        self.known_approved: dict[int, int] | None = None  # approvals seen, to announce new ones
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Cars in the workshop"))
        self.search.setPlaceholderText(self.tr("VIN, plate or work order number"))
        self.read_vin.setText(self.tr("Read VIN from the car"))
        self.start.setText(self.tr("Open or start work order"))
        self.open_button.setText(self.tr("Open the selected work order"))
        self._show_hub_word()

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
            self.model.notify(self.tr("Type or read a VIN, plate or work order number first"), True)
            return
        if self.asking is not None:
            return  # the hub is being asked already; its answer opens it
        if is_work_order_number(text):
            self._open_number(text, hub=True)
            return
        try:
            car = self._car_here(text)
        except StationError as err:
            self.model.notify(error_text(err), True)
            return
        if car is not None:
            self._open_or_start_for(car)
        elif self._on_a_workshop_terminal():
            vin = text if len(text) == 17 else None

            def ask(client: Any) -> bool:
                return bool(client.fetch_car(vin=vin, plate=None if vin else text))

            self._ask_hub(text, ask, lambda: self._car_fetched(text))
        else:
            self._no_car()

    def _no_car(self) -> None:
        self.model.notify(
            self.tr("No car with this VIN or plate: the desk registers new cars"), True
        )

    def _on_a_workshop_terminal(self) -> bool:
        store = self.model.workshop.store
        return store.id_base is not None and store.path is not None

    def _open_number(self, number: str, hub: bool) -> None:
        """The work order with this number: here, else (closed work) from the hub."""
        try:
            wo = self.model.workshop.work_order_by_number(number)
        except NotFound:
            if hub and self._on_a_workshop_terminal():

                def ask(client: Any) -> bool:
                    return bool(client.fetch_work_order(number))

                self._ask_hub(number, ask, lambda: self._open_number(number, hub=False))
            else:
                self.model.notify(
                    self.tr("The workshop has no work order %1").replace("%1", number), True
                )
            return
        self.model.select(int(wo["id"]))
        self.model.events.navigate.emit("work_order")

    def _car_here(self, text: str) -> dict[str, Any] | None:
        """The car this terminal keeps with this VIN (17 characters) or plate."""
        workshop = self.model.workshop
        found = workshop.find_vehicles(vin=text) if len(text) == 17 else []
        found = found or workshop.find_vehicles(plate=text)
        return found[0] if found else None

    def _car_fetched(self, text: str) -> None:
        car = self._car_here(text)
        if car is None:
            self._no_car()
        else:
            self._open_or_start_for(car)

    def _ask_hub(self, text: str, ask: Callable[[Any], bool], then: Callable[[], None]) -> None:
        """Ask the hub in a worker for what this terminal does not keep; the screen says so
        meanwhile, and says so plainly when the hub cannot be reached."""
        database = self.model.workshop.store.path
        assert database is not None
        self.asking = text
        self.start.setEnabled(False)
        self._hub_says(FETCHING, text)

        def done(outcome: str) -> None:
            self._asked()
            if outcome == UNREACHABLE:
                self._hub_says(UNREACHABLE, text)
                return
            self._hub_says(None)
            if outcome == NOT_FOUND:
                if is_work_order_number(text):
                    self.model.notify(
                        self.tr("The workshop has no work order %1").replace("%1", text), True
                    )
                else:
                    self._no_car()
                return
            self.model.events.changed.emit()  # what arrived shows on every view
            then()

        def failed(message: str) -> None:
            self._asked()
            self._hub_says(FAILED, message)

        self.ctx.workers.start(lambda _progress: ask_hub(database, ask), done, failed)

    def _typed(self, _text: str) -> None:
        if self.asking is None:  # what the hub said last is about the old text
            self._hub_says(None)

    def _asked(self) -> None:
        self.asking = None
        self.start.setEnabled(True)

    def _hub_says(self, state: str | None, subject: str = "") -> None:
        """Show (None: hide) what the hub is doing about `subject`; a failure is also told."""
        self.hub_word = None if state is None else (state, subject)
        self._show_hub_word()
        if state in (UNREACHABLE, FAILED):
            self.model.notify(self.hub_state.text(), True)

    def _show_hub_word(self) -> None:
        """The hub's state in the screen's language (again when the language changes)."""
        text, error = "", False
        if self.hub_word is not None:
            state, subject = self.hub_word
            error = state != FETCHING
            if state == FETCHING:
                text = self.tr("Not kept on this terminal: fetching %1 from the hub…")
            elif state == UNREACHABLE:
                text = self.tr(
                    "The hub cannot be reached, so %1 cannot be fetched: closed work is kept "
                    "at the hub. Try again when the network is back."
                )
            else:
                text = "%1"  # the failure in its own words
            text = text.replace("%1", subject)
        self.hub_state.setText(text)
        self.hub_state.setProperty("notice", ("error" if error else "info") if text else "")
        self.hub_state.style().unpolish(self.hub_state)
        self.hub_state.style().polish(self.hub_state)
        self.hub_state.setVisible(bool(text))

    def _open_or_start_for(self, vehicle: dict[str, Any]) -> None:
        workshop = self.model.workshop
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
