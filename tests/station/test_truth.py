"""The rules of what may be told to the customer, with literals."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from station.checklists import Rating
from station.corrections import CorrectionFacts, decide_correction, with_source_of
from station.diagnostics import CodeComparison, compare_scans
from station.errors import StationError
from station.findings import ApprovalState, FindingDraft, Severity, labour
from station.truth import (
    ClockSpan,
    CodeAtRisk,
    CodeOutcome,
    CodeVerdict,
    ItemState,
    JobState,
    Standing,
    adjustment_approved,
    alignment_adjustment,
    code_outcomes,
    code_sources,
    codes_at_risk,
    finding_now,
    finding_standing,
    item_after_repair,
    job_state,
    minutes_worked,
    quality_check_repeats,
    rating_counts,
    technicians,
    totals,
    waiting_count,
    waiting_text,
    with_waiting,
)


def scan(*ecus: tuple[str, list[tuple[str, str]]], incomplete: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = {
        "vin": "LSVAU2180N2183456",
        "ecus": [
            {"id": ecu, "dtcs": [{"code": c, "kind": k} for c, k in codes]} for ecu, codes in ecus
        ],
    }
    if incomplete:
        result["incomplete"] = True
        result["error"] = "adapter stopped answering"
    return result


BEFORE = scan(("7E8", [("P0301", "stored"), ("P0420", "stored")]), ("7E9", [("U0100", "pending")]))


def test_a_code_is_cleared_only_when_its_unit_was_read_again_and_it_is_gone() -> None:
    after = scan(("7E8", [("P0420", "stored")]), ("7E9", []))
    assert compare_scans(BEFORE, after) == CodeComparison(
        cleared=("P0301", "U0100"), remaining=("P0420",), new=(), not_checked=()
    )


def test_a_unit_silent_on_the_rescan_leaves_its_codes_not_checked() -> None:
    after = scan(("7E8", []))  # the transmission unit 7E9 did not answer
    comparison = compare_scans(BEFORE, after)
    assert comparison.cleared == ("P0301", "P0420")
    assert comparison.not_checked == ("U0100",)


def test_an_incomplete_rescan_clears_nothing() -> None:
    after = scan(("7E8", []), ("7E9", []), incomplete=True)
    comparison = compare_scans(BEFORE, after)
    assert comparison.cleared == ()
    assert comparison.not_checked == ("P0301", "P0420", "U0100")


def test_a_code_seen_by_two_units_is_cleared_only_when_both_were_read() -> None:
    before = scan(("7E8", [("P0700", "stored")]), ("7E9", [("P0700", "stored")]))
    assert compare_scans(before, scan(("7E8", []))).not_checked == ("P0700",)
    assert compare_scans(before, scan(("7E8", []), ("7E9", []))).cleared == ("P0700",)


def test_a_declined_code_is_never_cleared_even_when_a_clear_erased_it() -> None:
    comparison = compare_scans(BEFORE, scan(("7E8", []), ("7E9", [])))
    assert code_outcomes(comparison, declined={"P0420"}) == (
        CodeOutcome("P0420", CodeVerdict.DECLINED),
        CodeOutcome("P0301", CodeVerdict.CLEARED),
        CodeOutcome("U0100", CodeVerdict.CLEARED),
    )


def test_outcomes_put_what_needs_attention_first() -> None:
    comparison = CodeComparison(
        cleared=("P0301",), remaining=("P0171",), new=("P0455",), not_checked=("U0100",)
    )
    assert [o.verdict for o in code_outcomes(comparison)] == [
        CodeVerdict.STILL_PRESENT,
        CodeVerdict.NEW,
        CodeVerdict.NOT_CHECKED,
        CodeVerdict.CLEARED,
    ]


def test_work_is_done_only_when_clocked_and_finished() -> None:
    assert job_state([]) is JobState.NOT_STARTED
    open_span = ClockSpan("Li Wei", "2026-11-30T09:00:00.000Z", None)
    assert job_state([open_span]) is JobState.IN_PROGRESS
    spans = [
        ClockSpan("Li Wei", "2026-11-30T09:00:00.000Z", "2026-11-30T09:40:00.000Z"),
        ClockSpan("Zhang Min", "2026-11-30T09:10:00.000Z", "2026-11-30T09:25:40.000Z"),
        ClockSpan("Li Wei", "2026-11-30T10:00:00.000Z", "2026-11-30T10:05:00.000Z"),
    ]
    assert job_state(spans) is JobState.DONE
    assert minutes_worked(spans) == 61
    assert technicians(spans) == ("Li Wei", "Zhang Min")
    assert minutes_worked([*spans, open_span]) == 61


def test_a_repaired_item_never_shows_its_old_rating() -> None:
    assert item_after_repair(repaired=False, measured_again=False) is ItemState.AS_MEASURED
    assert item_after_repair(repaired=True, measured_again=False) is ItemState.REPLACED
    assert item_after_repair(repaired=True, measured_again=True) is ItemState.MEASURED_AFTER
    assert rating_counts(["green", "green", "amber"], replaced=1) == {
        "green": 2,
        "amber": 1,
        "red": 0,
        "replaced": 1,
    }


def test_a_corrected_finding_stays_on_record_with_its_standing() -> None:
    assert finding_standing([]) is Standing.ACTIVE
    assert finding_standing([{"replaced_by": None}]) is Standing.WITHDRAWN
    assert finding_standing([{"replaced_by": 12}]) is Standing.SUPERSEDED


def test_a_clear_warns_about_codes_whose_fault_was_not_repaired() -> None:
    findings = [
        {"id": 1, "source_kind": "dtc", "source_ref": "P0301", "state": "approved"},
        {"id": 2, "source_kind": "dtc", "source_ref": "P0420", "state": "declined"},
        {"id": 3, "source_kind": "dtc", "source_ref": "P0171", "state": "pending"},
        {"id": 4, "source_kind": "checklist", "source_ref": "9", "state": "approved"},
    ]
    codes = ["P0301", "P0420", "P0171", "U0100", "P0301"]
    assert codes_at_risk(codes, findings, done_findings=[1, 4]) == (
        CodeAtRisk("P0171", "not_decided"),
        CodeAtRisk("P0420", "declined"),
        CodeAtRisk("U0100", "not_repaired"),
    )
    assert CodeAtRisk("P0301", "not_repaired") in codes_at_risk(codes, findings, [])


def test_a_code_reported_twice_is_one_source() -> None:
    result = {
        "ecus": [
            {"id": "7E8", "name": "Engine", "dtcs": [
                {"code": "P0301", "kind": "stored", "description": "Cylinder 1 misfire"},
                {"code": "P0301", "kind": "pending", "description": "Cylinder 1 misfire"},
            ]},
            {"id": "7E9", "name": None, "dtcs": [{"code": "P0301", "kind": "permanent"}]},
        ]
    }  # fmt: skip
    (source,) = code_sources(result)
    assert source.code == "P0301"
    assert source.descriptions == ("Cylinder 1 misfire",)
    assert source.kinds == ("stored", "pending", "permanent")
    assert source.ecus == ("Engine", "7E9")


def test_waiting_counts_only_active_undecided_findings() -> None:
    findings = [
        {"state": "pending"},
        {"state": "pending", "standing": "withdrawn"},
        {"state": "approved"},
        {"state": "pending", "standing": "active"},
    ]
    assert waiting_count(findings) == 2


def reads(**statuses: str) -> dict[str, dict[str, Any]]:
    return {
        service: {"status": status, "nrc": None, "detail": None}
        for service, status in statuses.items()
    }


def test_a_unit_whose_pending_codes_were_not_read_leaves_its_codes_not_checked() -> None:
    after = scan(("7E8", []), ("7E9", []), incomplete=True)
    after["ecus"][0]["reads"] = reads(**{"03": "read", "07": "no_data", "0A": "no_data"})
    after["ecus"][1]["reads"] = reads(**{"03": "read", "07": "no_answer", "0A": "no_data"})
    comparison = compare_scans(BEFORE, after)
    # the engine unit was read to the end although the scan stopped later: its codes are gone
    assert comparison.cleared == ("P0301", "P0420")
    assert comparison.not_checked == ("U0100",)


def test_the_tracker_says_how_many_decisions_wait() -> None:
    assert waiting_text(0) is None
    assert waiting_text(1) == ("Waiting for your decision on 1 item.", "有 1 项等待您的决定。")
    assert waiting_text(3) == ("Waiting for your decision on 3 items.", "有 3 项等待您的决定。")


def test_tax_is_charged_on_work_done_only_and_rounds_half_up() -> None:
    money = totals(
        [("approved", 62_000, True), ("approved", 61_000, False), ("declined", 87_000, False),
         ("pending", 10_000, False), ("approved", 5, True)],
        tax_rate_bp=1300,
    )  # fmt: skip
    assert (money.done_cents, money.not_done_cents) == (62_005, 61_000)
    assert (money.declined_cents, money.waiting_cents) == (87_000, 10_000)
    assert money.tax_cents == 8_061  # 8060.65 rounds up
    assert money.payable_cents == 70_066


def test_an_alignment_out_of_specification_is_proposed_as_extra_work() -> None:
    assert alignment_adjustment(Rating.RED) is Severity.URGENT
    assert alignment_adjustment(Rating.AMBER) is Severity.SOON
    assert alignment_adjustment(Rating.GREEN) is None
    assert alignment_adjustment(None) is None


def test_a_status_text_carries_the_decisions_still_waiting() -> None:
    repaired = ("Your car is being repaired.", "您的爱车正在维修中。")
    assert with_waiting(repaired, "in_repair", 0) == repaired
    assert with_waiting(repaired, "in_repair", 3) == (
        "Your car is being repaired. Waiting for your decision on 3 items.",
        "您的爱车正在维修中。有 3 项等待您的决定。",
    )
    assert with_waiting(("We wait.", "等待。"), "awaiting_approval", 3) == ("We wait.", "等待。")


def test_the_same_quality_check_result_in_the_same_stage_repeats() -> None:
    since = "2026-11-30T10:00:00.000Z"
    last = {"passed": 1, "at": "2026-11-30T10:05:00.000Z"}
    assert quality_check_repeats(last, since, True)
    assert not quality_check_repeats(last, since, False)
    assert not quality_check_repeats(last, "2026-11-30T11:00:00.000Z", True)  # a new stage
    assert not quality_check_repeats(None, since, True)


def test_a_correction_needs_a_reason_and_never_touches_consent() -> None:
    facts = CorrectionFacts("awaiting_approval", "WO-1", ApprovalState.PENDING, Standing.ACTIVE)
    assert decide_correction(facts, " wrong code ") == "wrong code"
    assert decide_correction(replace(facts, state=ApprovalState.DECLINED), "typo") == "typo"
    for changed, why in (
        (facts, "say why"),
        (replace(facts, state=ApprovalState.APPROVED), "customer approved"),
        (replace(facts, standing=Standing.WITHDRAWN), "already withdrawn"),
        (replace(facts, work_order_status="delivered"), "is delivered"),
    ):
        with pytest.raises(StationError, match=why):
            decide_correction(changed, "" if why == "say why" else "reason")


def test_a_correction_keeps_the_source_of_the_finding_it_replaces_unless_it_names_one() -> None:
    lines = [labour("Work", 1, 30_000)]
    draft = FindingDraft("Ignition coil", Severity.URGENT, lines)
    lines.append(labour("More work", 1, 30_000))  # the draft keeps the estimate it was given
    assert draft.lines == (labour("Work", 1, 30_000),)
    kept = {
        "checklist": replace(draft, checklist_result_id=7),
        "dtc": replace(draft, dtc="P0301"),
        "alignment": replace(draft, alignment_session_id=3),
        "manual": draft,
    }
    refs = {"checklist": "7", "dtc": "P0301", "alignment": "3", "manual": None}
    for kind, expected in kept.items():
        assert with_source_of({"source_kind": kind, "source_ref": refs[kind]}, draft) == expected
    # a finding made from the wrong code is corrected by naming the right one
    named = replace(draft, dtc="P0302")
    assert with_source_of({"source_kind": "dtc", "source_ref": "P0301"}, named) == named
    on_alignment = replace(draft, alignment_session_id=4)
    assert with_source_of({"source_kind": "checklist", "source_ref": "7"}, on_alignment) == (
        on_alignment
    )


def alignment_finding(state: str, approved_at: str | None, standing: str = "active") -> Any:
    approvals = [] if approved_at is None else [{"decision": "approved", "at": approved_at}]
    return {
        "source_kind": "alignment",
        "state": state,
        "standing": standing,
        "approvals": approvals,
    }


def test_readings_show_an_adjustment_only_when_it_was_approved_before_them() -> None:
    at = "2026-11-30T10:00:00.000Z"
    approved_before = alignment_finding("approved", "2026-11-30T09:59:59.000Z")
    assert adjustment_approved(at, [approved_before])
    assert not adjustment_approved(at, [])  # nobody asked the customer
    assert not adjustment_approved(at, [alignment_finding("approved", "2026-11-30T10:00:01.000Z")])
    assert not adjustment_approved(at, [alignment_finding("declined", None)])
    assert not adjustment_approved(at, [alignment_finding("pending", None)])
    withdrawn = alignment_finding("approved", "2026-11-30T09:00:00.000Z", "withdrawn")
    assert not adjustment_approved(at, [withdrawn])
    pads = approved_before | {"source_kind": "checklist"}  # another job's approval is no consent
    assert not adjustment_approved(at, [pads])


def test_a_corrected_findings_photos_follow_it_to_the_finding_shown_now() -> None:
    standings = {
        1: ("superseded", 2),
        2: ("superseded", 3),
        3: ("active", None),
        4: ("withdrawn", None),
        5: ("superseded", 4),  # replaced by one withdrawn later
    }
    assert [finding_now(f, standings) for f in (1, 2, 3, 4, 5)] == [3, 3, 3, None, None]
    assert finding_now(9, standings) == 9  # no correction: itself
    assert finding_now(7, {7: ("superseded", 8), 8: ("superseded", 7)}) is None  # never loops
