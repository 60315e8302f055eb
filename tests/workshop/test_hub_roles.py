"""The hub checks who writes what: a terminal's token, or its database copied, makes nobody an
admin; the changes people make at their terminals go through as before."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from station import auth, messages, replica
from station.cli import main
from station.errors import AccountLocked, AuthenticationFailed
from station.identity import BLOCK
from station.lifecycle import Status
from station.people import pin_columns
from station.roles import Role
from station.vehicles import Powertrain
from sync.protocol import API
from tests.workshop.conftest import WORKSHOP
from tests.workshop.helpers import Terminal, add_technician, hub_digest, join, settle


def _forge(t: Terminal, name: str, sql: str, params: tuple[Any, ...] = ()) -> None:
    """What someone holding a terminal's database can do: write rows past the core's commands,
    in any person's name; the terminal sends them to the hub like any change."""
    with t.store.transaction(name) as tx:
        tx.execute(sql, params)


def _forge_user(t: Terminal, name: str, new_user: str, role: str, pin: str) -> None:
    key = auth.pin_key(t.store.path.parent)
    with t.store.transaction(name) as tx:
        tx.insert(
            "users",
            {
                "name": new_user,
                "display_name": new_user,
                "role": role,
                "language": "en",
                **pin_columns(auth.hash_pin(pin, key=key)),
                "created_at": tx.at,
            },
        )


def _hub_user(hub: Any, name: str) -> dict[str, Any] | None:
    with hub.service.db.transaction() as tx:
        found = tx.all("SELECT row FROM records WHERE workshop = ? AND tbl = 'users'", (WORKSHOP,))
    users = [json.loads(r["row"]) for r in found]
    return next((u for u in users if u["name"] == name), None)


def _refusals(hub: Any) -> list[dict[str, Any]]:
    with hub.service.db.transaction() as tx:
        rows = tx.all(
            "SELECT user_name, detail FROM mutations WHERE status = 'conflict' ORDER BY received_at"
        )
    return [{"user": r["user_name"], **json.loads(r["detail"])} for r in rows]


def test_a_terminal_cannot_make_an_admin_or_change_a_pin_or_a_role_in_someone_elses_name(
    tmp_path: Path, hub: Any
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    add_technician(desk)
    settle(desk, bay)
    admin_pin = bytes(
        bay.store.query_one("SELECT pin_hash FROM users WHERE name = 'admin'")["pin_hash"]
    )
    attacks = [
        lambda who: _forge_user(bay, who, "eve", "admin", "9999"),
        lambda who: _forge(
            bay, who, "UPDATE users SET pin_hash = ? WHERE name = 'admin'", (b"\x00" * 32,)
        ),
        lambda who: _forge(bay, who, "UPDATE users SET role = 'admin' WHERE name = 'li'"),
        lambda who: _forge(bay, who, "UPDATE users SET role = 'technician' WHERE name = 'admin'"),
    ]
    # In a technician's name, and in the name of nobody the workshop knows.
    for who, key in (("li", "hub.permission"), ("mallory", "hub.unknown_user")):
        for attack in attacks:
            attack(who)
            before = len(_refusals(hub))
            bay.sync()
            refused = _refusals(hub)
            assert len(refused) == before + 1, who
            # li's own role is li's own row: refused as one's own, the others as not li's.
            assert refused[-1]["key"] in (key, "hub.own_row") and refused[-1]["user"] == who
            # The bay is put back as the workshop has it, and the person there is told.
            assert bay.store.query_one("SELECT 1 AS x FROM users WHERE name = 'eve'") is None
            roles = {u["name"]: u["role"] for u in bay.store.query("SELECT name, role FROM users")}
            assert roles == {"admin": "admin", "li": "technician"}
            stored = bay.store.query_one("SELECT pin_hash FROM users WHERE name = 'admin'")
            assert bytes(stored["pin_hash"]) == admin_pin
    notes = replica.conflict_notes(bay.store)
    assert len(notes) == 8 and all("is not taken" in n.reason for n in notes), notes
    assert "li is a technician and may not change users" in notes[-1].reason
    assert _hub_user(hub, "eve") is None
    assert _hub_user(hub, "li")["role"] == "technician"  # type: ignore[index]
    settle(desk, bay)
    for t in (desk, bay):
        assert t.workshop.login("admin", "1234").role is Role.ADMIN
        with pytest.raises(AuthenticationFailed):
            t.workshop.login("eve", "9999")
    assert hub_digest(hub) == desk.digest() == bay.digest()

    # The same, done by the workshop's admin at the bay: taken, and on every terminal.
    bay.workshop.add_user(bay.admin, "eve", Role.ADMIN, "9999")
    bay.workshop.change_role(bay.admin, "li", Role.ADVISOR)
    bay.workshop.reset_pin(bay.admin, "admin", "4321")
    settle(bay, desk)
    assert replica.conflict_notes(desk.store) == []
    assert len(replica.conflict_notes(bay.store)) == 8
    for t in (desk, bay):
        assert t.workshop.login("eve", "9999").role is Role.ADMIN
        assert t.workshop.login("li", "5678").role is Role.ADVISOR
        assert t.workshop.login("admin", "4321").role is Role.ADMIN
    assert hub_digest(hub) == desk.digest() == bay.digest()
    desk.close()
    bay.close()


def test_new_rows_go_in_the_terminals_own_block(tmp_path: Path, hub: Any) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    number = int(bay.store.meta("terminal.number") or 0)
    other = (number + 1) * BLOCK + 500  # the next terminal's block, and then the hub's own
    for row_id in (other, 77):
        _forge(
            bay,
            "admin",
            "INSERT INTO customers (id, name, phone, language, created_at) "
            "VALUES (?, 'Chen', NULL, 'zh', '2026-11-30T09:00:00.000Z')",
            (row_id,),
        )
        bay.sync()
        assert _refusals(hub)[-1]["key"] == "hub.other_block"
        assert bay.store.query_one("SELECT 1 AS x FROM customers WHERE id = ?", (row_id,)) is None
    # The admin's own customer, in the bay's block, is taken.
    created = bay.workshop.add_customer(bay.admin, "Chen", "13800000000")
    settle(bay, desk)
    assert desk.store.query_one("SELECT name FROM customers WHERE id = ?", (created.id,)) == {
        "name": "Chen"
    }
    desk.close()
    bay.close()


def test_logins_clocks_and_the_message_sender_go_through_the_hub(tmp_path: Path, hub: Any) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    add_technician(desk)
    settle(desk, bay)
    # Wrong PINs at the bay count at every terminal, a good one sets the count back.
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            bay.workshop.login("li", "0000")
    settle(bay, desk)
    count = "SELECT failed_attempts AS n FROM users WHERE name = 'li'"
    assert desk.store.query_one(count) == {"n": 2}
    li = bay.workshop.login("li", "5678")
    settle(bay, desk)
    assert desk.store.query_one(count) == {"n": 0}

    # Five wrong ones lock li out everywhere; only the admin at the desk lets li back in.
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            bay.workshop.login("li", "0000")
    settle(bay, desk)
    with pytest.raises(AccountLocked):
        desk.workshop.login("li", "5678")
    desk.workshop.unlock_user(desk.admin, "li")
    settle(desk, bay)
    li = bay.workshop.login("li", "5678")

    # A PIN hashed before the workshop's key is keyed at the person's next good login.
    with desk.store.transaction(desk.admin.name) as tx:
        tx.insert(
            "users",
            {
                "name": "wu",
                "display_name": "Wu",
                "role": Role.TECHNICIAN.value,
                "language": "zh",
                **pin_columns(auth.hash_pin("2580", key=None)),
                "created_at": tx.at,
            },
        )
    settle(desk, bay)
    assert bay.workshop.login("wu", "2580").role is Role.TECHNICIAN
    settle(bay, desk)
    assert _hub_user(hub, "wu")["pin_keyed"] > 0  # type: ignore[index]
    assert desk.workshop.login("wu", "2580").role is Role.TECHNICIAN

    # The technician's visit at the bay: clocks on and off a booked job.
    w = desk.workshop
    vehicle = w.add_vehicle(desk.admin, None, "粤B24680", Powertrain.ICE, "BYD", "Qin", 2020).id
    wo = w.create_work_order(desk.admin, vehicle, "service", booked_jobs=["Oil change"]).id
    w.check_in(desk.admin, wo, 30_000)
    settle(desk, bay)
    bay.workshop.change_status(li, wo, Status.DIAGNOSING)
    bay.workshop.change_status(li, wo, Status.IN_REPAIR)
    job = bay.store.query_one("SELECT id FROM jobs WHERE work_order_id = ?", (wo,))["id"]
    bay.workshop.clock_on(li, job)
    bay.workshop.clock_off(li, job)
    settle(bay, desk)
    clocks = desk.store.query("SELECT ended_at FROM clock_entries WHERE job_id = ?", (job,))
    assert len(clocks) == 1 and clocks[0]["ended_at"] is not None

    # The message sender at the desk takes the queued messages in its own name.
    claimed = messages.claim_due(desk.store, desk.store.clock() + timedelta(days=1))
    assert claimed
    settle(desk, bay)
    states = bay.store.query("SELECT DISTINCT state FROM messages WHERE id = ?", (claimed[0].id,))
    assert states == [{"state": "sending"}]

    assert _refusals(hub) == []
    assert hub_digest(hub) == desk.digest() == bay.digest()
    desk.close()
    bay.close()


def test_a_person_made_inactive_sends_nothing_more(tmp_path: Path, hub: Any) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    add_technician(desk)
    settle(desk, bay)
    li = bay.workshop.login("li", "5678")
    desk.workshop.deactivate_user(desk.admin, "li")
    desk.sync()
    # The bay has not heard yet: li registers a car there, which the workshop does not take.
    car = bay.workshop.add_vehicle(li, None, "粤B13579", Powertrain.EV, "NIO", "ET5", 2023).id
    bay.sync()
    assert _refusals(hub)[-1]["key"] == "hub.inactive_user"
    settle(bay, desk)
    assert bay.store.query_one("SELECT 1 AS x FROM vehicles WHERE id = ?", (car,)) is None
    assert "li is no longer an active user" in replica.conflict_notes(bay.store)[0].reason
    desk.close()
    bay.close()


def test_a_station_that_is_no_terminal_shares_no_workshop_rows(hub: Any) -> None:
    _, secret = hub.service.issue_token(WORKSHOP)
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=hub.url, headers=headers, timeout=30) as http:
        assert http.post(f"{API}/enrol", json={"station_id": "lone-1", "name": "lone"}).is_success
        row = {"id": 5, "name": "eve", "role": "admin"}
        change = {"table": "users", "key": "5", "row": row}
        mutation = {
            "mutation_id": "m-1",
            "seq": 1,
            "kind": replica.ROWS_CHANGED,
            "entity": "changeset",
            "entity_id": "5",
            "payload": {"rows": [change]},
            "user": "admin",
        }
        answer = http.post(f"{API}/mutations", json={"station": "lone-1", "mutations": [mutation]})
    assert answer.status_code == 200, answer.text
    result = answer.json()["results"][0]
    assert result["status"] == "conflict" and result["detail"]["key"] == "hub.not_terminal"
    assert _hub_user(hub, "eve") is None


def test_no_terminal_takes_the_name_the_cloud_gives_a_workshops_hub(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The brand's cloud does not check again what a workshop's hub relays: no terminal of a
    # hub's (or of a workshop served by the cloud) is named like one.
    folder = str(tmp_path / "hub")
    init = ["hub", "init", "--data-dir", folder, "--workshop", WORKSHOP, "--admin-pin", "1234"]
    assert main(init) == 0
    assert main(["hub", "terminal", "add", "Hub", "--data-dir", folder]) == 2
    assert "the name of the workshop's hub" in capsys.readouterr().err
    assert main(["hub", "terminal", "add", "bay-1", "--data-dir", folder]) == 0
