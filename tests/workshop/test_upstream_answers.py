"""What the customer says through the brand's cloud reaches the workshop behind a hub.

A hub relays the workshop to a cloud on 127.0.0.1 (the relay driven step by step
here, so each hop is seen); terminals sync with the hub. The follow-up is
scheduled at the desk when the car is delivered, goes up, and the customer
answers it on the cloud's page: every terminal's follow-up list closes it with
the customer's words, once, also when the hub is killed between hops.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from station import replica
from station.lifecycle import Status
from station.vehicles import Powertrain
from sync import hub as hub_records
from sync.customer_rules import PAGE
from sync.server import CloudHandle
from tests.workshop.conftest import WORKSHOP
from tests.workshop.helpers import Terminal, hub_digest, issue_report, join, settle
from tests.workshop.uplink import Link, cloud, link  # noqa: F401 - the fixtures


def _delivered(desk: Terminal, bay: Terminal, root: Path) -> int:
    """A short visit opened at the desk, checked at the bay, delivered at the desk."""
    w, admin = desk.workshop, desk.admin
    customer = w.add_customer(admin, "王芳", "13800000000", "zh").id
    vehicle = w.add_vehicle(
        admin, None, "粤B12345", Powertrain.EV, "BYD", "Seal", 2023, customer
    ).id
    wo = w.create_work_order(admin, vehicle, "noise at speed", customer_id=customer).id
    w.check_in(admin, wo, 42_000)
    settle(desk, bay, rounds=1)
    bay.workshop.change_status(bay.admin, wo, Status.DIAGNOSING)
    bay.workshop.change_status(bay.admin, wo, Status.QUALITY_CHECK)
    bay.workshop.record_quality_check(bay.admin, wo, True)
    settle(bay, desk, rounds=1)
    w.change_status(admin, wo, Status.READY)
    issue_report(desk, wo, root)
    w.change_status(admin, wo, Status.DELIVERED)
    return wo


def _answer(at: CloudHandle, public: str, follow_up: int, tap: str) -> httpx.Response:
    body = {"tap": tap, "rating": 5, "comment": "很好"}
    with httpx.Client(base_url=at.url, timeout=30) as page:
        return page.post(f"{PAGE}/{public}/follow-ups/{follow_up}", json=body)


def _follow_up(t: Terminal, wo: int, kind: str) -> dict[str, Any]:
    return next(f for f in t.workshop.follow_ups(wo) if f["kind"] == kind)


def _feed_rows(hub: CloudHandle, table: str, key: str) -> list[dict[str, Any]]:
    """Every version of one row the hub's feed carried to the terminals."""
    with hub.service.db.transaction() as tx:
        changes = tx.all(
            "SELECT payload FROM changes WHERE workshop = ? AND kind = 'rows.changed' ORDER BY seq",
            (WORKSHOP,),
        )
    return [
        r["row"]
        for c in changes
        for r in json.loads(c["payload"])["rows"]
        if r["table"] == table and r["key"] == key
    ]


def test_a_follow_up_answered_on_the_clouds_page_closes_it_on_every_terminal(
    tmp_path: Path,
    hub: CloudHandle,
    cloud: CloudHandle,  # noqa: F811 - the fixture
    link: Link,  # noqa: F811 - the fixture
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    wo = _delivered(desk, bay, tmp_path)
    link.hop(desk, bay)
    day1 = _follow_up(desk, wo, "day1")
    assert day1["done_at"] is None
    public = desk.client.cloud_work_order(wo)["public_id"]
    with httpx.Client(base_url=cloud.url, timeout=30) as page:
        assert f"data-id='{day1['id']}'" in page.get(f"{PAGE}/{public}?lang=en").text

    answered = _answer(cloud, public, day1["id"], "answer-day1-cloud-0001")
    assert answered.status_code == 201, answered.text
    # The hub is killed before it hears of the answer, and started again.
    link.restart()
    assert link.hop(desk, bay) == 1
    for terminal in (desk, bay):
        closed = _follow_up(terminal, wo, "day1")
        assert closed["done_at"] is not None
        assert closed["outcome"] == "customer: rated 5/5 - 很好"
        assert _follow_up(terminal, wo, "day7")["done_at"] is None
    # Once: the replayed tap and more rounds bring nothing new, and nothing goes back up.
    assert _answer(cloud, public, day1["id"], "answer-day1-cloud-0001").status_code == 200
    assert link.hop(desk, bay) == 0
    closings = [r for r in _feed_rows(hub, "follow_ups", str(day1["id"])) if r["done_at"]]
    assert len(closings) == 1
    with hub.service.db.transaction() as tx:
        row = hub_records.record(tx, WORKSHOP, "follow_ups", str(day1["id"]))
        queued = tx.one(
            "SELECT COUNT(*) AS n FROM upstream_outbox WHERE workshop = ? AND sent_at IS NULL",
            (WORKSHOP,),
        )
    assert row is not None and row["outcome"] == "customer: rated 5/5 - 很好"
    assert queued is not None and queued["n"] == 0
    assert desk.digest() == bay.digest() == hub_digest(hub)
    with cloud.service.db.transaction() as tx:
        assert hub_records.digest(tx, WORKSHOP) == hub_digest(hub)
    desk.close()
    bay.close()


def test_the_customers_answer_on_the_cloud_and_the_desks_call_meet_the_first_stands(
    tmp_path: Path,
    hub: CloudHandle,
    cloud: CloudHandle,  # noqa: F811 - the fixture
    link: Link,  # noqa: F811 - the fixture
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    wo = _delivered(desk, bay, tmp_path)
    link.hop(desk, bay)
    day1 = _follow_up(desk, wo, "day1")
    public = desk.client.cloud_work_order(wo)["public_id"]
    # The customer answers on the cloud's page; the advisor, not knowing yet, records the
    # day-1 call at the desk, and the hub takes it before it hears of the answer.
    assert _answer(cloud, public, day1["id"], "answer-day1-cloud-0002").status_code == 201
    desk.workshop.record_follow_up(desk.admin, day1["id"], "called: all fine")
    settle(desk, rounds=1)
    link.hop(desk, bay)
    link.hop(desk, bay)
    for terminal in (desk, bay):
        assert _follow_up(terminal, wo, "day1")["outcome"] == "customer: rated 5/5 - 很好"
    assert desk.digest() == bay.digest() == hub_digest(hub)
    with cloud.service.db.transaction() as tx:
        assert hub_records.digest(tx, WORKSHOP) == hub_digest(hub)
    # The advisor is told their call was not kept, and what the follow-up says instead.
    notes = replica.conflict_notes(desk.store)
    assert len(notes) == 1
    assert "customer: rated 5/5 - 很好" in notes[0].summary()
    assert replica.conflict_notes(bay.store) == []
    desk.close()
    bay.close()
