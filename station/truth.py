"""What may be said to the customer: pure rules the report and every screen follow.

A signed report makes every line a signed statement, so these rules decide from
the records alone what is true: a code is "cleared" only when the rescan read
its control unit completely and the code is gone; a repaired item is shown as
it is after the repair, not with the rating that sold the repair; work is
"done" only when someone clocked on it and finished; a declined repair is said
to be declined, with its fault still there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from station.checklists import Rating
from station.findings import ApprovalState, Severity

if TYPE_CHECKING:
    from station.diagnostics import CodeComparison


class CodeVerdict(StrEnum):
    """In the order the customer reads them: what still needs attention first."""

    STILL_PRESENT = "still_present"
    NEW = "new"  # appeared after the repair
    DECLINED = "declined"  # declined by the customer: the fault is still there
    NOT_CHECKED = "not_checked"  # its control unit did not answer the rescan
    PERMANENT_ONLY = "permanent_only"  # repaired; the car clears its permanent record itself
    CLEARED = "cleared"  # read completely after the repair, and gone


@dataclass(frozen=True)
class CodeOutcome:
    code: str
    verdict: CodeVerdict


def code_outcomes(
    comparison: CodeComparison, declined: Iterable[str] = ()
) -> tuple[CodeOutcome, ...]:
    """One verdict per code, in the order the customer reads them.

    A code whose finding the customer declined is never "cleared" nor "repaired":
    a clear only erased it from the car's memory, the fault is still there.
    """
    declined_codes = set(declined)
    outcomes: list[CodeOutcome] = []
    for codes, verdict in (
        (comparison.remaining, CodeVerdict.STILL_PRESENT),
        (comparison.new, CodeVerdict.NEW),
        (comparison.not_checked, CodeVerdict.NOT_CHECKED),
        (comparison.permanent_only, CodeVerdict.PERMANENT_ONLY),
        (comparison.cleared, CodeVerdict.CLEARED),
    ):
        for code in codes:
            shown = verdict
            if code in declined_codes and verdict is not CodeVerdict.NEW:
                shown = CodeVerdict.DECLINED
            outcomes.append(CodeOutcome(code, shown))
    order = list(CodeVerdict)
    return tuple(sorted(outcomes, key=lambda o: (order.index(o.verdict), o.code)))


# -- jobs -----------------------------------------------------------------------


class JobState(StrEnum):
    DONE = "done"  # clocked on and every clock entry finished
    IN_PROGRESS = "in_progress"  # someone is still clocked on
    NOT_STARTED = "not_started"  # nobody ever clocked on


@dataclass(frozen=True)
class ClockSpan:
    technician: str
    started_at: str
    ended_at: str | None


def job_state(spans: Sequence[ClockSpan]) -> JobState:
    if not spans:
        return JobState.NOT_STARTED
    if any(span.ended_at is None for span in spans):
        return JobState.IN_PROGRESS
    return JobState.DONE


def minutes_worked(spans: Sequence[ClockSpan]) -> int:
    """Whole minutes on the clock, finished spans only (an open one has no length yet)."""
    total = sum(
        (
            datetime.fromisoformat(span.ended_at) - datetime.fromisoformat(span.started_at)
        ).total_seconds()
        for span in spans
        if span.ended_at is not None
    )
    return round(total / 60)


def technicians(spans: Sequence[ClockSpan]) -> tuple[str, ...]:
    """Who worked on a job, each once, in the order they started."""
    return tuple(dict.fromkeys(span.technician for span in spans))


# -- items after a repair ------------------------------------------------------


class ItemState(StrEnum):
    AS_MEASURED = "as_measured"  # no repair: the inspection's rating stands
    MEASURED_AFTER = "measured_after"  # repaired and measured again: the new value
    REPLACED = "replaced"  # repaired, not measured again: "replaced", no rating


def item_after_repair(repaired: bool, measured_again: bool) -> ItemState:
    """The old rating is what sold the repair; after it, only a new reading or "replaced" is true."""
    if not repaired:
        return ItemState.AS_MEASURED
    return ItemState.MEASURED_AFTER if measured_again else ItemState.REPLACED


def rating_counts(ratings: Iterable[str], replaced: int = 0) -> dict[str, int]:
    """The summary bar: the ratings that stand now, and the items replaced on this visit."""
    counts = {"green": 0, "amber": 0, "red": 0}
    for rating in ratings:
        counts[rating] += 1
    counts["replaced"] = replaced
    return counts


# -- alignment -------------------------------------------------------------------


def alignment_adjustment(before_worst: Rating | None) -> Severity | None:
    """An adjustment is extra work like any other: proposed as a finding, approved, done.

    Out of specification before (red) is urgent; near its limit (amber) is soon.
    """
    if before_worst is Rating.RED:
        return Severity.URGENT
    if before_worst is Rating.AMBER:
        return Severity.SOON
    return None


def adjustment_approved(recorded_at: str, findings: Sequence[Mapping[str, Any]]) -> bool:
    """Whether readings taken at `recorded_at` may be shown as an adjustment.

    Only when the customer had approved an adjustment of the alignment (an active
    finding from an alignment session) before the rig took them: readings after an
    adjustment nobody approved prove work, not consent, and the report never
    claims it. `findings` carry source_kind, state, standing and their approvals.
    """
    for finding in findings:
        if (
            finding["source_kind"] != "alignment"
            or finding["state"] != ApprovalState.APPROVED.value
            or finding.get("standing", Standing.ACTIVE.value) != Standing.ACTIVE.value
        ):
            continue
        approved = [
            str(a["at"]) for a in finding["approvals"] if a["decision"] == ApprovalState.APPROVED
        ]
        if approved and min(approved) <= recorded_at:
            return True
    return False


# -- money ------------------------------------------------------------------------


@dataclass(frozen=True)
class MoneyTotals:
    """Extra work in cents: only work approved and done is charged, with its tax."""

    done_cents: int
    not_done_cents: int  # approved, not (yet) done: not charged
    declined_cents: int
    waiting_cents: int  # not decided yet
    tax_cents: int
    payable_cents: int


def totals(findings: Iterable[tuple[str, int, bool]], tax_rate_bp: int) -> MoneyTotals:
    """From (approval state, estimate total, job done) per finding; tax rounds half up."""
    done = not_done = declined = waiting = 0
    for state, cents, finished in findings:
        if state == ApprovalState.APPROVED.value:
            if finished:
                done += cents
            else:
                not_done += cents
        elif state == ApprovalState.DECLINED.value:
            declined += cents
        else:
            waiting += cents
    tax = int((Decimal(done) * tax_rate_bp / 10_000).quantize(Decimal(1), ROUND_HALF_UP))
    return MoneyTotals(done, not_done, declined, waiting, tax, done + tax)


# -- findings, codes and what a clear would hide -----------------------------------


class Standing(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"


def finding_standing(corrections: Sequence[Mapping[str, Any]]) -> Standing:
    """A finding stays on record; its latest correction says whether it still counts."""
    if not corrections:
        return Standing.ACTIVE
    last = corrections[-1]
    return Standing.SUPERSEDED if last.get("replaced_by") is not None else Standing.WITHDRAWN


def finding_now(finding_id: int, standings: Mapping[int, tuple[str, int | None]]) -> int | None:
    """The finding the customer is shown in place of `finding_id`: itself while active, the
    one that superseded it (followed to the end), or None once it was withdrawn.

    `standings` maps each finding to (standing, replaced_by). Photos of a corrected finding
    follow it to its replacement, and leave with a withdrawn one.
    """
    seen: set[int] = set()
    current: int | None = finding_id
    while current is not None and current not in seen:
        seen.add(current)
        standing, replaced_by = standings.get(current, (Standing.ACTIVE.value, None))
        if standing == Standing.ACTIVE.value:
            return current
        current = replaced_by if standing == Standing.SUPERSEDED.value else None
    return None


@dataclass(frozen=True)
class CodeAtRisk:
    code: str
    reason: str  # "declined", "not_decided", "not_repaired"


def codes_at_risk(
    codes: Iterable[str], findings: Sequence[Mapping[str, Any]], done_findings: Iterable[int]
) -> tuple[CodeAtRisk, ...]:
    """Codes a clear would erase although their fault was not repaired.

    `findings` are the active findings (id, source_kind, source_ref, state);
    `done_findings` the ids whose repair job is done. A code with no finding at
    all is evidence nobody has looked at: it is not repaired either.
    """
    done = set(done_findings)
    by_code: dict[str, list[Mapping[str, Any]]] = {}
    for finding in findings:
        if finding["source_kind"] == "dtc" and finding["source_ref"]:
            by_code.setdefault(str(finding["source_ref"]), []).append(finding)
    risky = []
    for code in sorted(set(codes)):
        related = by_code.get(code, [])
        if any(f["id"] in done for f in related):
            continue
        states = {f["state"] for f in related}
        if ApprovalState.DECLINED.value in states:
            reason = "declined"
        elif ApprovalState.PENDING.value in states:
            reason = "not_decided"
        else:
            reason = "not_repaired"
        risky.append(CodeAtRisk(code, reason))
    return tuple(risky)


@dataclass(frozen=True)
class Source:
    code: str
    descriptions: tuple[str, ...]
    kinds: tuple[str, ...]
    ecus: tuple[str, ...]


def code_sources(result: Mapping[str, Any]) -> tuple[Source, ...]:
    """A scan's codes as finding sources: one per code, however many units or kinds report it."""
    merged: dict[str, dict[str, dict[str, None]]] = {}
    for ecu in result.get("ecus", []):
        for dtc in ecu.get("dtcs", []):
            entry = merged.setdefault(
                str(dtc["code"]), {"descriptions": {}, "kinds": {}, "ecus": {}}
            )
            if dtc.get("description"):
                entry["descriptions"][str(dtc["description"])] = None
            entry["kinds"][str(dtc.get("kind"))] = None
            entry["ecus"][str(ecu.get("name") or ecu.get("id"))] = None
    return tuple(
        Source(code, tuple(e["descriptions"]), tuple(e["kinds"]), tuple(e["ecus"]))
        for code, e in sorted(merged.items())
    )


# -- waiting approvals -------------------------------------------------------------


def waiting_count(findings: Sequence[Mapping[str, Any]]) -> int:
    """Findings still waiting for the customer's decision (withdrawn ones are not)."""
    return sum(
        1
        for f in findings
        if f["state"] == ApprovalState.PENDING.value
        and f.get("standing", Standing.ACTIVE.value) == Standing.ACTIVE.value
    )


def waiting_text(count: int) -> tuple[str, str] | None:
    """What the customer's tracker says beside the stage while decisions wait: (en, zh)."""
    if count <= 0:
        return None
    items = "item" if count == 1 else "items"
    return (f"Waiting for your decision on {count} {items}.", f"有 {count} 项等待您的决定。")


def with_waiting(text: tuple[str, str], target: str, waiting: int) -> tuple[str, str]:
    """A status text for the customer, with the decisions still waiting said beside it.

    "Being repaired" alone would hide that three items wait for the customer; the
    awaiting-approval text says it already, and a closed visit waits for nothing.
    """
    said = waiting_text(waiting)
    if said is None or target in ("awaiting_approval", "delivered", "cancelled"):
        return text
    return (f"{text[0]} {said[0]}", f"{text[1]}{said[1]}")


def quality_check_repeats(last: Mapping[str, Any] | None, stage_since: str, passed: bool) -> bool:
    """A second tap with the same result in the same quality-check stage records nothing."""
    return last is not None and str(last["at"]) >= stage_since and bool(last["passed"]) == passed
