"""The cloud API, the same suite on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

import httpx
import pytest

from sync.protocol import CHECKSUM_MISMATCH, OFFSET_CONTENT_TYPE, chunk_checksum
from sync.server import CloudHandle

STATION = "station-1"


def enrolled(
    cloud: CloudHandle, workshop: str = "Harbour Motors", station: str = STATION
) -> httpx.Client:
    _token_id, secret = cloud.service.issue_token(workshop)
    client = httpx.Client(
        base_url=cloud.url, headers={"Authorization": f"Bearer {secret}"}, timeout=30
    )
    answer = client.post("/v1/enrol", json={"station_id": station, "name": "desk"})
    assert answer.status_code == 200, answer.text
    return client


def mutation(
    seq: int, kind: str, entity: str, entity_id: int, payload: dict[str, Any]
) -> dict[str, Any]:
    return {
        "mutation_id": f"m-{seq}",
        "seq": seq,
        "kind": kind,
        "entity": entity,
        "entity_id": str(entity_id),
        "payload": payload,
        "user": "li (technician)",
        "station": STATION,
    }


def created(seq: int = 1, wo: int = 1) -> dict[str, Any]:
    return mutation(
        seq,
        "work_order.created",
        "work_order",
        wo,
        {
            "number": f"WO-{wo}",
            "status": "booked",
            "version": 1,
            "status_since": "t0",
            "created_at": "t0",
            "complaint": "noise",
        },
    )


def moved(
    seq: int, event: int, source: str | None, target: str, version: int, wo: int = 1
) -> dict[str, Any]:
    return mutation(
        seq,
        "work_order.status_changed",
        "progress_event",
        event,
        {
            "work_order_id": wo,
            "from_status": source,
            "to_status": target,
            "version": version,
            "text_en": target,
            "text_zh": target,
            "at": f"t{version}",
        },
    )


def finding(seq: int, finding_id: int, wo: int = 1) -> dict[str, Any]:
    return mutation(
        seq,
        "finding.added",
        "finding",
        finding_id,
        {
            "work_order_id": wo,
            "title": "Brake pads",
            "severity": "urgent",
            "total_cents": 58000,
            "lines": [],
            "created_at": "t",
        },
    )


def send(client: httpx.Client, *mutations: dict[str, Any]) -> list[dict[str, Any]]:
    answer = client.post("/v1/mutations", json={"station": STATION, "mutations": list(mutations)})
    assert answer.status_code == 200, answer.text
    results: list[dict[str, Any]] = answer.json()["results"]
    return results


def statuses(results: list[dict[str, Any]]) -> list[str]:
    return [r["status"] for r in results]


def test_a_batch_is_applied_in_order_and_a_resend_is_a_duplicate(cloud: CloudHandle) -> None:
    client = enrolled(cloud)
    batch = [created(), moved(2, 1, None, "booked", 1), moved(3, 2, "booked", "checked_in", 2)]
    first = send(client, *batch)
    assert statuses(first) == ["applied"] * 3
    again = send(client, *batch)
    assert statuses(again) == ["duplicate"] * 3
    assert again[0]["detail"]["first"] == "applied"
    public_id = first[0]["detail"]["public_id"]
    view = client.get(f"/v1/track/{public_id}").json()
    assert (view["status"], view["version"]) == ("checked_in", 2)
    progress = client.get(f"/v1/track/{public_id}/progress").json()
    assert [p["to_status"] for p in progress] == ["booked", "checked_in"]


def test_an_update_between_status_changes_reaches_the_customer(cloud: CloudHandle) -> None:
    client = enrolled(cloud)
    first = send(
        client, created(), moved(2, 1, None, "booked", 1), moved(3, 2, "booked", "checked_in", 2)
    )
    update = mutation(
        4,
        "work_order.update_posted",
        "progress_event",
        3,
        {
            "work_order_id": 1,
            "text_en": "checked in",
            "text_zh": "已登记",
            "note": "part arrives at 3 pm",
            "at": "t3",
        },
    )
    assert statuses(send(client, update)) == ["applied"]
    public_id = first[0]["detail"]["public_id"]
    view = client.get(f"/v1/track/{public_id}").json()
    assert (view["status"], view["version"]) == ("checked_in", 2)
    progress = client.get(f"/v1/track/{public_id}/progress").json()
    assert [(p["to_status"], p["note"]) for p in progress][-1] == (
        "checked_in",
        "part arrives at 3 pm",
    )
    assert statuses(send(client, moved(5, 4, "checked_in", "diagnosing", 3))) == ["applied"]


def test_a_stale_status_change_is_a_conflict_with_the_current_state(cloud: CloudHandle) -> None:
    client = enrolled(cloud)
    send(client, created(), moved(2, 1, None, "booked", 1), moved(3, 2, "booked", "checked_in", 2))
    stale = send(client, moved(4, 3, "booked", "cancelled", 2))[0]
    assert stale["status"] == "conflict"
    assert stale["detail"]["current"] == {"status": "checked_in", "version": 2}
    illegal = send(client, moved(5, 4, "checked_in", "delivered", 3))[0]
    assert illegal["status"] == "conflict"
    assert "cannot go from" in illegal["detail"]["reason"]
    assert statuses(send(client, moved(6, 5, "checked_in", "diagnosing", 3))) == ["applied"]


def test_out_of_order_and_unknown_references_are_rejected(cloud: CloudHandle) -> None:
    client = enrolled(cloud)
    send(client, created(seq=5))
    late = send(client, mutation(3, "customer.added", "customer", 1, {"name": "x"}))[0]
    assert late["status"] == "rejected" and "out of order" in late["detail"]["reason"]
    malformed = send(client, mutation(6, "photo.recorded", "photo", 1, {"work_order_id": 1}))[0]
    assert malformed["status"] == "rejected" and "malformed" in malformed["detail"]["reason"]
    orphan = send(client, finding(7, 1, wo=99))[0]
    assert orphan["status"] == "rejected" and "unknown" in orphan["detail"]["reason"]
    # An unknown kind is kept in the mutation log, not refused: the station's vocabulary grows.
    assert statuses(
        send(
            client,
            mutation(8, "checklist.item_recorded", "checklist_result", 1, {"rating": "green"}),
        )
    ) == ["applied"]


def test_recorded_facts_are_immutable(cloud: CloudHandle) -> None:
    client = enrolled(cloud)
    send(client, created(), finding(2, 1))
    changed = finding(3, 1)
    changed["payload"]["total_cents"] = 1
    answer = send(client, changed)[0]
    assert answer["status"] == "conflict" and "immutable" in answer["detail"]["reason"]


def test_a_decision_said_later_at_the_desk_wins_over_the_remote_one_and_both_are_kept(
    cloud: CloudHandle,
) -> None:
    client = enrolled(cloud)
    public_id = send(client, created(), finding(2, 7))[0]["detail"]["public_id"]
    customer = httpx.Client(base_url=cloud.url, timeout=30)
    remote = customer.post(
        f"/v1/track/{public_id}/findings/7/decision",
        json={"decision": "approved", "customer_name": "Ms Wang"},
    ).json()
    desk = mutation(
        3,
        "finding.declined",
        "approval",
        1,
        {
            "finding_id": 7,
            "decision": "declined",
            "customer_name": "Ms Wang",
            "channel": "desk",
            "at": "2999-01-01T00:00:00.000Z",  # said in person after the link was used
        },
    )
    answer = send(client, desk)[0]
    assert answer["status"] == "applied"
    assert answer["detail"]["overrides"]["at"] == remote["at"]
    assert answer["detail"]["overrides"]["channel"] == "remote"
    view = customer.get(f"/v1/track/{public_id}").json()
    assert view["findings"][0]["state"] == "declined"
    assert [a["channel"] for a in view["findings"][0]["approvals"]] == ["remote", "desk"]


def test_remote_approval_reaches_the_change_feed_and_conflicts_with_a_later_desk_decision(
    cloud: CloudHandle,
) -> None:
    client = enrolled(cloud)
    public_id = send(client, created(), finding(2, 7))[0]["detail"]["public_id"]
    customer = httpx.Client(base_url=cloud.url, timeout=30)
    waiting = customer.get(f"/v1/track/{public_id}").json()["waiting"]
    assert waiting == {
        "count": 1,
        "text_en": "Waiting for your decision on 1 item.",
        "text_zh": "有 1 项等待您的决定。",
    }
    decided = customer.post(
        f"/v1/track/{public_id}/findings/7/decision",
        json={"decision": "approved", "customer_name": "Ms Wang"},
    )
    assert decided.status_code == 201, decided.text
    again = customer.post(
        f"/v1/track/{public_id}/findings/7/decision",
        json={"decision": "declined", "customer_name": "Ms Wang"},
    )
    assert again.status_code == 409
    desk = mutation(
        3,
        "finding.declined",
        "approval",
        1,
        {"finding_id": 7, "decision": "declined", "customer_name": "Ms Wang", "channel": "desk"},
    )
    answer = send(client, desk)[0]
    assert answer["status"] == "conflict"
    assert answer["detail"]["current"]["approval"]["channel"] == "remote"
    feed = client.get("/v1/changes", params={"since": 0}).json()
    assert [c["kind"] for c in feed["changes"]] == ["approval.remote"]
    assert feed["changes"][0]["payload"]["finding_id"] == 7
    assert client.get("/v1/changes", params={"since": feed["cursor"]}).json()["changes"] == []
    view = customer.get(f"/v1/track/{public_id}").json()
    assert view["findings"][0]["state"] == "approved"
    assert view["waiting"] == {"count": 0, "text_en": "", "text_zh": ""}


def test_appointments_and_cancellations_in_the_change_feed(cloud: CloudHandle) -> None:
    client = enrolled(cloud)
    public_id = send(client, created())[0]["detail"]["public_id"]
    app = httpx.Client(base_url=cloud.url, timeout=30)
    booking = {
        "customer": {"name": "Mr Chen", "phone": "13800000000", "language": "zh"},
        "vehicle": {"plate": "沪A12345", "powertrain": "EV"},
        "scheduled_at": "2026-12-01T09:00:00Z",
        "complaint": "battery warning",
        "prediagnosis": {
            "codes_seen": ["p0a80"],
            "parts_reserved": [{"part_number": "HV-12", "description": "cell module"}],
            "note": "isolation fault twice this week",
        },
    }
    assert app.post("/v1/workshops/Nowhere/appointments", json=booking).status_code == 404
    wrong_shape = {**booking, "prediagnosis": {"codes": ["P0A80"]}}
    refused = app.post("/v1/workshops/Harbour Motors/appointments", json=wrong_shape)
    assert refused.status_code == 400 and "codes_seen" in refused.text
    booked = app.post("/v1/workshops/Harbour Motors/appointments", json=booking)
    assert booked.status_code == 201
    assert app.post(f"/v1/appointments/{booked.json()['id']}/cancel").status_code == 200
    assert app.post(f"/v1/track/{public_id}/cancel").status_code == 202
    changes = client.get("/v1/changes", params={"since": 0}).json()["changes"]
    assert [c["kind"] for c in changes] == [
        "appointment.booked",
        "appointment.cancelled",
        "work_order.cancel_requested",
    ]
    assert changes[0]["payload"]["prediagnosis"] == {
        "codes_seen": ["P0A80"],
        "parts_reserved": [{"description": "cell module", "part_number": "HV-12"}],
        "note": "isolation fault twice this week",
    }
    assert [c["seq"] for c in changes] == [1, 2, 3]
    # The customer asks; the status stays the station's until it moves it.
    assert app.get(f"/v1/track/{public_id}").json()["status"] == "booked"


def _patch(
    client: httpx.Client,
    sha: str,
    offset: int,
    length: int,
    chunk: bytes,
    checksum: str | None = None,
) -> httpx.Response:
    return client.patch(
        f"/v1/blobs/{sha}",
        content=chunk,
        headers={
            "Content-Type": OFFSET_CONTENT_TYPE,
            "Tus-Resumable": "1.0.0",
            "Upload-Offset": str(offset),
            "Upload-Length": str(length),
            "Upload-Checksum": checksum or chunk_checksum(chunk),
        },
    )


def test_blob_upload_follows_the_tus_rules(cloud: CloudHandle) -> None:
    client = enrolled(cloud)
    data = os.urandom(250_000)
    sha = hashlib.sha256(data).hexdigest()
    assert client.head(f"/v1/blobs/{sha}").headers["upload-offset"] == "0"
    assert _patch(client, sha, 0, len(data), data[:100_000]).status_code == 204
    wrong_offset = _patch(client, sha, 50_000, len(data), data[50_000:150_000])
    assert wrong_offset.status_code == 409
    assert wrong_offset.headers["upload-offset"] == "100000"
    bad = "sha256 " + base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    assert (
        _patch(client, sha, 100_000, len(data), data[100_000:200_000], bad).status_code
        == CHECKSUM_MISMATCH
    )
    assert client.head(f"/v1/blobs/{sha}").headers["upload-offset"] == "100000"
    assert _patch(client, sha, 100_000, len(data), data[100_000:]).status_code == 204
    assert client.head(f"/v1/blobs/{sha}").headers["upload-offset"] == str(len(data))
    assert (cloud.blobs.path(sha)).read_bytes() == data
    # A blob that exists: uploading it again is a no-op.
    assert _patch(client, sha, 0, len(data), data[:10]).status_code == 204
    assert client.post(f"/v1/blobs/{sha}", content=data).status_code == 204


def test_a_workshop_reads_only_its_own_files(cloud: CloudHandle) -> None:
    """Knowing a photo's hash is not enough: another workshop must upload every byte of it."""
    harbour = enrolled(cloud)
    river = enrolled(cloud, "River Motors", "station-2")
    data = os.urandom(120_000)
    sha = hashlib.sha256(data).hexdigest()
    assert harbour.post(f"/v1/blobs/{sha}", content=data).status_code == 204
    assert harbour.get(f"/v1/blobs/{sha}").content == data

    assert river.get(f"/v1/blobs/{sha}").status_code == 404
    assert river.head(f"/v1/blobs/{sha}").headers["upload-offset"] == "0"
    # A token chunk claiming the stored file does not make it River's.
    assert _patch(river, sha, 0, len(data), data[:10]).status_code == 204
    assert river.get(f"/v1/blobs/{sha}").status_code == 404
    assert river.head(f"/v1/blobs/{sha}").headers["upload-offset"] == "10"
    # Nor does a whole file of other bytes under its name.
    assert river.post(f"/v1/blobs/{sha}", content=os.urandom(len(data))).status_code == 422
    assert river.get(f"/v1/blobs/{sha}").status_code == 404
    # The whole file, sent by River itself: now River's too, and still kept once.
    assert _patch(river, sha, 10, len(data), data[10:]).status_code == 204
    assert river.get(f"/v1/blobs/{sha}").content == data
    assert harbour.get(f"/v1/blobs/{sha}").content == data
    assert not list((cloud.blobs.partial).iterdir())


def test_a_blob_that_does_not_hash_to_its_name_is_discarded(cloud: CloudHandle) -> None:
    client = enrolled(cloud)
    data = os.urandom(1000)
    sha = hashlib.sha256(b"something else").hexdigest()
    assert _patch(client, sha, 0, len(data), data).status_code == 422
    assert client.head(f"/v1/blobs/{sha}").headers["upload-offset"] == "0"
    assert client.post(f"/v1/blobs/{sha}", content=data).status_code == 422


def test_the_report_and_photos_are_readable_through_the_customer_link(cloud: CloudHandle) -> None:
    client = enrolled(cloud)
    pdf = b"%PDF-1.7 report"
    jpg = b"\xff\xd8\xff photo \xff\xd9"
    pdf_sha, jpg_sha = hashlib.sha256(pdf).hexdigest(), hashlib.sha256(jpg).hexdigest()
    public_id = send(client, created())[0]["detail"]["public_id"]
    send(
        client,
        mutation(
            2,
            "report.issued",
            "report",
            1,
            {
                "work_order_id": 1,
                "version": 1,
                "sha256": pdf_sha,
                "file_name": "r.pdf",
                "language": "en",
                "issued_at": "t",
            },
        ),
        mutation(
            3,
            "photo.recorded",
            "photo",
            1,
            {
                "work_order_id": 1,
                "sha256": jpg_sha,
                "thumbnail_sha256": jpg_sha,
                "print_sha256": jpg_sha,
                "stage": "before",
                "subject": "walk_around",
                "recorded_at": "t",
            },
        ),
    )
    customer = httpx.Client(base_url=cloud.url, timeout=30)
    assert customer.get(f"/v1/track/{public_id}/report").json()["available"] is False
    assert customer.get(f"/v1/track/{public_id}/report.pdf").status_code == 404
    client.post(f"/v1/blobs/{pdf_sha}", content=pdf)
    client.post(f"/v1/blobs/{jpg_sha}", content=jpg)
    assert customer.get(f"/v1/track/{public_id}/report").json()["available"] is True
    assert customer.get(f"/v1/track/{public_id}/report.pdf").content == pdf
    assert customer.get(f"/v1/track/{public_id}/photos/{jpg_sha}").content == jpg
    assert customer.get(f"/v1/track/{public_id}/photos/{pdf_sha}").status_code == 200
    assert customer.get(f"/v1/track/{public_id}/photos/{'0' * 64}").status_code == 404
    assert customer.get("/v1/track/not-a-link").status_code == 404
    assert client.get("/v1/work-orders/1").json()["public_id"] == public_id


@pytest.mark.parametrize("size", [0, 1001])
def test_a_batch_is_bounded(cloud: CloudHandle, size: int) -> None:
    client = enrolled(cloud)
    answer = client.post(
        "/v1/mutations",
        json={"station": STATION, "mutations": [created(seq=n + 1, wo=n + 1) for n in range(size)]},
    )
    assert answer.status_code == (200 if size == 0 else 413)
