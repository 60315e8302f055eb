"""OBD-II diagnostics: decoders, services, transports (CAN ISO-TP and ELM327) and the scan.

The decoders are pure and import nothing heavy; the transports import python-can,
can-isotp or pyserial only when one is opened.
"""

from drivers.errors import DecodeError
from drivers.obd.dtc import decode_dtcs, describe_dtc
from drivers.obd.pids import Reading, decode_pid, decode_readiness

__all__ = [
    "DecodeError",
    "Reading",
    "decode_dtcs",
    "decode_pid",
    "decode_readiness",
    "describe_dtc",
]
