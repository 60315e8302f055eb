"""Records in, one session out: the pure state machine every record-based backend shares.

Records that make no sense where they arrive (a value outside a set, a set end
without its start: the station joined in the middle) are skipped and counted.
A set whose end says more readings were sent than arrived is an error: lines
were lost, and half a measurement must never be stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from drivers.rig.errors import LineError, RigAborted, SessionIncomplete
from drivers.rig.protocol import (
    Measured,
    RigRecord,
    SessionAbort,
    SessionEnd,
    SessionStart,
    SetBegin,
    SetEnd,
)
from station.alignment import (
    AlignmentReading,
    AlignmentSession,
    AlignmentSet,
    Phase,
    check_place,
    toe_deg,
)
from station.errors import InvalidInput

log = logging.getLogger(__name__)


def to_reading(value: Measured, rim_diameter_in: float | None) -> AlignmentReading:
    """A value in degrees at a place where it can be measured; else a `LineError`."""
    try:
        check_place(value.position, value.quantity)
        if value.unit == "MM":
            if rim_diameter_in is None:
                raise LineError("toe in MM needs the rim diameter in the session start")
            degrees = toe_deg(value.value, rim_diameter_in)
        elif value.unit == "MIN":
            degrees = value.value / 60.0
        else:
            degrees = value.value
    except InvalidInput as err:
        raise LineError(str(err)) from err
    return AlignmentReading(value.position, value.quantity, degrees)


@dataclass
class SessionAssembler:
    rig: str = "rig"
    session_id: str | None = None
    rim_diameter_in: float | None = None
    open_phase: Phase | None = None
    open_set: list[AlignmentReading] = field(default_factory=list)
    sets: dict[Phase, AlignmentSet] = field(default_factory=dict)
    skipped: int = 0
    restarts: int = 0

    def _skip(self, why: str) -> None:
        self.skipped += 1
        log.debug("skipped a record: %s", why)

    def live(self, value: Measured) -> AlignmentReading | None:
        """A live value converted for the screen, or None (skipped) outside a session."""
        if self.session_id is None:
            self._skip("live value outside a session")
            return None
        try:
            return to_reading(value, self.rim_diameter_in)
        except LineError as err:
            self._skip(str(err))
            return None

    def feed(self, record: RigRecord) -> AlignmentSession | None:
        """Take one record; the finished session when this record ends one."""
        match record:
            case SessionStart(session_id, rim):
                if self.session_id is not None:
                    self.restarts += 1
                    log.warning("rig restarted: session %s dropped", self.session_id)
                self.session_id, self.rim_diameter_in = session_id, rim
                self.open_phase, self.open_set, self.sets = None, [], {}
            case SetBegin(phase):
                if self.session_id is None:
                    self._skip("set start outside a session")
                else:
                    self.open_phase, self.open_set = phase, []
            case Measured(live=True):
                self._skip("live value given to feed(); use live()")
            case Measured():
                if self.open_phase is None:
                    self._skip("value outside a set")
                else:
                    try:
                        self.open_set.append(to_reading(record, self.rim_diameter_in))
                    except LineError as err:
                        self._skip(str(err))
            case SetEnd(phase, count):
                if self.open_phase is not phase:
                    self._skip(f"end of {phase.value} set that is not open")
                    return None
                got = len(self.open_set)
                if got != count:
                    self.open_phase = None
                    raise SessionIncomplete(
                        f"the {phase.value} set arrived with {got} of {count} readings "
                        "(lines lost on the way): measure again"
                    )
                self.sets[phase] = AlignmentSet(tuple(self.open_set))
                self.open_phase, self.open_set = None, []
            case SessionEnd(session_id):
                if session_id != self.session_id:
                    self._skip(f"end of session {session_id} that is not open")
                    return None
                return self._finish()
            case SessionAbort(session_id, reason):
                if session_id == self.session_id:
                    self.session_id = None
                    raise RigAborted(f"measurement {session_id} cancelled on the rig: {reason}")
                self._skip(f"abort of session {session_id} that is not open")
        return None

    def _finish(self) -> AlignmentSession:
        session_id = self.session_id or ""
        self.session_id = None
        if self.open_phase is not None:
            raise SessionIncomplete(f"session {session_id} ended inside its {self.open_phase} set")
        before = self.sets.get(Phase.BEFORE)
        if before is None or not before.readings:
            raise SessionIncomplete(
                f"session {session_id} ended without readings before adjustment"
            )
        return AlignmentSession(
            before=before,
            after=self.sets.get(Phase.AFTER),
            rig=self.rig,
            rig_session=session_id,
            rim_diameter_in=self.rim_diameter_in,
        )
