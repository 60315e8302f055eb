"""Devices of the bay and their simulated twins: vehicle bus, OBD-II, alignment rig, camera."""
