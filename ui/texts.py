"""Names of statuses, ratings and the like in the language of the screen."""

from __future__ import annotations

import logging
from datetime import timedelta

from PySide6.QtCore import QCoreApplication

from station.lifecycle import Status

log = logging.getLogger(__name__)


def status_name(status: str) -> str:
    return {
        Status.BOOKED: QCoreApplication.translate("Status", "booked"),
        Status.CHECKED_IN: QCoreApplication.translate("Status", "checked in"),
        Status.DIAGNOSING: QCoreApplication.translate("Status", "diagnosing"),
        Status.AWAITING_APPROVAL: QCoreApplication.translate("Status", "awaiting approval"),
        Status.IN_REPAIR: QCoreApplication.translate("Status", "in repair"),
        Status.QUALITY_CHECK: QCoreApplication.translate("Status", "quality check"),
        Status.READY: QCoreApplication.translate("Status", "ready"),
        Status.DELIVERED: QCoreApplication.translate("Status", "delivered"),
        Status.CANCELLED: QCoreApplication.translate("Status", "cancelled"),
    }[Status(status)]


def rating_name(rating: str) -> str:
    return {
        "green": QCoreApplication.translate("Rating", "OK"),
        "amber": QCoreApplication.translate("Rating", "soon"),
        "red": QCoreApplication.translate("Rating", "urgent"),
    }[rating]


def severity_name(severity: str) -> str:
    return {
        "urgent": QCoreApplication.translate("Severity", "urgent"),
        "soon": QCoreApplication.translate("Severity", "soon"),
        "advisory": QCoreApplication.translate("Severity", "advisory"),
    }[severity]


def prediagnosis_lines(pre: dict[str, object]) -> list[str]:
    """What the cloud's remote pre-diagnosis says: codes seen, parts reserved, a note."""
    lines = []
    codes, parts, note = pre.get("codes_seen"), pre.get("parts_reserved"), pre.get("note")
    if isinstance(codes, list) and codes:
        text = QCoreApplication.translate("Prediagnosis", "Codes seen remotely: %1")
        lines.append(text.replace("%1", ", ".join(map(str, codes))))
    if isinstance(parts, list) and parts:
        text = QCoreApplication.translate("Prediagnosis", "Parts reserved: %1")
        lines.append(text.replace("%1", ", ".join(map(str, parts))))
    if note:
        text = QCoreApplication.translate("Prediagnosis", "Pre-diagnosis: %1")
        lines.append(text.replace("%1", str(note)))
    return lines


def follow_up_name(kind: str) -> str:
    names = {
        "day1": QCoreApplication.translate("FollowUp", "call after 1 day"),
        "day7": QCoreApplication.translate("FollowUp", "call after 7 days"),
    }
    return names.get(kind, kind)


def state_name(state: str) -> str:
    return {
        "pending": QCoreApplication.translate("Approval", "waiting"),
        "approved": QCoreApplication.translate("Approval", "approved"),
        "declined": QCoreApplication.translate("Approval", "declined"),
    }[state]


def duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return QCoreApplication.translate("Time", "%1 min").replace("%1", str(minutes))
    return (
        QCoreApplication.translate("Time", "%1 h %2 min")
        .replace("%1", str(minutes // 60))
        .replace("%2", f"{minutes % 60:02d}")
    )


def money(cents: int) -> str:
    return f"¥{cents / 100:,.2f}"
