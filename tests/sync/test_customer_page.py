"""The customer's page on a real cloud on 127.0.0.1, fed by a real station's sync."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest

from station import messages
from station.findings import Channel, Decision
from station.lifecycle import Status
from sync.customer_page import CUSTOMER_ERRORS, customer_error
from sync.server import CloudHandle
from tests.sync.customer_helpers import (
    DESK_STROKES,
    SIGNATURE,
    STROKES,
    add_tyres,
    advisor,
    cloud_count,
    customer_approvals,
    deliver,
    open_page,
    tap,
)
from tests.sync.helpers import Station, make_station, visit


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return make_station(tmp_path / "station")


def test_the_page_shows_the_visit_and_follows_the_station(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    ids = visit(station, "A1")
    client, public, web = open_page(station, sqlite_cloud, ids["work_order"])
    page = web.get(f"/t/{public}", params={"lang": "en"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert len(page.content) < 100_000
    text = page.text
    assert "Waiting for your decision" in text and "Front brake pads worn" in text
    assert "¥580.00" in text and "Declined" in text and "Ms Wang" in text
    zh = web.get(f"/t/{public}", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "等待您的决定" in zh.text and "同意维修" in zh.text
    before = web.get(f"/t/{public}/state").json()
    assert before["status"] == "awaiting_approval"

    station.workshop.post_update(station.tech, ids["work_order"], "The pads arrive at 3 pm")
    client.run_once()
    after = web.get(f"/t/{public}/state").json()
    assert after["fingerprint"] != before["fingerprint"]
    assert "The pads arrive at 3 pm" in web.get(f"/t/{public}?lang=en").text


def test_approve_one_decline_another_reaches_the_station_once(
    station: Station, cloud: CloudHandle
) -> None:
    ids = visit(station, "A1")
    tyres = add_tyres(station, ids["work_order"])
    client, public, web = open_page(station, cloud, ids["work_order"])
    approve = tap(ids["pads"], "approved", "pending")
    first = web.post(f"/t/{public}/decisions", json=approve)
    assert first.status_code == 201, first.text
    assert first.json()["recorded"] is True and first.json()["replayed"] is False
    replay = web.post(f"/t/{public}/decisions", json=approve)
    assert replay.status_code == 200 and replay.json()["replayed"] is True
    assert replay.json()["at"] == first.json()["at"]
    declined = web.post(f"/t/{public}/decisions", json=tap(tyres, "declined", "pending"))
    assert declined.status_code == 201, declined.text
    assert customer_approvals(cloud) == 2

    client.run_once()
    rows = station.store.query(
        "SELECT finding_id, decision, channel, customer_name, signature_ref FROM approvals "
        "WHERE channel = 'remote' ORDER BY id"
    )
    assert [(r["finding_id"], r["decision"]) for r in rows] == [
        (ids["pads"], "approved"),
        (tyres, "declined"),
    ]
    assert rows[0]["customer_name"] == "王芳" and rows[1]["signature_ref"] is None
    kept = station.workshop.signature(rows[0]["signature_ref"])
    assert kept["strokes"] == STROKES and (kept["width"], kept["height"]) == (300, 150)
    assert station.store.verify_audit_chain().ok
    page = web.get(f"/t/{public}?lang=en").text
    assert page.count("Approved") >= 1 and "on the phone" in page


def test_a_declined_item_is_approved_later_from_the_page(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    ids = visit(station, "A1")
    client, public, web = open_page(station, sqlite_cloud, ids["work_order"])
    later = web.post(f"/t/{public}/decisions", json=tap(ids["wipers"], "approved", "declined"))
    assert later.status_code == 201, later.text
    client.run_once()
    states = {f["id"]: f["state"] for f in station.workshop.findings(ids["work_order"])}
    assert states[ids["wipers"]] == "approved"


def test_an_item_decided_at_the_desk_is_refused_with_its_state(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    ids = visit(station, "A1")
    desk = advisor(station)
    signature = station.workshop.record_signature(desk, DESK_STROKES, 100, 50)
    station.workshop.record_approval(
        desk, ids["pads"], Decision.APPROVED, "王芳", Channel.DESK, signature
    )
    _, public, web = open_page(station, sqlite_cloud, ids["work_order"])
    # The page was opened before the desk decided: it still shows both as pending.
    stale = web.post(f"/t/{public}/decisions", json=tap(ids["wipers"], "approved", "pending"))
    assert stale.status_code == 409
    assert stale.json()["current"]["state"] == "declined"
    assert stale.json()["current"]["channel"] == "desk"
    approved = web.post(f"/t/{public}/decisions", json=tap(ids["pads"], "declined", "approved"))
    assert approved.status_code == 409 and approved.json()["current"]["state"] == "approved"
    assert customer_approvals(sqlite_cloud) == 0
    assert cloud_count(sqlite_cloud, "SELECT COUNT(*) AS n FROM customer_taps") == 0


def test_photos_and_the_report_only_of_this_visit(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    ids = visit(station, "A1")
    other = visit(station, "B2", seed=1)
    _, public, web = open_page(station, sqlite_cloud, ids["work_order"])
    own = station.store.query(
        "SELECT thumbnail_sha256, print_sha256 FROM photos WHERE work_order_id = ?",
        (ids["work_order"],),
    )[0]
    theirs = station.store.query(
        "SELECT thumbnail_sha256, sha256 FROM photos WHERE work_order_id = ?",
        (other["work_order"],),
    )[0]
    thumb = web.get(f"/t/{public}/photo/{own['thumbnail_sha256']}")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert hashlib.sha256(thumb.content).hexdigest() == own["thumbnail_sha256"]
    assert f"/t/{public}/photo/{own['thumbnail_sha256']}" in web.get(f"/t/{public}").text
    for sha in theirs.values():
        refused = web.get(f"/t/{public}/photo/{sha}")
        assert refused.status_code == 404 and "no such photo" in refused.json()["error"]
    assert web.get(f"/t/{public}/photo/..%2F..%2Fcloud.db").status_code == 404
    pdf = web.get(f"/t/{public}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    issued = station.store.query_one(
        "SELECT sha256 FROM reports WHERE work_order_id = ?", (ids["work_order"],)
    )
    assert issued is not None and hashlib.sha256(pdf.content).hexdigest() == issued["sha256"]


def test_bad_bodies_are_refused_and_record_nothing(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    ids = visit(station, "A1")
    _, public, web = open_page(station, sqlite_cloud, ids["work_order"])
    url = f"/t/{public}/decisions"
    huge = web.post(
        url,
        content=b'{"tap": "' + b"x" * 70_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert huge.status_code == 413 and "larger than" in huge.json()["error"]
    broken = web.post(url, content=b'{"tap": ', headers={"content-type": "application/json"})
    assert broken.status_code == 400 and "not JSON" in broken.json()["error"]
    form = web.post(url, data={"tap": "x"})
    assert form.status_code == 415
    listed = web.post(url, json=[1, 2])
    assert listed.status_code == 400
    unsigned = web.post(url, json=tap(ids["pads"], "approved", "pending", signature=None))
    assert unsigned.status_code == 400 and "signature" in unsigned.json()["error"]
    outside = dict(SIGNATURE, strokes=[[[10, 20], [900, 40]]])
    off_pad = web.post(url, json=tap(ids["pads"], "approved", "pending", signature=outside))
    assert off_pad.status_code == 400
    short_key = web.post(url, json=tap(ids["pads"], "declined", "pending", tap="abc"))
    assert short_key.status_code == 400
    nameless = web.post(url, json=tap(ids["pads"], "declined", "pending", customer_name=" "))
    assert nameless.status_code == 400
    for hidden in ("Wang\x00Fang", "Wang \x1b[31mFang", "\u202eWang Fang", "Wang\nFang"):
        unprintable = web.post(
            url, json=tap(ids["pads"], "declined", "pending", customer_name=hidden)
        )
        assert unprintable.status_code == 400, (hidden, unprintable.text)
        assert unprintable.json()["key"] == "name_unprintable"
    unknown = web.post(url, json=tap(99_999, "declined", "pending"))
    assert unknown.status_code == 404
    # ids past what a database keeps name nothing: refused, never a server error
    for beyond in (2**63, 10**30):
        past = web.post(url, json=tap(beyond, "declined", "pending"))
        assert past.status_code == 400, past.text
        question = web.post(f"/t/{public}/follow-ups/{beyond}", json={"tap": "a" * 16, "rating": 5})
        assert question.status_code == 404, question.text
        assert question.json()["key"] == "question_unknown"
    assert customer_approvals(sqlite_cloud) == 0
    assert cloud_count(sqlite_cloud, "SELECT COUNT(*) AS n FROM customer_taps") == 0
    assert (
        cloud_count(
            sqlite_cloud, "SELECT COUNT(*) AS n FROM changes WHERE kind = 'approval.remote'"
        )
        == 0
    )


def test_a_revoked_link_is_refused_and_a_new_one_works(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    ids = visit(station, "A1")
    client, old, web = open_page(station, sqlite_cloud, ids["work_order"])
    assert web.get(f"/t/{old}").status_code == 200
    with pytest.raises(Exception, match="may not"):
        messages.revoke_link(station.store, station.tech, ids["work_order"])
    messages.revoke_link(station.store, advisor(station), ids["work_order"])
    client.run_once()
    new = client.cloud_work_order(ids["work_order"])["public_id"]
    assert new != old
    page = web.get(f"/t/{old}?lang=en")
    assert page.status_code == 410 and "The workshop has replaced this link" in page.text
    assert "车间已更换此链接" in web.get(f"/t/{old}?lang=zh").text
    for url in (f"/t/{old}/state", f"/t/{old}/report.pdf", f"/v1/track/{old}"):
        assert web.get(url).status_code == 410
    refused = web.post(f"/t/{old}/decisions", json=tap(ids["pads"], "declined", "pending"))
    assert refused.status_code == 410 and refused.json()["key"] == "link_revoked"
    assert "withdrawn" in refused.json()["error"] and "车间已更换" in refused.json()["message"]
    assert customer_approvals(sqlite_cloud) == 0
    assert web.get(f"/t/{new}").status_code == 200
    assert web.get(f"/t/{'x' * 22}").status_code == 404


def test_after_delivery_the_follow_ups_and_the_link_expiry(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    ids = visit(station, "A1")
    deliver(station, ids["work_order"])
    client, public, web = open_page(station, sqlite_cloud, ids["work_order"])
    page = web.get(f"/t/{public}?lang=en").text
    assert "How happy are you with this visit?" in page
    assert "Any noise or warning light" not in page  # opens a day before it is due
    assert "Next service" in page and "works until" in page
    follow = {
        f["kind"]: f["id"]
        for f in station.store.query(
            "SELECT id, kind FROM follow_ups WHERE work_order_id = ?", (ids["work_order"],)
        )
    }
    answer = {"tap": "a" * 32, "rating": 4, "comment": "quick and clear"}
    first = web.post(f"/t/{public}/follow-ups/{follow['day1']}", json=answer)
    assert first.status_code == 201, first.text
    assert web.post(f"/t/{public}/follow-ups/{follow['day1']}", json=answer).json()["replayed"]
    again = web.post(f"/t/{public}/follow-ups/{follow['day1']}", json={**answer, "tap": "b" * 32})
    assert again.status_code == 409
    early = web.post(
        f"/t/{public}/follow-ups/{follow['day7']}", json={"tap": "c" * 32, "trouble": False}
    )
    assert early.status_code == 409 and "later" in early.json()["error"]
    bad = web.post(f"/t/{public}/follow-ups/{follow['day1']}", json={"tap": "d" * 32, "rating": 9})
    assert bad.status_code in (400, 409)

    real_clock = sqlite_cloud.service.clock
    sqlite_cloud.service.clock = lambda: real_clock() + timedelta(days=7)
    week = web.post(
        f"/t/{public}/follow-ups/{follow['day7']}",
        json={"tap": "e" * 32, "trouble": True, "comment": "a rattle at the back"},
    )
    assert week.status_code == 201, week.text
    client.run_once()
    outcomes = {
        f["kind"]: f["outcome"]
        for f in station.store.query(
            "SELECT kind, outcome FROM follow_ups WHERE work_order_id = ?", (ids["work_order"],)
        )
    }
    assert outcomes == {
        "day1": "customer: rated 4/5 - quick and clear",
        "day7": "customer: noise or warning light since - a rattle at the back",
    }

    sqlite_cloud.service.clock = lambda: real_clock() + timedelta(days=91)
    expired = web.get(f"/t/{public}?lang=en")
    ends = f"{real_clock() + timedelta(days=90):%Y-%m-%d}"
    assert expired.status_code == 410 and f"This link expired on {ends}" in expired.text
    assert f"此链接已于 {ends} 到期" in web.get(f"/t/{public}?lang=zh").text
    assert web.get(f"/t/{public}/report.pdf").status_code == 410
    late = web.post(f"/t/{public}/follow-ups/{follow['day1']}", json={"tap": "f" * 32, "rating": 1})
    assert late.status_code == 410
    sqlite_cloud.service.link_days = 120
    assert web.get(f"/t/{public}").status_code == 200


def test_rate_limits_per_link_and_per_address(station: Station, tmp_path: Path) -> None:
    from sync.customer_routes import Limits
    from sync.server import start_cloud_in_thread

    ids = visit(station, "A1")
    limits = Limits(link_per_minute=1, link_burst=3, address_per_minute=1, address_burst=5)
    with start_cloud_in_thread(tmp_path / "c.db", tmp_path / "b", limits=limits) as cloud:
        _, public, web = open_page(station, cloud, ids["work_order"])
        answers = [web.get(f"/t/{public}/state").status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        # Another link from the same address: the address's budget of 5 runs out too.
        others = [web.get(f"/t/{'y' * 22}/state").status_code for _ in range(2)]
        assert others == [404, 429]
        refused = web.post(f"/t/{public}/decisions", json=tap(ids["pads"], "declined", "pending"))
        assert refused.status_code == 429 and "too many" in refused.json()["error"]
        assert cloud_count(cloud, "SELECT COUNT(*) AS n FROM customer_taps") == 0


def test_the_json_track_api_keeps_working(station: Station, sqlite_cloud: CloudHandle) -> None:
    ids = visit(station, "A1")
    _, public, web = open_page(station, sqlite_cloud, ids["work_order"])
    track = web.get(f"/v1/track/{public}").json()
    assert track["status"] == Status.AWAITING_APPROVAL.value
    assert json.dumps(track)


def test_every_refusal_is_said_to_the_customer_in_their_language(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    """The page's refusals read as words for the customer, never for the staff, in both languages."""
    ids = visit(station, "A1")
    _, public, web = open_page(station, sqlite_cloud, ids["work_order"])
    url = f"/t/{public}/decisions"
    tiny = dict(SIGNATURE, strokes=[[[10, 20], [12, 21]]])
    cases = {
        "signature.empty": tap(
            ids["pads"], "approved", "pending", signature=dict(SIGNATURE, strokes=[])
        ),
        "signature.too_small": tap(ids["pads"], "approved", "pending", signature=tiny),
        "signature_missing": tap(ids["pads"], "approved", "pending", signature=None),
        "name_missing": tap(ids["pads"], "declined", "pending", customer_name=" "),
        "name_long": tap(ids["pads"], "declined", "pending", customer_name="x" * 101),
        "item_unknown": tap(99_999, "declined", "pending"),
        "page_problem": tap(ids["pads"], "declined", "pending", tap="abc"),
    }
    for key, body in cases.items():
        said = {}
        for lang in ("en", "zh"):
            answer = web.post(f"{url}?lang={lang}", json=body)
            assert answer.status_code in (400, 404) and answer.json()["key"] == key, answer.text
            said[lang] = answer.json()["message"]
        assert said["en"] == CUSTOMER_ERRORS[key]["en"].format(max=100)
        assert said["zh"] == CUSTOMER_ERRORS[key]["zh"].format(max=100)
    # The staff's wording of the signature rule stays in the API's `error`, not the message.
    small = web.post(f"{url}?lang=en", json=cases["signature.too_small"]).json()
    assert "ask the customer" in small["error"]
    assert "ask the customer" not in small["message"] and "sign again" in small["message"]
    unknown = web.get(f"/t/{'q' * 22}", headers={"accept-language": "en-GB"})
    assert unknown.status_code == 404 and "We cannot find this link" in unknown.text
    assert "找不到这个链接" in web.get(f"/t/{'q' * 22}").text


def test_each_sentence_is_in_both_languages_and_any_status_has_one() -> None:
    for key, text in CUSTOMER_ERRORS.items():
        assert set(text) == {"zh", "en"} and all(text.values()), key
        assert "customer" not in text["en"] and "ask the customer" not in text["en"], key
    assert (
        customer_error("signature.too_small", 400, {}, "zh")
        == CUSTOMER_ERRORS["signature.too_small"]["zh"]
    )
    assert customer_error(None, 503, {}, "en") == CUSTOMER_ERRORS["workshop_problem"]["en"]
    assert customer_error("no.such.key", 409, {}, "en") == CUSTOMER_ERRORS["changed"]["en"]
    assert customer_error(None, 415, {}, "zh") == CUSTOMER_ERRORS["page_problem"]["zh"]
    # A sentence that lacks its parameter falls back to the one for its status.
    assert customer_error("link_expired", 410, {}, "en") == CUSTOMER_ERRORS["link_closed"]["en"]
