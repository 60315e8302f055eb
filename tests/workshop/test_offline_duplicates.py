"""Two terminals offline make the same thing: a price for one code, a user of one name. The hub
settles it so that no work is held back, and whoever lost is told."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from station import catalogue, replica
from station.errors import AuthenticationFailed
from station.findings import FindingDraft, LineKind, Severity, part
from station.lifecycle import Status
from station.roles import Role
from station.store import utc_now
from station.vehicles import Powertrain
from tests.workshop.helpers import Terminal, hub_digest, join, settle


def _price(t: Terminal, cents: int, minutes_later: int) -> int:
    t.store.clock = lambda: utc_now() + timedelta(minutes=minutes_later)
    try:
        return catalogue.add_price_item(
            t.store, t.admin, "pad-f", "Front pads", "前刹车片", LineKind.PART, cents
        )
    finally:
        t.store.clock = utc_now


@pytest.mark.parametrize("later_first", [False, True], ids=["earlier-first", "later-first"])
def test_a_code_priced_at_two_terminals_offline_keeps_the_later_price(
    tmp_path: Path, hub: Any, later_first: bool
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    old = catalogue.add_price_item(
        desk.store, desk.admin, "PAD-F", "Front pads", "前刹车片", LineKind.PART, 45000
    )
    settle(desk, bay)
    # Both offline: the desk prices the pads at 480.00, bay 1 five minutes later at 520.00.
    earlier = _price(desk, 48000, 0)
    later = _price(bay, 52000, 5)
    order = (bay, desk) if later_first else (desk, bay)
    for t in order:
        t.sync()
    settle(desk, bay)

    for t in (desk, bay):
        rows = t.store.query("SELECT id, price_cents, active FROM price_items ORDER BY id")
        assert {r["id"]: r["active"] for r in rows} == {old: 0, earlier: 0, later: 1}, t.name
        assert [(i.id, i.price_cents) for i in catalogue.price_items(t.store)] == [(later, 52000)]
    # The desk, whose price lost, is told; bay 1 is not.
    told = [n.reason for n in replica.conflict_notes(desk.store)]
    assert len(told) == 1 and "PAD-F" in told[0] and "set at bay-1" in told[0], told
    assert "kept, inactive" in told[0]
    assert replica.conflict_notes(bay.store) == []
    assert hub_digest(hub) == desk.digest() == bay.digest()
    # The workshop prices on from the price it kept.
    newest = catalogue.add_price_item(
        desk.store, desk.admin, "PAD-F", "Front pads", "前刹车片", LineKind.PART, 50000
    )
    settle(desk, bay)
    assert [i.id for i in catalogue.price_items(bay.store)] == [newest]
    assert hub_digest(hub) == desk.digest() == bay.digest()
    desk.close()
    bay.close()


def test_a_user_made_offline_under_a_name_given_first_elsewhere_keeps_their_work(
    tmp_path: Path, hub: Any
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    settle(desk, bay)
    # Both offline: each admin adds a "wang"; bay 1's is a technician who starts a visit there.
    desk.workshop.add_user(desk.admin, "wang", Role.ADVISOR, "1357")
    bay.workshop.add_user(bay.admin, "wang", Role.TECHNICIAN, "2468")
    with pytest.raises(AuthenticationFailed):
        bay.workshop.login("wang", "0000")  # a wrong PIN first: the row goes again
    wang = bay.workshop.login("wang", "2468")
    w = bay.workshop
    car = w.add_vehicle(wang, None, "粤B97531", Powertrain.HEV, "Toyota", "Corolla", 2021).id
    wo = w.create_work_order(wang, car, "warning light").id
    w.check_in(wang, wo, 61_000)
    w.change_status(wang, wo, Status.DIAGNOSING)
    finding = w.add_finding(
        wang,
        wo,
        FindingDraft("Rear wiper blade split", Severity.ADVISORY, [part("Wiper", 1, 9000, "WB-R")]),
    ).id
    desk.sync()  # the desk's "wang" reaches the hub first
    bay.sync()
    settle(desk, bay)

    # Nothing the bay's wang did was refused: it is theirs, under wang-B1, on every terminal.
    assert _refused(hub) == []
    for t in (desk, bay):
        people = {u["name"]: u for u in t.store.query("SELECT * FROM users")}
        assert people["wang"]["role"] == Role.ADVISOR.value
        assert people["wang-B1"]["role"] == Role.TECHNICIAN.value
        assert people["wang-B1"]["display_name"] == "wang (B1)"
        assert people["wang-B1"]["failed_attempts"] == 0
        made = t.workshop.work_order(wo)
        assert made["status"] == Status.DIAGNOSING and made["created_by"] == wang.user_id
        assert t.store.query_one("SELECT id FROM findings WHERE id = ?", (finding,))
    assert people["wang-B1"]["id"] == wang.user_id
    # The bay, where its admin made that wang, is told; each wang logs in with their name.
    told = [n.reason for n in replica.conflict_notes(bay.store)]
    assert len(told) == 1 and "the one made here is kept as wang-B1" in told[0], told
    assert "desk made a user of that name first" in told[0]
    assert replica.conflict_notes(desk.store) == []
    assert bay.workshop.login("wang-B1", "2468").role is Role.TECHNICIAN
    assert bay.workshop.login("wang", "1357").role is Role.ADVISOR
    # The hub's record of who did what names the person as the workshop knows them now.
    with hub.service.db.transaction() as tx:
        names = {r["user_name"] for r in tx.all("SELECT user_name FROM mutations")}
    assert "wang-B1" in names
    # Work done at the bay from now on by the desk's wang is the desk's wang's.
    advisor = bay.workshop.login("wang", "1357")
    bay.workshop.post_update(advisor, wo, "waiting for the part")
    settle(bay, desk)
    assert _refused(hub) == []
    assert hub_digest(hub) == desk.digest() == bay.digest()
    desk.close()
    bay.close()


def _refused(hub: Any) -> list[str]:
    with hub.service.db.transaction() as tx:
        rows = tx.all("SELECT detail FROM mutations WHERE status IN ('conflict', 'rejected')")
    return [str(r["detail"]) for r in rows]


class AnswerLost(httpx.HTTPTransport):
    """The hub takes the terminal's first batch, and its answer is lost on the way back."""

    def __init__(self) -> None:
        super().__init__()
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/mutations") and not self.lost:
            self.lost += 1
            response.close()
            raise httpx.ReadError("the connection dropped before the answer", request=request)
        return response


def test_the_hubs_answer_lost_on_the_way_is_taken_from_its_resend(tmp_path: Path, hub: Any) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    settle(desk, bay)
    desk.workshop.add_user(desk.admin, "wang", Role.ADVISOR, "1357")
    bay.workshop.add_user(bay.admin, "wang", Role.TECHNICIAN, "2468")
    desk.sync()
    lossy = AnswerLost()
    bay.client._http = httpx.Client(
        base_url=hub.url, headers={"Authorization": f"Bearer {bay.client.token}"}, transport=lossy
    )
    bay.client.sleep = lambda _s: None
    bay.sync()  # the resend is answered "duplicate", with the hub's first answer
    assert lossy.lost == 1
    settle(desk, bay)
    names = {u["name"] for u in bay.store.query("SELECT name FROM users")}
    assert names == {"admin", "wang", "wang-B1"}
    told = [n.reason for n in replica.conflict_notes(bay.store)]
    assert len(told) == 1 and "kept as wang-B1" in told[0], told
    assert hub_digest(hub) == desk.digest() == bay.digest()
    desk.close()
    bay.close()
