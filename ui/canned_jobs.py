"""Canned jobs in Settings (admins): a "10,000 km service" and its lines, from the price
list. Picking a job puts it in the editor; lines are added, changed or removed there and
the job is saved as a whole (the core keeps the old one on record)."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QVBoxLayout, QWidget

from station import catalogue
from station.catalogue import CannedJob, PriceItem
from station.findings import LineKind
from ui.model import StationModel
from ui.setup import Form, line_edit
from ui.tables import fill, make_table, select_key, selected_key
from ui.texts import money
from ui.widgets.base import push_button
from ui.widgets.keypad import NumberField

log = logging.getLogger(__name__)


class CannedJobsForm(Form):
    """The workshop's canned jobs and an editor for one of them."""

    def __init__(self, model: StationModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("canned_jobs")
        self.jobs = make_table("canned_jobs_table")
        self.jobs.setMinimumHeight(150)
        self.jobs.horizontalHeader().setStretchLastSection(False)
        self.jobs.itemSelectionChanged.connect(self._job_chosen)
        self.name_en = line_edit("job_name_en")
        self.name_zh = line_edit("job_name_zh")
        self.lines_table = make_table("job_lines_table")
        self.lines_table.setMinimumHeight(150)
        self.lines_table.horizontalHeader().setStretchLastSection(False)
        self.item_pick = QComboBox()
        self.item_pick.setObjectName("job_item_pick")
        self.item_pick.setProperty("data", "true")  # the price list's own names
        self.quantity = NumberField(decimals=2)
        self.quantity.setObjectName("job_line_quantity")
        self.quantity.setRange(0.01, catalogue.MAX_HOURS)
        self.quantity.setValue(1)
        self.add_line = push_button("job_add_line")
        self.add_line.clicked.connect(self.add_picked_line)
        self.remove_line = push_button("job_remove_line")
        self.remove_line.clicked.connect(self.remove_chosen_line)
        self.save = push_button("job_save", accent=True)
        self.save.clicked.connect(self.keep)
        self.new = push_button("job_new")
        self.new.clicked.connect(self.start_new)
        self.retire = push_button("job_retire")
        self.retire.clicked.connect(self.retire_chosen)
        self.editing: int | None = None  # the job in the editor; None: a new one
        self.draft: list[tuple[str, float]] = []  # (item code, quantity)
        names = QHBoxLayout()
        names.addWidget(self.name_en)
        names.addWidget(self.name_zh)
        pick_row = QHBoxLayout()
        pick_row.addWidget(self.item_pick, 3)
        pick_row.addWidget(self.quantity, 1)
        pick_row.addWidget(self.add_line)
        job_buttons = QHBoxLayout()
        job_buttons.addWidget(self.new)
        job_buttons.addWidget(self.retire)
        job_buttons.addWidget(self.remove_line)
        job_buttons.addWidget(self.save)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.jobs)
        box.addLayout(names)
        box.addWidget(self.lines_table)
        box.addLayout(pick_row)
        box.addLayout(job_buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.name_en.setPlaceholderText(self.tr("Name in English"))
        self.name_zh.setPlaceholderText(self.tr("Name in Chinese"))
        self.add_line.setText(self.tr("Add line"))
        self.remove_line.setText(self.tr("Remove line"))
        self.save.setText(self.tr("Save job"))
        self.new.setText(self.tr("New job"))
        self.retire.setText(self.tr("Remove job"))
        self.quantity.title = self.tr("Quantity, or times the standard hours")
        self.show_jobs()

    # -- what is shown ---------------------------------------------------------------

    def _items(self) -> dict[str, PriceItem]:
        return {item.code: item for item in catalogue.price_items(self.model.workshop.store)}

    def _canned(self) -> list[CannedJob]:
        return catalogue.canned_jobs(self.model.workshop.store)

    def show_jobs(self) -> None:
        store = self.model.workshop.store
        language = self.model.language
        rate = catalogue.labour_rate_cents(store)
        jobs = self._canned()
        self.jobs.blockSignals(True)
        fill(
            self.jobs,
            [self.tr("Canned job"), self.tr("Lines"), self.tr("Price")],
            [
                (
                    job.name(language),
                    str(len(job.lines)),
                    money(
                        sum(line.total_cents for line in catalogue.job_lines(job, rate, language))
                    ),
                )
                for job in jobs
            ],
            [job.id for job in jobs],
        )
        self.jobs.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        if self.editing is not None:
            select_key(self.jobs, self.editing)
        self.jobs.blockSignals(False)
        chosen = self.item_pick.currentData()
        self.item_pick.clear()
        for item in self._items().values():
            self.item_pick.addItem(f"{item.code} · {item.name(language)}", item.code)
        self.item_pick.setCurrentIndex(max(self.item_pick.findData(chosen), 0))
        self._show_draft()

    def _show_draft(self) -> None:
        items = self._items()
        language = self.model.language
        rows = []
        for code, quantity in self.draft:
            item = items.get(code)
            name = item.name(language) if item is not None else "—"
            unit = (
                self.tr("%1 h").replace("%1", f"{item.hours * quantity:g}")
                if item is not None and item.kind is LineKind.LABOUR
                else f"× {quantity:g}"
            )
            rows.append((code, name, unit))
        fill(
            self.lines_table,
            [self.tr("Code"), self.tr("Name"), self.tr("Quantity")],
            rows,
            [code for code, _quantity in self.draft],
        )
        self.lines_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        may = self.model.may("catalogue.manage")
        for button in (self.add_line, self.save, self.new):
            button.setEnabled(may)
        self.remove_line.setEnabled(may and bool(self.draft))
        self.retire.setEnabled(may and self.editing is not None)

    # -- editing ------------------------------------------------------------------------

    def _job_chosen(self) -> None:
        key = selected_key(self.jobs)
        job = next((j for j in self._canned() if j.id == key), None)
        if job is None:
            return
        self.editing = job.id
        self.name_en.setText(job.name_en)
        self.name_zh.setText(job.name_zh)
        self.draft = [(item.code, quantity) for item, quantity in job.lines]
        self._show_draft()

    def choose(self, name: str) -> None:
        """Put the job named `name` (in either language) in the editor."""
        for job in self._canned():
            if name in (job.name_en, job.name_zh):
                select_key(self.jobs, job.id)
                self._job_chosen()
                return
        raise LookupError(name)

    def start_new(self) -> None:
        self.editing = None
        self.jobs.clearSelection()
        self.name_en.clear()
        self.name_zh.clear()
        self.draft = []
        self._show_draft()

    def add_picked_line(self) -> None:
        code = self.item_pick.currentData()
        if code is None:
            self.model.notify(self.tr("The price list is empty: add items first"), True)
            return
        quantity = self.quantity.value()
        known = dict(self.draft)
        if code in known:  # picked again: the quantity is the new one
            self.draft = [(c, quantity if c == code else q) for c, q in self.draft]
        else:
            self.draft.append((code, quantity))
        self.quantity.setValue(1)
        self._show_draft()

    def remove_chosen_line(self) -> None:
        code = selected_key(self.lines_table)
        if code is None:
            self.model.notify(self.tr("Choose a line first"), True)
            return
        self.draft = [(c, q) for c, q in self.draft if c != code]
        self._show_draft()

    def keep(self) -> None:
        store, actor = self.model.workshop.store, self.model.require_actor()
        names = (self.name_en.text(), self.name_zh.text())
        if self.editing is None:
            kept = self.model.act(catalogue.add_canned_job, store, actor, *names, self.draft)
        else:
            kept = self.model.act(
                catalogue.change_canned_job, store, actor, self.editing, *names, self.draft
            )
        if kept is not None:
            self.editing = kept
            self.model.notify(self.tr("Canned job saved"))
            self.show_jobs()

    def retire_chosen(self) -> None:
        if self.editing is None:
            return
        store, actor = self.model.workshop.store, self.model.require_actor()
        if self.model.act(catalogue.retire_canned_job, store, actor, self.editing) is not None:
            self.model.notify(self.tr("Canned job removed"))
            self.start_new()
            self.show_jobs()
