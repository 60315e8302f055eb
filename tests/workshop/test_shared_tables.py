"""The later tables cross terminals too: what one terminal writes, another's screens and report read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reports.data import assemble
from station import catalogue, profile
from station.findings import FindingDraft, LineKind, Severity, part
from station.lifecycle import Status
from station.messages import queue_for_event
from station.vehicles import Powertrain
from tests.workshop.helpers import hub_digest, join, settle


def test_a_finding_withdrawn_at_the_bay_leaves_the_desks_report(tmp_path: Path, hub: Any) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    w, admin = desk.workshop, desk.admin
    vehicle = w.add_vehicle(admin, None, "粤B12345", Powertrain.ICE, "BYD", "Qin").id
    wo = w.create_work_order(admin, vehicle, "brakes squeal").id
    w.check_in(admin, wo, 42_000)
    settle(desk, bay)
    b = bay.workshop
    b.change_status(bay.admin, wo, Status.DIAGNOSING)
    pads = b.add_finding(
        bay.admin,
        wo,
        FindingDraft("Front brake pads worn", Severity.URGENT, [part("Brake pads", 1, 38000)]),
    ).id
    mistap = b.add_finding(
        bay.admin,
        wo,
        FindingDraft("Ignition coil 610", Severity.URGENT, [part("Ignition coil", 1, 61_000)]),
    ).id
    settle(desk, bay)
    assert {f.title for f in assemble(w, wo, "en").findings} == {
        "Front brake pads worn",
        "Ignition coil 610",
    }

    b.withdraw_finding(bay.admin, mistap, "tapped the wrong code")
    # The desk's own changes meanwhile: the workshop's profile and its price list.
    profile.change(desk.store, admin, {"name": "Harbour Motors", "tax_rate": "13"})
    item = catalogue.add_price_item(
        desk.store, admin, "BP-1", "Brake pads", "刹车片", LineKind.PART, 38000
    )
    catalogue.add_canned_job(desk.store, admin, "Front pads", "前刹车片", [("BP-1", 1)])
    settle(desk, bay)

    standing = {f["id"]: f["standing"] for f in w.findings(wo)}
    assert standing == {pads: "active", mistap: "withdrawn"}
    assert [f.title for f in assemble(w, wo, "en").findings] == ["Front brake pads worn"]
    assert profile.current(bay.store).name == "Harbour Motors"
    assert profile.current(bay.store).tax_rate_bp == 1300
    assert [i.id for i in catalogue.price_items(bay.store)] == [item]
    assert [j.name_en for j in catalogue.canned_jobs(bay.store)] == ["Front pads"]
    assert hub_digest(hub) == desk.digest() == bay.digest()
    desk.close()
    bay.close()


def test_a_customer_message_queued_at_one_terminal_is_the_same_row_everywhere(
    tmp_path: Path, hub: Any
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    w, admin = desk.workshop, desk.admin
    vehicle = w.add_vehicle(admin, None, "粤B22222", Powertrain.ICE).id
    wo = w.create_work_order(admin, vehicle, "noise").id
    w.check_in(admin, wo, 10_000)
    settle(desk, bay)
    here = desk.store.query(
        "SELECT id, dedup_key, state FROM messages WHERE work_order_id = ?", (wo,)
    )
    assert here, "the check-in queues the tracker message"
    assert all(row["id"] >= 1_000_000_000 for row in here)  # the desk's own id block
    assert (
        bay.store.query("SELECT id, dedup_key, state FROM messages WHERE work_order_id = ?", (wo,))
        == here
    )
    # The same message derived again at the bay is not a second row.
    with bay.store.transaction("test") as tx:
        event = tx.execute(
            "SELECT id FROM progress_events WHERE work_order_id = ? AND to_status = 'checked_in'",
            (wo,),
        ).fetchone()[0]
        queue_for_event(tx, event, wo, Status.CHECKED_IN, tx.at)
    settle(desk, bay)
    assert hub_digest(hub) == desk.digest() == bay.digest()
    desk.close()
    bay.close()
