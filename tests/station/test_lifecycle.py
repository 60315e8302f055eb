"""The lifecycle's guards as pure rules, each refusal and each allowance."""

from __future__ import annotations

import pytest

from station.errors import InvalidInput, TransitionRefused
from station.lifecycle import (
    FINAL,
    PROGRESS_TEXT,
    TRANSITIONS,
    Status,
    WorkOrderFacts,
    check_transition,
    parse_status,
)

S = Status
NOTHING = WorkOrderFacts()


def test_every_status_has_transitions_and_progress_texts_in_both_languages() -> None:
    assert set(TRANSITIONS) == set(Status)
    for status in Status:
        text = PROGRESS_TEXT[status]
        assert text.en and text.zh and text.en != text.zh


def test_final_statuses_go_nowhere() -> None:
    for status in FINAL:
        for target in Status:
            with pytest.raises(TransitionRefused):
                check_transition(status, target, NOTHING)


def test_cancel_from_every_open_status_but_ready() -> None:
    for status in Status:
        if status in FINAL or status is S.READY:
            continue
        check_transition(status, S.CANCELLED, NOTHING)
    with pytest.raises(TransitionRefused):
        check_transition(S.READY, S.CANCELLED, NOTHING)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.BOOKED, S.DIAGNOSING),
        (S.BOOKED, S.DELIVERED),
        (S.CHECKED_IN, S.IN_REPAIR),
        (S.DIAGNOSING, S.READY),
        (S.IN_REPAIR, S.READY),
        (S.READY, S.QUALITY_CHECK),
        (S.DIAGNOSING, S.BOOKED),
    ],
)
def test_skipping_stages_is_refused(current: Status, target: Status) -> None:
    facts = WorkOrderFacts(
        approved_findings=1, booked_jobs=1, quality_check_passed=True, report_issued=True
    )
    with pytest.raises(TransitionRefused, match="cannot go from"):
        check_transition(current, target, facts)


def test_awaiting_approval_needs_a_pending_finding() -> None:
    with pytest.raises(TransitionRefused, match="no finding"):
        check_transition(S.DIAGNOSING, S.AWAITING_APPROVAL, NOTHING)
    check_transition(S.DIAGNOSING, S.AWAITING_APPROVAL, WorkOrderFacts(pending_findings=1))


def test_no_repair_without_something_approved() -> None:
    with pytest.raises(TransitionRefused, match="nothing to repair"):
        check_transition(S.AWAITING_APPROVAL, S.IN_REPAIR, WorkOrderFacts(pending_findings=0))
    check_transition(S.AWAITING_APPROVAL, S.IN_REPAIR, WorkOrderFacts(approved_findings=1))
    check_transition(S.DIAGNOSING, S.IN_REPAIR, WorkOrderFacts(booked_jobs=1))


def test_repair_straight_from_diagnosis_refused_while_findings_wait() -> None:
    with pytest.raises(TransitionRefused, match="waiting for approval"):
        check_transition(
            S.DIAGNOSING, S.IN_REPAIR, WorkOrderFacts(pending_findings=1, booked_jobs=1)
        )


def test_quality_check_refused_while_a_job_is_clocked_on() -> None:
    with pytest.raises(TransitionRefused, match="clocked on"):
        check_transition(S.IN_REPAIR, S.QUALITY_CHECK, WorkOrderFacts(open_clock_entries=1))
    check_transition(S.IN_REPAIR, S.QUALITY_CHECK, NOTHING)


def test_ready_needs_a_passed_quality_check() -> None:
    with pytest.raises(TransitionRefused, match="quality check"):
        check_transition(S.QUALITY_CHECK, S.READY, NOTHING)
    check_transition(S.QUALITY_CHECK, S.READY, WorkOrderFacts(quality_check_passed=True))


def test_delivery_needs_quality_check_and_issued_report() -> None:
    with pytest.raises(TransitionRefused, match="quality check"):
        check_transition(S.READY, S.DELIVERED, WorkOrderFacts(report_issued=True))
    with pytest.raises(TransitionRefused, match="health report"):
        check_transition(S.READY, S.DELIVERED, WorkOrderFacts(quality_check_passed=True))
    check_transition(
        S.READY, S.DELIVERED, WorkOrderFacts(quality_check_passed=True, report_issued=True)
    )


def test_unknown_status_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="unknown status 'flying'"):
        parse_status("flying")
    assert parse_status("in_repair") is S.IN_REPAIR
