"""One pre-diagnosis shape: the demo seed, the cloud and the station's desk agree on it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from station import inbox
from station.errors import InvalidInput
from station.fixtures import load_json
from station.prediagnosis import PreDiagnosis, ReservedPart, parse
from sync.client import SyncClient, enrol
from sync.server import CloudHandle
from tests.sync.helpers import make_station
from ui.texts import prediagnosis_lines


def test_parse_reads_codes_parts_and_note() -> None:
    assert parse(
        {
            "codes_seen": ["p0301", "P0301"],
            "parts_reserved": ["Spark plugs x4", {"description": "Ignition coil", "part_number": "IC-1"}],
            "note": " seen twice ",
        }
    ) == PreDiagnosis(
        ("P0301",),
        (ReservedPart("Spark plugs x4"), ReservedPart("Ignition coil", "IC-1")),
        "seen twice",
    )  # fmt: skip
    assert parse(None) == parse({}) == PreDiagnosis()
    assert ReservedPart("", "HV-12").words == "HV-12"
    for raw, why in (
        ({"codes": ["P0301"]}, "use codes_seen"),
        ({"codes_seen": ["misfire"]}, "not a trouble code"),
        ({"codes_seen": "P0301"}, "are lists"),
        ({"parts_reserved": [{"part_number": ""}]}, "description or a part number"),
        ([], "is an object"),
    ):
        with pytest.raises(InvalidInput, match=why):
            parse(raw)


def test_the_demo_seed_the_cloud_and_the_desk_agree(
    tmp_path: Path, sqlite_cloud: CloudHandle
) -> None:
    station = make_station(tmp_path / "station")
    _, secret = sqlite_cloud.service.issue_token("Harbour Motors")
    enrol(station.store, sqlite_cloud.url, secret)
    app = httpx.Client(base_url=sqlite_cloud.url, timeout=30)
    seeded = [a for a in load_json("demo_seed.json")["appointments"] if a["prediagnosis"]]
    booked = []
    for n, spec in enumerate(seeded):
        booking = {
            "customer": {"name": f"Customer {n}", "phone": f"1380000000{n}"},
            "vehicle": {"plate": f"粤B0000{n}", "powertrain": "ICE"},
            "scheduled_at": "2026-12-01T09:00:00Z",
            "complaint": spec["complaint"],
            "prediagnosis": spec["prediagnosis"],
        }
        answer = app.post("/v1/workshops/Harbour Motors/appointments", json=booking)
        assert answer.status_code == 201, answer.text
        booked.append(answer.json()["id"])
    with SyncClient(station.store, timeout=10, backoff_base=0.01) as client:
        client.run_once()
    sedan = inbox.appointment(station.store, booked[0])
    assert sedan is not None
    assert sedan["prediagnosis"] == parse(seeded[0]["prediagnosis"]).to_json()
    assert prediagnosis_lines(sedan["prediagnosis"]) == [
        "Codes seen remotely: P0301",
        "Parts reserved: Ignition coil cylinder 1, Spark plugs x4",
        "Pre-diagnosis: Misfire cylinder 1 seen in vehicle logs",
    ]
    for appointment_id, spec in zip(booked, seeded, strict=True):
        stored = inbox.appointment(station.store, appointment_id)
        assert stored is not None
        assert parse(stored["prediagnosis"]) == parse(spec["prediagnosis"])
