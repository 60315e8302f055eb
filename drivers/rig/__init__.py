"""The wheel alignment rig: line protocol, CAN frames, folder import, and the simulated rig.

    from drivers.rig import open_rig, run_session
    session = run_session(open_rig("serial", port="/dev/ttyUSB0"), on_live=show)

Backends are imported when chosen (`open_rig(name, ...)`): "serial", "can", "folder".
"""

from drivers.rig.base import (
    AlignmentRig,
    LiveCallback,
    RigStats,
    StreamingRig,
    backend_names,
    open_rig,
    rig_class,
    run_session,
)
from drivers.rig.errors import (
    ChecksumError,
    ImportRejected,
    LineError,
    ProtocolVersionError,
    RigAborted,
    RigError,
    SessionIncomplete,
)

__all__ = [
    "AlignmentRig",
    "ChecksumError",
    "ImportRejected",
    "LineError",
    "LiveCallback",
    "ProtocolVersionError",
    "RigAborted",
    "RigError",
    "RigStats",
    "SessionIncomplete",
    "StreamingRig",
    "backend_names",
    "open_rig",
    "rig_class",
    "run_session",
]
