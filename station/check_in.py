"""Reception: the car's mileage, charge, warning lights and damage, and the move to checked in."""

from __future__ import annotations

import json
from typing import Any

from station import lifecycle, limits
from station.command import Actor, maybe_one, one
from station.errors import InvalidInput
from station.lifecycle import Status
from station.roles import require
from station.store import Store, Transaction
from station.vehicles import check_mileage
from station.work_orders import load_facts, load_work_order, move


def last_mileage(tx: Transaction, vehicle_id: int) -> int | None:
    row = maybe_one(
        tx,
        "SELECT km FROM mileage_readings WHERE vehicle_id = ? ORDER BY id DESC LIMIT 1",
        (vehicle_id,),
    )
    return None if row is None else int(row["km"])


def write_mileage(
    tx: Transaction,
    actor: Actor,
    vehicle_id: int,
    wo_id: int | None,
    km: int,
    warnings: tuple[str, ...],
) -> None:
    row = {
        "vehicle_id": vehicle_id,
        "work_order_id": wo_id,
        "km": km,
        "warning": "; ".join(warnings) or None,
        "recorded_at": tx.at,
        "recorded_by": actor.user_id,
    }
    reading_id = tx.insert("mileage_readings", row)
    tx.record("vehicle.mileage_recorded", "mileage_reading", reading_id, row)


class CheckIns:
    store: Store

    def check_in(
        self,
        actor: Actor,
        wo_id: int,
        mileage_km: int,
        energy_level_pct: int | None = None,
        warning_lights: list[str] | None = None,
        valuables: str = "",
        damage_marks: list[dict[str, Any]] | None = None,
        customer_confirmed: bool = False,
        confirm_lower_mileage: bool = False,
    ) -> tuple[str, ...]:
        """Reception: record the walk-around facts and move the work order to checked_in."""
        require(actor.role, "work_order.check_in")
        if energy_level_pct is not None and not 0 <= energy_level_pct <= 100:
            raise InvalidInput(
                "fuel or charge level is a percentage from 0 to 100", key="check_in.energy"
            )
        limits.check(limits.NOTE, valuables)
        with self.store.transaction(actor.name) as tx:
            wo = load_work_order(tx, wo_id)
            lifecycle.check_transition(
                Status(wo["status"]), Status.CHECKED_IN, load_facts(tx, wo_id)
            )
            warnings = check_mileage(
                last_mileage(tx, wo["vehicle_id"]), mileage_km, confirm_lower_mileage
            )
            row = {
                "work_order_id": wo_id,
                "mileage_km": mileage_km,
                "energy_level_pct": energy_level_pct,
                "warning_lights": json.dumps(warning_lights or []),
                "valuables": valuables,
                "damage_marks": json.dumps(damage_marks or []),
                "customer_confirmed": int(customer_confirmed),
                "recorded_at": tx.at,
                "recorded_by": actor.user_id,
            }
            check_in_id = tx.insert("check_ins", row)
            tx.record("work_order.checked_in", "check_in", check_in_id, row)
            write_mileage(tx, actor, wo["vehicle_id"], wo_id, mileage_km, warnings)
            move(tx, actor, wo, Status.CHECKED_IN, None)
        return warnings

    def record_mileage(
        self,
        actor: Actor,
        vehicle_id: int,
        km: int,
        confirm_lower: bool = False,
        wo_id: int | None = None,
    ) -> tuple[str, ...]:
        require(actor.role, "vehicle.manage")
        with self.store.transaction(actor.name) as tx:
            one(tx, "SELECT id FROM vehicles WHERE id = ?", (vehicle_id,), f"vehicle {vehicle_id}")
            warnings = check_mileage(last_mileage(tx, vehicle_id), km, confirm_lower)
            write_mileage(tx, actor, vehicle_id, wo_id, km, warnings)
        return warnings
