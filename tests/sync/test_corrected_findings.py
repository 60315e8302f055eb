"""A finding withdrawn or superseded at the station stops being offered on the customer's page.

A real station synced with a real cloud on 127.0.0.1; the page read as HTML in both languages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from station.findings import FindingDraft, Severity, labour, part
from station.photos import PhotoFiles, Stage
from sync.server import CloudHandle
from tests.sync.customer_helpers import page_client, synced, tap
from tests.sync.helpers import Station, jpeg, make_station, visit


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return make_station(tmp_path / "station")


def test_withdrawn_and_superseded_findings_leave_the_page(
    station: Station, cloud: CloudHandle
) -> None:
    ids = visit(station, "C1")
    pads_photo, wipers_photo = (
        station.photos.record(
            station.tech,
            PhotoFiles(jpeg(30_000, seed), jpeg(2000, seed + 1), jpeg(5000, seed + 2), 1600, 1200),
            ids["work_order"],
            Stage.BEFORE,
            finding_id=finding,
        )
        for finding, seed in ((ids["pads"], 10), (ids["wipers"], 20))
    )
    client = synced(station, cloud)
    client.run_once()
    public = client.cloud_work_order(ids["work_order"])["public_id"]
    web = page_client(cloud)
    before = web.get(f"/t/{public}", params={"lang": "en"}).text
    assert "Front brake pads worn" in before and "Wiper blades" in before
    fingerprint = web.get(f"/t/{public}/state").json()["fingerprint"]

    w, tech = station.workshop, station.tech
    w.withdraw_finding(tech, ids["wipers"], "the blades were changed last week")
    discs = w.supersede_finding(
        tech,
        ids["pads"],
        "the discs are worn too",
        FindingDraft(
            "Front brake pads and discs worn / 前刹车片和刹车盘磨损",
            Severity.URGENT,
            [
                part("Brake pads", 1, 38000),
                part("Brake discs", 2, 42000),
                labour("Fit", 1.5, 20000),
            ],
        ),
    ).id
    client.run_once()

    assert web.get(f"/t/{public}/state").json()["fingerprint"] != fingerprint
    en = web.get(f"/t/{public}", params={"lang": "en"}).text
    zh = web.get(f"/t/{public}", params={"lang": "zh"}).text
    for page in (en, zh):
        assert "Front brake pads worn" not in page
        assert "Wiper blades" not in page
        assert "¥580.00" not in page  # the superseded price
        assert f"data-finding='{ids['pads']}'" not in page
        assert f"data-finding='{ids['wipers']}'" not in page
        assert f"data-finding='{discs}'" in page
        assert "¥1,520.00" in page  # the newer finding, once
        assert page.count("¥1,520.00") == 1
        # the pads' photo now shows with the finding that replaced it; the wipers' is gone
        start = page.index(f"<div class='card' data-finding='{discs}'")
        end = page.find("<div class='card'", start + 1)
        card = page[start : end if end > 0 else len(page)]
        assert pads_photo.thumbnail_sha256 in card
        assert wipers_photo.thumbnail_sha256 not in page
    assert "Front brake pads and discs worn" in en
    assert "前刹车片和刹车盘磨损" in zh

    # a page still open on the old finding: its tap is refused and nothing is recorded
    stale = web.post(f"/t/{public}/decisions", json=tap(ids["pads"], "approved", "pending"))
    assert stale.status_code == 409, stale.text
    assert "withdrew this item" in stale.json()["error"]
    client.run_once()
    states = {f["id"]: f["state"] for f in w.findings(ids["work_order"])}
    assert states[ids["pads"]] == "pending" and states[discs] == "pending"


def test_a_withdrawn_findings_photo_is_no_longer_served_by_its_address(
    station: Station, sqlite_cloud: CloudHandle
) -> None:
    ids = visit(station, "C2")
    wipers_photo = station.photos.record(
        station.tech,
        PhotoFiles(jpeg(30_000, 40), jpeg(2000, 41), jpeg(5000, 42), 1600, 1200),
        ids["work_order"],
        Stage.BEFORE,
        finding_id=ids["wipers"],
    )
    client = synced(station, sqlite_cloud)
    client.run_once()
    public = client.cloud_work_order(ids["work_order"])["public_id"]
    web = page_client(sqlite_cloud)
    address = f"/t/{public}/photo/{wipers_photo.thumbnail_sha256}"
    assert web.get(address).status_code == 200  # the customer's phone kept this address

    station.workshop.withdraw_finding(station.tech, ids["wipers"], "photo of another car")
    client.run_once()
    assert wipers_photo.thumbnail_sha256 not in web.get(f"/t/{public}").text
    for sha in (wipers_photo.thumbnail_sha256, wipers_photo.sha256, wipers_photo.print_sha256):
        gone = web.get(f"/t/{public}/photo/{sha}")
        assert gone.status_code == 404, (sha, gone.status_code)
        # nor through the customer app's JSON API
        assert web.get(f"/v1/track/{public}/photos/{sha}").status_code == 404
    listed = web.get(f"/v1/track/{public}").json()["photos"]
    assert wipers_photo.sha256 not in {p["sha256"] for p in listed}
