"""Ids and work-order numbers unique across a workshop of terminals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from station.errors import InvalidInput
from station.identity import (
    BLOCK,
    check_terminal_name,
    id_base,
    is_work_order_number,
    terminal_code,
    terminal_of,
    work_order_number,
)


def test_a_terminal_code_takes_the_names_number_or_the_first_free_one() -> None:
    assert terminal_code("bay-3", set()) == "B3"
    assert terminal_code("desk", set()) == "D1"
    assert terminal_code("desk-2", {"D1"}) == "D2"
    assert terminal_code("desk", {"D1", "D2"}) == "D3"
    assert terminal_code("bay-3", {"B3"}) == "B1"


def test_terminal_names_are_short_lower_case_words() -> None:
    assert check_terminal_name(" Bay-2 ") == "bay-2"
    for bad in ("", "bay 2", "-bay", "x" * 40):
        with pytest.raises(InvalidInput):
            check_terminal_name(bad)


def test_ids_live_in_each_terminals_block() -> None:
    assert id_base(0) == 0 and id_base(3) == 3 * BLOCK
    assert terminal_of(3_000_000_007) == 3
    with pytest.raises(InvalidInput):
        id_base(-1)


def test_work_order_numbers_carry_the_terminals_code() -> None:
    when = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert work_order_number(when, "B3", 7) == "WO-20261130-B3-0007"
    assert work_order_number(when, None, 7) == "WO-20261130-00007"


def test_a_search_for_a_work_order_number_is_told_from_a_car() -> None:
    when = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    for number in (work_order_number(when, "B3", 7), work_order_number(when, None, 12_345)):
        assert is_work_order_number(number) and is_work_order_number(f" {number.lower()} ")
    assert is_work_order_number("WO-20261130-D12-10000")
    for car in ("LSVAU2180N2183294", "粤B12345", "WO123", "WO-2026113-B3-0007", "WO-20261130-B3"):
        assert not is_work_order_number(car), car
