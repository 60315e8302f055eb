"""The hub's merge of a shared row two terminals changed in different columns, with literal rows."""

from __future__ import annotations

from station.replica import merged_row

HUB = {"id": 7, "name": "Wang Fang", "email": "wang@example.cn", "phone": "13800000000"}
BEFORE = {"id": 7, "name": "Wang Fang", "email": None, "phone": "13800000000"}


def test_columns_changed_at_different_terminals_are_both_kept() -> None:
    incoming = {**BEFORE, "phone": "13911112222"}
    assert merged_row("customers", incoming, BEFORE, HUB) == {
        "id": 7,
        "name": "Wang Fang",
        "email": "wang@example.cn",
        "phone": "13911112222",
    }


def test_a_column_both_changed_takes_the_incoming_value() -> None:
    incoming = {**BEFORE, "email": "fang@example.cn", "phone": "13911112222"}
    assert merged_row("customers", incoming, BEFORE, HUB) == {
        "id": 7,
        "name": "Wang Fang",
        "email": "fang@example.cn",
        "phone": "13911112222",
    }


def test_without_before_the_incoming_row_is_taken_whole() -> None:
    incoming = {**BEFORE, "phone": "13911112222"}
    assert merged_row("customers", incoming, None, HUB) == incoming


def test_a_new_row_is_taken_whole() -> None:
    incoming = {**BEFORE, "phone": "13911112222"}
    assert merged_row("customers", incoming, BEFORE, None) == incoming


def test_a_column_before_lacks_counts_as_changed_here() -> None:
    incoming = {**BEFORE, "language": "en"}
    hub = {**HUB, "language": "zh"}
    assert merged_row("customers", incoming, BEFORE, hub)["language"] == "en"
    assert merged_row("customers", incoming, BEFORE, hub)["email"] == "wang@example.cn"


def test_blob_columns_compare_in_their_hex_form() -> None:
    """A PIN reset at the desk survives a display-name change made at a bay meanwhile."""
    before = {"id": 3, "display_name": "Li", "pin_salt": {"hex": "0a0b"}, "pin_hash": {"hex": "c0"}}
    hub = {**before, "pin_salt": {"hex": "1111"}, "pin_hash": {"hex": "2222"}}
    renamed = {**before, "display_name": "Li Wei"}
    assert merged_row("users", renamed, before, hub) == {**hub, "display_name": "Li Wei"}
    new_pin = {**before, "pin_salt": {"hex": "3333"}, "pin_hash": {"hex": "4444"}}
    assert merged_row("users", new_pin, before, hub) == new_pin


def test_versioned_and_written_once_rows_are_not_merged() -> None:
    before = {"id": 1, "status": "open", "complaint": "squeal"}
    hub = {**before, "complaint": "squeal, pulls left"}
    incoming = {**before, "status": "diagnosing"}
    assert merged_row("work_orders", incoming, before, hub) == incoming
