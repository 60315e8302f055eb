"""Repair jobs and the technician's clock on each."""

from __future__ import annotations

from dataclasses import dataclass

from station.command import Actor, Created, maybe_one, one
from station.errors import InvalidInput, TransitionRefused
from station.findings import ApprovalState
from station.lifecycle import Status
from station.roles import require
from station.store import Store
from station.work_orders import approval_state, load_work_order


@dataclass(frozen=True)
class ClockFacts:
    work_order_number: str
    work_order_status: str
    approval: ApprovalState | None  # None: a booked job, approved by booking it
    already_on: bool


def decide_clock_on(facts: ClockFacts) -> None:
    """Work starts only on a car in repair, on a job the customer approved, once per person."""
    if facts.work_order_status != Status.IN_REPAIR.value:
        raise TransitionRefused(
            f"work order {facts.work_order_number} is {facts.work_order_status}, not in repair",
            key="jobs.not_in_repair",
            number=facts.work_order_number,
            status=facts.work_order_status,
        )
    if facts.approval is not None and facts.approval is not ApprovalState.APPROVED:
        raise TransitionRefused(
            "no repair on a finding the customer has not approved", key="jobs.not_approved"
        )
    if facts.already_on:
        raise InvalidInput("you are already clocked on this job", key="clock.already_on")


class Jobs:
    store: Store

    def clock_on(self, actor: Actor, job_id: int) -> Created:
        """Start work on a job; refused unless the car is in repair and the job's finding approved."""
        require(actor.role, "job.clock")
        with self.store.transaction(actor.name) as tx:
            job = one(tx, "SELECT * FROM jobs WHERE id = ?", (job_id,), f"job {job_id}")
            wo = load_work_order(tx, job["work_order_id"])
            open_entry = maybe_one(
                tx,
                "SELECT id FROM clock_entries WHERE job_id = ? AND technician_id = ? "
                "AND ended_at IS NULL",
                (job_id, actor.user_id),
            )
            decide_clock_on(
                ClockFacts(
                    work_order_number=wo["number"],
                    work_order_status=wo["status"],
                    approval=(
                        None if job["finding_id"] is None else approval_state(tx, job["finding_id"])
                    ),
                    already_on=open_entry is not None,
                )
            )
            row = {"job_id": job_id, "technician_id": actor.user_id, "started_at": tx.at}
            entry_id = tx.insert("clock_entries", row)
            tx.record("job.clocked_on", "clock_entry", entry_id, row)
        return Created(entry_id)

    def clock_off(self, actor: Actor, job_id: int) -> None:
        require(actor.role, "job.clock")
        with self.store.transaction(actor.name) as tx:
            entry = maybe_one(
                tx,
                "SELECT * FROM clock_entries WHERE job_id = ? AND technician_id = ? "
                "AND ended_at IS NULL",
                (job_id, actor.user_id),
            )
            if entry is None:
                raise InvalidInput("you are not clocked on this job", key="clock.not_on")
            tx.execute("UPDATE clock_entries SET ended_at = ? WHERE id = ?", (tx.at, entry["id"]))
            tx.record(
                "job.clocked_off", "clock_entry", entry["id"], {"job_id": job_id, "ended_at": tx.at}
            )
