"""The customer's page served by the workshop hub: a decision taken on it reaches every
terminal with the drawn signature, and a follow-up answer reaches the desk's follow-up list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from sync import hub as hub_records
from sync.customer import signature_sha256
from tests.sync.customer_helpers import SIGNATURE, tap
from tests.workshop.conftest import WORKSHOP, hub  # noqa: F401 - the hub fixture
from tests.workshop.helpers import awaiting_decision, hub_digest, repair_and_deliver, settle


def _approve_pads_decline_tyres(
    url: str, public: str, pads: int, tyres: int
) -> tuple[httpx.Response, httpx.Response]:
    """The customer's two taps on the hub's page, as their phone sends them."""
    with httpx.Client(base_url=url, timeout=30) as page:
        approved = page.post(f"/t/{public}/decisions", json=tap(pads, "approved", "pending"))
        declined = page.post(f"/t/{public}/decisions", json=tap(tyres, "declined", "pending"))
    return approved, declined


def test_a_decision_on_the_hubs_page_reaches_the_terminals_with_its_signature(
    tmp_path: Path,
    hub: Any,  # noqa: F811 - the fixture
) -> None:
    desk, bay, wo, pads, tyres = awaiting_decision(hub, tmp_path, "王芳", "zh")
    public = desk.client.cloud_work_order(wo)["public_id"]
    with httpx.Client(base_url=hub.url, timeout=30) as page:
        assert page.get(f"/t/{public}").status_code == 200
    approved, declined = _approve_pads_decline_tyres(hub.url, public, pads, tyres)
    assert (approved.status_code, declined.status_code) == (201, 201), approved.text
    settle(desk, bay)
    reference = signature_sha256(SIGNATURE)
    for terminal in (desk, bay):
        rows = terminal.store.query(
            "SELECT finding_id, decision, channel, customer_name, signature_ref FROM approvals "
            "ORDER BY id"
        )
        assert [(r["finding_id"], r["decision"], r["channel"]) for r in rows] == [
            (pads, "approved", "remote"),
            (tyres, "declined", "remote"),
        ]
        assert [r["signature_ref"] for r in rows] == [reference, None]
        drawn = terminal.store.query_one("SELECT * FROM signatures WHERE sha256 = ?", (reference,))
        assert drawn is not None and (drawn["width"], drawn["height"]) == (300, 150)
        assert "[[10.0, 20.0], [40.0, 40.0]" in drawn["strokes"]
        assert [j["finding_id"] for j in terminal.workshop.jobs(wo)] == [pads]
    assert desk.digest() == bay.digest() == hub_digest(hub)


def test_a_follow_up_answer_on_the_hubs_page_reaches_the_desks_follow_up_list(
    tmp_path: Path,
    hub: Any,  # noqa: F811 - the fixture
) -> None:
    desk, bay, wo, pads, tyres = awaiting_decision(hub, tmp_path, "王芳", "zh")
    public = desk.client.cloud_work_order(wo)["public_id"]
    _approve_pads_decline_tyres(hub.url, public, pads, tyres)
    # The advisor gives the customer's e-mail at the desk: every terminal has it.
    customer = desk.workshop.work_order(wo)["customer_id"]
    desk.workshop.set_contact(desk.admin, customer, email="wang@example.com")
    settle(desk, bay)
    assert bay.workshop.customer(customer)["email"] == "wang@example.com"
    repair_and_deliver(desk, bay, wo, tmp_path)
    day1 = next(f for f in desk.workshop.follow_ups(wo) if f["kind"] == "day1")
    assert day1["done_at"] is None
    with httpx.Client(base_url=hub.url, timeout=30) as page:
        assert f"data-id='{day1['id']}'" in page.get(f"/t/{public}?lang=en").text
        body = {"tap": "answer-day1-0000000001", "rating": 4, "comment": "快，干净"}
        answered = page.post(f"/t/{public}/follow-ups/{day1['id']}", json=body)
        again = page.post(f"/t/{public}/follow-ups/{day1['id']}", json=body)
    assert answered.status_code == 201, answered.text
    assert again.status_code == 200 and again.json()["replayed"]
    settle(desk, bay)
    for terminal in (desk, bay):
        closed = next(f for f in terminal.workshop.follow_ups(wo) if f["id"] == day1["id"])
        assert closed["done_at"] is not None
        assert closed["outcome"] == "customer: rated 4/5 - 快，干净"
    with hub.service.db.transaction() as tx:
        row = hub_records.record(tx, WORKSHOP, "follow_ups", str(day1["id"]))
    assert row is not None and row["outcome"] == "customer: rated 4/5 - 快，干净"
    assert desk.digest() == bay.digest() == hub_digest(hub)
