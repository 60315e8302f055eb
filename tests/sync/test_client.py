"""The station's sync client against a real cloud service on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from station import inbox, replica
from station.findings import Channel, Decision
from station.lifecycle import Status
from sync.client import SyncClient, enrol
from sync.errors import AuthRefused, NotEnrolled, Offline
from sync.server import CloudHandle
from tests.sync.helpers import Station, assert_cloud_matches, make_station, visit


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return make_station(tmp_path / "station")


def _enrolled(station: Station, cloud: CloudHandle) -> SyncClient:
    _, secret = cloud.service.issue_token("Harbour Motors")
    enrol(station.store, cloud.url, secret)
    return SyncClient(station.store, timeout=10, backoff_base=0.01)


def test_a_visit_reaches_the_cloud_once_with_its_files(
    station: Station, cloud: CloudHandle
) -> None:
    visit(station, "A1")
    with _enrolled(station, cloud) as client:
        before = client.status()
        assert before.pending_mutations > 10 and before.state == "idle"
        report = client.run_once()
        assert report.outcomes == {"applied": report.sent}
        assert report.blobs_uploaded == 4
        assert_cloud_matches(station, cloud)
        after = client.status()
        assert (after.pending_mutations, after.pending_blobs, after.last_error) == (0, 0, None)
        assert after.last_success is not None
        assert client.run_once().sent == 0


def test_the_customer_side_reaches_the_station(station: Station, sqlite_cloud: CloudHandle) -> None:
    cloud = sqlite_cloud
    ids = visit(station, "A1")
    other = visit(station, "B2", seed=1)
    client = _enrolled(station, cloud)
    client.run_once()
    app = httpx.Client(base_url=cloud.url, timeout=30)
    public = client.cloud_work_order(ids["work_order"])["public_id"]
    other_public = client.cloud_work_order(other["work_order"])["public_id"]
    booking = {
        "customer": {"name": "Mr Chen", "phone": "13800000000"},
        "vehicle": {"vin": "LSVAU2180N2183294", "powertrain": "EV", "make": "BYD"},
        "scheduled_at": "2026-12-01T09:00:00Z",
        "complaint": "battery warning",
        "prediagnosis": {"codes_seen": ["P0A80"], "parts_reserved": [{"part_number": "HV-12"}]},
    }
    appointment_id = app.post("/v1/workshops/Harbour Motors/appointments", json=booking).json()[
        "id"
    ]
    assert (
        app.post(
            f"/v1/track/{public}/findings/{ids['pads']}/decision",
            json={"decision": "approved", "customer_name": "Ms Wang"},
        ).status_code
        == 201
    )
    assert app.post(f"/v1/track/{other_public}/cancel").status_code == 202

    report = client.run_once()
    assert report.changes_applied == 3
    got = inbox.appointment(station.store, appointment_id)
    assert got is not None
    assert got["complaint"] == "battery warning"
    assert got["prediagnosis"]["codes_seen"] == ["P0A80"]
    assert station.workshop.vehicle(got["vehicle_id"])["vin"] == "LSVAU2180N2183294"
    pads = next(f for f in station.workshop.findings(ids["work_order"]) if f["id"] == ids["pads"])
    assert pads["state"] == "approved" and pads["approvals"][-1]["channel"] == "remote"
    assert any(job["finding_id"] == ids["pads"] for job in station.workshop.jobs(ids["work_order"]))
    assert station.workshop.work_order(other["work_order"])["status"] == Status.CANCELLED
    # What the station did in answer (the job, the cancellation) goes back up.
    client.run_once()
    assert app.get(f"/v1/track/{other_public}").json()["status"] == "cancelled"
    assert_cloud_matches(station, cloud)
    assert client.run_once().changes_applied == 0
    assert [row["outcome"] for row in inbox.inbox_log(station.store)] == ["applied"] * 3


def test_a_desk_decision_said_after_a_remote_approval_wins_and_the_advisor_is_told(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    cloud = sqlite_cloud
    ids = visit(station, "A1")
    client = _enrolled(station, cloud)
    client.run_once()
    public = client.cloud_work_order(ids["work_order"])["public_id"]
    httpx.post(
        f"{cloud.url}/v1/track/{public}/findings/{ids['pads']}/decision",
        json={"decision": "approved", "customer_name": "Ms Wang"},
    )
    # Offline at the desk, the customer declines the same item in person, later.
    station.workshop.record_approval(
        station.admin, ids["pads"], Decision.DECLINED, "Ms Wang", Channel.DESK
    )
    report = client.run_once()
    assert report.outcomes == {"applied": 1}
    assert inbox.conflicts(station.store) == [] and client.status().conflicts == 0
    note = replica.conflict_notes(station.store)[0].summary()
    assert note.startswith(f"finding {ids['pads']}: declined at the desk is the customer's latest")
    # The remote approval arrives and is kept on record, but the desk's later word stands.
    pads = next(f for f in station.workshop.findings(ids["work_order"]) if f["id"] == ids["pads"])
    assert [a["decision"] for a in pads["approvals"]] == ["declined"]
    assert pads["state"] == "declined"
    assert [
        j for j in station.workshop.jobs(ids["work_order"]) if j["finding_id"] == ids["pads"]
    ] == []
    logged = inbox.inbox_log(station.store)[0]
    assert logged["kind"] == "approval.remote" and logged["outcome"] == "ignored"
    view = httpx.get(f"{cloud.url}/v1/track/{public}").json()
    finding = next(f for f in view["findings"] if f["id"] == ids["pads"])
    assert finding["state"] == "declined"
    assert [a["channel"] for a in finding["approvals"]] == ["remote", "desk"]


def test_without_enrolment_or_network_the_station_keeps_working(station: Station) -> None:
    visit(station, "A1")
    with SyncClient(station.store) as client:
        with pytest.raises(NotEnrolled):
            client.run_once()
        assert client.status().state == "not_enrolled"
    offline = SyncClient(
        station.store, "http://127.0.0.1:9", "token", timeout=1, attempts=2, backoff_base=0.01
    )
    with offline:
        with pytest.raises(Offline):
            offline.run_once()
        status = offline.status()
        assert status.state == "offline" and "did not answer" in (status.last_error or "")
        assert status.pending_mutations > 0
    # The station still records work while offline.
    visit(station, "B2", seed=1)


def test_a_revoked_station_stops_with_a_clear_error(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    token_id, secret = sqlite_cloud.service.issue_token("Harbour Motors")
    enrol(station.store, sqlite_cloud.url, secret)
    sqlite_cloud.service.revoke_token(token_id)
    visit(station, "A1")
    with SyncClient(station.store) as client:
        with pytest.raises(AuthRefused, match="revoked"):
            client.run_once()
        assert client.status().state == "error"
        assert client.status().pending_mutations > 0


def test_changes_and_cursor_are_one_transaction(station: Station) -> None:
    changes = [
        {
            "seq": 1,
            "kind": "appointment.booked",
            "payload": {
                "id": "c1",
                "customer": {"name": "A"},
                "vehicle": {"plate": "X1"},
                "complaint": "noise",
            },
        },
        {
            "seq": 2,
            "kind": "appointment.booked",
            "payload": {"id": "c2", "customer": {"name": "B"}, "vehicle": {"vin": "NOT-A-VIN"}},
        },
        {
            "seq": 3,
            "kind": "approval.remote",
            "payload": {"station_id": "elsewhere", "finding_id": 1, "decision": "approved"},
        },
    ]
    applied = inbox.apply_changes(station.store, changes, 3)
    assert [a.outcome for a in applied] == ["applied", "refused", "ignored"]
    assert inbox.cursor(station.store) == 3
    # The refused booking left nothing behind, not even its customer.
    assert [c["name"] for c in station.store.query("SELECT name FROM customers")] == ["A"]
    again = inbox.apply_changes(station.store, changes[:1], 3)
    assert [a.outcome for a in again] == ["duplicate"]
    with pytest.raises(KeyError):
        inbox.apply_changes(station.store, [{"kind": "appointment.booked"}], 4)
    assert inbox.cursor(station.store) == 3
