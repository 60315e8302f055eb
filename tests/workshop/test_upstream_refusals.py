"""A change the brand's cloud refuses after the hub took it: the cloud's word wins everywhere,
and the person at the terminal that made the change is told what won.

The hub relays to a cloud on 127.0.0.1 (driven one step at a time, `uplink.Link`).
The customer cancels on the cloud's page while a bay moves the same work order on
at the hub: the cloud refuses the hub's move. The hub and every terminal end on
the cloud's state, the bay lists a note naming what won, and the refusal is kept
at the hub for the admin.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from station import replica
from station.cli import main
from station.findings import FindingDraft, Severity, part
from station.lifecycle import Status
from station.vehicles import Powertrain
from sync import hub as hub_records
from sync.server import CloudHandle
from tests.workshop.conftest import WORKSHOP
from tests.workshop.helpers import Terminal, hub_digest, join, settle
from tests.workshop.uplink import Link, cloud, link  # noqa: F401 - the fixtures


def _checked_in(desk: Terminal, plate: str = "粤B12345") -> int:
    w, admin = desk.workshop, desk.admin
    customer = w.add_customer(admin, "王芳", "13800000000", "zh").id
    vehicle = w.add_vehicle(admin, None, plate, Powertrain.EV, "BYD", "Seal", 2023, customer).id
    wo = w.create_work_order(admin, vehicle, "noise at speed", customer_id=customer).id
    w.check_in(admin, wo, 42_000)
    return wo


def _cloud_digest(at: CloudHandle) -> str:
    with at.service.db.transaction() as tx:
        return hub_records.digest(tx, WORKSHOP)


def _refusals(hub: CloudHandle) -> list[dict[str, Any]]:
    with hub.service.db.transaction() as tx:
        return hub_records.refusals(tx, WORKSHOP)


def test_a_move_the_cloud_refuses_is_corrected_everywhere_and_told_at_its_terminal(
    tmp_path: Path,
    hub: CloudHandle,
    cloud: CloudHandle,  # noqa: F811 - the fixture
    link: Link,  # noqa: F811 - the fixture
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    wo = _checked_in(desk)
    link.hop(desk, bay)
    public = desk.client.cloud_work_order(wo)["public_id"]

    # The bay starts the diagnosis; the hub takes it. Meanwhile the customer cancels on the
    # cloud's page, before the hub's move reaches the cloud.
    bay.workshop.change_status(bay.admin, wo, Status.DIAGNOSING)
    settle(bay, rounds=1)
    with hub.service.db.transaction() as tx:
        assert hub_records.record(tx, WORKSHOP, "work_orders", str(wo))["status"] == "diagnosing"
    cancelled = httpx.post(f"{cloud.url}/v1/track/{public}/cancel", timeout=30)
    assert cancelled.status_code == 202, cancelled.text
    diagnosing = bay.store.query_one(
        "SELECT id FROM progress_events WHERE work_order_id = ? AND to_status = 'diagnosing'",
        (wo,),
    )
    assert diagnosing is not None

    # The hub sends its move and is killed before it keeps the cloud's answer (refused: the
    # cloud has the work order cancelled); run again, it sends the move once more.
    link.relay.send(link.relay.queued())
    link.restart()
    link.hop(desk, bay)
    link.hop(desk, bay)

    for terminal in (desk, bay):
        row = terminal.workshop.work_order(wo)
        assert row["status"] == Status.CANCELLED
        assert (
            terminal.store.query_one(
                "SELECT id FROM progress_events WHERE id = ?", (diagnosing["id"],)
            )
            is None
        )
    assert desk.digest() == bay.digest() == hub_digest(hub) == _cloud_digest(cloud)
    for terminal in (desk, bay):  # the rows taken out are on record, not tampering
        assert terminal.store.verify_audit().problems == ()

    # The bay, whose move it was, is told what won; the desk made no change and is told nothing.
    notes = replica.conflict_notes(bay.store)
    assert len(notes) == 1
    number = bay.workshop.work_order(wo)["number"]
    assert notes[0].summary() == (
        f"{number}: your move to diagnosing was not kept; the work order is cancelled (version 3)"
    )
    assert "brand's cloud" in notes[0].reason and "cancelled" in notes[0].reason
    assert replica.conflict_notes(desk.store) == []

    # The admin finds the refusal kept at the hub, with the terminal it came from.
    kept = [r for r in _refusals(hub) if r["kind"] == replica.ROWS_CHANGED]
    assert [(r["terminal"], r["outcome"], r["corrected"]) for r in kept] == [
        ("bay-2", "conflict", 1)
    ]
    # Later rounds refuse nothing more and tell nothing twice.
    refused = len(_refusals(hub))
    link.hop(desk, bay)
    assert len(_refusals(hub)) == refused
    assert len(replica.conflict_notes(bay.store)) == 1
    desk.close()
    bay.close()


def test_a_change_the_cloud_rejects_is_kept_at_the_hub_and_listed_for_the_admin(
    tmp_path: Path,
    hub: CloudHandle,
    cloud: CloudHandle,  # noqa: F811 - the fixture
    capsys: Any,
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    # Work opened before the hub was linked goes up as rows only: the cloud's customer
    # side never heard of the work order, so it rejects the finding's record for it.
    wo = _checked_in(desk)
    settle(desk, bay, rounds=1)
    uplink = Link(hub, cloud)
    try:
        bay.workshop.change_status(bay.admin, wo, Status.DIAGNOSING)
        pads = bay.workshop.add_finding(
            bay.admin, wo, FindingDraft("Front pads", Severity.URGENT, [part("Pads", 1, 38000)])
        ).id
        uplink.hop(desk, bay)
        uplink.hop(desk, bay)
    finally:
        uplink.close()
    rejected = [r for r in _refusals(hub) if r["outcome"] == "rejected"]
    assert {r["kind"] for r in rejected} >= {"finding.added"}
    assert all(r["terminal"] == "bay-2" and not r["corrected"] for r in rejected)
    assert any("unknown to the cloud" in r["reason"] for r in rejected)
    # The hub keeps its own rows: every replica has the finding, as the cloud's records do.
    for terminal in (desk, bay):
        assert terminal.store.query_one("SELECT id FROM findings WHERE id = ?", (pads,))
    assert desk.digest() == bay.digest() == hub_digest(hub) == _cloud_digest(cloud)
    assert replica.conflict_notes(bay.store) == []

    # `station hub refusals` lists them for the admin, in words and as JSON.
    (tmp_path / "hub" / "hub.json").write_text(
        json.dumps({"workshop": WORKSHOP, "db": str(tmp_path / "hub" / "hub.db")}),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["hub", "refusals", "--data-dir", str(tmp_path)]) == 0
    said = capsys.readouterr().out
    assert f"bay-2    finding.added {pads}: rejected, kept at the hub" in said
    assert main(["hub", "refusals", "--json", "--data-dir", str(tmp_path)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["seq"] for r in listed] == [r["seq"] for r in _refusals(hub)]
    desk.close()
    bay.close()
