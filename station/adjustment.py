"""A wheel alignment adjustment is extra work like any other: a priced finding the customer
approves before anyone adjusts, then a job clocked on and off.

`propose_adjustment` turns the rig's before readings into that finding, priced
from the workshop's price list (its alignment labour, `L-ALIGN`, at the labour
rate). Readings after an adjustment count as one only when the customer had
approved it before the rig took them (`station.truth.adjustment_approved`);
`adjustment_state` says so for the bay's screen and the report.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from station import alignment, catalogue, truth
from station.command import Created
from station.errors import InvalidInput
from station.findings import EstimateLine, FindingDraft, labour

if TYPE_CHECKING:
    from station.workshop import Actor, Workshop

log = logging.getLogger(__name__)

ALIGNMENT_LABOUR = "L-ALIGN"
TITLE = "Wheel alignment out of specification / 四轮定位超出标准"
RECOMMENDED = "Adjust the wheel alignment / 调整四轮定位"
DEFAULT_HOURS = 1.0


def adjustment_lines(workshop: Workshop) -> list[EstimateLine]:
    """The price list's alignment labour at the labour rate, in both languages."""
    rate = catalogue.labour_rate_cents(workshop.store)
    item = next(
        (i for i in catalogue.price_items(workshop.store) if i.code == ALIGNMENT_LABOUR), None
    )
    hours = item.hours if item is not None else DEFAULT_HOURS
    name = (
        f"{item.name_en} / {item.name_zh}"
        if item is not None
        else "Four-wheel alignment / 四轮定位调整"
    )
    if rate <= 0:
        raise InvalidInput(
            "the price list has no labour rate: set it before pricing an adjustment",
            key="adjustment.no_labour_rate",
        )
    return [labour(name, hours, rate)]


def propose_adjustment(
    workshop: Workshop, actor: Actor, wo_id: int, lines: list[EstimateLine] | None = None
) -> Created:
    """The adjustment the latest rig session calls for, as a finding for the customer.

    Refused when the work order has no alignment measured, or when every reading
    before adjustment is within its specification (nothing to sell).
    """
    rated = alignment.load_alignment(workshop.store, wo_id)
    if rated is None:
        raise InvalidInput(
            "measure the alignment on the rig first: there is nothing to propose",
            key="adjustment.not_measured",
        )
    severity = truth.alignment_adjustment(rated.worst(alignment.Phase.BEFORE))
    if severity is None:
        raise InvalidInput(
            "every alignment reading is within its specification: no adjustment",
            key="adjustment.within_spec",
        )
    session = workshop.latest_alignment_session(wo_id)
    assert session is not None
    return workshop.add_finding(
        actor,
        wo_id,
        FindingDraft(
            TITLE,
            severity,
            lines if lines is not None else adjustment_lines(workshop),
            RECOMMENDED,
            alignment_session_id=int(session["id"]),
        ),
    )


@dataclass(frozen=True)
class AdjustmentState:
    """What the latest rig session may be said to show."""

    measured: bool  # a session exists
    after_taken: bool  # it has readings after an adjustment
    approved: bool  # an adjustment was approved before they were taken
    proposed: bool  # an alignment finding exists (approved or not)

    @property
    def claimed(self) -> bool:
        """The after readings are shown as the adjustment done."""
        return self.after_taken and self.approved


def adjustment_state(workshop: Workshop, wo_id: int) -> AdjustmentState:
    session = workshop.latest_alignment_session(wo_id)
    if session is None:
        return AdjustmentState(False, False, False, False)
    findings = [
        f
        for f in workshop.findings(wo_id)
        if f["source_kind"] == "alignment" and f["standing"] == truth.Standing.ACTIVE.value
    ]
    return AdjustmentState(
        measured=True,
        after_taken=bool(session["after_readings"]),
        approved=truth.adjustment_approved(str(session["recorded_at"]), findings),
        proposed=bool(findings),
    )
