"""The page's pure rules, with literals: link life, taps, answers, the tracker, rate limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from station.findings import Decision
from station.lifecycle import Status
from sync.customer_page import pick_language, render
from sync.customer_rules import (
    BadRequest,
    link_ends,
    next_update_by,
    parse_answer,
    parse_signature,
    parse_tap,
    tracker,
)

KEY = "k" * 32


def test_a_link_ends_days_after_the_visit_ends() -> None:
    assert link_ends("delivered", "2026-01-10T08:00:00.000Z", 90) == datetime(
        2026, 4, 10, 8, tzinfo=UTC
    )
    assert link_ends("cancelled", "2026-01-10T08:00:00Z", 1) == datetime(2026, 1, 11, 8, tzinfo=UTC)
    assert link_ends("in_repair", "2026-01-10T08:00:00Z", 90) is None
    assert link_ends("delivered", "not a time", 90) is None


def test_a_tap_is_checked_before_anything_is_read() -> None:
    zigzag = [[x, 2 + x % 2 * 2.5] for x in range(1, 9)]
    signature = {"strokes": [zigzag], "width": 10, "height": 10}
    body = {
        "tap": KEY,
        "finding_id": 3,
        "decision": "approved",
        "customer_name": " 王芳 ",
        "seen_state": "pending",
        "signature": signature,
    }
    tap = parse_tap(body)
    assert (tap.finding_id, tap.decision, tap.customer_name) == (3, Decision.APPROVED, "王芳")
    assert tap.signature is not None
    assert tap.signature.wire()["strokes"] == [[[float(x), float(y)] for x, y in zigzag]]
    declined = parse_tap({**body, "decision": "declined", "signature": None})
    assert declined.signature is None
    for bad, status in (
        ({**body, "tap": "short"}, 400),
        ({**body, "finding_id": True}, 400),
        ({**body, "finding_id": "3"}, 400),
        ({**body, "decision": "maybe"}, 400),
        ({**body, "customer_name": ""}, 400),
        ({**body, "customer_name": "x" * 101}, 400),
        ({**body, "seen_state": "unknown"}, 400),
        ({**body, "signature": None}, 400),
    ):
        with pytest.raises(BadRequest) as refused:
            parse_tap(bad)
        assert refused.value.status == status


def test_a_signature_is_bounded_and_on_the_pad() -> None:
    with pytest.raises(BadRequest, match="empty"):
        parse_signature({"strokes": [[[1, 1]]], "width": 10, "height": 10})
    with pytest.raises(BadRequest, match="too small"):
        parse_signature({"strokes": [[[1, 1], [2, 2]]], "width": 10, "height": 10})
    with pytest.raises(BadRequest, match="outside"):
        parse_signature({"strokes": [[[1, 1], [11, 1]]], "width": 10, "height": 10})
    with pytest.raises(BadRequest, match="at most"):
        parse_signature({"strokes": [[[1, 1]] * 2] * 61, "width": 10, "height": 10})
    with pytest.raises(BadRequest, match="points"):
        parse_signature({"strokes": [[[1, 1]] * 4001], "width": 10, "height": 10})
    with pytest.raises(BadRequest, match="point is"):
        parse_signature({"strokes": [[[1, float("nan")], [2, 2]]], "width": 10, "height": 10})


def test_follow_up_answers() -> None:
    day1 = parse_answer({"tap": KEY, "rating": 5, "comment": " great "}, "day1")
    assert day1.outcome() == "customer: rated 5/5 - great"
    day7 = parse_answer({"tap": KEY, "trouble": False}, "day7")
    assert day7.outcome() == "customer: no noise or warning light"
    with pytest.raises(BadRequest):
        parse_answer({"tap": KEY, "rating": 0}, "day1")
    with pytest.raises(BadRequest):
        parse_answer({"tap": KEY, "trouble": "no"}, "day7")


EVENTS = [
    {"from_status": None, "to_status": "booked", "at": "2026-03-01T08:00:00Z"},
    {"from_status": "booked", "to_status": "checked_in", "at": "2026-03-01T08:10:00Z"},
    {"from_status": "checked_in", "to_status": "checked_in", "at": "2026-03-01T08:20:00Z"},
    {"from_status": "checked_in", "to_status": "in_repair", "at": "2026-03-01T09:00:00Z"},
]


def test_the_tracker_and_the_next_update_promise() -> None:
    steps = tracker("in_repair", EVENTS)
    assert [(s.stage.value, s.at, s.current) for s in steps[:4]] == [
        ("checked_in", "2026-03-01T08:10:00Z", False),
        ("diagnosing", None, False),
        ("awaiting_approval", None, False),
        ("in_repair", "2026-03-01T09:00:00Z", True),
    ]
    assert next_update_by("in_repair", EVENTS) == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert next_update_by("checked_in", EVENTS[:2]) == datetime(2026, 3, 1, 8, 40, tzinfo=UTC)
    assert next_update_by(Status.AWAITING_APPROVAL.value, EVENTS) is None
    assert next_update_by("ready", EVENTS) is None


def test_language_from_the_link_then_the_phone() -> None:
    assert pick_language("en", "zh-CN") == "en"
    assert pick_language(None, "en-GB,en;q=0.9") == "en"
    assert pick_language("fr", "de-DE,zh;q=0.5") == "zh"
    assert pick_language(None, None) == "zh"


def test_the_page_escapes_what_people_typed() -> None:
    page = {
        "public_id": "abc",
        "number": "WO-1",
        "workshop": "<b>Harbour</b>",
        "status": "awaiting_approval",
        "steps": tracker("awaiting_approval", EVENTS),
        "events": [{**EVENTS[2], "note": "<script>alert(1)</script>"}],
        "findings": [
            {
                "id": 1,
                "title": "pads <img src=x>",
                "severity": "urgent",
                "total_cents": 100,
                "lines": [{"description": "pad", "quantity": 1, "unit_price_cents": 100}],
                "decisions": [],
                "state": "pending",
                "measurement_value": 3.0,
                "measurement_unit": "mm",
                "remaining_life_km": 4000,
            }
        ],
        "photos": [],
    }
    html = render(page, "en")
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "<img src=x>" not in html and "<b>Harbour" not in html
    assert "Measured 3 mm, about 4,000 km left" in html
    assert len(html.encode()) < 100_000
