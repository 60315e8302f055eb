"""A work order's jobs with who clocked on them and when (read by
`ReadModel.job_records`): what the report, the code-clear warning and the screens
decide "done" from (`station.truth.job_state`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from station import truth


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


def done_findings(records: list[JobRecord]) -> set[int]:
    """Findings whose repair job was clocked and finished."""
    return {
        r.finding_id for r in records if r.finding_id is not None and r.state is truth.JobState.DONE
    }
