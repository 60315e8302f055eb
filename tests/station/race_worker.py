"""One of two processes racing on one station database (see test_races.py).

Reads one JSON task a line; opens the database, answers `ready`, waits for `go`,
runs the command and answers with its outcome, so both processes start their
command within microseconds of each other.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from station import inbox
from station.findings import Channel, Decision
from station.lifecycle import Status
from station.roles import Role
from station.store import Store
from station.workshop import Actor, Workshop


def run(workshop: Workshop, task: dict[str, Any]) -> Any:
    actor = Actor(task["user_id"], task["user"], Role(task["role"]))
    op = task["op"]
    if op == "check_in":
        return workshop.check_in(actor, task["wo"], task["km"])
    if op == "approve":
        return workshop.record_approval(
            actor, task["finding"], Decision.APPROVED, "王芳", Channel.DESK, task["signature"]
        ).id
    if op == "clock_on":
        return workshop.clock_on(actor, task["job"]).id
    if op == "signature":
        strokes = [[(float(x), float(y)) for x, y in s] for s in task["strokes"]]
        return workshop.record_signature(actor, strokes, 300, 100)
    if op == "status":
        return workshop.change_status(actor, task["wo"], Status(task["target"]))
    if op == "hand_over":
        return workshop.hand_over(actor, task["wo"], "王芳", task["signature"]).id
    if op == "clock_off":
        return workshop.clock_off(actor, task["job"])
    if op == "login":
        return workshop.login(task["user"], task["pin"]).name
    if op == "cancel":
        change = {
            "seq": task["seq"],
            "kind": "work_order.cancel_requested",
            "payload": {"work_order_id": task["wo"], "station_id": task["station_id"]},
        }
        return [a.outcome for a in inbox.apply_changes(workshop.store, [change], task["seq"])]
    raise ValueError(f"unknown op {op}")


def main() -> None:
    for line in sys.stdin:
        task = json.loads(line)
        store = Store.open(Path(task["db"]))
        workshop = Workshop(store)
        print(json.dumps({"ready": True}), flush=True)
        sys.stdin.readline()  # go
        try:
            answer = {"ok": run(workshop, task)}
        except Exception as err:
            answer = {"error": type(err).__name__, "message": str(err)}
        store.close()
        print(json.dumps(answer, default=str), flush=True)


if __name__ == "__main__":
    main()
