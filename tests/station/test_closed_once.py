"""The hub's rule for rows closed once (`replica.check_change`), with literals."""

from __future__ import annotations

import pytest

from station.replica import RowRefused, check_change

OPEN = {"id": 7, "work_order_id": 3, "kind": "day1", "due_at": "2026-12-01", "done_at": None}
ANSWERED = {**OPEN, "done_at": "2026-12-01T10:00Z", "outcome": "customer: rated 5/5"}
CALLED = {**OPEN, "done_at": "2026-12-01T10:05Z", "outcome": "called: all fine"}


def test_an_open_follow_up_is_closed_once() -> None:
    assert check_change("follow_ups", CALLED, None, OPEN)
    assert check_change("follow_ups", OPEN, None, None)


def test_the_same_closing_again_is_nothing_new() -> None:
    assert not check_change("follow_ups", ANSWERED, None, ANSWERED)


def test_a_second_closing_is_refused_with_the_first() -> None:
    with pytest.raises(RowRefused) as refused:
        check_change("follow_ups", CALLED, None, ANSWERED)
    assert refused.value.reason == "follow-up 7 was closed already: customer: rated 5/5"
    assert refused.value.current == [{"table": "follow_ups", "row": ANSWERED}]
