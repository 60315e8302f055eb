"""Child process for the kill test: changes work orders forever, printing each after its commit."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from station.errors import InvalidInput
from station.lifecycle import Status
from station.roles import Role
from station.store import Store
from station.vehicles import Powertrain
from station.workshop import Workshop


def main(db_path: str) -> None:
    workshop = Workshop(Store.open(Path(db_path)))
    with contextlib.suppress(Exception):
        workshop.add_user(None, "admin", Role.ADMIN, "1234")
    actor = workshop.login("admin", "1234")
    found = workshop.find_vehicles(plate="KILL1")
    vehicle = (
        found[0]["id"] if found else workshop.add_vehicle(actor, None, "KILL1", Powertrain.ICE).id
    )
    km = workshop.last_mileage(vehicle) or 0
    while True:
        wo = workshop.create_work_order(actor, vehicle, "kill test", booked_jobs=["job"]).id
        print(f"created {wo}", flush=True)
        km += 10
        try:
            workshop.check_in(actor, wo, km)
        except InvalidInput:
            continue
        print(f"status {wo} checked_in", flush=True)
        for target in (Status.DIAGNOSING, Status.IN_REPAIR, Status.QUALITY_CHECK):
            workshop.change_status(actor, wo, target)
            print(f"status {wo} {target.value}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
