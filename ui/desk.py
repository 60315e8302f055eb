"""The advisor's desk: the board of every work order with its stage and the customer
update flag, the appointments with their pre-diagnosis, delivery and follow-ups."""

from __future__ import annotations

import json
import logging
from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station import limits
from station.lifecycle import FINAL, Status
from station.truth import waiting_count
from ui.cadence import update_due_at
from ui.context import AppContext
from ui.messages_view import CustomerPanel
from ui.tables import fill, make_table, select_key, selected_key
from ui.texts import (
    date_time,
    day,
    duration,
    follow_up_name,
    in_language,
    prediagnosis_lines,
    stage_text,
    status_name,
)
from ui.widgets.base import View, heading, push_button
from ui.widgets.signature import SignaturePad, keep_signature

log = logging.getLogger(__name__)


def board_rows(ctx: AppContext, now: datetime) -> list[dict[str, Any]]:
    """Every work order still in the workshop, with time in stage and when an update is due."""
    workshop = ctx.model.workshop
    rows = []
    for wo in workshop.list_work_orders():
        status = Status(wo["status"])
        if status in FINAL:
            continue
        events = workshop.progress_events(wo["id"])
        checked_in = next(
            (
                datetime.fromisoformat(e["at"])
                for e in events
                if e["to_status"] == Status.CHECKED_IN.value
            ),
            None,
        )
        updates = [datetime.fromisoformat(e["at"]) for e in events]
        due = update_due_at(status, checked_in, updates)
        rows.append(
            {
                **wo,
                "in_stage": now - datetime.fromisoformat(wo["status_since"]),
                "update_due": due,
                "overdue": due is not None and now > due,
                "waiting": waiting_count(workshop.findings(wo["id"])),
            }
        )
    return rows


class BoardView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("board")
        self.title = heading()
        self.table = make_table("board_table")
        self.table.itemSelectionChanged.connect(self._selected)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.approvals = push_button("board_approvals")
        self.approvals.clicked.connect(lambda: self.model.events.navigate.emit("approvals"))
        self.work_order = push_button("board_work_order")
        self.work_order.clicked.connect(lambda: self.model.events.navigate.emit("work_order"))
        self.report = push_button("board_report")
        self.report.clicked.connect(lambda: self.model.events.navigate.emit("report"))
        self.message = QLineEdit()
        self.message.setObjectName("board_message")
        self.message.setMaxLength(limits.NOTE.max_chars)
        self.message.textChanged.connect(self._enable)
        self.send_update = push_button("board_send_update", accent=True)
        self.send_update.clicked.connect(self.post_update)
        update_row = QHBoxLayout()
        update_row.addWidget(self.message, 1)
        update_row.addWidget(self.send_update)
        buttons = QHBoxLayout()
        buttons.addWidget(self.work_order)
        buttons.addWidget(self.approvals)
        buttons.addWidget(self.report)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.table, 1)
        box.addWidget(self.legend)
        box.addLayout(update_row)
        box.addLayout(buttons)
        self.rows: list[dict[str, Any]] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Workshop board"))
        self.legend.setText(
            self.tr(
                "A red row owes the customer an update: the first within 30 minutes of check-in, then at least hourly."
            )
        )
        self.approvals.setText(self.tr("Approvals"))
        self.work_order.setText(self.tr("Open work order"))
        self.report.setText(self.tr("Health report"))
        self.message.setPlaceholderText(
            self.tr("Message to the customer, e.g. the part arrives at 3 pm")
        )
        self.send_update.setText(self.tr("Send update"))

    def refresh(self) -> None:
        super().refresh()
        now = self.model.clock()
        self.rows = board_rows(self.ctx, now)
        table_rows = []
        for row in self.rows:
            due = row["update_due"]
            if due is None:
                update = ""
            elif row["overdue"]:
                update = self.tr("overdue %1").replace("%1", duration(now - due))
            else:
                update = self.tr("due in %1").replace("%1", duration(due - now))
            table_rows.append(
                (
                    row["number"],
                    row["plate"],
                    row["customer_name"] or "",
                    row["bay"] or "",
                    stage_text(row["status"], row["waiting"]),
                    duration(row["in_stage"]),
                    update,
                )
            )
        self.table.blockSignals(True)
        fill(
            self.table,
            [
                self.tr("Work order"),
                self.tr("Plate"),
                self.tr("Customer"),
                self.tr("Bay"),
                self.tr("Stage"),
                self.tr("In stage"),
                self.tr("Customer update"),
            ],
            table_rows,
            [row["id"] for row in self.rows],
        )
        # The stage takes the width the other columns leave and wraps its words there, so
        # the board never scrolls sideways (English stages are long).
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        for r, row in enumerate(self.rows):
            if row["overdue"]:
                for c in range(self.table.columnCount()):
                    item = self.table.item(r, c)
                    if item is not None:
                        item.setBackground(QBrush(QColor("#ffcdd2")))
        if self.model.work_order_id is not None:
            select_key(self.table, self.model.work_order_id)
        self.table.blockSignals(False)
        self._enable()

    def _enable(self) -> None:
        self.send_update.setEnabled(
            selected_key(self.table) is not None
            and bool(self.message.text().strip())
            and self.model.may("progress.update")
        )

    def _selected(self) -> None:
        key = selected_key(self.table)
        if key is not None and key != self.model.work_order_id:
            self.model.select(int(key))
        self._enable()

    def post_update(self) -> None:
        """Tell the customer how it goes without a status change: it resets the update clock."""
        key = selected_key(self.table)
        if key is None:
            return
        done = self.model.act(
            self.model.workshop.post_update,
            self.model.require_actor(),
            int(key),
            self.message.text(),
        )
        if done is not None:
            self.message.clear()
            self.model.notify(self.tr("Update sent to the customer"))


class AppointmentsView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("appointments")
        self.title = heading()
        self.table = make_table("appointments_table")
        self.table.itemSelectionChanged.connect(self._show_detail)
        self.detail = QLabel()
        self.detail.setObjectName("appointment_detail")
        self.detail.setWordWrap(True)
        self.detail.setProperty("notice", "info")
        self.detail.setProperty("data", "true")
        self.open = push_button("appointment_open", accent=True)
        self.open.clicked.connect(self.open_work_order)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.table, 1)
        box.addWidget(self.detail)
        box.addWidget(self.open)
        self.appointments: list[dict[str, Any]] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Appointments"))
        self.open.setText(self.tr("Car arrived: open the work order"))

    def refresh(self) -> None:
        super().refresh()
        self.appointments = self.model.workshop.open_appointments()
        fill(
            self.table,
            [self.tr("Time"), self.tr("Customer"), self.tr("Plate"), self.tr("Complaint")],
            [
                (
                    datetime.fromisoformat(a["scheduled_at"]).astimezone().strftime("%H:%M"),
                    a["customer_name"],
                    a["plate"],
                    in_language(a["complaint"], self.model.language),
                )
                for a in self.appointments
            ],
            [a["id"] for a in self.appointments],
        )
        self.open.setEnabled(self.model.may("work_order.create"))
        self._show_detail()

    def _show_detail(self) -> None:
        key = selected_key(self.table)
        chosen = next((a for a in self.appointments if a["id"] == key), None)
        if chosen is None:
            self.detail.setText(self.tr("Choose an appointment to see its pre-diagnosis"))
            return
        pre = json.loads(chosen["prediagnosis"] or "{}")
        lines = [
            f"{chosen['customer_name']} · {chosen['plate']} · {chosen['make'] or ''} {chosen['model'] or ''}"
        ]
        complaint = in_language(chosen["complaint"], self.model.language)
        lines.append(self.tr("Complaint: %1").replace("%1", complaint or "—"))
        lines.extend(prediagnosis_lines(pre))
        self.detail.setText("\n".join(lines))

    def open_work_order(self) -> None:
        key = selected_key(self.table)
        chosen = next((a for a in self.appointments if a["id"] == key), None)
        if chosen is None:
            self.model.notify(self.tr("Choose an appointment first"), True)
            return
        created = self.model.act(
            self.model.workshop.create_work_order,
            self.model.require_actor(),
            chosen["vehicle_id"],
            "",
            chosen["customer_id"],
            chosen["id"],
            self.model.bay,
            self.model.booked_jobs.get(int(chosen["id"]), []),
        )
        if created is not None:
            self.model.select(created.id)
            self.model.events.navigate.emit("work_order")


class DeliveryView(View):
    """Hand the car over (after the quality check and the issued report) and call the customers due."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("delivery")
        self.title = heading()
        self.checks = QLabel()
        self.checks.setObjectName("delivery_checks")
        self.checks.setWordWrap(True)
        self.receiver = QLineEdit()
        self.receiver.setObjectName("delivery_customer")
        self.receiver.setMaxLength(limits.NAME.max_chars)
        self.receiver.textChanged.connect(self._enable_deliver)
        self.pad = SignaturePad()
        self.pad.changed.connect(self._enable_deliver)
        self.clear_pad = push_button("delivery_clear_signature")
        self.clear_pad.clicked.connect(self.pad.clear)
        self.deliver = push_button("deliver", accent=True)
        self.deliver.clicked.connect(self.hand_over)
        self.ready_to_hand_over = False
        self._shown: int | None = None  # the work order the name and the pad are for
        self.follow_title = heading()
        self.follow_table = make_table("follow_ups_table")
        self.follow_table.setMinimumHeight(110)
        self.outcome = QLineEdit()
        self.outcome.setObjectName("follow_up_outcome")
        self.outcome.setMaxLength(limits.NOTE.max_chars)
        self.follow_done = push_button("follow_up_done")
        self.follow_done.clicked.connect(self.record_follow_up)
        row = QHBoxLayout()
        row.addWidget(self.outcome, 1)
        row.addWidget(self.follow_done)
        # The handover, the follow-ups and the customer's link scroll (by dragging) as
        # one page when the screen is shorter than all of them.
        content = QWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        box = QVBoxLayout(content)
        box.addWidget(self.title)
        box.addWidget(self.checks)
        box.addWidget(self.receiver)
        signing = QHBoxLayout()
        self.pad.setFixedHeight(170)
        signing.addWidget(self.pad, 1)
        signing_buttons = QVBoxLayout()
        signing_buttons.addWidget(self.clear_pad)
        signing_buttons.addWidget(self.deliver)
        signing.addLayout(signing_buttons)
        box.addLayout(signing)
        box.addWidget(self.follow_title)
        box.addWidget(self.follow_table, 1)
        box.addLayout(row)
        box.addWidget(CustomerPanel(ctx), 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Delivery"))
        self.deliver.setText(self.tr("Hand over"))
        self.clear_pad.setText(self.tr("Clear"))
        self.receiver.setPlaceholderText(self.tr("Who takes the car (signs below)"))
        self.follow_title.setText(self.tr("Follow-ups due today"))
        self.outcome.setPlaceholderText(self.tr("What the customer said"))
        self.follow_done.setText(self.tr("Follow-up done"))

    def refresh(self) -> None:
        super().refresh()
        wo_id = self.model.work_order_id
        workshop = self.model.workshop
        self.ready_to_hand_over = False
        if wo_id != self._shown:
            # another car: whoever signed for the last one does not sign for this one
            self._shown = wo_id
            self.receiver.clear()
            self.pad.clear()
        if wo_id is None:
            self.checks.setText(self.tr("Choose a work order on the board"))
        else:
            wo = workshop.work_order(wo_id)
            qc = workshop.latest_quality_check(wo_id)
            report = workshop.latest_report(wo_id)
            yes, no = "✔", "✘"
            lines = [
                f"{wo['number']} — {status_name(wo['status'])}",
                f"{yes if qc and qc['passed'] else no} " + self.tr("quality check passed"),
                f"{yes if report else no} "
                + self.tr("health report issued")
                + (f" ({report['file_name']})" if report else ""),
            ]
            due = workshop.next_service_due(wo["vehicle_id"])
            if wo["status"] == Status.DELIVERED.value and due is not None:
                lines.append(
                    self.tr("Next service: %1 km or %2")
                    .replace("%1", str(due["due_km"]))
                    .replace("%2", day(due["due_date"], self.model.language))
                )
            self.checks.setText("\n".join(lines))
            self.ready_to_hand_over = wo["status"] == Status.READY.value and self.model.may(
                "work_order.deliver"
            )
            if self.ready_to_hand_over and not self.receiver.text():
                self.receiver.setText(workshop.customer_name(wo_id) or "")
        self._enable_deliver()
        end_of_today = datetime.combine(
            self.model.clock().astimezone().date() + timedelta(days=1), time()
        )
        due_rows = workshop.follow_ups_due(end_of_today.astimezone())
        fill(
            self.follow_table,
            [
                self.tr("Due"),
                self.tr("Kind"),
                self.tr("Work order"),
                self.tr("Customer"),
                self.tr("Phone"),
            ],
            [
                (
                    date_time(f["due_at"], self.model.language),
                    follow_up_name(f["kind"]),
                    f["number"],
                    f["customer_name"],
                    f["phone"],
                )
                for f in due_rows
            ],
            [f["id"] for f in due_rows],
        )
        self.follow_done.setEnabled(bool(due_rows) and self.model.may("follow_up.record"))

    def _enable_deliver(self) -> None:
        self.deliver.setEnabled(
            self.ready_to_hand_over and self.pad.is_signed() and bool(self.receiver.text().strip())
        )

    def hand_over(self) -> None:
        """The customer signs for the car and the report; delivery and receipt are one record."""
        wo_id = self.model.work_order_id
        if wo_id is None:
            return
        signature = keep_signature(self.model, self.pad)
        if signature is None:
            return
        workshop, actor = self.model.workshop, self.model.require_actor()
        if self.model.act(workshop.hand_over, actor, wo_id, self.receiver.text(), signature):
            self.pad.clear()
            self.receiver.clear()

    def record_follow_up(self) -> None:
        key = selected_key(self.follow_table)
        if key is None:
            self.model.notify(self.tr("Choose a follow-up first"), True)
            return
        self.model.act(
            self.model.workshop.record_follow_up,
            self.model.require_actor(),
            int(key),
            self.outcome.text().strip() or "called",
        )
        self.outcome.clear()
