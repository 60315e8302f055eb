"""Correcting a finding without changing it: withdraw it, or supersede it with a new one.

A finding stays on record exactly as it was shown to the customer. A mis-tap or
a wrong price is corrected by a new row in `finding_corrections`: a withdrawal,
or a supersession pointing at the new finding written in the same transaction.
A withdrawn or superseded finding no longer waits for the customer, cannot be
approved, and is not in the report; the audit chain keeps why and by whom.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sqlite_utils

from station.approvals import check_new_finding, insert_finding
from station.command import Actor, Created, one
from station.errors import ImmutableRecord, InvalidInput, TransitionRefused
from station.findings import ApprovalState, FindingDraft
from station.lifecycle import FINAL, Status
from station.roles import require
from station.store import Store, Transaction
from station.truth import Standing
from station.work_orders import approval_state, load_work_order, standing_of

REASON_MAX = 300


def migrate(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE finding_corrections (
            id INTEGER PRIMARY KEY, finding_id INTEGER NOT NULL REFERENCES findings(id),
            replaced_by INTEGER REFERENCES findings(id), reason TEXT NOT NULL,
            at TEXT NOT NULL, recorded_by INTEGER NOT NULL);
        CREATE INDEX finding_corrections_finding ON finding_corrections(finding_id, id);
        """
    )
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER finding_corrections_no_{action.lower()} BEFORE {action} "
            f"ON finding_corrections BEGIN SELECT RAISE(ABORT, 'corrections are immutable'); END"
        )


@dataclass(frozen=True)
class CorrectionFacts:
    work_order_status: str
    work_order_number: str
    state: ApprovalState
    standing: Standing


def decide_correction(facts: CorrectionFacts, reason: str) -> str:
    """The reason to keep, or the refusal: an approved finding is the customer's consent."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "say why the finding is corrected: it stays on record", key="correction.needs_reason"
        )
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            f"the reason is longer than {REASON_MAX} characters",
            key="correction.reason_long",
            max=REASON_MAX,
        )
    if Status(facts.work_order_status) in FINAL:
        raise TransitionRefused(
            f"work order {facts.work_order_number} is {facts.work_order_status}",
            key="work_order.closed",
            number=facts.work_order_number,
            status=facts.work_order_status,
        )
    if facts.standing is not Standing.ACTIVE:
        raise ImmutableRecord(
            f"this finding is already {facts.standing.value}", key="finding.already_corrected"
        )
    if facts.state is ApprovalState.APPROVED:
        raise ImmutableRecord(
            "the customer approved this finding: it stays as approved; add a new finding "
            "for what is different",
            key="correction.approved",
        )
    return reason


def with_source_of(finding: dict[str, Any], draft: FindingDraft) -> FindingDraft:
    """The corrected finding's draft, with the replaced finding's source when it names none."""
    named = (draft.checklist_result_id, draft.dtc, draft.alignment_session_id)
    if any(source is not None for source in named):
        return draft
    kind, ref = finding["source_kind"], finding["source_ref"]
    if kind == "checklist":
        return replace(draft, checklist_result_id=int(ref))
    if kind == "dtc":
        return replace(draft, dtc=ref)
    if kind == "alignment":
        return replace(draft, alignment_session_id=int(ref))
    return draft


def load_correction_facts(tx: Transaction, finding: dict[str, Any]) -> CorrectionFacts:
    wo = load_work_order(tx, finding["work_order_id"])
    return CorrectionFacts(
        work_order_status=wo["status"],
        work_order_number=wo["number"],
        state=approval_state(tx, finding["id"]),
        standing=standing_of(tx, finding["id"]),
    )


def _write(
    tx: Transaction, actor: Actor, finding_id: int, replaced_by: int | None, reason: str
) -> int:
    row = {
        "finding_id": finding_id,
        "replaced_by": replaced_by,
        "reason": reason,
        "at": tx.at,
        "recorded_by": actor.user_id,
    }
    correction_id = tx.insert("finding_corrections", row)
    kind = "finding.superseded" if replaced_by is not None else "finding.withdrawn"
    tx.record(kind, "finding_correction", correction_id, row)
    return correction_id


class Corrections:
    store: Store

    def withdraw_finding(self, actor: Actor, finding_id: int, reason: str) -> Created:
        """Take back a finding the customer has not approved; it stays on record, withdrawn."""
        require(actor.role, "finding.create")
        with self.store.transaction(actor.name) as tx:
            finding = one(
                tx, "SELECT * FROM findings WHERE id = ?", (finding_id,), f"finding {finding_id}"
            )
            kept = decide_correction(load_correction_facts(tx, finding), reason)
            return Created(_write(tx, actor, finding_id, None, kept))

    def supersede_finding(
        self, actor: Actor, finding_id: int, reason: str, draft: FindingDraft
    ) -> Created:
        """Replace a finding by a corrected one, linked to it; returns the new finding's id.

        The new finding keeps the old one's source (checklist item, code or alignment
        session) unless the draft names another: a finding made from the wrong code is
        corrected here.
        """
        check_new_finding(actor, draft)
        with self.store.transaction(actor.name) as tx:
            finding = one(
                tx, "SELECT * FROM findings WHERE id = ?", (finding_id,), f"finding {finding_id}"
            )
            kept = decide_correction(load_correction_facts(tx, finding), reason)
            new_id = insert_finding(
                tx, actor, finding["work_order_id"], with_source_of(finding, draft)
            )
            _write(tx, actor, finding_id, new_id, kept)
        return Created(new_id)
