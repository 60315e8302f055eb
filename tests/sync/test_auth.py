"""Who may call the cloud: no token, another station's token, a revoked token."""

from __future__ import annotations

import threading
import time

import httpx

from sync.server import CloudHandle


def _client(cloud: CloudHandle, secret: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return httpx.Client(base_url=cloud.url, headers=headers, timeout=30)


def _batch(station: str, wo: int = 1) -> dict[str, object]:
    return {
        "station": station,
        "mutations": [
            {
                "mutation_id": f"{station}-{wo}",
                "seq": wo,
                "kind": "work_order.created",
                "entity": "work_order",
                "entity_id": str(wo),
                "payload": {
                    "number": f"WO-{wo}",
                    "status": "booked",
                    "version": 1,
                    "status_since": "t",
                    "created_at": "t",
                },
                "user": "admin (admin)",
                "station": station,
            }
        ],
    }


def test_without_a_token_nothing_is_answered(cloud: CloudHandle) -> None:
    client = _client(cloud, None)
    assert client.post("/v1/mutations", json=_batch("a")).status_code == 401
    assert client.get("/v1/changes").status_code == 401
    assert client.head("/v1/blobs/" + "a" * 64).status_code == 401
    assert _client(cloud, "made-up").get("/v1/changes").status_code == 401


def test_a_station_sees_and_changes_only_its_own_records(cloud: CloudHandle) -> None:
    _, token_a = cloud.service.issue_token("Harbour Motors")
    _, token_b = cloud.service.issue_token("Riverside Garage")
    a, b = _client(cloud, token_a), _client(cloud, token_b)
    assert a.post("/v1/enrol", json={"station_id": "A"}).status_code == 200
    assert b.post("/v1/enrol", json={"station_id": "B"}).status_code == 200
    assert a.post("/v1/mutations", json=_batch("A")).json()["results"][0]["status"] == "applied"
    # B's token cannot speak for A, cannot re-enrol as A, and does not see A's records.
    assert b.post("/v1/mutations", json=_batch("A", 2)).status_code == 403
    assert b.post("/v1/enrol", json={"station_id": "A"}).status_code == 403
    assert b.get("/v1/work-orders/1").status_code == 404
    assert a.get("/v1/work-orders/1").status_code == 200
    # A customer's cancellation in A's workshop is not in B's feed.
    public_id = a.get("/v1/work-orders/1").json()["public_id"]
    assert httpx.post(f"{cloud.url}/v1/track/{public_id}/cancel").status_code == 202
    assert b.get("/v1/changes").json()["changes"] == []
    assert [c["kind"] for c in a.get("/v1/changes").json()["changes"]] == [
        "work_order.cancel_requested"
    ]


def test_a_revoked_token_is_refused(cloud: CloudHandle) -> None:
    token_id, secret = cloud.service.issue_token("Harbour Motors")
    client = _client(cloud, secret)
    assert client.post("/v1/enrol", json={"station_id": "A"}).status_code == 200
    assert client.get("/v1/changes").status_code == 200
    cloud.service.revoke_token(token_id)
    refused = client.get("/v1/changes")
    assert refused.status_code == 401
    assert "revoked" in refused.json()["error"]
    assert client.post("/v1/mutations", json=_batch("A")).status_code == 401


def test_an_unenrolled_token_cannot_send_mutations(cloud: CloudHandle) -> None:
    _, secret = cloud.service.issue_token("Harbour Motors")
    answer = _client(cloud, secret).post("/v1/mutations", json=_batch("A"))
    assert answer.status_code == 401
    assert "enrol" in answer.json()["error"]


def test_a_terminal_revoked_while_it_waits_on_the_feed_gets_no_more_changes(
    sqlite_cloud: CloudHandle,
) -> None:
    cloud = sqlite_cloud
    _, desk_token = cloud.service.issue_token("Harbour Motors")
    bay_id, bay_token = cloud.service.issue_token("Harbour Motors")
    desk, bay = _client(cloud, desk_token), _client(cloud, bay_token)
    assert desk.post("/v1/enrol", json={"station_id": "desk"}).status_code == 200
    assert bay.post("/v1/enrol", json={"station_id": "bay"}).status_code == 200
    assert desk.post("/v1/mutations", json=_batch("desk")).status_code == 200
    public_id = desk.get("/v1/work-orders/1").json()["public_id"]
    since = bay.get("/v1/changes").json()["cursor"]

    answers: list[httpx.Response] = []
    waiting = threading.Thread(
        target=lambda: answers.append(bay.get("/v1/changes", params={"since": since, "wait": 20}))
    )
    waiting.start()
    time.sleep(0.5)  # either way round, the revoked bay must not get the change
    cloud.service.revoke_token(bay_id)
    assert httpx.post(f"{cloud.url}/v1/track/{public_id}/cancel").status_code == 202
    waiting.join(timeout=30)
    assert answers, "the feed never answered"
    assert answers[0].status_code == 401, answers[0].text
    assert "changes" not in answers[0].json()
