"""The ECU simulator: a vehicle profile answering OBD-II on a real python-can bus,
and optionally broadcasting the car's periodic frames.

Used by the tests, the demo, the app's demo mode and the HIL bench alike.
"""

from drivers.ecu_sim.broadcast import Broadcaster, broadcast_values
from drivers.ecu_sim.model import SimulatedEcu, load_profile, profile_names
from drivers.ecu_sim.runner import EcuSimulator

__all__ = [
    "Broadcaster",
    "EcuSimulator",
    "SimulatedEcu",
    "broadcast_values",
    "load_profile",
    "profile_names",
]
