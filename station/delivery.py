"""The end of the visit: quality check, the issued report, the handover, the follow-ups."""

from __future__ import annotations

from station import lifecycle, limits
from station.approvals import signature_uses
from station.command import Actor, Created, maybe_one, one
from station.errors import ImmutableRecord, InvalidInput, TransitionRefused
from station.lifecycle import Status
from station.roles import require
from station.store import Store
from station.truth import quality_check_repeats
from station.work_orders import load_facts, load_work_order, move, schedule_after_delivery


class Delivery:
    store: Store

    def record_quality_check(
        self, actor: Actor, wo_id: int, passed: bool, note: str = ""
    ) -> Created:
        """The quality check's result; the same result tapped again in the same stage is
        answered with the one on record (warning "already recorded"), not written twice."""
        require(actor.role, "quality_check.record")
        limits.check(limits.NOTE, note)
        with self.store.transaction(actor.name) as tx:
            wo = load_work_order(tx, wo_id)
            if wo["status"] != Status.QUALITY_CHECK.value:
                raise TransitionRefused(
                    f"work order {wo['number']} is {wo['status']}, not in quality check",
                    key="quality_check.not_in_check",
                    number=wo["number"],
                    status=wo["status"],
                )
            last = maybe_one(
                tx,
                "SELECT id, passed, at FROM quality_checks WHERE work_order_id = ? "
                "ORDER BY id DESC LIMIT 1",
                (wo_id,),
            )
            if last is not None and quality_check_repeats(last, wo["status_since"], passed):
                return Created(int(last["id"]), ("already recorded",))
            row = {
                "work_order_id": wo_id,
                "passed": int(passed),
                "note": note,
                "at": tx.at,
                "checked_by": actor.user_id,
            }
            qc_id = tx.insert("quality_checks", row)
            tx.record("quality_check.recorded", "quality_check", qc_id, row)
        return Created(qc_id)

    def record_report_issued(
        self, actor: Actor, wo_id: int, sha256: str, file_name: str, language: str
    ) -> Created:
        """An issued report is immutable: a correction is the next version."""
        require(actor.role, "report.issue")
        with self.store.transaction(actor.name) as tx:
            load_work_order(tx, wo_id)
            version = tx.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM reports WHERE work_order_id = ?",
                (wo_id,),
            ).fetchone()[0]
            row = {
                "work_order_id": wo_id,
                "version": version,
                "sha256": sha256,
                "file_name": file_name,
                "language": language,
                "issued_at": tx.at,
                "issued_by": actor.user_id,
            }
            report_id = tx.insert("reports", row)
            tx.record("report.issued", "report", report_id, row)
        return Created(report_id)

    def hand_over(
        self, actor: Actor, wo_id: int, customer_name: str, signature_ref: str
    ) -> Created:
        """Delivery at the desk: the customer signs for the car and the health report.

        The signature, the report version handed over and the move to delivered are
        one transaction, so a delivered car always has its signed receipt.
        """
        require(actor.role, "work_order.deliver")
        if not customer_name.strip():
            raise InvalidInput("a handover records who took the car", key="handover.needs_receiver")
        limits.check(limits.NAME, customer_name.strip())
        with self.store.transaction(actor.name) as tx:
            one(
                tx,
                "SELECT sha256 FROM signatures WHERE sha256 = ?",
                (signature_ref,),
                f"signature {signature_ref[:12]}",
            )
            wo = load_work_order(tx, wo_id)
            lifecycle.check_transition(
                Status(wo["status"]), Status.DELIVERED, load_facts(tx, wo_id)
            )
            if signature_uses(tx, signature_ref):
                raise InvalidInput(
                    "that signature already backs another decision or handover: "
                    "ask the customer to sign for the car",
                    key="signature.used",
                )
            report = one(
                tx,
                "SELECT id FROM reports WHERE work_order_id = ? ORDER BY version DESC LIMIT 1",
                (wo_id,),
                "an issued report",
            )
            row = {
                "work_order_id": wo_id,
                "customer_name": customer_name.strip(),
                "signature_ref": signature_ref,
                "report_id": report["id"],
                "at": tx.at,
                "recorded_by": actor.user_id,
            }
            handover_id = tx.insert("handovers", row)
            tx.record("work_order.handed_over", "handover", handover_id, row)
            move(tx, actor, wo, Status.DELIVERED, None)
            schedule_after_delivery(tx, wo)
        return Created(handover_id)

    def record_follow_up(self, actor: Actor, follow_up_id: int, outcome: str) -> None:
        require(actor.role, "follow_up.record")
        limits.check(limits.NOTE, outcome)
        with self.store.transaction(actor.name) as tx:
            row = one(
                tx,
                "SELECT * FROM follow_ups WHERE id = ?",
                (follow_up_id,),
                f"follow-up {follow_up_id}",
            )
            if row["done_at"] is not None:
                raise ImmutableRecord(
                    "this follow-up is already recorded", key="follow_up.recorded"
                )
            tx.execute(
                "UPDATE follow_ups SET done_at = ?, outcome = ? WHERE id = ?",
                (tx.at, outcome, follow_up_id),
            )
            tx.record("follow_up.done", "follow_up", follow_up_id, {"outcome": outcome})
