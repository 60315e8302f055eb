"""The hub's checks of who writes what, with literal rows (the same rules the hub runs)."""

from __future__ import annotations

from typing import Any

import pytest

from station import hub_rules, replica
from station.hub_rules import Person, check_author, check_block, check_row, needed
from station.identity import BLOCK
from station.replica import REPLICATED, RowRefused
from station.roles import PERMISSIONS

ADMIN = Person("admin", "admin", True)
LI = Person("li", "technician", True)
ZHAO = Person("zhao", "advisor", True)

LI_ROW: dict[str, Any] = {
    "id": 2 * BLOCK + 3,
    "name": "li",
    "display_name": "Li",
    "role": "technician",
    "language": "zh",
    "pin_salt": {"hex": "aa"},
    "pin_hash": {"hex": "bb"},
    "pin_keyed": 1,
    "failed_attempts": 0,
    "active": 1,
    "created_at": "2026-11-30T08:00:00.000Z",
}
WORK_ORDER: dict[str, Any] = {
    "id": 2 * BLOCK + 7,
    "number": "WO-20261130-B2-0007",
    "status": "checked_in",
    "version": 2,
    "status_since": "2026-11-30T09:00:00.000Z",
}


def refusal(call: Any, *args: Any) -> RowRefused:
    with pytest.raises(RowRefused) as caught:
        call(*args)
    return caught.value


def test_every_shared_table_has_its_rule_and_every_rule_names_a_real_permission() -> None:
    assert set(hub_rules.NEW) == set(REPLICATED) == set(hub_rules.CHANGED)
    named = {p for rule in (hub_rules.NEW, hub_rules.CHANGED) for ps in rule.values() for p in ps}
    assert named <= set(PERMISSIONS), named - set(PERMISSIONS)


def test_the_person_named_must_be_an_active_user() -> None:
    check_author("li", LI, frozenset({"clock_entries"}))
    nobody = refusal(check_author, None, None, frozenset({"clock_entries"}))
    assert nobody.key == "hub.no_user"
    stranger = refusal(check_author, "mallory", None, frozenset({"users"}))
    assert stranger.key == "hub.unknown_user" and stranger.params == {"name": "mallory"}
    gone = refusal(check_author, "li", Person("li", "technician", False), frozenset({"jobs"}))
    assert gone.key == "hub.inactive_user"


def test_the_message_sender_may_keep_the_messages_state_and_nothing_else() -> None:
    check_author("messages", None, frozenset({"messages"}))
    check_row("messages", None, "messages", {"id": 1, "state": "sending"}, {"id": 1})
    assert (
        refusal(check_author, "messages", None, frozenset({"messages", "users"})).key
        == "hub.unknown_user"
    )


def test_users_roles_and_pins_take_user_manage() -> None:
    new_admin = {**LI_ROW, "id": 2 * BLOCK + 9, "name": "eve", "role": "admin"}
    check_row("admin", ADMIN, "users", new_admin, None)
    refused = refusal(check_row, "li", LI, "users", new_admin, None)
    assert refused.key == "hub.permission"
    assert refused.params["permission"] == "user.manage" and refused.params["role"] == "technician"
    admin_row = {**LI_ROW, "id": 1, "name": "admin", "role": "admin"}
    pin_changed = {**admin_row, "pin_hash": {"hex": "cc"}}
    assert refusal(check_row, "zhao", ZHAO, "users", pin_changed, admin_row).key == (
        "hub.permission"
    )
    check_row("admin", ADMIN, "users", {**LI_ROW, "role": "advisor"}, LI_ROW)


def test_a_login_writes_its_own_failed_count_and_rekeyed_pin_but_no_more() -> None:
    # Wrong PINs count up; a good login sets the count back.
    check_row("li", LI, "users", {**LI_ROW, "failed_attempts": 2}, LI_ROW)
    check_row("li", LI, "users", LI_ROW, {**LI_ROW, "failed_attempts": 3})
    # A hash from before the PIN key is keyed at the good login.
    old = {**LI_ROW, "pin_keyed": 0, "pin_hash": {"hex": "01"}, "failed_attempts": 1}
    check_row("li", LI, "users", LI_ROW, old)
    # Not a new PIN of one's own choosing, nor one's role, nor lifting one's lockout.
    own_pin = refusal(check_row, "li", LI, "users", {**LI_ROW, "pin_hash": {"hex": "dd"}}, LI_ROW)
    assert own_pin.key == "hub.own_row" and own_pin.params["columns"] == "pin_hash"
    own_role = refusal(check_row, "li", LI, "users", {**LI_ROW, "role": "admin"}, LI_ROW)
    assert own_role.key == "hub.own_row" and own_role.params["columns"] == "role"
    locked = {**LI_ROW, "failed_attempts": 5}
    assert refusal(check_row, "li", LI, "users", LI_ROW, locked).key == "hub.locked"
    # Another person's count is not one's own.
    assert (
        refusal(
            check_row,
            "li",
            LI,
            "users",
            {**LI_ROW, "name": "wu", "failed_attempts": 1},
            {
                **LI_ROW,
                "name": "wu",
            },
        ).key
        == "hub.permission"
    )


def test_a_work_order_move_takes_the_permission_of_its_target() -> None:
    delivered = {**WORK_ORDER, "status": "delivered", "version": 3}
    assert needed("work_orders", delivered, WORK_ORDER) == frozenset({"work_order.deliver"})
    assert refusal(check_row, "li", LI, "work_orders", delivered, WORK_ORDER).params[
        "permission"
    ] == ("work_order.deliver")
    check_row("zhao", ZHAO, "work_orders", delivered, WORK_ORDER)
    diagnosing = {**WORK_ORDER, "status": "diagnosing", "version": 3}
    check_row("li", LI, "work_orders", diagnosing, WORK_ORDER)
    assert refusal(check_row, "zhao", ZHAO, "work_orders", diagnosing, WORK_ORDER).key == (
        "hub.permission"
    )
    check_row("li", LI, "work_orders", {**WORK_ORDER, "status": "booked"}, None)


def test_the_catalogue_profile_and_clocks_follow_the_core() -> None:
    price = {"id": 2 * BLOCK + 1, "code": "PAD-F", "price_cents": 48000, "active": 1}
    assert refusal(check_row, "zhao", ZHAO, "price_items", price, None).params["permission"] == (
        "catalogue.manage"
    )
    check_row("admin", ADMIN, "price_items", price, None)
    assert refusal(check_row, "li", LI, "workshop_profiles", {"id": 5}, None).key == (
        "hub.permission"
    )
    clock = {"id": 2 * BLOCK + 4, "job_id": 1, "technician_id": 3, "started_at": "x"}
    check_row("li", LI, "clock_entries", clock, None)
    assert refusal(check_row, "zhao", ZHAO, "clock_entries", clock, None).key == "hub.permission"
    # Every status move queues the customer's message: any role that moves may add one.
    check_row("li", LI, "messages", {"id": 2 * BLOCK + 5, "state": "queued"}, None)


def test_a_new_row_takes_an_id_in_the_senders_block() -> None:
    row = {"id": 2 * BLOCK + 11, "name": "Chen", "created_at": "x"}
    check_block(2, "customers", str(row["id"]), row, None)
    other = refusal(check_block, 3, "customers", str(row["id"]), row, None)
    assert other.key == "hub.other_block" and other.params["block"] == 2
    hubs = {**row, "id": 12}
    assert refusal(check_block, 2, "customers", "12", hubs, None).params["block"] == 0
    # A row the workshop has already is changed from any terminal.
    check_block(3, "customers", str(row["id"]), row, row)
    assert refusal(check_block, 2, "customers", "x", {**row, "id": "x"}, None).key == (
        "hub.bad_key"
    )
    # Rows keyed otherwise than by id take no block.
    check_block(2, "signatures", "ab12", {"sha256": "ab12"}, None)


def test_of_two_prices_for_one_code_the_later_made_is_kept() -> None:
    earlier = {"code": "PAD-F", "created_at": "2026-11-30T09:00:00.000Z"}
    later = {"code": "PAD-F", "created_at": "2026-11-30T09:05:00.000Z"}
    assert hub_rules.later_price(later, earlier)
    assert not hub_rules.later_price(earlier, later)
    assert hub_rules.later_price(earlier, dict(earlier))  # at the same moment: the hub's order
    text = hub_rules.price_notice(later, earlier, "bay-1")
    assert text.startswith("price item PAD-F: the one set at bay-1 (2026-11-30T09:05)")


def test_a_name_given_first_elsewhere_is_kept_with_the_terminals_code() -> None:
    assert hub_rules.free_name("wang", "B1", {"wang", "li"}) == "wang-B1"
    assert hub_rules.free_name("wang", "B1", {"wang", "wang-B1"}) == "wang-B1-2"
    assert hub_rules.free_name("wang", "B1", {"wang", "wang-B1", "wang-B1-2"}) == "wang-B1-3"


def test_a_changeset_with_a_user_in_it_ends_the_batch() -> None:
    def changeset(*tables: str) -> dict[str, Any]:
        rows = [{"table": t, "key": "1", "row": {}} for t in tables]
        return {"kind": replica.ROWS_CHANGED, "payload": {"rows": rows}}

    other = {"kind": "work_order.created", "payload": {"number": "WO-1"}}
    queued = [changeset("vehicles"), other, changeset("users", "jobs"), changeset("work_orders")]
    assert replica.up_to_a_user(queued) == queued[:3]
    assert replica.up_to_a_user(queued[3:]) == queued[3:]
    assert replica.up_to_a_user([]) == []


def test_a_new_finding_is_taken_only_on_open_work() -> None:
    work_order = {"id": 7, "number": "WO-20261130-B1-0001", "status": "cancelled"}
    finding = {"id": 9, "work_order_id": 7, "title": "Front pads worn"}
    with pytest.raises(RowRefused) as refused:
        hub_rules.check_work_open("findings", finding, None, work_order)
    assert refused.value.key == "work_order.closed"
    assert refused.value.params == {"number": "WO-20261130-B1-0001", "status": "cancelled"}
    assert refused.value.current == [{"table": "work_orders", "key": "7", "row": work_order}]
    for status in ("diagnosing", "awaiting_approval", "in_repair"):
        hub_rules.check_work_open("findings", finding, None, {**work_order, "status": status})
    hub_rules.check_work_open("findings", finding, finding, work_order)  # not a new one
    hub_rules.check_work_open("estimate_lines", finding, None, work_order)
