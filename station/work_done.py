"""Read model of a work order's jobs with who clocked on them and when: what the report,
the code-clear warning and the screens decide "done" from (`station.truth.job_state`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from station import truth

if TYPE_CHECKING:
    from station.store import Store


@dataclass(frozen=True)
class JobRecord:
    row: dict[str, Any]
    spans: tuple[truth.ClockSpan, ...]

    @property
    def state(self) -> truth.JobState:
        return truth.job_state(self.spans)

    @property
    def finding_id(self) -> int | None:
        value = self.row["finding_id"]
        return None if value is None else int(value)


def jobs(store: Store, wo_id: int) -> list[JobRecord]:
    """Every job of the work order, in order, with its clock entries and technicians' names."""
    spans: dict[int, list[truth.ClockSpan]] = {}
    for entry in store.query(
        "SELECT c.job_id, c.started_at, c.ended_at, u.display_name FROM clock_entries c "
        "JOIN jobs j ON j.id = c.job_id JOIN users u ON u.id = c.technician_id "
        "WHERE j.work_order_id = ? ORDER BY c.id",
        (wo_id,),
    ):
        spans.setdefault(entry["job_id"], []).append(
            truth.ClockSpan(entry["display_name"], entry["started_at"], entry["ended_at"])
        )
    return [
        JobRecord(row, tuple(spans.get(row["id"], ())))
        for row in store.query("SELECT * FROM jobs WHERE work_order_id = ? ORDER BY id", (wo_id,))
    ]


def done_findings(records: list[JobRecord]) -> set[int]:
    """Findings whose repair job was clocked and finished."""
    return {
        r.finding_id for r in records if r.finding_id is not None and r.state is truth.JobState.DONE
    }
