"""The work order at the bay: its status with the moves the user may make, and the
tabs of the visit (check-in, diagnostics, inspection, alignment, findings, repair)."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from station.lifecycle import PERMISSION_FOR, TRANSITIONS, Status
from ui.alignment_view import AlignmentView
from ui.checkin import CheckInView
from ui.context import AppContext
from ui.diagnostics_view import DiagnosticsView
from ui.findings_view import FindingsView
from ui.inspection import InspectionView
from ui.repair import RepairView
from ui.texts import status_name
from ui.widgets.base import View, heading, push_button

log = logging.getLogger(__name__)

# The moves offered as buttons (check-in has its own form; cancel lives at the desk).
MOVES = (
    Status.DIAGNOSING,
    Status.AWAITING_APPROVAL,
    Status.IN_REPAIR,
    Status.QUALITY_CHECK,
    Status.READY,
    Status.DELIVERED,
)


class StatusBar(View):
    """The work order's stage, the customer's progress text, and the allowed moves."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.title = heading()
        self.title.setObjectName("wo_title")
        self.title.setWordWrap(False)
        self.progress = QLabel()
        self.progress.setObjectName("wo_progress")
        self.progress.setWordWrap(True)
        self.moves: dict[Status, QPushButton] = {}
        row = QHBoxLayout()
        for target in MOVES:
            button = push_button(f"move_{target.value}")
            button.clicked.connect(lambda _=False, t=target: self.move_to(t))
            row.addWidget(button)
            self.moves[target] = button
        row.addWidget(self.progress, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.title)
        box.addLayout(row)
        self.retranslate()

    def retranslate(self) -> None:
        labels = {
            Status.DIAGNOSING: self.tr("Start diagnosis"),
            Status.AWAITING_APPROVAL: self.tr("Send for approval"),
            Status.IN_REPAIR: self.tr("Start repair"),
            Status.QUALITY_CHECK: self.tr("Repair done"),
            Status.READY: self.tr("Ready for pick-up"),
            Status.DELIVERED: self.tr("Deliver"),
        }
        for target, button in self.moves.items():
            button.setText(labels[target])

    def refresh(self) -> None:
        super().refresh()
        wo_id = self.model.work_order_id
        if wo_id is None:
            self.title.setText(self.tr("No work order open: choose one in the queue"))
            self.progress.clear()
            for button in self.moves.values():
                button.setVisible(False)
            return
        wo = self.model.workshop.work_order(wo_id)
        current = Status(wo["status"])
        self.title.setText(f"{wo['number']} — {status_name(current)}")
        events = self.model.workshop.progress_events(wo_id)
        if events:
            last = events[-1]
            self.progress.setText(
                last["text_zh"] if self.model.language == "zh" else last["text_en"]
            )
        for target, button in self.moves.items():
            # Only the moves the lifecycle allows from here are shown; the role may still
            # leave one greyed out (a technician sees "Deliver" but cannot press it).
            button.setVisible(target in TRANSITIONS[current])
            button.setEnabled(self.model.may(PERMISSION_FOR[target]))

    def move_to(self, target: Status) -> None:
        wo_id = self.model.work_order_id
        if wo_id is None:
            return
        self.model.act(self.model.workshop.change_status, self.model.require_actor(), wo_id, target)


class WorkOrderView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.setObjectName("work_order")
        self.status = StatusBar(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("wo_tabs")
        self.checkin = CheckInView(ctx)
        self.diagnostics = DiagnosticsView(ctx)
        self.inspection = InspectionView(ctx)
        self.alignment = AlignmentView(ctx)
        self.findings = FindingsView(ctx)
        self.repair = RepairView(ctx)
        for tab in (
            self.checkin,
            self.diagnostics,
            self.inspection,
            self.alignment,
            self.findings,
            self.repair,
        ):
            self.tabs.addTab(tab, "")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.status)
        box.addWidget(self.tabs, 1)
        self.retranslate()

    def retranslate(self) -> None:
        for index, text in enumerate(
            (
                self.tr("Check-in"),
                self.tr("Diagnostics"),
                self.tr("Inspection"),
                self.tr("Alignment"),
                self.tr("Findings"),
                self.tr("Repair"),
            )
        ):
            self.tabs.setTabText(index, text)

    def show_tab(self, tab: QWidget) -> None:
        self.tabs.setCurrentWidget(tab)
