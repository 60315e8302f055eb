"""A terminal killed after the hub answered its change, before it kept the answer: sent again,
the change comes back `duplicate`, and a refusal inside is acted on as it would have been."""

from __future__ import annotations

from pathlib import Path

from station import inbox, replica
from station.lifecycle import Status
from station.vehicles import Powertrain
from sync.client import _mutations
from sync.server import CloudHandle
from tests.workshop.helpers import hub_digest, join, settle


def test_a_refusal_the_terminal_did_not_keep_is_acted_on_when_it_sends_again(
    tmp_path: Path, hub: CloudHandle
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    w, admin = desk.workshop, desk.admin
    vehicle = w.add_vehicle(admin, None, "粤B12345", Powertrain.EV, "BYD", "Seal", 2023).id
    wo = w.create_work_order(admin, vehicle, "noise at speed").id
    w.check_in(admin, wo, 42_000)
    settle(desk, bay, rounds=1)
    w.change_status(admin, wo, Status.CANCELLED)
    bay.workshop.change_status(bay.admin, wo, Status.DIAGNOSING)
    desk.sync()  # the desk's cancellation reaches the hub first

    # The bay sends its move; the hub refuses it; the bay dies before it keeps the answer.
    client = bay.client
    station = bay.store.meta("station_id")
    sent, _head = client._send_batch(
        station, _mutations(client._pending(), station), client._chain_point(None)
    )
    assert "conflict" in {r["status"] for r in sent.json()["results"]}
    assert replica.conflict_notes(bay.store) == []

    report = bay.sync()  # run again: the same change once more, answered `duplicate`
    assert report.outcomes.get("duplicate")
    settle(desk, bay)
    assert bay.workshop.work_order(wo)["status"] == Status.CANCELLED
    number = bay.workshop.work_order(wo)["number"]
    notes = replica.conflict_notes(bay.store)
    assert [n.summary() for n in notes] == [
        f"{number}: your move to diagnosing was not kept; the work order is cancelled (version 3)"
    ]
    assert {r["result"]["status"] for r in inbox.conflicts(bay.store)} == {"conflict"}
    assert desk.digest() == bay.digest() == hub_digest(hub)
    desk.close()
    bay.close()
