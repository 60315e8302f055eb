"""A booking from the customer app is open to anyone: what the workshop could not use is
refused at the service, in words, and never reaches the station."""

from __future__ import annotations

import httpx
import pytest

from station.errors import InvalidInput
from station.inbox import parse_booking
from sync.server import CloudHandle
from tests.sync.test_api import enrolled

BOOKING = {
    "customer": {"name": "Mr Chen", "phone": "13800000000", "language": "zh"},
    "vehicle": {"plate": "沪A12345", "make": "BYD", "model": "Han"},
    "scheduled_at": "2026-12-01T09:00:00Z",
    "complaint": "battery warning",
}


@pytest.mark.parametrize(
    ("customer", "vehicle", "said"),
    [
        ({"phone": "call me maybe"}, {}, "not a phone number"),
        ({"phone": 13800000000}, {}, "a phone number is text"),
        ({}, {"make": 42}, "a make or model is text"),
        ({}, {"model": ["Han"]}, "a make or model is text"),
    ],
)
def test_a_booking_the_station_could_not_use_is_refused_at_once(
    sqlite_cloud: CloudHandle, customer: dict[str, object], vehicle: dict[str, object], said: str
) -> None:
    station = enrolled(sqlite_cloud)
    app = httpx.Client(base_url=sqlite_cloud.url, timeout=30)
    bad = {
        **BOOKING,
        "customer": {**BOOKING["customer"], **customer},  # type: ignore[dict-item]
        "vehicle": {**BOOKING["vehicle"], **vehicle},  # type: ignore[dict-item]
    }
    refused = app.post("/v1/workshops/Harbour Motors/appointments", json=bad)
    assert refused.status_code == 400, refused.text
    assert said in refused.json()["error"]
    assert station.get("/v1/changes").json()["changes"] == []
    with pytest.raises(InvalidInput, match=said):
        parse_booking({**bad, "id": "x"})
    good = app.post("/v1/workshops/Harbour Motors/appointments", json=BOOKING)
    assert good.status_code == 201
    assert parse_booking({**BOOKING, "id": "y"}).phone == "13800000000"
