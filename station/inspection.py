"""The multi-point inspection and walk-around: checklists and the result of each item."""

from __future__ import annotations

import json

from station import limits
from station.checklists import ChecklistTemplate, Rating, load_template, suggest_rating
from station.command import Actor, Created, maybe_one, one
from station.errors import InvalidInput
from station.roles import require
from station.store import Store, Transaction
from station.work_orders import load_work_order


def load_checklist_template(tx: Transaction, checklist_id: int) -> ChecklistTemplate:
    row = one(
        tx, "SELECT * FROM checklists WHERE id = ?", (checklist_id,), f"checklist {checklist_id}"
    )
    return load_template(row["template_id"], row["template_version"])


class Inspections:
    store: Store

    def start_checklist(self, actor: Actor, wo_id: int, template_id: str) -> Created:
        """The work order's checklist from `template_id`; the same one when it was started before."""
        require(actor.role, "checklist.record")
        template = load_template(template_id)
        with self.store.transaction(actor.name) as tx:
            load_work_order(tx, wo_id)
            existing = maybe_one(
                tx,
                "SELECT id FROM checklists WHERE work_order_id = ? AND template_id = ?",
                (wo_id, template_id),
            )
            if existing:
                return Created(existing["id"])
            row = {
                "work_order_id": wo_id,
                "template_id": template.id,
                "template_version": template.version,
                "created_at": tx.at,
            }
            checklist_id = tx.insert("checklists", row)
            tx.record("checklist.started", "checklist", checklist_id, row)
        return Created(checklist_id)

    def record_item(
        self,
        actor: Actor,
        checklist_id: int,
        item_key: str,
        rating: Rating | None = None,
        value: float | None = None,
        note: str = "",
        photos: list[str] | None = None,
    ) -> Rating:
        """Record one item; with a measurement and no rating, the template's thresholds rate it."""
        require(actor.role, "checklist.record")
        limits.check(limits.NOTE, note)
        with self.store.transaction(actor.name) as tx:
            template = load_checklist_template(tx, checklist_id)
            item = template.item(item_key)
            unit = item.measurement.unit if item.measurement else None
            if value is not None and item.measurement is None:
                raise InvalidInput(
                    f"item {item_key} takes no measurement", key="inspection.no_measurement"
                )
            if rating is None:
                if value is None or item.measurement is None:
                    raise InvalidInput(
                        f"item {item_key} needs a rating", key="inspection.needs_rating"
                    )
                rating = suggest_rating(item.measurement, value)
            row = {
                "checklist_id": checklist_id,
                "item_key": item_key,
                "rating": rating.value,
                "value": value,
                "unit": unit,
                "note": note,
                "photos": json.dumps(photos or []),
                "recorded_at": tx.at,
                "recorded_by": actor.user_id,
            }
            result_id = tx.insert("checklist_results", row)
            tx.record("checklist.item_recorded", "checklist_result", result_id, row)
        return rating
