"""The hub's files go up to the brand's cloud in checked chunks read from disk, and a cut
mid-file (the hub killed with it) resumes where the cloud's copy ends, not from byte 0."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from station.photos import PhotoFiles, PhotoStore, Stage
from station.vehicles import Powertrain
from sync import upstream
from sync.errors import Offline
from sync.server import CloudHandle
from tests.sync.helpers import jpeg
from tests.workshop.conftest import WORKSHOP
from tests.workshop.helpers import join
from tests.workshop.uplink import Link, cloud, link  # noqa: F401 - the fixtures

CHUNK = 64 * 1024


class Wire(httpx.HTTPTransport):
    """The hub's real link to the cloud, counting the file bytes it carries; after `budget`
    of them it goes down: every later request fails as on a cut cable."""

    def __init__(self, budget: int | None = None) -> None:
        super().__init__()
        self.budget = budget
        self.carried: dict[str, int] = {}
        self.whole_posts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.budget is not None and sum(self.carried.values()) >= self.budget:
            raise httpx.ConnectError("the link to the cloud is down", request=request)
        if request.method == "PATCH":
            sha = request.url.path.rsplit("/", 1)[-1]
            self.carried[sha] = self.carried.get(sha, 0) + len(request.content)
        if request.method == "POST" and "/blobs/" in request.url.path:
            self.whole_posts += 1
        return super().handle_request(request)


def _relay(uplink: Link, wire: Wire) -> upstream.Upstream:
    """The hub's relay (run again after a kill) on `wire`, sending files in small chunks."""
    uplink.relay.close()
    relay = upstream.Upstream(
        uplink.hub.service, uplink.hub.blobs, WORKSHOP, uplink.token, chunk_size=CHUNK
    )
    relay._http.close()
    relay._http = httpx.Client(
        base_url=relay.url, headers={"Authorization": f"Bearer {uplink.token}"}, transport=wire
    )
    uplink.relay = relay
    return relay


def test_a_file_cut_off_mid_way_to_the_cloud_resumes_where_the_cloud_has_it(
    tmp_path: Path,
    hub: CloudHandle,
    cloud: CloudHandle,  # noqa: F811 - the fixture
    link: Link,  # noqa: F811 - the fixture
) -> None:
    desk = join(hub, tmp_path, "desk")
    w, admin = desk.workshop, desk.admin
    vehicle = w.add_vehicle(admin, None, "粤B12345", Powertrain.EV, "BYD", "Seal", 2023).id
    wo = w.create_work_order(admin, vehicle, "door scratched").id
    original = jpeg(600_000, 7)
    files = PhotoFiles(original, jpeg(2000, 8), jpeg(5000, 9), 1600, 1200)
    photo = PhotoStore(desk.store, tmp_path / "desk" / "photos").record(
        admin, files, wo, Stage.BEFORE, caption="door"
    )
    desk.sync()  # the record and its files reach the hub
    big = hashlib.sha256(original).hexdigest()
    assert big in photo.blobs and hub.blobs.path(big).exists()

    cut = Wire(budget=200_000)
    relay = _relay(link, cut)
    relay.push_once()
    with pytest.raises(Offline):
        relay.upload_files()  # the cable is cut part way through the original
    kept = _relay(link, Wire())._offset(big)
    assert 0 < kept < len(original)

    again = Wire()
    relay = _relay(link, again)  # the hub killed and run again
    relay.upload_files()
    assert again.carried.get(big) == len(original) - kept  # from where the cloud's copy ends
    assert cut.whole_posts == again.whole_posts == 0
    for sha in photo.blobs:
        assert cloud.blobs.path(sha).exists()
    assert hashlib.sha256(cloud.blobs.path(big).read_bytes()).hexdigest() == big
    assert relay.upload_files() == 0  # nothing left, nothing sent twice
    desk.close()
