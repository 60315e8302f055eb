"""The pages of the main window by key (see `shell.ROLE_PAGES` for who sees which)."""

from __future__ import annotations

import logging

from ui.approvals import ApprovalsView
from ui.desk import AppointmentsView, BoardView, DeliveryView
from ui.queue import QueueView
from ui.report_view import ReportView
from ui.settings import SettingsView
from ui.shell import PageFactory
from ui.walk_in import WalkInView
from ui.workorder import WorkOrderView

log = logging.getLogger(__name__)


PAGES: dict[str, PageFactory] = {
    "board": BoardView,
    "queue": QueueView,
    "work_order": WorkOrderView,
    "approvals": ApprovalsView,
    "report": ReportView,
    "delivery": DeliveryView,
    "appointments": AppointmentsView,
    "walk_in": WalkInView,
    "settings": SettingsView,
}
