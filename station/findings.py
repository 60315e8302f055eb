"""Findings, their estimates and the customer's decisions on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from station import limits
from station.errors import InvalidInput


class Severity(StrEnum):
    URGENT = "urgent"  # safety: red
    SOON = "soon"  # amber
    ADVISORY = "advisory"


class Decision(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"


class ApprovalState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class Channel(StrEnum):
    DESK = "desk"
    BAY = "bay"
    REMOTE = "remote"


class LineKind(StrEnum):
    PART = "part"
    LABOUR = "labour"


@dataclass(frozen=True)
class EstimateLine:
    """A part (quantity x unit price) or labour (hours x rate); money in cents."""

    kind: LineKind
    description: str
    quantity: float
    unit_price_cents: int
    part_number: str | None = None

    @property
    def total_cents(self) -> int:
        return round(self.quantity * self.unit_price_cents)


def part(
    description: str, quantity: float, unit_price_cents: int, part_number: str | None = None
) -> EstimateLine:
    return EstimateLine(LineKind.PART, description, quantity, unit_price_cents, part_number)


def labour(description: str, hours: float, rate_cents: int) -> EstimateLine:
    return EstimateLine(LineKind.LABOUR, description, hours, rate_cents)


@dataclass(frozen=True)
class FindingDraft:
    """A finding as the technician writes it, before it is kept or corrected: what was found,
    how urgent, its estimate and the job it calls for, and what it came from (a checklist
    result, a trouble code or an alignment session; none of them when written by hand)."""

    title: str
    severity: Severity
    lines: Sequence[EstimateLine]
    recommended_job: str = ""
    checklist_result_id: int | None = None
    dtc: str | None = None
    alignment_session_id: int | None = None

    def __post_init__(self) -> None:
        # the estimate is kept as given: a list the caller changes later is not the draft's
        object.__setattr__(self, "lines", tuple(self.lines))


def validate_lines(lines: Sequence[EstimateLine]) -> None:
    for line in lines:
        if line.quantity <= 0:
            raise InvalidInput(
                f"estimate line {line.description!r}: quantity must be positive",
                key="line.quantity",
                line=line.description,
            )
        if line.unit_price_cents < 0:
            raise InvalidInput(
                f"estimate line {line.description!r}: price cannot be negative",
                key="line.price",
                line=line.description,
            )
        if not line.description.strip():
            raise InvalidInput("an estimate line needs a description", key="line.needs_description")
        limits.check(limits.DESCRIPTION, line.description)
        limits.check_optional(limits.PART_NUMBER, line.part_number)


def estimate_total_cents(lines: Sequence[EstimateLine]) -> int:
    return sum(line.total_cents for line in lines)


E = TypeVar("E", bound=StrEnum)


def parse_enum(kind: type[E], text: str) -> E:
    try:
        return kind(text)
    except ValueError:
        known = ", ".join(e.value for e in kind)
        raise InvalidInput(
            f"unknown {kind.__name__.lower()} {text!r}; use {known}",
            key="value.unknown",
            value=text,
        ) from None


def state_after(decisions: list[Decision]) -> ApprovalState:
    """The finding's state is its latest decision; earlier ones stay on record."""
    if not decisions:
        return ApprovalState.PENDING
    return ApprovalState(decisions[-1].value)


def format_money(cents: int, currency: str = "CNY") -> str:
    symbol = {"CNY": "¥", "EUR": "€", "USD": "$"}.get(currency, currency + " ")
    return f"{symbol}{cents / 100:,.2f}"
