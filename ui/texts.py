"""Names of statuses, ratings and the like in the language of the screen."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QDateTime, QLocale, QTime

from reports.texts import pick_language
from station.errors import InvalidInput
from station.lifecycle import Status
from station.prediagnosis import parse as parse_prediagnosis

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


SCAN_STEPS = {
    "finding ECUs": QT_TRANSLATE_NOOP("Scan", "finding the control units"),
    "supported values": QT_TRANSLATE_NOOP("Scan", "asking which values they have"),
    "vehicle identity": QT_TRANSLATE_NOOP("Scan", "reading the VIN"),
    "trouble codes": QT_TRANSLATE_NOOP("Scan", "reading trouble codes"),
    "live values": QT_TRANSLATE_NOOP("Scan", "reading live values"),
    "freeze frames": QT_TRANSLATE_NOOP("Scan", "reading freeze frames"),
    "done": QT_TRANSLATE_NOOP("Scan", "finished"),
}


def scan_step(step: str) -> str:
    """A scan's progress step, as the scan names it, in the screen's language."""
    known = SCAN_STEPS.get(step)
    return QCoreApplication.translate("Scan", str(known)) if known else ""


def in_language(text: str | None, language: str) -> str:
    """Data written in both languages ("English / 中文") shows only the screen's side."""
    return pick_language(text or "", language)


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


def stage_text(status: str, waiting: int) -> str:
    """The stage, and beside it the customer's decisions still open: never hidden by the stage."""
    if waiting <= 0:
        return status_name(status)
    text = QCoreApplication.translate(
        "Stage", "%1 · waiting for the customer's decision on %n item(s)", "", waiting
    )
    return text.replace("%1", status_name(status))


def prediagnosis_lines(raw: object) -> list[str]:
    """What the cloud's remote pre-diagnosis says: codes seen, parts reserved, a note."""
    try:
        pre = parse_prediagnosis(raw)
    except InvalidInput as err:  # stored before the shape was checked: say so, hide nothing
        log.warning("unreadable pre-diagnosis %r: %s", raw, err)
        text = QCoreApplication.translate("Prediagnosis", "Pre-diagnosis: %1")
        return [text.replace("%1", str(raw))]
    lines = []
    if pre.codes_seen:
        text = QCoreApplication.translate("Prediagnosis", "Codes seen remotely: %1")
        lines.append(text.replace("%1", ", ".join(pre.codes_seen)))
    if pre.parts_reserved:
        text = QCoreApplication.translate("Prediagnosis", "Parts reserved: %1")
        lines.append(text.replace("%1", ", ".join(p.words for p in pre.parts_reserved)))
    if pre.note:
        text = QCoreApplication.translate("Prediagnosis", "Pre-diagnosis: %1")
        lines.append(text.replace("%1", pre.note))
    return lines


MONITOR_NAMES = {
    "misfire": QT_TRANSLATE_NOOP("Readiness", "Misfire"),
    "fuel_system": QT_TRANSLATE_NOOP("Readiness", "Fuel system"),
    "components": QT_TRANSLATE_NOOP("Readiness", "Components"),
    "catalyst": QT_TRANSLATE_NOOP("Readiness", "Catalyst"),
    "heated_catalyst": QT_TRANSLATE_NOOP("Readiness", "Heated catalyst"),
    "evaporative_system": QT_TRANSLATE_NOOP("Readiness", "Evaporative system"),
    "secondary_air": QT_TRANSLATE_NOOP("Readiness", "Secondary air"),
    "ac_refrigerant": QT_TRANSLATE_NOOP("Readiness", "A/C refrigerant"),
    "oxygen_sensor": QT_TRANSLATE_NOOP("Readiness", "Oxygen sensor"),
    "oxygen_sensor_heater": QT_TRANSLATE_NOOP("Readiness", "Oxygen sensor heater"),
    "egr_system": QT_TRANSLATE_NOOP("Readiness", "EGR system"),
    "nmhc_catalyst": QT_TRANSLATE_NOOP("Readiness", "NMHC catalyst"),
    "nox_scr": QT_TRANSLATE_NOOP("Readiness", "NOx / SCR"),
    "boost_pressure": QT_TRANSLATE_NOOP("Readiness", "Boost pressure"),
    "exhaust_gas_sensor": QT_TRANSLATE_NOOP("Readiness", "Exhaust gas sensor"),
    "pm_filter": QT_TRANSLATE_NOOP("Readiness", "Particulate filter"),
    "egr_vvt": QT_TRANSLATE_NOOP("Readiness", "EGR / VVT"),
}


def readiness_lines(readiness: dict[str, Any]) -> list[tuple[str, str]]:
    """The readiness of one ECU as (name, value) lines in the screen's language."""
    translate = QCoreApplication.translate
    lines = []
    if "mil" in readiness:
        on = translate("Readiness", "on") if readiness["mil"] else translate("Readiness", "off")
        lines.append((translate("Readiness", "Check-engine light"), on))
    if "dtc_count" in readiness:
        lines.append((translate("Readiness", "Codes the ECU counts"), str(readiness["dtc_count"])))
    if "ignition" in readiness:
        kinds = {
            "spark": translate("Readiness", "spark"),
            "compression": translate("Readiness", "compression (diesel)"),
        }
        lines.append(
            (translate("Readiness", "Ignition"), kinds.get(str(readiness["ignition"]), "—"))
        )
    states = {
        "complete": translate("Readiness", "complete"),
        "incomplete": translate("Readiness", "not yet complete"),
    }
    for key, state in dict(readiness.get("monitors") or {}).items():
        name = MONITOR_NAMES.get(key)
        shown = translate("Readiness", str(name)) if name else key
        lines.append((shown, states.get(str(state), "—")))
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


def locale(language: str) -> QLocale:
    if language == "zh":
        return QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def date_time(moment: datetime | str, language: str) -> str:
    """A moment as people in that language write it, in the station's time zone."""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    when = when.astimezone() if when.tzinfo else when
    fmt = "yyyy年M月d日 HH:mm" if language == "zh" else "d MMM yyyy, HH:mm"
    qt = QDateTime(QDate(when.year, when.month, when.day), QTime(when.hour, when.minute))
    return str(locale(language).toString(qt, fmt))


def day(moment: date | str, language: str) -> str:
    when = date.fromisoformat(moment[:10]) if isinstance(moment, str) else moment
    fmt = "yyyy年M月d日" if language == "zh" else "d MMM yyyy"
    return str(locale(language).toString(QDate(when.year, when.month, when.day), fmt))


def money(cents: int) -> str:
    return f"¥{cents / 100:,.2f}"
