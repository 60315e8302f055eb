"""Findings, the customer's decision on each, and the drawn signature that backs it.

The customer's consent is what this module protects: the rules that say who
may record it, on which channel, and what counts as a signature are pure
functions (`decide_approval`, `check_signature`) that run inside the
transaction that writes the decision.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from station import limits
from station.audit import canonical_json
from station.checklists import load_template, remaining_life_km
from station.command import SYSTEM, Actor, Created, maybe_one, one, rows
from station.errors import ImmutableRecord, InvalidInput, PermissionDenied, TransitionRefused
from station.findings import (
    ApprovalState,
    Channel,
    Decision,
    FindingDraft,
    estimate_total_cents,
    state_after,
    validate_lines,
)
from station.lifecycle import FINAL, Status
from station.roles import Role, may, require
from station.store import Store, Transaction
from station.truth import Standing
from station.work_orders import load_work_order, refuse_if_closed, standing_of

# A signature is a drawing, not a tap: at least this many pen points, a pen path
# at least this share of the pad's width, spread over at least this share of it.
MIN_SIGNATURE_POINTS = 8
MIN_INK_SHARE = 0.25
MIN_EXTENT_SHARE = 0.15

Strokes = Sequence[Sequence[tuple[float, float]]]


def check_signature(strokes: Strokes, width: int, height: int) -> None:
    """Refuse a pad that holds no plausible drawing (a tap, a dot, a two-point scribble)."""
    if width <= 0 or height <= 0:
        raise InvalidInput("the signature pad has no size", key="signature.no_pad")
    points = [point for stroke in strokes for point in stroke]
    if not any(len(stroke) >= 2 for stroke in strokes):
        raise InvalidInput(
            "the signature is empty: ask the customer to sign", key="signature.empty"
        )
    ink = sum(
        math.dist(stroke[i], stroke[i + 1]) for stroke in strokes for i in range(len(stroke) - 1)
    )
    xs = [x for x, _ in points]
    extent = max(xs) - min(xs)
    if (
        len(points) < MIN_SIGNATURE_POINTS
        or ink < MIN_INK_SHARE * width
        or extent < MIN_EXTENT_SHARE * width
    ):
        raise InvalidInput(
            "the signature is too small: ask the customer to sign across the pad",
            key="signature.too_small",
        )


def signature_row(strokes: Strokes, width: int, height: int, at: str) -> dict[str, Any]:
    """A drawn signature as kept, checked first: its SHA-256 over the strokes is its reference."""
    check_signature(strokes, width, height)
    points = [[[round(x, 1), round(y, 1)] for x, y in stroke] for stroke in strokes]
    body = canonical_json({"strokes": points, "width": width, "height": height})
    return {
        "sha256": hashlib.sha256(body.encode()).hexdigest(),
        "strokes": json.dumps(points),
        "width": width,
        "height": height,
        "created_at": at,
    }


def keep_signature(tx: Transaction, row: dict[str, Any], sync: bool) -> str:
    """The signature's row, once: the same drawing kept twice is the same record."""
    if maybe_one(tx, "SELECT sha256 FROM signatures WHERE sha256 = ?", (row["sha256"],)) is None:
        tx.insert("signatures", row)
        tx.record("signature.recorded", "signature", row["sha256"], row, sync=sync)
    return str(row["sha256"])


@dataclass(frozen=True)
class ApprovalFacts:
    """What a decision on one finding is judged against, read inside its transaction."""

    work_order_status: str
    work_order_number: str
    state: ApprovalState
    signature_on_record: bool
    finding_created_at: str = ""
    signature_drawn_at: str | None = None
    # The signature already backs a handover or a decision on another work order.
    signature_given_elsewhere: bool = False
    standing: Standing = Standing.ACTIVE


def decide_approval(
    role: Role,
    channel: Channel,
    decision: Decision,
    facts: ApprovalFacts,
    from_inbox: bool = False,
) -> bool:
    """Whether to write the decision (False: it repeats the current one, nothing to add).

    Consent is the customer's: only an advisor (or admin) takes it at the desk; a
    decision at the bay needs the customer's drawn signature; a remote decision
    comes only from the sync inbox, where the cloud has already checked the link.
    """
    if channel is Channel.REMOTE and not from_inbox:
        raise PermissionDenied(
            "remote approvals arrive only through the sync inbox", key="approval.remote_only"
        )
    if channel is Channel.DESK and not may(role, "approval.desk"):
        raise PermissionDenied(
            "only an advisor records the customer's decision at the desk",
            key="approval.desk_advisor",
        )
    if channel is Channel.BAY and not may(role, "approval.bay"):
        raise PermissionDenied(
            f"a {role.value} may not record the customer's decision",
            key="approval.role",
            role=role.value,
        )
    if Status(facts.work_order_status) in FINAL:
        raise TransitionRefused(
            f"work order {facts.work_order_number} is {facts.work_order_status}",
            key="work_order.closed",
            number=facts.work_order_number,
            status=facts.work_order_status,
        )
    if channel is Channel.BAY and not facts.signature_on_record:
        # No advisor hears the customer at the bay: without their drawing a decline
        # would be the technician's word put in the customer's mouth.
        raise InvalidInput(
            "a decision at the bay needs the customer's signature", key="approval.bay_signature"
        )
    needs_signature = channel is Channel.DESK and decision is Decision.APPROVED
    if needs_signature and not facts.signature_on_record:
        raise InvalidInput(
            "an approval at the desk or bay needs the customer's signature",
            key="approval.needs_signature",
        )
    if facts.standing is not Standing.ACTIVE:
        raise ImmutableRecord(
            f"this finding was {facts.standing.value}: it is no longer offered to the customer",
            key="finding.no_longer_offered",
        )
    if facts.signature_given_elsewhere:
        raise InvalidInput(
            "that signature was given for another work order or a handover: "
            "ask the customer to sign for this decision",
            key="signature.elsewhere",
        )
    if facts.signature_drawn_at is not None and facts.signature_drawn_at < facts.finding_created_at:
        raise InvalidInput(
            "the customer signed before this finding was added: ask the customer to sign again",
            key="signature.before_finding",
        )
    if facts.state is ApprovalState.APPROVED:
        raise ImmutableRecord(
            "this finding is already approved; an approval is not withdrawn here",
            key="finding.already_approved",
        )
    return facts.state.value != decision.value


def write_decision(
    tx: Transaction,
    finding: dict[str, Any],
    decision: Decision,
    customer_name: str,
    channel: Channel,
    signature_ref: str | None,
    recorded_by: int | None,
    at: str,
    sync: bool,
) -> int:
    """The decision's row, its audit event and, when approved, the job it allows."""
    total = tx.execute(
        "SELECT COALESCE(SUM(ROUND(quantity * unit_price_cents)), 0) FROM estimate_lines "
        "WHERE finding_id = ?",
        (finding["id"],),
    ).fetchone()[0]
    row = {
        "finding_id": finding["id"],
        "decision": decision.value,
        "customer_name": customer_name,
        "channel": channel.value,
        "signature_ref": signature_ref,
        "total_cents": int(total),
        "at": at,
        "recorded_by": recorded_by,
    }
    approval_id = tx.insert("approvals", row)
    tx.record(f"finding.{decision.value}", "approval", approval_id, row, sync=sync)
    if decision is Decision.APPROVED:
        job_id = tx.insert(
            "jobs",
            {
                "work_order_id": finding["work_order_id"],
                "finding_id": finding["id"],
                "description": finding["recommended_job"] or finding["title"],
                "created_at": tx.at,
            },
        )
        tx.record(
            "job.added",
            "job",
            job_id,
            {"work_order_id": finding["work_order_id"], "finding_id": finding["id"]},
        )
    return approval_id


def load_approval_facts(
    tx: Transaction, finding: dict[str, Any], signature_ref: str | None
) -> ApprovalFacts:
    wo = load_work_order(tx, finding["work_order_id"])
    decisions = rows(
        tx, "SELECT decision FROM approvals WHERE finding_id = ? ORDER BY id", (finding["id"],)
    )
    signature = (
        one(
            tx,
            "SELECT sha256, created_at FROM signatures WHERE sha256 = ?",
            (signature_ref,),
            f"signature {signature_ref[:12]}",
        )
        if signature_ref
        else None
    )
    given_elsewhere = signature is not None and bool(
        signature_uses(tx, signature_ref) - {("approval", finding["work_order_id"])}
    )
    return ApprovalFacts(
        work_order_status=wo["status"],
        work_order_number=wo["number"],
        state=state_after([Decision(d["decision"]) for d in decisions]),
        signature_on_record=signature is not None,
        finding_created_at=finding["created_at"],
        signature_drawn_at=None if signature is None else signature["created_at"],
        signature_given_elsewhere=given_elsewhere,
        standing=standing_of(tx, finding["id"]),
    )


def signature_uses(tx: Transaction, signature_ref: str | None) -> set[tuple[str, int]]:
    """What a drawn signature already backs: ("approval", work order) and ("handover", work order).

    One drawing is the customer's consent to what they saw when they drew it, so it
    backs the decisions of one sitting on one work order, or one handover, never both.
    """
    found = rows(
        tx,
        "SELECT 'approval' AS kind, f.work_order_id FROM approvals a "
        "JOIN findings f ON f.id = a.finding_id WHERE a.signature_ref = ? "
        "UNION SELECT 'handover', work_order_id FROM handovers WHERE signature_ref = ?",
        (signature_ref, signature_ref),
    )
    return {(str(r["kind"]), int(r["work_order_id"])) for r in found}


def latest_decision_id(tx: Transaction, finding_id: int) -> int:
    row = one(
        tx,
        "SELECT id FROM approvals WHERE finding_id = ? ORDER BY id DESC LIMIT 1",
        (finding_id,),
        f"a decision on finding {finding_id}",
    )
    return int(row["id"])


def record_remote_decision(
    tx: Transaction,
    finding_id: int,
    decision: Decision,
    customer_name: str,
    at: str,
    signature_ref: str | None = None,
) -> tuple[str, str]:
    """A decision the customer made through the approval link, applied by the sync inbox."""
    finding = maybe_one(tx, "SELECT * FROM findings WHERE id = ?", (finding_id,))
    if finding is None:
        raise InvalidInput(
            f"finding {finding_id} does not exist on this station", key="record.not_found"
        )
    later = maybe_one(
        tx,
        "SELECT decision, channel, at FROM approvals WHERE finding_id = ? AND at > ? "
        "ORDER BY at DESC LIMIT 1",
        (finding_id, at),
    )
    if later is not None:
        # Said later in person: that is the customer's latest word. The remote decision
        # stays on record in the cloud and in this station's audit log, and opens no job.
        tx.audit(
            "finding.remote_decision_superseded",
            f"finding:{finding_id}",
            {"decision": decision.value, "customer_name": customer_name, "at": at, "latest": later},
        )
        return "ignored", (
            f"the {later['channel']} decision ({later['decision']}) at {later['at']} came after "
            f"the remote {decision.value} at {at}"
        )
    facts = load_approval_facts(tx, finding, None)
    if facts.standing is not Standing.ACTIVE:
        return "refused", f"the finding was {facts.standing.value} on the station"
    if facts.state is ApprovalState.APPROVED:
        return "refused", "the finding was already approved on the station"
    if not decide_approval(SYSTEM.role, Channel.REMOTE, decision, facts, from_inbox=True):
        return "duplicate", f"the finding is already {decision.value}"
    approval_id = write_decision(
        tx, finding, decision, customer_name, Channel.REMOTE, signature_ref, None, at, sync=False
    )
    return "applied", f"approval {approval_id}"


def check_new_finding(actor: Actor, draft: FindingDraft) -> None:
    """What a new finding must be before its transaction: added or written to correct another."""
    require(actor.role, "finding.create")
    if not draft.title.strip():
        raise InvalidInput("a finding needs a title", key="finding.needs_title")
    limits.check(limits.TITLE, draft.title)
    limits.check(limits.DESCRIPTION, draft.recommended_job)
    validate_lines(draft.lines)


def insert_finding(tx: Transaction, actor: Actor, wo_id: int, draft: FindingDraft) -> int:
    """Write one finding with its estimate lines in `tx` (checked by `check_new_finding`); its id.

    Both a new finding and one that supersedes another are written here. Its source
    is a checklist result, a trouble code or an alignment session (the adjustment
    the rig's readings call for), else it was written by hand."""
    refuse_if_closed(load_work_order(tx, wo_id))
    checklist_result_id, dtc = draft.checklist_result_id, draft.dtc
    alignment_session_id = draft.alignment_session_id
    value = unit = life = None
    source_kind, source_ref = "manual", None
    if checklist_result_id is not None:
        result = one(
            tx,
            "SELECT r.*, c.template_id, c.template_version, c.work_order_id "
            "FROM checklist_results r JOIN checklists c ON c.id = r.checklist_id "
            "WHERE r.id = ?",
            (checklist_result_id,),
            f"checklist result {checklist_result_id}",
        )
        if result["work_order_id"] != wo_id:
            raise InvalidInput(
                "that checklist result belongs to another work order", key="record.other_work_order"
            )
        source_kind, source_ref = "checklist", str(checklist_result_id)
        value, unit = result["value"], result["unit"]
        measurement = (
            load_template(result["template_id"], result["template_version"])
            .item(result["item_key"])
            .measurement
        )
        if measurement is not None and value is not None:
            life = remaining_life_km(measurement, value)
    elif dtc is not None:
        source_kind, source_ref = "dtc", dtc.strip().upper()
    elif alignment_session_id is not None:
        session = one(
            tx,
            "SELECT work_order_id FROM alignment_sessions WHERE id = ?",
            (alignment_session_id,),
            f"alignment session {alignment_session_id}",
        )
        if session["work_order_id"] != wo_id:
            raise InvalidInput(
                "that alignment session belongs to another work order",
                key="record.other_work_order",
            )
        source_kind, source_ref = "alignment", str(alignment_session_id)
    row = {
        "work_order_id": wo_id,
        "title": draft.title.strip(),
        "severity": draft.severity.value,
        "source_kind": source_kind,
        "source_ref": source_ref,
        "recommended_job": draft.recommended_job,
        "measurement_value": value,
        "measurement_unit": unit,
        "remaining_life_km": life,
        "created_at": tx.at,
        "created_by": actor.user_id,
    }
    finding_id = tx.insert("findings", row)
    line_rows = []
    for line in draft.lines:
        line_row = {
            "finding_id": finding_id,
            "kind": line.kind.value,
            "description": line.description,
            "part_number": line.part_number,
            "quantity": line.quantity,
            "unit_price_cents": line.unit_price_cents,
        }
        tx.insert("estimate_lines", line_row)
        line_rows.append(line_row)
    tx.record(
        "finding.added",
        "finding",
        finding_id,
        {**row, "lines": line_rows, "total_cents": estimate_total_cents(draft.lines)},
    )
    return finding_id


class Findings:
    store: Store

    def add_finding(self, actor: Actor, wo_id: int, draft: FindingDraft) -> Created:
        """A finding comes from a checklist item, a trouble code or an alignment session and
        carries its estimate."""
        check_new_finding(actor, draft)
        with self.store.transaction(actor.name) as tx:
            return Created(insert_finding(tx, actor, wo_id, draft))


class Approvals:
    store: Store

    def record_approval(
        self,
        actor: Actor,
        finding_id: int,
        decision: Decision,
        customer_name: str,
        channel: Channel,
        signature_ref: str | None = None,
    ) -> Created:
        """The customer's decision on one finding; a new row every time, never an update.

        Tapping the same decision twice records it once: the second tap answers
        with the decision already on record.
        """
        require(actor.role, "approval.record")
        limits.check(limits.NAME, customer_name.strip())
        if not customer_name.strip():
            raise InvalidInput("an approval records who decided", key="approval.needs_name")
        with self.store.transaction(actor.name) as tx:
            finding = one(
                tx, "SELECT * FROM findings WHERE id = ?", (finding_id,), f"finding {finding_id}"
            )
            facts = load_approval_facts(tx, finding, signature_ref)
            if not decide_approval(actor.role, channel, decision, facts):
                return Created(latest_decision_id(tx, finding_id))
            approval_id = write_decision(
                tx,
                finding,
                decision,
                customer_name.strip(),
                channel,
                signature_ref,
                actor.user_id,
                tx.at,
                sync=True,
            )
        return Created(approval_id)

    def record_signature(
        self, actor: Actor, strokes: list[list[tuple[float, float]]], width: int, height: int
    ) -> str:
        """Keep a drawn signature (pen strokes in pad pixels); its SHA-256 is the reference."""
        require(actor.role, "approval.record")
        check_signature(strokes, width, height)
        with self.store.transaction(actor.name) as tx:
            return keep_signature(tx, signature_row(strokes, width, height, tx.at), sync=True)
