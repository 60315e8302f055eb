"""The work-order lifecycle as an explicit state machine with guards.

Every allowed move is in `TRANSITIONS`; `check_transition` is pure, so the same
rules run in the station, in tests with literals, and in the cloud service that
checks a synced status change against its own copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from station.errors import InvalidInput, TransitionRefused


class Status(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    DIAGNOSING = "diagnosing"
    AWAITING_APPROVAL = "awaiting_approval"
    IN_REPAIR = "in_repair"
    QUALITY_CHECK = "quality_check"
    READY = "ready"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


S = Status
FINAL = frozenset({S.DELIVERED, S.CANCELLED})

TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.BOOKED: frozenset({S.CHECKED_IN, S.CANCELLED}),
    S.CHECKED_IN: frozenset({S.DIAGNOSING, S.CANCELLED}),
    S.DIAGNOSING: frozenset({S.AWAITING_APPROVAL, S.IN_REPAIR, S.QUALITY_CHECK, S.CANCELLED}),
    S.AWAITING_APPROVAL: frozenset({S.IN_REPAIR, S.QUALITY_CHECK, S.CANCELLED}),
    S.IN_REPAIR: frozenset({S.AWAITING_APPROVAL, S.QUALITY_CHECK, S.CANCELLED}),
    S.QUALITY_CHECK: frozenset({S.IN_REPAIR, S.READY, S.CANCELLED}),
    S.READY: frozenset({S.DELIVERED, S.IN_REPAIR}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}

# The permission each target status needs (see station.roles.PERMISSIONS).
PERMISSION_FOR: dict[Status, str] = {
    S.CHECKED_IN: "work_order.check_in",
    S.DIAGNOSING: "work_order.diagnose",
    S.AWAITING_APPROVAL: "work_order.request_approval",
    S.IN_REPAIR: "work_order.repair",
    S.QUALITY_CHECK: "work_order.quality_check",
    S.READY: "work_order.ready",
    S.DELIVERED: "work_order.deliver",
    S.CANCELLED: "work_order.cancel",
}


@dataclass(frozen=True)
class WorkOrderFacts:
    """What the guards need to know about a work order, read in the same transaction."""

    pending_findings: int = 0
    approved_findings: int = 0
    booked_jobs: int = 0
    open_clock_entries: int = 0
    quality_check_passed: bool = False
    report_issued: bool = False


def parse_status(text: str) -> Status:
    try:
        return Status(text)
    except ValueError:
        known = ", ".join(s.value for s in Status)
        raise InvalidInput(
            f"unknown status {text!r}; known: {known}", key="status.unknown", status=text
        ) from None


def check_transition(current: Status, target: Status, facts: WorkOrderFacts) -> None:
    """Raise `TransitionRefused` with the reason a person can act on, or return."""
    if target not in TRANSITIONS[current]:
        raise TransitionRefused(
            f"a work order cannot go from {current} to {target}",
            key="lifecycle.refused",
            current=current.value,
            target=target.value,
        )
    if target is S.AWAITING_APPROVAL and facts.pending_findings == 0:
        raise TransitionRefused(
            "no finding is waiting for the customer's approval", key="lifecycle.nothing_waiting"
        )
    if target is S.IN_REPAIR:
        if current is S.DIAGNOSING and facts.pending_findings:
            raise TransitionRefused(
                "findings are waiting for approval: send them to the customer first",
                key="lifecycle.waiting_findings",
            )
        if facts.approved_findings == 0 and facts.booked_jobs == 0:
            raise TransitionRefused(
                "no approved finding and no booked job: nothing to repair",
                key="lifecycle.nothing_to_repair",
            )
    if target is S.QUALITY_CHECK and facts.open_clock_entries:
        raise TransitionRefused(
            f"{facts.open_clock_entries} job(s) still clocked on",
            key="lifecycle.clocked_on",
            count=facts.open_clock_entries,
        )
    if target is S.READY and not facts.quality_check_passed:
        raise TransitionRefused("the quality check has not passed", key="quality_check.failed")
    if target is S.DELIVERED:
        if not facts.quality_check_passed:
            raise TransitionRefused(
                "cannot deliver before the quality check passed", key="lifecycle.no_quality_check"
            )
        if not facts.report_issued:
            raise TransitionRefused(
                "cannot deliver before the health report is issued", key="lifecycle.no_report"
            )


@dataclass(frozen=True)
class ProgressText:
    en: str
    zh: str


PROGRESS_TEXT: dict[Status, ProgressText] = {
    S.BOOKED: ProgressText("Your appointment is booked.", "您的预约已登记。"),
    S.CHECKED_IN: ProgressText(
        "Your car has been checked in at the workshop.", "您的爱车已到店登记。"
    ),
    S.DIAGNOSING: ProgressText(
        "A technician is inspecting and diagnosing your car.", "技师正在检查和诊断您的爱车。"
    ),
    S.AWAITING_APPROVAL: ProgressText(
        "We found extra work and are waiting for your approval.",
        "我们发现了需要额外处理的项目，正在等待您的确认。",
    ),
    S.IN_REPAIR: ProgressText("Your car is being repaired.", "您的爱车正在维修中。"),
    S.QUALITY_CHECK: ProgressText(
        "The repair is done and is being quality checked.", "维修已完成，正在进行质量检验。"
    ),
    S.READY: ProgressText("Your car is ready for collection.", "您的爱车已可取车。"),
    S.DELIVERED: ProgressText(
        "Your car has been handed over. Thank you for your visit.",
        "您的爱车已交付，感谢您的光临。",
    ),
    S.CANCELLED: ProgressText("The work order has been cancelled.", "本次工单已取消。"),
}


def progress_text(status: Status) -> ProgressText:
    return PROGRESS_TEXT[status]
