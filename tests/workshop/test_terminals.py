"""A workshop of many terminals: one visit crossing bays and the desk, conflicts, bad files, faults."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from station import replica
from station.demo import demo_signature_strokes
from station.findings import Channel, Decision, FindingDraft, Severity, labour, part
from station.lifecycle import Status
from station.photos import PhotoStore, Stage
from station.vehicles import Powertrain
from tests.sync.faultproxy import FaultProxy, Faults
from tests.sync.helpers import jpeg
from tests.workshop.helpers import (
    Terminal,
    add_technician,
    hub_digest,
    issue_report,
    join,
    settle,
)


def _open_work_order(desk: Terminal, plate: str) -> int:
    w, admin = desk.workshop, desk.admin
    vehicle = w.add_vehicle(admin, None, plate, Powertrain.ICE, "Geely", "Emgrand", 2019).id
    wo = w.create_work_order(admin, vehicle, "brakes squeal").id
    w.check_in(admin, wo, 42_000)
    return wo


def test_a_visit_crosses_the_desk_and_the_bays_and_every_replica_ends_equal(
    tmp_path: Path, hub: Any
) -> None:
    desk, bay1, bay2 = (join(hub, tmp_path, n) for n in ("desk", "bay-1", "bay-2"))
    add_technician(desk)
    wo = _open_work_order(desk, "粤B12345")
    desk.sync()
    bay2.sync()
    # The technician added at the desk logs in at bay 2 and picks the car up there.
    li = bay2.workshop.login("li", "5678")
    assert bay2.workshop.work_order(wo)["status"] == Status.CHECKED_IN
    bay2.workshop.change_status(li, wo, Status.DIAGNOSING)
    pads = bay2.workshop.add_finding(
        li,
        wo,
        FindingDraft(
            "Front brake pads worn",
            Severity.URGENT,
            [part("Brake pads", 1, 38000, "BP-1"), labour("Fit pads", 1.0, 20000)],
            "Replace front pads",
        ),
    ).id
    bay2.workshop.change_status(li, wo, Status.AWAITING_APPROVAL)
    bay2.sync()
    desk.sync()
    assert [f["title"] for f in desk.workshop.findings(wo)] == ["Front brake pads worn"]
    signature = desk.workshop.record_signature(desk.admin, demo_signature_strokes(), 640, 220)
    desk.workshop.record_approval(
        desk.admin, pads, Decision.APPROVED, "Ms Wang", Channel.DESK, signature
    )
    desk.sync()
    bay2.sync()
    jobs = bay2.workshop.jobs(wo)
    assert [j["finding_id"] for j in jobs] == [pads]
    bay2.workshop.change_status(li, wo, Status.IN_REPAIR)
    bay2.workshop.clock_on(li, jobs[0]["id"])
    bay2.workshop.clock_off(li, jobs[0]["id"])
    bay2.workshop.change_status(li, wo, Status.QUALITY_CHECK)
    bay2.workshop.record_quality_check(li, wo, True)
    bay2.sync()
    desk.sync()
    desk.workshop.change_status(desk.admin, wo, Status.READY)
    issue_report(desk, wo, tmp_path)
    desk.workshop.change_status(desk.admin, wo, Status.DELIVERED)
    settle(desk, bay1, bay2)
    assert {t.workshop.work_order(wo)["status"] for t in (desk, bay1, bay2)} == {"delivered"}
    expected = hub_digest(hub)
    assert [t.digest() for t in (desk, bay1, bay2)] == [expected] * 3
    # Rows keep the id they were made with: the finding was made at bay 2 (terminal 3),
    # the work order at the desk, numbered with the desk's code, the same everywhere.
    assert pads // 1_000_000_000 == 3
    numbers = {t.workshop.work_order(wo)["number"] for t in (desk, bay1, bay2)}
    assert len(numbers) == 1 and numbers.pop().endswith("-D1-0001")
    assert replica.conflict_notes(bay1.store) == []


def _push_together(
    t: Terminal, start: threading.Barrier, outcomes: dict[str, dict[str, int]]
) -> None:
    start.wait()
    outcomes[t.name] = t.client.push_once().outcomes


def test_the_hub_keeps_the_workshop_in_postgresql_too(tmp_path: Path, pg_hub: Any) -> None:
    desk, bay2 = join(pg_hub, tmp_path, "desk"), join(pg_hub, tmp_path, "bay-2")
    wo = _open_work_order(desk, "粤B36912")
    desk.sync()
    bay2.sync()
    bay2.workshop.change_status(bay2.admin, wo, Status.DIAGNOSING)
    desk.workshop.change_status(desk.admin, wo, Status.CANCELLED, note="customer left")
    bay2.sync()
    desk.sync()
    bay2.sync()
    assert desk.workshop.work_order(wo)["status"] == "diagnosing"
    assert "the work order is diagnosing" in replica.conflict_notes(desk.store)[0].summary()
    assert hub_digest(pg_hub) == desk.digest() == bay2.digest()


def test_two_bays_move_the_same_work_order_at_once_one_wins_the_other_is_told(
    tmp_path: Path, hub: Any
) -> None:
    desk, bay1, bay2 = (join(hub, tmp_path, n) for n in ("desk", "bay-1", "bay-2"))
    wins = {"bay-1": 0, "bay-2": 0}
    for trial in range(50):
        wo = _open_work_order(desk, f"T{trial:03d}")
        desk.sync()
        bay1.sync()
        bay2.sync()
        bay1.workshop.change_status(bay1.admin, wo, Status.DIAGNOSING)
        bay2.workshop.change_status(bay2.admin, wo, Status.CANCELLED, note="customer left")
        start = threading.Barrier(2)
        outcomes: dict[str, dict[str, int]] = {}
        threads = [
            threading.Thread(target=_push_together, args=(t, start, outcomes)) for t in (bay1, bay2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        losers = [name for name, o in outcomes.items() if o.get("conflict")]
        assert len(losers) == 1, outcomes
        winner = "bay-1" if losers == ["bay-2"] else "bay-2"
        wins[winner] += 1
        loser = bay1 if losers == ["bay-1"] else bay2
        note = replica.conflict_notes(loser.store, unseen_only=True)[0]
        won_status = "diagnosing" if winner == "bay-1" else "cancelled"
        assert f"the work order is {won_status}" in note.summary()
        replica.mark_seen(loser.store, [note.id])
        # The loser's replica is already back on the hub's copy, before any pull.
        assert loser.workshop.work_order(wo)["status"] == won_status
        settle(desk, bay1, bay2, rounds=1)
        assert {t.workshop.work_order(wo)["status"] for t in (desk, bay1, bay2)} == {won_status}
    assert sum(wins.values()) == 50
    expected = hub_digest(hub)
    assert [t.digest() for t in (desk, bay1, bay2)] == [expected] * 3
    print(f"\nwins over 50 trials: {wins}")


def test_a_missing_photo_file_is_set_aside_and_everything_else_still_flows(
    tmp_path: Path, hub: Any
) -> None:
    desk, bay2 = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    wo = _open_work_order(desk, "粤B55555")
    photos = PhotoStore(desk.store, tmp_path / "desk" / "photos")
    from station.photos import PhotoFiles

    files = PhotoFiles(jpeg(30_000, 1), jpeg(2000, 2), jpeg(5000, 3), 1600, 1200)
    photo = photos.record(desk.admin, files, wo, Stage.BEFORE, caption="walk-around")
    photos.path(photo.sha256).unlink()
    desk.workshop.change_status(desk.admin, wo, Status.DIAGNOSING)
    report = desk.sync()
    assert report.set_aside == 1 and report.blobs_uploaded == 2
    bay2.sync()
    assert bay2.workshop.work_order(wo)["status"] == "diagnosing"
    assert desk.client.status().set_aside == 1
    # Bay 2 shows the photo's thumbnail; the original is missing everywhere and says so.
    assert bay2.client.fetch_photo_files(originals=True) == 2
    bay_photos = PhotoStore(bay2.store, tmp_path / "bay-2" / "photos")
    assert bay_photos.path(photo.thumbnail_sha256).exists()
    assert not bay_photos.path(photo.sha256).exists()
    assert hub_digest(hub) == desk.digest() == bay2.digest()


def test_a_remote_approval_reaches_every_terminal_once_with_its_job(
    tmp_path: Path, hub: Any
) -> None:
    desk, bay2 = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    wo = _open_work_order(desk, "粤B77777")
    desk.workshop.change_status(desk.admin, wo, Status.DIAGNOSING)
    finding = desk.workshop.add_finding(
        desk.admin, wo, FindingDraft("Wiper blades", Severity.ADVISORY, [part("Wipers", 2, 5000)])
    ).id
    desk.workshop.change_status(desk.admin, wo, Status.AWAITING_APPROVAL)
    settle(desk, bay2, rounds=1)
    public_id = desk.client.cloud_work_order(wo)["public_id"]
    hub.service.customer_decision(public_id, finding, Decision.APPROVED, "Ms Wang")
    settle(desk, bay2, rounds=1)
    for t in (desk, bay2):
        approvals = t.store.query("SELECT decision, channel, total_cents FROM approvals")
        assert approvals == [{"decision": "approved", "channel": "remote", "total_cents": 10000}]
        assert [j["finding_id"] for j in t.workshop.jobs(wo)] == [finding]
    assert hub_digest(hub) == desk.digest() == bay2.digest()


def test_cuts_delays_duplicates_and_reordering_between_a_bay_and_the_hub_change_nothing(
    tmp_path: Path, hub: Any
) -> None:
    desk = join(hub, tmp_path, "desk")
    faults = Faults(
        cut_request=0.15,
        cut_response=0.15,
        delay=0.2,
        max_delay_s=0.2,
        duplicate=0.25,
        max_replay_delay_s=0.5,
    )
    port = urlparse(hub.url).port
    assert port is not None
    with FaultProxy(port, faults, seed=5) as proxy:
        proxy.enabled = False
        bay = join(
            hub,
            tmp_path,
            "bay-2",
            url=proxy.url,
            batch_size=5,
            timeout=3,
            attempts=3,
            backoff_base=0.01,
            rng=random.Random(2),
        )
        proxy.enabled = True
        orders = [_open_work_order(bay, f"F{n}") for n in range(4)]
        for wo in orders:
            bay.workshop.change_status(bay.admin, wo, Status.DIAGNOSING)
            bay.workshop.add_finding(
                bay.admin, wo, FindingDraft("Tyres", Severity.ADVISORY, [part("Tyre", 4, 50000)])
            )
        failures = 0
        while True:
            try:
                bay.sync()
            except Exception:
                failures += 1
                continue
            if bay.client.status().pending_mutations == 0:
                break
        time.sleep(faults.max_replay_delay_s + 0.3)
        counters = proxy.counters
    desk.sync()
    assert counters.cuts > 0 and counters.duplicates > 0
    assert hub_digest(hub) == bay.digest() == desk.digest()
    assert len(desk.store.query("SELECT id FROM findings")) == 4
    print(f"\nrequests {counters.requests}, cuts {counters.cuts}, failed runs {failures}")


def test_a_booking_from_the_customer_app_reaches_every_terminal_once(
    tmp_path: Path, hub: Any
) -> None:
    desk, bay2 = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    known = desk.workshop.add_vehicle(
        desk.admin, "LSVAU2180N2183741", "粤B12345", Powertrain.ICE, "BYD", "Qin", 2019
    ).id
    desk.sync()
    booking = {
        "customer": {"name": "王芳", "phone": "+86 138 0000 0001", "language": "zh"},
        "vehicle": {"vin": "LSVAU2180N2183741"},
        "scheduled_at": "2026-12-01T09:00:00Z",
        "complaint": "squeal when braking",
        "prediagnosis": {"codes_seen": ["P0301"]},
    }
    cloud_id = hub.service.book_appointment("Harbour Motors", booking)
    settle(desk, bay2, rounds=1)
    for t in (desk, bay2):
        rows = t.store.query("SELECT vehicle_id, cloud_id, status, complaint FROM appointments")
        assert rows == [
            {
                "vehicle_id": known,
                "cloud_id": cloud_id,
                "status": "open",
                "complaint": "squeal when braking",
            }
        ]
    hub.service.cancel_appointment(cloud_id)
    settle(desk, bay2, rounds=1)
    assert {
        t.store.query("SELECT status FROM appointments")[0]["status"] for t in (desk, bay2)
    } == {"cancelled"}
    assert hub_digest(hub) == desk.digest() == bay2.digest()


def test_a_cancellation_by_the_customer_is_made_at_the_hub_and_a_later_move_is_told(
    tmp_path: Path, hub: Any
) -> None:
    desk, bay2 = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-2")
    wo = _open_work_order(desk, "粤B24680")
    settle(desk, bay2, rounds=1)
    public_id = desk.client.cloud_work_order(wo)["public_id"]
    bay2.workshop.change_status(bay2.admin, wo, Status.DIAGNOSING)  # not yet pushed
    hub.service.request_cancel(public_id)
    bay2.sync()
    assert bay2.workshop.work_order(wo)["status"] == "cancelled"
    note = replica.conflict_notes(bay2.store)[0]
    assert "the work order is cancelled" in note.summary()
    desk.sync()
    assert desk.workshop.work_order(wo)["status"] == "cancelled"
    assert hub.service.customer_view(public_id)["status"] == "cancelled"
    assert hub_digest(hub) == desk.digest() == bay2.digest()


def test_a_decline_said_later_at_the_desk_wins_over_the_remote_approval_and_the_advisor_is_told(
    tmp_path: Path, hub: Any
) -> None:
    desk = join(hub, tmp_path, "desk")
    wo = _open_work_order(desk, "粤B11223")
    desk.workshop.change_status(desk.admin, wo, Status.DIAGNOSING)
    finding = desk.workshop.add_finding(
        desk.admin, wo, FindingDraft("Wiper blades", Severity.ADVISORY, [part("Wipers", 2, 5000)])
    ).id
    desk.workshop.change_status(desk.admin, wo, Status.AWAITING_APPROVAL)
    desk.sync()
    public_id = desk.client.cloud_work_order(wo)["public_id"]
    hub.service.customer_decision(public_id, finding, Decision.APPROVED, "Ms Wang")
    # The desk has not heard of it when the customer, at the counter, says no.
    desk.workshop.record_approval(desk.admin, finding, Decision.DECLINED, "Ms Wang", Channel.DESK)
    desk.sync()
    note = replica.conflict_notes(desk.store)[0]
    assert note.summary().startswith(f"finding {finding}: declined at the desk is the customer's")
    assert "approved through the link" in note.summary()
    decisions = desk.store.query(
        "SELECT decision, channel FROM approvals WHERE finding_id = ? ORDER BY at", (finding,)
    )
    assert decisions == [
        {"decision": "approved", "channel": "remote"},
        {"decision": "declined", "channel": "desk"},
    ]
    assert desk.workshop.findings(wo)[0]["state"] == "declined"
    assert hub.service.customer_view(public_id)["findings"][0]["state"] == "declined"
