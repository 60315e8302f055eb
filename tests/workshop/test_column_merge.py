"""Two terminals changing different fields of one customer: the hub keeps both, everywhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from station.roles import Role
from sync import hub as hub_records
from tests.workshop.conftest import WORKSHOP
from tests.workshop.helpers import Terminal, hub_digest, join, settle


def _sent_rows(t: Terminal, table: str) -> list[dict[str, Any]]:
    """The changes of `table` this terminal queued for the hub, oldest first."""
    found = t.store.query("SELECT payload FROM outbox WHERE kind = 'rows.changed' ORDER BY seq", ())
    return [
        change
        for r in found
        for change in json.loads(r["payload"])["rows"]
        if change["table"] == table
    ]


def _customer(t: Terminal, customer: int) -> dict[str, Any]:
    return dict(t.store.query_one("SELECT email, phone FROM customers WHERE id = ?", (customer,)))


def test_email_set_at_the_desk_and_phone_at_a_bay_are_both_kept(hub: Any, tmp_path: Path) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    try:
        customer = desk.workshop.add_customer(desk.admin, "Wang Fang", "13800000000", "zh").id
        settle(desk, bay)

        desk.workshop.set_contact(desk.admin, customer, email="wang@example.cn")
        desk.sync()
        bay.workshop.set_contact(bay.admin, customer, phone="13911112222")
        sent = _sent_rows(bay, "customers")[-1]
        assert sent["before"]["phone"] == "13800000000"
        assert sent["before"]["email"] is None
        bay.sync()
        answer = bay.store.query_one(
            "SELECT result FROM outbox WHERE kind = 'rows.changed' ORDER BY seq DESC LIMIT 1", ()
        )
        detail = json.loads(answer["result"])["detail"]
        assert detail["fields_merged"] is True
        assert detail["current"][0]["row"]["email"] == "wang@example.cn"
        settle(desk, bay)

        both = {"email": "wang@example.cn", "phone": "13911112222"}
        with hub.service.db.transaction() as tx:
            at_hub = hub_records.record(tx, WORKSHOP, "customers", str(customer))
        assert at_hub is not None
        assert {k: at_hub[k] for k in both} == both
        assert _customer(desk, customer) == both
        assert _customer(bay, customer) == both
        assert desk.digest() == bay.digest() == hub_digest(hub)
        assert not bay.store.query("SELECT id FROM replica_conflicts", ())
    finally:
        desk.close()
        bay.close()


def test_the_same_field_set_at_two_terminals_keeps_the_later(hub: Any, tmp_path: Path) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    try:
        customer = desk.workshop.add_customer(desk.admin, "Wang Fang", "13800000000", "zh").id
        settle(desk, bay)
        desk.workshop.set_contact(desk.admin, customer, email="wang@example.cn")
        desk.sync()
        bay.workshop.set_contact(bay.admin, customer, email="fang@example.cn")
        bay.sync()
        settle(desk, bay)
        later = {"email": "fang@example.cn", "phone": "13800000000"}
        assert _customer(desk, customer) == _customer(bay, customer) == later
        assert desk.digest() == bay.digest() == hub_digest(hub)
    finally:
        desk.close()
        bay.close()


def test_a_pin_reset_and_a_name_change_made_meanwhile_both_stand(hub: Any, tmp_path: Path) -> None:
    """The PIN columns (BLOBs) travel as hex in `before` as in the row; a row written twice
    in one transaction is sent with the state that transaction found."""
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    try:
        desk.workshop.add_user(desk.admin, "li", Role.TECHNICIAN, "5678")
        settle(desk, bay)
        old = _sent_rows(desk, "users")[-1]["row"]

        bay.workshop.reset_pin(bay.admin, "li", "2468")
        sent = _sent_rows(bay, "users")[-1]
        assert sent["before"]["pin_hash"] == old["pin_hash"]
        assert sent["before"]["pin_salt"] == old["pin_salt"]
        assert sent["row"]["pin_hash"] != old["pin_hash"]
        with desk.store.transaction("admin") as tx:
            tx.execute("UPDATE users SET display_name = 'Li Wei' WHERE name = 'li'")
            tx.execute("UPDATE users SET display_name = 'Li Wei (bay 1)' WHERE name = 'li'")
        assert _sent_rows(desk, "users")[-1]["before"]["display_name"] == old["display_name"]
        desk.sync()
        bay.sync()
        settle(desk, bay)

        assert bay.workshop.login("li", "2468").name == "li"
        assert desk.workshop.login("li", "2468").name == "li"
        for t in (desk, bay):
            row = t.store.query_one("SELECT display_name FROM users WHERE name = 'li'", ())
            assert row["display_name"] == "Li Wei (bay 1)"
        assert desk.digest() == bay.digest() == hub_digest(hub)
    finally:
        desk.close()
        bay.close()
