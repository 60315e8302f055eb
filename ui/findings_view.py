"""Findings: from an amber or red item or from a trouble code, with estimate lines;
then send them to the customer for approval."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from drivers.obd.dtc import describe_dtc
from station import catalogue, limits
from station.checklists import load_template
from station.diagnostics import latest_scan
from station.findings import EstimateLine, FindingDraft, LineKind, Severity, labour, part
from station.lifecycle import TRANSITIONS, Status
from station.truth import code_sources
from ui.context import AppContext
from ui.tables import fill, make_table, selected_key
from ui.texts import in_language, money, severity_name, state_name
from ui.widgets.base import View, heading, push_button
from ui.widgets.keypad import NumberField

log = logging.getLogger(__name__)


class FindingsView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("findings")
        self.table = make_table("findings_table")
        self.table.setMinimumHeight(140)
        self.form_title = heading()
        self.source = QComboBox()
        self.source.setObjectName("finding_source")
        self.source.currentIndexChanged.connect(self._source_chosen)
        self.title = QLineEdit()
        self.title.setObjectName("finding_title")
        self.title.setMaxLength(limits.TITLE.max_chars)
        self.severity = QComboBox()
        self.severity.setObjectName("finding_severity")
        self.job = QLineEdit()
        self.job.setObjectName("finding_job")
        self.job.setMaxLength(limits.DESCRIPTION.max_chars)
        self.line_description = QLineEdit()
        self.line_description.setObjectName("line_description")
        self.line_description.setMaxLength(limits.DESCRIPTION.max_chars)
        self.line_quantity = NumberField(decimals=1, suffix=" ×")
        self.line_quantity.setObjectName("line_quantity")
        self.line_quantity.setRange(0.1, 100)
        self.line_quantity.setValue(1)
        self.line_price = NumberField(decimals=0, suffix=" ¥")
        self.line_price.setObjectName("line_price")
        self.line_price.setRange(0, 1_000_000)
        self.add_part = push_button("add_part_line")
        self.add_part.clicked.connect(lambda: self._add_line(labour_line=False))
        self.add_labour = push_button("add_labour_line")
        self.add_labour.clicked.connect(lambda: self._add_line(labour_line=True))
        # The usual way: a line (or a canned job's lines) picked from the price list.
        self.price_pick = QComboBox()
        self.price_pick.setObjectName("price_pick")
        self.price_pick.setProperty("data", "true")
        self.add_picked = push_button("add_picked_line", accent=True)
        self.add_picked.clicked.connect(self.add_from_price_list)
        self.lines_table: QTableWidget = make_table("estimate_lines")
        self.lines_table.setMinimumHeight(90)
        self.lines: list[EstimateLine] = []
        self.total = QLabel()
        self.add = push_button("add_finding", accent=True)
        self.add.clicked.connect(self.add_finding)
        self.send = push_button("send_for_approval", accent=True)
        self.send.clicked.connect(self.send_for_approval)
        self.form_work_order: int | None = None  # whose finding the form is for
        # A finding is corrected, never edited: withdrawn, or replaced by the form's finding.
        self.correction_reason = QLineEdit()
        self.correction_reason.setObjectName("correction_reason")
        self.correction_reason.setMaxLength(300)
        self.withdraw = push_button("withdraw_finding")
        self.withdraw.clicked.connect(self.withdraw_selected)
        self.replace = push_button("replace_finding")
        self.replace.clicked.connect(self.replace_selected)

        # Left: the findings so far and the way to the customer; right: the new finding.
        left = QVBoxLayout()
        left.addWidget(self.form_title)
        left.addWidget(self.table, 1)
        self.correction_hint = QLabel()
        self.correction_hint.setWordWrap(True)
        left.addWidget(self.correction_hint)
        left.addWidget(self.correction_reason)
        left.addWidget(self.withdraw)
        left.addWidget(self.replace)
        left.addWidget(self.send)
        pick_row = QHBoxLayout()
        pick_row.addWidget(self.price_pick, 1)
        pick_row.addWidget(self.line_quantity)
        pick_row.addWidget(self.add_picked)
        typed_row = QHBoxLayout()
        typed_row.addWidget(self.line_description, 1)
        typed_row.addWidget(self.line_price)
        typed_row.addWidget(self.add_part)
        typed_row.addWidget(self.add_labour)
        actions = QHBoxLayout()
        actions.addWidget(self.total, 1)
        actions.addWidget(self.add)
        choose_row = QHBoxLayout()
        choose_row.addWidget(self.source, 1)
        choose_row.addWidget(self.severity)
        right = QVBoxLayout()
        right.addLayout(choose_row)
        right.addWidget(self.title)
        right.addWidget(self.job)
        right.addLayout(pick_row)
        right.addLayout(typed_row)
        right.addWidget(self.lines_table, 1)
        right.addLayout(actions)
        box = QHBoxLayout(self)
        box.addLayout(left, 2)
        box.addLayout(right, 3)
        self.retranslate()

    def retranslate(self) -> None:
        self.form_title.setText(self.tr("Findings"))
        self.title.setPlaceholderText(self.tr("What was found (the customer reads this)"))
        self.job.setPlaceholderText(self.tr("Recommended job"))
        self.line_description.setPlaceholderText(self.tr("Part or labour"))
        self.line_quantity.title = self.tr("Quantity")
        self.line_price.title = self.tr("Unit price")
        self.add_labour.setText(self.tr("Labour"))
        self.add_part.setText(self.tr("Part"))
        self.add_picked.setText(self.tr("Add"))
        self._fill_price_list()
        self.add.setText(self.tr("Add finding"))
        self.send.setText(self.tr("Send for approval"))
        self.correction_hint.setText(
            self.tr("Why the selected finding is corrected (kept on record)")
        )
        self.withdraw.setText(self.tr("Withdraw selected"))
        self.replace.setText(self.tr("Replace selected with the form"))
        index = self.severity.currentIndex()
        self.severity.clear()
        self.severity.addItem(self.tr("Urgent (safety)"), Severity.URGENT.value)
        self.severity.addItem(self.tr("Soon"), Severity.SOON.value)
        self.severity.addItem(self.tr("Advisory"), Severity.ADVISORY.value)
        self.severity.setCurrentIndex(max(index, 0))
        self._show_lines()

    def refresh(self) -> None:
        super().refresh()
        self._fill_price_list()
        wo_id = self.model.work_order_id
        can_add = wo_id is not None and self.model.may("finding.create")
        self.add.setEnabled(can_add)
        self.withdraw.setEnabled(can_add)
        self.replace.setEnabled(can_add)
        current = None if wo_id is None else Status(self.model.workshop.work_order(wo_id)["status"])
        self.send.setEnabled(
            current is not None
            and Status.AWAITING_APPROVAL in TRANSITIONS[current]
            and self.model.may("work_order.request_approval")
        )
        if wo_id is None:
            fill(self.table, [], [])
            return
        if wo_id != self.form_work_order:
            self._start_form(wo_id)
        findings = self.model.workshop.findings(wo_id)
        fill(
            self.table,
            [self.tr("Finding"), self.tr("Severity"), self.tr("Estimate"), self.tr("Customer")],
            [
                (
                    in_language(f["title"], self.model.language),
                    severity_name(f["severity"]),
                    money(f["total_cents"]),
                    self._standing_text(f),
                )
                for f in findings
            ],
            [f["id"] for f in findings],
        )
        active = [f for f in findings if f["standing"] == "active"]
        self._fill_sources(wo_id, {(f["source_kind"], f["source_ref"]) for f in active})

    def _standing_text(self, finding: dict[str, Any]) -> str:
        if finding["standing"] == "withdrawn":
            return self.tr("withdrawn")
        if finding["standing"] == "superseded":
            return self.tr("replaced")
        return state_name(finding["state"])

    def _selected_finding(self) -> int | None:
        key = selected_key(self.table)
        if key is None:
            self.model.notify(self.tr("Choose a finding in the list first"), True)
            return None
        return int(key)

    def withdraw_selected(self) -> None:
        finding_id = self._selected_finding()
        if finding_id is None:
            return
        done = self.model.act(
            self.model.workshop.withdraw_finding,
            self.model.require_actor(),
            finding_id,
            self.correction_reason.text(),
        )
        if done is not None:
            self.correction_reason.clear()
            self.model.notify(self.tr("Finding withdrawn; it stays on record"))

    def replace_selected(self) -> None:
        """The form's finding replaces the selected one, which stays on record, linked."""
        finding_id = self._selected_finding()
        if finding_id is None:
            return
        done = self.model.act(
            lambda: self.model.workshop.supersede_finding(
                self.model.require_actor(),
                finding_id,
                self.correction_reason.text(),
                self._draft(),
            )
        )
        if done is not None:
            self.correction_reason.clear()
            self._start_form((finding_id and self.form_work_order) or 0)
            self.model.notify(self.tr("Finding replaced; the first one stays on record"))

    def _start_form(self, wo_id: int) -> None:
        """A new finding starts empty for every work order: no title, line or price carries over."""
        self.form_work_order = wo_id
        self.lines = []
        self.title.clear()
        self.job.clear()
        self.line_description.clear()
        self.line_quantity.setValue(1)
        self.line_price.setValue(0)
        self.severity.setCurrentIndex(0)
        self._show_lines()

    def _fill_sources(self, wo_id: int, used: set[tuple[str, str | None]]) -> None:
        """Amber and red items and the pre-repair scan's codes that have no finding yet."""
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem(self.tr("Other (typed by hand)"), None)
        workshop = self.model.workshop
        for checklist in workshop.checklists(wo_id):
            if checklist["template_id"] == "walkaround":
                continue
            template = load_template(checklist["template_id"], checklist["template_version"])
            for key, result in workshop.checklist_results(checklist["id"]).items():
                if result["rating"] == "green" or ("checklist", str(result["id"])) in used:
                    continue
                item = template.item(key)
                label = item.title.in_language(self.model.language)
                if result["value"] is not None:
                    label += f" {result['value']:g} {result['unit'] or ''}"
                self.source.addItem(
                    f"● {label}",
                    {
                        "kind": "checklist",
                        "id": result["id"],
                        "title": label,
                        "rating": result["rating"],
                    },
                )
        scan = latest_scan(workshop, wo_id, "pre")
        if scan is not None:
            for source in code_sources(scan["result"]):  # one entry per code, however reported
                if ("dtc", source.code) in used:
                    continue
                meaning = describe_dtc(source.code, self.model.language)
                label = f"{source.code}: {meaning or '; '.join(source.descriptions)}".rstrip(": ")
                self.source.addItem(
                    f"⚠ {label}",
                    {"kind": "dtc", "code": source.code, "title": label, "rating": "red"},
                )
        self.source.blockSignals(False)

    def _source_chosen(self, index: int) -> None:
        data: dict[str, Any] | None = self.source.itemData(index)
        if data is None:
            return
        self.title.setText(str(data["title"]))
        self.severity.setCurrentIndex(0 if data["rating"] == "red" else 1)

    def choose_source(self, text_part: str) -> None:
        for index in range(self.source.count()):
            if text_part in self.source.itemText(index):
                self.source.setCurrentIndex(index)
                return
        raise LookupError(text_part)

    def _fill_price_list(self) -> None:
        """Canned jobs first, then the items; each shown with its price in the screen's language."""
        store = self.model.workshop.store
        language = self.model.language
        rate = catalogue.labour_rate_cents(store)
        chosen = self.price_pick.currentData()
        self.price_pick.clear()
        self.price_pick.addItem(self.tr("Pick from the price list"), None)
        for job in catalogue.canned_jobs(store):
            total = sum(line.total_cents for line in catalogue.job_lines(job, rate, language))
            self.price_pick.addItem(f"★ {job.name(language)} · {money(total)}", ("job", job.id))
        for item in catalogue.price_items(store):
            price = (
                self.tr("%1 h").replace("%1", f"{item.hours:g}")
                if item.kind is LineKind.LABOUR
                else money(item.price_cents)
            )
            self.price_pick.addItem(f"{item.name(language)} · {price}", ("item", item.id))
        self.price_pick.setCurrentIndex(max(self.price_pick.findData(chosen), 0))

    def pick(self, text_part: str) -> None:
        for index in range(self.price_pick.count()):
            if text_part in self.price_pick.itemText(index):
                self.price_pick.setCurrentIndex(index)
                return
        raise LookupError(text_part)

    def add_from_price_list(self) -> None:
        chosen = self.price_pick.currentData()
        if chosen is None:
            self.model.notify(self.tr("Pick a line from the price list first"), True)
            return
        store = self.model.workshop.store
        rate = catalogue.labour_rate_cents(store)
        language = self.model.language
        kind, key = chosen
        if kind == "job":
            job = next(j for j in catalogue.canned_jobs(store) if j.id == key)
            self.lines += catalogue.job_lines(job, rate, language)
            if not self.title.text().strip():
                self.title.setText(job.name(language))
        else:
            item = next(i for i in catalogue.price_items(store) if i.id == key)
            self.lines.append(catalogue.line_for(item, self.line_quantity.value(), rate, language))
        self.line_quantity.setValue(1)
        self._show_lines()

    def _add_line(self, labour_line: bool) -> None:
        description = self.line_description.text().strip()
        if not description:
            self.model.notify(self.tr("Describe the part or labour first"), True)
            return
        cents = round(self.line_price.value() * 100)
        quantity = self.line_quantity.value()
        self.lines.append(
            labour(description, quantity, cents)
            if labour_line
            else part(description, quantity, cents)
        )
        self.line_description.clear()
        self.line_quantity.setValue(1)
        self.line_price.setValue(0)
        self._show_lines()

    def _show_lines(self) -> None:
        fill(
            self.lines_table,
            [self.tr("Line"), self.tr("Quantity"), self.tr("Unit price"), self.tr("Total")],
            [
                (
                    line.description,
                    f"{line.quantity:g}",
                    money(line.unit_price_cents),
                    money(line.total_cents),
                )
                for line in self.lines
            ],
        )
        self.total.setText(
            self.tr("Estimate: %1").replace(
                "%1", money(sum(line.total_cents for line in self.lines))
            )
        )

    def _draft(self) -> FindingDraft:
        """The finding as the form holds it, from the checklist item or code it names."""
        data: dict[str, Any] | None = self.source.currentData()
        return FindingDraft(
            self.title.text(),
            Severity(self.severity.currentData()),
            self.lines,
            self.job.text().strip(),
            data["id"] if data and data["kind"] == "checklist" else None,
            data["code"] if data and data["kind"] == "dtc" else None,
        )

    def add_finding(self) -> None:
        wo_id = self.model.work_order_id
        if wo_id is None:
            return
        created = self.model.act(
            self.model.workshop.add_finding, self.model.require_actor(), wo_id, self._draft()
        )
        if created is not None:
            self.lines = []
            self.title.clear()
            self.job.clear()
            self._show_lines()

    def send_for_approval(self) -> None:
        wo_id = self.model.work_order_id
        if wo_id is not None:
            self.model.act(
                self.model.workshop.change_status,
                self.model.require_actor(),
                wo_id,
                Status.AWAITING_APPROVAL,
            )
